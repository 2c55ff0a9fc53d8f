//! What a file on disk is to the TUI (a table, a collection of lines, word vectors, a static
//! model folder) and a short preview of it. Only the first 64 KiB of a file are read, so the
//! picker stays responsive on multi-gigabyte vector files.

use std::io::{BufRead, Read};
use std::path::Path;

use crate::docvec::encoder::EncoderKind;
use crate::embed::io::{VectorFormat, sniff};
use crate::error::{Error, Result};
use crate::text::CorpusFormat;
use crate::text::corpus::{format_from_name, open_bytes};

/// How much of a file the role and preview look at.
const HEAD_BYTES: u64 = 64 * 1024;

/// What the picker does with a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A folder to go into.
    Folder,
    /// A static model folder (tokenizer + embedding matrix): vectors.
    Model,
    /// CSV or TSV: its columns are chosen before it opens.
    Table(CorpusFormat),
    /// One document per line, or fastText `__label__` lines: opens as is.
    Lines,
    /// A word-vector file.
    Vectors(VectorFormat),
}

impl FileRole {
    /// A short name for the list.
    pub fn tag(self) -> &'static str {
        match self {
            FileRole::Folder => "folder",
            FileRole::Model => "model",
            FileRole::Table(_) => "table",
            FileRole::Lines => "lines",
            FileRole::Vectors(_) => "vectors",
        }
    }
}

/// Whether `dir` holds a model (a static model or an encoder) rather than files to browse.
pub fn is_model_dir(dir: &Path) -> bool {
    EncoderKind::of_folder(dir).is_some()
}

fn head(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(HEAD_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}

/// The first line of `bytes` is a word followed by at least two numbers (GloVe text).
fn looks_like_vector_line(bytes: &[u8]) -> bool {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(line);
    let mut fields = text.split_whitespace();
    let _word = fields.next();
    let numbers: Vec<&str> = fields.collect();
    numbers.len() >= 2 && numbers.iter().all(|f| f.parse::<f32>().is_ok())
}

/// What `path` is, from its name and its first bytes.
pub fn role_of(path: &Path) -> Result<FileRole> {
    if path.is_dir() {
        return Ok(if is_model_dir(path) {
            FileRole::Model
        } else {
            FileRole::Folder
        });
    }
    let format = format_from_name(path);
    if matches!(format, CorpusFormat::Csv | CorpusFormat::Tsv) {
        return Ok(FileRole::Table(format));
    }
    let bytes = head(path)?;
    if bytes.is_empty() {
        return Err(Error::in_file(path, "the file is empty"));
    }
    if bytes.starts_with(b"__label__") {
        return Ok(FileRole::Lines);
    }
    match sniff(path, &bytes) {
        Ok(VectorFormat::Glove) if !looks_like_vector_line(&bytes) => Ok(FileRole::Lines),
        Ok(f) => Ok(FileRole::Vectors(f)),
        // gzip: a compressed collection (the corpus reader decompresses; vectors it does not).
        Err(_) if bytes.starts_with(&[0x1f, 0x8b]) => Ok(FileRole::Lines),
        Err(e) => Err(e),
    }
}

/// The header and up to `rows` records of a CSV/TSV.
pub fn table_head(path: &Path, tsv: bool, rows: usize) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let reader = open_bytes(path)?;
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .flexible(true)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| Error::at_line(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut records = Vec::new();
    for (i, rec) in csv.records().take(rows).enumerate() {
        let rec = rec.map_err(|e| Error::at_line(path, i as u64 + 2, e.to_string()))?;
        records.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, records))
}

/// A few lines describing `path` as `role`, for the picker's preview.
pub fn preview(path: &Path, role: FileRole, lines: usize) -> Result<Vec<String>> {
    let short = |s: &str| s.chars().take(200).collect::<String>();
    Ok(match role {
        FileRole::Folder | FileRole::Model => {
            let mut names: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .filter_map(|e| e.ok())
                .map(|e| {
                    let dir = e.path().is_dir();
                    format!(
                        "{}{}",
                        e.file_name().to_string_lossy(),
                        if dir { "/" } else { "" }
                    )
                })
                .collect();
            names.sort();
            let mut out = vec![match role {
                FileRole::Model => "static model folder: opens as the vectors of every tab".into(),
                _ => format!("folder, {} entries", names.len()),
            }];
            out.extend(names.into_iter().take(lines));
            out
        }
        FileRole::Table(format) => {
            let (header, rows) = table_head(path, format == CorpusFormat::Tsv, lines)?;
            let mut out = vec![format!("columns: {}", header.join(" | "))];
            out.extend(rows.iter().map(|r| short(&r.join(" | "))));
            out
        }
        FileRole::Lines => {
            let reader = open_bytes(path)?;
            let mut out = vec!["one document per line (fastText labels read when present)".into()];
            for line in reader.lines().take(lines) {
                out.push(short(&line.map_err(|e| Error::io(path, e))?));
            }
            out
        }
        FileRole::Vectors(format) => {
            let bytes = head(path)?;
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let mut out = vec![
                format!("word vectors: {}", format.name()),
                format!("{:.1} MB", size as f64 / 1e6),
            ];
            if matches!(format, VectorFormat::W2vTxt | VectorFormat::W2vBin) {
                let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
                let header = String::from_utf8_lossy(first);
                let mut parts = header.split_whitespace();
                if let (Some(n), Some(d)) = (parts.next(), parts.next()) {
                    out.push(format!("{n} words × {d} dimensions"));
                }
            }
            if format != VectorFormat::W2vBin && format.name().contains("text") {
                let text = String::from_utf8_lossy(&bytes);
                out.extend(text.lines().skip(1).take(lines).map(short));
            }
            out
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled(name: &str) -> std::path::PathBuf {
        crate::Config::default().data_file(name)
    }

    #[test]
    fn roles_of_the_bundled_files() {
        assert_eq!(
            role_of(&bundled("bbc-news.csv")).unwrap(),
            FileRole::Table(CorpusFormat::Csv)
        );
        assert_eq!(
            role_of(&bundled("enwiki-sample.txt")).unwrap(),
            FileRole::Lines
        );
        assert_eq!(
            role_of(&bundled("")).unwrap(),
            FileRole::Folder,
            "the data folder"
        );
        let dir = tempfile::tempdir().unwrap();
        let vec = dir.path().join("v.txt");
        std::fs::write(&vec, "2 3\nking 0.1 0.2 0.3\nqueen 0.1 0.2 0.4\n").unwrap();
        assert_eq!(
            role_of(&vec).unwrap(),
            FileRole::Vectors(VectorFormat::W2vTxt)
        );
        let glove = dir.path().join("g.txt");
        std::fs::write(&glove, "king 0.1 0.2 0.3\nqueen 0.1 0.2 0.4\n").unwrap();
        assert_eq!(
            role_of(&glove).unwrap(),
            FileRole::Vectors(VectorFormat::Glove)
        );
        let ft = dir.path().join("train.txt");
        std::fs::write(&ft, "__label__pos good film\n__label__neg bad\n").unwrap();
        assert_eq!(role_of(&ft).unwrap(), FileRole::Lines);
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        let e = role_of(&empty).unwrap_err().to_string();
        assert!(e.contains("empty.txt") && e.contains("empty"), "{e}");
    }

    #[test]
    fn previews_show_columns_rows_and_vector_headers() {
        let p = preview(
            &bundled("bbc-news.csv"),
            FileRole::Table(CorpusFormat::Csv),
            3,
        )
        .unwrap();
        assert_eq!(p.len(), 4);
        assert!(
            p[0].starts_with("columns: ") && p[0].contains("category"),
            "{p:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let vec = dir.path().join("v.txt");
        std::fs::write(&vec, "2 3\nking 0.1 0.2 0.3\nqueen 0.1 0.2 0.4\n").unwrap();
        let p = preview(&vec, FileRole::Vectors(VectorFormat::W2vTxt), 5).unwrap();
        assert!(p.iter().any(|l| l == "2 words × 3 dimensions"), "{p:?}");
    }
}
