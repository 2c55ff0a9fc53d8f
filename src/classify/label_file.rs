//! Labelling a file with a fitted pipeline: every input column kept, the prediction and the
//! class probabilities appended, written atomically. `classify predict` and the TUI's export
//! both use it; the CLI adds the evaluation against the file's labels.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsutil::atomic_write;
use crate::progress::{Cancel, Progress, Report};
use crate::text::{CorpusReader, CorpusSpec, Tokenizer};

use super::pipeline::{Docs, Pipeline};

/// One input row: the fields written back, the text to classify, the true label if known.
struct Row {
    fields: Vec<String>,
    text: String,
    label: Option<String>,
}

/// The rows of a CSV/TSV (its header) or a fastText file (header `label,text`), in order.
struct Input {
    /// The rows carry true labels (a fastText file, or a CSV/TSV with a label column).
    labelled: bool,
    header: Vec<String>,
    rows: Box<dyn Iterator<Item = Result<Row>>>,
}

/// What labelling a file did.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// Rows written.
    pub rows: u64,
    /// Where they were written.
    pub out: PathBuf,
    /// Rows without a token the model knows (predicted from the class priors).
    pub no_known_token: u64,
    /// The file has true labels (a fastText file, or the label column was given).
    pub has_labels: bool,
    /// (true label, predicted class) of every row with a non-empty label.
    pub judged: Vec<(String, u32)>,
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
    let tsv = path.extension().is_some_and(|e| e == "tsv" || e == "tab");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
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

// Over 80 lines: reads, predicts and writes rows as they stream, one record at a time.
/// Labels `data` (CSV/TSV reading `text_cols`, or a fastText file) with `pipeline` into `out`
/// (CSV: the input's columns, `predicted`, then `p_<label>` per class). `label_col` names the
/// column of true labels, if any. Nothing is written unless every row was labelled.
pub fn label_file(
    pipeline: &Pipeline,
    data: &Path,
    text_cols: &[String],
    label_col: Option<&str>,
    out: &Path,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Labelled> {
    let tokenizer = Tokenizer::new(&pipeline.tokenizer)?;
    let mut input = open_input(data, text_cols, label_col)?;
    let size = std::fs::metadata(data).map_or(0, |m| m.len());
    let mut header = input.header.clone();
    let predicted = if header.iter().any(|h| h == "predicted") {
        "wordlens_predicted"
    } else {
        "predicted"
    };
    header.push(predicted.into());
    header.extend(pipeline.labels.iter().map(|l| format!("p_{l}")));
    let (mut rows, mut empty, mut bytes) = (0u64, 0u64, 0u64);
    let mut judged: Vec<(String, u32)> = Vec::new();
    let mut failure: Option<Error> = None;
    let mut input_rows = std::mem::replace(&mut input.rows, Box::new(std::iter::empty()));
    atomic_write(out, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&header)?;
        loop {
            if let Err(e) = cancel.check() {
                failure = Some(e);
                return Err(std::io::Error::other("cancelled"));
            }
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
                bytes += row.fields.iter().map(|f| f.len() as u64 + 1).sum::<u64>();
                let mut fields = row.fields;
                fields.push(pipeline.labels[best as usize].clone());
                fields.extend(p.iter().map(|v| format!("{v:.6}")));
                writer.write_record(&fields)?;
                if let Some(l) = row.label.filter(|l| !l.is_empty()) {
                    judged.push((l, best));
                }
                rows += 1;
            }
            progress.report(&Report {
                stage: "labelling",
                done: bytes.min(size),
                total: size,
                metrics: &[],
            });
        }
        writer.flush()
    })
    .map_err(|e| failure.take().unwrap_or(e))?;
    Ok(Labelled {
        rows,
        out: out.to_path_buf(),
        no_known_token: empty,
        has_labels: input.labelled,
        judged,
    })
}
