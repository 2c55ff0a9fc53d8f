//! Opening a corpus's bytes and deciding its format: files (gzip detected by its magic
//! bytes, a byte-order mark skipped), standard input (read once and kept), the format from
//! the file's name and, where the name says nothing, from its first line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{CorpusFormat, CorpusSpec};
use crate::error::{Error, Result};

/// Opens `path`, transparently decompressing gzip (detected by its magic bytes) and skipping
/// a byte-order mark, and fails on an empty file.
pub fn open_bytes(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    Ok(open_counted(path)?.0)
}

/// Counts the bytes read from the file (before decompression), for progress through it.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    read: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Like `open_bytes`, with a counter of the file's bytes read so far.
pub(super) fn open_counted(path: &Path) -> Result<(Box<dyn BufRead + Send>, Arc<AtomicU64>)> {
    let file: Box<dyn Read + Send> = if is_stdin(path) {
        Box::new(std::io::Cursor::new(stdin_bytes(path)?))
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let read = Arc::new(AtomicU64::new(0));
    let counted = CountingReader {
        inner: file,
        read: read.clone(),
    };
    let mut raw = BufReader::with_capacity(1 << 16, counted);
    let head = raw.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(Error::in_file(path, "the file is empty"));
    }
    let mut reader: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    };
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(Error::in_file(
            path,
            "the file is empty (after decompression)",
        ));
    }
    // A byte-order mark is not part of the first line or column name.
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok((reader, read))
}

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Standard input, read once and kept: commands read a collection more than once (a sample
/// to choose the vectors, then every document), and a pipe can be read only once.
fn stdin_bytes(path: &Path) -> Result<Arc<[u8]>> {
    static STDIN: std::sync::OnceLock<std::result::Result<Arc<[u8]>, String>> =
        std::sync::OnceLock::new();
    STDIN
        .get_or_init(|| {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map(|_| Arc::from(bytes))
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::in_file(path, format!("standard input: {e}")))
}

/// The size of a corpus for progress: a file's bytes, standard input's, or 0.
pub(super) fn size_of(path: &Path) -> u64 {
    if is_stdin(path) {
        return stdin_bytes(path).map_or(0, |b| b.len() as u64);
    }
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The format a file's name says (`.csv`, `.tsv`/`.tab`, else lines; `.gz` stripped).
pub fn format_from_name(path: &Path) -> CorpusFormat {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "csv" => CorpusFormat::Csv,
        "tsv" | "tab" => CorpusFormat::Tsv,
        "jsonl" | "ndjson" => CorpusFormat::Jsonl,
        _ if ext != "txt" && crate::text::markup::Markup::of_extension(ext).is_some() => {
            CorpusFormat::Files
        }
        _ => CorpusFormat::Lines,
    }
}

/// The format the first line of a file says, for a name that says nothing (standard input,
/// no extension): a JSON object, fastText labels, a header holding the text columns, or lines.
pub(super) fn format_from_content(head: &[u8], spec: &CorpusSpec) -> CorpusFormat {
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let first = String::from_utf8_lossy(first);
    let first = first.trim_end_matches('\r');
    if first.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(first).is_ok_and(|v| v.is_object())
    {
        return CorpusFormat::Jsonl;
    }
    if first.starts_with("__label__") {
        return CorpusFormat::FastText;
    }
    for (delimiter, format) in [('\t', CorpusFormat::Tsv), (',', CorpusFormat::Csv)] {
        let fields: Vec<&str> = first
            .split(delimiter)
            .map(|f| f.trim_matches('"'))
            .collect();
        if fields.len() > 1 && spec.text_cols.iter().all(|c| fields.contains(&c.as_str())) {
            return format;
        }
    }
    CorpusFormat::Lines
}

/// Standard input, or a name whose extension says nothing about the format (none, or one
/// wordlens does not know): the first line decides.
pub(super) fn says_nothing(path: &Path) -> bool {
    if is_stdin(path) {
        return true;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            !matches!(
                ext.to_ascii_lowercase().as_str(),
                "txt" | "text" | "csv" | "tsv" | "tab" | "jsonl" | "ndjson"
            ) && crate::text::markup::Markup::of_extension(ext).is_none()
        }
    }
}

/// Decodes `bytes` as UTF-8, or replaces bad sequences when `lossy` (counting it).
pub(super) fn decode(
    bytes: &[u8],
    lossy: bool,
    lossy_count: &mut u64,
    path: &Path,
    line: u64,
    what: &str,
) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) if lossy => {
            let _ = e;
            *lossy_count += 1;
            Ok(String::from_utf8_lossy(bytes).into_owned())
        }
        Err(e) => Err(Error::at_line(
            path,
            line,
            format!(
                "invalid UTF-8 in {what} at byte {} of it; expected UTF-8 text (--lossy-utf8 or data.lossy_utf8 reads it, replacing bad bytes with U+FFFD)",
                e.valid_up_to()
            ),
        )),
    }
}
