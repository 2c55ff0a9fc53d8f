//! What wordlens reads from `tokenizer.json` itself: the model's type and unknown token
//! (model2vec drops it), its BPE vocabulary and merges, and whether the `▁word`-at-a-time fast
//! path gives the same ids as the `tokenizers` crate's full pipeline.

use serde::Deserialize;

use super::bpe::{Bpe, TokenizerModel};
use super::word_cache::WordCache;

/// The parts of `tokenizer.json` wordlens reads without the `tokenizers` crate.
#[derive(Deserialize)]
pub(super) struct TokenizerFile<'a> {
    #[serde(borrow)]
    pub model: TokenizerModel<'a>,
    #[serde(default)]
    pub normalizer: serde_json::Value,
    #[serde(default)]
    pub pre_tokenizer: serde_json::Value,
    #[serde(default)]
    pub added_tokens: Vec<AddedToken>,
}

#[derive(Deserialize)]
pub(super) struct AddedToken {
    pub id: u32,
    pub content: String,
    /// Matched after the normalizer rather than in the raw text.
    #[serde(default = "matched_after_normalizer")]
    pub normalized: bool,
}

/// The crate's default for an added token that does not say.
fn matched_after_normalizer() -> bool {
    true
}

impl TokenizerFile<'_> {
    /// Whether the file has Llama's normalizer (prepend `▁`, spaces to `▁`) and no
    /// pre-tokenizer: the first condition of the `▁word` fast path.
    pub fn llama_style(&self) -> bool {
        let llama_normalizer = serde_json::json!({"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]});
        self.pre_tokenizer.is_null() && self.normalizer == llama_normalizer
    }
}

/// Llama-style tokenizers (WordLlama's) have no pre-tokenizer: the normalizer prepends `▁` and
/// turns spaces into `▁`, and BPE runs over the whole text at once, which is slow on long
/// documents. When no vocabulary token holds a `▁` after another character, no merge can cross
/// the start of a `▁word`, so each `▁word` is tokenized alone — the same ids — and its ids are
/// kept for the next time the word comes. Texts holding an added token's text (`<s>`) take the
/// full pipeline.
pub(super) struct WordSplit {
    added: Vec<String>,
    /// The first characters of `added`.
    added_starts: Vec<char>,
    pub max_tokens: Option<usize>,
    bpe: Bpe,
    cache: WordCache,
}

impl WordSplit {
    /// The fast path over `bpe` (the file's own BPE model) when it gives the pipeline's ids.
    pub fn detect(file: &TokenizerFile, bpe: Bpe, tokens: &[String]) -> Option<Self> {
        let ok = file.llama_style()
            && !tokens.iter().any(|t| {
                let mut prev_other = false;
                t.chars().any(|c| {
                    let crosses = c == '▁' && prev_other;
                    prev_other = c != '▁';
                    crosses
                })
            })
            // An unknown token can wait across a `▁` only when `▁` itself is unknown or a
            // byte it would fall back to is missing (found by fuzzing): a word at a time
            // then differs from the crate's whole-text word, so such files take the crate.
            && bpe.id("▁").is_some()
            && bpe.byte_fallback_complete();
        let added: Vec<String> = file
            .added_tokens
            .iter()
            .map(|a| a.content.clone())
            .collect();
        let mut added_starts: Vec<char> = added.iter().filter_map(|a| a.chars().next()).collect();
        added_starts.sort_unstable();
        added_starts.dedup();
        ok.then(|| Self {
            added,
            added_starts,
            max_tokens: None,
            bpe,
            cache: WordCache::new(),
        })
    }

    /// Whether `text` holds an added token's text (`<s>`): a search for each only when the
    /// text has one of their first characters (`<` for Llama's), which few texts have.
    fn holds_added(&self, text: &str) -> bool {
        self.added_starts.iter().any(|&c| text.contains(c))
            && self.added.iter().any(|a| text.contains(a.as_str()))
    }

    /// The ids of `text`, `▁word` by `▁word`, or None to take the full pipeline.
    pub fn ids(&self, text: &str) -> Option<Vec<u32>> {
        if text.is_empty() || self.holds_added(text) {
            return None;
        }
        // Llama's normalisation in one pass: `▁` first, then every space as `▁`.
        let mut normalized = String::with_capacity(3 * text.len() + 3);
        normalized.push('▁');
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                normalized.push('▁');
            }
            normalized.push_str(part);
        }
        let tokenize = |w: &str, out: &mut Vec<u32>| self.bpe.tokenize(w, out);
        let mut ids = Vec::with_capacity(normalized.len() / 3);
        let mut start = 0;
        let mut prev_other = false;
        for (i, c) in normalized.char_indices() {
            if c == '▁' && prev_other {
                self.cache
                    .extend(&normalized[start..i], &mut ids, tokenize)?;
                start = i;
            }
            prev_other = c != '▁';
        }
        self.cache
            .extend(&normalized[start..], &mut ids, tokenize)?;
        if let Some(max) = self.max_tokens {
            ids.truncate(max);
        }
        Some(ids)
    }
}
