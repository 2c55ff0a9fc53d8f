//! Text in every language: Chinese segmentation against the People's Daily gold, Chinese word
//! vectors trained from raw text, CJK queries through BM25, segmenter mismatches refused, the
//! fit of the bundled English model reported, `tokenize` on mixed scripts, user dictionaries.

use std::collections::HashSet;
use std::path::PathBuf;

use wordlens::text::{Segmenter, Tokenizer, TokenizerConfig};

use crate::{shared, temp_file, wordlens};

/// The first 1,000 sentences of the People's Daily gold (January 1998), words split by spaces.
fn gold_slice() -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/peoples-daily-1998-01-slice.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

fn tokenizer(segmenter: Segmenter) -> Tokenizer {
    Tokenizer::new(&TokenizerConfig {
        segmenter,
        ..TokenizerConfig::default()
    })
    .unwrap()
}

/// Word-span F1 against the gold as SIGHAN scores it: punctuation counts as words, and a
/// character no token covers (punctuation, dropped by the tokenizer) is its own segment.
fn f1(tokenizer: &Tokenizer, gold: &[Vec<String>]) -> f64 {
    let (mut hit, mut predicted, mut expected) = (0usize, 0usize, 0usize);
    for words in gold {
        let text: String = words.concat();
        let char_at = |byte: usize| text[..byte].chars().count();
        let mut spans = HashSet::new();
        let mut covered = vec![false; text.chars().count()];
        tokenizer.for_each_token_span(&text, |range, _| {
            let (s, e) = (char_at(range.start), char_at(range.end));
            covered[s..e].iter_mut().for_each(|c| *c = true);
            spans.insert((s, e));
        });
        for (i, _) in covered.iter().enumerate().filter(|(_, c)| !**c) {
            spans.insert((i, i + 1));
        }
        let mut at = 0;
        let gold_spans: HashSet<(usize, usize)> = words
            .iter()
            .map(|w| {
                let n = w.chars().count();
                at += n;
                (at - n, at)
            })
            .collect();
        hit += spans.intersection(&gold_spans).count();
        predicted += spans.len();
        expected += gold_spans.len();
    }
    let (p, r) = (hit as f64 / predicted as f64, hit as f64 / expected as f64);
    2.0 * p * r / (p + r)
}

#[test]
fn chinese_segmentation_matches_the_gold_slice() {
    let gold = gold_slice();
    assert_eq!(gold.len(), 1000);
    let auto = f1(&tokenizer(Segmenter::Auto), &gold);
    let unicode = f1(&tokenizer(Segmenter::Unicode), &gold);
    // Measured on the whole month: auto 0.824, Python jieba 0.806, one token per character 0.365.
    assert!(auto >= 0.80, "auto F1 {auto:.3}");
    assert!(unicode < 0.40, "unicode F1 {unicode:.3}");
    // Pre-segmented text keeps its words exactly (the gensim workflow: jieba, then train).
    let whitespace = tokenizer(Segmenter::Whitespace);
    let line = gold[3].join(" ");
    let expected: Vec<String> = gold[3]
        .iter()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| w.to_lowercase())
        .collect();
    assert_eq!(whitespace.tokenize(&line), expected);
}

#[test]
fn chinese_raw_text_trains_word_vectors_with_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let raw: String = std::fs::read_to_string(shared("peoples-daily-1998-01.txt"))
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().collect::<String>() + "\n")
        .collect();
    let corpus = temp_file(&dir, "raw.txt", raw.as_bytes());
    let vectors = dir.path().join("zh.vec");
    let out = wordlens(&[
        "--quiet",
        "train",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        vectors.to_str().unwrap(),
        "--format",
        "w2v-txt",
        "--dim",
        "50",
        "--min-count",
        "5",
        "--threads",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&vectors).unwrap();
    let words: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(' ').next())
        .collect();
    let multi = words.iter().filter(|w| w.chars().count() > 1).count();
    // One token per character gave 3,706 words, all single characters.
    assert!(
        multi * 10 > words.len() * 8,
        "{multi} of {} words have more than one character",
        words.len()
    );
    let out = wordlens(&[
        "neighbors",
        "--vectors",
        vectors.to_str().unwrap(),
        "--json",
        "-k",
        "10",
        "经济",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer = String::from_utf8_lossy(&out.stdout);
    let related = [
        "金融",
        "国民经济",
        "经济社会",
        "产业",
        "经济体制",
        "市场",
        "发展",
        "增长",
    ];
    assert!(
        related.iter().any(|w| answer.contains(&format!("\"{w}\""))),
        "no economic word among the neighbours of 经济: {answer}"
    );
    // Odd-one-out groups from public lists (provinces, months, sports, currencies, ...):
    // 11 of 11 at this size; one token per character could not even look them up.
    let groups = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zh-odd-one-out.txt"),
    )
    .unwrap();
    let mut right = 0;
    let mut asked = 0;
    for line in groups
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut args = vec!["odd-one-out", "--vectors", vectors.to_str().unwrap()];
        args.extend(&words);
        let out = wordlens(&args);
        let answer = String::from_utf8_lossy(&out.stdout).to_string();
        asked += 1;
        right += usize::from(answer.split_whitespace().next() == Some(words[3]));
    }
    assert_eq!(asked, 11);
    assert!(
        right >= 10,
        "odd-one-out right on {right} of {asked} groups"
    );
}

/// A CSV of the gold slice's sentences as raw Chinese documents.
fn chinese_csv(dir: &tempfile::TempDir) -> PathBuf {
    let mut csv = String::from("id,text\n");
    for (i, words) in gold_slice().iter().enumerate() {
        csv.push_str(&format!(
            "pd{i},\"{}\"\n",
            words.concat().replace('"', "\"\"")
        ));
    }
    temp_file(dir, "pd.csv", csv.as_bytes())
}

#[test]
fn a_chinese_query_finds_its_document_and_is_never_a_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let data = chinese_csv(&dir);
    let ix = dir.path().join("ix");
    let out = wordlens(&[
        "--quiet",
        "index",
        "--data",
        data.to_str().unwrap(),
        "--id-col",
        "id",
        "--index",
        ix.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("language: chinese"), "{stdout}");
    // The bundled English model's fit is reported, and the multilingual model named.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("language chinese (han"), "{err}");
    assert!(
        err.contains("does not suit") && err.contains("potion-multilingual-128M"),
        "{err}"
    );
    let search = |query: &str| {
        let out = wordlens(&[
            "search",
            "--index",
            ix.to_str().unwrap(),
            "--mode",
            "bm25",
            "--json",
            "-k",
            "3",
            query,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["hits"].as_array().unwrap().clone()
    };
    let texts: Vec<String> = gold_slice().iter().map(|w| w.concat()).collect();
    let text_of = |hit: &serde_json::Value| {
        let id = hit["id"].as_str().unwrap();
        texts[id.trim_start_matches("pd").parse::<usize>().unwrap()].clone()
    };
    let hits = search("邓小平理论");
    assert!(!hits.is_empty());
    assert!(text_of(&hits[0]).contains("邓小平理论"), "{hits:?}");
    // With query syntax, a two-word CJK term is both words, not the phrase (tantivy#718): a
    // document with 经济 and 改革 apart is found.
    let hits = search("text:经济改革");
    assert!(
        !hits.is_empty(),
        "text:经济改革 found nothing: a phrase query?"
    );
    let apart = hits
        .iter()
        .map(text_of)
        .any(|t| t.contains("经济") && t.contains("改革") && !t.contains("经济改革"));
    assert!(apart, "{hits:?}");
}

#[test]
fn an_index_refuses_another_segmenter_or_a_changed_user_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let data = chinese_csv(&dir);
    let dict = temp_file(&dir, "user.dict", "云原生 20 n\n".as_bytes());
    let ix = dir.path().join("ix");
    let index = |extra: &[&str]| {
        let mut args = vec!["--quiet"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "index",
            "--data",
            data.to_str().unwrap(),
            "--index",
            ix.to_str().unwrap(),
        ]);
        wordlens(&args)
    };
    assert!(
        index(&["--user-dict", dict.to_str().unwrap()])
            .status
            .success()
    );
    let ok = wordlens(&["search", "--index", ix.to_str().unwrap(), "经济"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let other = wordlens(&[
        "--segmenter",
        "unicode",
        "search",
        "--index",
        ix.to_str().unwrap(),
        "经济",
    ]);
    assert_eq!(other.status.code(), Some(2));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(
        err.contains("segmenter \"auto\"") && err.contains("\"unicode\""),
        "{err}"
    );
    // The dictionary file changes: the index's queries would be cut differently.
    std::fs::write(&dict, "云原生 20 n\n区块链 5\n").unwrap();
    let changed = wordlens(&["search", "--index", ix.to_str().unwrap(), "经济"]);
    assert!(!changed.status.success());
    let err = String::from_utf8_lossy(&changed.stderr);
    assert!(
        err.contains("user.dict") && err.contains("changed since"),
        "{err}"
    );
}

#[test]
fn tokenize_shows_mixed_scripts_as_the_index_sees_them() {
    let out = wordlens(&[
        "tokenize",
        "--json",
        "北京是中国的首都 and the capital, 東京タワーに行きました 전략게임을 좋아합니다",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens: Vec<&str> = v["texts"][0]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tokens,
        [
            "北京",
            "是",
            "中国",
            "的",
            "首都",
            "and",
            "the",
            "capital",
            "東京",
            "タワー",
            "に",
            "行き",
            "まし",
            "た",
            "전략",
            "략게",
            "게임",
            "좋아",
            "아합",
            "합니",
            "니다"
        ]
    );
    assert_eq!(v["segmenter"], "auto");
    assert_eq!(v["scripts"]["latin"], 3);
    // Spans are byte ranges of the input.
    assert_eq!(v["texts"][0]["spans"][0], serde_json::json!([0, 6]));
    // Plain output: one line of tokens per input line, from standard input.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(["--segmenter", "unicode", "tokenize"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all("北京\nDon't\n".as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "北 京\ndon't\n");
}

#[test]
fn a_user_dictionary_joins_its_words_and_a_bad_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "我们正在开发云原生应用";
    let plain = wordlens(&["tokenize", text]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("云原生"));
    let dict = temp_file(
        &dir,
        "user.dict",
        "# cloud native\n云原生 20 n\n".as_bytes(),
    );
    let with = wordlens(&["--user-dict", dict.to_str().unwrap(), "tokenize", text]);
    assert!(
        String::from_utf8_lossy(&with.stdout).contains("云原生"),
        "{with:?}"
    );
    let bad = temp_file(&dir, "bad.dict", "云原生 20 n\n区块链 many\n".as_bytes());
    let out = wordlens(&["--user-dict", bad.to_str().unwrap(), "tokenize", text]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.dict:2") && err.contains("\"many\""),
        "{err}"
    );
}

#[test]
fn a_collection_the_english_model_does_not_suit_gets_the_cached_multilingual_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = chinese_csv(&dir);
    // A Hugging Face cache holding "minishlab/potion-multilingual-128M" (the bundled model's
    // files stand in for it: the test is about the choice, not the vectors).
    let cache = dir.path().join("hub");
    let repo = cache.join("models--minishlab--potion-multilingual-128M");
    let snapshot = repo.join("snapshots").join("0123abcd");
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), "0123abcd").unwrap();
    for file in ["model.safetensors", "tokenizer.json"] {
        std::fs::copy(
            crate::bundled("wordllama-l2-supercat").join(file),
            snapshot.join(file),
        )
        .unwrap();
    }
    let config = temp_file(
        &dir,
        "config.toml",
        format!(
            "[data]\ndir = \"{}\"\n[vectors]\nhub_cache = \"{}\"\n",
            crate::bundled("").display(),
            cache.display()
        )
        .as_bytes(),
    );
    let ix = dir.path().join("ix");
    let out = wordlens(&[
        "--config",
        config.to_str().unwrap(),
        "index",
        "--data",
        data.to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("using minishlab/potion-multilingual-128M from the local Hugging Face cache"),
        "{err}"
    );
    // An explicit --vectors default is kept, with the warning.
    let out = wordlens(&[
        "--config",
        config.to_str().unwrap(),
        "index",
        "--vectors",
        "default",
        "--data",
        data.to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("warning: the bundled English model"),
        "{err}"
    );
}
