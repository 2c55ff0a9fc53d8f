//! word2vec binary: a `count dim` text header, then per word its bytes, a space and `dim`
//! little-endian f32s. The C tool puts a newline after each vector, gensim does not: both read;
//! we write gensim's layout.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::text::{check_word, parse_header};
use super::{ReadNotes, WordEncoding};
use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};
use crate::floats::Floats;

/// Longest word accepted (the C tool's limit is 100 bytes; leave room for other writers).
const MAX_WORD_BYTES: usize = 4096;

// Over 80 lines: one pass over the mapped file: header, then each record's word and floats, every
// offset checked in place.
pub(super) fn parse(
    path: &Path,
    bytes: &[u8],
    encoding: WordEncoding,
) -> Result<(Embeddings, ReadNotes)> {
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let (count, dim) = parse_header(&bytes[..header_end])
        .ok_or_else(|| Error::at_byte(path, 0, "expected a `count dim` header line"))?;
    let mut pos = header_end + 1;
    let body = bytes.len().saturating_sub(pos) as u64;
    // A word, a space and the vector: check the claim against the file before allocating.
    let needed = count.saturating_mul(dim.saturating_mul(4).saturating_add(2));
    if dim == 0 || count == 0 || needed > body {
        return Err(Error::at_byte(
            path,
            0,
            format!(
                "header claims {count} words of dimension {dim}, which needs at least {needed} bytes after the header; the file has {body}"
            ),
        ));
    }
    let (count, dim) = (count as usize, dim as usize);
    let vec_bytes = dim * 4;
    // One sequential pass finds where each word and vector start (a newline after a vector is
    // optional); the floats are then decoded in parallel.
    let mut records: Vec<(usize, usize)> = Vec::with_capacity(count);
    for i in 0..count {
        while pos < bytes.len() && matches!(bytes[pos], b'\n' | b'\r') {
            pos += 1;
        }
        let start = pos;
        let limit = (start + MAX_WORD_BYTES).min(bytes.len());
        let Some(len) = bytes[start..limit].iter().position(|&b| b == b' ') else {
            return Err(Error::at_byte(
                path,
                start as u64,
                format!(
                    "word {} of {count}: no space after the word (file truncated or not word2vec binary)",
                    i + 1
                ),
            ));
        };
        pos = start + len + 1;
        if bytes.len() - pos < vec_bytes {
            let (word, _) = encoding.decode(&bytes[start..start + len]);
            return Err(Error::at_byte(
                path,
                pos as u64,
                format!(
                    "truncated: word {} of {count} ({word:?}) needs {vec_bytes} bytes of vector, {} left",
                    i + 1,
                    bytes.len() - pos
                ),
            ));
        }
        records.push((start, len));
        pos += vec_bytes;
    }
    if let Some(extra) = bytes[pos..].iter().position(|b| !b.is_ascii_whitespace()) {
        return Err(Error::at_byte(
            path,
            (pos + extra) as u64,
            format!("data after the {count} words the header claims"),
        ));
    }
    let mut seen: HashMap<&[u8], usize> = HashMap::with_capacity(count);
    for &(start, len) in &records {
        if let Some(first) = seen.insert(&bytes[start..start + len], start) {
            let (word, _) = encoding.decode(&bytes[start..start + len]);
            return Err(Error::at_byte(
                path,
                start as u64,
                format!("duplicate word {word:?}, first at byte {first}"),
            ));
        }
    }
    drop(seen);
    let mut matrix = vec![0.0f32; count * dim];
    matrix
        .par_chunks_mut(dim)
        .zip(records.par_iter())
        .try_for_each(|(row, &(start, len))| {
            let at = start + len + 1;
            for (j, (v, b)) in row
                .iter_mut()
                .zip(bytes[at..at + vec_bytes].chunks_exact(4))
                .enumerate()
            {
                *v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                if !v.is_finite() {
                    let (word, _) = encoding.decode(&bytes[start..start + len]);
                    return Err(Error::at_byte(
                        path,
                        (at + j * 4) as u64,
                        format!(
                            "value {} of word {word:?} is {v}; expected a finite number",
                            j + 1
                        ),
                    ));
                }
            }
            Ok(())
        })?;
    let mut notes = ReadNotes {
        encoding,
        ..ReadNotes::default()
    };
    let words: Vec<String> = records
        .iter()
        .map(|&(start, len)| {
            let (word, escaped) = encoding.decode(&bytes[start..start + len]);
            notes.escaped_words += u64::from(escaped);
            word.into_owned()
        })
        .collect();
    // Unique as bytes (checked above), so unique as text, unless an escaped byte (`\xfd`)
    // meets the same four characters written literally: check the text then.
    let emb = if notes.escaped_words > 0 {
        Embeddings::from_parts(words, Floats::Owned(matrix), dim, None)
            .map_err(|e| Error::in_file(path, e.to_string()))?
    } else {
        Embeddings::from_checked_parts(words, Floats::Owned(matrix), dim, None)?
    };
    Ok((emb, notes))
}

pub(super) fn write(w: &mut impl Write, emb: &Embeddings) -> std::io::Result<()> {
    writeln!(w, "{} {}", emb.len(), emb.dim())?;
    let mut buf = Vec::with_capacity(emb.dim() * 4);
    for (i, word) in emb.words().iter().enumerate() {
        check_word(word)?;
        w.write_all(word.as_bytes())?;
        w.write_all(b" ")?;
        buf.clear();
        emb.vector(i)
            .iter()
            .for_each(|v| buf.extend_from_slice(&v.to_le_bytes()));
        // No newline after the vector: gensim's layout (the C tool's reader skips newlines
        // before a word, so it reads this too).
        w.write_all(&buf)?;
    }
    Ok(())
}
