//! A fitted classifier with everything prediction needs: tokenizer settings, label names,
//! the TF-IDF vocabulary, the document-vector settings, the dense-feature scaler, the
//! regression weights and (when it uses them) the word vectors.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::logreg::{LogReg, LogRegConfig};
use crate::docvec::{Coverage, DocVecConfig, DocVectorizer};
use crate::embed::Embeddings;
use crate::error::{Error, Result};
use crate::features::{CsrMatrix, Tfidf, TfidfConfig};
use crate::progress::Cancel;
use crate::text::TokenizerConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    /// TF-IDF bag-of-words only.
    Bow,
    /// Document vectors from word embeddings only.
    Embed,
    /// Both, side by side.
    Both,
}

impl FeatureKind {
    pub fn uses_bow(self) -> bool {
        matches!(self, FeatureKind::Bow | FeatureKind::Both)
    }
    pub fn uses_embeddings(self) -> bool {
        matches!(self, FeatureKind::Embed | FeatureKind::Both)
    }
}

/// Standardises dense features with the training mean and standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    mean: Vec<f32>,
    scale: Vec<f32>,
}

impl Scaler {
    pub fn fit(rows: &[Vec<f32>], dim: usize) -> Self {
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0f64; dim];
        rows.iter()
            .for_each(|r| r.iter().zip(&mut mean).for_each(|(x, m)| *m += *x as f64));
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0f64; dim];
        rows.iter().for_each(|r| {
            r.iter()
                .zip(&mean)
                .zip(&mut var)
                .for_each(|((x, m), v)| *v += (*x as f64 - m).powi(2))
        });
        let scale = var
            .iter()
            .map(|v| (v / n).sqrt())
            .map(|s| if s > 1e-12 { (1.0 / s) as f32 } else { 1.0 })
            .collect();
        Self {
            mean: mean.into_iter().map(|m| m as f32).collect(),
            scale,
        }
    }

    pub fn apply(&self, rows: &mut [Vec<f32>], factor: f32) {
        for r in rows {
            r.iter_mut()
                .zip(&self.mean)
                .zip(&self.scale)
                .for_each(|((x, m), s)| *x = (*x - m) * s * factor);
        }
    }
}

/// Settings for fitting a pipeline.
#[derive(Debug, Clone)]
pub struct FitSettings<'a> {
    pub kind: FeatureKind,
    pub tokenizer: &'a TokenizerConfig,
    pub bow: &'a TfidfConfig,
    pub docvec: &'a DocVecConfig,
    pub logreg: &'a LogRegConfig,
    /// Dense features are multiplied by this after standardising when combined with TF-IDF,
    /// so they do not drown the unit-norm sparse rows.
    pub dense_scale: f32,
}

impl<'a> FitSettings<'a> {
    /// Features `kind` with every other setting from `config`.
    pub fn from_config(kind: FeatureKind, config: &'a crate::Config) -> Self {
        Self {
            kind,
            tokenizer: &config.tokenizer,
            bow: &config.bow,
            docvec: &config.docvec,
            logreg: &config.logreg,
            dense_scale: config.compare.dense_scale,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    pub tokenizer: TokenizerConfig,
    pub text_cols: Vec<String>,
    pub labels: Vec<String>,
    pub kind: FeatureKind,
    pub tfidf: Option<Tfidf>,
    pub docvec: Option<DocVectorizer>,
    pub scaler: Option<Scaler>,
    pub dense_scale: f32,
    pub model: LogReg,
    /// Training time (features and regression), seconds.
    pub fit_seconds: f64,
    #[serde(skip)]
    pub embeddings: Option<Arc<Embeddings>>,
}

impl Pipeline {
    /// Fits on tokenized training documents with class ids `y`.
    pub fn fit(
        settings: &FitSettings<'_>,
        docs: &[Vec<String>],
        y: &[u32],
        labels: &[String],
        embeddings: Option<Arc<Embeddings>>,
        cancel: &Cancel,
    ) -> Result<Self> {
        let started = Instant::now();
        let kind = settings.kind;
        if kind.uses_embeddings() && embeddings.is_none() {
            return Err(Error::Usage("embedding features need word vectors".into()));
        }
        // TF-IDF is fitted for the bag-of-words features and for idf-weighted document vectors.
        let need_tfidf =
            kind.uses_bow() || settings.docvec.method == crate::docvec::DocVecMethod::Tfidf;
        let tfidf = if need_tfidf {
            Some(Tfidf::fit(docs, settings.bow)?)
        } else {
            None
        };
        let docvec = match (&embeddings, kind.uses_embeddings()) {
            (Some(e), true) => Some(DocVectorizer::fit(settings.docvec, docs, e, tfidf.as_ref())),
            _ => None,
        };
        let mut pipeline = Self {
            tokenizer: settings.tokenizer.clone(),
            text_cols: Vec::new(),
            labels: labels.to_vec(),
            kind,
            tfidf: if kind.uses_bow() || docvec.is_some() {
                tfidf
            } else {
                None
            },
            docvec,
            scaler: None,
            dense_scale: if kind == FeatureKind::Both {
                settings.dense_scale
            } else {
                1.0
            },
            model: LogReg {
                classes: 0,
                features: 0,
                weights: Vec::new(),
                bias: Vec::new(),
                iterations: 0,
                converged: false,
            },
            fit_seconds: 0.0,
            embeddings,
        };
        if let (Some(dv), Some(e)) = (&pipeline.docvec, &pipeline.embeddings) {
            let (vectors, _) = dv.transform(docs, e);
            pipeline.scaler = Some(Scaler::fit(&vectors, e.dim()));
        }
        let (x, _) = pipeline.features(docs);
        pipeline.model = LogReg::fit(&x, y, labels.len(), settings.logreg, cancel)?;
        pipeline.fit_seconds = started.elapsed().as_secs_f64();
        Ok(pipeline)
    }

    /// The feature rows of tokenized documents, and the embedding coverage.
    pub fn features(&self, docs: &[Vec<String>]) -> (CsrMatrix, Coverage) {
        let bow = if self.kind.uses_bow() {
            self.tfidf.as_ref().map(|t| t.transform(docs))
        } else {
            None
        };
        let mut coverage = Coverage::default();
        let dense = match (&self.docvec, &self.embeddings) {
            (Some(dv), Some(e)) => {
                let (mut vectors, cov) = dv.transform(docs, e);
                coverage = cov;
                if let Some(s) = &self.scaler {
                    s.apply(&mut vectors, self.dense_scale);
                }
                Some(CsrMatrix::from_dense(&vectors, e.dim()))
            }
            _ => None,
        };
        let x = match (bow, dense) {
            (Some(b), Some(d)) => b.hstack(&d),
            (Some(b), None) => b,
            (None, Some(d)) => d,
            (None, None) => CsrMatrix::new(0),
        };
        (x, coverage)
    }

    pub fn predict_proba(&self, docs: &[Vec<String>]) -> Vec<Vec<f64>> {
        self.model.predict_proba(&self.features(docs).0)
    }

    /// The most probable class of each row of probabilities.
    pub fn argmax(proba: &[Vec<f64>]) -> Vec<u32> {
        proba
            .iter()
            .map(|p| {
                p.iter()
                    .enumerate()
                    .fold(
                        (0, f64::NEG_INFINITY),
                        |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                    )
                    .0 as u32
            })
            .collect()
    }

    /// Bag-of-words terms of `doc` that pushed the decision towards `class` the most
    /// (weight × feature value), strongest first.
    pub fn explain(&self, doc: &[String], class: usize, k: usize) -> Vec<(String, f64)> {
        let Some(tfidf) = self.tfidf.as_ref().filter(|_| self.kind.uses_bow()) else {
            return Vec::new();
        };
        let names: std::collections::HashMap<u32, &str> = doc
            .iter()
            .filter_map(|t| tfidf.vocabulary.get(t).map(|&c| (c, t.as_str())))
            .collect();
        let mut out: Vec<(String, f64)> = tfidf
            .row(doc)
            .into_iter()
            .filter_map(|(c, v)| {
                names.get(&c).map(|n| {
                    (
                        n.to_string(),
                        self.model.weight(class, c as usize) * v as f64,
                    )
                })
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(k);
        out
    }
}
