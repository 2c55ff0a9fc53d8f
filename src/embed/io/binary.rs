//! word2vec binary: a `count dim` text header, then per word its bytes, a space and `dim`
//! little-endian f32s. The C tool puts a newline after each vector, gensim does not: both read;
//! we write gensim's layout.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::ReadNotes;
use super::text::{check_word, parse_header};
use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};

/// Longest word accepted (the C tool's limit is 100 bytes; leave room for other writers).
const MAX_WORD_BYTES: usize = 4096;

pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<(Embeddings, ReadNotes)> {
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
    let mut words = Vec::with_capacity(count);
    let mut matrix = Vec::with_capacity(count * dim);
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::with_capacity(count);
    let mut notes = ReadNotes::default();
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
        let raw = &bytes[start..start + len];
        let word = match std::str::from_utf8(raw) {
            Ok(w) => w.to_string(),
            Err(_) => {
                notes.lossy_words += 1;
                String::from_utf8_lossy(raw).into_owned()
            }
        };
        pos = start + len + 1;
        let vec_bytes = dim * 4;
        if bytes.len() - pos < vec_bytes {
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
        for (j, chunk) in bytes[pos..pos + vec_bytes].chunks_exact(4).enumerate() {
            let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if !v.is_finite() {
                return Err(Error::at_byte(
                    path,
                    (pos + j * 4) as u64,
                    format!(
                        "value {} of word {word:?} is {v}; expected a finite number",
                        j + 1
                    ),
                ));
            }
            matrix.push(v);
        }
        if let Some(first) = seen.insert(raw.to_vec(), start) {
            return Err(Error::at_byte(
                path,
                start as u64,
                format!("duplicate word {word:?}, first at byte {first}"),
            ));
        }
        words.push(word);
        pos += vec_bytes;
    }
    if let Some(extra) = bytes[pos..].iter().position(|b| !b.is_ascii_whitespace()) {
        return Err(Error::at_byte(
            path,
            (pos + extra) as u64,
            format!("data after the {count} words the header claims"),
        ));
    }
    Ok((Embeddings::new(words, matrix, dim)?, notes))
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
