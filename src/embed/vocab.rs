//! The training vocabulary: counts, `min_count`, `max_vocab`, frequency order, word2vec's
//! subsampling of frequent words and the unigram^0.75 distribution for negative sampling.

use std::collections::HashMap;

use crate::rng::Rng;

/// The words kept for training, most frequent first, with their counts.
#[derive(Debug, Clone)]
pub struct Vocab {
    words: Vec<String>,
    counts: Vec<u64>,
    index: HashMap<String, u32>,
}

impl Vocab {
    /// Keeps words seen at least `min_count` times, most frequent first (ties broken
    /// alphabetically so the order is deterministic), at most `max_vocab` of them (0: no cap).
    pub fn from_counts(
        counts: impl IntoIterator<Item = (String, u64)>,
        min_count: u64,
        max_vocab: usize,
    ) -> Self {
        let mut kept: Vec<(String, u64)> = counts
            .into_iter()
            .filter(|(_, c)| *c >= min_count)
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if max_vocab > 0 {
            kept.truncate(max_vocab);
        }
        let index = kept
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (w.clone(), i as u32))
            .collect();
        let (words, counts) = kept.into_iter().unzip();
        Self {
            words,
            counts,
            index,
        }
    }

    /// Words kept.
    pub fn len(&self) -> usize {
        self.words.len()
    }
    /// Whether no word was kept.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
    /// The words, most frequent first.
    pub fn words(&self) -> &[String] {
        &self.words
    }
    /// Each word's count, in `words` order.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }
    /// The id of `word`, if it was kept.
    pub fn id(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }
    /// Occurrences of all kept words: the words one epoch trains on.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Per word, the probability (scaled to u32) of keeping an occurrence under word2vec's
    /// subsampling: (sqrt(c / (s·T)) + 1) · (s·T) / c, capped at 1 — gensim's formula.
    pub fn keep_thresholds(&self, sample: f64) -> Vec<u32> {
        let total = self.total() as f64;
        let threshold = sample * total;
        self.counts
            .iter()
            .map(|&c| {
                let p = if sample <= 0.0 {
                    1.0
                } else {
                    let c = c as f64;
                    ((c / threshold).sqrt() + 1.0) * threshold / c
                };
                (p.min(1.0) * u32::MAX as f64) as u32
            })
            .collect()
    }
}

/// Draws word ids with probability proportional to count^power in O(1) (Vose's alias method),
/// using 8 bytes per word instead of word2vec's 400 MB table.
#[derive(Debug, Clone)]
pub struct NegativeTable {
    /// Probability (scaled to u32) of keeping the drawn slot rather than its alias.
    keep: Vec<u32>,
    alias: Vec<u32>,
}

impl NegativeTable {
    /// A table drawing word `i` with probability proportional to `counts[i]^power`.
    pub fn new(counts: &[u64], power: f64) -> Self {
        let n = counts.len();
        let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(power)).collect();
        let sum: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
        let mut keep = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            keep[s] = (scaled[s] * u32::MAX as f64) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Self { keep, alias }
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        let r = rng.next_u64();
        let slot = (((r >> 32) * self.keep.len() as u64) >> 32) as usize;
        if (r as u32) < self.keep[slot] {
            slot as u32
        } else {
            self.alias[slot]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        let counts = [("the", 100u64), ("cat", 10), ("sat", 10), ("rare", 1)];
        Vocab::from_counts(counts.iter().map(|(w, c)| (w.to_string(), *c)), 2, 0)
    }

    #[test]
    fn min_count_and_frequency_order() {
        let v = vocab();
        assert_eq!(v.words(), ["the", "cat", "sat"]);
        assert_eq!(v.id("rare"), None);
        assert_eq!(v.total(), 120);
        let capped = Vocab::from_counts(vec![("a".into(), 5), ("b".into(), 9)], 1, 1);
        assert_eq!(capped.words(), ["b"]);
    }

    #[test]
    fn subsampling_matches_gensim_formula() {
        let v = vocab();
        let t = v.keep_thresholds(0.01);
        // threshold = 0.01 * 120 = 1.2; for "the": (sqrt(100/1.2)+1)*1.2/100 = 0.1215...
        let p_the = t[0] as f64 / u32::MAX as f64;
        assert!((p_the - ((100.0f64 / 1.2).sqrt() + 1.0) * 1.2 / 100.0).abs() < 1e-6);
        assert_eq!(v.keep_thresholds(0.0)[0], u32::MAX);
    }

    #[test]
    fn negative_table_follows_the_smoothed_unigram() {
        let counts = [1000u64, 100, 10, 1];
        let table = NegativeTable::new(&counts, 0.75);
        let mut rng = Rng::new(7);
        let mut seen = [0u64; 4];
        let draws = 400_000;
        for _ in 0..draws {
            seen[table.sample(&mut rng) as usize] += 1;
        }
        let z: f64 = counts.iter().map(|&c| (c as f64).powf(0.75)).sum();
        for (i, &c) in counts.iter().enumerate() {
            let expected = (c as f64).powf(0.75) / z;
            let got = seen[i] as f64 / draws as f64;
            assert!(
                (got - expected).abs() < 0.005,
                "word {i}: {got} vs {expected}"
            );
        }
    }
}
