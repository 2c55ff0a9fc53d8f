//! Static embedding models: a tokenizer (`tokenizer.json`: Llama-style BPE files read by our
//! own `bpe` a `▁word` at a time, every other kind by the `tokenizers` crate) and one vector per
//! token (`.safetensors`). A document's vector is pooled from its tokens the
//! way the model's own package does it, so vectors match the reference to float precision:
//!
//! - model2vec (`embeddings` tensor): text cut to `max_length × median token length` chars,
//!   tokens cut to `max_length` (config, default 512), the unknown token dropped, each token's
//!   row taken through `mapping` and scaled by `weights` when present, then the mean;
//! - sentence-transformers `StaticEmbedding` and WordLlama (`embedding.weight`): the plain mean
//!   of every token's row;
//!
//! then unit length when the model's config (or `modules.json`'s Normalize) says so.

mod bpe;
mod normalizer;
/// Reading `tokenizer.json` and the tensors when a model opens.
mod opening;
mod piece_split;
mod unigram;
mod wordpiece;
pub(crate) use opening::crate_tokenizer;
use opening::{ReadTokenizer, Tensors, UnknownToken, cap_tokens, open_tensors, read_tokenizer};
pub(crate) mod layout;
mod rows;
mod tables;
pub(crate) mod tensor;
mod token_map;
mod tokenizer_file;
mod word_cache;

pub use layout::{EXPECTED, Layout};
pub use opening::{IdPair, own_and_crate_ids};

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::embed::Embeddings;
use crate::error::{Error, Result};
use crate::kernels::normalize;
use crate::kernels::pooling::BLOCK;
use bpe::Bpe;
use piece_split::PieceSplit;
use rows::TokenRows;
use tensor::TensorFile;
use tokenizer_file::{TokenizerFile, WordSplit};

/// Which package's pooling the model follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Model2Vec,
    /// sentence-transformers `StaticEmbedding`, WordLlama.
    StaticEmbedding,
}

impl Family {
    /// The name messages use.
    pub fn name(self) -> &'static str {
        match self {
            Family::Model2Vec => "model2vec",
            Family::StaticEmbedding => "static embedding (sentence-transformers / WordLlama)",
        }
    }
}

/// A static embedding model (model2vec, WordLlama, sentence-transformers' StaticEmbedding): a tokenizer and one vector per token.
pub struct StaticModel {
    pub layout: Layout,
    pub family: Family,
    /// The `tokenizers` crate's pipeline (see `pipeline`), or why it could not be built.
    pipeline: OnceLock<std::result::Result<Tokenizer, String>>,
    /// model2vec's cap on tokens per text, applied to the pipeline too.
    token_cap: Option<usize>,
    matrix: TokenRows,
    rows: usize,
    dim: usize,
    /// model2vec: per-token scale.
    weights: Option<Vec<f32>>,
    /// model2vec: token id → matrix row.
    mapping: Option<Vec<u32>>,
    /// model2vec drops this token (word-level vocabularies map every unknown word to it).
    drop_id: Option<u32>,
    /// model2vec: texts are cut to this many chars before tokenizing.
    char_cap: Option<usize>,
    /// The model's own setting: pooled vectors scaled to unit length.
    pub normalize: bool,
    /// Token strings by id.
    tokens: Vec<String>,
    model_type: String,
    continuing_prefix: Option<String>,
    /// Our own ids-only tokenizer, when it gives the crate's ids.
    own: Option<OwnIds>,
    /// `token_table`, built on first use.
    token_table: OnceLock<Arc<Embeddings>>,
    /// `word_table` and `fingerprint`, computed on first use.
    word_table: OnceLock<Arc<Embeddings>>,
    fingerprint: OnceLock<String>,
}

impl StaticModel {
    /// Opens the model folder `root` (see `Layout` for what it may hold).
    pub fn open(root: &Path) -> Result<Self> {
        let layout = Layout::locate(root)?;
        let config = layout.read_config()?;
        let tk_path = &layout.tokenizer;
        let tk_bytes = std::fs::read(tk_path).map_err(|e| Error::io(tk_path, e))?;
        // The tensors (bf16 and int8 are decoded to f32 here) load while the tokenizer is read.
        let panicked = |what: &str| Error::Internal(format!("{what} panicked"));
        let (tokenizer, tensors) = std::thread::scope(|scope| {
            let tensors = scope.spawn(|| open_tensors(&layout.tensors));
            (read_tokenizer(tk_path, &tk_bytes), tensors.join())
        });
        let Tensors {
            file: tf,
            family,
            name,
            matrix,
            rows,
            dim,
        } = tensors.map_err(|_| panicked("reading the tensors"))??;
        let ReadTokenizer {
            pipeline,
            tokens,
            own,
            model_type,
            continuing_prefix,
            unknown,
        } = tokenizer?;
        let vocab_size = tokens.len();
        let st = &layout.tensors;
        let mut model = Self {
            family,
            pipeline: match pipeline {
                Some(p) => OnceLock::from(Ok(p)),
                None => OnceLock::new(),
            },
            token_cap: None,
            matrix,
            rows,
            dim,
            weights: None,
            mapping: None,
            drop_id: None,
            char_cap: None,
            normalize: false,
            tokens,
            model_type,
            continuing_prefix,
            token_table: OnceLock::new(),
            word_table: OnceLock::new(),
            fingerprint: OnceLock::new(),
            own,
            layout: layout.clone(),
        };
        match family {
            Family::Model2Vec => model.setup_model2vec(&tf, &config, unknown)?,
            Family::StaticEmbedding => {
                if vocab_size > rows {
                    return Err(size_mismatch(tk_path, st, name, vocab_size, rows));
                }
                model.normalize =
                    model.layout.normalize_module || config.normalize.unwrap_or(false);
            }
        }
        Ok(model)
    }

    /// The `tokenizers` crate's whole pipeline, built at opening unless the model has the
    /// `▁word` fast path; then only for texts the fast path leaves to it (texts holding an
    /// added token's text such as `<s>`).
    fn pipeline(&self) -> Result<&Tokenizer> {
        let path = &self.layout.tokenizer;
        let built = self.pipeline.get_or_init(|| {
            let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
            let mut tokenizer = crate_tokenizer(&bytes)?;
            cap_tokens(&mut tokenizer, self.token_cap)?;
            Ok(tokenizer)
        });
        built.as_ref().map_err(|e| Error::in_file(path, e.clone()))
    }

    fn setup_model2vec(
        &mut self,
        tf: &TensorFile,
        config: &layout::ModelConfig,
        unknown: UnknownToken,
    ) -> Result<()> {
        let st = self.layout.tensors.clone();
        let tk_path = self.layout.tokenizer.clone();
        let vocab = self.tokens.len();
        self.mapping = match tf.indices(&st, "mapping")? {
            Some(m) => {
                if m.len() != vocab {
                    return Err(size_mismatch(&tk_path, &st, "mapping", vocab, m.len()));
                }
                if let Some(bad) = m.iter().position(|&r| r as usize >= self.rows) {
                    return Err(Error::in_file(
                        &st,
                        format!(
                            "`mapping` sends token {bad} to row {}, beyond the {} rows of `embeddings`",
                            m[bad], self.rows
                        ),
                    ));
                }
                Some(m.into_iter().map(|r| r as u32).collect())
            }
            None if vocab != self.rows => {
                return Err(size_mismatch(&tk_path, &st, "embeddings", vocab, self.rows));
            }
            None => None,
        };
        self.weights = tf.vector(&st, "weights")?;
        if let Some(w) = &self.weights
            && w.len() != vocab
        {
            return Err(size_mismatch(&tk_path, &st, "weights", vocab, w.len()));
        }
        self.drop_id = match unknown {
            UnknownToken::Named(t) => self.tokens.iter().position(|x| *x == t).map(|i| i as u32),
            UnknownToken::Id(id) => Some(id),
            UnknownToken::None => None,
        };
        if let Some(max) = config.max_length {
            let mut lens: Vec<usize> = self.tokens.iter().map(|t| t.chars().count()).collect();
            lens.sort_unstable();
            let n = lens.len();
            // numpy's median (mean of the two middle values), then int() as the package does.
            let median = if n % 2 == 1 {
                lens[n / 2]
            } else {
                (lens[n / 2 - 1] + lens[n / 2]) / 2
            };
            self.char_cap = Some(max.saturating_mul(median));
            if let Some(own) = &mut self.own {
                own.set_max_tokens(max);
            }
            self.token_cap = Some(max);
        }
        if let Some(Ok(tokenizer)) = self.pipeline.get_mut() {
            cap_tokens(tokenizer, self.token_cap).map_err(|e| Error::in_file(&tk_path, e))?;
        }
        self.normalize = config.normalize.unwrap_or(self.layout.normalize_module);
        Ok(())
    }

    /// Vector dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }
    /// Tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }
    /// The model's folder.
    pub fn path(&self) -> &Path {
        &self.layout.root
    }
    /// Whether the token vectors are memory-mapped rather than decoded.
    pub fn is_mapped(&self) -> bool {
        self.matrix.is_mapped()
    }

    /// The token ids pooled for `text` (after the package's caps and dropped tokens).
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = self.tokenizer_ids(text);
        if let Some(drop) = self.drop_id {
            ids.retain(|&i| i != drop);
        }
        ids
    }

    /// The tokenizer's ids of `text` after the package's caps, the unknown token kept: what
    /// the `tokenizers` crate gives for the capped text.
    pub fn tokenizer_ids(&self, text: &str) -> Vec<u32> {
        let text = match self.char_cap {
            // A text of no more bytes than the cap has no more characters either.
            Some(cap) if text.len() <= cap => text,
            Some(cap) => match text.char_indices().nth(cap) {
                Some((cut, _)) => &text[..cut],
                None => text,
            },
            None => text,
        };
        let own = self.own.as_ref().and_then(|o| o.ids(text));
        match own {
            Some(ids) => ids,
            None => match self.pipeline().map(|t| t.encode_fast(text, false)) {
                Ok(Ok(enc)) => enc.get_ids().to_vec(),
                _ => Vec::new(),
            },
        }
    }

    /// The token strings pooled for `text` (for TF-IDF and SIF weighting over tokens).
    pub fn token_strings(&self, text: &str) -> Vec<String> {
        self.token_ids(text)
            .into_iter()
            .filter_map(|i| self.tokens.get(i as usize).cloned())
            .collect()
    }

    /// The matrix row of token `id` and its weight (mapping and weights applied); None when
    /// the id has no row.
    fn row_of(&self, id: u32) -> Option<(usize, f32)> {
        let row = match &self.mapping {
            Some(m) => m.get(id as usize).copied(),
            None => Some(id),
        };
        let row = row.filter(|&r| (r as usize) < self.rows)?;
        let w = self
            .weights
            .as_ref()
            .map_or(1.0, |w| w.get(id as usize).copied().unwrap_or(1.0));
        Some((row as usize, w))
    }

    /// The vector of token `id` as pooling uses it (mapping and weight applied), added to
    /// `acc` scaled by `scale`. False when the id has no row.
    fn add_token(&self, id: u32, scale: f32, acc: &mut [f32]) -> bool {
        let Some((row, w)) = self.row_of(id) else {
            return false;
        };
        self.matrix.add_row(row, self.dim, w * scale, acc);
        true
    }

    /// Starts loading token `id`'s row into the caches.
    fn prefetch(&self, id: u32) {
        let row = match &self.mapping {
            Some(m) => m.get(id as usize).copied(),
            None => Some(id),
        };
        if let Some(row) = row.filter(|&r| (r as usize) < self.rows) {
            self.matrix.prefetch_row(row as usize, self.dim);
        }
    }

    /// The model's document vector of `text` (unit length if the model normalises); all zeros
    /// when the text has no token.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.pool(&self.token_ids(text))
    }

    /// The pooled vector of token ids (`embed` after tokenizing).
    pub fn pool(&self, ids: &[u32]) -> Vec<f32> {
        let mut v = vec![0.0f32; self.dim];
        let mut n = 0usize;
        // Rows are added a block at a time, in token order (the same sums as one by one).
        let mut block = [(0usize, 0.0f32); BLOCK];
        let mut held = 0;
        for (i, &id) in ids.iter().enumerate() {
            if let Some(&ahead) = ids.get(i + PREFETCH_AHEAD) {
                self.prefetch(ahead);
            }
            let Some(row) = self.row_of(id) else {
                continue;
            };
            block[held] = row;
            held += 1;
            n += 1;
            if held == BLOCK {
                self.matrix.add_rows(&block, self.dim, &mut v);
                held = 0;
            }
        }
        self.matrix.add_rows(&block[..held], self.dim, &mut v);
        if n > 0 {
            let inv = 1.0 / n as f32;
            v.iter_mut().for_each(|x| *x *= inv);
        }
        if self.normalize {
            normalize(&mut v);
        }
        v
    }

    /// `embed` over many texts in parallel, in order.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts.par_iter().map(|t| self.embed(t)).collect()
    }

    /// CRC-32 of the tokenizer and tensor files: what a saved classifier checks on load.
    pub fn fingerprint(&self) -> Result<String> {
        once(&self.fingerprint, || self.checksum())
    }

    fn checksum(&self) -> Result<String> {
        let mut h = crc32fast::Hasher::new();
        for p in [&self.layout.tokenizer, &self.layout.tensors] {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            h.update(&bytes);
        }
        Ok(format!("{:08x}", h.finalize()))
    }

    /// One line for status bars and reports.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}: {} tokens × {}{}; {})",
            self.layout.root.display(),
            self.family.name(),
            self.tokens.len(),
            self.dim,
            if self.normalize { ", unit length" } else { "" },
            self.tokenizer_route()
        )
    }

    /// Which code tokenizes: our own ids-only reader of the model's family, or the
    /// `tokenizers` crate for a configuration our readers do not reproduce.
    pub fn tokenizer_route(&self) -> String {
        match &self.own {
            Some(own) => format!("{} tokenized by wordlens's own reader", own.family()),
            None => format!(
                "tokenized by the tokenizers crate: wordlens's readers cover Llama-style BPE, WordPiece with BERT's pre-tokenizer and Unigram with Metaspace, not this {} configuration",
                if self.model_type.is_empty() {
                    "tokenizer"
                } else {
                    &self.model_type
                }
            ),
        }
    }
}

/// Our own ids-only tokenization of a `tokenizer.json` (see `bpe`, `wordpiece`, `unigram`).
enum OwnIds {
    /// Llama-style BPE, a `▁word` at a time.
    Llama(Box<WordSplit>),
    /// WordPiece or Unigram.
    Pieces(Box<PieceSplit>),
}

impl OwnIds {
    /// The ids of `text`, or None for a text only the crate's pipeline reproduces.
    fn ids(&self, text: &str) -> Option<Vec<u32>> {
        match self {
            Self::Llama(s) => s.ids(text),
            Self::Pieces(p) => p.ids(text),
        }
    }

    fn set_max_tokens(&mut self, max: usize) {
        match self {
            Self::Llama(s) => s.max_tokens = Some(max),
            Self::Pieces(p) => p.max_tokens = Some(max),
        }
    }

    fn family(&self) -> &'static str {
        match self {
            Self::Llama(_) => "BPE",
            Self::Pieces(p) => p.family(),
        }
    }
}

/// Pooling asks for the row of the token this many places ahead.
const PREFETCH_AHEAD: usize = 4;

/// The value in `cell`, computed by `make` the first time (an error is returned, not kept).
fn once<T: Clone>(cell: &OnceLock<T>, make: impl FnOnce() -> Result<T>) -> Result<T> {
    if let Some(v) = cell.get() {
        return Ok(v.clone());
    }
    let v = make()?;
    Ok(cell.get_or_init(|| v).clone())
}

fn size_mismatch(tk: &Path, st: &Path, tensor: &str, vocab: usize, rows: usize) -> Error {
    Error::in_file(
        st,
        format!(
            "tensor `{tensor}` has {rows} rows but {} has {vocab} tokens: the tokenizer and the matrix disagree",
            tk.display()
        ),
    )
}
