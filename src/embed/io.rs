//! Reading and writing vector files. The format is detected from the first bytes: the
//! native wordlens magic, a fastText `.bin` magic number, a `count dim` header followed by
//! text (word2vec text, fastText `.vec`) or by binary floats (word2vec binary), or no header
//! at all (GloVe).

mod binary;
mod encoding;
mod fasttext;
mod native;
pub mod quantize;
mod text;

pub use encoding::WordEncoding;
pub use native::verify as verify_native;
pub use quantize::Quantization;

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::embed::vectors::Embeddings;
use crate::error::{Error, Result};
use crate::fsutil::atomic_write;

/// The vector file formats wordlens reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum VectorFormat {
    /// word2vec binary (C tool, gensim `binary=True`)
    #[serde(rename = "w2v-bin")]
    #[cfg_attr(feature = "cli", value(name = "w2v-bin"))]
    W2vBin,
    /// word2vec text: `count dim` header, then `word v1 ... vd` lines
    #[serde(rename = "w2v-txt")]
    #[cfg_attr(feature = "cli", value(name = "w2v-txt"))]
    W2vTxt,
    /// fastText `.vec` (the word2vec text layout)
    #[serde(rename = "vec")]
    #[cfg_attr(feature = "cli", value(name = "vec"))]
    Vec,
    /// GloVe text: `word v1 ... vd` lines, no header
    #[serde(rename = "glove")]
    #[cfg_attr(feature = "cli", value(name = "glove"))]
    Glove,
    /// fastText `.bin` model (read only): word vectors and n-gram rows
    #[serde(rename = "fasttext-bin")]
    #[cfg_attr(feature = "cli", value(name = "fasttext-bin"))]
    FasttextBin,
    /// native wordlens vectors: memory-mapped on open, n-grams kept, optionally quantised
    #[serde(rename = "wordlens")]
    #[cfg_attr(feature = "cli", value(name = "wordlens"))]
    Wordlens,
    /// A static embedding model folder (read only): its whole-word tokens as a word table
    #[serde(rename = "static")]
    #[cfg_attr(feature = "cli", value(skip))]
    StaticModel,
}

impl VectorFormat {
    /// The name messages use ("fastText .bin model").
    pub fn name(self) -> &'static str {
        match self {
            VectorFormat::W2vBin => "word2vec binary",
            VectorFormat::W2vTxt => "word2vec text",
            VectorFormat::Vec => "fastText .vec",
            VectorFormat::Glove => "GloVe text",
            VectorFormat::FasttextBin => "fastText .bin model",
            VectorFormat::Wordlens => "wordlens native",
            VectorFormat::StaticModel => "static embedding model",
        }
    }
}

/// Warnings gathered while reading (nothing silent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadNotes {
    /// Words holding bytes the encoding does not decode (a legacy code page read as UTF-8;
    /// the C tool cuts words at 100 bytes, which can split a character): those bytes were
    /// written as `\xNN`, so the words stay distinct.
    pub escaped_words: u64,
    /// The encoding the words were read in.
    pub encoding: WordEncoding,
}

impl ReadNotes {
    /// The warning to print once, if there is one (`source` names the file).
    pub fn warning(&self, source: &str) -> Option<String> {
        (self.escaped_words > 0).then(|| {
            format!(
                "warning: {source}: {} words hold bytes that are not {}; they were kept as \\xNN \
                 escapes (if the file is in a legacy code page, say which: --encoding cp852, \
                 latin1, windows-1250, ...)",
                self.escaped_words,
                self.encoding.name()
            )
        })
    }
}

/// Bytes read to detect the format.
const SNIFF_BYTES: usize = 1 << 16;

/// Vectors read from a file, the format detected, and the warnings gathered.
pub struct Loaded {
    pub embeddings: Embeddings,
    pub format: VectorFormat,
    pub notes: ReadNotes,
}

/// Detects the format of `bytes`.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<VectorFormat> {
    if bytes.is_empty() {
        return Err(Error::in_file(
            path,
            "the file is empty; expected a vector file",
        ));
    }
    if bytes.starts_with(native::MAGIC) {
        return Ok(VectorFormat::Wordlens);
    }
    if bytes.len() >= 4
        && u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) == fasttext::MAGIC
    {
        return Ok(VectorFormat::FasttextBin);
    }
    if fasttext::looks_unversioned(bytes) {
        return Ok(VectorFormat::FasttextBin);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(Error::at_byte(
            path,
            0,
            "gzip-compressed; decompress the vector file first (gunzip)",
        ));
    }
    let first_end = memchr_newline(bytes, 0);
    let first = &bytes[..first_end];
    match text::parse_header(first) {
        Some((_, dim)) => {
            let second_start = (first_end + 1).min(bytes.len());
            let second_end = memchr_newline(bytes, second_start);
            let second = &bytes[second_start..second_end];
            // Binary floats nearly always hold control bytes; text never does. Look past the
            // second "line": a float may hold 0x0A and cut it short.
            let window = &bytes[second_start..bytes.len().min(second_start + (1 << 16))];
            let has_control = window
                .iter()
                .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'));
            if text::looks_like_text_record(second, dim) || !has_control {
                Ok(VectorFormat::W2vTxt)
            } else {
                Ok(VectorFormat::W2vBin)
            }
        }
        None => match bytes.iter().take(SNIFF_BYTES).position(|&b| b == 0) {
            // Text never holds NUL: this is binary data in a layout none of the readers knows.
            Some(at) => Err(Error::at_byte(
                path,
                at as u64,
                format!(
                    "binary data (a NUL byte) that matches no vector layout wordlens reads; tried: {NO_LAYOUT_TRIED}"
                ),
            )),
            None => Ok(VectorFormat::Glove),
        },
    }
}

/// What `sniff` checks, in its order, for the message when nothing matches.
const NO_LAYOUT_TRIED: &str = "wordlens native (magic WLVECTRS), fastText .bin 0.9 (magic 793712314), \
fastText .bin before 0.9 (plausible arguments dim, ws, epoch, … and a dictionary header), gzip, \
word2vec binary or text (a \"count dim\" first line), GloVe text (lines of a word and numbers)";

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Reads any supported vector file with UTF-8 words; see `read_in`.
pub fn read(path: &Path) -> Result<Loaded> {
    read_in(path, WordEncoding::Utf8)
}

/// Reads any supported vector file, its words in `encoding`; the native format (always UTF-8)
/// is memory-mapped, not read. A folder is refused: models are `docvec::encoder`'s.
pub fn read_in(path: &Path, encoding: WordEncoding) -> Result<Loaded> {
    if path.is_dir() {
        // Which model a folder holds is `docvec::encoder`'s to decide (`--vectors` opens it).
        return Err(Error::in_file(
            path,
            "is a folder; expected a vectors file (model folders open through --vectors)",
        ));
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    if sniff(path, &head)? == VectorFormat::Wordlens {
        return Ok(Loaded {
            embeddings: native::open(path)?,
            format: VectorFormat::Wordlens,
            notes: ReadNotes::default(),
        });
    }
    // Mapped, not read: parsing walks the file once, so copying it onto the heap first cost a
    // third of the time and as much memory as the file (400k × 300 binary: 0.75 s → see
    // bench/README.md, "loading").
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let empty = file.metadata().map_err(|e| Error::io(path, e))?.len() == 0;
    let map = if empty {
        None
    } else {
        Some(crate::floats::map_file(&file).map_err(|e| Error::io(path, e))?)
    };
    let file: &[u8] = map.as_deref().unwrap_or(&[]);
    // Text files written on Windows may start with a byte-order mark; it is not part of a word.
    let bytes = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let format = sniff(path, bytes)?;
    let (embeddings, notes) = match format {
        VectorFormat::Wordlens => (native::open(path)?, ReadNotes::default()),
        VectorFormat::StaticModel => {
            return Err(Error::in_file(
                path,
                "a static model is a folder, not a file",
            ));
        }
        VectorFormat::FasttextBin => fasttext::parse(path, bytes, encoding)?,
        VectorFormat::W2vBin => binary::parse(path, bytes, encoding)?,
        VectorFormat::W2vTxt | VectorFormat::Vec => text::parse(path, bytes, true, encoding)?,
        VectorFormat::Glove => text::parse(path, bytes, false, encoding)?,
    };
    Ok(Loaded {
        embeddings,
        format,
        notes,
    })
}

/// Parses word2vec binary held in memory (used by files that embed vectors, such as models).
pub fn parse_w2v_bin(path: &Path, bytes: &[u8]) -> Result<Embeddings> {
    binary::parse(path, bytes, WordEncoding::Utf8).map(|(e, _)| e)
}

/// Writes `emb` as word2vec binary to any writer.
pub fn write_w2v_bin(w: &mut impl std::io::Write, emb: &Embeddings) -> std::io::Result<()> {
    binary::write(w, emb)
}

/// Writes `emb` to `path` in `format`, atomically.
pub fn write(path: &Path, emb: &Embeddings, format: VectorFormat) -> Result<()> {
    write_quantized(path, emb, format, Quantization::None)
}

/// Writes `emb` to `path` in `format`, atomically; `quant` applies to the native format only.
pub fn write_quantized(
    path: &Path,
    emb: &Embeddings,
    format: VectorFormat,
    quant: Quantization,
) -> Result<()> {
    if quant != Quantization::None && format != VectorFormat::Wordlens {
        return Err(Error::Usage(format!(
            "quantisation needs the wordlens format, not {}",
            format.name()
        )));
    }
    if format == VectorFormat::StaticModel {
        return Err(Error::Usage(
            "wordlens reads static model folders but does not write them".into(),
        ));
    }
    if format == VectorFormat::FasttextBin {
        return Err(Error::Usage(
            "wordlens reads fastText .bin models but does not write them: write `wordlens` (keeps the n-grams) or `vec`".into(),
        ));
    }
    atomic_write(path, |w| match format {
        VectorFormat::W2vBin => binary::write(w, emb),
        VectorFormat::W2vTxt | VectorFormat::Vec => text::write(w, emb, true),
        VectorFormat::Glove => text::write(w, emb, false),
        VectorFormat::Wordlens => native::write(w, emb, quant),
        VectorFormat::FasttextBin | VectorFormat::StaticModel => Ok(()),
    })
}
