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

/// The bytes of a word as the file holds them, from gensim's default text of it (UTF-8 with
/// `\xNN` for each byte that is not).
fn raw_bytes(gensim_default: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = gensim_default;
    while let Some(at) = rest.find("\\x") {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        out.push(u8::from_str_radix(&rest[at + 2..at + 4], 16).unwrap());
        rest = &rest[at + 4..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

/// One door for vectors: a word2vec text file whose words are cp852 bytes (fastText's
/// vectors of the Wikipedia-sample model, no n-grams, so a word the file does not decode to
/// has no vector), and a labelled CSV of the same words in UTF-8, lower case (as the
/// tokenizer gives them). Returns (vectors file, CSV, a non-ASCII word of both).
fn cp852_vectors_and_data(
    dir: &tempfile::TempDir,
) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let rows: Vec<Reference> = reference("fasttext-cp852.tsv")
        .into_iter()
        .filter(|r| r.word != "</s>" && r.word == r.word.to_lowercase())
        .collect();
    let mut vec = format!("{} {}\n", rows.len(), rows[0].vector.len()).into_bytes();
    for r in &rows {
        vec.extend_from_slice(&raw_bytes(&r.gensim_default));
        for x in &r.vector {
            vec.extend_from_slice(format!(" {x}").as_bytes());
        }
        vec.push(b'\n');
    }
    let vectors = crate::temp_file(dir, "cp852.vec", &vec);
    // Each row one non-ASCII word and three ASCII ones, each non-ASCII word in four rows.
    let (accented, plain): (Vec<&Reference>, Vec<&Reference>) =
        rows.iter().partition(|r| !r.word.is_ascii());
    assert!(accented.len() > 50, "{}", accented.len());
    let mut csv = String::from("text,label\n");
    for i in 0..4 * accented.len() {
        let words = [
            accented[i % accented.len()].word.as_str(),
            plain[3 * i % plain.len()].word.as_str(),
            plain[(3 * i + 1) % plain.len()].word.as_str(),
            plain[(3 * i + 2) % plain.len()].word.as_str(),
        ];
        csv.push_str(&format!("{},{}\n", words.join(" "), ["even", "odd"][i % 2]));
    }
    let data = crate::temp_file(dir, "words.csv", csv.as_bytes());
    let word = rows
        .iter()
        .find(|r| !r.word.is_ascii() && r.word.chars().all(char::is_alphabetic))
        .unwrap()
        .word
        .clone();
    (vectors, data, word)
}

/// `compare` and `report` read the vectors through the resolver, so `[vectors] encoding`
/// reaches them: with cp852 every token of the words file has a vector; read as UTF-8 the
/// non-ASCII words are `\xNN` escapes the text never holds.
#[test]
fn compare_and_report_read_vectors_in_the_configured_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let (vectors, data, _) = cp852_vectors_and_data(&dir);
    let config = crate::temp_file(&dir, "config.toml", b"[vectors]\nencoding = \"cp852\"\n");
    let coverage = |command: &str, config: Option<&std::path::Path>| {
        let mut args = vec![command, "--data", data.to_str().unwrap()];
        args.extend(["--text-col", "text", "--label-col", "label"]);
        args.extend(["--vectors", vectors.to_str().unwrap(), "--json"]);
        if command == "compare" {
            args.push("--no-tune");
        }
        if let Some(c) = config {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        let out = crate::wordlens(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let report = if command == "report" {
            &json["classification"]
        } else {
            &json
        };
        (
            report["embeddings"]["test_coverage"].as_f64().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for command in ["compare", "report"] {
        let (utf8, warned) = coverage(command, None);
        let (cp852, quiet) = coverage(command, Some(&config));
        assert!(cp852 > 0.95, "{command}: {cp852}");
        assert!(
            utf8 < cp852 - 0.15,
            "{command}: utf-8 {utf8}, cp852 {cp852}"
        );
        // The read warning is printed once, naming the file, and only when bytes were escaped.
        assert_eq!(
            warned.matches("hold bytes that are not UTF-8").count(),
            1,
            "{warned}"
        );
        assert!(!quiet.contains("hold bytes"), "{quiet}");
    }
}

/// The TUI's vectors job opens through the same resolver: `[vectors] encoding = "cp852"`
/// gives the word table decoded words, and the comparison it starts covers every token.
#[test]
fn the_tui_reads_vectors_in_the_configured_encoding() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    use wordlens::Config;
    use wordlens::docvec::source::VectorSource;
    use wordlens::progress::Cancel;
    use wordlens::text::CorpusSpec;
    use wordlens::tui::artifacts::Artifacts;
    use wordlens::tui::{JobEvent, JobKind, JobOutput, Jobs, Setup};
    let dir = tempfile::tempdir().unwrap();
    let (vectors, data, word) = cp852_vectors_and_data(&dir);
    let run = |encoding: &str| {
        let mut config = Config::default();
        config.vectors.encoding = encoding.into();
        config.compare.tune.enabled = false;
        config.tui.compare_trained = false;
        let setup = Setup {
            config,
            corpus: CorpusSpec::new(&data).label_col("label"),
            vectors: VectorSource::Path(vectors.clone()),
            artifacts: Artifacts::for_data(&dir.path().join(encoding), &data, "text").unwrap(),
        };
        let (tx, rx) = mpsc::channel();
        let quit = Cancel::new();
        Jobs::new(setup, tx, quit.clone()).start();
        let (mut words, mut comparison) = (None, None);
        let until = Instant::now() + Duration::from_secs(300);
        while comparison.is_none() && Instant::now() < until {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok(JobEvent::Done(
                    _,
                    JobOutput::Vectors {
                        embeddings, source, ..
                    },
                )) => words = Some((embeddings, source)),
                Ok(JobEvent::Done(_, JobOutput::Comparison(c))) => comparison = Some(c),
                Ok(JobEvent::Failed(kind, e)) if kind != JobKind::Scores => panic!("{kind:?}: {e}"),
                _ => {}
            }
        }
        quit.cancel();
        let (words, source) = words.expect("word table");
        (
            words,
            source,
            comparison.expect("comparison").embeddings.test_coverage,
        )
    };
    let (words, source, coverage) = run("cp852");
    assert!(
        words.index_of(&word).is_some(),
        "{word} decoded in the word table"
    );
    assert!(!source.contains("hold bytes"), "{source}");
    assert!(coverage > 0.95, "{coverage}");
    let (words, source, utf8_coverage) = run("utf-8");
    assert!(
        words.index_of(&word).is_none(),
        "{word} is an escape without the encoding"
    );
    // The read warning reaches the status line instead of being dropped.
    assert!(source.contains("hold bytes that are not UTF-8"), "{source}");
    assert!(
        utf8_coverage < coverage - 0.15,
        "{utf8_coverage} vs {coverage}"
    );
}

/// `convert` and `distill` open `--in` / `--from` through the same resolver: `convert` writes
/// the decoded words (UTF-8) with `--encoding cp852` and the `\xNN` escapes without it;
/// `distill` reads the file, in its encoding, and refuses it for not being an encoder.
#[test]
fn convert_and_distill_read_vectors_through_the_resolver() {
    let dir = tempfile::tempdir().unwrap();
    let (vectors, _, word) = cp852_vectors_and_data(&dir);
    let convert = |encoding: Option<&str>| {
        let out = dir.path().join("out.vec");
        let mut args = vec!["convert", "--in", vectors.to_str().unwrap()];
        args.extend(["--out", out.to_str().unwrap(), "--format", "vec"]);
        if let Some(e) = encoding {
            args.extend(["--encoding", e]);
        }
        let run = crate::wordlens(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect::<Vec<String>>()
    };
    let decoded = convert(Some("cp852"));
    assert!(decoded.contains(&word), "{word} written decoded");
    let escaped = convert(None);
    assert!(!escaped.contains(&word));
    assert!(
        escaped.iter().any(|w| w.contains("\\x")),
        "escapes kept without the encoding"
    );
    let out = dir.path().join("distilled");
    let run = crate::wordlens(&[
        "distill",
        "--from",
        vectors.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--encoding",
        "cp852",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("is not a contextual encoder") && stderr.contains("word vectors"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}
