//! `wordlens classify train|predict`: fit a classifier on a CSV, save it, label new CSVs.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use wordlens::classify::model_file;
use wordlens::classify::pipeline::{Docs, FeatureKind, FitSettings, Pipeline};
use wordlens::dataset::Dataset;
use wordlens::docvec::{DocVecConfig, DocVecMethod};
use wordlens::embed::trainer;
use wordlens::encoder::Encoder;
use wordlens::eval::metrics::classification;
use wordlens::fsutil::atomic_write;
use wordlens::text::{CorpusSpec, TextSource, Tokenizer};
use wordlens::{Config, Error, Result};

use super::Context;
use super::output::print;
use super::progress_bar::Bar;
use super::query::open_encoder;

#[derive(Debug, Subcommand)]
pub enum ClassifyCommand {
    /// Fit a classifier on a labelled CSV and save it.
    Train(TrainArgs),
    /// Label a CSV with a saved classifier (all columns kept; prediction and probabilities appended).
    Predict(PredictArgs),
}

/// Which CSV to read and which columns hold the text and the label.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// CSV/TSV file with a header.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Text column(s), joined with a space.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    #[arg(long, value_name = "NAME")]
    pub label_col: String,
    /// Replace invalid UTF-8 (counted) instead of failing.
    #[arg(long)]
    pub lossy_utf8: bool,
}

impl DataArgs {
    pub fn spec(&self, config: &Config) -> CorpusSpec {
        CorpusSpec {
            text_cols: self
                .text_col
                .clone()
                .unwrap_or_else(|| config.data.text_cols.clone()),
            label_col: Some(self.label_col.clone()),
            lossy_utf8: self.lossy_utf8 || config.data.lossy_utf8,
            ..CorpusSpec::new(&self.data)
        }
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, value_enum, default_value = "bow")]
    pub features: FeatureKind,
    /// How document vectors are built (default from config).
    #[arg(long, value_enum)]
    pub docvec: Option<DocVecMethod>,
    /// Word vectors or a static model folder; without it, word2vec is trained on the data plus the bundled Wikipedia sample.
    #[arg(long, value_name = "PATH")]
    pub vectors: Option<PathBuf>,
    /// Weight classes inversely to their frequency.
    #[arg(long)]
    pub balanced: bool,
    #[arg(long, value_name = "MODEL")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Text column(s) (default: the ones the model was trained on).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(ctx: &Context, cmd: ClassifyCommand) -> Result<()> {
    match cmd {
        ClassifyCommand::Train(a) => train(ctx, a),
        ClassifyCommand::Predict(a) => predict(a),
    }
}

/// Vectors from a file, or word2vec trained on `data` plus the bundled Wikipedia sample.
pub fn vectors_or_train(
    ctx: &Context,
    path: Option<&PathBuf>,
    data: TextSource<'_>,
) -> Result<Encoder> {
    if let Some(p) = path {
        return open_encoder(p);
    }
    let wiki = CorpusSpec::new(ctx.config.data_file("enwiki-sample.txt"));
    let sources = [data, TextSource::File(wiki)];
    let tokenizer = Tokenizer::new(&ctx.config.tokenizer);
    let t = trainer::train(
        &sources,
        &tokenizer,
        &ctx.config.word2vec,
        &ctx.config.glove,
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    Ok(Encoder::Words(Arc::new(t.embeddings)))
}

fn train(ctx: &Context, a: TrainArgs) -> Result<()> {
    let config = &ctx.config;
    let mut logreg = config.logreg.clone();
    logreg.balanced |= a.balanced;
    let spec = a.data.spec(config);
    let data = Dataset::load(&spec, &Tokenizer::new(&config.tokenizer))?;
    let rows = data.usable(&(0..data.len()).collect::<Vec<_>>());
    let emb = if a.features.uses_embeddings() {
        Some(vectors_or_train(
            ctx,
            a.vectors.as_ref(),
            TextSource::Texts(&data.texts),
        )?)
    } else {
        None
    };
    let docvec = DocVecConfig {
        method: a.docvec.unwrap_or(config.docvec.method),
        ..config.docvec.clone()
    };
    let settings = FitSettings {
        kind: a.features,
        tokenizer: &config.tokenizer,
        bow: &config.bow,
        docvec: &docvec,
        logreg: &logreg,
        dense_scale: config.compare.dense_scale,
    };
    let docs: Vec<Vec<String>> = rows.iter().map(|&i| data.tokens[i].clone()).collect();
    let y: Vec<u32> = rows.iter().filter_map(|&i| data.y[i]).collect();
    let texts: Vec<&str> = rows.iter().map(|&i| data.texts[i].as_str()).collect();
    let docs = Docs::new(&texts, &docs);
    let mut pipeline = Pipeline::fit(&settings, docs, &y, &data.labels, emb, &ctx.cancel)?;
    pipeline.text_cols = spec.text_cols.clone();
    let proba = pipeline.predict_proba(docs)?;
    let m = classification(&y, &Pipeline::argmax(&proba), Some(&proba), &data.labels);
    model_file::save(&a.out, &pipeline)?;
    print(&format!(
        "trained on {} of {} rows ({} skipped: empty label or text), {} classes, {} features; \
         L-BFGS {} in {} iterations, {:.2} s\ntraining accuracy {:.4} (not a test score: use `wordlens compare`)\nwrote {}\n",
        rows.len(),
        data.len(),
        data.len() - rows.len(),
        data.labels.len(),
        pipeline.model.features,
        if pipeline.model.converged {
            "converged"
        } else {
            "stopped at the iteration cap"
        },
        pipeline.model.iterations,
        pipeline.fit_seconds,
        m.accuracy,
        a.out.display()
    ))
}

fn predict(a: PredictArgs) -> Result<()> {
    let pipeline = model_file::load(&a.model)?;
    let tokenizer = Tokenizer::new(&pipeline.tokenizer);
    let text_cols = a
        .text_col
        .clone()
        .unwrap_or_else(|| pipeline.text_cols.clone());
    let path = &a.data;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if path.extension().is_some_and(|e| e == "tsv") {
            b'\t'
        } else {
            b','
        })
        .from_path(path)
        .map_err(|e| Error::in_file(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::at_line(path, 1, e.to_string()))?
        .clone();
    let cols: Vec<usize> = text_cols
        .iter()
        .map(|c| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == c)
                .ok_or_else(|| {
                    Error::at_line(
                        path,
                        1,
                        format!(
                            "no text column named {c:?}; the header has {}",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })
        })
        .collect::<Result<_>>()?;
    let mut out_header: Vec<String> = headers.iter().map(String::from).collect();
    let predicted = if out_header.iter().any(|h| h == "predicted") {
        "wordlens_predicted"
    } else {
        "predicted"
    };
    out_header.push(predicted.into());
    out_header.extend(pipeline.labels.iter().map(|l| format!("p_{l}")));
    let mut rows = 0u64;
    let mut empty = 0u64;
    atomic_write(&a.out, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&out_header)?;
        let mut batch: Vec<csv::StringRecord> = Vec::new();
        let mut records = reader.records();
        loop {
            batch.clear();
            for rec in records.by_ref().take(4096) {
                let rec = rec.map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })?;
                batch.push(rec);
            }
            if batch.is_empty() {
                break;
            }
            let texts: Vec<String> = batch
                .iter()
                .map(|r| {
                    let text: Vec<&str> = cols.iter().map(|&c| r.get(c).unwrap_or("")).collect();
                    text.join(" ")
                })
                .collect();
            let docs: Vec<Vec<String>> = texts.iter().map(|t| tokenizer.tokenize(t)).collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            empty += docs.iter().filter(|d| d.is_empty()).count() as u64;
            let proba = pipeline
                .predict_proba(Docs::new(&texts, &docs))
                .map_err(std::io::Error::other)?;
            for ((rec, p), best) in batch.iter().zip(&proba).zip(Pipeline::argmax(&proba)) {
                let mut fields: Vec<String> = rec.iter().map(String::from).collect();
                fields.push(pipeline.labels[best as usize].clone());
                fields.extend(p.iter().map(|v| format!("{v:.6}")));
                writer.write_record(&fields)?;
                rows += 1;
            }
        }
        writer.flush()
    })?;
    let note = if empty > 0 {
        format!(" ({empty} rows had no known token: predicted from the class priors)")
    } else {
        String::new()
    };
    print(&format!(
        "labelled {rows} rows into {}{note}\n",
        a.out.display()
    ))
}
