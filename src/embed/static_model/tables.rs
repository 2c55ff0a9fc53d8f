//! A static model's vectors as word tables: every token (mapping and weights applied), for
//! TF-IDF and SIF weighting over its tokens; and the tokens that are whole words, for
//! neighbours, analogies and word-pair scores.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::{StaticModel, once};
use crate::embed::Embeddings;
use crate::error::{Error, Result};

impl StaticModel {
    /// Every token as a row of a word table, with mapping and weights applied (so the plain
    /// mean over these rows is the model's pooling). Used to weight tokens by TF-IDF or SIF.
    pub fn token_table(&self) -> Result<Arc<Embeddings>> {
        once(&self.token_table, || self.build_token_table().map(Arc::new))
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
    pub fn word_table(&self) -> Result<Arc<Embeddings>> {
        once(&self.word_table, || self.build_word_table().map(Arc::new))
    }

    /// `word_table` for a caller that needs only it (no copy kept in the model).
    pub fn into_word_table(self) -> Result<Embeddings> {
        self.build_word_table()
    }

    fn build_word_table(&self) -> Result<Embeddings> {
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
}
