//! Contextual encoders against sentence-transformers, on a randomly initialised tiny BERT
//! (`tests/fixtures/contextual`, written by `bench/contextual.py`: a WordPiece tokenizer trained
//! on BBC, 2 layers × 64, inputs cut at 64 tokens) and the vectors sentence-transformers gives
//! for the first 100 BBC bodies and 100 tweets.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use wordlens::docvec::encoder::Encoder;
use wordlens::embed::contextual::ContextualModel;

use crate::{bbc_docs, wordlens};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/contextual")
        .join(name)
}

#[derive(Deserialize)]
struct Reference {
    max_seq_length: usize,
    texts: std::collections::HashMap<String, Vec<String>>,
    /// mode → collection → vectors.
    vectors: std::collections::HashMap<String, std::collections::HashMap<String, Vec<Vec<f32>>>>,
}

fn reference() -> Reference {
    let bytes = std::fs::read(fixture("reference.json")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// A copy of the tiny encoder with its Pooling module set to `mode` and Normalize kept or not.
fn variant(dir: &Path, mode: &str, normalize: bool) -> PathBuf {
    let to = dir.join(format!("tiny-{mode}-{normalize}"));
    copy_dir(&fixture("tiny-bert"), &to);
    std::fs::write(
        to.join("1_Pooling/config.json"),
        format!(
            r#"{{"embedding_dimension": 64, "pooling_mode": "{mode}", "include_prompt": true}}"#
        ),
    )
    .unwrap();
    if !normalize {
        let modules = std::fs::read_to_string(to.join("modules.json")).unwrap();
        let mut list: Vec<serde_json::Value> = serde_json::from_str(&modules).unwrap();
        list.retain(|m| !m["type"].as_str().unwrap().ends_with("Normalize"));
        std::fs::write(
            to.join("modules.json"),
            serde_json::to_string(&list).unwrap(),
        )
        .unwrap();
    }
    to
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn every_pooling_mode_equals_sentence_transformers_on_bbc_and_tweets() {
    let r = reference();
    let tmp = tempfile::tempdir().unwrap();
    for mode in ["mean", "cls", "max"] {
        for normalize in [false, true] {
            let model = ContextualModel::open(&variant(tmp.path(), mode, normalize)).unwrap();
            assert_eq!(model.max_len(), r.max_seq_length);
            for (name, texts) in &r.texts {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                let ours = model.embed_batch(&refs);
                let want = &r.vectors[mode][name];
                assert_eq!(ours.len(), want.len());
                let mut worst = 1.0f64;
                for (a, b) in ours.iter().zip(want) {
                    worst = worst.min(cosine(a, b));
                    if normalize {
                        let norm: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
                        assert!((norm - 1.0).abs() < 1e-4, "{mode} {name}: length {norm}");
                    } else {
                        // Not normalised: the lengths match too.
                        let la: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
                        let lb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
                        assert!((la / lb - 1.0).abs() < 1e-3, "{mode} {name}: {la} vs {lb}");
                    }
                }
                assert!(
                    worst >= 0.9999,
                    "{mode} normalize={normalize} {name}: worst cosine {worst}"
                );
            }
        }
    }
}

#[test]
fn bbc_bodies_are_cut_at_max_seq_length_and_f16_weights_give_the_same_vectors() {
    let r = reference();
    let model = ContextualModel::open(&fixture("tiny-bert")).unwrap();
    let long = &r.texts["bbc"][0];
    let ids = model.token_ids(long);
    assert_eq!(
        ids.len(),
        64,
        "a BBC body is longer than 64 tokens and is cut there"
    );
    let f16 = ContextualModel::open(&fixture("tiny-bert-f16")).unwrap();
    let refs: Vec<&str> = r.texts["tweets"].iter().map(String::as_str).collect();
    let (a, b) = (model.embed_batch(&refs), f16.embed_batch(&refs));
    let worst = a
        .iter()
        .zip(&b)
        .map(|(x, y)| cosine(x, y))
        .fold(1.0, f64::min);
    assert!(worst > 0.999, "f16 weights: worst cosine {worst}");
    assert!(worst < 1.0, "the f16 file really holds rounded weights");
    // One text alone equals the same text in a batch (packing changes nothing), and a batch
    // asked again (from the memo) or mixed with new texts gives the same vectors.
    let alone = model.embed(refs[3]);
    assert!(cosine(&alone, &a[3]) > 0.999_999);
    assert_eq!(model.embed_batch(&refs), a);
    let mixed = model.embed_batch(&[refs[7], r.texts["bbc"][1].as_str(), refs[2]]);
    assert_eq!((&mixed[0], &mixed[2]), (&a[7], &a[2]));
    assert!(cosine(&mixed[1], &model.embed(&r.texts["bbc"][1])) > 0.999_999);
    // The encoder is found through Encoder::open, and its dimension is the pooled one.
    let encoder = Encoder::open(&fixture("tiny-bert")).unwrap();
    assert!(matches!(encoder, Encoder::Contextual(_)));
    assert_eq!(encoder.dim(), 64);
    // Its word table: whole-word tokens read alone, no `##` pieces or special tokens.
    let words = encoder.words().unwrap();
    assert!(words.lookup("economy").is_some() && words.lookup("[CLS]").is_none());
    assert!(words.words().iter().all(|w| !w.starts_with("##")));
    let alone = model
        .embed_ids(vec![model.token_ids("economy")])
        .pop()
        .unwrap();
    let row = words.lookup("economy").unwrap();
    assert!(
        cosine(&row, &alone) > 0.999_999,
        "the table's row is the encoder's vector of the word alone"
    );
}

#[test]
fn bad_encoder_folders_are_clear_errors_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let check = |name: &str, edit: &dyn Fn(&Path), want: &[&str]| {
        let dir = tmp.path().join(name);
        copy_dir(&fixture("tiny-bert"), &dir);
        edit(&dir);
        let err = match ContextualModel::open(&dir) {
            Ok(_) => panic!("{name}: opened"),
            Err(e) => e.to_string(),
        };
        for w in want {
            assert!(err.contains(w), "{name}: {err:?} lacks {w:?}");
        }
    };
    let set_config = |dir: &Path, key: &str, value: serde_json::Value| {
        let p = dir.join("config.json");
        let mut c: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        c[key] = value;
        std::fs::write(&p, c.to_string()).unwrap();
    };
    check(
        "no-weights",
        &|d| std::fs::remove_file(d.join("model.safetensors")).unwrap(),
        &["no .safetensors"],
    );
    check(
        "no-tokenizer",
        &|d| std::fs::remove_file(d.join("tokenizer.json")).unwrap(),
        &["tokenizer.json"],
    );
    check(
        "roberta",
        &|d| set_config(d, "model_type", "roberta".into()),
        &["config.json", "\"roberta\"", "bert"],
    );
    check(
        "wider-config",
        &|d| set_config(d, "hidden_size", 128.into()),
        &[
            "model.safetensors",
            "word_embeddings",
            "[3000, 64]",
            "[3000, 128]",
        ],
    );
    check(
        "deeper-config",
        &|d| set_config(d, "num_hidden_layers", 3.into()),
        &["model.safetensors", "encoder.layer.2"],
    );
    check(
        "longer-than-positions",
        &|d| {
            std::fs::write(
                d.join("sentence_bert_config.json"),
                r#"{"max_seq_length": 512}"#,
            )
            .unwrap()
        },
        &["max_seq_length 512", "position table (128"],
    );
    check(
        "unknown-pooling",
        &|d| {
            std::fs::write(
                d.join("1_Pooling/config.json"),
                r#"{"pooling_mode": "median"}"#,
            )
            .unwrap()
        },
        &["1_Pooling/config.json", "\"median\""],
    );
    check(
        "dense-module",
        &|d| {
            let p = d.join("modules.json");
            let mut list: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            list.push(serde_json::json!({"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"}));
            std::fs::write(&p, serde_json::to_string(&list).unwrap()).unwrap();
        },
        &["modules.json", "Dense"],
    );
    check(
        "truncated-weights",
        &|d| {
            let p = d.join("model.safetensors");
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        },
        &["model.safetensors"],
    );
}

/// The rows of a model2vec `embeddings` tensor (f32) with the tokenizer's vocabulary.
fn model2vec_rows(dir: &Path) -> (Vec<String>, Vec<Vec<f32>>) {
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let t = st.tensor("embeddings").unwrap();
    let dim = t.shape()[1];
    let values: Vec<f32> = t
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let tk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("tokenizer.json")).unwrap()).unwrap();
    let mut vocab: Vec<(u64, String)> = tk["model"]["vocab"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(t, i)| (i.as_u64().unwrap(), t.clone()))
        .collect();
    vocab.sort();
    (
        vocab.into_iter().map(|(_, t)| t).collect(),
        values.chunks_exact(dim).map(<[f32]>::to_vec).collect(),
    )
}

#[test]
fn distilling_the_tiny_encoder_gives_model2vecs_token_vectors() {
    use wordlens::embed::contextual::distill::{DistillSettings, distill};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("distilled");
    let encoder = ContextualModel::open(&fixture("tiny-bert")).unwrap();
    let settings = DistillSettings {
        dim: Some(32),
        ..DistillSettings::default()
    };
    let report = distill(
        &encoder,
        &out,
        &settings,
        &wordlens::progress::Silent,
        &wordlens::progress::Cancel::new(),
    )
    .unwrap();
    assert_eq!((report.dim, report.added_words), (32, 0));
    let (our_tokens, ours) = model2vec_rows(&out);
    let (their_tokens, theirs) = model2vec_rows(&fixture("distilled"));
    // The same vocabulary in the same order: [CLS], [SEP], [MASK] dropped, [PAD] and [UNK] kept.
    assert_eq!(our_tokens, their_tokens);
    assert_eq!(ours.len(), 2997);
    let worst = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| cosine(a, b))
        .fold(1.0, f64::min);
    assert!(worst >= 0.999, "worst token cosine {worst}");
    // The folder loads as a static model whose vectors are the token rows, unit length.
    let model = wordlens::embed::static_model::StaticModel::open(&out).unwrap();
    assert_eq!(model.dim(), 32);
    let v = model.embed("economy");
    assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    // A second distill into the same folder is refused; nothing is overwritten.
    let again = distill(
        &encoder,
        &out,
        &settings,
        &wordlens::progress::Silent,
        &wordlens::progress::Cancel::new(),
    );
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("not an empty folder")
    );
    // f16 (model2vec's default): an F16 tensor of half the bytes, read back as the same model
    // up to f16 rounding.
    let half = tmp.path().join("half");
    let settings = DistillSettings {
        dtype: wordlens::embed::contextual::distill::TableDtype::F16,
        ..settings
    };
    let cancel = wordlens::progress::Cancel::new();
    distill(
        &encoder,
        &half,
        &settings,
        &wordlens::progress::Silent,
        &cancel,
    )
    .unwrap();
    let bytes = std::fs::read(half.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let t = st.tensor("embeddings").unwrap();
    assert_eq!(
        (t.dtype(), t.shape(), t.data().len()),
        (safetensors::Dtype::F16, &[2997, 32][..], 2997 * 32 * 2)
    );
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(half.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["embedding_dtype"], "float16");
    let rounded = wordlens::embed::static_model::StaticModel::open(&half).unwrap();
    for doc in super::bbc_docs(20) {
        let (a, b) = (model.embed(&doc.text), rounded.embed(&doc.text));
        assert!(cosine(&a, &b) > 0.9999, "{}", doc.id);
    }
}

#[test]
fn bbc_indexed_with_the_tiny_encoder_searches_by_its_vectors() {
    use wordlens::progress::{Cancel, Silent};
    use wordlens::search::{IndexSettings, Mode, SearchConfig, SearchIndex, SearchRequest};
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = tmp.path().join("encoder");
    copy_dir(&fixture("tiny-bert"), &model_dir);
    let model = ContextualModel::open(&model_dir).unwrap();
    let docs = bbc_docs(200);
    let ix = tmp.path().join("ix");
    let encoder = Encoder::open(&model_dir).unwrap();
    SearchIndex::build(
        &ix,
        &docs,
        encoder,
        &IndexSettings::default(),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    // The encoder's files are copied beside the index: removing the original changes nothing.
    std::fs::remove_dir_all(&model_dir).unwrap();
    let index = SearchIndex::open(&ix, &SearchConfig::default()).unwrap();
    assert!(matches!(index.encoder(), Encoder::Contextual(_)));
    // A query is encoded by the same encoder: its vector is the model's, unit length.
    let query = "oil prices rise as opec cuts output";
    let q = index.query_vector(query, &[]).unwrap();
    assert!(cosine(&q, &model.embed(query)) > 0.999_999);
    // Each document's stored vector is the encoder's vector of its text.
    for doc in [0u32, 57, 199] {
        let stored = index.document_vector(doc).unwrap();
        let text = index.text(doc).unwrap();
        assert!(
            cosine(&stored, &model.embed(&text)) > 0.9999,
            "document {doc}"
        );
    }
    // A document's own text as a vector query finds it first; hybrid finds an article about
    // oil by its words and vectors.
    let text = index.text(57).unwrap();
    let hits = index
        .search(&SearchRequest::new(&text, Mode::Vector, 3))
        .unwrap();
    assert_eq!(hits[0].doc, 57);
    assert!(hits[0].cosine.unwrap() > 0.9999);
    let hits = index
        .search(&SearchRequest::new("oil prices", Mode::Hybrid, 3))
        .unwrap();
    let top = index.text(hits[0].doc).unwrap().to_lowercase();
    assert!(top.contains("oil"), "{}", &top[..200.min(top.len())]);
}

#[test]
fn compare_and_classify_take_an_encoder_and_a_static_model_distilled_from_it() {
    let tmp = tempfile::tempdir().unwrap();
    // Every fifth BBC article (445 rows, 5 classes).
    let data = super::classify::bbc_every(5, tmp.path());
    let data = data.to_str().unwrap();
    let encoder = tmp.path().join("encoder");
    copy_dir(&fixture("tiny-bert"), &encoder);
    let distilled = tmp.path().join("distilled");
    let out = wordlens(&[
        "distill",
        "--from",
        encoder.to_str().unwrap(),
        "--out",
        distilled.to_str().unwrap(),
        "--dim",
        "32",
        "--json",
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["tokens"].as_u64(), report["dim"].as_u64()),
        (Some(2997), Some(32))
    );
    let sources = format!("{},{}", encoder.display(), distilled.display());
    let out = wordlens(&[
        "compare",
        "--data",
        data,
        "--text-col",
        "title,text",
        "--label-col",
        "category",
        "--no-tune",
        "-q",
        "--train-sizes",
        "0.1",
        "--json",
        "--vectors",
        &sources,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = v["sources"].as_array().unwrap();
    assert_eq!(
        (s[0]["source"].as_str(), s[1]["source"].as_str()),
        (Some("encoder"), Some("distilled"))
    );
    assert_eq!(s[0]["report"]["embeddings"]["dim"], 64);
    assert_eq!(s[1]["report"]["embeddings"]["dim"], 32);
    assert!(
        s[0]["report"]["embeddings"]["source"]
            .as_str()
            .unwrap()
            .starts_with("contextual encoder")
    );
    let table = v["table"].as_array().unwrap();
    // The same split and bag-of-words under both sources; different document vectors.
    assert_eq!(table[0]["accuracy"][0], table[0]["accuracy"][1]);
    assert_ne!(table[1]["accuracy"][0], table[1]["accuracy"][1]);
    // A classifier on the encoder saves, predicts the same after loading, and refuses a
    // changed encoder.
    let model = tmp.path().join("m.wlm");
    let out = wordlens(&[
        "classify",
        "train",
        "--data",
        data,
        "--text-col",
        "title,text",
        "--label-col",
        "category",
        "--features",
        "embed",
        "--no-tune",
        "-q",
        "--vectors",
        encoder.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let predict = |to: &str| {
        wordlens(&[
            "classify",
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            data,
            "--out",
            to,
            "-q",
        ])
    };
    let first = tmp.path().join("p1.csv");
    assert!(predict(first.to_str().unwrap()).status.success());
    let second = tmp.path().join("p2.csv");
    assert!(predict(second.to_str().unwrap()).status.success());
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    let config = encoder.join("1_Pooling/config.json");
    std::fs::write(&config, r#"{"pooling_mode": "cls"}"#).unwrap();
    let out = predict(tmp.path().join("p3.csv").to_str().unwrap());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("changed since training"),
        "{err}"
    );
}

/// Records every progress report: (stage, done, total).
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, u64, u64)>>);

impl wordlens::progress::Progress for Recorder {
    fn report(&self, r: &wordlens::progress::Report<'_>) {
        self.0
            .lock()
            .unwrap()
            .push((r.stage.to_string(), r.done, r.total));
    }
}

/// A comparison with an encoder encodes each text once, up front, with progress (stage
/// "encoding", counting to the number of texts: the CLI's bar, the TUI's gauge) and stops
/// there when cancelled; every fold and method after it reads the encoder's memo.
#[test]
fn compare_encodes_each_text_once_with_progress_and_stops_when_cancelled() {
    use std::sync::Arc;
    use wordlens::classify::LogRegConfig;
    use wordlens::classify::compare::{CompareConfig, Experiment, Vectors};
    use wordlens::classify::tune::TuneConfig;
    use wordlens::dataset::{self, Dataset};
    use wordlens::docvec::DocVecConfig;
    use wordlens::features::TfidfConfig;
    use wordlens::text::{CorpusSpec, Tokenizer, TokenizerConfig};
    let tmp = tempfile::tempdir().unwrap();
    // Every tenth BBC article (223 rows, 5 classes).
    let path = super::classify::bbc_every(10, tmp.path());
    let spec = CorpusSpec::new(&path)
        .text_cols(&["title", "text"])
        .label_col("category");
    let data = Dataset::load(&spec, &Tokenizer::default()).unwrap();
    let model = Arc::new(ContextualModel::open(&fixture("tiny-bert")).unwrap());
    let (tokenizer, bow, docvec, logreg) = (
        TokenizerConfig::default(),
        TfidfConfig::default(),
        DocVecConfig::default(),
        LogRegConfig::default(),
    );
    let compare = CompareConfig {
        bootstrap: 50,
        tune: TuneConfig {
            enabled: false,
            ..TuneConfig::default()
        },
        ..CompareConfig::default()
    };
    let exp = Experiment {
        data: &data,
        tokenizer: &tokenizer,
        bow: &bow,
        docvec: &docvec,
        logreg: &logreg,
        compare: &compare,
        vectors: Vectors::Loaded(Encoder::Contextual(model.clone())),
    };
    let folds = dataset::k_fold(&data.y, &data.labels, 2, 7).unwrap();

    let cancelled = wordlens::Cancel::new();
    cancelled.cancel();
    let seen = Recorder::default();
    assert!(exp.run(&folds, "2-fold", &[], &seen, &cancelled).is_err());
    assert!(
        seen.0.lock().unwrap().is_empty(),
        "cancelled before a batch"
    );

    let seen = Recorder::default();
    let report = exp
        .run(&folds, "2-fold", &[], &seen, &wordlens::Cancel::new())
        .unwrap();
    let encoding: Vec<(u64, u64)> = seen
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(stage, ..)| stage == "encoding")
        .map(|&(_, done, total)| (done, total))
        .collect();
    let n = data.len() as u64;
    assert!(encoding.len() > 1, "one report per batch: {encoding:?}");
    assert!(
        encoding.iter().all(|&(_, total)| total == n),
        "{encoding:?}"
    );
    assert!(encoding.windows(2).all(|w| w[0].0 < w[1].0), "{encoding:?}");
    assert_eq!(encoding.last(), Some(&(n, n)), "each text encoded once");
    // The memo holds what the comparison used: the same vectors as encoding afresh.
    let text = data.texts[3].as_str();
    let memo = model.embed_batch(&[text]);
    let fresh = model.embed(text);
    assert!(cosine(&memo[0], &fresh) > 0.99999);
    assert!(report.methods.iter().any(|m| m.name == "embed-mean"));
    assert!(
        report.embeddings.train_seconds > 0.0,
        "the pass is the vectors' time"
    );
}
