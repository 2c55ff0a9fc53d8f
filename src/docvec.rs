//! Document vectors from word embeddings: the mean of a document's word vectors, the mean
//! weighted by idf, or SIF (Arora et al. 2017: weights a / (a + p(w)), then the first
//! principal component of the training documents removed); optionally scaled to unit length.

pub mod encoder;
pub mod export;
pub mod fit;
pub mod source;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::embed::Embeddings;
use crate::features::Tfidf;
use crate::kernels::{axpy, dot, normalize};

/// How word vectors pool into a document vector: mean, idf-weighted mean, or SIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum DocVecMethod {
    Mean,
    Tfidf,
    Sif,
}

impl DocVecMethod {
    /// Every method, in the order reports list them.
    pub const ALL: [DocVecMethod; 3] = [DocVecMethod::Mean, DocVecMethod::Tfidf, DocVecMethod::Sif];
    /// The name settings and reports use.
    pub fn name(self) -> &'static str {
        match self {
            DocVecMethod::Mean => "mean",
            DocVecMethod::Tfidf => "tfidf",
            DocVecMethod::Sif => "sif",
        }
    }
}

/// The `[docvec]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocVecConfig {
    /// How word vectors are combined: mean, tfidf or sif.
    pub method: DocVecMethod,
    /// Scale each document vector to unit length.
    pub normalize: bool,
    /// SIF's smoothing constant a.
    pub sif_a: f64,
}

impl Default for DocVecConfig {
    fn default() -> Self {
        Self {
            method: DocVecMethod::Mean,
            normalize: false,
            sif_a: 1e-3,
        }
    }
}

/// How many tokens had a vector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub tokens: u64,
    pub covered: u64,
    /// Documents with no token that has a vector (their vector is all zeros).
    pub empty_documents: u64,
}

impl Coverage {
    /// Share of tokens that had a vector.
    pub fn ratio(&self) -> f64 {
        if self.tokens == 0 {
            0.0
        } else {
            self.covered as f64 / self.tokens as f64
        }
    }
}

/// A fitted document vectorizer: the per-word weights and (SIF) the component to remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocVectorizer {
    pub config: DocVecConfig,
    /// Per-word weight (idf, or SIF's a / (a + p)); words missing here weigh 1.
    weights: HashMap<String, f32>,
    /// SIF: unit principal component of the training document vectors.
    component: Option<Vec<f32>>,
}

impl DocVectorizer {
    /// Fits on the training documents. `tfidf` supplies idf for the tfidf method.
    pub fn fit(
        config: &DocVecConfig,
        train: &[Vec<String>],
        emb: &Embeddings,
        tfidf: Option<&Tfidf>,
    ) -> Self {
        let weights = match config.method {
            DocVecMethod::Mean => HashMap::new(),
            DocVecMethod::Tfidf => tfidf
                .map(|t| {
                    t.vocabulary
                        .iter()
                        .map(|(w, &c)| (w.clone(), t.idf[c as usize]))
                        .collect()
                })
                .unwrap_or_default(),
            DocVecMethod::Sif => {
                let mut counts: HashMap<&str, u64> = HashMap::new();
                let mut total = 0u64;
                for d in train {
                    for t in d {
                        *counts.entry(t.as_str()).or_insert(0) += 1;
                        total += 1;
                    }
                }
                let a = config.sif_a;
                counts
                    .into_iter()
                    .map(|(w, c)| {
                        let p = c as f64 / total.max(1) as f64;
                        (w.to_string(), (a / (a + p)) as f32)
                    })
                    .collect()
            }
        };
        let mut fitted = Self {
            config: config.clone(),
            weights,
            component: None,
        };
        if config.method == DocVecMethod::Sif {
            let (vectors, _) = fitted.weighted_means(train, emb);
            fitted.component = first_component(&vectors, emb.dim());
        }
        fitted
    }

    /// A vectorizer that needs no fitting (the mean), for settings alone.
    pub fn unfitted(config: &DocVecConfig) -> Self {
        Self {
            config: config.clone(),
            weights: HashMap::new(),
            component: None,
        }
    }

    fn weighted_means(&self, docs: &[Vec<String>], emb: &Embeddings) -> (Vec<Vec<f32>>, Coverage) {
        let mut cov = Coverage::default();
        let out = docs
            .iter()
            .map(|d| {
                let mut v = vec![0.0f32; emb.dim()];
                let mut total = 0.0f32;
                for t in d {
                    cov.tokens += 1;
                    if let Some(x) = emb.lookup(t) {
                        cov.covered += 1;
                        let w = self.weights.get(t).copied().unwrap_or(1.0);
                        axpy(w, &x, &mut v);
                        total += w;
                    }
                }
                if total > 0.0 {
                    v.iter_mut().for_each(|x| *x /= total);
                } else {
                    cov.empty_documents += 1;
                }
                v
            })
            .collect();
        (out, cov)
    }

    /// Document vectors for `docs`, with the share of tokens that had a vector.
    /// Each distinct token's share of one document's vector: its weighted vector over the
    /// total weight, with the SIF component and the normalisation applied as they apply to the
    /// whole (both are linear once the document is known), so the shares sum to the vector
    /// `transform` gives. Empty when no token has a vector.
    pub fn token_shares(&self, doc: &[String], emb: &Embeddings) -> Vec<(String, Vec<f32>)> {
        let mut shares: Vec<(String, Vec<f32>)> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::new();
        let mut total = 0.0f32;
        for t in doc {
            let Some(x) = emb.lookup(t) else { continue };
            let w = self.weights.get(t).copied().unwrap_or(1.0);
            let i = *at.entry(t.as_str()).or_insert_with(|| {
                shares.push((t.clone(), vec![0.0; emb.dim()]));
                shares.len() - 1
            });
            axpy(w, &x, &mut shares[i].1);
            total += w;
        }
        if total <= 0.0 {
            return Vec::new();
        }
        let mut whole = vec![0.0f32; emb.dim()];
        for (_, s) in &mut shares {
            s.iter_mut().for_each(|x| *x /= total);
            if let Some(u) = &self.component {
                let p = dot(s, u);
                axpy(-p, u, s);
            }
            axpy(1.0, s, &mut whole);
        }
        let norm = dot(&whole, &whole).sqrt();
        if self.config.normalize && norm > 0.0 {
            for (_, s) in &mut shares {
                s.iter_mut().for_each(|x| *x /= norm);
            }
        }
        shares
    }

    /// Each document's vector, and how many of its tokens had one.
    pub fn transform(&self, docs: &[Vec<String>], emb: &Embeddings) -> (Vec<Vec<f32>>, Coverage) {
        let (mut vectors, cov) = self.weighted_means(docs, emb);
        for v in &mut vectors {
            if let Some(u) = &self.component {
                let p = dot(v, u);
                axpy(-p, u, v);
            }
            if self.config.normalize {
                normalize(v);
            }
        }
        (vectors, cov)
    }
}

/// The top right singular vector of the rows (power iteration on XᵀX), unit length.
fn first_component(rows: &[Vec<f32>], dim: usize) -> Option<Vec<f32>> {
    let mut gram = vec![0.0f64; dim * dim];
    for r in rows {
        for i in 0..dim {
            let ri = r[i] as f64;
            if ri != 0.0 {
                for j in 0..dim {
                    gram[i * dim + j] += ri * r[j] as f64;
                }
            }
        }
    }
    let mut u = vec![1.0f64 / (dim as f64).sqrt(); dim];
    for _ in 0..200 {
        let mut next = vec![0.0f64; dim];
        for i in 0..dim {
            next[i] = (0..dim).map(|j| gram[i * dim + j] * u[j]).sum();
        }
        let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        next.iter_mut().for_each(|x| *x /= norm);
        let delta: f64 = next.iter().zip(&u).map(|(a, b)| (a - b).abs()).sum();
        u = next;
        if delta < 1e-9 {
            break;
        }
    }
    Some(u.into_iter().map(|x| x as f32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emb() -> Embeddings {
        let words = ["a", "b", "c"].map(String::from).to_vec();
        Embeddings::new(words, vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], 2).unwrap()
    }

    fn doc(t: &str) -> Vec<String> {
        t.split(' ').map(String::from).collect()
    }

    #[test]
    fn mean_and_coverage() {
        let e = emb();
        let v = DocVectorizer::fit(&DocVecConfig::default(), &[], &e, None);
        let (out, cov) = v.transform(&[doc("a b zzz"), doc("zzz")], &e);
        assert_eq!(out[0], vec![0.5, 0.5]);
        assert_eq!(out[1], vec![0.0, 0.0]);
        assert_eq!(cov.tokens, 4);
        assert_eq!(cov.covered, 2);
        assert_eq!(cov.empty_documents, 1);
    }

    #[test]
    fn sif_removes_the_common_component() {
        let e = emb();
        let cfg = DocVecConfig {
            method: DocVecMethod::Sif,
            ..DocVecConfig::default()
        };
        let train = vec![doc("a c"), doc("b c"), doc("c c a")];
        let v = DocVectorizer::fit(&cfg, &train, &e, None);
        let (out, _) = v.transform(&train, &e);
        let u = v.component.clone().unwrap();
        for x in &out {
            assert!(dot(x, &u).abs() < 1e-5, "component left in {x:?}");
        }
        // The frequent word "c" weighs less than the rare "a".
        assert!(v.weights["c"] < v.weights["a"]);
    }
}
