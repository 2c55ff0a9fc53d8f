//! `wordlens classify train|predict`: fit a classifier on a CSV, save it, label new CSVs.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use wordlens::classify::model_file;
use wordlens::classify::pipeline::{Docs, FeatureKind, FitSettings, Pipeline};
use wordlens::classify::tune::{self, Labelled};
use wordlens::dataset::Dataset;
use wordlens::docvec::{DocVecConfig, DocVecMethod};
use wordlens::eval::metrics::classification;
use wordlens::text::{CorpusSpec, TextSource, Tokenizer};
use wordlens::{Config, Result};

use super::Context;
use super::output::print;
use super::predict::{self, PredictArgs};
use super::progress_bar::Bar;
use super::vectors::resolve;

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
    /// CSV/TSV file with a header, or a fastText file (`__label__x text` lines).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    #[command(flatten)]
    pub text: super::collection::TextArgs,
    /// The label column of a CSV/TSV (a fastText file carries its labels).
    #[arg(long, value_name = "NAME")]
    pub label_col: Option<String>,
}

impl DataArgs {
    pub fn spec(&self, config: &Config) -> CorpusSpec {
        CorpusSpec {
            label_col: self.label_col.clone(),
            ..self.text.spec(config, &self.data)
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
    #[arg(long, value_name = "VECTORS", help = super::vectors::HELP)]
    pub vectors: Option<String>,
    /// Weight classes inversely to their frequency.
    #[arg(long)]
    pub balanced: bool,
    /// Keep the fixed C, bigrams and dense_scale of the config instead of choosing them by inner
    /// cross-validation on the training rows.
    #[arg(long)]
    pub no_tune: bool,
    #[arg(long, value_name = "MODEL")]
    pub out: PathBuf,
}

pub fn run(ctx: &Context, cmd: ClassifyCommand) -> Result<()> {
    match cmd {
        ClassifyCommand::Train(a) => train(ctx, a),
        ClassifyCommand::Predict(a) => predict::predict(ctx, a),
    }
}

fn train(ctx: &Context, a: TrainArgs) -> Result<()> {
    let config = &ctx.config;
    let mut logreg = config.logreg.clone();
    logreg.balanced |= a.balanced;
    let spec = a.data.spec(config);
    let data = Dataset::load(&spec, &Tokenizer::new(&config.tokenizer)?)?;
    data.require_two_classes()?;
    let rows = data.usable(&(0..data.len()).collect::<Vec<_>>());
    let emb = if a.features.uses_embeddings() {
        Some(resolve(ctx, a.vectors.as_deref(), &[TextSource::Texts(&data.texts)])?.encoder)
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
    let mut tune = config.compare.tune.clone();
    tune.enabled &= !a.no_tune;
    let labelled = Labelled {
        docs,
        y: &y,
        labels: &data.labels,
    };
    let (mut pipeline, tuned) = tune::fit_or_fixed(
        &settings,
        &tune,
        labelled,
        emb,
        config.compare.seed,
        &Bar::new(ctx.quiet),
        &ctx.cancel,
    )?;
    let chosen = tuned.map_or_else(
        || "fixed settings (--no-tune, or a class with a single row)".to_string(),
        |t| {
            format!(
                "{} by {}-fold cross-validation (accuracy {:.4})",
                t.describe(),
                t.folds,
                t.cv_accuracy
            )
        },
    );
    pipeline.text_cols = spec.text_cols.clone();
    let proba = pipeline.predict_proba(docs)?;
    let m = classification(&y, &Pipeline::argmax(&proba), Some(&proba), &data.labels);
    model_file::save(&a.out, &pipeline)?;
    print(&format!(
        "trained on {} of {} rows ({} skipped: empty label or text), {} classes, {} features; \
         L-BFGS {} in {} iterations, {:.2} s\nchosen: {chosen}\ntraining accuracy {:.4} (not a test score: use `wordlens compare`)\nwrote {}\n",
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
