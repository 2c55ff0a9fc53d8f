//! Our own ids-only WordPiece and Unigram readers against the `tokenizers` crate reading the
//! same `tokenizer.json`: the same ids on every distinct word of the bundled BBC, tweets and
//! Wikipedia sample and of People's Daily, and on whole texts; variants of each file's
//! normalizer and pre-tokenizer; and the document vectors of Python model2vec.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use wordlens::embed::static_model::StaticModel;

use crate::static_models::cosine;
use crate::{bundled, shared};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn column(file: &Path, col: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let at = r.headers().unwrap().iter().position(|h| h == col).unwrap();
    r.records()
        .map(|rec| rec.unwrap()[at].to_string())
        .collect()
}

/// People's Daily (gold-segmented, January 1998): the shared file when it is there, else the
/// committed slice.
fn peoples_daily() -> String {
    let full = shared("peoples-daily-1998-01.txt");
    let path = if full.exists() {
        full
    } else {
        fixture("peoples-daily-1998-01-slice.txt")
    };
    std::fs::read_to_string(path).unwrap()
}

/// Every distinct whitespace-separated word of BBC bodies, tweets, the Wikipedia sample, the
/// Japanese Debian descriptions and People's Daily (its gold words, and its lines with the
/// spaces taken out).
fn distinct_words() -> Vec<String> {
    let mut words = HashSet::new();
    let mut add = |text: &str| {
        for w in text.split_whitespace() {
            if !words.contains(w) {
                words.insert(w.to_string());
            }
        }
    };
    column(&bundled("bbc-news.csv"), "text")
        .iter()
        .for_each(|t| add(t));
    column(&bundled("tweets-sentiment.csv"), "text")
        .iter()
        .for_each(|t| add(t));
    add(&std::fs::read_to_string(bundled("enwiki-sample.txt")).unwrap());
    let ja = shared("ddtp-ja.csv");
    if ja.exists() {
        column(&ja, "text").iter().for_each(|t| add(t));
    }
    let pd = peoples_daily();
    add(&pd);
    for line in pd.lines().take(3000) {
        add(&line.split_whitespace().collect::<String>());
    }
    let mut words: Vec<String> = words.into_iter().collect();
    words.sort();
    words
}

/// Whole texts: tweets, BBC bodies, Wikipedia lines, and People's Daily lines without their
/// spaces, each cut to 1,000 characters (under model2vec's cap on characters, which the crate
/// does not apply; its cap on tokens the crate applies too).
fn whole_texts() -> Vec<String> {
    let cut = |t: &String| t.chars().take(1000).collect::<String>();
    let mut texts: Vec<String> = column(&bundled("bbc-news.csv"), "text")
        .iter()
        .map(cut)
        .collect();
    texts.extend(column(&bundled("tweets-sentiment.csv"), "text"));
    let wiki = std::fs::read_to_string(bundled("enwiki-sample.txt")).unwrap();
    texts.extend(wiki.lines().take(2000).map(|l| cut(&l.to_string())));
    let pd = peoples_daily();
    texts.extend(
        pd.lines()
            .take(2000)
            .map(|l| l.split_whitespace().take(400).collect::<String>()),
    );
    // Japanese (Debian's package descriptions), when the shared data is there.
    let ja = shared("ddtp-ja.csv");
    if ja.exists() {
        texts.extend(column(&ja, "title"));
        texts.extend(column(&ja, "text").iter().map(cut));
    }
    // Odd spacing, controls, accents, emoji and texts that are only spaces.
    texts.extend(
        [
            "",
            " ",
            "  two  spaces  ",
            "\ttab\nnewline\r\u{b}vt\u{c}ff\u{0}nul\u{fffd}",
            "Café naïve RÉSUMÉ Ångström ﬁ ① ＡＢＣ",
            "emoji 🙂🙂 and 😀",
            "ΣΊΣΥΦΟΣ Σ",
            "日本語のテキスト、カタカナ。",
            "한국어 텍스트",
            "a\u{301}\u{327}b",
        ]
        .map(String::from),
    );
    texts
}

/// Asserts our ids equal the crate's on every text; returns how many were compared.
fn assert_parity(dir: &Path, texts: &[String]) -> usize {
    let ours = StaticModel::open(dir).unwrap();
    assert!(
        ours.tokenizer_route().contains("own reader"),
        "{}: {}",
        dir.display(),
        ours.tokenizer_route()
    );
    let mut theirs = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    // model2vec's cap on tokens (config.json's max_length), which wordlens applies too.
    let cap = tokenizers::TruncationParams {
        max_length: 512,
        ..Default::default()
    };
    theirs.with_truncation(Some(cap)).unwrap();
    theirs.with_padding(None);
    let mut differ = Vec::new();
    for t in texts {
        let want = theirs.encode_fast(t.as_str(), false).unwrap();
        let got = ours.tokenizer_ids(t);
        if got != want.get_ids() {
            let at = got
                .iter()
                .zip(want.get_ids())
                .take_while(|(a, b)| a == b)
                .count();
            differ.push(format!(
                "{:?}: first difference at token {at} of {} (crate {})",
                t.chars().take(80).collect::<String>(),
                got.len(),
                want.get_ids().len()
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} texts differ in {}; first: {:#?}",
        differ.len(),
        texts.len(),
        dir.display(),
        &differ[..differ.len().min(5)]
    );
    texts.len()
}

/// A copy of fixture folder `from` with its `tokenizer.json` changed by `edit`.
fn variant(tmp: &Path, from: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let dir = tmp.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["config.json", "model.safetensors", "modules.json"] {
        if from.join(f).exists() {
            std::fs::copy(from.join(f), dir.join(f)).unwrap();
        }
    }
    let mut tk: Value =
        serde_json::from_slice(&std::fs::read(from.join("tokenizer.json")).unwrap()).unwrap();
    edit(&mut tk);
    std::fs::write(dir.join("tokenizer.json"), tk.to_string()).unwrap();
    dir
}

#[test]
fn wordpiece_ids_equal_the_crate_on_every_distinct_word_and_whole_texts() {
    let dir = fixture("contextual/distilled");
    let words = distinct_words();
    assert!(words.len() > 100_000, "{} distinct words", words.len());
    assert_parity(&dir, &words);
    assert_parity(&dir, &whole_texts());
}

#[test]
fn unigram_ids_equal_the_crate_on_every_distinct_word_and_whole_texts() {
    let dir = fixture("unigram");
    assert_parity(&dir, &distinct_words());
    assert_parity(&dir, &whole_texts());
}

/// Texts for the variants: a sample of every kind (the full sets above take longer).
fn sample_texts() -> Vec<String> {
    let all = whole_texts();
    let mut sample: Vec<String> = all.iter().step_by(7).cloned().collect();
    sample.extend(all.iter().rev().take(10).cloned());
    sample
}

#[test]
fn wordpiece_variants_of_the_bert_normalizer_keep_parity() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fixture("contextual/distilled");
    let texts = sample_texts();
    let flags = [
        (true, true, Value::Null, false),
        (true, true, json!(true), true),
        (false, false, json!(false), true),
        (true, false, json!(true), false),
    ];
    for (i, (clean, chinese, strip, lower)) in flags.into_iter().enumerate() {
        let dir = variant(tmp.path(), &base, &format!("wp{i}"), |tk| {
            tk["normalizer"] = json!({"type": "BertNormalizer", "clean_text": clean,
                "handle_chinese_chars": chinese, "strip_accents": strip, "lowercase": lower});
        });
        assert_parity(&dir, &texts);
    }
    // A sequence of steps, a continuing prefix of its own, a short word limit.
    let dir = variant(tmp.path(), &base, "wp-seq", |tk| {
        tk["normalizer"] = json!({"type": "Sequence", "normalizers": [
            {"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Strip", "strip_left": true, "strip_right": true},
            {"type": "Replace", "pattern": {"String": "ing"}, "content": "in"}]});
        tk["model"]["max_input_chars_per_word"] = json!(8);
    });
    assert_parity(&dir, &texts);
}

/// A named change to a `tokenizer.json`.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn unigram_variants_of_metaspace_and_the_normalizer_keep_parity() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fixture("unigram");
    let texts = sample_texts();
    let edits: Vec<(&str, Edit)> = vec![
        (
            "never",
            Box::new(|tk| tk["pre_tokenizer"]["prepend_scheme"] = json!("never")),
        ),
        (
            "first",
            Box::new(|tk| tk["pre_tokenizer"]["prepend_scheme"] = json!("first")),
        ),
        (
            "no-split",
            Box::new(|tk| tk["pre_tokenizer"]["split"] = json!(false)),
        ),
        (
            "steps",
            Box::new(|tk| {
                tk["normalizer"] = json!({"type": "Sequence", "normalizers": [
                    {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
                    {"type": "Replace", "pattern": {"String": "  "}, "content": " "},
                    {"type": "Strip", "strip_left": false, "strip_right": true}]})
            }),
        ),
        // A step we leave to the crate's normalizer; our Viterbi still runs.
        (
            "nmt",
            Box::new(|tk| {
                tk["normalizer"] =
                    json!({"type": "Sequence", "normalizers": [{"type": "Nmt"}, {"type": "NFKC"}]})
            }),
        ),
        (
            "byte-fallback",
            Box::new(|tk| tk["model"]["byte_fallback"] = json!(true)),
        ),
    ];
    for (name, edit) in edits {
        let dir = variant(tmp.path(), &base, name, edit);
        assert_parity(&dir, &texts);
    }
}

/// A configuration the readers do not cover goes to the crate, and says so.
#[test]
fn a_configuration_the_readers_do_not_cover_takes_the_crate_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = variant(tmp.path(), &fixture("unigram"), "ws", |tk| {
        tk["pre_tokenizer"] = json!({"type": "Whitespace"});
    });
    let m = StaticModel::open(&dir).unwrap();
    let route = m.tokenizer_route();
    assert!(
        route.contains("tokenizers crate") && route.contains("Unigram"),
        "{route}"
    );
    let crate_tk = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    let text = "Stocks rose on Monday.";
    assert_eq!(
        m.tokenizer_ids(text),
        crate_tk.encode_fast(text, false).unwrap().get_ids()
    );
}

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    wordpiece: Vec<Vec<f32>>,
    unigram: Vec<Vec<f32>>,
}

/// Vectors equal to Python model2vec's (`bench/tokenizer_families.py reference`) on BBC
/// bodies, tweets and People's Daily lines, through both readers.
#[test]
fn static_vectors_through_both_readers_equal_model2vecs() {
    let r: Reference =
        serde_json::from_slice(&std::fs::read(fixture("unigram/reference.json")).unwrap()).unwrap();
    for (dir, want) in [
        (fixture("contextual/distilled"), &r.wordpiece),
        (fixture("unigram"), &r.unigram),
    ] {
        let m = StaticModel::open(&dir).unwrap();
        let got = m.embed_batch(&r.texts.iter().map(String::as_str).collect::<Vec<_>>());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            // A text of unknown tokens only is all zeros in both.
            if w.iter().all(|&x| x == 0.0) {
                assert!(g.iter().all(|&x| x == 0.0), "{} text {i}", dir.display());
                continue;
            }
            let c = cosine(g, w);
            assert!(c >= 0.9999999, "{} text {i}: cosine {c}", dir.display());
        }
    }
}

/// What `wordlens distill` writes from the BERT fixture is read by our own WordPiece reader,
/// with the crate's ids.
#[test]
fn a_folder_wordlens_distills_is_tokenized_by_our_wordpiece_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("distilled");
    let run = crate::wordlens(&[
        "--quiet",
        "distill",
        "--from",
        fixture("contextual/tiny-bert").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--dim",
        "16",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = StaticModel::open(&out).unwrap();
    assert!(
        m.tokenizer_route().starts_with("WordPiece"),
        "{}",
        m.tokenizer_route()
    );
    assert_parity(&out, &sample_texts());
}

/// A Unigram piece far longer than any real one is refused with a clear error (our reader
/// keeps every start of every piece, which grows with the square of its length; the crate's
/// trie overflows the stack on it).
#[test]
fn a_unigram_with_a_huge_piece_is_refused_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = variant(tmp.path(), &fixture("unigram"), "huge", |tk| {
        tk["model"]["vocab"][5][0] = json!("x".repeat(100_000));
    });
    let Err(e) = StaticModel::open(&dir) else {
        panic!("a 100,000-byte piece was accepted");
    };
    // Also with a pre-tokenizer our reader leaves to the crate.
    let other = variant(tmp.path(), &dir, "huge-ws", |tk| {
        tk["pre_tokenizer"] = json!({"type": "Whitespace"});
    });
    assert!(StaticModel::open(&other).is_err());
    let e = e.to_string();
    assert!(
        e.contains("tokenizer.json") && e.contains("piece 5 is 100000 bytes long"),
        "{e}"
    );
}
