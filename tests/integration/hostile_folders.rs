//! Files that lie about their sizes and model folders that point outside themselves. Every
//! count or length read from a file is checked against the file's size (or a stated limit)
//! before anything is allocated: each 100-byte file here claims 2^40 entries of one kind, and
//! must be refused with a message naming it, not abort the process. A model folder whose
//! `modules.json` or links lead out of it is refused and says so.

use std::path::{Path, PathBuf};

use wordlens::embed::contextual::ContextualModel;
use wordlens::embed::static_model::StaticModel;

use crate::contextual::copy_dir;

const CLAIM: u64 = 1 << 40;

fn distilled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contextual/distilled")
}

fn tiny_bert() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contextual/tiny-bert")
}

/// Exactly 100 bytes: `head`, padded with spaces (JSON) or zeros.
fn hundred_bytes(head: &[u8], pad: u8) -> Vec<u8> {
    assert!(head.len() <= 100, "{} bytes", head.len());
    let mut b = head.to_vec();
    b.resize(100, pad);
    b
}

/// A safetensors file: the 8-byte header length, then `header` (JSON), in 100 bytes.
fn safetensors(claimed_len: u64, header: &str) -> Vec<u8> {
    let mut b = claimed_len.to_le_bytes().to_vec();
    b.extend_from_slice(header.as_bytes());
    hundred_bytes(&b, b' ')
}

fn static_error(folder: &Path) -> String {
    match StaticModel::open(folder) {
        Ok(_) => panic!("{} opened", folder.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_static_models_safetensors_claiming_2_to_the_40_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("m");
    copy_dir(&distilled(), &folder);
    let st = folder.join("model.safetensors");
    let header_len = safetensors(CLAIM, "{}");
    let shape = format!(
        r#"{{"embeddings":{{"dtype":"F32","shape":[{CLAIM},{CLAIM}],"data_offsets":[0,8]}}}}"#
    );
    let offsets =
        format!(r#"{{"embeddings":{{"dtype":"F32","shape":[2,1],"data_offsets":[0,{CLAIM}]}}}}"#);
    for (what, bytes) in [
        ("header length", header_len),
        ("shape", safetensors(shape.len() as u64, &shape)),
        ("data offsets", safetensors(offsets.len() as u64, &offsets)),
    ] {
        assert_eq!(bytes.len(), 100);
        std::fs::write(&st, &bytes).unwrap();
        let err = static_error(&folder);
        assert!(err.contains("model.safetensors"), "{what}: {err}");
    }
}

#[test]
fn an_encoder_whose_config_or_weights_claim_2_to_the_40_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("bert");
    copy_dir(&tiny_bert(), &folder);
    let config_path = folder.join("config.json");
    let valid: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&config_path).unwrap()).unwrap();
    for key in [
        "vocab_size",
        "hidden_size",
        "intermediate_size",
        "num_hidden_layers",
        "max_position_embeddings",
    ] {
        let mut config = valid.clone();
        config[key] = serde_json::json!(CLAIM);
        if key == "hidden_size" {
            config["num_attention_heads"] = serde_json::json!(1);
        }
        std::fs::write(&config_path, config.to_string()).unwrap();
        let err = ContextualModel::open(&folder).err().map(|e| e.to_string());
        let err = err.unwrap_or_else(|| panic!("{key} = 2^40 opened"));
        assert!(
            err.contains("config.json") || err.contains("model.safetensors"),
            "{key}: {err}"
        );
    }
    std::fs::write(&config_path, valid.to_string()).unwrap();
    std::fs::write(folder.join("model.safetensors"), safetensors(CLAIM, "{}")).unwrap();
    let err = ContextualModel::open(&folder).err().unwrap().to_string();
    assert!(err.contains("model.safetensors"), "{err}");
}

#[test]
fn vectors_files_claiming_2_to_the_40_words_are_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    // word2vec text and binary: `count dim` then one record.
    let text = hundred_bytes(format!("{CLAIM} 3\nword 1 2 3\n").as_bytes(), b'\n');
    let mut binary = format!("{CLAIM} 3\nword ").into_bytes();
    binary.extend([1.0f32, 2.0, 3.0].iter().flat_map(|f| f.to_le_bytes()));
    let binary = hundred_bytes(&binary, 0);
    // fastText `.bin`: the real fixture's first 100 bytes with its dictionary size and word
    // count (i32, at bytes 64 and 68) set to the largest an i32 holds.
    let mut fasttext = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gensim-fasttext.bin"),
    )
    .unwrap();
    fasttext.truncate(100);
    fasttext[64..68].copy_from_slice(&i32::MAX.to_le_bytes());
    fasttext[68..72].copy_from_slice(&i32::MAX.to_le_bytes());
    for (name, bytes) in [
        ("claim.txt", text),
        ("claim.bin", binary),
        ("claim-fasttext.bin", fasttext),
    ] {
        assert_eq!(bytes.len(), 100);
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let err = wordlens::embed::io::read(&p).err().unwrap().to_string();
        assert!(err.contains(name), "{name}: {err}");
        assert!(
            err.contains("claims") || err.contains("needs at least"),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_tokenizer_json_with_a_huge_piece_or_no_vocabulary_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("m");
    copy_dir(&distilled(), &folder);
    let tk = folder.join("tokenizer.json");
    // 100 bytes of JSON that claims nothing it holds: a WordPiece model with no vocabulary.
    let empty = hundred_bytes(br#"{"model":{"type":"WordPiece","vocab":{}}}"#, b' ');
    std::fs::write(&tk, &empty).unwrap();
    let err = static_error(&folder);
    assert!(err.contains("tokenizer.json"), "{err}");
}

#[test]
fn a_module_path_that_leaves_the_folder_is_refused_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("m");
    copy_dir(&distilled(), &folder);
    let outside = dir.path().join("elsewhere");
    copy_dir(&distilled(), &outside);
    std::fs::remove_file(outside.join("modules.json")).unwrap();
    for path in [
        "../../../../etc",
        "../elsewhere",
        "/etc",
        outside.to_str().unwrap(),
    ] {
        let modules = serde_json::json!([
            {"idx": 0, "name": "0", "path": path, "type": "sentence_transformers.models.StaticEmbedding"}
        ]);
        std::fs::write(folder.join("modules.json"), modules.to_string()).unwrap();
        let err = static_error(&folder);
        assert!(
            err.contains("modules.json") && err.contains("leaves the model folder"),
            "{path}: {err}"
        );
        assert!(!err.contains("no tokenizer.json"), "{path}: {err}");
    }
    // The encoder layout reads the same file the same way.
    let bert = dir.path().join("bert");
    copy_dir(&tiny_bert(), &bert);
    let modules = serde_json::json!([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "../../../../etc", "type": "sentence_transformers.models.Pooling"}
    ]);
    std::fs::write(bert.join("modules.json"), modules.to_string()).unwrap();
    let err = ContextualModel::open(&bert).err().unwrap().to_string();
    assert!(err.contains("leaves the model folder"), "{err}");
}

#[cfg(unix)]
#[test]
fn files_and_module_folders_linked_outside_the_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("elsewhere");
    copy_dir(&distilled(), &outside);
    std::fs::remove_file(outside.join("modules.json")).unwrap();
    // A file that is a link out of the folder.
    let folder = dir.path().join("m");
    copy_dir(&distilled(), &folder);
    std::fs::remove_file(folder.join("tokenizer.json")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("tokenizer.json"),
        folder.join("tokenizer.json"),
    )
    .unwrap();
    let err = static_error(&folder);
    assert!(
        err.contains("tokenizer.json") && err.contains("outside the model folder"),
        "{err}"
    );
    // A module folder that is a link out of the folder.
    let linked = dir.path().join("linked");
    copy_dir(&distilled(), &linked);
    std::os::unix::fs::symlink(&outside, linked.join("0_StaticEmbedding")).unwrap();
    let modules = serde_json::json!([
        {"idx": 0, "name": "0", "path": "0_StaticEmbedding", "type": "sentence_transformers.models.StaticEmbedding"}
    ]);
    std::fs::write(linked.join("modules.json"), modules.to_string()).unwrap();
    let err = static_error(&linked);
    assert!(err.contains("outside the model folder"), "{err}");
    // The same folder with real files opens.
    std::fs::remove_file(linked.join("0_StaticEmbedding")).unwrap();
    copy_dir(&outside, &linked.join("0_StaticEmbedding"));
    assert!(StaticModel::open(&linked).is_ok());
}
