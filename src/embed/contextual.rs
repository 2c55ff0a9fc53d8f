//! Contextual encoders: a sentence-transformers folder around a BERT (MiniLM, bge, e5, gte),
//! run on the CPU in Rust. Texts are tokenized by the folder's `tokenizer.json` (cut to
//! `max_seq_length` tokens as sentence-transformers cuts them), sorted by length and run in
//! packed batches (no padding), then pooled as the folder's `Pooling` module says and scaled to
//! unit length when it has a `Normalize` module — the vectors sentence-transformers gives, to
//! float precision (bench/contextual.py writes the reference).

mod bert;
pub mod distill;
mod layout;
mod ops;

pub use bert::ARCHITECTURES;
pub use layout::{EncoderLayout, Pooling, is_encoder_folder};

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::embed::Embeddings;
use crate::error::{Error, Result};
use crate::kernels::normalize;
use crate::progress::{Cancel, Progress, Report};
use bert::{Bert, BertConfig};

/// Tokens per forward batch: large products for speed, bounded memory (the widest buffer is
/// tokens × intermediate size floats).
const BATCH_TOKENS: usize = 4096;

/// A sentence-transformers encoder ready to embed texts.
pub struct ContextualModel {
    pub layout: EncoderLayout,
    bert: Bert,
    tokenizer: Tokenizer,
    /// The longest input in tokens, special tokens included.
    max_len: usize,
    fingerprint: OnceLock<String>,
    /// `word_table`, built on first use.
    word_table: OnceLock<Arc<Embeddings>>,
    /// Vectors of texts already encoded: `compare` fits every method on the same documents,
    /// and a transformer pass costs milliseconds per text.
    memo: Mutex<Memo>,
    /// Held while texts missing from the memo are encoded: two jobs asking for the same
    /// collection at once (the TUI's index and comparison) encode it once, not each (the
    /// forward pass already uses every core, so waiting costs no throughput).
    encoding: Mutex<()>,
}

/// Pooled vectors by a hash of their text, bounded: cleared when it would pass `MEMO_FLOATS`.
#[derive(Default)]
struct Memo {
    vectors: HashMap<(u64, usize), Arc<[f32]>>,
    floats: usize,
}

/// The memo's bound: 32M floats (128 MB).
const MEMO_FLOATS: usize = 32 << 20;

fn text_key(text: &str) -> (u64, usize) {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    (h.finish(), text.len())
}

impl ContextualModel {
    /// Opens the encoder folder `root`, checking every file against `config.json` before the
    /// weights are used.
    pub fn open(root: &Path) -> Result<Self> {
        let layout = EncoderLayout::locate(root)?;
        let config = BertConfig::read(&layout.config)?;
        let positions = config.max_position_embeddings;
        let max_len = match layout.max_seq_length {
            Some(n) if n > positions => {
                return Err(Error::in_file(
                    &layout.transformer,
                    format!(
                        "max_seq_length {n} is longer than the position table ({positions} in {})",
                        layout.config.display()
                    ),
                ));
            }
            Some(0) => {
                return Err(Error::in_file(&layout.transformer, "max_seq_length is 0"));
            }
            Some(n) => n,
            None => positions,
        };
        let tk_path = &layout.tokenizer;
        let bytes = std::fs::read(tk_path).map_err(|e| Error::io(tk_path, e))?;
        let mut tokenizer = crate::embed::static_model::crate_tokenizer(&bytes)
            .map_err(|e| Error::in_file(tk_path, e))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: max_len,
                ..Default::default()
            }))
            .map_err(|e| {
                Error::in_file(
                    tk_path,
                    format!("cannot cut inputs to {max_len} tokens: {e}"),
                )
            })?;
        let vocab = tokenizer.get_vocab_size(true);
        if vocab > config.vocab_size {
            return Err(Error::in_file(
                tk_path,
                format!(
                    "{vocab} tokens but the model has {} rows of word embeddings ({})",
                    config.vocab_size,
                    layout.config.display()
                ),
            ));
        }
        let bert = Bert::load(config, &layout.tensors)?;
        Ok(Self {
            layout,
            bert,
            tokenizer,
            max_len,
            fingerprint: OnceLock::new(),
            word_table: OnceLock::new(),
            memo: Mutex::new(Memo::default()),
            encoding: Mutex::new(()),
        })
    }

    /// Dimension of the pooled vectors (the hidden size times the pooling modes).
    pub fn dim(&self) -> usize {
        self.bert.config.hidden_size * self.layout.pooling.len()
    }

    /// The hidden size of the transformer.
    pub fn hidden_size(&self) -> usize {
        self.bert.config.hidden_size
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.layout.root
    }

    /// The tokenizer (with the model's truncation).
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The longest input in tokens.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// The token ids the encoder reads for `text`, special tokens included.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let lowered;
        let text = if self.layout.lowercase {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        match self.tokenizer.encode_fast(text, true) {
            Ok(enc) => enc.get_ids().to_vec(),
            Err(_) => Vec::new(),
        }
    }

    /// Whether `text` gives the encoder any token besides the special ones.
    pub fn has_tokens(&self, text: &str) -> bool {
        self.tokenizer
            .encode_fast(text, false)
            .is_ok_and(|e| !e.get_ids().is_empty())
    }

    /// The vector of one text.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_ids(vec![self.token_ids(text)])
            .pop()
            .unwrap_or_default()
    }

    /// Vectors of `texts`, in order; texts encoded before come from the memo.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let n = texts.len();
        self.memoized(texts, &crate::progress::Silent, &Cancel::new())
            .unwrap_or_else(|_| vec![vec![0.0; self.dim()]; n])
    }

    /// Encodes the texts the memo does not hold yet, reporting each batch to `progress` (stage
    /// "encoding") and stopping between batches at `cancel`: run before work that calls
    /// `embed_batch` on the same texts many times (every fold and method of a comparison), so
    /// the one slow pass shows a progress bar or gauge and can be cancelled. Collections past
    /// the memo's bound (32M floats: ~87,000 texts of a 384-wide encoder) are encoded again
    /// later, silently.
    pub fn prime(&self, texts: &[&str], progress: &dyn Progress, cancel: &Cancel) -> Result<()> {
        self.memoized(texts, progress, cancel)?;
        progress.finish("encoding");
        Ok(())
    }

    fn memoized(
        &self,
        texts: &[&str],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Vec<Vec<f32>>> {
        let keys: Vec<(u64, usize)> = texts.iter().map(|t| text_key(t)).collect();
        let mut out = vec![None; texts.len()];
        let mut missing = self.fill_from_memo(&keys, &mut out);
        if missing.is_empty() {
            return Ok(out.into_iter().flatten().collect());
        }
        let _encoding = self.encoding.lock().unwrap_or_else(|e| e.into_inner());
        // Another job may have encoded some of them while this one waited.
        missing = self.fill_from_memo(&keys, &mut out);
        let ids: Vec<Vec<u32>> = missing
            .par_iter()
            .map(|&i| self.token_ids(texts[i]))
            .collect();
        let fresh = self.run(ids, Mode::Pooled, progress, cancel)?;
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        for (&i, v) in missing.iter().zip(fresh) {
            if memo.floats + v.len() > MEMO_FLOATS {
                *memo = Memo::default();
            }
            memo.floats += v.len();
            memo.vectors.insert(keys[i], Arc::from(v.as_slice()));
            out[i] = Some(v);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// Fills `out[i]` for every key the memo holds; returns the indices still missing.
    fn fill_from_memo(&self, keys: &[(u64, usize)], out: &mut [Option<Vec<f32>>]) -> Vec<usize> {
        let memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let mut missing = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            if out[i].is_none() {
                out[i] = memo.vectors.get(k).map(|v| v.to_vec());
            }
            if out[i].is_none() {
                missing.push(i);
            }
        }
        missing
    }

    /// Pooled vectors of token-id sequences, in order. Ids come from this model's tokenizer
    /// (checked against the weights at open, cut to the position table), so `run` cannot refuse
    /// them; were it to, each text gets the all-zero vector that means "no vector" everywhere,
    /// never a shorter list.
    pub fn embed_ids(&self, ids: Vec<Vec<u32>>) -> Vec<Vec<f32>> {
        let n = ids.len();
        self.run(ids, Mode::Pooled, &crate::progress::Silent, &Cancel::new())
            .unwrap_or_else(|_| vec![vec![0.0; self.dim()]; n])
    }

    /// The plain mean of the last hidden states of each sequence (what model2vec's distill
    /// takes of every token), whatever the folder's pooling.
    pub fn mean_states(
        &self,
        ids: Vec<Vec<u32>>,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Vec<Vec<f32>>> {
        self.run(ids, Mode::PlainMean, progress, cancel)
    }

    fn run(
        &self,
        ids: Vec<Vec<u32>>,
        mode: Mode,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Vec<Vec<f32>>> {
        let limit = self.max_len.min(self.bert.config.max_position_embeddings);
        let vocab = self.bert.config.vocab_size as u32;
        if let Some(bad) = ids
            .iter()
            .position(|s| s.len() > limit || s.iter().any(|&t| t >= vocab))
        {
            return Err(Error::Internal(format!(
                "sequence {bad} is longer than {limit} tokens or holds an id beyond the vocabulary of {vocab}"
            )));
        }
        // Longest first: the slowest batches start while the progress bar is fresh.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut out = vec![Vec::new(); ids.len()];
        let mut done = 0;
        let mut start = 0;
        while start < order.len() {
            cancel.check()?;
            let mut end = start;
            let mut tokens = 0;
            while end < order.len()
                && (end == start || tokens + ids[order[end]].len() <= BATCH_TOKENS)
            {
                tokens += ids[order[end]].len();
                end += 1;
            }
            let batch: Vec<Vec<u32>> = order[start..end]
                .iter()
                .map(|&i| with_one_token(&ids[i]))
                .collect();
            let states = self.bert.forward(&batch);
            let h = self.hidden_size();
            let mut at = 0;
            for (k, seq) in batch.iter().enumerate() {
                let rows = &states[at * h..(at + seq.len()) * h];
                at += seq.len();
                out[order[start + k]] = match mode {
                    Mode::Pooled => self.pool(rows),
                    Mode::PlainMean => pool_one(Pooling::Mean, rows, h),
                };
            }
            done += end - start;
            progress.report(&Report {
                stage: "encoding",
                done: done as u64,
                total: order.len() as u64,
                metrics: &[],
            });
            start = end;
        }
        Ok(out)
    }

    /// The folder's pooling of one sequence's states, then unit length if it normalises.
    fn pool(&self, rows: &[f32]) -> Vec<f32> {
        let h = self.hidden_size();
        let mut v: Vec<f32> = self
            .layout
            .pooling
            .iter()
            .flat_map(|&p| pool_one(p, rows, h))
            .collect();
        if self.layout.normalize {
            normalize(&mut v);
        }
        v
    }

    /// The encoder's vectors of its whole-word tokens, each read alone (`[CLS] word [SEP]`,
    /// mean of the states, as distill reads tokens): the table neighbours and analogies ask.
    /// Built once (tens of thousands of short inputs: seconds for a MiniLM), with progress.
    pub fn word_table(&self, progress: &dyn Progress, cancel: &Cancel) -> Result<Arc<Embeddings>> {
        if let Some(t) = self.word_table.get() {
            return Ok(t.clone());
        }
        let (prefix, suffix) = self.specials_around();
        let special: std::collections::HashSet<u32> = self
            .tokenizer
            .get_added_tokens_decoder()
            .into_iter()
            .filter(|(_, t)| t.special)
            .map(|(id, _)| id)
            .collect();
        let mut vocab: Vec<(u32, String)> = self
            .tokenizer
            .get_vocab(false)
            .into_iter()
            .filter(|(t, id)| !special.contains(id) && is_whole_word(t))
            .map(|(t, id)| (id, t))
            .collect();
        vocab.sort();
        if vocab.is_empty() {
            return Err(Error::in_file(
                &self.layout.tokenizer,
                "no token of this vocabulary is a whole word, so word-level questions cannot be asked",
            ));
        }
        let inputs = vocab
            .iter()
            .map(|(id, _)| [prefix.as_slice(), &[*id], suffix.as_slice()].concat())
            .collect();
        let vectors = self.mean_states(inputs, progress, cancel)?;
        let words = vocab.into_iter().map(|(_, t)| t).collect();
        let table = Arc::new(Embeddings::new(
            words,
            vectors.concat(),
            self.hidden_size(),
        )?);
        Ok(self.word_table.get_or_init(|| table).clone())
    }

    /// The special token ids the tokenizer puts before and after a text.
    fn specials_around(&self) -> (Vec<u32>, Vec<u32>) {
        let Ok(enc) = self.tokenizer.encode_fast("a", true) else {
            return (Vec::new(), Vec::new());
        };
        let (ids, mask) = (enc.get_ids(), enc.get_special_tokens_mask());
        let lead = mask.iter().take_while(|&&m| m == 1).count();
        let trail = mask[lead..].iter().rev().take_while(|&&m| m == 1).count();
        (ids[..lead].to_vec(), ids[ids.len() - trail..].to_vec())
    }

    /// CRC-32 of every file the vectors depend on: what saved classifiers and indexes check.
    pub fn fingerprint(&self) -> Result<String> {
        if let Some(f) = self.fingerprint.get() {
            return Ok(f.clone());
        }
        let mut h = crc32fast::Hasher::new();
        for rel in &self.layout.files {
            let p = self.layout.root.join(rel);
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            h.update(&bytes);
        }
        let f = format!("{:08x}", h.finalize());
        Ok(self.fingerprint.get_or_init(|| f).clone())
    }

    /// One line for status bars and reports.
    pub fn describe(&self) -> String {
        let c = &self.bert.config;
        let pooling: Vec<&str> = self.layout.pooling.iter().map(|p| p.name()).collect();
        format!(
            "{} (BERT encoder: {} layers × {}, {} pooling, inputs cut at {} tokens{})",
            self.layout.root.display(),
            c.num_hidden_layers,
            c.hidden_size,
            pooling.join("+"),
            self.max_len,
            if self.layout.normalize {
                ", unit length"
            } else {
                ""
            }
        )
    }
}

/// A WordPiece token that is a word of its own: not a continuation (`##`), not a placeholder,
/// letters or digits (with inner apostrophes and hyphens).
fn is_whole_word(token: &str) -> bool {
    !token.starts_with("##")
        && token.chars().any(char::is_alphanumeric)
        && token
            .chars()
            .all(|c| c.is_alphanumeric() || c == '\'' || c == '-')
}

#[derive(Clone, Copy)]
enum Mode {
    Pooled,
    PlainMean,
}

/// A text that gives no token at all (a tokenizer without special tokens, an empty text) still
/// needs one row; id 0 (the padding token in BERT vocabularies) stands in, as a padded batch
/// position would.
fn with_one_token(ids: &[u32]) -> Vec<u32> {
    if ids.is_empty() {
        vec![0]
    } else {
        ids.to_vec()
    }
}

/// One pooling mode over `rows` (tokens × `h`).
fn pool_one(p: Pooling, rows: &[f32], h: usize) -> Vec<f32> {
    let n = rows.len() / h;
    let mut v = vec![0.0f32; h];
    match p {
        Pooling::Cls => v.copy_from_slice(&rows[..h]),
        Pooling::LastToken => v.copy_from_slice(&rows[(n - 1) * h..]),
        Pooling::Max => {
            v.fill(f32::NEG_INFINITY);
            for row in rows.chunks_exact(h) {
                v.iter_mut().zip(row).for_each(|(a, b)| *a = a.max(*b));
            }
        }
        Pooling::Mean | Pooling::MeanSqrtLen | Pooling::WeightedMean => {
            let mut total = 0.0f32;
            for (i, row) in rows.chunks_exact(h).enumerate() {
                let w = if p == Pooling::WeightedMean {
                    (i + 1) as f32
                } else {
                    1.0
                };
                total += w;
                v.iter_mut().zip(row).for_each(|(a, b)| *a += w * b);
            }
            let denominator = if p == Pooling::MeanSqrtLen {
                total.sqrt()
            } else {
                total
            };
            v.iter_mut().for_each(|a| *a /= denominator.max(1e-9));
        }
    }
    v
}
