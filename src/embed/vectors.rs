//! `Embeddings`: words with their vectors, and the questions people ask of them — lookup,
//! cosine similarity, nearest neighbours, analogies (3CosAdd, 3CosMul), odd-one-out.

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::embed::kernels::{dot, normalize};
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Embeddings {
    words: Vec<String>,
    index: HashMap<String, usize>,
    dim: usize,
    matrix: Vec<f32>,
    /// Corpus counts when known (trained vectors); files carry only the order.
    counts: Option<Vec<u64>>,
    unit: OnceLock<Vec<f32>>,
}

/// How an analogy a : b :: c : ? is answered (Levy & Goldberg 2014).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalogyMethod {
    /// argmax cos(x, b) − cos(x, a) + cos(x, c)
    #[value(name = "3cosadd")]
    CosAdd,
    /// argmax cos'(x, b) · cos'(x, c) / (cos'(x, a) + ε), cos' = (cos + 1) / 2
    #[value(name = "3cosmul")]
    CosMul,
}

impl Embeddings {
    /// Builds embeddings from words (in file or frequency order) and a row-major matrix.
    /// Duplicate words are an error: a file that lists a word twice is ambiguous.
    pub fn new(words: Vec<String>, matrix: Vec<f32>, dim: usize) -> Result<Self> {
        if dim == 0 || matrix.len() != words.len() * dim {
            return Err(Error::Usage(format!(
                "matrix of {} values does not hold {} words of dimension {dim}",
                matrix.len(),
                words.len()
            )));
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if let Some(first) = index.insert(w.clone(), i) {
                return Err(Error::Usage(format!(
                    "duplicate word {w:?} (entries {} and {})",
                    first + 1,
                    i + 1
                )));
            }
        }
        Ok(Self {
            words,
            index,
            dim,
            matrix,
            counts: None,
            unit: OnceLock::new(),
        })
    }

    pub fn with_counts(mut self, counts: Vec<u64>) -> Self {
        if counts.len() == self.words.len() {
            self.counts = Some(counts);
        }
        self
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
    pub fn dim(&self) -> usize {
        self.dim
    }
    pub fn words(&self) -> &[String] {
        &self.words
    }
    pub fn counts(&self) -> Option<&[u64]> {
        self.counts.as_deref()
    }
    pub fn matrix(&self) -> &[f32] {
        &self.matrix
    }
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).copied()
    }
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.matrix[i * self.dim..(i + 1) * self.dim]
    }
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.vector(i))
    }

    /// The matrix with every row scaled to unit length, computed once.
    pub fn unit_matrix(&self) -> &[f32] {
        self.unit.get_or_init(|| {
            let mut m = self.matrix.clone();
            m.par_chunks_mut(self.dim).for_each(normalize);
            m
        })
    }
    pub fn unit(&self, i: usize) -> &[f32] {
        &self.unit_matrix()[i * self.dim..(i + 1) * self.dim]
    }

    fn require(&self, word: &str) -> Result<usize> {
        self.index_of(word).ok_or_else(|| {
            Error::Usage(format!(
                "{word:?} is not in the vocabulary ({} words)",
                self.len()
            ))
        })
    }

    pub fn similarity(&self, a: &str, b: &str) -> Option<f32> {
        Some(dot(
            self.unit(self.index_of(a)?),
            self.unit(self.index_of(b)?),
        ))
    }

    /// The `k` rows of the first `restrict` words (0: all) scoring highest under `score`,
    /// skipping `exclude`; parallel over rows.
    pub fn top_k_by<F>(
        &self,
        k: usize,
        restrict: usize,
        exclude: &[usize],
        score: F,
    ) -> Vec<(usize, f32)>
    where
        F: Fn(&[f32]) -> f32 + Sync,
    {
        let n = if restrict == 0 {
            self.len()
        } else {
            restrict.min(self.len())
        };
        let unit = self.unit_matrix();
        let chunk = 4096;
        let partial: Vec<Vec<(usize, f32)>> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let mut top = TopK::new(k);
                for i in c * chunk..((c + 1) * chunk).min(n) {
                    if !exclude.contains(&i) {
                        top.push(i, score(&unit[i * self.dim..(i + 1) * self.dim]));
                    }
                }
                top.items
            })
            .collect();
        let mut top = TopK::new(k);
        partial
            .into_iter()
            .flatten()
            .for_each(|(i, s)| top.push(i, s));
        top.into_sorted()
    }

    /// Nearest neighbours of a vector by cosine similarity.
    pub fn nearest_to_vector(&self, v: &[f32], k: usize, exclude: &[usize]) -> Vec<(String, f32)> {
        let mut q = v.to_vec();
        normalize(&mut q);
        self.named(self.top_k_by(k, 0, exclude, |row| dot(row, &q)))
    }

    /// The `k` words most similar to `word`, itself excluded.
    pub fn most_similar(&self, word: &str, k: usize) -> Result<Vec<(String, f32)>> {
        let i = self.require(word)?;
        let q = self.unit(i).to_vec();
        Ok(self.named(self.top_k_by(k, 0, &[i], |row| dot(row, &q))))
    }

    /// a : b :: c : ? — the `k` best answers among the first `restrict` words (0: all),
    /// a, b and c excluded.
    pub fn analogy(
        &self,
        a: &str,
        b: &str,
        c: &str,
        k: usize,
        method: AnalogyMethod,
        restrict: usize,
    ) -> Result<Vec<(String, f32)>> {
        let ids = [self.require(a)?, self.require(b)?, self.require(c)?];
        Ok(self.named(self.analogy_ids(ids, k, method, restrict)))
    }

    pub(crate) fn analogy_ids(
        &self,
        [a, b, c]: [usize; 3],
        k: usize,
        method: AnalogyMethod,
        restrict: usize,
    ) -> Vec<(usize, f32)> {
        let (ua, ub, uc) = (
            self.unit(a).to_vec(),
            self.unit(b).to_vec(),
            self.unit(c).to_vec(),
        );
        match method {
            AnalogyMethod::CosAdd => {
                let mut q: Vec<f32> = (0..self.dim).map(|j| ub[j] - ua[j] + uc[j]).collect();
                normalize(&mut q);
                self.top_k_by(k, restrict, &[a, b, c], |row| dot(row, &q))
            }
            AnalogyMethod::CosMul => {
                let shift = |x: f32| (x + 1.0) / 2.0;
                self.top_k_by(k, restrict, &[a, b, c], |row| {
                    shift(dot(row, &ub)) * shift(dot(row, &uc)) / (shift(dot(row, &ua)) + 1e-3)
                })
            }
        }
    }

    /// The word least similar to the mean of the others' unit vectors.
    pub fn odd_one_out(&self, words: &[&str]) -> Result<String> {
        if words.len() < 3 {
            return Err(Error::Usage(
                "odd-one-out needs at least three words".into(),
            ));
        }
        let ids = words
            .iter()
            .map(|w| self.require(w))
            .collect::<Result<Vec<_>>>()?;
        let mut mean = vec![0.0f32; self.dim];
        ids.iter()
            .for_each(|&i| crate::embed::kernels::axpy(1.0, self.unit(i), &mut mean));
        normalize(&mut mean);
        let mut worst = (0, f32::INFINITY);
        for (pos, &i) in ids.iter().enumerate() {
            let s = dot(self.unit(i), &mean);
            if s < worst.1 {
                worst = (pos, s);
            }
        }
        Ok(words[worst.0].to_string())
    }

    fn named(&self, hits: Vec<(usize, f32)>) -> Vec<(String, f32)> {
        hits.into_iter()
            .map(|(i, s)| (self.words[i].clone(), s))
            .collect()
    }
}

/// Keeps the k highest-scoring items seen so far (k is small: a linear scan beats a heap).
struct TopK {
    k: usize,
    items: Vec<(usize, f32)>,
    min: f32,
}

impl TopK {
    fn new(k: usize) -> Self {
        Self {
            k,
            items: Vec::with_capacity(k + 1),
            min: f32::NEG_INFINITY,
        }
    }
    #[inline]
    fn push(&mut self, i: usize, score: f32) {
        if self.k == 0 || score.is_nan() {
            return;
        }
        if self.items.len() < self.k {
            self.items.push((i, score));
            if self.items.len() == self.k {
                self.min = self.items.iter().map(|x| x.1).fold(f32::INFINITY, f32::min);
            }
        } else if score > self.min {
            if let Some(pos) = self.items.iter().position(|x| x.1 == self.min) {
                self.items[pos] = (i, score);
            }
            self.min = self.items.iter().map(|x| x.1).fold(f32::INFINITY, f32::min);
        }
    }
    fn into_sorted(mut self) -> Vec<(usize, f32)> {
        self.items
            .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Embeddings {
        let words = ["king", "queen", "man", "woman", "apple"]
            .map(String::from)
            .to_vec();
        // Dimensions: royalty, gender (+ male), fruit.
        let m = vec![
            1.0, 1.0, 0.0, //
            1.0, -1.0, 0.0, //
            0.0, 1.0, 0.1, //
            0.0, -1.0, 0.1, //
            0.0, 0.0, 1.0,
        ];
        Embeddings::new(words, m, 3).unwrap()
    }

    #[test]
    fn top_k_equals_sort_and_truncate() {
        let mut rng = crate::embed::rng::Rng::new(3);
        let scores: Vec<f32> = (0..1000).map(|_| rng.next_f32()).collect();
        for k in [0, 1, 5, 50] {
            let mut top = TopK::new(k);
            scores.iter().enumerate().for_each(|(i, &s)| top.push(i, s));
            let mut naive: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
            naive.sort_by(|a, b| b.1.total_cmp(&a.1));
            naive.truncate(k);
            assert_eq!(top.into_sorted(), naive);
        }
    }

    #[test]
    fn analogy_and_neighbours_on_a_toy_space() {
        let e = toy();
        for method in [AnalogyMethod::CosAdd, AnalogyMethod::CosMul] {
            let best = e.analogy("man", "king", "woman", 1, method, 0).unwrap();
            assert_eq!(best[0].0, "queen", "{method:?}");
        }
        let n = e.most_similar("king", 2).unwrap();
        assert_eq!(n[0].0, "man");
        assert!(n.iter().all(|(w, _)| w != "king"));
        assert_eq!(e.odd_one_out(&["king", "man", "apple"]).unwrap(), "apple");
        assert!((e.similarity("king", "king").unwrap() - 1.0).abs() < 1e-6);
        assert!(e.most_similar("nope", 3).is_err());
    }

    #[test]
    fn duplicate_words_are_rejected() {
        let err = Embeddings::new(vec!["a".into(), "a".into()], vec![0.0; 2], 1).unwrap_err();
        assert!(err.to_string().contains("duplicate word \"a\""));
    }
}
