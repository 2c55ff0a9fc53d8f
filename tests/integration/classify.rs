//! Classification on the bundled BBC data: agreement with scikit-learn, accuracy floors
//! measured on the peers' split, model files, and bad input.

use std::process::Command;
use std::sync::Arc;

use wordlens::Cancel;
use wordlens::classify::LogRegConfig;
use wordlens::classify::compare::{CompareConfig, Experiment, Vectors};
use wordlens::classify::model_file;
use wordlens::classify::pipeline::{Docs, FeatureKind, FitSettings, Part, Pipeline};
use wordlens::classify::tune::TuneConfig;
use wordlens::dataset::{self, Dataset};
use wordlens::docvec::DocVecConfig;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::source::Training;
use wordlens::embed::io;
use wordlens::embed::trainer::TrainConfig;
use wordlens::features::TfidfConfig;
use wordlens::progress::Silent;
use wordlens::text::{CorpusSpec, Tokenizer, TokenizerConfig};

use crate::{bundled, shared, temp_file};

fn bbc() -> Dataset {
    let spec = CorpusSpec::new(bundled("bbc-news.csv"))
        .text_cols(&["title", "text"])
        .label_col("category");
    Dataset::load(&spec, &Tokenizer::default()).unwrap()
}

fn split_file() -> std::path::PathBuf {
    shared("../peers/splits/bbc-news.csv")
}

/// Fits a pipeline of `kind` on `rows` of `data`.
fn fit_rows(
    kind: FeatureKind,
    data: &Dataset,
    rows: &[usize],
    logreg: &LogRegConfig,
    emb: Option<Arc<wordlens::Embeddings>>,
) -> Pipeline {
    let docs: Vec<Vec<String>> = rows.iter().map(|&i| data.tokens[i].clone()).collect();
    let texts: Vec<&str> = rows.iter().map(|&i| data.texts[i].as_str()).collect();
    let y: Vec<u32> = rows.iter().map(|&i| data.y[i].unwrap()).collect();
    let (bow, docvec, tok) = (
        TfidfConfig::default(),
        DocVecConfig::default(),
        TokenizerConfig::default(),
    );
    Pipeline::fit(
        &settings(kind, &bow, &docvec, logreg, &tok),
        Docs::new(&texts, &docs),
        &y,
        &data.labels,
        emb.map(Encoder::Words),
        &Cancel::new(),
    )
    .unwrap()
}

fn settings<'a>(
    kind: FeatureKind,
    bow: &'a TfidfConfig,
    docvec: &'a DocVecConfig,
    logreg: &'a LogRegConfig,
    tok: &'a TokenizerConfig,
) -> FitSettings<'a> {
    FitSettings {
        kind,
        tokenizer: tok,
        bow,
        docvec,
        logreg,
        dense_scale: 0.1,
    }
}

#[test]
fn probabilities_agree_with_scikit_learn_on_real_data() {
    let data = bbc();
    let split = dataset::from_file(&split_file(), data.len()).unwrap();
    let train: Vec<usize> = split.train.iter().copied().step_by(6).collect();
    let test: Vec<usize> = split.test.iter().copied().step_by(4).take(100).collect();
    let logreg = LogRegConfig {
        tol: 1e-8,
        max_iter: 10_000,
        ..LogRegConfig::default()
    };
    let p = fit_rows(FeatureKind::Bow, &data, &train, &logreg, None);
    assert!(p.model.converged);
    let test_docs: Vec<Vec<String>> = test.iter().map(|&i| data.tokens[i].clone()).collect();
    let test_texts: Vec<&str> = test.iter().map(|&i| data.texts[i].as_str()).collect();
    let ours = p.predict_proba(Docs::new(&test_texts, &test_docs)).unwrap();
    let fixture = std::fs::read_to_string(
        env!("CARGO_MANIFEST_DIR").to_string() + "/tests/fixtures/sklearn-bbc-proba.csv",
    )
    .unwrap();
    let mut max_diff = 0.0f64;
    for (line, (row, mine)) in fixture.lines().skip(1).zip(test.iter().zip(&ours)) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0].parse::<usize>().unwrap(), *row);
        for (c, v) in f[1..].iter().enumerate() {
            max_diff = max_diff.max((v.parse::<f64>().unwrap() - mine[c]).abs());
        }
    }
    // Measured 0.0061: the two tokenizers differ on a handful of tokens, nothing else.
    assert!(max_diff < 0.01, "largest probability difference {max_diff}");
}

#[test]
fn compare_on_the_peers_split_reaches_the_measured_floors() {
    let data = bbc();
    let split = dataset::from_file(&split_file(), data.len()).unwrap();
    let (bow, docvec, tok, logreg, cmp) = (
        TfidfConfig::default(),
        DocVecConfig::default(),
        TokenizerConfig::default(),
        LogRegConfig::default(),
        CompareConfig {
            bootstrap: 200,
            ..CompareConfig::default()
        },
    );
    let exp = Experiment {
        data: &data,
        tokenizer: &tok,
        bow: &bow,
        docvec: &docvec,
        logreg: &logreg,
        compare: &cmp,
        vectors: Vectors::Train(Box::new(Training {
            config: TrainConfig {
                // One thread: the vectors, and so every figure below, are the same on every run.
                threads: 1,
                ..TrainConfig::default()
            },
            glove: Default::default(),
            extra: vec![CorpusSpec::new(bundled("enwiki-sample.txt"))],
            tokenizer: tok.clone(),
        })),
    };
    let r = exp
        .run(
            &[split],
            "file",
            &[0.01, 0.05, 0.25],
            &Silent,
            &Cancel::new(),
        )
        .unwrap();
    assert_eq!((r.train, r.test), (1780, 445));
    assert_eq!(r.test_duplicates_in_train, 33);
    let acc = |name: &str| r.methods.iter().find(|m| m.name == name).unwrap().accuracy;
    // Settings chosen by 3-fold inner CV on the training rows, for every method and size. BBC
    // is nearly separable for TF-IDF: weak regularisation wins (measured C 30; scikit-learn's
    // LogisticRegressionCV with the same grid also chose 30).
    for m in &r.methods {
        let t = m
            .tuned
            .as_ref()
            .unwrap_or_else(|| panic!("{} not tuned", m.name));
        assert_eq!(t.folds, 3, "1,780 rows: three folds (ten below 1,000 rows)");
        assert!(t.cv_accuracy > 0.9, "{}: {t:?}", m.name);
        match m.name.as_str() {
            "bow" => assert!(t.c.unwrap() >= 3.0, "{t:?}"),
            n if n.starts_with("bow+") => assert!(t.combination.is_some(), "{t:?}"),
            _ => assert!(t.c.is_some() && t.combination.is_none(), "{t:?}"),
        }
    }
    // The combination against its better part, at each learning-curve size (17, 88, 444
    // labelled rows) and with all 1,780. With vectors trained on the training texts the inner
    // folds see vectors trained on their own validation texts, which flatters the embeddings
    // below a few hundred rows. Measured here (one-thread vectors): 88 rows -2.5 (mean), -1.1
    // (tfidf), -0.9 (sif); all 1,780 -0.7 (mean); the other 8 cells within half a point, 5 of
    // them above both parts (bench/README.md, "Classification"; with a static model all 12 are).
    let at = |method: &str, rows: usize| {
        r.learning_curve
            .iter()
            .find(|p| p.method == method && p.train_rows == rows)
            .map_or_else(|| acc(method), |p| p.accuracy)
    };
    for rows in [17, 88, 444, 1780] {
        for v in ["mean", "tfidf", "sif"] {
            let (bow, emb, both) = (
                at("bow", rows),
                at(&format!("embed-{v}"), rows),
                at(&format!("bow+embed-{v}"), rows),
            );
            let slack = if rows >= 444 { 0.01 } else { 0.035 };
            assert!(
                both >= bow.max(emb) - slack,
                "{rows} rows, {v}: bow {bow}, embed {emb}, both {both}"
            );
        }
    }
    // Tuning C is what lifts bag-of-words at 17 rows (fixed C 1: 0.503).
    assert!(at("bow", 17) > 0.7, "bow at 17 rows {}", at("bow", 17));
    // Measured: bow 0.9910 (scikit-learn at C 1 0.982), embed-mean 0.946 (gensim vectors + LR
    // 0.944), embed-tfidf 0.957, embed-sif 0.951.
    assert!(acc("bow") >= 0.985, "bow {}", acc("bow"));
    assert!(
        acc("embed-mean") >= 0.925,
        "embed-mean {}",
        acc("embed-mean")
    );
    assert!(acc("embed-tfidf") >= 0.93);
    assert!(acc("embed-sif") >= 0.925);
    assert!(acc("bow+embed-mean") >= 0.94);
    assert_eq!(r.tests.len(), 6);
    assert!(r.embeddings.test_coverage > 0.9);
    // Bag-of-words beats mean vectors on BBC by a margin McNemar calls real.
    let t = r.tests.iter().find(|t| t.method == "embed-mean").unwrap();
    assert!(
        t.difference < 0.0 && t.p_value < 0.05 && t.ci_high < 0.0,
        "{t:?}"
    );
    // Calibration: every test row in the reliability table; mean vectors are close to
    // calibrated (measured 0.03). (TF-IDF + LR at C 1 is under-confident, ECE 0.27; tuned to
    // C 30 it is near 0.05.)
    let cal = |name: &str| {
        r.methods
            .iter()
            .find(|m| m.name == name)
            .unwrap()
            .calibration
            .clone()
            .unwrap()
    };
    for m in &r.methods {
        let c = m.calibration.as_ref().unwrap();
        assert_eq!(
            c.bins.iter().map(|b| b.count).sum::<u64>(),
            445,
            "{}",
            m.name
        );
        let weighted: f64 = c
            .bins
            .iter()
            .map(|b| b.count as f64 * b.accuracy)
            .sum::<f64>()
            / 445.0;
        assert!((weighted - m.accuracy).abs() < 1e-9, "{}", m.name);
    }
    // The rows where the best embedding method and bow disagree; their counts are McNemar's.
    let d = r.disagreements.as_ref().unwrap();
    let t = r.tests.iter().find(|t| t.method == d.method).unwrap();
    assert_eq!(d.method_right_bow_wrong, t.only_method_correct);
    assert_eq!(d.bow_right_method_wrong, t.only_baseline_correct);
    assert!(d.rows.len() as u64 >= t.only_method_correct + t.only_baseline_correct);
    for row in &d.rows {
        assert_ne!(row.bow.label, row.method.label);
        assert_eq!(row.text, data.texts[row.row]);
        assert_eq!(
            Some(&row.label),
            data.y[row.row].map(|y| &data.labels[y as usize])
        );
    }
    assert!(cal("embed-mean").ece < 0.08, "{:?}", cal("embed-mean"));
}

#[test]
fn a_saved_model_predicts_the_same_after_loading() {
    let data = bbc();
    let rows: Vec<usize> = (0..data.len()).step_by(5).collect();
    let docs: Vec<Vec<String>> = rows.iter().map(|&i| data.tokens[i].clone()).collect();
    let emb = Arc::new(
        io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
            .unwrap()
            .embeddings,
    );
    let p = fit_rows(
        FeatureKind::Both,
        &data,
        &rows,
        &LogRegConfig::default(),
        Some(emb),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.wlm");
    model_file::save(&path, &p).unwrap();
    let back = model_file::load(&path).unwrap();
    assert_eq!(back.labels, data.labels);
    let texts: Vec<&str> = rows.iter().map(|&i| data.texts[i].as_str()).collect();
    assert_eq!(
        p.predict_proba(Docs::new(&texts[..20], &docs[..20]))
            .unwrap(),
        back.predict_proba(Docs::new(&texts[..20], &docs[..20]))
            .unwrap()
    );
    // The words that pushed a sports article towards "sports" are sports words.
    let sports = data.labels.iter().position(|l| l == "sports").unwrap();
    let doc = rows
        .iter()
        .position(|&i| data.y[i] == Some(sports as u32))
        .unwrap();
    let one = |d: usize| Docs::new(&texts[d..d + 1], &docs[d..d + 1]);
    let why = back.explain(one(doc), sports, 5);
    let words: Vec<_> = why.iter().filter(|r| r.part == Part::Words).collect();
    let through: Vec<_> = why.iter().filter(|r| r.part == Part::Embedding).collect();
    assert_eq!((words.len(), through.len()), (5, 5));
    assert!(words[0].score > 0.0 && through[0].score >= through[4].score);

    // Every term's and token's push, summed, is the logit: between two documents and two
    // classes, the difference of log-odds equals the difference of the summed reasons (the
    // bias and the standardising offset cancel).
    let logit_gap = |d: usize, c: usize| {
        let p = back.predict_proba(one(d)).unwrap();
        p[0][c].ln() - p[0][0].ln()
    };
    let pushed = |d: usize, c: usize| -> f64 {
        let sum = |c| {
            back.explain(one(d), c, usize::MAX)
                .iter()
                .map(|r| r.score)
                .sum::<f64>()
        };
        sum(c) - sum(0)
    };
    let other = (doc + 1..rows.len())
        .find(|&d| data.y[rows[d]] != Some(sports as u32))
        .unwrap();
    let lhs = logit_gap(doc, sports) - logit_gap(other, sports);
    let rhs = pushed(doc, sports) - pushed(other, sports);
    assert!(
        (lhs - rhs).abs() < 1e-3 * lhs.abs().max(1.0),
        "{lhs} vs {rhs}"
    );
}

#[test]
fn model_from_another_version_or_truncated_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(&dir, "old.wlm", b"WORDLENS-MODEL 99\n{}\n");
    let err = model_file::load(&p).unwrap_err().to_string();
    assert!(
        err.contains("old.wlm:1") && err.contains("version 99"),
        "{err}"
    );
    let p = temp_file(&dir, "junk.wlm", b"hello");
    let err = model_file::load(&p).unwrap_err().to_string();
    assert!(err.contains("not a wordlens model"), "{err}");
}

#[test]
fn one_class_only_and_a_missing_label_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_file(
        &dir,
        "one.csv",
        b"text,label\ngood film,pos\nfine day,pos\n",
    );
    let spec = CorpusSpec::new(&p).label_col("label");
    let data = Dataset::load(&spec, &Tokenizer::default()).unwrap();
    let cfg = (
        TokenizerConfig::default(),
        TfidfConfig::default(),
        DocVecConfig::default(),
        LogRegConfig::default(),
        CompareConfig::default(),
    );
    let exp = Experiment {
        data: &data,
        tokenizer: &cfg.0,
        bow: &cfg.1,
        docvec: &cfg.2,
        logreg: &cfg.3,
        compare: &cfg.4,
        vectors: Vectors::Loaded(Encoder::Words(Arc::new(
            io::read(&shared("formats/toy-model.vec"))
                .unwrap()
                .embeddings,
        ))),
    };
    let split = dataset::Split {
        train: vec![0],
        test: vec![1],
    };
    let err = exp
        .run(&[split], "x", &[], &Silent, &Cancel::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("one.csv") && err.contains("only 1 class"),
        "{err}"
    );
    let spec = CorpusSpec::new(&p).label_col("sentiment");
    let err = Dataset::load(&spec, &Tokenizer::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("one.csv:1: no label column named \"sentiment\""),
        "{err}"
    );
}

#[test]
fn split_file_of_another_dataset_is_rejected() {
    let err = dataset::from_file(&shared("../peers/splits/tweets-sentiment.csv"), 2225)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tweets-sentiment.csv:") && err.contains("past the dataset's 2225 rows"),
        "{err}"
    );
}

#[test]
fn folds_and_learning_curve_on_tweets() {
    // Word vectors from a small real file keep this fast; the checks are about the protocol.
    let spec = CorpusSpec::new(bundled("tweets-sentiment.csv")).label_col("sentiment");
    let data = Dataset::load(&spec, &Tokenizer::default()).unwrap();
    let cfg = (
        TokenizerConfig::default(),
        TfidfConfig::default(),
        DocVecConfig::default(),
        LogRegConfig::default(),
        // The protocol (folds, pooling, subsets) with the fixed settings: tuning is tested on
        // BBC, and tuned tweets take minutes.
        CompareConfig {
            bootstrap: 100,
            tune: TuneConfig {
                enabled: false,
                ..TuneConfig::default()
            },
            ..CompareConfig::default()
        },
    );
    let emb = Arc::new(
        io::read(&shared("formats/gensim-lee-32d.w2v.bin"))
            .unwrap()
            .embeddings,
    );
    let exp = Experiment {
        data: &data,
        tokenizer: &cfg.0,
        bow: &cfg.1,
        docvec: &cfg.2,
        logreg: &cfg.3,
        compare: &cfg.4,
        vectors: Vectors::Loaded(Encoder::Words(emb)),
    };
    let folds = dataset::k_fold(&data.y, &data.labels, 3, 7).unwrap();
    let r = exp
        .run(&folds, "3-fold", &[], &Silent, &Cancel::new())
        .unwrap();
    let bow = r.methods.iter().find(|m| m.name == "bow").unwrap();
    // Pooled over folds every row is tested once; accuracy near the fixed split's 0.739.
    assert_eq!(
        bow.metrics.confusion.iter().flatten().sum::<u64>(),
        data.usable(&(0..data.len()).collect::<Vec<_>>()).len() as u64
    );
    assert!(
        bow.accuracy > 0.72 && bow.accuracy_std.unwrap() < 0.02,
        "{} ± {:?}",
        bow.accuracy,
        bow.accuracy_std
    );
    assert!(
        exp.run(&folds, "3-fold", &[0.1], &Silent, &Cancel::new())
            .is_err(),
        "learning curves need one split"
    );

    let split =
        dataset::from_file(&shared("../peers/splits/tweets-sentiment.csv"), data.len()).unwrap();
    let r = exp
        .run(&[split], "file", &[0.01, 0.1, 1.0], &Silent, &Cancel::new())
        .unwrap();
    let point = |f: f64| {
        r.learning_curve
            .iter()
            .find(|p| p.fraction == f && p.method == "bow")
            .unwrap()
    };
    // More labelled data helps bag-of-words: 1 % of 30,526 tweets is ~305 rows.
    assert!(
        (300..=310).contains(&point(0.01).train_rows),
        "{}",
        point(0.01).train_rows
    );
    assert!(
        point(0.01).accuracy < point(0.1).accuracy && point(0.1).accuracy < point(1.0).accuracy
    );
    assert!((point(1.0).accuracy - r.methods[0].accuracy).abs() < 1e-12);
    assert_eq!(r.learning_curve.len(), 3 * 7);
}

/// Every `step`-th BBC row, as `dir/news.csv`.
pub fn bbc_every(step: usize, dir: &std::path::Path) -> std::path::PathBuf {
    let data = dir.join("news.csv");
    let text = std::fs::read_to_string(bundled("bbc-news.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = csv::Writer::from_path(&data).unwrap();
    out.write_record(reader.headers().unwrap()).unwrap();
    for rec in reader.records().step_by(step) {
        out.write_record(&rec.unwrap()).unwrap();
    }
    out.flush().unwrap();
    data
}

/// `compare --vectors default,FILE`: one comparison per source on the same split, one table
/// (method × source), and the best methods of the two sources tested against each other.
#[test]
fn compare_puts_two_vector_sources_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let data = bbc_every(5, dir.path());
    let w2v = shared("formats/gensim-lee-32d.w2v.bin");
    let run = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wordlens"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["compare", "--data"])
            .arg(&data)
            .args([
                "--text-col",
                "title,text",
                "--label-col",
                "category",
                "--no-tune",
                "-q",
            ])
            .args(["--train-sizes", "0.1"])
            .arg("--vectors")
            .arg(format!("default,{}", w2v.display()));
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&run(true)).unwrap();
    let sources = v["sources"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "gensim-lee-32d.w2v.bin"]);
    assert_eq!(sources[0]["report"]["embeddings"]["dim"], 256);
    assert_eq!(sources[1]["report"]["embeddings"]["dim"], 32);
    let table = v["table"].as_array().unwrap();
    assert_eq!(table.len(), 7);
    assert_eq!(table[0]["method"], "bow");
    // Same split, same bag-of-words: equal under both sources.
    assert_eq!(table[0]["accuracy"][0], table[0]["accuracy"][1]);
    // The table's cells are each source's own report.
    for (k, row) in table.iter().enumerate() {
        for s in 0..2 {
            assert_eq!(
                row["accuracy"][s],
                sources[s]["report"]["methods"][k]["accuracy"]
            );
        }
    }
    // A pretrained model beats 32-d vectors trained on 300 Lee-corpus documents.
    let embed_mean = &table[1]["accuracy"];
    assert!(
        embed_mean[0].as_f64().unwrap() > embed_mean[1].as_f64().unwrap() + 0.05,
        "{embed_mean}"
    );
    let between = &v["between"];
    assert!(
        between["method"].as_str().unwrap().ends_with("@default"),
        "{between}"
    );
    assert!(
        between["baseline"]
            .as_str()
            .unwrap()
            .ends_with("@gensim-lee-32d.w2v.bin"),
        "{between}"
    );
    assert!(between["difference"].as_f64().unwrap() > 0.0);
    // Each source has its learning curve.
    assert!(
        sources
            .iter()
            .all(|s| !s["report"]["learning_curve"].as_array().unwrap().is_empty())
    );
    let text = run(false);
    assert!(text.contains("best two sources:"), "{text}");
    assert!(text.contains("embed-mean@default"), "{text}");
}

/// `report --vectors default,FILE`: the classification section compares both sources (the
/// first one's report stays in `classification`), the embedding scores are the first source's.
#[test]
fn report_puts_several_vector_sources_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let data = bbc_every(8, dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[data]\ndir = {:?}\n[compare.tune]\nenabled = false\n",
            bundled("").display().to_string()
        ),
    )
    .unwrap();
    let w2v = shared("formats/gensim-lee-32d.w2v.bin");
    let out = Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .arg("--config")
        .arg(&config)
        .args(["-q", "report", "--data"])
        .arg(&data)
        .args([
            "--text-col",
            "text",
            "--label-col",
            "category",
            "--title-col",
            "title",
        ])
        .args(["--train-sizes", "0.5", "--json", "--vectors"])
        .arg(format!("default,{}", w2v.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = v["sources"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(v["classification"]["embeddings"]["dim"], 256);
    assert_eq!(sources[1]["report"]["embeddings"]["dim"], 32);
    assert_eq!(
        v["classification"]["methods"][1]["accuracy"],
        v["sources"]["table"][1]["accuracy"][0]
    );
    assert!(v["search"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn logistic_regression_on_the_static_models_vectors_reaches_scikit_learn() {
    // The bundled static model's mean vectors on the peers' tweets split, C 1: scikit-learn's
    // LogisticRegression on the package's unit-length vectors scores 0.6812
    // (bench/static_logreg.py). Pooled without unit length, wordlens scored 0.6747.
    let spec = CorpusSpec::new(bundled("tweets-sentiment.csv"))
        .text_cols(&["text"])
        .label_col("sentiment");
    let data = Dataset::load(&spec, &Tokenizer::default()).unwrap();
    let split =
        dataset::from_file(&shared("../peers/splits/tweets-sentiment.csv"), data.len()).unwrap();
    let model = Encoder::open(&bundled("wordllama-l2-supercat")).unwrap();
    let (bow, docvec, tok, logreg) = (
        TfidfConfig::default(),
        DocVecConfig::default(),
        TokenizerConfig::default(),
        LogRegConfig::default(),
    );
    let part = |rows: &[usize]| {
        let texts: Vec<&str> = rows.iter().map(|&i| data.texts[i].as_str()).collect();
        let tokens: Vec<Vec<String>> = rows.iter().map(|&i| data.tokens[i].clone()).collect();
        let y: Vec<u32> = rows.iter().map(|&i| data.y[i].unwrap()).collect();
        (texts, tokens, y)
    };
    let (texts, tokens, y) = part(&split.train);
    let pipeline = Pipeline::fit(
        &settings(FeatureKind::Embed, &bow, &docvec, &logreg, &tok),
        Docs::new(&texts, &tokens),
        &y,
        &data.labels,
        Some(model),
        &Cancel::new(),
    )
    .unwrap();
    let (texts, tokens, y) = part(&split.test);
    let predicted = Pipeline::argmax(&pipeline.predict_proba(Docs::new(&texts, &tokens)).unwrap());
    let right = predicted.iter().zip(&y).filter(|(p, t)| p == t).count();
    let accuracy = right as f64 / y.len() as f64;
    assert!((accuracy - 0.6812).abs() < 0.0015, "{accuracy}");
}
