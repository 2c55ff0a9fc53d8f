//! word2vec text / fastText `.vec` (a `count dim` header) and GloVe (no header): one word and
//! its values per line. Words may hold any character but an ASCII space at the end: the values
//! are the last `dim` space-separated fields, so GloVe tokens with non-breaking spaces survive.
//! Lines are parsed in parallel.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::{ReadNotes, WordEncoding};
use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};
use crate::floats::Floats;

/// `count dim` when `line` is exactly two non-negative integers.
pub(super) fn parse_header(line: &[u8]) -> Option<(u64, u64)> {
    let s = std::str::from_utf8(line).ok()?;
    let mut it = s.split_ascii_whitespace();
    let count = it.next()?.parse().ok()?;
    let dim = it.next()?.parse().ok()?;
    it.next().is_none().then_some((count, dim))
}

/// Whether `line` reads as a word followed by at least `dim` numbers.
pub(super) fn looks_like_text_record(line: &[u8], dim: u64) -> bool {
    let Ok(s) = std::str::from_utf8(line) else {
        return false;
    };
    let fields: Vec<&str> = s.trim_end().split(' ').filter(|f| !f.is_empty()).collect();
    fields.len() as u64 > dim
        && fields[fields.len() - dim as usize..]
            .iter()
            .all(|f| f.parse::<f32>().is_ok())
}

/// Number of trailing numeric fields of a GloVe line (its dimension, plus one if the word
/// itself is a number).
fn trailing_numbers(line: &str) -> usize {
    line.trim_end()
        .split(' ')
        .rev()
        .take_while(|f| f.parse::<f32>().is_ok())
        .count()
}

/// Splits `line` into its word and its last `dim` values, written into `out`.
fn parse_record(line: &str, dim: usize, out: &mut [f32]) -> std::result::Result<String, String> {
    let mut rest = line.trim_end_matches([' ', '\r', '\t']);
    for j in (0..dim).rev() {
        let Some(sp) = rest.rfind(' ') else {
            return Err(format!(
                "expected a word and {dim} values, found {} values",
                dim - j - 1
            ));
        };
        let field = &rest[sp + 1..];
        let v: f32 = field
            .parse()
            .map_err(|_| format!("value {} is {field:?}, expected a number", j + 1))?;
        if !v.is_finite() {
            return Err(format!(
                "value {} is {field}; expected a finite number",
                j + 1
            ));
        }
        out[j] = v;
        rest = rest[..sp].trim_end_matches(' ');
    }
    if rest.is_empty() {
        return Err(format!(
            "expected a word and {dim} values, found only {dim} values"
        ));
    }
    if let Some(sp) = rest.rfind(' ')
        && rest[sp + 1..].parse::<f32>().is_ok()
    {
        return Err(format!(
            "more than {dim} values on the line (expected dimension {dim})"
        ));
    }
    Ok(rest.to_string())
}

// Over 80 lines: one pass over the mapped file: header detection, then each line's word and numbers
// with its line number.
/// Parses a text vector file held in `bytes`, its words in `encoding`; `has_header` for
/// word2vec text and `.vec`.
pub(super) fn parse(
    path: &Path,
    bytes: &[u8],
    has_header: bool,
    encoding: WordEncoding,
) -> Result<(Embeddings, ReadNotes)> {
    let (text, escaped) = encoding.decode(bytes);
    let notes = ReadNotes {
        encoding,
        // Only on the fallback path: count the lines that held undecodable bytes.
        escaped_words: if escaped {
            bytes
                .split(|&b| b == b'\n')
                .filter(|l| encoding.decode(l).1)
                .count() as u64
        } else {
            0
        },
    };
    // (line number, line) of every non-blank line.
    let mut lines: Vec<(u64, &str)> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i as u64 + 1, l))
        .collect();
    let (count, dim) = if has_header {
        let Some(&(n, first)) = lines.first() else {
            return Err(Error::in_file(path, "no header line; expected `count dim`"));
        };
        let (count, dim) = parse_header(first.as_bytes()).ok_or_else(|| {
            Error::at_line(
                path,
                n,
                format!("header is {first:?}; expected `count dim`"),
            )
        })?;
        lines.remove(0);
        if count == 0 {
            return Err(Error::at_line(
                path,
                n,
                "the header claims no words; expected at least one word and its vector",
            ));
        }
        // Each value needs at least a digit and a separator: check before allocating.
        let needed = count.saturating_mul(dim.saturating_mul(2));
        if dim == 0 || needed > bytes.len() as u64 {
            return Err(Error::at_line(
                path,
                n,
                format!(
                    "header claims {count} words of dimension {dim}, which needs at least {needed} bytes; the file has {}",
                    bytes.len()
                ),
            ));
        }
        if lines.len() as u64 != count {
            let (at, what) = match lines.get(count as usize) {
                Some(&(line, _)) => (line, "more"),
                None => (lines.last().map_or(n, |l| l.0), "fewer"),
            };
            return Err(Error::at_line(
                path,
                at,
                format!(
                    "the header claims {count} words but the file has {what} ({} lines)",
                    lines.len()
                ),
            ));
        }
        (count as usize, dim as usize)
    } else {
        let dim = lines
            .iter()
            .take(100)
            .map(|(_, l)| trailing_numbers(l))
            .min()
            .unwrap_or(0);
        if dim == 0 {
            return Err(Error::at_line(
                path,
                lines.first().map_or(1, |l| l.0),
                "expected `word v1 v2 ...` (GloVe) or a `count dim` header (word2vec text)",
            ));
        }
        (lines.len(), dim)
    };
    let mut matrix = vec![0.0f32; count * dim];
    let words: Vec<std::result::Result<String, (u64, String)>> = matrix
        .par_chunks_mut(dim)
        .zip(lines.par_iter())
        .map(|(row, &(n, line))| parse_record(line, dim, row).map_err(|m| (n, m)))
        .collect();
    let out = words
        .into_iter()
        .collect::<std::result::Result<Vec<String>, _>>()
        .map_err(|(n, m)| Error::at_line(path, n, m))?;
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(count);
    for (w, &(n, _)) in out.iter().zip(&lines) {
        if let Some(first) = seen.insert(w, n) {
            return Err(Error::at_line(
                path,
                n,
                format!("duplicate word {w:?}, first on line {first}"),
            ));
        }
    }
    drop(seen);
    // Unique (checked above with line numbers); the index is built on first lookup.
    let emb = Embeddings::from_checked_parts(out, Floats::Owned(matrix), dim, None)?;
    Ok((emb, notes))
}

pub(super) fn write(w: &mut impl Write, emb: &Embeddings, header: bool) -> std::io::Result<()> {
    if header {
        writeln!(w, "{} {}", emb.len(), emb.dim())?;
    }
    for (i, word) in emb.words().iter().enumerate() {
        check_word(word)?;
        w.write_all(word.as_bytes())?;
        for &v in emb.vector(i) {
            w.write_all(b" ")?;
            write_float(w, v)?;
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `v` as Python's `repr` does (shortest round-trip digits; scientific notation below
/// 1e-4 and from 1e16, with a two-digit exponent), so files match gensim's byte for byte.
fn write_float(w: &mut impl Write, v: f32) -> std::io::Result<()> {
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{v:e}");
        if let Some((mantissa, exp)) = s.split_once('e') {
            let exp: i32 = exp.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            return write!(w, "{mantissa}e{sign}{:02}", exp.abs());
        }
    }
    write!(w, "{v}")
}

/// A word with a space or line break cannot be written to these formats unambiguously.
pub(super) fn check_word(word: &str) -> std::io::Result<()> {
    if word.is_empty() || word.contains([' ', '\n', '\r']) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "word {word:?} is empty or holds a space or line break; the format cannot store it"
            ),
        ));
    }
    Ok(())
}
