//! Static embedding models: a tokenizer (`tokenizer.json`, read by the `tokenizers` crate)
//! and one vector per token (`.safetensors`). A document's vector is pooled from its tokens the
//! way the model's own package does it, so vectors match the reference to float precision:
//!
//! - model2vec (`embeddings` tensor): text cut to `max_length × median token length` chars,
//!   tokens cut to `max_length` (config, default 512), the unknown token dropped, each token's
//!   row taken through `mapping` and scaled by `weights` when present, then the mean;
//! - sentence-transformers `StaticEmbedding` and WordLlama (`embedding.weight`): the plain mean
//!   of every token's row;
//!
//! then unit length when the model's config (or `modules.json`'s Normalize) says so.

mod layout;
mod tensor;

pub use layout::{EXPECTED, Layout, is_model_folder};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use tokenizers::Tokenizer;

use crate::embed::Embeddings;
use crate::embed::kernels::{axpy, normalize};
use crate::error::{Error, Result};
use crate::floats::Floats;
use tensor::TensorFile;

/// Which package's pooling the model follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Model2Vec,
    /// sentence-transformers `StaticEmbedding`, WordLlama.
    StaticEmbedding,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Model2Vec => "model2vec",
            Family::StaticEmbedding => "static embedding (sentence-transformers / WordLlama)",
        }
    }
}

pub struct StaticModel {
    pub layout: Layout,
    pub family: Family,
    tokenizer: Tokenizer,
    matrix: Floats,
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
    /// The fast path for Llama-style tokenizers, when it gives the same ids.
    split: Option<WordSplit>,
    /// `token_table`, built on first use.
    table: std::sync::OnceLock<std::sync::Arc<Embeddings>>,
}

/// The bits of `tokenizer.json` the `tokenizers` crate does not expose.
#[derive(Deserialize)]
struct TokenizerFile {
    model: TokenizerModel,
    #[serde(default)]
    normalizer: serde_json::Value,
    #[serde(default)]
    pre_tokenizer: serde_json::Value,
    #[serde(default)]
    added_tokens: Vec<AddedToken>,
}

#[derive(Deserialize)]
struct AddedToken {
    content: String,
}

#[derive(Deserialize)]
struct TokenizerModel {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    unk_token: Option<String>,
    #[serde(default)]
    unk_id: Option<u32>,
    #[serde(default)]
    continuing_subword_prefix: Option<String>,
    #[serde(default)]
    dropout: Option<f64>,
}

/// Llama-style tokenizers (WordLlama's) have no pre-tokenizer: the normalizer prepends `▁` and
/// turns spaces into `▁`, and BPE runs over the whole text at once, which is slow on long
/// documents. When no vocabulary token holds a `▁` after another character, no merge can cross
/// the start of a `▁word`, so each `▁word` is tokenized alone — the same ids, and the BPE
/// model's word cache then serves repeated words. Texts holding an added token's text (`<s>`)
/// take the full pipeline.
struct WordSplit {
    added: Vec<String>,
    max_tokens: Option<usize>,
}

impl WordSplit {
    fn detect(file: &TokenizerFile, tokens: &[String]) -> Option<Self> {
        let llama_normalizer = serde_json::json!({"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]});
        let ok = file.model.kind.as_deref() == Some("BPE")
            && file.model.dropout.is_none()
            && file.pre_tokenizer.is_null()
            && file.normalizer == llama_normalizer
            && !tokens.iter().any(|t| {
                let mut prev_other = false;
                t.chars().any(|c| {
                    let crosses = c == '▁' && prev_other;
                    prev_other = c != '▁';
                    crosses
                })
            });
        ok.then(|| Self {
            added: file
                .added_tokens
                .iter()
                .map(|a| a.content.clone())
                .collect(),
            max_tokens: None,
        })
    }
}

impl StaticModel {
    /// Opens the model folder `root` (see `Layout` for what it may hold).
    pub fn open(root: &Path) -> Result<Self> {
        let layout = Layout::locate(root)?;
        let config = layout.read_config()?;
        let tk_path = &layout.tokenizer;
        let tk_bytes = std::fs::read(tk_path).map_err(|e| Error::io(tk_path, e))?;
        let mut tokenizer = Tokenizer::from_bytes(&tk_bytes).map_err(|e| {
            Error::in_file(
                tk_path,
                format!("not a tokenizer.json the tokenizers library reads: {e}"),
            )
        })?;
        let described: TokenizerFile = serde_json::from_slice(&tk_bytes)
            .map_err(|e| Error::in_file(tk_path, format!("invalid tokenizer.json: {e}")))?;
        drop(tk_bytes);
        tokenizer.with_padding(None);
        let vocab_size = tokenizer.get_vocab_size(true);
        let mut tokens = vec![String::new(); vocab_size];
        for (t, id) in tokenizer.get_vocab(true) {
            match tokens.get_mut(id as usize) {
                Some(slot) => *slot = t,
                None => {
                    return Err(Error::in_file(
                        tk_path,
                        format!("token {t:?} has id {id}, beyond the vocabulary of {vocab_size}"),
                    ));
                }
            }
        }
        let tokens_for_split = tokens.clone();
        let tf = TensorFile::open(&layout.tensors)?;
        let st = &layout.tensors;
        let (family, name) = if tf.has("embeddings") {
            (Family::Model2Vec, "embeddings")
        } else if tf.has("embedding.weight") {
            (Family::StaticEmbedding, "embedding.weight")
        } else {
            return Err(Error::in_file(
                st,
                format!(
                    "no `embeddings` (model2vec) or `embedding.weight` (sentence-transformers, WordLlama) tensor; the file holds {}",
                    tf.names().join(", ")
                ),
            ));
        };
        let (matrix, rows, dim) = tf.matrix(st, name)?;
        let mut model = Self {
            family,
            tokenizer,
            matrix,
            rows,
            dim,
            weights: None,
            mapping: None,
            drop_id: None,
            char_cap: None,
            normalize: false,
            tokens,
            model_type: described.model.kind.clone().unwrap_or_default(),
            continuing_prefix: described.model.continuing_subword_prefix.clone(),
            table: std::sync::OnceLock::new(),
            split: WordSplit::detect(&described, &tokens_for_split),
            layout: layout.clone(),
        };
        match family {
            Family::Model2Vec => model.setup_model2vec(&tf, &config, &described.model)?,
            Family::StaticEmbedding => {
                if vocab_size > rows {
                    return Err(size_mismatch(tk_path, st, name, vocab_size, rows));
                }
                model.normalize = layout.normalize_module || config.normalize.unwrap_or(false);
            }
        }
        Ok(model)
    }

    fn setup_model2vec(
        &mut self,
        tf: &TensorFile,
        config: &layout::ModelConfig,
        tk: &TokenizerModel,
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
        self.drop_id = match (&tk.unk_token, tk.unk_id) {
            (Some(t), _) => self.tokenizer.token_to_id(t),
            (None, Some(id)) => Some(id),
            _ => None,
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
            if let Some(split) = &mut self.split {
                split.max_tokens = Some(max);
            }
            self.tokenizer
                .with_truncation(Some(tokenizers::TruncationParams {
                    max_length: max,
                    ..Default::default()
                }))
                .map_err(|e| Error::in_file(&tk_path, format!("cannot cap tokens: {e}")))?;
        } else {
            self.tokenizer
                .with_truncation(None)
                .map_err(|e| Error::in_file(&tk_path, format!("{e}")))?;
        }
        self.normalize = config.normalize.unwrap_or(self.layout.normalize_module);
        Ok(())
    }

    pub fn dim(&self) -> usize {
        self.dim
    }
    /// Tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }
    pub fn path(&self) -> &Path {
        &self.layout.root
    }
    pub fn is_mapped(&self) -> bool {
        self.matrix.is_mapped()
    }

    /// The token ids pooled for `text` (after the package's caps and dropped tokens).
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let text = match self.char_cap {
            Some(cap) => match text.char_indices().nth(cap) {
                Some((cut, _)) => &text[..cut],
                None => text,
            },
            None => text,
        };
        let mut ids = match self.split_ids(text) {
            Some(ids) => ids,
            None => match self.tokenizer.encode_fast(text, false) {
                Ok(enc) => enc.get_ids().to_vec(),
                Err(_) => return Vec::new(),
            },
        };
        if let Some(drop) = self.drop_id {
            ids.retain(|&i| i != drop);
        }
        ids
    }

    /// `▁word` by `▁word` (see `WordSplit`), or None to take the full pipeline.
    fn split_ids(&self, text: &str) -> Option<Vec<u32>> {
        use tokenizers::Model;
        let split = self.split.as_ref()?;
        if text.is_empty() || split.added.iter().any(|a| text.contains(a.as_str())) {
            return None;
        }
        let normalized = format!("▁{}", text.replace(' ', "▁"));
        let model = self.tokenizer.get_model();
        let mut ids = Vec::with_capacity(normalized.len() / 3);
        let mut start = 0;
        let mut prev_other = false;
        for (i, c) in normalized.char_indices() {
            if c == '▁' && prev_other {
                ids.extend(
                    model
                        .tokenize(&normalized[start..i])
                        .ok()?
                        .iter()
                        .map(|t| t.id),
                );
                start = i;
            }
            prev_other = c != '▁';
        }
        ids.extend(
            model
                .tokenize(&normalized[start..])
                .ok()?
                .iter()
                .map(|t| t.id),
        );
        if let Some(max) = split.max_tokens {
            ids.truncate(max);
        }
        Some(ids)
    }

    /// The token strings pooled for `text` (for TF-IDF and SIF weighting over tokens).
    pub fn token_strings(&self, text: &str) -> Vec<String> {
        self.token_ids(text)
            .into_iter()
            .filter_map(|i| self.tokens.get(i as usize).cloned())
            .collect()
    }

    /// The vector of token `id` as pooling uses it (mapping and weight applied), added to
    /// `acc` scaled by `scale`. False when the id has no row.
    fn add_token(&self, id: u32, scale: f32, acc: &mut [f32]) -> bool {
        let row = match &self.mapping {
            Some(m) => m.get(id as usize).copied(),
            None => Some(id),
        };
        let Some(row) = row.filter(|&r| (r as usize) < self.rows) else {
            return false;
        };
        let w = self
            .weights
            .as_ref()
            .map_or(1.0, |w| w.get(id as usize).copied().unwrap_or(1.0));
        let start = row as usize * self.dim;
        axpy(
            w * scale,
            &self.matrix.as_slice()[start..start + self.dim],
            acc,
        );
        true
    }

    /// The model's document vector of `text` (unit length if the model normalises); all zeros
    /// when the text has no token.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.token_ids(text);
        let mut v = vec![0.0f32; self.dim];
        let mut n = 0usize;
        for &id in &ids {
            n += self.add_token(id, 1.0, &mut v) as usize;
        }
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

    /// Every token as a row of a word table, with mapping and weights applied (so the plain
    /// mean over these rows is the model's pooling). Used to weight tokens by TF-IDF or SIF.
    pub fn token_table(&self) -> Result<std::sync::Arc<Embeddings>> {
        if let Some(t) = self.table.get() {
            return Ok(t.clone());
        }
        let t = std::sync::Arc::new(self.build_token_table()?);
        Ok(self.table.get_or_init(|| t).clone())
    }

    fn build_token_table(&self) -> Result<Embeddings> {
        let mut matrix = vec![0.0f32; self.tokens.len() * self.dim];
        matrix
            .par_chunks_mut(self.dim)
            .enumerate()
            .for_each(|(id, row)| {
                self.add_token(id as u32, 1.0, row);
            });
        let mut seen = HashSet::new();
        // Token strings are unique in a vocabulary; added tokens may repeat one: keep the first.
        let words: Vec<String> = self
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if seen.insert(t.clone()) {
                    t.clone()
                } else {
                    format!("{t}\u{0}{i}")
                }
            })
            .collect();
        Embeddings::new(words, matrix, self.dim)
    }

    /// The tokens that are whole words (`▁word`, `Ġword`, or a WordPiece/word-level token that
    /// is not a continuation), as a word table for neighbours, analogies and word-pair scores.
    pub fn word_table(&self) -> Result<Embeddings> {
        let mut seen = HashSet::new();
        let mut words = Vec::new();
        let mut matrix = Vec::new();
        for (id, token) in self.tokens.iter().enumerate() {
            let Some(word) = self.whole_word(token) else {
                continue;
            };
            if !seen.insert(word.to_string()) {
                continue;
            }
            let mut row = vec![0.0f32; self.dim];
            if self.add_token(id as u32, 1.0, &mut row) {
                words.push(word.to_string());
                matrix.extend(row);
            }
        }
        if words.is_empty() {
            return Err(Error::in_file(
                &self.layout.tokenizer,
                "no token of this vocabulary is a whole word, so word-level questions cannot be asked",
            ));
        }
        Embeddings::new(words, matrix, self.dim)
    }

    fn whole_word<'a>(&self, token: &'a str) -> Option<&'a str> {
        let word = if let Some(w) = token.strip_prefix('▁').or_else(|| token.strip_prefix('Ġ')) {
            w
        } else {
            match self.model_type.as_str() {
                "WordPiece" => {
                    let prefix = self.continuing_prefix.as_deref().unwrap_or("##");
                    if token.starts_with(prefix) {
                        return None;
                    }
                    token
                }
                "WordLevel" => token,
                _ => return None,
            }
        };
        let ok = !word.is_empty()
            && word.chars().any(char::is_alphanumeric)
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '-');
        ok.then_some(word)
    }

    /// CRC-32 of the tokenizer and tensor files: what a saved classifier checks on load.
    pub fn fingerprint(&self) -> Result<String> {
        let mut h = crc32fast::Hasher::new();
        for p in [&self.layout.tokenizer, &self.layout.tensors] {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            h.update(&bytes);
        }
        Ok(format!("{:08x}", h.finalize()))
    }

    /// The files that make up the model (to copy it beside an index).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = vec![self.layout.tokenizer.clone(), self.layout.tensors.clone()];
        out.extend(self.layout.config.clone());
        out
    }

    /// One line for status bars and reports.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}: {} tokens × {}{})",
            self.layout.root.display(),
            self.family.name(),
            self.tokens.len(),
            self.dim,
            if self.normalize { ", unit length" } else { "" }
        )
    }
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
