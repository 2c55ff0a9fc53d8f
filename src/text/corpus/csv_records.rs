//! CSV/TSV records turned into `Document`s: columns chosen by name, errors with file and line.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

use super::{CorpusSpec, Document, open_bytes};

/// Counts the quote bytes that pass through, so an unterminated quote at the end of the file
/// (which the csv crate silently closes) can be detected.
struct QuoteCounter<R> {
    inner: R,
    quotes: Arc<AtomicU64>,
}

impl<R: Read> Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let q = buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        self.quotes.fetch_add(q, Ordering::Relaxed);
        Ok(n)
    }
}

pub(crate) struct CsvRecords {
    reader: csv::Reader<QuoteCounter<Box<dyn BufRead + Send>>>,
    path: PathBuf,
    headers: Vec<String>,
    text_idx: Vec<usize>,
    label_idx: Option<usize>,
    id_idx: Option<usize>,
    title_idx: Option<usize>,
    record: csv::ByteRecord,
    row: u64,
    quotes: Arc<AtomicU64>,
    quoting: bool,
    last_start: Option<(u64, u64)>,
    /// Line breaks inside quoted fields so far: the csv crate's line counter skips them, so
    /// add them back to give the real line number.
    quoted_newlines: u64,
}

fn column_index(headers: &[String], name: &str, path: &Path, what: &str) -> Result<usize> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.escape_debug().to_string())
            .collect();
        Error::at_line(
            path,
            1,
            format!(
                "no {what} column named {name:?}; the header has {}{}",
                names.join(", "),
                delimiter_hint(headers)
            ),
        )
    })
}

/// When the whole header landed in one column, the file likely uses another delimiter.
fn delimiter_hint(headers: &[String]) -> String {
    let [only] = headers else {
        return String::new();
    };
    if only.contains('\t') {
        " (the header looks tab-separated: read it as TSV, by a .tsv name or --corpus-format tsv)"
            .into()
    } else if let Some(d) = [';', '|', ','].into_iter().find(|&d| only.contains(d)) {
        format!(" (the header looks '{d}'-separated; expected a comma-separated header)")
    } else {
        String::new()
    }
}

impl CsvRecords {
    pub(crate) fn new(
        reader: Box<dyn BufRead + Send>,
        spec: &CorpusSpec,
        tsv: bool,
    ) -> Result<Self> {
        let path = spec.path.clone();
        let quotes = Arc::new(AtomicU64::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            // TSV as most tools write it has no quoting: a quote is an ordinary character.
            .quoting(!tsv)
            .has_headers(true)
            .flexible(false)
            .from_reader(QuoteCounter {
                inner: reader,
                quotes: quotes.clone(),
            });
        let raw = reader
            .byte_headers()
            .map_err(|e| csv_error(&path, e, 0))?
            .clone();
        let quoted_newlines = count_newlines(raw.as_slice());
        let mut headers = Vec::with_capacity(raw.len());
        // A leading byte-order mark was already skipped when the file was opened.
        for (i, field) in raw.iter().enumerate() {
            let name = std::str::from_utf8(field).map_err(|_| {
                Error::at_line(
                    &path,
                    1,
                    format!("header field {} is not valid UTF-8", i + 1),
                )
            })?;
            headers.push(name.trim().to_string());
        }
        if spec.text_cols.is_empty() {
            return Err(Error::Usage("no text column given (--text-col)".into()));
        }
        let text_idx = spec
            .text_cols
            .iter()
            .map(|c| column_index(&headers, c, &path, "text"))
            .collect::<Result<Vec<_>>>()?;
        let label_idx = spec
            .label_col
            .as_deref()
            .map(|c| column_index(&headers, c, &path, "label"))
            .transpose()?;
        let title_idx = spec
            .title_col
            .as_deref()
            .map(|c| column_index(&headers, c, &path, "title"))
            .transpose()?;
        let id_idx = spec
            .id_col
            .as_deref()
            .map(|c| column_index(&headers, c, &path, "id"))
            .transpose()?;
        Ok(Self {
            reader,
            path,
            headers,
            text_idx,
            label_idx,
            id_idx,
            title_idx,
            record: csv::ByteRecord::new(),
            row: 0,
            quotes,
            quoting: !tsv,
            last_start: None,
            quoted_newlines,
        })
    }

    pub(crate) fn header_names(&self) -> Vec<String> {
        self.headers.clone()
    }

    pub(crate) fn next_document(
        &mut self,
        lossy: bool,
        lossy_count: &mut u64,
    ) -> Option<Result<Document>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return self.check_end().err().map(Err),
            Err(e) => return Some(Err(csv_error(&self.path, e, self.quoted_newlines))),
        }
        let pos = self
            .record
            .position()
            .map(|p| (p.line() + self.quoted_newlines, p.byte()))
            .unwrap_or((0, 0));
        self.quoted_newlines += count_newlines(self.record.as_slice());
        self.last_start = Some(pos);
        let line = pos.0;
        let row = self.row;
        self.row += 1;
        Some(self.build(line, row, lossy, lossy_count))
    }

    fn field(&self, idx: usize, line: u64, lossy: bool, lossy_count: &mut u64) -> Result<String> {
        let bytes = self.record.get(idx).unwrap_or(b"");
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) if lossy => {
                *lossy_count += 1;
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
            Err(e) => Err(Error::at_line(
                &self.path,
                line,
                format!(
                    "invalid UTF-8 in column {:?} at byte {} of the field; expected UTF-8 text (--lossy-utf8 or data.lossy_utf8 reads it, replacing bad bytes with U+FFFD)",
                    self.headers[idx],
                    e.valid_up_to()
                ),
            )),
        }
    }

    fn build(&self, line: u64, row: u64, lossy: bool, lossy_count: &mut u64) -> Result<Document> {
        let mut text = String::new();
        for &i in &self.text_idx {
            let part = self.field(i, line, lossy, lossy_count)?;
            if !text.is_empty() && !part.is_empty() {
                text.push(' ');
            }
            text.push_str(&part);
        }
        let label = self
            .label_idx
            .map(|i| {
                self.field(i, line, lossy, lossy_count)
                    .map(|l| l.trim().to_string())
            })
            .transpose()?;
        let id = match self.id_idx {
            Some(i) => self.field(i, line, lossy, lossy_count)?,
            None => row.to_string(),
        };
        let title = self
            .title_idx
            .map(|i| self.field(i, line, lossy, lossy_count))
            .transpose()?;
        Ok(Document {
            id,
            row,
            line,
            text,
            label,
            title,
        })
    }

    /// At the end of the file: an odd number of quotes may mean the last record's quote was
    /// never closed. Re-read only that record's bytes to be sure (an error path, so rare).
    fn check_end(&self) -> Result<()> {
        if !self.quoting || self.quotes.load(Ordering::Relaxed).is_multiple_of(2) {
            return Ok(());
        }
        let Some((line, byte)) = self.last_start else {
            return Ok(());
        };
        let mut reader = open_bytes(&self.path)?;
        std::io::copy(&mut reader.by_ref().take(byte), &mut std::io::sink())
            .map_err(|e| Error::io(&self.path, e))?;
        let mut tail = Vec::new();
        reader
            .read_to_end(&mut tail)
            .map_err(|e| Error::io(&self.path, e))?;
        if tail.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            return Err(Error::at_line(
                &self.path,
                line,
                "unterminated quoted field: a quote opened in this record is never closed before the end of the file",
            ));
        }
        Ok(())
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Translates a csv error; `extra_lines` are the quoted line breaks before it.
fn csv_error(path: &Path, e: csv::Error, extra_lines: u64) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0) + extra_lines;
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        csv::ErrorKind::UnequalLengths {
            expected_len,
            len,
            pos,
        } => Error::at_line(
            path,
            pos.map(|p| p.line() + extra_lines).unwrap_or(line),
            format!(
                "expected {expected_len} fields as in the header, found {len} (a ragged row, a wrong delimiter, or an unterminated quote on an earlier line)"
            ),
        ),
        csv::ErrorKind::Utf8 { pos, err } => Error::at_line(
            path,
            pos.map(|p| p.line() + extra_lines).unwrap_or(line),
            format!(
                "invalid UTF-8 in field {}; expected UTF-8 text (--lossy-utf8 or data.lossy_utf8 reads it, replacing bad bytes with U+FFFD)",
                err.field() + 1
            ),
        ),
        other => Error::at_line(path, line, format!("malformed CSV: {other:?}")),
    }
}
