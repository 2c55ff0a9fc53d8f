//! Passages folded back into documents: a list of entries (passages) becomes a list of
//! documents, each once, at its best passage's score and numbered by its first passage.
//! Fusion, evaluation and the hits all see documents; the best passage is kept for the
//! snippet, its line and its share of the document's score.

use super::*;
use std::collections::HashMap;

/// How many more entries a list takes from an index with passages, so that `take` documents
/// remain once a document's passages are folded into one.
pub(super) const PASSAGE_FANOUT: usize = 4;

/// A document's best passage in one list: its entry number and its share of the scores of
/// all of the document's passages in that list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestPassage {
    pub unit: u32,
    pub share: f32,
}

impl SearchIndex {
    /// Entries to take from a list so that `take` documents remain after folding.
    pub(super) fn entries_for(&self, take: usize) -> usize {
        if self.has_passages {
            take.saturating_mul(PASSAGE_FANOUT)
        } else {
            take
        }
    }

    /// `list` (entries, best first) as documents, best first, at most `take`; `best` gets
    /// each document's best passage. An index without passages passes through unchanged.
    pub(super) fn fold(
        &self,
        list: Vec<(u32, f32)>,
        take: usize,
        best: &mut HashMap<u32, BestPassage>,
    ) -> Vec<(u32, f32)> {
        if !self.has_passages {
            return list.into_iter().take(take).collect();
        }
        let mut sums: HashMap<u32, f32> = HashMap::new();
        let mut out = Vec::new();
        for &(unit, score) in &list {
            let doc = self.document_of(unit);
            *sums.entry(doc).or_default() += score.max(0.0);
            if let std::collections::hash_map::Entry::Vacant(e) = best.entry(doc) {
                e.insert(BestPassage { unit, share: score });
                out.push((doc, score));
            }
        }
        out.truncate(take);
        for (doc, b) in best.iter_mut() {
            let sum = sums.get(doc).copied().unwrap_or(0.0);
            b.share = if sum > 0.0 {
                (b.share.max(0.0) / sum).min(1.0)
            } else {
                1.0
            };
        }
        out
    }

    /// The highest cosine between `q` and any passage of document `doc`.
    pub(super) fn best_cosine(&self, doc: u32, q: &[f32]) -> Option<f32> {
        self.units_of(doc)
            .filter_map(|u| Some(crate::kernels::dot(self.vectors.row(u)?, q)))
            .reduce(f32::max)
    }
}
