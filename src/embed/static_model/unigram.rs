//! The Unigram (SentencePiece) model of a `tokenizer.json`, giving the ids the `tokenizers`
//! crate gives: the best-scoring segmentation by Viterbi over the pieces (ties to the
//! earlier, shorter candidate), a character no piece starts with scored as the unknown token
//! (the lowest piece score minus 10), runs of unknown tokens fused into one, and with byte
//! fallback an unknown run spelled as its `<0xXX>` byte tokens. Pieces are found by looking
//! up each prefix in one map that also marks the prefixes of longer pieces, so the search
//! from a position stops as soon as no piece can still match.

use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::bpe::TokenizerModel;
use crate::error::{Error, Result};

/// The crate's (and SentencePiece's) penalty below the lowest piece score for an unknown
/// character.
const UNKNOWN_PENALTY: f64 = 10.0;
/// The longest piece (in bytes) a Unigram vocabulary may hold.
const MAX_PIECE_BYTES: usize = 1024;
/// Marks a map entry that is only the prefix of a longer piece.
const PREFIX_ONLY: u32 = u32::MAX;

pub(super) struct Unigram {
    /// Every piece → id (later duplicates win, as in the crate), and every proper prefix of a
    /// piece that is not itself a piece → `PREFIX_ONLY`.
    pieces: FxHashMap<Box<str>, u32>,
    /// Distinct pieces (fewer than `scores` when a piece is listed twice).
    distinct: usize,
    scores: Vec<f64>,
    unknown: u32,
    unknown_score: f64,
    /// The `<0xXX>` tokens, with byte fallback on.
    bytes: Option<Box<[Option<u32>; 256]>>,
}

#[derive(Deserialize)]
struct Piece<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>, f64);

/// The best path ending at a byte position: its score, where its last token starts, its id.
#[derive(Clone, Copy)]
struct Best {
    score: f64,
    start: usize,
    id: u32,
    reached: bool,
}

impl Unigram {
    /// The model of `file` when it is a Unigram with an unknown token; None otherwise, an
    /// error when its vocabulary is malformed.
    pub fn from_model(path: &Path, model: &TokenizerModel<'_>) -> Result<Option<Self>> {
        let (Some("Unigram"), Some(vocab), Some(unknown)) =
            (model.kind.as_deref(), model.vocab, model.unk_id)
        else {
            return Ok(None);
        };
        let vocab: Vec<Piece<'_>> = serde_json::from_str(vocab.get()).map_err(|e| {
            Error::in_file(
                path,
                format!("model.vocab: expected a list of [piece, score] pairs: {e}"),
            )
        })?;
        if unknown as usize >= vocab.len() {
            return Err(Error::in_file(
                path,
                format!(
                    "model.unk_id is {unknown}, beyond the vocabulary of {}",
                    vocab.len()
                ),
            ));
        }
        // Every start of every piece goes into the map: a hostile file's piece of a million
        // characters would ask for terabytes (and the crate's trie overflows the stack on a
        // piece of 100,000). SentencePiece's pieces are at most 16 characters by default.
        if let Some((i, p)) = vocab
            .iter()
            .enumerate()
            .find(|(_, p)| p.0.len() > MAX_PIECE_BYTES)
        {
            return Err(Error::in_file(
                path,
                format!(
                    "model.vocab: piece {i} is {} bytes long; a Unigram piece may have at most {MAX_PIECE_BYTES}",
                    p.0.len()
                ),
            ));
        }
        let mut pieces: FxHashMap<Box<str>, u32> = FxHashMap::default();
        pieces.reserve(vocab.len() * 3);
        for (id, Piece(piece, _)) in vocab.iter().enumerate() {
            pieces.insert(piece.as_ref().into(), id as u32);
        }
        let distinct = pieces.len();
        for Piece(piece, _) in &vocab {
            for (i, _) in piece.char_indices().skip(1) {
                pieces.entry(piece[..i].into()).or_insert(PREFIX_ONLY);
            }
        }
        let scores: Vec<f64> = vocab.iter().map(|p| p.1).collect();
        let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
        let bytes = model.byte_fallback.then(|| {
            let mut table = Box::new([None; 256]);
            for (b, slot) in table.iter_mut().enumerate() {
                *slot = pieces
                    .get(format!("<0x{b:02X}>").as_str())
                    .copied()
                    .filter(|&id| id != PREFIX_ONLY);
            }
            table
        });
        Ok(Some(Self {
            pieces,
            distinct,
            scores,
            unknown,
            unknown_score: min - UNKNOWN_PENALTY,
            bytes,
        }))
    }

    /// The id of `piece`, if it is in the vocabulary.
    pub fn id(&self, piece: &str) -> Option<u32> {
        self.pieces
            .get(piece)
            .copied()
            .filter(|&id| id != PREFIX_ONLY)
    }

    /// The vocabulary, piece → id.
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.pieces
            .iter()
            .filter(|(_, id)| **id != PREFIX_ONLY)
            .map(|(t, &i)| (t.as_ref(), i))
    }

    /// Distinct pieces in the vocabulary.
    pub fn len(&self) -> usize {
        self.distinct
    }

    /// Appends the ids of one pre-tokenized piece of text to `out`.
    pub fn tokenize(&self, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        let n = text.len();
        let mut best = vec![
            Best {
                score: 0.0,
                start: 0,
                id: 0,
                reached: false,
            };
            n + 1
        ];
        let mut start = 0;
        while start < n {
            let here = best[start].score;
            let char_len = text[start..].chars().next().map_or(1, char::len_utf8);
            let mut single = false;
            let mut end = start;
            for c in text[start..].chars() {
                end += c.len_utf8();
                let Some(&id) = self.pieces.get(&text[start..end]) else {
                    break;
                };
                if id == PREFIX_ONLY {
                    continue;
                }
                let score = here + self.scores[id as usize];
                relax(&mut best[end], score, start, id);
                single |= end - start == char_len;
            }
            if !single {
                relax(
                    &mut best[start + char_len],
                    here + self.unknown_score,
                    start,
                    self.unknown,
                );
            }
            start += char_len;
        }
        self.emit(text, &best, out);
    }

    /// The best path, read back from the end: unknown runs fused, then each token's id.
    fn emit(&self, text: &str, best: &[Best], out: &mut Vec<u32>) {
        let first = out.len();
        let mut end = text.len();
        // The start of the unknown run being fused, read backwards.
        let mut run_end = None;
        while end > 0 {
            let node = best[end];
            if node.id == self.unknown {
                run_end.get_or_insert(end);
            } else {
                if let Some(e) = run_end.take() {
                    self.push_rev(&text[end..e], out);
                }
                out.push(node.id);
            }
            end = node.start;
        }
        if let Some(e) = run_end {
            self.push_rev(&text[..e], out);
        }
        out[first..].reverse();
    }

    /// A fused run's ids, in reverse order (the caller reverses the whole text's ids).
    fn push_rev(&self, run: &str, out: &mut Vec<u32>) {
        if let Some(id) = self.id(run) {
            out.push(id);
            return;
        }
        if let Some(table) = &self.bytes
            && run.bytes().all(|b| table[b as usize].is_some())
        {
            out.extend(run.bytes().rev().filter_map(|b| table[b as usize]));
            return;
        }
        out.push(self.unknown);
    }
}

fn relax(target: &mut Best, score: f64, start: usize, id: u32) {
    if !target.reached || score > target.score {
        *target = Best {
            score,
            start,
            id,
            reached: true,
        };
    }
}
