//! Inputs the fuzzers (`fuzz/run.sh`) found crashing, kept after the fix: each must now give a
//! clear error naming the file, never a panic. The file name's first word says which reader.

use std::path::PathBuf;

use wordlens::classify::model_file;
use wordlens::embed::contextual::ContextualModel;
use wordlens::embed::io;
use wordlens::embed::static_model::own_and_crate_ids;

#[test]
fn every_kept_crashing_input_is_a_clear_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let err = match name.split('-').next().unwrap() {
            "model" => model_file::load(&path).err().map(|e| e.to_string()),
            "vectors" => io::read(&path).err().map(|e| e.to_string()),
            // Kept for the tests below.
            "encoder" | "tokenizer" => continue,
            other => panic!("{name}: no reader named {other}"),
        };
        let err = err.unwrap_or_else(|| panic!("{name} was read without an error"));
        assert!(err.contains(&name), "{name}: {err}");
        seen += 1;
    }
    assert!(seen >= 1);
}

/// The encoder-folder target varied `tokenizer.json` (its first byte, 6, picks that file) into
/// one whose decoder made the `tokenizers` crate panic (`expect("Helper")`): now a clear error.
#[test]
fn an_encoder_whose_tokenizer_has_a_malformed_decoder_is_a_clear_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let input =
        std::fs::read(dir.join("tests/fuzz-regressions/encoder-tokenizer-json-bad-decoder.bin"))
            .unwrap();
    assert_eq!(input[0], 6);
    let work = tempfile::tempdir().unwrap();
    let bert = dir.join("tests/fixtures/contextual/tiny-bert");
    for f in [
        "model.safetensors",
        "config.json",
        "modules.json",
        "sentence_bert_config.json",
        "tokenizer_config.json",
    ] {
        std::fs::copy(bert.join(f), work.path().join(f)).unwrap();
    }
    for f in ["1_Pooling", "2_Normalize"] {
        std::fs::create_dir_all(work.path().join(f)).unwrap();
        std::fs::copy(
            bert.join(f).join("config.json"),
            work.path().join(f).join("config.json"),
        )
        .unwrap();
    }
    std::fs::write(work.path().join("tokenizer.json"), &input[1..]).unwrap();
    // Either read (the decoder is never used) or refused naming the file; never a panic.
    match ContextualModel::open(work.path()) {
        Ok(model) => assert_eq!(model.embed("hello world").len(), model.dim()),
        Err(e) => assert!(e.to_string().contains("tokenizer.json"), "{e}"),
    }
}

/// The differential target found a Llama-style BPE file (`<0xE2>` renamed, `▁` unknown) where
/// our word-at-a-time reader put an unknown token after each word and the crate one at the
/// end: such files now go to the crate, and both agree.
#[test]
fn a_llama_bpe_missing_a_byte_token_gives_the_crates_ids() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bytes =
        std::fs::read(dir.join("tests/fuzz-regressions/tokenizer-llama-missing-byte-token.json"))
            .unwrap();
    let texts = [
        "The quick brown fox, unaffable—naïve CAFÉ jumps 42 times!",
        "人民日报 北京",
    ];
    // Before the fix our reader took the file and differed; now it leaves it to the crate.
    assert!(own_and_crate_ids(&bytes, &texts).unwrap().is_none());
    // With the byte token restored, whichever reader takes the file, the ids agree.
    let fixed = String::from_utf8(bytes)
        .unwrap()
        .replace("<0\u{7f}xE2>", "<0xE2>");
    if let Some(pairs) = own_and_crate_ids(fixed.as_bytes(), &texts).unwrap() {
        for (ours, theirs) in pairs {
            assert_eq!(ours.unwrap_or_else(|| theirs.clone()), theirs);
        }
    }
}
