//! The binary: exit codes and messages for bad input and bad settings, and a train → convert
//! → eval round trip through files.

use crate::{bundled, shared, temp_file, wordlens};

#[test]
fn bad_vectors_file_exits_3_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "bad.txt", b"2 3\na 1 2 3\nb 1 2\n");
    let out = wordlens(&["neighbors", "--vectors", p.to_str().unwrap(), "a"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.txt:3"), "{err}");
}

/// `neighbors` of "the" in gensim's Lee vectors under the settings file `cfg`.
fn neighbors_with_config(cfg: &std::path::Path) -> std::process::Output {
    let v = shared("formats/gensim-lee-32d.w2v.bin");
    wordlens(&[
        "--config",
        cfg.to_str().unwrap(),
        "neighbors",
        "--vectors",
        v.to_str().unwrap(),
        "the",
    ])
}

#[test]
fn unknown_config_key_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = temp_file(&dir, "c.toml", b"[word2vec]\ndimension = 50\n");
    let out = neighbors_with_config(&cfg);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dimension"));
}

#[test]
fn search_settings_out_of_range_in_the_config_exit_2_naming_the_key() {
    // `--alpha 7` was refused while `alpha = 7` in config.toml was accepted.
    let dir = tempfile::tempdir().unwrap();
    for (setting, key) in [
        ("[search]\nvector_weight = 7\n", "search.vector_weight"),
        ("[search]\nrrf_k = 0\n", "search.rrf_k"),
        (
            "[search]\nwriter_memory_mb = 4\n",
            "search.writer_memory_mb",
        ),
        ("[search.ann]\nm = 1\n", "search.ann.m"),
    ] {
        let cfg = temp_file(&dir, "c.toml", setting.as_bytes());
        let out = neighbors_with_config(&cfg);
        assert_eq!(out.status.code(), Some(2), "{setting}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{setting}: {err}");
    }
}

#[test]
fn missing_column_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("v.bin");
    let out = wordlens(&[
        "train",
        "--corpus",
        bundled("tweets-sentiment.csv").to_str().unwrap(),
        "--text-col",
        "body",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("tweets-sentiment.csv:1: no text column named \"body\"")
    );
    assert!(!out_path.exists(), "no file may be left behind");
}

#[test]
fn train_reports_the_settings_each_model_family_defaults_to() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = bundled("enwiki-sample.txt");
    let run = |extra: &[&str]| {
        let out_path = dir.path().join("v.bin");
        let mut args = vec![
            "train",
            "--corpus",
            corpus.to_str().unwrap(),
            "--out",
            out_path.to_str().unwrap(),
            "--dim",
            "10",
            "--epochs",
            "1",
            "--bucket",
            "1000",
        ];
        args.extend_from_slice(extra);
        let out = wordlens(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut a = extra.to_vec();
        a.push("--json");
        serde_json::from_slice(&run(&a).stdout).unwrap()
    };
    // fastText models start from fastText's learning rate and sampling, word2vec's from its.
    let ft = json(&["--model", "fasttext-skipgram"])["settings"].clone();
    assert_eq!(ft["model"], "fasttext-skipgram");
    assert!(
        (ft["learning_rate"].as_f64().unwrap() - 0.05).abs() < 1e-7,
        "{ft}"
    );
    assert!(
        (ft["sample"].as_f64().unwrap() - 1e-4).abs() < 1e-10,
        "{ft}"
    );
    assert_eq!(ft["ngrams"], serde_json::json!([3, 6, 1000]));
    assert_eq!(ft["order"], "thread-offsets");
    let sg = json(&["--model", "skipgram"])["settings"].clone();
    assert!(
        (sg["learning_rate"].as_f64().unwrap() - 0.025).abs() < 1e-7,
        "{sg}"
    );
    assert!(
        (sg["sample"].as_f64().unwrap() - 1e-3).abs() < 1e-10,
        "{sg}"
    );
    assert!(sg["ngrams"].is_null());
    // The schedule's knobs are reported too (#28), each at its default.
    assert_eq!(
        (sg["lr_decay"].as_str(), sg["noise_redraw"].as_bool()),
        (Some("block"), Some(false))
    );
    // Flags override the chosen model's values; the text output names them too.
    let out = run(&[
        "--model",
        "fasttext-cbow",
        "--learning-rate",
        "0.1",
        "--sample",
        "0.001",
        "--order",
        "sequential",
        "--noise-redraw",
        "true",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fasttext-cbow · dim 10")
            && text.contains("lr 0.1→0.0001 · sample 0.001")
            && text.contains("order sequential")
            && text.contains("lr_decay block · noise_redraw true"),
        "{text}"
    );
    // The old names still act, for one release, and say what they are now.
    let out = run(&["--alpha", "0.2", "--min-alpha", "0.001"]);
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(text.contains("lr 0.2→0.001"), "{text}");
    assert!(
        err.contains("--alpha is now --learning-rate")
            && err.contains("--min-alpha is now --min-learning-rate"),
        "{err}"
    );
}

#[test]
fn train_convert_and_evaluate_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("v.bin");
    let txt = dir.path().join("v.txt");
    let corpus = bundled("enwiki-sample.txt");
    let out = wordlens(&[
        "train",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        bin.to_str().unwrap(),
        "--dim",
        "20",
        "--epochs",
        "1",
        "--threads",
        "2",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vocab = stats["vocab_size"].as_u64().unwrap();
    let out = wordlens(&[
        "convert",
        "--in",
        bin.to_str().unwrap(),
        "--out",
        txt.to_str().unwrap(),
        "--format",
        "w2v-txt",
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&txt).unwrap();
    assert_eq!(text.lines().next().unwrap(), format!("{vocab} 20"));
    let out = wordlens(&[
        "eval-embeddings",
        "--vectors",
        txt.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pairs"][0]["file"], "wordsim353.tsv");
    assert!(report["pairs"][0]["spearman"].as_f64().unwrap().is_finite());
    assert!(report["pairs"][0]["used"].as_u64().unwrap() > 100);
    assert!(report["analogies"]["accuracy"].as_f64().is_some());
    let out = wordlens(&[
        "neighbors",
        "--vectors",
        bin.to_str().unwrap(),
        "War",
        "-k",
        "3",
        "--json",
    ]);
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits["neighbors"].as_array().unwrap().len(), 3);
}

#[test]
fn classify_predict_keeps_every_column_and_appends_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.wlm");
    let out = dir.path().join("pred.csv");
    let data = bundled("bbc-news.csv");
    let r = wordlens(&[
        "classify",
        "train",
        "--data",
        data.to_str().unwrap(),
        "--text-col",
        "title,text",
        "--label-col",
        "category",
        "--features",
        "bow",
        // Tuning is tested elsewhere; this is about the columns written.
        "--no-tune",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let r = wordlens(&[
        "classify",
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let mut rd = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "category",
            "title",
            "text",
            "predicted",
            "p_business",
            "p_entertainment",
            "p_politics",
            "p_sports",
            "p_tech"
        ]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2225);
    // Training accuracy of TF-IDF + LR on BBC is near perfect; probabilities sum to 1.
    let right = rows.iter().filter(|r| r[1] == r[4]).count();
    assert!(right > 2200, "{right}");
    let sum: f64 = (5..10).map(|c| rows[0][c].parse::<f64>().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-4);
}
