//! The BPE model of a `tokenizer.json`, one `▁word` at a time, giving the ids the `tokenizers`
//! crate's BPE model gives: each character's id (or, with byte fallback, its UTF-8 bytes'
//! `<0xXX>` tokens; else the unknown token, consecutive ones fused when the file says so), then
//! the merges, lowest rank first and leftmost on ties. Read straight from the file's `vocab`
//! and `merges`, so opening a Llama-style model does not build the crate's whole pipeline
//! (54 ms of WordLlama's 89 ms opening), and a word is merged without the crate's per-token
//! strings.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// The `model` section of `tokenizer.json` (BPE, WordPiece or Unigram): what wordlens reads of
/// it. Here because this reader is its main user; `tokenizer_file` reads the rest of the file.
#[derive(Deserialize)]
pub(super) struct TokenizerModel<'a> {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub unk_token: Option<String>,
    #[serde(default)]
    pub unk_id: Option<u32>,
    #[serde(default)]
    pub continuing_subword_prefix: Option<String>,
    #[serde(default)]
    pub end_of_word_suffix: Option<String>,
    /// WordPiece: longer words are the unknown token.
    #[serde(default)]
    pub max_input_chars_per_word: Option<usize>,
    #[serde(default)]
    pub dropout: Option<f64>,
    #[serde(default)]
    pub fuse_unk: bool,
    #[serde(default)]
    pub byte_fallback: bool,
    #[serde(default)]
    pub ignore_merges: bool,
    /// Kept raw: only a BPE's is parsed (WordPiece and Unigram files have other shapes).
    #[serde(borrow, default)]
    pub vocab: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub merges: Option<&'a RawValue>,
}

pub(super) struct Bpe {
    vocab: FxHashMap<Box<str>, u32>,
    /// Ids of the ASCII characters, looked up without hashing.
    ascii: [Option<u32>; 128],
    /// (left, right) → (rank, merged id).
    merges: FxHashMap<(u32, u32), (u32, u32)>,
    /// The `<0xXX>` tokens, with byte fallback on.
    bytes: Option<Box<[Option<u32>; 256]>>,
    unknown: Unknown,
    fuse_unk: bool,
    /// A word that is a token is that token, merges or not (Llama 3 style files).
    ignore_merges: bool,
}

enum Unknown {
    /// No unknown token: unknown characters are left out.
    Absent,
    Id(u32),
    /// Named, but not in the vocabulary: the crate's pipeline reports it.
    Missing,
}

/// Words up to this many symbols merge by scanning the pairs (fast for short words); longer
/// ones through a heap, as the crate does, so a long run without spaces stays O(n log n).
const SCAN_LIMIT: usize = 48;

impl Bpe {
    // Over 80 lines: vocabulary and merges parsed together in one pass, the merges' ids resolved in
    // parallel (bench/README.md, #28).
    /// The model of `file` when it is a BPE this reader covers (no dropout, no word prefix or
    /// suffix); None otherwise, and an error when its vocabulary or merges are malformed.
    pub fn from_model(path: &Path, model: &TokenizerModel<'_>) -> Result<Option<Self>> {
        let supported = model.kind.as_deref() == Some("BPE")
            && model.dropout.is_none_or(|d| d == 0.0)
            && model.continuing_subword_prefix.is_none()
            && model.end_of_word_suffix.is_none();
        let (Some(vocab), Some(merges), true) = (model.vocab, model.merges, supported) else {
            return Ok(None);
        };
        let bad = |what: String| Error::in_file(path, what);
        // The vocabulary and the merges parse at the same time (opening is on the critical
        // path of every `wordlens embed`).
        let (vocab, merges) = std::thread::scope(|scope| {
            let merges = scope.spawn(|| serde_json::from_str::<Vec<MergeEntry<'_>>>(merges.get()));
            let vocab = serde_json::from_str::<FxHashMap<Box<str>, u32>>(vocab.get());
            (vocab, merges.join())
        });
        let vocab = vocab.map_err(|e| {
            bad(format!(
                "model.vocab: expected an object of token → id: {e}"
            ))
        })?;
        let mut merges = merges
            .map_err(|_| Error::Internal("parsing model.merges panicked".into()))?
            .map_err(|e| {
                bad(format!(
                    "model.merges: expected a list of \"left right\" strings or [left, right] pairs: {e}"
                ))
            })?;
        merges.retain(|m| !matches!(m, MergeEntry::Version));
        // Each merge's three lookups in parallel, then the map in file order: later
        // duplicates win, as in the crate (its map is collected in file order).
        let resolved: Vec<((u32, u32), (u32, u32))> = merges
            .par_iter()
            .enumerate()
            .map_init(String::new, |joined, (rank, entry)| {
                let (left, right) = match entry {
                    MergeEntry::Pair(l, r) => (l, r),
                    MergeEntry::Malformed(line) => {
                        return Err(bad(format!(
                            "merge {}: expected two tokens separated by one space, found {line:?}",
                            rank + 1
                        )));
                    }
                    MergeEntry::Version => {
                        return Err(Error::Internal(
                            "a #version line left among the merges".into(),
                        ));
                    }
                };
                let id = |t: &str| {
                    vocab.get(t).copied().ok_or_else(|| {
                        bad(format!(
                            "merge {} uses {t:?}, which is not in model.vocab",
                            rank + 1
                        ))
                    })
                };
                joined.clear();
                joined.push_str(left);
                joined.push_str(right);
                Ok(((id(left)?, id(right)?), (rank as u32, id(joined)?)))
            })
            .collect::<Result<_>>()?;
        let mut merge_map = FxHashMap::default();
        merge_map.reserve(resolved.len());
        merge_map.extend(resolved);
        let mut ascii = [None; 128];
        for (c, slot) in ascii.iter_mut().enumerate() {
            *slot = vocab
                .get(char::from(c as u8).encode_utf8(&mut [0; 4]) as &str)
                .copied();
        }
        let bytes = model.byte_fallback.then(|| {
            let mut table = Box::new([None; 256]);
            for (b, slot) in table.iter_mut().enumerate() {
                *slot = vocab.get(format!("<{b:#04X}>").as_str()).copied();
            }
            table
        });
        let unknown = match &model.unk_token {
            None => Unknown::Absent,
            Some(t) => vocab
                .get(t.as_str())
                .map_or(Unknown::Missing, |&i| Unknown::Id(i)),
        };
        Ok(Some(Self {
            vocab,
            ascii,
            merges: merge_map,
            bytes,
            unknown,
            fuse_unk: model.fuse_unk,
            ignore_merges: model.ignore_merges,
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

    /// Whether byte fallback, when on, has a token for every byte (as every real Llama-style
    /// vocabulary does): an unknown character then never leaves an unknown token waiting.
    pub fn byte_fallback_complete(&self) -> bool {
        self.bytes
            .as_ref()
            .is_none_or(|table| table.iter().all(Option::is_some))
    }

    /// Tokens in the vocabulary.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// Appends the ids of `word` to `out`. None when the word needs an unknown token the
    /// vocabulary lacks (the crate's pipeline then reports it).
    pub fn tokenize(&self, word: &str, out: &mut Vec<u32>) -> Option<()> {
        if self.ignore_merges
            && let Some(&id) = self.vocab.get(word)
        {
            out.push(id);
            return Some(());
        }
        let mut symbols = Vec::with_capacity(word.len());
        // An unknown character's token waits: the next ones may fuse into it.
        let mut pending_unknown = None;
        for (i, c) in word.char_indices() {
            let s = &word[i..i + c.len_utf8()];
            let id = match c {
                c if c.is_ascii() => self.ascii[c as usize],
                _ => self.vocab.get(s).copied(),
            };
            if let Some(id) = id {
                symbols.extend(pending_unknown.take());
                symbols.push(id);
                continue;
            }
            if let Some(table) = &self.bytes
                && s.bytes().all(|b| table[b as usize].is_some())
            {
                // As the crate does, byte tokens go in before a pending unknown token.
                symbols.extend(s.bytes().filter_map(|b| table[b as usize]));
                continue;
            }
            match self.unknown {
                Unknown::Absent => {}
                Unknown::Missing => return None,
                Unknown::Id(unk) => {
                    if pending_unknown.is_some() && !self.fuse_unk {
                        symbols.push(unk);
                    }
                    pending_unknown = Some(unk);
                }
            }
        }
        symbols.extend(pending_unknown);
        if symbols.len() <= SCAN_LIMIT {
            self.merge_by_scan(&mut symbols);
        } else {
            self.merge_by_heap(&mut symbols);
        }
        out.extend_from_slice(&symbols);
        Some(())
    }

    fn pair(&self, left: u32, right: u32) -> Option<(u32, u32)> {
        self.merges.get(&(left, right)).copied()
    }

    /// Merges by finding the lowest (rank, position) among the adjacent pairs each round.
    fn merge_by_scan(&self, symbols: &mut Vec<u32>) {
        let mut pairs: Vec<Option<(u32, u32)>> =
            symbols.windows(2).map(|w| self.pair(w[0], w[1])).collect();
        loop {
            let best = pairs
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|(rank, id)| (rank, i, id)))
                .min();
            let Some((_, i, id)) = best else { return };
            symbols[i] = id;
            symbols.remove(i + 1);
            pairs.remove(i);
            if i > 0 {
                pairs[i - 1] = self.pair(symbols[i - 1], symbols[i]);
            }
            if i < pairs.len() {
                pairs[i] = self.pair(symbols[i], symbols[i + 1]);
            }
        }
    }

    /// The same merges through a min-heap of (rank, position) over a linked list; entries
    /// whose pair changed since they were queued are skipped when they come up.
    fn merge_by_heap(&self, symbols: &mut Vec<u32>) {
        const NONE: usize = usize::MAX;
        let n = symbols.len();
        let mut next: Vec<usize> = (1..=n).map(|j| if j < n { j } else { NONE }).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.checked_sub(1).unwrap_or(NONE)).collect();
        let mut alive = vec![true; n];
        let mut heap = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            if let Some((rank, id)) = self.pair(symbols[i], symbols[i + 1]) {
                heap.push(Reverse((rank, i, id)));
            }
        }
        while let Some(Reverse((rank, i, id))) = heap.pop() {
            let j = next[i];
            if !alive[i] || j == NONE || self.pair(symbols[i], symbols[j]) != Some((rank, id)) {
                continue;
            }
            symbols[i] = id;
            alive[j] = false;
            next[i] = next[j];
            if next[j] != NONE {
                prev[next[j]] = i;
            }
            if prev[i] != NONE
                && let Some((r, m)) = self.pair(symbols[prev[i]], symbols[i])
            {
                heap.push(Reverse((r, prev[i], m)));
            }
            if next[i] != NONE
                && let Some((r, m)) = self.pair(symbols[i], symbols[next[i]])
            {
                heap.push(Reverse((r, i, m)));
            }
        }
        let mut k = 0;
        symbols.retain(|_| {
            k += 1;
            alive[k - 1]
        });
    }
}

/// One entry of `model.merges`: `"left right"` (older files; `#version` lines skipped) or
/// `["left", "right"]` (newer ones).
enum MergeEntry<'a> {
    Pair(Cow<'a, str>, Cow<'a, str>),
    Version,
    Malformed(String),
}

impl<'a> MergeEntry<'a> {
    fn from_line(line: Cow<'a, str>) -> Self {
        if line.starts_with("#version") {
            return Self::Version;
        }
        let mut parts = line.split(' ');
        let (Some(l), Some(r), None) = (parts.next(), parts.next(), parts.next()) else {
            return Self::Malformed(line.into_owned());
        };
        match &line {
            Cow::Borrowed(s) => {
                let (l, r) = (&s[..l.len()], &s[l.len() + 1..]);
                Self::Pair(Cow::Borrowed(l), Cow::Borrowed(r))
            }
            Cow::Owned(_) => Self::Pair(Cow::Owned(l.to_owned()), Cow::Owned(r.to_owned())),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for MergeEntry<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = MergeEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"left right\" or [left, right]")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                s: &'de str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(MergeEntry::from_line(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Self::Value, E> {
                Ok(MergeEntry::from_line(Cow::Owned(s.to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let left: Cow<'de, str> = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let right: Cow<'de, str> = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(MergeEntry::Pair(left, right))
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

#[cfg(test)]
mod tests;
