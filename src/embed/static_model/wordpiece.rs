//! The WordPiece model of a `tokenizer.json` with BERT's pre-tokenizer, giving the ids the
//! `tokenizers` crate gives: the normalized text split at whitespace (dropped) and at
//! punctuation (kept, one character each); each word then greedy longest-match-first, the
//! pieces after the first looked up with the `##` prefix; a word longer than
//! `max_input_chars_per_word` characters, or one with a part no piece matches, is the unknown
//! token. Only ids are made: no offsets, no token strings.

use std::path::Path;

use rustc_hash::FxHashMap;
use unicode_categories::UnicodeCategories;

use super::bpe::TokenizerModel;
use super::normalizer;
use super::token_map::TokenMap;
use crate::error::{Error, Result};

pub(super) struct WordPiece {
    /// The vocabulary as the file gives it.
    vocab: FxHashMap<Box<str>, u32>,
    /// Pieces that may start a word, for the inner loop.
    starting: TokenMap,
    /// Pieces that continue a word, without their prefix (`##ing` as `ing`).
    continuing: TokenMap,
    unknown: u32,
    max_chars: usize,
}

impl WordPiece {
    /// The model of `file` when it is a WordPiece with its unknown token in the vocabulary;
    /// None otherwise, an error when the vocabulary is malformed.
    pub fn from_model(path: &Path, model: &TokenizerModel<'_>) -> Result<Option<Self>> {
        let (Some("WordPiece"), Some(vocab)) = (model.kind.as_deref(), model.vocab) else {
            return Ok(None);
        };
        let vocab: FxHashMap<Box<str>, u32> = serde_json::from_str(vocab.get()).map_err(|e| {
            Error::in_file(
                path,
                format!("model.vocab: expected an object of token → id: {e}"),
            )
        })?;
        let prefix = model.continuing_subword_prefix.as_deref().unwrap_or("##");
        let unk_name = model.unk_token.as_deref().unwrap_or("[UNK]");
        let Some(&unknown) = vocab.get(unk_name) else {
            // The crate fails on the first unknown word; its pipeline reports it.
            return Ok(None);
        };
        let continuing: Vec<(&str, u32)> = vocab
            .iter()
            .filter_map(|(t, &id)| Some((t.strip_prefix(prefix)?, id)))
            .collect();
        let continuing = TokenMap::new(continuing.into_iter());
        let starting = TokenMap::new(vocab.iter().map(|(t, &id)| (t.as_ref(), id)));
        Ok(Some(Self {
            vocab,
            starting,
            continuing,
            unknown,
            max_chars: model.max_input_chars_per_word.unwrap_or(100),
        }))
    }

    /// The vocabulary, token → id.
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.vocab.iter().map(|(t, &i)| (t.as_ref(), i))
    }

    /// The id of `token`, if it is in the vocabulary.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied()
    }

    /// Tokens in the vocabulary.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// Appends the ids of normalized text `text`, split the BERT way, to `out`.
    pub fn tokenize_text(&self, text: &str, out: &mut Vec<u32>) {
        bert_words(text, |w| self.tokenize_word(w, out));
    }

    /// Appends the ids of one pre-tokenized word to `out`.
    fn tokenize_word(&self, word: &str, out: &mut Vec<u32>) {
        // A word of more bytes than the limit may still be short enough in characters.
        if word.len() > self.max_chars && word.chars().count() > self.max_chars {
            out.push(self.unknown);
            return;
        }
        if let Some(id) = self.starting.get(word) {
            out.push(id);
            return;
        }
        let start_len = out.len();
        let mut start = 0;
        while start < word.len() {
            let map = if start == 0 {
                &self.starting
            } else {
                &self.continuing
            };
            let mut end = word.len();
            let found = loop {
                if let Some(id) = map.get(&word[start..end]) {
                    break Some(id);
                }
                // One character back.
                end = word[..end]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
                if end <= start {
                    break None;
                }
            };
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(start_len);
                    out.push(self.unknown);
                    return;
                }
            }
        }
    }
}

/// BERT's pre-tokenizer: words split at whitespace (dropped) and at punctuation (each
/// punctuation character a word of its own).
pub(super) fn bert_words<'a>(text: &'a str, mut emit: impl FnMut(&'a str)) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (len, space, punct) = if b.is_ascii() {
            // Rust's whitespace in ASCII: the five `is_ascii_whitespace` has, and vertical tab.
            (
                1,
                b.is_ascii_whitespace() || b == 0x0b,
                b.is_ascii_punctuation(),
            )
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if normalizer::is_plain_ideograph(c) {
                (c.len_utf8(), false, false)
            } else {
                (c.len_utf8(), c.is_whitespace(), c.is_punctuation())
            }
        };
        if space || punct {
            if let Some(s) = start.take() {
                emit(&text[s..i]);
            }
            if punct {
                emit(&text[i..i + len]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
        i += len;
    }
    if let Some(s) = start {
        emit(&text[s..]);
    }
}
