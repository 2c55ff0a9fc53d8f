//! Static embedding models: a tiny model written here (known token ids, hand-computed means,
//! float16/int8/bfloat16 decoding, model2vec's weights and mapping, every bad input), parity with
//! the reference packages on a pruned copy of the real WordLlama model, indexing BBC with a
//! static model, and `embed` output read back.

use std::path::{Path, PathBuf};

use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::export::{EmbedSettings, embed_file, ids_path};
use wordlens::embed::static_model::StaticModel;
use wordlens::progress::{Cancel, Silent};
use wordlens::search::{IndexSettings, Mode, SearchConfig, SearchIndex, SearchRequest};
use wordlens::text::{CorpusReader, CorpusSpec, TokenizerConfig};
use wordlens::{Config, Error};

use super::{bbc_docs, bundled};

/// A WordPiece vocabulary: `[UNK]` is 0; "prices" is `price ##s`.
const VOCAB: [&str; 10] = [
    "[UNK]", "the", "oil", "price", "##s", "rise", "film", "game", "election", "music",
];

fn tokenizer_json() -> String {
    let vocab: Vec<String> = VOCAB
        .iter()
        .enumerate()
        .map(|(i, t)| format!("\"{t}\": {i}"))
        .collect();
    format!(
        r###"{{"version":"1.0","truncation":null,"padding":null,
"added_tokens":[{{"id":0,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}}],
"normalizer":{{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}},
"pre_tokenizer":{{"type":"BertPreTokenizer"}},"post_processor":null,"decoder":null,
"model":{{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{{{}}}}}}}"###,
        vocab.join(",")
    )
}

/// One tensor for `safetensors`: name, dtype, shape, little-endian bytes.
struct Tensor<'a>(&'a str, &'a str, Vec<usize>, Vec<u8>);

fn safetensors_bytes(tensors: &[Tensor<'_>]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut data = Vec::new();
    for Tensor(name, dtype, shape, bytes) in tensors {
        let start = data.len();
        data.extend_from_slice(bytes);
        header.push(format!(
            "\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape:?},\"data_offsets\":[{start},{}]}}",
            data.len()
        ));
    }
    let mut json = format!("{{{}}}", header.join(",")).into_bytes();
    while json.len() % 8 != 0 {
        json.push(b' ');
    }
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend(json);
    out.extend(data);
    out
}

/// Row i of the tiny matrix: [i, 10 - i].
fn rows() -> Vec<f32> {
    (0..VOCAB.len())
        .flat_map(|i| [i as f32, 10.0 - i as f32])
        .collect()
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn write_model(dir: &Path, tensors: &[Tensor<'_>], config: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json()).unwrap();
    std::fs::write(dir.join("model.safetensors"), safetensors_bytes(tensors)).unwrap();
    if let Some(c) = config {
        std::fs::write(dir.join("config.json"), c).unwrap();
    }
    dir.to_path_buf()
}

fn plain(dir: &Path) -> PathBuf {
    let m = rows();
    write_model(
        dir,
        &[Tensor(
            "embedding.weight",
            "F32",
            vec![VOCAB.len(), 2],
            f32_bytes(&m),
        )],
        None,
    )
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4)
}

#[test]
fn tiny_model_token_ids_and_plain_mean() {
    let tmp = tempfile::tempdir().unwrap();
    let m = StaticModel::open(&plain(tmp.path())).unwrap();
    // "Oil prices rise": oil=2, price=3, ##s=4, rise=5 (lowercased by the normalizer).
    assert_eq!(m.token_ids("Oil prices rise"), vec![2, 3, 4, 5]);
    // Plain mean (StaticEmbedding): rows 2..5 → [3.5, 6.5]; the unknown word counts.
    assert!(close(&m.embed("Oil prices rise"), &[3.5, 6.5]));
    assert!(close(&m.embed("zzz oil"), &[1.0, 9.0]));
    assert_eq!(m.embed(""), vec![0.0, 0.0]);
    assert!(m.is_mapped(), "float32 rows are memory-mapped");
    // Whole-word tokens only ("##s" and "[UNK]" are not words).
    let words = m.word_table().unwrap();
    assert!(words.get("oil").is_some() && words.get("##s").is_none());
    assert!(words.get("[UNK]").is_none());
}

#[test]
fn model2vec_drops_unknown_applies_weights_mapping_and_normalizes() {
    let tmp = tempfile::tempdir().unwrap();
    // Two rows only; mapping sends even ids to row 0 and odd ids to row 1.
    let matrix = [1.0f32, 0.0, 0.0, 2.0];
    let mapping: Vec<u8> = (0..VOCAB.len() as i64)
        .flat_map(|i| (i % 2).to_le_bytes())
        .collect();
    let weights: Vec<f32> = (0..VOCAB.len()).map(|i| i as f32).collect();
    let dir = write_model(
        tmp.path(),
        &[
            Tensor("embeddings", "F32", vec![2, 2], f32_bytes(&matrix)),
            Tensor("mapping", "I64", vec![VOCAB.len()], mapping),
            Tensor("weights", "F32", vec![VOCAB.len()], f32_bytes(&weights)),
        ],
        Some(r#"{"normalize": false, "max_length": 512}"#),
    );
    let m = StaticModel::open(&dir).unwrap();
    // "zzz oil price": [UNK] dropped; oil (id 2, row 0, weight 2) → [2, 0]; price (id 3,
    // row 1, weight 3) → [0, 6]; mean [1, 3].
    assert_eq!(m.token_ids("zzz oil price"), vec![2, 3]);
    assert!(close(&m.embed("zzz oil price"), &[1.0, 3.0]));
    // The mean over the token table is the model's pooling.
    let table = m.token_table().unwrap();
    assert!(close(table.get("price").unwrap(), &[0.0, 6.0]));
    // normalize: true in the config gives unit length.
    std::fs::write(dir.join("config.json"), r#"{"normalize": true}"#).unwrap();
    let m = StaticModel::open(&dir).unwrap();
    let v = m.embed("zzz oil price");
    assert!(
        close(&v, &[1.0 / 10f32.sqrt(), 3.0 / 10f32.sqrt()]),
        "{v:?}"
    );
}

#[test]
fn float16_bfloat16_and_int8_decode_to_the_same_means() {
    let tmp = tempfile::tempdir().unwrap();
    let m = rows();
    let f16: Vec<u8> = m
        .iter()
        .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
        .collect();
    let bf16: Vec<u8> = m
        .iter()
        .flat_map(|&x| half::bf16::from_f32(x).to_le_bytes())
        .collect();
    let i8s: Vec<u8> = m.iter().map(|&x| (x as i8) as u8).collect();
    for (dtype, bytes) in [("F16", f16), ("BF16", bf16), ("I8", i8s)] {
        let dir = write_model(
            &tmp.path().join(dtype),
            &[Tensor(
                "embedding.weight",
                dtype,
                vec![VOCAB.len(), 2],
                bytes,
            )],
            None,
        );
        let model = StaticModel::open(&dir).unwrap();
        // float16 rows are used in place (widened while pooling); the others are decoded.
        assert_eq!(model.is_mapped(), dtype == "F16", "{dtype}");
        assert!(
            close(&model.embed("oil prices rise"), &[3.5, 6.5]),
            "{dtype}"
        );
    }
}

#[test]
fn sentence_transformers_folder_is_found_through_modules_json() {
    let tmp = tempfile::tempdir().unwrap();
    plain(&tmp.path().join("0_StaticEmbedding"));
    std::fs::write(
        tmp.path().join("modules.json"),
        r#"[{"idx":0,"name":"0","path":"0_StaticEmbedding","type":"sentence_transformers.models.StaticEmbedding"},
            {"idx":1,"name":"1","path":"1_Normalize","type":"sentence_transformers.models.Normalize"}]"#,
    )
    .unwrap();
    let enc = Encoder::open(tmp.path()).unwrap();
    let Encoder::Static(m) = enc else {
        panic!("a model folder opens as a static model")
    };
    assert!(
        m.normalize,
        "the Normalize module makes vectors unit length"
    );
    let v = m.embed("oil prices rise");
    let n = (3.5f32 * 3.5 + 6.5 * 6.5).sqrt();
    assert!(close(&v, &[3.5 / n, 6.5 / n]));
}

/// The error of opening `dir`, as text; it must be an input error (exit code 3).
fn open_error(dir: &Path) -> String {
    let err = StaticModel::open(dir).err().expect("opening must fail");
    assert_eq!(err.exit_code(), 3, "{err}");
    err.to_string()
}

#[test]
fn bad_models_are_clear_errors_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // A folder that is no model.
    std::fs::create_dir_all(t.join("empty")).unwrap();
    let e = open_error(&t.join("empty"));
    assert!(e.contains("tokenizer.json") && e.contains("empty"), "{e}");
    // Missing tokenizer.json.
    let dir = plain(&t.join("no-tokenizer"));
    std::fs::remove_file(dir.join("tokenizer.json")).unwrap();
    assert!(open_error(&dir).contains("no tokenizer.json"));
    // A tensor of the wrong rank.
    let dir = write_model(
        &t.join("rank"),
        &[Tensor(
            "embedding.weight",
            "F32",
            vec![20],
            f32_bytes(&rows()),
        )],
        None,
    );
    let e = open_error(&dir);
    assert!(
        e.contains("`embedding.weight`") && e.contains("expected a matrix"),
        "{e}"
    );
    assert!(e.contains("model.safetensors"), "{e}");
    // A dtype static models do not use.
    let dir = write_model(
        &t.join("dtype"),
        &[Tensor(
            "embedding.weight",
            "I16",
            vec![VOCAB.len(), 2],
            vec![0; 40],
        )],
        None,
    );
    assert!(open_error(&dir).contains("expected float32, float16, bfloat16 or int8"));
    // Tokenizer and matrix disagree.
    let dir = write_model(
        &t.join("vocab"),
        &[Tensor(
            "embeddings",
            "F32",
            vec![4, 2],
            f32_bytes(&rows()[..8]),
        )],
        None,
    );
    let e = open_error(&dir);
    assert!(e.contains("4 rows") && e.contains("10 tokens"), "{e}");
    // A header longer than the file.
    let dir = plain(&t.join("long-header"));
    let mut bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    bytes[..8].copy_from_slice(&(1u64 << 20).to_le_bytes());
    std::fs::write(dir.join("model.safetensors"), &bytes).unwrap();
    let e = open_error(&dir);
    assert!(e.contains("header length") && e.contains("byte 0"), "{e}");
    // Offsets pointing outside the data.
    let dir = plain(&t.join("outside"));
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let text = String::from_utf8_lossy(&bytes).replace("[0,80]", "[0,96]");
    std::fs::write(dir.join("model.safetensors"), text.as_bytes()).unwrap();
    let e = open_error(&dir);
    assert!(e.contains("model.safetensors"), "{e}");
    // A truncated file.
    let dir = plain(&t.join("truncated"));
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    std::fs::write(dir.join("model.safetensors"), &bytes[..bytes.len() - 10]).unwrap();
    let e = open_error(&dir);
    assert!(e.contains("truncated"), "{e}");
    // No matrix the families use.
    let dir = write_model(
        &t.join("name"),
        &[Tensor(
            "weight",
            "F32",
            vec![VOCAB.len(), 2],
            f32_bytes(&rows()),
        )],
        None,
    );
    assert!(open_error(&dir).contains("no `embeddings` (model2vec) or `embedding.weight`"));
}

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    token_ids: Vec<Vec<u32>>,
    wordllama: Vec<Vec<f32>>,
    model2vec: Vec<Vec<f32>>,
}

pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// Parity with the packages (bench/static_fixture.py wrote the fixture from WordLlama 0.4.0).
#[test]
fn real_model_matches_wordllama_and_model2vec() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/static-parity");
    let r: Reference =
        serde_json::from_slice(&std::fs::read(dir.join("reference.json")).unwrap()).unwrap();
    let m = StaticModel::open(&dir).unwrap();
    for (i, text) in r.texts.iter().enumerate() {
        assert_eq!(m.token_ids(text), r.token_ids[i], "tokens of text {i}");
        let ours = m.embed(text);
        let c = cosine(&ours, &r.wordllama[i]);
        assert!(c >= 0.9999, "text {i}: cosine {c} with wordllama");
        assert!(
            cosine(&ours, &r.model2vec[i]) >= 0.9999,
            "text {i}: model2vec"
        );
        // Not normalised (config): the plain mean has wordllama's length too.
        let ratio = norm(&ours) / norm(&r.wordllama[i]);
        assert!((ratio - 1.0).abs() < 1e-3, "text {i}: length ratio {ratio}");
    }
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn bbc_indexed_with_a_static_model_searches_by_its_vectors() {
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = plain(&tmp.path().join("model"));
    let docs = bbc_docs(300);
    let encoder = Encoder::open(&model_dir).unwrap();
    let ix = tmp.path().join("ix");
    SearchIndex::build(
        &ix,
        &docs,
        encoder,
        &IndexSettings::default(),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    // The model is copied beside the index: removing the original changes nothing.
    std::fs::remove_dir_all(&model_dir).unwrap();
    let index = SearchIndex::open(&ix, &SearchConfig::default()).unwrap();
    assert!(index.encoder().is_static());
    // "film" is row 6 = [6, 4]: the nearest documents are those whose mean leans to high ids.
    let hits = index
        .search(&SearchRequest::new("film", Mode::Vector, 5))
        .unwrap();
    assert_eq!(hits.len(), 5);
    let q = index.query_vector("film", &["film".to_string()]).unwrap();
    assert!(
        close(&q, &[6.0 / 52f32.sqrt(), 4.0 / 52f32.sqrt()]),
        "{q:?}"
    );
    for h in &hits {
        let v = index.document_vector(h.doc).unwrap();
        let cos: f32 = v.iter().zip(&q).map(|(a, b)| a * b).sum();
        assert!((cos - h.cosine.unwrap()).abs() < 1e-5);
    }
    // Hybrid finds an article about oil by its words and vectors.
    let hits = index
        .search(&SearchRequest::new("oil prices", Mode::Hybrid, 3))
        .unwrap();
    let text = index.text(hits[0].doc).unwrap().to_lowercase();
    assert!(text.contains("oil"), "{}", &text[..200.min(text.len())]);
}

#[test]
fn embed_writes_npy_rows_in_input_order_with_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = plain(&tmp.path().join("model"));
    let encoder = Encoder::open(&model_dir).unwrap();
    let mut spec = CorpusSpec::new(bundled("bbc-news.csv"));
    spec.id_col = Some("id".into());
    let out = tmp.path().join("v.npy");
    let config = Config::default();
    let settings = EmbedSettings {
        tokenizer: &config.tokenizer,
        docvec: &config.docvec,
        bow: &config.bow,
        normalize: false,
    };
    let (rows, dim) =
        embed_file(&encoder, &spec, &out, &settings, &Silent, &Cancel::new()).unwrap();
    assert_eq!((rows, dim), (2225, 2));
    let bytes = std::fs::read(&out).unwrap();
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    assert!(header.contains("'descr': '<f4'") && header.contains("(2225, 2)"));
    assert_eq!(bytes.len() - 10 - hlen, 2225 * 2 * 4);
    let ids = std::fs::read_to_string(ids_path(&out)).unwrap();
    let docs = bbc_docs(2225);
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(ids.len(), 2225);
    let Encoder::Static(m) = &encoder else {
        unreachable!()
    };
    for i in [0, 1000, 2224] {
        assert_eq!(ids[i], docs[i].id);
        let at = 10 + hlen + i * 8;
        let row = [
            f32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()),
            f32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()),
        ];
        assert!(close(&row, &m.embed(&docs[i].text)));
    }
    // A bad extension fails before anything is written.
    let err = embed_file(
        &encoder,
        &spec,
        &tmp.path().join("v.parquet"),
        &settings,
        &Silent,
        &Cancel::new(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Usage(_)));
}

#[test]
fn a_classifier_on_a_static_model_checks_the_model_on_load() {
    use wordlens::classify::model_file;
    use wordlens::classify::pipeline::{Docs, FeatureKind, Pipeline};
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = plain(&tmp.path().join("model"));
    let docs = bbc_docs(2225);
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    let tokenizer = wordlens::text::Tokenizer::new(&TokenizerConfig::default()).unwrap();
    let tokens: Vec<Vec<String>> = texts.iter().map(|t| tokenizer.tokenize(t)).collect();
    let labels: Vec<String> = vec!["business".into(), "sports".into()];
    let (mut x, mut y, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for (i, d) in docs.iter().enumerate() {
        if let Some(c) = labels.iter().position(|l| Some(l) == d.label.as_ref()) {
            x.push(texts[i]);
            t.push(tokens[i].clone());
            y.push(c as u32);
        }
    }
    let config = Config::default();
    let settings = config.fit_settings(FeatureKind::Both);
    let enc = Encoder::open(&model_dir).unwrap();
    let p = Pipeline::fit(
        &settings,
        Docs::new(&x, &t),
        &y,
        &labels,
        Some(enc),
        &Cancel::new(),
    )
    .unwrap();
    let path = tmp.path().join("m.wlm");
    model_file::save(&path, &p).unwrap();
    let back = model_file::load(&path).unwrap();
    assert_eq!(
        p.predict_proba(Docs::new(&x[..20], &t[..20])).unwrap(),
        back.predict_proba(Docs::new(&x[..20], &t[..20])).unwrap()
    );
    // The model changes underneath: loading says so.
    let st = model_dir.join("model.safetensors");
    let mut bytes = std::fs::read(&st).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&st, &bytes).unwrap();
    let err = model_file::load(&path).unwrap_err().to_string();
    assert!(err.contains("changed since training"), "{err}");
}

/// The `▁word`-at-a-time fast path gives the ids of the full tokenizer pipeline on every BBC
/// body and every tweet (WordLlama's Llama tokenizer).
#[test]
fn word_split_tokenization_equals_the_full_pipeline() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/static-parity");
    let m = StaticModel::open(&dir).unwrap();
    let full = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    let mut texts: Vec<String> = bbc_docs(2225).into_iter().map(|d| d.text).collect();
    let spec = CorpusSpec::new(bundled("tweets-sentiment.csv"));
    texts.extend(CorpusReader::open(&spec).unwrap().map(|d| d.unwrap().text));
    texts.push("two  spaces, a\ttab\nand <s> an added token".into());
    for t in &texts {
        let enc = full.encode_fast(t.as_str(), false).unwrap();
        assert_eq!(m.token_ids(t), enc.get_ids(), "{t:?}");
        // The token strings by id, read without the crate, are the crate's.
        let strings: Vec<String> = enc
            .get_ids()
            .iter()
            .map(|&id| full.id_to_token(id).unwrap())
            .collect();
        assert_eq!(m.token_strings(t), strings, "{t:?}");
    }
}

/// The TUI's background jobs on a static model: the word table is the model's whole-word
/// tokens (and says so), and the index, the "try it" classifier and the comparison all use the
/// model's own document vectors.
#[test]
fn tui_jobs_use_the_static_model_in_every_tab() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    use wordlens::tui::artifacts::Artifacts;
    use wordlens::tui::{JobEvent, JobKind, JobOutput, Jobs, Setup};
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = plain(&tmp.path().join("model"));
    // 300 BBC articles keep the jobs short.
    let csv = tmp.path().join("bbc300.csv");
    let mut w = csv::Writer::from_path(&csv).unwrap();
    w.write_record(["id", "category", "title", "text"]).unwrap();
    for d in bbc_docs(2225).iter().step_by(7).take(300) {
        w.write_record([
            d.id.as_str(),
            d.label.as_deref().unwrap(),
            "",
            d.text.as_str(),
        ])
        .unwrap();
    }
    w.flush().unwrap();
    let mut corpus = CorpusSpec::new(&csv).label_col("category");
    corpus.id_col = Some("id".into());
    // Which vectors each job uses is the question here, not tuning (tested on its own).
    let mut config = Config::default();
    config.compare.tune.enabled = false;
    let setup = Setup {
        config,
        corpus,
        vectors: wordlens::docvec::source::VectorSource::Path(model_dir),
        artifacts: Artifacts::for_data(&tmp.path().join("cache"), &csv, "text").unwrap(),
    };
    let (tx, rx) = mpsc::channel();
    // Stopped at the end: the comparison with trained vectors beside this one is not awaited.
    let quit = Cancel::new();
    Jobs::new(setup, tx, quit.clone()).start();
    let (mut words, mut index, mut classifier, mut comparison) = (None, None, None, None);
    let until = Instant::now() + Duration::from_secs(300);
    // Every job awaited: under a loaded machine the word table can come after the others.
    while (comparison.is_none() || classifier.is_none() || words.is_none() || index.is_none())
        && Instant::now() < until
    {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(JobEvent::Done(
                _,
                JobOutput::Vectors {
                    embeddings, source, ..
                },
            )) => words = Some((embeddings, source)),
            Ok(JobEvent::Done(_, JobOutput::Index(ix))) => index = Some(ix),
            Ok(JobEvent::Done(_, JobOutput::Classifier(c))) => classifier = Some(c),
            Ok(JobEvent::Done(_, JobOutput::Comparison(c))) => comparison = Some(c),
            Ok(JobEvent::Failed(kind, e)) if kind != JobKind::Scores => panic!("{kind:?}: {e}"),
            _ => {}
        }
    }
    let (words, source) = words.expect("word table");
    assert!(source.contains("token vocabulary"), "{source}");
    assert_eq!(words.len(), 8, "whole-word tokens of the tiny vocabulary");
    assert!(index.expect("index").encoder().is_static());
    let classifier = classifier.expect("classifier");
    assert!(matches!(classifier.encoder, Some(Encoder::Static(_))));
    assert!(classifier.static_model.is_some());
    let comparison = comparison.expect("comparison");
    assert!(comparison.embeddings.source.starts_with("static model"));
    assert_eq!(comparison.embeddings.vocab, VOCAB.len());
    quit.cancel();
}
