//! `wordlens classify predict`: label a CSV/TSV (every column kept, the prediction and the
//! class probabilities appended) or a fastText file; when the file has labels (a fastText
//! file, or `--label-col`), also score the predictions against them.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use wordlens::Result;
use wordlens::classify::label_file::label_file;
use wordlens::classify::model_file;
use wordlens::eval::metrics::{Metrics, classification};
use wordlens::progress::Progress;

use super::Context;
use super::progress_bar::Bar;

use super::output::{print, print_json};

#[derive(Debug, Args)]
pub struct PredictArgs {
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
    /// CSV/TSV with a header, or a fastText file (`__label__x text` lines).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Text column(s) (default: the ones the model was trained on).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    /// A column with the true labels: the predictions are scored against it (a fastText file's
    /// labels are used without it).
    #[arg(long, value_name = "NAME")]
    pub label_col: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary (and the evaluation) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The predictions against the file's labels.
#[derive(Serialize)]
struct Evaluation {
    /// Rows whose label the model knows (scored), and rows with a label it never saw.
    scored: usize,
    unseen_labels: usize,
    /// Each unseen label and how many rows have it.
    unseen: Vec<(String, usize)>,
    #[serde(flatten)]
    metrics: Metrics,
}

#[derive(Serialize)]
struct Summary {
    rows: u64,
    out: PathBuf,
    /// Rows without a token the model knows (predicted from the class priors).
    no_known_token: u64,
    labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<Evaluation>,
}

pub fn predict(ctx: &Context, a: PredictArgs) -> Result<()> {
    let pipeline = model_file::load(&a.model)?;
    if ctx.segmenter_given {
        let what = format!("the model {}", a.model.display());
        ctx.config
            .tokenizer
            .check_same_words(&pipeline.tokenizer, &what)?;
    }
    let text_cols = a
        .text_col
        .clone()
        .unwrap_or_else(|| pipeline.text_cols.clone());
    let bar = Bar::new(ctx.quiet || a.json);
    let done = label_file(
        &pipeline,
        &a.data,
        &text_cols,
        a.label_col.as_deref(),
        &a.out,
        &bar,
        &ctx.cancel,
    )?;
    bar.finish("labelling");
    let evaluation = done
        .has_labels
        .then(|| evaluate(&done.judged, &pipeline.labels));
    let summary = Summary {
        rows: done.rows,
        out: done.out,
        no_known_token: done.no_known_token,
        labels: pipeline.labels.clone(),
        evaluation,
    };
    if a.json {
        return print_json(&summary);
    }
    print(&render(&summary))
}

fn evaluate(judged: &[(String, u32)], labels: &[String]) -> Evaluation {
    let mut truth = Vec::new();
    let mut pred = Vec::new();
    let mut unseen: Vec<(String, usize)> = Vec::new();
    for (label, p) in judged {
        match labels.iter().position(|l| l == label) {
            Some(t) => {
                truth.push(t as u32);
                pred.push(*p);
            }
            None => match unseen.iter_mut().find(|u| u.0 == *label) {
                Some(u) => u.1 += 1,
                None => unseen.push((label.clone(), 1)),
            },
        }
    }
    unseen.sort();
    Evaluation {
        scored: truth.len(),
        unseen_labels: unseen.iter().map(|u| u.1).sum(),
        unseen,
        metrics: classification(&truth, &pred, None, labels),
    }
}

fn render(s: &Summary) -> String {
    let mut out = format!("labelled {} rows into {}", s.rows, s.out.display());
    if s.no_known_token > 0 {
        out.push_str(&format!(
            " ({} rows had no known token: predicted from the class priors)",
            s.no_known_token
        ));
    }
    out.push('\n');
    let Some(e) = &s.evaluation else {
        return out;
    };
    out.push_str(&format!(
        "against the file's labels: accuracy {:.4}, macro-F1 {:.4} on {} rows",
        e.metrics.accuracy, e.metrics.macro_f1, e.scored
    ));
    if e.unseen_labels > 0 {
        let list: Vec<String> = e.unseen.iter().map(|(l, n)| format!("{l} ({n})")).collect();
        out.push_str(&format!(
            "; {} rows have labels the model never saw, not scored: {}",
            e.unseen_labels,
            list.join(", ")
        ));
    }
    out.push_str("\nconfusion (rows: true, columns: predicted)\n");
    let w = s.labels.iter().map(|l| l.len()).max().unwrap_or(4).max(6);
    out.push_str(&format!("{:>w$}", ""));
    for l in &s.labels {
        out.push_str(&format!(" {l:>w$}"));
    }
    out.push('\n');
    for (l, row) in s.labels.iter().zip(&e.metrics.confusion) {
        out.push_str(&format!("{l:>w$}"));
        for c in row {
            out.push_str(&format!(" {c:>w$}"));
        }
        out.push('\n');
    }
    out
}
