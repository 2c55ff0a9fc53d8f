//! Vectors files whose words are not UTF-8: fastText models trained on text in a legacy code
//! page (fixtures by bench/fasttext_encoding_fixture.py from the Wikipedia sample re-encoded
//! to cp852 and latin-1), read with `--encoding` and with the lossless `\xNN` fallback, and
//! checked word by word against fastText's own vectors of the same bytes.

use std::process::Command;

use wordlens::embed::io::{self, WordEncoding};

use crate::temp_file;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Per dictionary word: its text in the code page, gensim's default text (UTF-8 with
/// backslashreplace) and fastText's vector of its bytes.
struct Reference {
    word: String,
    gensim_default: String,
    vector: Vec<f32>,
}

fn reference(name: &str) -> Vec<Reference> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Reference {
                word: f[0].to_string(),
                gensim_default: f[1].to_string(),
                vector: f[2].split(' ').map(|x| x.parse().unwrap()).collect(),
            }
        })
        .collect()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Reads `model` in `encoding` and checks every word's text and vector against `tsv`.
fn check_model(model: &str, tsv: &str, encoding: WordEncoding, default_words: bool) {
    let loaded = io::read_in(&fixture(model), encoding).unwrap();
    let emb = &loaded.embeddings;
    let expected = reference(tsv);
    assert_eq!(emb.len(), expected.len());
    let non_ascii = expected.iter().filter(|r| !r.word.is_ascii()).count();
    assert!(non_ascii > 200, "{non_ascii}");
    for (i, r) in expected.iter().enumerate() {
        let word = if default_words {
            &r.gensim_default
        } else {
            &r.word
        };
        assert_eq!(&emb.words()[i], word);
        // Every vector is fastText's: the n-grams of the file's bytes, whatever the text.
        let d = max_diff(emb.vector(i), &r.vector);
        assert!(d < 1e-5, "{word}: {d}");
    }
    let escaped = if default_words { non_ascii as u64 } else { 0 };
    assert_eq!(loaded.notes.escaped_words, escaped);
}

#[test]
fn a_cp852_fasttext_model_reads_with_its_encoding_and_fasttexts_vectors() {
    check_model(
        "fasttext-cp852.bin",
        "fasttext-cp852.tsv",
        WordEncoding::parse("cp852").unwrap(),
        false,
    );
}

#[test]
fn a_latin1_fasttext_model_reads_with_its_encoding() {
    check_model(
        "fasttext-latin1.bin",
        "fasttext-latin1.tsv",
        WordEncoding::parse("latin1").unwrap(),
        false,
    );
}

#[test]
fn without_an_encoding_distinct_bytes_stay_distinct_words_as_in_gensim() {
    // With U+FFFD for bad bytes, 21 words fell onto others ("á" and "í", "Müller" and
    // "Möller") and the file was refused: `duplicate word "d�m" (entries 811 and 1089)`.
    check_model(
        "fasttext-cp852.bin",
        "fasttext-cp852.tsv",
        WordEncoding::Utf8,
        true,
    );
    let loaded = io::read(&fixture("fasttext-cp852.bin")).unwrap();
    let emb = loaded.embeddings;
    // "Müller" in cp852 is M 0x81 ller; "Möller" M 0x94 ller.
    let (a, b) = (
        emb.index_of("M\\x81ller").unwrap(),
        emb.index_of("M\\x94ller").unwrap(),
    );
    assert_ne!(emb.vector(a), emb.vector(b));
}

#[test]
fn escaping_keeps_word2vec_binary_words_apart_and_real_duplicates_stay_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"3 2\n".to_vec();
    for (w, v) in [(&b"kter\xec"[..], 1.0f32), (b"kter\x82", 2.0), (b"a", 3.0)] {
        bytes.extend_from_slice(w);
        bytes.push(b' ');
        bytes.extend_from_slice(&v.to_le_bytes());
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let path = temp_file(&dir, "cp852.bin", &bytes);
    let loaded = io::read(&path).unwrap();
    assert_eq!(loaded.embeddings.words(), ["kter\\xec", "kter\\x82", "a"]);
    assert_eq!(loaded.notes.escaped_words, 2);
    let cp852 = io::read_in(&path, WordEncoding::parse("cp852").unwrap()).unwrap();
    assert_eq!(cp852.embeddings.words(), ["kter\u{fd}", "kter\u{e9}", "a"]);
    // The same bytes twice are the same word twice: still refused.
    let dup = [
        &bytes[..4],
        &bytes[4..4 + 14],
        &bytes[4..4 + 14],
        &bytes[4 + 28..],
    ]
    .concat();
    let err = io::read(&temp_file(&dir, "dup.bin", &dup))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("duplicate word \"kter\\\\xec\""), "{err}");
}

#[test]
fn the_cli_reads_with_encoding_and_warns_once_without_it() {
    let model = fixture("fasttext-cp852.bin");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wordlens"))
            .args(["neighbors", "--vectors", model.to_str().unwrap(), "--json"])
            .args(extra)
            .output()
            .unwrap()
    };
    let with = run(&["--encoding", "cp852", "Müller"]);
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    assert!(String::from_utf8_lossy(&with.stderr).is_empty());
    let without = run(&["M\\x81ller"]);
    assert!(without.status.success());
    let err = String::from_utf8_lossy(&without.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("227 words") && err.contains("--encoding"),
        "{err}"
    );
    // Both name the same neighbours: the encoding changes the text, not the vectors.
    let json = |o: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let (a, b) = (json(&with), json(&without));
    assert_eq!(a["neighbors"].as_array().unwrap().len(), 10);
    let scores = |v: &serde_json::Value| -> Vec<f64> {
        let list = v["neighbors"].as_array().unwrap();
        list.iter()
            .map(|n| n["similarity"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(scores(&a), scores(&b));
    let words = |v: &serde_json::Value| v["neighbors"].to_string();
    assert!(words(&a).contains("G\u{e9}rard") && words(&b).contains("G\\\\x82rard"));
    let bad = run(&["--encoding", "klingon", "a"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown encoding \"klingon\""));
}
