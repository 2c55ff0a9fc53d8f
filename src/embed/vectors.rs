//! `Embeddings`: words with their vectors, and the questions people ask of them — lookup,
//! cosine similarity, nearest neighbours, analogies (3CosAdd, 3CosMul), odd-one-out.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::embed::subword::Subwords;
use crate::error::{Error, Result};
use crate::floats::Floats;
use crate::kernels::{dot, normalize};

/// Word vectors (owned or memory-mapped), optionally with fastText n-gram rows for unseen words.
#[derive(Debug)]
pub struct Embeddings {
    words: Vec<String>,
    /// Word → row; built on first lookup for files already checked for duplicates (the
    /// native format), so opening one stays fast.
    index: OnceLock<HashMap<String, usize>>,
    dim: usize,
    matrix: Floats,
    /// Corpus counts when known (trained vectors); files carry only the order.
    counts: Option<Vec<u64>>,
    /// 1 / length of each row (0 for a zero row), computed once: cosine without a second,
    /// normalised copy of the matrix.
    inv_norms: OnceLock<Vec<f32>>,
    /// Character n-gram rows (fastText-style models): vectors for words never seen.
    subwords: Option<Subwords>,
}

/// How an analogy a : b :: c : ? is answered (Levy & Goldberg 2014).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum AnalogyMethod {
    /// argmax cos(x, b) − cos(x, a) + cos(x, c)
    #[cfg_attr(feature = "cli", value(name = "3cosadd"))]
    CosAdd,
    /// argmax cos'(x, b) · cos'(x, c) / (cos'(x, a) + ε), cos' = (cos + 1) / 2
    #[cfg_attr(feature = "cli", value(name = "3cosmul"))]
    CosMul,
}

impl Embeddings {
    /// Builds embeddings from words (in file or frequency order) and a row-major matrix.
    /// Duplicate words are an error: a file that lists a word twice is ambiguous.
    pub fn new(words: Vec<String>, matrix: Vec<f32>, dim: usize) -> Result<Self> {
        Self::from_parts(words, Floats::Owned(matrix), dim, None)
    }

    /// Like `new`, with a matrix that may be memory-mapped and optional n-gram rows.
    pub fn from_parts(
        words: Vec<String>,
        matrix: Floats,
        dim: usize,
        subwords: Option<Subwords>,
    ) -> Result<Self> {
        let emb = Self::unchecked(words, matrix, dim, subwords)?;
        let mut index = HashMap::with_capacity(emb.words.len());
        for (i, w) in emb.words.iter().enumerate() {
            if let Some(first) = index.insert(w.clone(), i) {
                return Err(Error::Usage(format!(
                    "duplicate word {w:?} (entries {} and {})",
                    first + 1,
                    i + 1
                )));
            }
        }
        let _ = emb.index.set(index);
        Ok(emb)
    }

    /// Builds embeddings whose words the caller already checked for duplicates (readers do,
    /// to name the line or byte; the native format was checked when written): the word index
    /// is built on first lookup, keeping the first of any duplicate.
    pub fn from_checked_parts(
        words: Vec<String>,
        matrix: Floats,
        dim: usize,
        subwords: Option<Subwords>,
    ) -> Result<Self> {
        Self::unchecked(words, matrix, dim, subwords)
    }

    fn unchecked(
        words: Vec<String>,
        matrix: Floats,
        dim: usize,
        subwords: Option<Subwords>,
    ) -> Result<Self> {
        let len = matrix.as_slice().len();
        if dim == 0 || Some(len) != words.len().checked_mul(dim) {
            return Err(Error::Usage(format!(
                "matrix of {len} values does not hold {} words of dimension {dim}",
                words.len()
            )));
        }
        if let Some(s) = &subwords
            && s.buckets.as_slice().len() % dim != 0
        {
            return Err(Error::Usage(format!(
                "n-gram matrix of {} values is not a whole number of rows of dimension {dim}",
                s.buckets.as_slice().len()
            )));
        }
        Ok(Self {
            words,
            index: OnceLock::new(),
            dim,
            matrix,
            counts: None,
            inv_norms: OnceLock::new(),
            subwords,
        })
    }

    /// The same vectors with each word's corpus count (SIF weights use them).
    pub fn with_counts(mut self, counts: Vec<u64>) -> Self {
        if counts.len() == self.words.len() {
            self.counts = Some(counts);
        }
        self
    }

    /// Words held.
    pub fn len(&self) -> usize {
        self.words.len()
    }
    /// Whether no word is held.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
    /// Vector dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }
    /// The words, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }
    /// Each word's corpus count, when known.
    pub fn counts(&self) -> Option<&[u64]> {
        self.counts.as_deref()
    }
    /// All word vectors, row after row.
    pub fn matrix(&self) -> &[f32] {
        self.matrix.as_slice()
    }
    /// Whether the matrix is memory-mapped (page cache) rather than on the heap.
    pub fn is_mapped(&self) -> bool {
        self.matrix.is_mapped()
    }
    /// The n-gram rows, for fastText models.
    pub fn subwords(&self) -> Option<&Subwords> {
        self.subwords.as_ref()
    }
    fn index(&self) -> &HashMap<String, usize> {
        self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.words.len());
            for (i, w) in self.words.iter().enumerate() {
                index.entry(w.clone()).or_insert(i);
            }
            index
        })
    }
    /// The row of `word`, if it is in the vocabulary.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index().get(word).copied()
    }
    /// Row `i`'s vector.
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.matrix()[i * self.dim..(i + 1) * self.dim]
    }
    /// The vector of a word in the vocabulary.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.vector(i))
    }
    /// The vector of any word: its own, or for a word not in the vocabulary the mean of its
    /// character n-gram rows when the vectors have them (fastText-style).
    pub fn lookup(&self, word: &str) -> Option<Cow<'_, [f32]>> {
        if let Some(v) = self.get(word) {
            return Some(Cow::Borrowed(v));
        }
        let sub = self.subwords.as_ref()?;
        sub.compose(word, self.dim, None).map(Cow::Owned)
    }

    /// 1 / length of every row, computed once.
    pub fn inv_norms(&self) -> &[f32] {
        if let Some(v) = self.inv_norms.get() {
            return v;
        }
        // Computed in parallel outside the cell's lock: a rayon worker blocked on the cell
        // while the thread filling it waits for rayon jobs queued behind that worker is a
        // deadlock (seen in the tests: analogies scored in parallel on fresh vectors). Two
        // threads may both compute; the first to store wins.
        let computed: Vec<f32> = self
            .matrix()
            .par_chunks(self.dim)
            .map(|row| {
                let n = dot(row, row).sqrt();
                if n > 0.0 { 1.0 / n } else { 0.0 }
            })
            .collect();
        self.inv_norms.get_or_init(|| computed)
    }
    /// Row `i` scaled to unit length.
    pub fn unit(&self, i: usize) -> Vec<f32> {
        let inv = self.inv_norms()[i];
        self.vector(i).iter().map(|x| x * inv).collect()
    }

    fn require(&self, word: &str) -> Result<usize> {
        self.index_of(word).ok_or_else(|| self.not_found(word))
    }
    fn not_found(&self, word: &str) -> Error {
        let hint = if self.subwords.is_some() {
            " and has no n-gram in the model"
        } else {
            " (these vectors have no subwords for unseen words)"
        };
        Error::Usage(format!(
            "{word:?} is not in the vocabulary ({} words){hint}",
            self.len()
        ))
    }

    /// Cosine similarity of two words (either may be out of the vocabulary when the vectors
    /// have n-grams).
    pub fn similarity(&self, a: &str, b: &str) -> Option<f32> {
        let mut va = self.lookup(a)?.into_owned();
        let mut vb = self.lookup(b)?.into_owned();
        normalize(&mut va);
        normalize(&mut vb);
        Some(dot(&va, &vb))
    }

    /// The `k` rows of the first `restrict` words (0: all) scoring highest under `score`,
    /// which sees each row scaled to unit length; skips `exclude`; parallel over rows.
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
        let matrix = self.matrix();
        let inv_norms = self.inv_norms();
        let chunk = 4096;
        let partial: Vec<Vec<(usize, f32)>> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let mut top = TopK::new(k);
                let mut unit = vec![0.0f32; self.dim];
                for i in c * chunk..((c + 1) * chunk).min(n) {
                    if !exclude.contains(&i) {
                        let row = &matrix[i * self.dim..(i + 1) * self.dim];
                        let inv = inv_norms[i];
                        unit.iter_mut().zip(row).for_each(|(u, x)| *u = x * inv);
                        top.push(i, score(&unit));
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

    /// The `k` words most similar to `word`, itself excluded. A word out of the vocabulary
    /// is answered from its n-grams when the vectors have them.
    pub fn most_similar(&self, word: &str, k: usize) -> Result<Vec<(String, f32)>> {
        let (mut q, exclude) = match self.index_of(word) {
            Some(i) => (self.unit(i), vec![i]),
            None => match self.lookup(word) {
                Some(v) => (v.into_owned(), Vec::new()),
                None => return Err(self.not_found(word)),
            },
        };
        normalize(&mut q);
        Ok(self.named(self.top_k_by(k, 0, &exclude, |row| dot(row, &q))))
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
        let (ua, ub, uc) = (self.unit(a), self.unit(b), self.unit(c));
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
            .for_each(|&i| crate::kernels::axpy(1.0, &self.unit(i), &mut mean));
        normalize(&mut mean);
        let mut worst = (0, f32::INFINITY);
        for (pos, &i) in ids.iter().enumerate() {
            let s = dot(&self.unit(i), &mean);
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
        let mut rng = crate::rng::Rng::new(3);
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
