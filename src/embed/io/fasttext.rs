//! fastText `.bin` models: magic and version, the training arguments, the dictionary, then
//! the input matrix (`nwords + bucket` rows). Word vectors are the mean of a word's row and
//! its n-gram rows, as fastText's `get_word_vector` computes them; the n-gram rows are kept
//! for words never seen.
//!
//! Two layouts: fastText 0.9 and gensim's `save_facebook_model` (magic, version 11 or 12, a
//! pruned-index size after the dictionary header, a quantisation flag before each matrix),
//! and the releases before it, which wrote none of those four fields (the 2016–2017
//! published Wikipedia and Common Crawl models): such a file starts with the arguments and is
//! recognised by their plausibility, as gensim's `_fasttext_bin.py` reads both.

use std::path::Path;

use super::{ReadNotes, WordEncoding};
use crate::embed::subword::Subwords;
use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};
use crate::floats::Floats;

pub(super) const MAGIC: u32 = 793_712_314;
/// Versions read: 11 (before the dictionary pruning index) and 12 (current).
const VERSIONS: [u32; 2] = [11, 12];
const MAX_DIM: i32 = 100_000;
const MAX_WORD_BYTES: usize = 1 << 16;
/// fastText's end-of-sentence token.
const EOS: &[u8] = b"</s>";

/// The training arguments that matter for reading vectors.
struct Args {
    dim: usize,
    model: i32,
    bucket: u64,
    minn: usize,
    maxn: usize,
}

/// A little-endian cursor that names the byte offset of what it failed to read.
struct Cursor<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::at_byte(
                self.path,
                self.pos as u64,
                format!("file ends inside {what} (truncated fastText model)"),
            ));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn i32(&mut self, what: &str) -> Result<i32> {
        let b = self.take(4, what)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i64(&mut self, what: &str) -> Result<i64> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }
    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }
    fn fail(&self, at: usize, msg: impl Into<String>) -> Error {
        Error::at_byte(self.path, at as u64, msg)
    }
}

/// The layout of a `.bin` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// fastText 0.9 (version 12) or the version before (11).
    Versioned(u32),
    /// Before fastText 0.9: no magic, version, pruned-index size or quantisation flags.
    Unversioned,
}

impl Layout {
    fn has_quantisation_flags(self) -> bool {
        self != Layout::Unversioned
    }
}

/// Whether `bytes` start like a fastText model from before version 0.9: an argument block and
/// a dictionary header whose values are all plausible. (The current layout's magic number,
/// read as `dim`, is far beyond any plausible dimension, so the two never overlap.)
pub(super) fn looks_unversioned(bytes: &[u8]) -> bool {
    let int = |i: usize| {
        bytes
            .get(i * 4..i * 4 + 4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let Some(ints) = (0..12).map(int).collect::<Option<Vec<i32>>>() else {
        return false;
    };
    let Some(t) = bytes.get(48..56).map(|b| {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        f64::from_le_bytes(a)
    }) else {
        return false;
    };
    let Some(dict) = (14..17).map(int).collect::<Option<Vec<i32>>>() else {
        return false;
    };
    let [
        dim,
        ws,
        epoch,
        min_count,
        neg,
        word_ngrams,
        loss,
        model,
        bucket,
        minn,
        maxn,
        lr_update,
    ] = ints[..]
    else {
        return false;
    };
    let (size, nwords, nlabels) = (dict[0], dict[1], dict[2]);
    (1..=MAX_DIM).contains(&dim)
        && (1..=10_000).contains(&ws)
        && (1..=1_000_000).contains(&epoch)
        && min_count >= 0
        && (0..=10_000).contains(&neg)
        && (1..=100).contains(&word_ngrams)
        && (1..=4).contains(&loss)
        && (1..=3).contains(&model)
        && bucket >= 0
        && (0..=64).contains(&minn)
        && (0..=64).contains(&maxn)
        && lr_update >= 0
        && t.is_finite()
        && (0.0..1.0).contains(&t)
        && nwords >= 0
        && nlabels >= 0
        && nwords.checked_add(nlabels) == Some(size)
}

// Over 80 lines: the .bin layout read field by field in file order (args, dictionary, matrices), as
// fastText writes it.
pub(super) fn parse(
    path: &Path,
    bytes: &[u8],
    encoding: WordEncoding,
) -> Result<(Embeddings, ReadNotes)> {
    let mut c = Cursor {
        path,
        bytes,
        pos: 0,
    };
    let layout = if looks_unversioned(bytes) {
        Layout::Unversioned
    } else {
        let magic = c.i32("the magic number")? as u32;
        if magic != MAGIC {
            return Err(c.fail(
                0,
                format!(
                    "magic {magic}, expected fastText's {MAGIC} (and the first bytes are not a plausible argument block of a model from before fastText 0.9)"
                ),
            ));
        }
        let version = c.i32("the version")? as u32;
        if !VERSIONS.contains(&version) {
            return Err(c.fail(
                4,
                format!("fastText model version {version}; wordlens reads versions 11 and 12"),
            ));
        }
        Layout::Versioned(version)
    };
    let args = read_args(&mut c)?;
    let (words, raw_words, notes) = read_dictionary(&mut c, layout, encoding)?;
    let quant_at = c.pos;
    if layout.has_quantisation_flags() && c.u8("the quantisation flag")? != 0 {
        return Err(c.fail(
            quant_at,
            "a quantized model (.ftz): its vectors are compressed with product quantisation; use the full .bin model",
        ));
    }
    let rows_at = c.pos;
    let rows = c.i64("the input matrix row count")?;
    let cols = c.i64("the input matrix column count")?;
    let nwords = words.len() as u64;
    if cols != args.dim as i64 || rows < 0 || rows as u64 != nwords + args.bucket {
        return Err(c.fail(
            rows_at,
            format!(
                "input matrix is {rows} x {cols}; the arguments promise {} x {} ({nwords} words + {} buckets)",
                nwords + args.bucket,
                args.dim,
                args.bucket
            ),
        ));
    }
    let values = (rows as usize).saturating_mul(args.dim);
    let matrix_bytes = c.take(
        values.saturating_mul(4),
        &format!("the {rows} x {cols} input matrix"),
    )?;
    check_output_matrix(&mut c, args.dim, layout)?;
    let input: Vec<f32> = matrix_bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let dim = args.dim;
    let split = words.len() * dim;
    let subwords = Subwords {
        minn: args.minn,
        maxn: args.maxn,
        buckets: Floats::Owned(input[split..].to_vec()),
    };
    // Supervised models before version 12 were trained without n-grams.
    let subwords = if layout != Layout::Versioned(12) && args.model == 3 {
        Subwords {
            maxn: 0,
            ..subwords
        }
    } else {
        subwords
    };
    // fastText gives its end-of-sentence token no n-grams since version 12 (fastText commit
    // ebbd3bf, October 2017, the same commit as the version bump); the releases that wrote
    // version 11 and the unversioned layout composed them like any word's, and their `.vec`
    // files hold that mean. gensim composes them in every layout.
    let mut matrix = Vec::with_capacity(split);
    let mut raw_words = raw_words.into_iter().peekable();
    for (i, w) in words.iter().enumerate() {
        let own = &input[i * dim..(i + 1) * dim];
        // A word whose file bytes are not its UTF-8 text (another encoding, escaped bytes)
        // keeps the n-grams of its bytes, as fastText trained it.
        let raw = match raw_words.next_if(|(at, _)| *at == i) {
            Some((_, raw)) => raw,
            None => w.as_bytes().to_vec(),
        };
        let v = if raw == EOS && layout == Layout::Versioned(12) {
            own.to_vec()
        } else {
            subwords
                .compose_bytes(&raw, dim, Some(own))
                .unwrap_or_else(|| own.to_vec())
        };
        matrix.extend_from_slice(&v);
    }
    let emb = Embeddings::from_parts(words, Floats::Owned(matrix), dim, Some(subwords))
        .map_err(|e| Error::in_file(path, e.to_string()))?;
    Ok((emb, notes))
}

/// The output matrix is not needed for vectors, but a model cut inside it is truncated: say
/// so rather than read a damaged file as if it were whole.
fn check_output_matrix(c: &mut Cursor<'_>, dim: usize, layout: Layout) -> Result<()> {
    if layout.has_quantisation_flags() {
        c.u8("the output quantisation flag")?;
    }
    let at = c.pos;
    let rows = c.i64("the output matrix row count")?;
    let cols = c.i64("the output matrix column count")?;
    if rows < 0 || cols != dim as i64 {
        return Err(c.fail(
            at,
            format!("output matrix is {rows} x {cols}; expected ? x {dim}"),
        ));
    }
    let size = (rows as usize).saturating_mul(dim).saturating_mul(4);
    c.take(size, &format!("the {rows} x {cols} output matrix"))?;
    Ok(())
}

fn read_args(c: &mut Cursor<'_>) -> Result<Args> {
    let at = c.pos;
    let mut ints = [0i32; 12];
    const NAMES: [&str; 12] = [
        "dim",
        "ws",
        "epoch",
        "minCount",
        "neg",
        "wordNgrams",
        "loss",
        "model",
        "bucket",
        "minn",
        "maxn",
        "lrUpdateRate",
    ];
    for (v, name) in ints.iter_mut().zip(NAMES) {
        *v = c.i32(&format!("argument {name}"))?;
    }
    c.take(8, "argument t")?;
    let [dim, .., model, bucket, minn, maxn, _] = ints;
    if !(1..=MAX_DIM).contains(&dim) || bucket < 0 || minn < 0 || !(0..=64).contains(&maxn) {
        return Err(c.fail(
            at,
            format!("implausible arguments: dim {dim}, bucket {bucket}, minn {minn}, maxn {maxn}"),
        ));
    }
    Ok(Args {
        dim: dim as usize,
        model,
        bucket: bucket as u64,
        minn: minn as usize,
        maxn: maxn as usize,
    })
}

/// A word whose bytes in the file are not its text's UTF-8: its index and its bytes.
type RawWord = (usize, Vec<u8>);

// Over 80 lines: the dictionary entries read field by field in file order, every size checked
// before it is used.
/// Reads the dictionary; keeps the words (type 0), skips labels (type 1).
fn read_dictionary(
    c: &mut Cursor<'_>,
    layout: Layout,
    encoding: WordEncoding,
) -> Result<(Vec<String>, Vec<RawWord>, ReadNotes)> {
    let at = c.pos;
    let size = c.i32("the dictionary size")?;
    let nwords = c.i32("the word count")?;
    let nlabels = c.i32("the label count")?;
    let _ntokens = c.i64("the token count")?;
    let prune = match layout {
        Layout::Versioned(_) => c.i64("the pruning index size")?,
        Layout::Unversioned => 0,
    };
    // Each entry takes at least 10 bytes (a NUL, the count, the type): check before allocating.
    let remaining = c.bytes.len() - c.pos;
    if size < 0
        || nwords < 0
        || nlabels < 0
        || nwords.checked_add(nlabels) != Some(size)
        || size as usize > remaining / 10
    {
        return Err(c.fail(
            at,
            format!(
                "dictionary header claims {size} entries ({nwords} words, {nlabels} labels); the file has {remaining} bytes left (truncated or damaged)"
            ),
        ));
    }
    if prune > 0 {
        return Err(c.fail(
            at,
            "a pruned dictionary (written by quantization): use the full .bin model",
        ));
    }
    let mut words = Vec::with_capacity(nwords as usize);
    let mut raw_words = Vec::new();
    let mut notes = ReadNotes {
        encoding,
        ..ReadNotes::default()
    };
    for i in 0..size {
        let start = c.pos;
        let rest = &c.bytes[start..];
        let Some(len) = rest.iter().take(MAX_WORD_BYTES).position(|&b| b == 0) else {
            return Err(c.fail(
                start,
                format!(
                    "dictionary entry {} of {size}: no NUL ending the word",
                    i + 1
                ),
            ));
        };
        let raw = c.take(len + 1, "a dictionary word")?;
        let (word, escaped) = encoding.decode(&raw[..len]);
        let word = word.into_owned();
        c.i64("a dictionary count")?;
        let kind_at = c.pos;
        match c.u8("a dictionary entry type")? {
            0 => {
                notes.escaped_words += u64::from(escaped);
                if word.as_bytes() != &raw[..len] {
                    raw_words.push((words.len(), raw[..len].to_vec()));
                }
                words.push(word)
            }
            1 => {}
            other => {
                return Err(c.fail(
                    kind_at,
                    format!("entry type {other}; expected 0 (word) or 1 (label)"),
                ));
            }
        }
    }
    if words.len() != nwords as usize {
        return Err(c.fail(
            at,
            format!(
                "dictionary header claims {nwords} words, the entries hold {}",
                words.len()
            ),
        ));
    }
    Ok((words, raw_words, notes))
}
