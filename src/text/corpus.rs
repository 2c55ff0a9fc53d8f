//! Corpus readers: stream `Document`s from plain text (one document per line), CSV/TSV with
//! chosen columns, or fastText `__label__` lines, optionally gzip-compressed. Memory stays flat:
//! one record at a time. Every error names the file and the line.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// CSV/TSV records: a child of this module, so the reader and the corpus do not import each
/// other.
mod csv_records;
/// Folders of files (and single files of notes): one document per file.
mod folder;
/// JSON Lines: one object per line, keys by dotted path.
mod json_lines;
/// Opening the bytes (files, gzip, stdin) and deciding the format.
mod opening;

pub use folder::{Entry as FolderEntry, FileStamp, Skipped, sha256_hex};
use opening::{decode, format_from_content, open_counted, says_nothing, size_of};
pub use opening::{format_from_name, is_stdin, open_bytes};

/// One document of a corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The id column's value, or the row number when there is no id column.
    pub id: String,
    /// 0-based index of the data row (CSV: header excluded; text: line index).
    pub row: u64,
    /// 1-based line where the record starts, for messages.
    pub line: u64,
    pub text: String,
    pub label: Option<String>,
    /// The title column's value, when one was asked for.
    pub title: Option<String>,
}

/// How a corpus file is read: plain lines, CSV, TSV or fastText `__label__` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CorpusFormat {
    /// From the file name (`.csv`, `.tsv`, else lines; `.gz` stripped) and the first line
    /// (`__label__` means fastText).
    #[default]
    Auto,
    Lines,
    Csv,
    Tsv,
    #[cfg_attr(feature = "cli", value(name = "fasttext"))]
    #[serde(rename = "fasttext")]
    FastText,
    /// JSON Lines: one object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// One document per file: a folder's files, or one `.md`/`.rst`/`.org`/`.html` file.
    Files,
}

/// What to read and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusSpec {
    pub path: PathBuf,
    pub format: CorpusFormat,
    /// CSV/TSV columns joined (with a space) into the document text.
    pub text_cols: Vec<String>,
    pub label_col: Option<String>,
    pub id_col: Option<String>,
    pub title_col: Option<String>,
    /// Decode invalid UTF-8 with U+FFFD and count it instead of failing.
    pub lossy_utf8: bool,
    /// Folders: globs that include (`*.md`) or exclude (`!drafts/**`) files, as ripgrep's.
    pub globs: Vec<String>,
    /// Folders: a file's label is the name of the folder holding it.
    pub label_from_folder: bool,
    /// Folders: stop at the first file that cannot be read instead of skipping it.
    pub strict: bool,
    /// Folders: files larger than this are skipped (or stop the read under `strict`).
    pub max_file_bytes: u64,
    /// Folders: read only the files with these ids (re-indexing what changed).
    pub only_files: Option<std::sync::Arc<std::collections::BTreeSet<String>>>,
}

/// Files larger than this are not documents unless config says so (`[data] max_file_mb`).
pub const DEFAULT_MAX_FILE_MB: u64 = 64;

impl CorpusSpec {
    /// A spec with the format detected and the default text column `text`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            format: CorpusFormat::Auto,
            text_cols: vec!["text".into()],
            label_col: None,
            id_col: None,
            title_col: None,
            lossy_utf8: false,
            globs: Vec::new(),
            label_from_folder: false,
            strict: false,
            max_file_bytes: DEFAULT_MAX_FILE_MB << 20,
            only_files: None,
        }
    }
    /// The same spec reading `cols` as text (joined with a space).
    pub fn text_cols(mut self, cols: &[&str]) -> Self {
        self.text_cols = cols.iter().map(|c| c.to_string()).collect();
        self
    }
    /// The same spec reading `col` as the label.
    pub fn label_col(mut self, col: &str) -> Self {
        self.label_col = Some(col.to_string());
        self
    }
}

/// Counts reported after reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub documents: u64,
    /// Lines or fields whose invalid UTF-8 was replaced (lenient reading only).
    pub lossy_records: u64,
    /// Blank lines skipped in line formats.
    pub blank_lines: u64,
    /// Files a folder's walk left out, and why.
    pub skipped: Skipped,
}

/// A streaming reader of documents; iterate it, then ask `stats()`.
pub struct CorpusReader {
    inner: Inner,
    path: PathBuf,
    /// Bytes of the file read so far, and its size (progress through a stream).
    bytes_read: Arc<AtomicU64>,
    size: u64,
    lossy: bool,
    stats: ReadStats,
    failed: bool,
}

enum Inner {
    Lines {
        reader: Box<dyn BufRead + Send>,
        line: u64,
        fasttext: bool,
        buf: Vec<u8>,
    },
    Csv(Box<csv_records::CsvRecords>),
    Jsonl(Box<json_lines::JsonLines>),
    Files(Box<folder::Folder>),
}

impl CorpusReader {
    /// Opens the corpus file `spec` names; its documents are the iterator's items.
    pub fn open(spec: &CorpusSpec) -> Result<Self> {
        let path = spec.path.clone();
        let named = match spec.format {
            CorpusFormat::Auto if path.is_dir() => CorpusFormat::Files,
            CorpusFormat::Auto => format_from_name(&path),
            given => given,
        };
        if named == CorpusFormat::Files {
            let folder = folder::Folder::open(spec)?;
            return Ok(Self {
                size: folder.position().1,
                inner: Inner::Files(Box::new(folder)),
                path,
                bytes_read: Arc::default(),
                lossy: spec.lossy_utf8,
                stats: ReadStats::default(),
                failed: false,
            });
        }
        let (mut reader, bytes_read) = open_counted(&path)?;
        let size = size_of(&path);
        let mut format = named;
        if spec.format == CorpusFormat::Auto && format == CorpusFormat::Lines {
            let head = reader.fill_buf().map_err(|e| Error::io(&path, e))?;
            format = if says_nothing(&path) {
                format_from_content(head, spec)
            } else if head.starts_with(b"__label__") {
                CorpusFormat::FastText
            } else {
                CorpusFormat::Lines
            };
        }
        let inner = match format {
            CorpusFormat::Csv | CorpusFormat::Tsv => Inner::Csv(Box::new(
                csv_records::CsvRecords::new(reader, spec, format == CorpusFormat::Tsv)?,
            )),
            CorpusFormat::Jsonl => Inner::Jsonl(Box::new(json_lines::JsonLines::new(reader, spec))),
            _ => Inner::Lines {
                reader,
                line: 0,
                fasttext: format == CorpusFormat::FastText,
                buf: Vec::new(),
            },
        };
        Ok(Self {
            inner,
            path,
            bytes_read,
            size,
            lossy: spec.lossy_utf8,
            stats: ReadStats::default(),
            failed: false,
        })
    }

    /// Why files of a folder were left out, the first few of them (empty for other formats).
    pub fn skip_notes(&self) -> &[String] {
        match &self.inner {
            Inner::Files(f) => &f.notes,
            _ => &[],
        }
    }

    /// A folder's files read so far, each with what it was when read (empty for other
    /// formats).
    pub fn take_stamps(&mut self) -> Vec<(String, FileStamp)> {
        match &mut self.inner {
            Inner::Files(f) => std::mem::take(&mut f.stamps),
            _ => Vec::new(),
        }
    }

    /// The files a folder's walk found, before reading (empty for other formats).
    pub fn folder_entries(&self) -> &[FolderEntry] {
        match &self.inner {
            Inner::Files(f) => f.entries(),
            _ => &[],
        }
    }

    /// Whether this reads a folder of files (or one file of notes).
    pub fn is_folder(&self) -> bool {
        matches!(self.inner, Inner::Files(_))
    }

    /// "skipped 3 files of notes/: 2 binary, 1 too large (first: …)", when files were skipped.
    pub fn skipped_summary(&self) -> Option<String> {
        let skipped = self.stats.skipped;
        if skipped.total() == 0 {
            return None;
        }
        let first = match self.skip_notes() {
            [] => String::new(),
            notes => format!("; {}", notes.join("; ")),
        };
        Some(format!(
            "skipped {} files of {}: {}{first}",
            skipped.total(),
            self.path.display(),
            skipped.describe()
        ))
    }

    /// What reading has found so far (documents, lossy records).
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is read as fastText lines (`__label__x text`).
    pub fn is_fasttext(&self) -> bool {
        matches!(self.inner, Inner::Lines { fasttext: true, .. })
    }

    /// (bytes of the file read so far, its size): progress through the file, compressed or not.
    pub fn position(&self) -> (u64, u64) {
        match &self.inner {
            Inner::Files(f) => f.position(),
            _ => (self.bytes_read.load(Ordering::Relaxed), self.size),
        }
    }

    /// The CSV header (empty for line formats).
    pub fn headers(&self) -> Vec<String> {
        match &self.inner {
            Inner::Csv(c) => c.header_names(),
            _ => Vec::new(),
        }
    }

    fn next_line_doc(&mut self) -> Option<Result<Document>> {
        let Inner::Lines {
            reader,
            line,
            fasttext,
            buf,
        } = &mut self.inner
        else {
            return None;
        };
        loop {
            buf.clear();
            match reader.read_until(b'\n', buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(Error::io(&self.path, e))),
            }
            *line += 1;
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                self.stats.blank_lines += 1;
                continue;
            }
            let text = match decode(
                buf,
                self.lossy,
                &mut self.stats.lossy_records,
                &self.path,
                *line,
                "the line",
            ) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            };
            let (label, text) = if *fasttext {
                split_fasttext_labels(&text)
            } else {
                (None, text)
            };
            let row = *line - 1;
            return Some(Ok(Document {
                id: row.to_string(),
                row,
                line: *line,
                text,
                label,
                title: None,
            }));
        }
    }
}

/// `__label__a __label__b some text` → (Some("a"), "some text"); extra labels are dropped
/// (wordlens classifies single-label).
fn split_fasttext_labels(line: &str) -> (Option<String>, String) {
    let mut label = None;
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("__label__") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        if label.is_none() {
            label = Some(after[..end].to_string());
        }
        rest = after[end..].trim_start();
    }
    (label, rest.to_string())
}

impl Iterator for CorpusReader {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = match &mut self.inner {
            Inner::Lines { .. } => self.next_line_doc(),
            Inner::Csv(c) => c.next_document(self.lossy, &mut self.stats.lossy_records),
            Inner::Jsonl(j) => j.next_document(
                self.lossy,
                &mut self.stats.lossy_records,
                &mut self.stats.blank_lines,
            ),
            Inner::Files(f) => {
                let doc = f.next_document(&mut self.stats.lossy_records);
                self.stats.skipped = f.skipped;
                doc
            }
        };
        match &item {
            Some(Ok(_)) => self.stats.documents += 1,
            Some(Err(_)) => self.failed = true,
            None => {}
        }
        item
    }
}

/// Where training text comes from: a corpus file, or texts already in memory (a dataset's
/// training split).
#[derive(Debug, Clone)]
pub enum TextSource<'a> {
    File(CorpusSpec),
    Texts(&'a [String]),
}

impl From<CorpusSpec> for TextSource<'_> {
    fn from(spec: CorpusSpec) -> Self {
        TextSource::File(spec)
    }
}

/// Calls `f` with the text of every document of every source, in order, and how far through
/// the sources it is: (bytes read, total bytes) over all files and in-memory texts.
pub fn for_each_text(
    sources: &[TextSource<'_>],
    mut f: impl FnMut(&str, (u64, u64)) -> Result<()>,
) -> Result<ReadStats> {
    let size = |s: &TextSource<'_>| match s {
        TextSource::File(spec) => size_of(&spec.path),
        TextSource::Texts(texts) => texts.iter().map(|t| t.len() as u64).sum(),
    };
    let total: u64 = sources.iter().map(size).sum();
    let mut before = 0u64;
    let mut stats = ReadStats::default();
    for source in sources {
        match source {
            TextSource::File(spec) => {
                let mut reader = CorpusReader::open(spec)?;
                while let Some(doc) = reader.next() {
                    f(&doc?.text, (before + reader.position().0, total))?;
                }
                let s = reader.stats();
                if s.documents == 0 {
                    return Err(Error::in_file(
                        &spec.path,
                        "no documents: expected at least one non-empty line or data row",
                    ));
                }
                stats.documents += s.documents;
                stats.lossy_records += s.lossy_records;
                stats.blank_lines += s.blank_lines;
            }
            TextSource::Texts(texts) => {
                let mut done = before;
                for t in texts.iter() {
                    done += t.len() as u64;
                    f(t, (done, total))?;
                }
                stats.documents += texts.len() as u64;
            }
        }
        before += size(source);
    }
    Ok(stats)
}

/// Reads all of `r` into a string (used for small side files such as evaluation sets).
pub fn read_small_text(path: &Path) -> Result<String> {
    let mut reader = open_bytes(path)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Error::at_byte(path, offset as u64, "invalid UTF-8; expected UTF-8 text")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fasttext_labels_are_split_off() {
        assert_eq!(
            split_fasttext_labels("__label__pos __label__x great film"),
            (Some("pos".into()), "great film".into())
        );
        assert_eq!(
            split_fasttext_labels("no label here"),
            (None, "no label here".into())
        );
    }
}
