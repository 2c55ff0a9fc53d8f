//! Crash safety: the binary killed with SIGKILL in the middle of saving vectors, indexing or
//! saving a model leaves the previous artifact intact and usable (every artifact is written to
//! a temporary file and renamed; the index commits before its side files).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::bundled;

fn wordlens(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(args)
        .arg("--quiet")
        .output()
        .expect("run wordlens");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Starts wordlens with `args` and kills it (SIGKILL) after `ms` milliseconds.
fn kill_after(args: &[&str], ms: u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(args)
        .arg("--quiet")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start wordlens");
    std::thread::sleep(Duration::from_millis(ms));
    let _ = child.kill();
    let _ = child.wait();
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn killed_training_keeps_the_previous_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v.bin");
    let bbc = bundled("bbc-news.csv");
    let wiki = bundled("enwiki-sample.txt");
    wordlens(&[
        "train",
        "--corpus",
        s(&bbc),
        "--text-col",
        "title",
        "--epochs",
        "1",
        "--out",
        s(&out),
    ]);
    let before = std::fs::read(&out).unwrap();
    // A long run into the same file, killed while training.
    kill_after(
        &[
            "train",
            "--corpus",
            s(&wiki),
            s(&bbc),
            "--text-col",
            "text",
            "--epochs",
            "20",
            "--out",
            s(&out),
        ],
        1500,
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let n = wordlens(&["neighbors", "--vectors", s(&out), "year", "-k", "3"]);
    assert!(!n.stdout.is_empty());
}

#[test]
fn killed_indexing_leaves_the_last_commit_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = dir.path().join("v.bin");
    let ix = dir.path().join("ix");
    let bbc = bundled("bbc-news.csv");
    let tweets = bundled("tweets-sentiment.csv");
    wordlens(&[
        "train",
        "--corpus",
        s(&bbc),
        "--text-col",
        "text",
        "--epochs",
        "1",
        "--out",
        s(&vectors),
    ]);
    let index_bbc = [
        "index",
        "--data",
        s(&bbc),
        "--id-col",
        "id",
        "--title-col",
        "title",
        "--text-col",
        "text",
        "--vectors",
        s(&vectors),
        "--index",
        s(&ix),
    ];
    wordlens(&index_bbc);
    let query = ["search", "--index", s(&ix), "--json", "oil prices"];
    // Appending every tweet, and rebuilding from scratch, each killed part-way at a few points:
    // every time the index opens and answers.
    for ms in [150, 400, 900] {
        kill_after(
            &[
                "index",
                "--data",
                s(&tweets),
                "--text-col",
                "text",
                "--index",
                s(&ix),
                "--append",
            ],
            ms,
        );
        kill_after(&index_bbc, ms);
        let v: serde_json::Value = serde_json::from_slice(&wordlens(&query).stdout).unwrap();
        assert_eq!(
            v["hits"].as_array().unwrap().len(),
            10,
            "killed after {ms} ms"
        );
    }
    // And it is the whole BBC index, not a truncated one: known-item search as before.
    let e = wordlens(&[
        "eval-search",
        "--index",
        s(&ix),
        "--known-item-col",
        "title",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&e.stdout).unwrap();
    let bm25 = &v["modes"][0];
    assert_eq!(bm25["mode"], "bm25");
    // Every title is a query but those of the documents fusion was calibrated on: the rebuild
    // killed at 900 ms may have committed before its calibration, or finished it.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ix.join("meta.json")).unwrap()).unwrap();
    let calibrated = meta["calibrated"]["documents"]
        .as_array()
        .map_or(0, |d| d.len() as u64);
    assert_eq!(
        bm25["queries"].as_u64().unwrap() + calibrated,
        2225,
        "{calibrated} calibration documents"
    );
    assert!(bm25["mrr_at_10"].as_f64().unwrap() > 0.6, "{bm25}");
}

#[test]
fn killed_model_save_keeps_the_previous_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.wlm");
    let bbc = bundled("bbc-news.csv");
    let fit = |features: &'static str| -> Vec<String> {
        [
            "classify",
            "train",
            "--data",
            s(&bbc),
            "--text-col",
            "title,text",
            "--label-col",
            "category",
            "--features",
            features,
            "--out",
            s(&model),
        ]
        .iter()
        .map(|x| x.to_string())
        .collect()
    };
    let mut bow: Vec<String> = fit("bow");
    bow.push("--no-tune".into());
    wordlens(&bow.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    let before = std::fs::read(&model).unwrap();
    // Fitting with embeddings trains word2vec first: killed before or during the save.
    let both = fit("both");
    for ms in [300, 1500] {
        kill_after(&both.iter().map(|x| x.as_str()).collect::<Vec<_>>(), ms);
        assert_eq!(
            std::fs::read(&model).unwrap(),
            before,
            "killed after {ms} ms"
        );
    }
    let out = dir.path().join("p.csv");
    wordlens(&[
        "classify",
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&bbc),
        "--out",
        s(&out),
    ]);
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 2000);
}
