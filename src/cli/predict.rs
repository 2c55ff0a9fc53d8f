//! `wordlens classify predict`: label a CSV/TSV (every column kept, the prediction and the
//! class probabilities appended) or a fastText file; when the file has labels (a fastText
//! file, or `--label-col`), also score the predictions against them.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;
use wordlens::classify::model_file;
use wordlens::classify::pipeline::{Docs, Pipeline};
use wordlens::eval::metrics::{Metrics, classification};
use wordlens::fsutil::atomic_write;
use wordlens::text::{CorpusReader, CorpusSpec, Tokenizer};
use wordlens::{Error, Result};

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

/// One input row: the fields written back, the text to classify, the true label if known.
struct Row {
    fields: Vec<String>,
    text: String,
    label: Option<String>,
}

/// The rows of a CSV/TSV (its header) or a fastText file (header `label,text`), in order.
struct Input {
    /// The rows carry true labels (a fastText file, or a CSV/TSV with `--label-col`).
    labelled: bool,
    header: Vec<String>,
    rows: Box<dyn Iterator<Item = Result<Row>>>,
}

fn is_fasttext(path: &Path) -> bool {
    CorpusReader::open(&CorpusSpec::new(path))
        .map(|r| r.is_fasttext())
        .unwrap_or(false)
}

fn open_input(path: &Path, text_cols: &[String], label_col: Option<&str>) -> Result<Input> {
    if is_fasttext(path) {
        let docs = CorpusReader::open(&CorpusSpec::new(path))?;
        let rows = docs.map(|d| {
            let d = d?;
            Ok(Row {
                fields: vec![d.label.clone().unwrap_or_default(), d.text.clone()],
                text: d.text,
                label: d.label,
            })
        });
        return Ok(Input {
            labelled: true,
            header: vec!["label".into(), "text".into()],
            rows: Box::new(rows),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if path.extension().is_some_and(|e| e == "tsv") {
            b'\t'
        } else {
            b','
        })
        .from_path(path)
        .map_err(|e| Error::in_file(path, e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::at_line(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let column = |c: &str| {
        header.iter().position(|h| h == c).ok_or_else(|| {
            Error::at_line(
                path,
                1,
                format!(
                    "no column named {c:?}; the header has {}",
                    header.join(", ")
                ),
            )
        })
    };
    let cols: Vec<usize> = text_cols.iter().map(|c| column(c)).collect::<Result<_>>()?;
    let label = label_col.map(column).transpose()?;
    let path = path.to_path_buf();
    let rows = reader.into_records().enumerate().map(move |(i, rec)| {
        let rec = rec.map_err(|e| Error::at_line(&path, i as u64 + 2, e.to_string()))?;
        let text: Vec<&str> = cols.iter().map(|&c| rec.get(c).unwrap_or("")).collect();
        Ok(Row {
            text: text.join(" "),
            label: label.and_then(|l| rec.get(l)).map(str::to_string),
            fields: rec.iter().map(String::from).collect(),
        })
    });
    Ok(Input {
        labelled: label.is_some(),
        header,
        rows: Box::new(rows),
    })
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

pub fn predict(a: PredictArgs) -> Result<()> {
    let pipeline = model_file::load(&a.model)?;
    let tokenizer = Tokenizer::new(&pipeline.tokenizer);
    let text_cols = a
        .text_col
        .clone()
        .unwrap_or_else(|| pipeline.text_cols.clone());
    let mut input = open_input(&a.data, &text_cols, a.label_col.as_deref())?;
    let mut header = input.header.clone();
    let predicted = if header.iter().any(|h| h == "predicted") {
        "wordlens_predicted"
    } else {
        "predicted"
    };
    header.push(predicted.into());
    header.extend(pipeline.labels.iter().map(|l| format!("p_{l}")));
    let (mut rows, mut empty) = (0u64, 0u64);
    // (true label, predicted class) of every row that has a label.
    let mut judged: Vec<(String, u32)> = Vec::new();
    let mut failure: Option<Error> = None;
    let mut input_rows = std::mem::replace(&mut input.rows, Box::new(std::iter::empty()));
    atomic_write(&a.out, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&header)?;
        loop {
            let mut batch = Vec::new();
            for row in input_rows.by_ref().take(4096) {
                match row {
                    Ok(r) => batch.push(r),
                    Err(e) => {
                        failure = Some(e);
                        return Err(std::io::Error::other("input error"));
                    }
                }
            }
            if batch.is_empty() {
                break;
            }
            let tokens: Vec<Vec<String>> =
                batch.iter().map(|r| tokenizer.tokenize(&r.text)).collect();
            let texts: Vec<&str> = batch.iter().map(|r| r.text.as_str()).collect();
            empty += tokens.iter().filter(|d| d.is_empty()).count() as u64;
            let proba = pipeline
                .predict_proba(Docs::new(&texts, &tokens))
                .map_err(std::io::Error::other)?;
            for ((row, p), best) in batch.into_iter().zip(&proba).zip(Pipeline::argmax(&proba)) {
                let mut fields = row.fields;
                fields.push(pipeline.labels[best as usize].clone());
                fields.extend(p.iter().map(|v| format!("{v:.6}")));
                writer.write_record(&fields)?;
                if let Some(l) = row.label.filter(|l| !l.is_empty()) {
                    judged.push((l, best));
                }
                rows += 1;
            }
        }
        writer.flush()
    })
    .map_err(|e| failure.take().unwrap_or(e))?;
    let evaluation = input.labelled.then(|| evaluate(&judged, &pipeline.labels));
    let summary = Summary {
        rows,
        out: a.out.clone(),
        no_known_token: empty,
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
