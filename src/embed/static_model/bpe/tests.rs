//! Unit tests of `bpe`.

use super::*;
use std::collections::BTreeSet;
use tokenizers::{Model, Tokenizer};

fn bundled() -> (std::path::PathBuf, Vec<u8>) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/wordllama-l2-supercat/tokenizer.json");
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

#[derive(Deserialize)]
struct File<'a> {
    #[serde(borrow)]
    model: TokenizerModel<'a>,
}

fn ours(path: &Path, bytes: &[u8]) -> Result<Option<Bpe>> {
    let file: File = serde_json::from_slice(bytes).unwrap();
    Bpe::from_model(path, &file.model)
}

fn ids(bpe: &Bpe, word: &str) -> Vec<u32> {
    let mut out = Vec::new();
    bpe.tokenize(word, &mut out).unwrap();
    out
}

/// Every distinct `▁word` (Llama's normalisation: spaces to `▁`) of the bundled tweets,
/// BBC articles and Wikipedia sample, and some of them run together without spaces
/// (longer than `SCAN_LIMIT` symbols: the heap path).
fn real_words() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    let mut words = BTreeSet::new();
    for name in ["tweets-sentiment.csv", "bbc-news.csv", "enwiki-sample.txt"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        for (n, line) in text.lines().take(40_000).enumerate() {
            for w in line.split(' ').filter(|w| !w.is_empty()) {
                words.insert(format!("▁{w}"));
            }
            if n % 50 == 0 {
                words.insert(format!("▁{}", line.replace(' ', "")));
            }
        }
    }
    words
}

#[test]
fn gives_the_tokenizers_crates_ids_on_every_word_of_the_bundled_data() {
    let (path, bytes) = bundled();
    let bpe = ours(&path, &bytes).unwrap().unwrap();
    let reference = Tokenizer::from_bytes(&bytes).unwrap();
    let model = reference.get_model();
    let words = real_words();
    assert!(words.len() > 100_000, "{}", words.len());
    let long = words
        .iter()
        .filter(|w| w.chars().count() > SCAN_LIMIT)
        .count();
    assert!(long > 1_000, "{long} words take the heap path");
    let fallback = words.iter().filter(|w| !w.is_ascii()).count();
    assert!(
        fallback > 1_000,
        "{fallback} words have non-ASCII characters"
    );
    for w in &words {
        let expected: Vec<u32> = model.tokenize(w).unwrap().iter().map(|t| t.id).collect();
        assert_eq!(ids(&bpe, w), expected, "{w:?}");
    }
}

#[test]
fn scan_and_heap_merge_the_same_way() {
    let (path, bytes) = bundled();
    let bpe = ours(&path, &bytes).unwrap().unwrap();
    for w in real_words().iter().step_by(7) {
        let mut symbols: Vec<u32> = w.chars().map(|c| ids(&bpe, &c.to_string())[0]).collect();
        let mut by_heap = symbols.clone();
        bpe.merge_by_scan(&mut symbols);
        bpe.merge_by_heap(&mut by_heap);
        assert_eq!(symbols, by_heap, "{w:?}");
    }
}

#[test]
fn unknown_characters_fuse_into_one_unknown_token_without_byte_fallback() {
    let json = r#"{"model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": true,
        "vocab": {"<unk>": 0, "a": 1, "b": 2, "ab": 3}, "merges": ["a b"]}}"#;
    let bpe = ours(Path::new("t.json"), json.as_bytes()).unwrap().unwrap();
    assert_eq!(ids(&bpe, "abxyab"), vec![3, 0, 3]);
    let json = json.replace(r#""fuse_unk": true"#, r#""fuse_unk": false"#);
    let bpe = ours(Path::new("t.json"), json.as_bytes()).unwrap().unwrap();
    assert_eq!(ids(&bpe, "abxyab"), vec![3, 0, 0, 3]);
    // Pair-form merges (newer files) read the same.
    let json = json.replace(r#"["a b"]"#, r#"[["a", "b"]]"#);
    let bpe = ours(Path::new("t.json"), json.as_bytes()).unwrap().unwrap();
    assert_eq!(ids(&bpe, "ab"), vec![3]);
}

#[test]
fn malformed_merges_name_the_file_and_the_merge() {
    let bad = |merges: &str| {
        let json = format!(
            r#"{{"model": {{"type": "BPE", "vocab": {{"a": 0, "b": 1, "ab": 2}}, "merges": {merges}}}}}"#
        );
        match ours(Path::new("broken/tokenizer.json"), json.as_bytes()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{merges} was accepted"),
        }
    };
    let e = bad(r#"["a b", "b c"]"#);
    assert!(
        e.contains("broken/tokenizer.json") && e.contains("merge 2") && e.contains("\"c\""),
        "{e}"
    );
    let e = bad(r#"["b a"]"#);
    assert!(e.contains("merge 1") && e.contains("\"ba\""), "{e}");
    let e = bad(r#"["a b c"]"#);
    assert!(e.contains("merge 1") && e.contains("two tokens"), "{e}");
    let e = bad(r#"{"a": 1}"#);
    assert!(e.contains("model.merges"), "{e}");
}
