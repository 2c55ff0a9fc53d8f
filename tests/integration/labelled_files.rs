//! Any labelled file through `classify` and `compare`: fastText `__label__` lines without a
//! label column, a labelled CSV scored by `predict` (accuracy, confusion, unseen labels), and
//! the errors that name what is missing.

use std::path::Path;
use std::process::Command;

use wordlens::text::{CorpusReader, CorpusSpec};

use crate::{bundled, shared};

fn wordlens(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(args)
        .arg("--quiet")
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `n` bundled tweets, every `step`-th (the file is sorted by label), as fastText lines
/// (`__label__sentiment text`), then `extra`.
fn fasttext_tweets(path: &Path, n: usize, step: usize, extra: &str) {
    let docs = CorpusReader::open(
        &CorpusSpec::new(bundled("tweets-sentiment.csv")).label_col("sentiment"),
    )
    .unwrap()
    .step_by(step)
    .take(n)
    .map(|d| {
        let d = d.unwrap();
        format!(
            "__label__{} {}\n",
            d.label.unwrap(),
            d.text.replace('\n', " ")
        )
    })
    .collect::<String>();
    std::fs::write(path, docs + extra).unwrap();
}

#[test]
fn fasttext_files_train_predict_and_score_without_a_label_column() {
    let dir = tempfile::tempdir().unwrap();
    let ft = dir.path().join("tweets.txt");
    fasttext_tweets(&ft, 1200, 31, "");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let model = dir.path().join("m.wlm");
    let trained = ok(&wordlens(&[
        "classify",
        "train",
        "--data",
        &s(&ft),
        "--out",
        &s(&model),
    ]));
    // C (and bigrams) chosen on the training rows unless --no-tune.
    assert!(
        trained.contains("chosen: C ") && trained.contains("by 3-fold cross-validation"),
        "{trained}"
    );
    // Three rows with a label the model never saw are counted apart, not scored.
    let test = dir.path().join("test.txt");
    fasttext_tweets(
        &test,
        1200,
        31,
        "__label__sarcastic oh great another car\n__label__sarcastic sure\n__label__sarcastic wow\n",
    );
    let out = dir.path().join("p.csv");
    let json = ok(&wordlens(&[
        "classify",
        "predict",
        "--model",
        &s(&model),
        "--data",
        &s(&test),
        "--out",
        &s(&out),
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let e = &v["evaluation"];
    assert_eq!(v["rows"], 1203);
    assert_eq!(e["scored"], 1200);
    assert_eq!(e["unseen_labels"], 3);
    assert_eq!(e["unseen"][0][0], "sarcastic");
    // Scored on its own training rows: bag-of-words LR fits them well.
    let accuracy = e["accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.8, "{accuracy}");
    let confusion: u64 = e["confusion"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .sum();
    assert_eq!(confusion, 1200);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.starts_with("label,text,predicted,p_negative,p_neutral,p_positive\n"),
        "{}",
        &written[..80]
    );
    assert_eq!(written.lines().count(), 1204);

    // compare reads the same file with no --label-col.
    let json = ok(&wordlens(&["compare", "--data", &s(&ft), "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let bow = v["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "bow")
        .unwrap();
    assert!(bow["accuracy"].as_f64().unwrap() > 0.5, "{bow}");
    // C chosen by inner cross-validation unless --no-tune asks for the config's fixed settings.
    assert!(bow["tuned"]["c"].as_f64().unwrap() > 0.0, "{bow}");
    let vectors = s(&shared("formats/gensim-lee-32d.w2v.bin"));
    let json = ok(&wordlens(&[
        "compare",
        "--data",
        &s(&ft),
        "--vectors",
        &vectors,
        "--no-tune",
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for m in v["methods"].as_array().unwrap() {
        assert!(m["tuned"].is_null(), "{m}");
    }
}

#[test]
fn a_labelled_csv_is_scored_by_predict_only_with_its_label_column() {
    let dir = tempfile::tempdir().unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let model = dir.path().join("m.wlm");
    let csv = s(&bundled("tweets-sentiment.csv"));
    ok(&wordlens(&[
        "classify",
        "train",
        "--data",
        &csv,
        "--label-col",
        "sentiment",
        "--no-tune",
        "--out",
        &s(&model),
    ]));
    let out = s(&dir.path().join("p.csv"));
    let plain = ok(&wordlens(&[
        "classify",
        "predict",
        "--model",
        &s(&model),
        "--data",
        &csv,
        "--out",
        &out,
    ]));
    assert!(!plain.contains("accuracy"), "{plain}");
    let scored = ok(&wordlens(&[
        "classify",
        "predict",
        "--model",
        &s(&model),
        "--data",
        &csv,
        "--out",
        &out,
        "--label-col",
        "sentiment",
    ]));
    assert!(
        scored.contains("against the file's labels: accuracy 0."),
        "{scored}"
    );
    assert!(
        scored.contains("confusion (rows: true, columns: predicted)"),
        "{scored}"
    );
    // A CSV without --label-col cannot train; the message names the file and the flag.
    let err = wordlens(&["classify", "train", "--data", &csv, "--out", &s(&model)]);
    assert!(!err.status.success());
    let msg = String::from_utf8_lossy(&err.stderr);
    assert!(
        msg.contains("tweets-sentiment.csv") && msg.contains("--label-col"),
        "{msg}"
    );
}

#[test]
fn one_class_is_an_error_naming_the_file_and_the_class() {
    let dir = tempfile::tempdir().unwrap();
    let ft = dir.path().join("negative-only.txt");
    // The bundled tweets are sorted by label: the first 100 are all negative.
    fasttext_tweets(&ft, 100, 1, "");
    for cmd in [&["classify", "train"][..], &["compare"][..]] {
        let mut args = cmd.to_vec();
        let model = dir.path().join("m.wlm");
        args.extend(["--data", ft.to_str().unwrap()]);
        if cmd.len() == 2 {
            args.extend(["--out", model.to_str().unwrap()]);
        }
        let out = wordlens(&args);
        assert!(!out.status.success());
        let msg = String::from_utf8_lossy(&out.stderr);
        assert!(
            msg.contains("negative-only.txt")
                && msg.contains("\"negative\"")
                && msg.contains("two classes"),
            "{msg}"
        );
    }
}

#[test]
fn invalid_utf8_names_the_flag_that_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let ft = dir.path().join("bad.txt");
    std::fs::write(&ft, b"__label__a fine text\n__label__b caf\xe9 au lait\n").unwrap();
    let model = dir.path().join("m.wlm");
    let out = wordlens(&[
        "classify",
        "train",
        "--data",
        ft.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("bad.txt:2") && msg.contains("--lossy-utf8"),
        "{msg}"
    );
}

#[test]
fn the_tui_classifies_a_fasttext_file_without_a_label_column() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    use wordlens::progress::Cancel;
    use wordlens::tui::artifacts::Artifacts;
    use wordlens::tui::{JobEvent, JobOutput, Jobs, Setup};

    let dir = tempfile::tempdir().unwrap();
    let ft = dir.path().join("tweets.txt");
    fasttext_tweets(&ft, 300, 125, ""); // every 125th: the file is sorted by label
    let setup = Setup {
        config: wordlens::Config::default(),
        corpus: CorpusSpec::new(&ft),
        vectors: wordlens::docvec::source::VectorSource::Path(shared(
            "formats/gensim-lee-32d.w2v.bin",
        )),
        artifacts: Artifacts::for_data(&dir.path().join("cache"), &ft, "text").unwrap(),
    };
    let (tx, rx) = mpsc::channel();
    // The jobs after the data are not awaited: stopped on return.
    let quit = Cancel::new();
    Jobs::new(setup, tx, quit.clone()).start();
    let until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < until {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(JobEvent::Done(
                _,
                JobOutput::Data {
                    rows,
                    summary,
                    labels,
                },
            )) => {
                assert_eq!(rows, 300);
                assert_eq!(labels, ["negative", "neutral", "positive"]);
                let summary = summary.expect("the Classify tab gets the file's labels");
                assert_eq!(summary.classes.iter().map(|c| c.1).sum::<usize>(), 300);
                quit.cancel();
                return;
            }
            Ok(JobEvent::Failed(kind, e)) => panic!("{kind:?}: {e}"),
            _ => {}
        }
    }
    panic!("no data read in two minutes");
}

#[test]
fn quitting_stops_a_training_started_in_the_tui_and_cancelling_it_does_not_quit() {
    use std::sync::mpsc;
    use std::time::Duration;
    use wordlens::embed::trainer::TrainConfig;
    use wordlens::progress::Cancel;
    use wordlens::tui::artifacts::Artifacts;
    use wordlens::tui::{JobEvent, JobKind, Jobs, Setup};

    let dir = tempfile::tempdir().unwrap();
    let ft = dir.path().join("tweets.txt");
    fasttext_tweets(&ft, 300, 125, "");
    let setup = Setup {
        config: wordlens::Config::default(),
        corpus: CorpusSpec::new(&ft),
        vectors: wordlens::docvec::source::VectorSource::Trained,
        artifacts: Artifacts::for_data(&dir.path().join("cache"), &ft, "text").unwrap(),
    };
    let (tx, rx) = mpsc::channel();
    let quit = Cancel::new();
    let jobs = Jobs::new(setup, tx, quit.clone());
    // Long enough that it cannot finish before the flags are read.
    let slow = TrainConfig {
        epochs: 50,
        ..TrainConfig::default()
    };
    // "c" in the Train tab: that training stops, the app's other jobs do not.
    let first = jobs.train(slow.clone());
    first.cancel();
    assert!(!quit.is_cancelled());
    // Quitting: a training's flag (and so every job it starts afterwards) is set.
    let second = jobs.train(slow);
    quit.cancel();
    assert!(second.is_cancelled());
    let mut cancelled = 0;
    while let Ok(event) = rx.recv_timeout(Duration::from_secs(60)) {
        match event {
            JobEvent::Cancelled(JobKind::Training) => cancelled += 1,
            JobEvent::Failed(kind, e) => panic!("{kind:?}: {e}"),
            JobEvent::Done(kind, _) => panic!("{kind:?} finished after quitting"),
            _ => {}
        }
        if cancelled == 2 {
            return;
        }
    }
    panic!("both trainings should report Cancelled, got {cancelled}");
}
