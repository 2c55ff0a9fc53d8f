//! The native wordlens vectors format, made to open instantly: a 128-byte header, the
//! vocabulary, then the matrices aligned to 64 bytes so float32 ones are memory-mapped (the
//! page cache holds them, not the heap). Optional int8 or product quantisation shrinks the
//! file; quantised matrices are decoded into memory on open.
//!
//! Header (little-endian): magic `WLVECTRS`, version u32, quantisation u32 (0 f32, 1 int8,
//! 2 pq), dim u32, pq sub-dimension u32, word count u64, n-gram buckets u64, minn u32, maxn u32,
//! vocabulary bytes u64, vocabulary CRC-32, data CRC-32, then at byte 64 the header's CRC-32.
//! Vocabulary: per word a u32 byte length and the UTF-8 bytes. Every size is checked against
//! the file length before anything is allocated; the header and vocabulary checksums are
//! checked on open, the data checksum by `verify` (reading 480 MB to check it would undo the
//! point of mapping).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::quantize::{self, Quantization};
use crate::embed::subword::Subwords;
use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};
use crate::floats::{Floats, map_file};

pub(super) const MAGIC: &[u8; 8] = b"WLVECTRS";
const VERSION: u32 = 1;
const HEADER: usize = 128;
const ALIGN: usize = 64;
const MAX_DIM: u64 = 100_000;

struct Header {
    quant: Quantization,
    dim: usize,
    count: usize,
    bucket: usize,
    minn: usize,
    maxn: usize,
    vocab_len: usize,
    vocab_crc: u32,
    data_crc: u32,
}

fn align(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

/// Writes `emb` (with its n-grams, if any) quantised as asked.
pub(super) fn write(
    w: &mut impl Write,
    emb: &Embeddings,
    quant: Quantization,
) -> std::io::Result<()> {
    let dim = emb.dim();
    let mut vocab = Vec::new();
    for word in emb.words() {
        vocab.extend_from_slice(&(word.len() as u32).to_le_bytes());
        vocab.extend_from_slice(word.as_bytes());
    }
    let (bucket, minn, maxn) = match emb.subwords() {
        Some(s) => (s.bucket_count(dim) as usize, s.minn, s.maxn),
        None => (0, 0, 0),
    };
    let mut data = quantize::encode(emb.matrix(), dim, quant);
    if let Some(s) = emb.subwords() {
        data.extend(quantize::encode(s.buckets.as_slice(), dim, quant));
    }
    let mut h = vec![0u8; HEADER];
    h[..8].copy_from_slice(MAGIC);
    put(&mut h, 8, &VERSION.to_le_bytes());
    put(&mut h, 12, &quant.code().to_le_bytes());
    put(&mut h, 16, &(dim as u32).to_le_bytes());
    put(&mut h, 20, &quant.pq_dsub().to_le_bytes());
    put(&mut h, 24, &(emb.len() as u64).to_le_bytes());
    put(&mut h, 32, &(bucket as u64).to_le_bytes());
    put(&mut h, 40, &(minn as u32).to_le_bytes());
    put(&mut h, 44, &(maxn as u32).to_le_bytes());
    put(&mut h, 48, &(vocab.len() as u64).to_le_bytes());
    put(&mut h, 56, &crc32fast::hash(&vocab).to_le_bytes());
    put(&mut h, 60, &crc32fast::hash(&data).to_le_bytes());
    let header_crc = crc32fast::hash(&h[..64]);
    put(&mut h, 64, &header_crc.to_le_bytes());
    w.write_all(&h)?;
    w.write_all(&vocab)?;
    w.write_all(&vec![0u8; align(vocab.len()) - vocab.len()])?;
    w.write_all(&data)
}

fn put(h: &mut [u8], at: usize, bytes: &[u8]) {
    h[at..at + bytes.len()].copy_from_slice(bytes);
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn read_header(path: &Path, b: &[u8]) -> Result<Header> {
    if b.len() < HEADER || &b[..8] != MAGIC {
        return Err(Error::at_byte(path, 0, "not a wordlens vectors file"));
    }
    if crc32fast::hash(&b[..64]) != u32_at(b, 64) {
        return Err(Error::at_byte(
            path,
            64,
            "header checksum mismatch: the file is damaged",
        ));
    }
    let version = u32_at(b, 8);
    if version != VERSION {
        return Err(Error::at_byte(
            path,
            8,
            format!("wordlens vectors version {version}; this wordlens reads version {VERSION}"),
        ));
    }
    let quant = Quantization::from_code(u32_at(b, 12), u32_at(b, 20))
        .ok_or_else(|| Error::at_byte(path, 12, "unknown quantisation code"))?;
    let dim = u32_at(b, 16) as u64;
    let (count, bucket, vocab_len) = (u64_at(b, 24), u64_at(b, 32), u64_at(b, 48));
    let len = b.len() as u64;
    // Each word takes at least 5 bytes; each vector at least one byte per dimension.
    if dim == 0 || dim > MAX_DIM || count > len / 5 || bucket > len || vocab_len > len {
        return Err(Error::at_byte(
            path,
            16,
            format!(
                "header claims {count} words, {bucket} n-gram rows of dimension {dim} and {vocab_len} vocabulary bytes; the file has {len} bytes"
            ),
        ));
    }
    Ok(Header {
        quant,
        dim: dim as usize,
        count: count as usize,
        bucket: bucket as usize,
        minn: u32_at(b, 40) as usize,
        maxn: u32_at(b, 44) as usize,
        vocab_len: vocab_len as usize,
        vocab_crc: u32_at(b, 56),
        data_crc: u32_at(b, 60),
    })
}

/// Opens a native file: float32 matrices are mapped, quantised ones decoded.
pub(super) fn open(path: &Path) -> Result<Embeddings> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let map = Arc::new(map_file(&file).map_err(|e| Error::io(path, e))?);
    let b: &[u8] = &map;
    let h = read_header(path, b)?;
    let vocab_end = HEADER + h.vocab_len;
    let data_start = HEADER + align(h.vocab_len);
    let words_size = h.quant.encoded_len(h.count, h.dim);
    let buckets_size = h.quant.encoded_len(h.bucket, h.dim);
    let expected = data_start as u64 + words_size as u64 + buckets_size as u64;
    if b.len() as u64 != expected {
        return Err(Error::at_byte(
            path,
            b.len().min(expected as usize) as u64,
            format!(
                "the header promises {expected} bytes ({} words x {} dims{}), the file has {} (truncated or padded)",
                h.count,
                h.dim,
                h.quant.describe(),
                b.len()
            ),
        ));
    }
    let vocab = &b[HEADER..vocab_end];
    if crc32fast::hash(vocab) != h.vocab_crc {
        return Err(Error::at_byte(
            path,
            HEADER as u64,
            "vocabulary checksum mismatch: the file is damaged",
        ));
    }
    let words = read_vocab(path, vocab, h.count)?;
    if h.quant != Quantization::None && crc32fast::hash(&b[data_start..]) != h.data_crc {
        return Err(Error::at_byte(
            path,
            data_start as u64,
            "data checksum mismatch: the file is damaged",
        ));
    }
    let words_floats = block(path, &map, &h, data_start, h.count)?;
    let subwords = if h.bucket > 0 {
        Some(Subwords {
            minn: h.minn,
            maxn: h.maxn,
            buckets: block(path, &map, &h, data_start + words_size, h.bucket)?,
        })
    } else {
        None
    };
    Embeddings::from_checked_parts(words, words_floats, h.dim, subwords)
        .map_err(|e| Error::in_file(path, e.to_string()))
}

/// The `rows × dim` matrix at `start`: mapped when float32, decoded otherwise (quantised data
/// is read whole, so its checksum is checked on open).
fn block(
    path: &Path,
    map: &Arc<memmap2::Mmap>,
    h: &Header,
    start: usize,
    rows: usize,
) -> Result<Floats> {
    let len = rows * h.dim;
    if h.quant == Quantization::None {
        return Floats::from_map(map.clone(), start, len)
            .ok_or_else(|| Error::at_byte(path, start as u64, "matrix out of range"));
    }
    let size = h.quant.encoded_len(rows, h.dim);
    quantize::decode(&map[start..start + size], rows, h.dim, h.quant)
        .map(Floats::Owned)
        .ok_or_else(|| Error::at_byte(path, start as u64, "damaged quantised matrix"))
}

fn read_vocab(path: &Path, vocab: &[u8], count: usize) -> Result<Vec<String>> {
    // Where each word starts (sequential, cheap), then the strings in parallel: building
    // 400,000 strings is most of the time an open takes.
    let mut spans = Vec::with_capacity(count);
    let mut pos = 0usize;
    for i in 0..count {
        let len = vocab
            .get(pos..pos + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        match len.filter(|&len| pos + 4 + len <= vocab.len()) {
            Some(len) => spans.push((pos + 4, len)),
            None => {
                return Err(Error::at_byte(
                    path,
                    (HEADER + pos) as u64,
                    format!("word {} of {count}: the vocabulary ends early", i + 1),
                ));
            }
        }
        pos += 4 + spans[i].1;
    }
    if pos != vocab.len() {
        return Err(Error::at_byte(
            path,
            (HEADER + pos) as u64,
            "vocabulary longer than its words",
        ));
    }
    spans
        .par_iter()
        .enumerate()
        .map(|(i, &(start, len))| {
            std::str::from_utf8(&vocab[start..start + len])
                .map(str::to_string)
                .map_err(|_| {
                    Error::at_byte(
                        path,
                        (HEADER + start) as u64,
                        format!("word {} of {count}: not UTF-8", i + 1),
                    )
                })
        })
        .collect()
}

/// Reads every data byte and checks the data checksum (open checks only header and
/// vocabulary, to stay instant).
pub fn verify(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let h = read_header(path, &bytes)?;
    let data_start = HEADER + align(h.vocab_len);
    let data = bytes.get(data_start..).unwrap_or(&[]);
    if crc32fast::hash(data) != h.data_crc {
        return Err(Error::at_byte(
            path,
            data_start as u64,
            "data checksum mismatch: the file is damaged",
        ));
    }
    Ok(())
}
