//! A fitted classifier with everything prediction needs: tokenizer settings, label names,
//! the TF-IDF vocabulary, the document-vector settings, the dense-feature scaler, the
//! regression weights and (when it uses them) the word vectors.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::logreg::{LogReg, LogRegConfig};
use crate::docvec::encoder::{Encoder, EncoderRef};
use crate::docvec::{Coverage, DocVecConfig, DocVecMethod, DocVectorizer};
use crate::embed::Embeddings;
use crate::error::{Error, Result};
use crate::features::{CsrMatrix, Tfidf, TfidfConfig};
use crate::progress::Cancel;
use crate::text::TokenizerConfig;

/// What a classifier reads: TF-IDF bag-of-words, document vectors, or both side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    /// Whether the TF-IDF bag-of-words is part of the features.
    pub fn uses_bow(self) -> bool {
        matches!(self, FeatureKind::Bow | FeatureKind::Both)
    }
    /// Whether document vectors are part of the features.
    pub fn uses_embeddings(self) -> bool {
        matches!(self, FeatureKind::Embed | FeatureKind::Both)
    }
}

/// Standardises dense features with the training mean and standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    mean: Vec<f32>,
    /// 1 / standard deviation of each dense column.
    scale: Vec<f32>,
}

impl Scaler {
    /// The mean and standard deviation of each column of `rows`.
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

    /// Standardises `rows` in place, then multiplies them by `factor`.
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
    /// Bag-of-words, document vectors or both.
    pub kind: FeatureKind,
    /// How texts are split into tokens.
    pub tokenizer: &'a TokenizerConfig,
    /// The TF-IDF features.
    pub bow: &'a TfidfConfig,
    /// How word vectors are pooled into a document vector.
    pub docvec: &'a DocVecConfig,
    /// The logistic regression.
    pub logreg: &'a LogRegConfig,
    /// Dense features are multiplied by this after standardising when combined with TF-IDF,
    /// so they do not drown the unit-norm sparse rows.
    pub dense_scale: f32,
}

/// A fitted classifier with everything needed to predict from raw text (saved as `.wlm`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    /// The tokenizer it was trained with (and predicts with).
    #[serde(deserialize_with = "crate::text::saved_config")]
    pub tokenizer: TokenizerConfig,
    /// The CSV columns joined into the text.
    pub text_cols: Vec<String>,
    /// Class names, in the model's class order.
    pub labels: Vec<String>,
    /// Which features it uses.
    pub kind: FeatureKind,
    /// The fitted TF-IDF vocabulary and weights (bag-of-words features).
    pub tfidf: Option<Tfidf>,
    /// The document-vector pooling (document-vector features).
    pub docvec: Option<DocVectorizer>,
    /// Standardisation of the document vectors, fitted on the training rows.
    pub scaler: Option<Scaler>,
    /// Factor on the standardised document vector: its weight next to TF-IDF, or 1/√dim for
    /// vectors alone (rows of unit length on average).
    pub dense_scale: f32,
    /// The fitted logistic regression.
    pub model: LogReg,
    /// Training time (features and regression), seconds.
    pub fit_seconds: f64,
    /// The static model used (path and checksum), checked when the model file is loaded.
    #[serde(default)]
    pub static_model: Option<EncoderRef>,
    /// The word vectors or static model; not saved in the file, given again on load.
    #[serde(skip)]
    pub encoder: Option<Encoder>,
}

/// Documents as a pipeline reads them: their texts (a static model tokenizes them itself) and
/// wordlens's tokens of each (bag-of-words, word vectors).
#[derive(Clone, Copy)]
pub struct Docs<'a> {
    /// The raw texts.
    pub texts: &'a [&'a str],
    /// Each text's tokens.
    pub tokens: &'a [Vec<String>],
}

impl<'a> Docs<'a> {
    /// The documents `texts` with their tokens (same order, same length).
    pub fn new(texts: &'a [&'a str], tokens: &'a [Vec<String>]) -> Self {
        Self { texts, tokens }
    }
}

/// Where document vectors come from.
enum DenseInputs<'a> {
    /// Token sequences pooled by `docvec`, and their table: wordlens's tokens (borrowed) and
    /// the word vectors, or a static model's own tokens and its token table.
    Pooled(Cow<'a, [Vec<String>]>, Arc<Embeddings>),
    /// Unit vectors a contextual encoder made of each text.
    Encoded(Vec<Vec<f32>>),
}

fn dense_inputs<'a>(encoder: &Encoder, docs: Docs<'a>) -> Result<DenseInputs<'a>> {
    match encoder {
        Encoder::Words(e) => Ok(DenseInputs::Pooled(Cow::Borrowed(docs.tokens), e.clone())),
        Encoder::Static(m) => {
            use rayon::prelude::*;
            let tokens = docs.texts.par_iter().map(|t| m.token_strings(t)).collect();
            Ok(DenseInputs::Pooled(Cow::Owned(tokens), m.token_table()?))
        }
        Encoder::Contextual(m) => {
            // Unit length as for a static model: the classifier reads directions.
            let mut vectors = m.embed_batch(docs.texts);
            vectors
                .iter_mut()
                .for_each(|v| crate::kernels::normalize(v));
            Ok(DenseInputs::Encoded(vectors))
        }
    }
}

impl Pipeline {
    /// Fits on training documents with class ids `y`.
    pub fn fit(
        settings: &FitSettings<'_>,
        docs: Docs<'_>,
        y: &[u32],
        labels: &[String],
        encoder: Option<Encoder>,
        cancel: &Cancel,
    ) -> Result<Self> {
        let started = Instant::now();
        let (mut pipeline, x) = Self::prepare(settings, docs, labels, encoder)?;
        pipeline.model = LogReg::fit(&x, y, labels.len(), settings.logreg, cancel)?;
        pipeline.fit_seconds = started.elapsed().as_secs_f64();
        Ok(pipeline)
    }

    // Over 80 lines: features, scaler and model shell built together, as each depends on the feature
    // kind.
    /// Everything but the regression: the feature extractors fitted on the training documents,
    /// and those documents' feature rows. The model is empty until the caller fits it.
    pub fn prepare(
        settings: &FitSettings<'_>,
        docs: Docs<'_>,
        labels: &[String],
        encoder: Option<Encoder>,
    ) -> Result<(Self, CsrMatrix)> {
        let kind = settings.kind;
        let encoder = encoder.filter(|_| kind.uses_embeddings());
        if kind.uses_embeddings() && encoder.is_none() {
            return Err(Error::Usage("embedding features need word vectors".into()));
        }
        let dense = encoder
            .as_ref()
            .map(|e| dense_inputs(e, docs))
            .transpose()?;
        let tfidf = if kind.uses_bow() {
            Some(Tfidf::fit(docs.tokens, settings.bow)?)
        } else {
            None
        };
        // idf-weighted document vectors reuse the bag-of-words idf when they pool the same
        // tokens (word vectors); a static model's tokens get their own.
        let same_tokens = tfidf.is_some() && matches!(encoder, Some(Encoder::Words(_)));
        let dense_tfidf = match &dense {
            Some(DenseInputs::Pooled(t, _))
                if settings.docvec.method == DocVecMethod::Tfidf && !same_tokens =>
            {
                Some(Tfidf::fit(t, settings.bow)?)
            }
            _ => None,
        };
        // A static model's document vectors are unit length, as its own package gives them:
        // the mean's length carries how many tokens a document has, not what it is about
        // (measured, bench/static_logreg.py: tweets 0.675 -> 0.681, scikit-learn's figure).
        let docvec_config = DocVecConfig {
            normalize: settings.docvec.normalize || matches!(encoder, Some(Encoder::Static(_))),
            ..settings.docvec.clone()
        };
        let docvec = match &dense {
            Some(DenseInputs::Pooled(t, e)) => Some(DocVectorizer::fit(
                &docvec_config,
                t,
                e,
                dense_tfidf.as_ref().or(tfidf.as_ref()),
            )),
            _ => None,
        };
        let mut pipeline = Self {
            tokenizer: settings.tokenizer.pinned()?,
            text_cols: Vec::new(),
            labels: labels.to_vec(),
            kind,
            tfidf,
            docvec,
            scaler: None,
            dense_scale: match kind {
                FeatureKind::Both => settings.dense_scale,
                // Standardised rows have a squared length of about `dim`; divided by its root
                // they are of unit length on average, as TF-IDF rows are, so one C grid
                // (0.1-30) fits both. Unscaled, the grid's weakest regularisation sat far past
                // the best C on data it was not tuned on (bench/static_logreg.py: Debian
                // 0.629 at C 1, 0.670 tuned, against 0.688 at the scaled C 1).
                _ => encoder
                    .as_ref()
                    .map_or(1.0, |e| 1.0 / (e.dim().max(1) as f32).sqrt()),
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
            static_model: match &encoder {
                Some(e) => e.reference()?,
                None => None,
            },
            encoder,
        };
        match (&pipeline.docvec, &dense) {
            (Some(dv), Some(DenseInputs::Pooled(t, e))) => {
                let (vectors, _) = dv.transform(t, e);
                pipeline.scaler = Some(Scaler::fit(&vectors, e.dim()));
            }
            (_, Some(DenseInputs::Encoded(vectors))) => {
                let dim = vectors.first().map_or(0, Vec::len);
                pipeline.scaler = Some(Scaler::fit(vectors, dim));
            }
            _ => {}
        }
        let (x, _) = pipeline.features_with(docs, dense)?;
        Ok((pipeline, x))
    }

    /// Columns of the bag-of-words block (the dense block follows them).
    pub fn bow_columns(&self) -> usize {
        match &self.tfidf {
            Some(t) if self.kind.uses_bow() => t.len(),
            _ => 0,
        }
    }

    /// The feature rows of documents, and the embedding coverage.
    pub fn features(&self, docs: Docs<'_>) -> Result<(CsrMatrix, Coverage)> {
        let dense = match &self.encoder {
            Some(e) if self.kind.uses_embeddings() => Some(dense_inputs(e, docs)?),
            _ => None,
        };
        self.features_with(docs, dense)
    }

    fn features_with(
        &self,
        docs: Docs<'_>,
        dense: Option<DenseInputs<'_>>,
    ) -> Result<(CsrMatrix, Coverage)> {
        let bow = if self.kind.uses_bow() {
            self.tfidf.as_ref().map(|t| t.transform(docs.tokens))
        } else {
            None
        };
        let mut coverage = Coverage::default();
        let dense = match (&self.docvec, dense) {
            (Some(dv), Some(DenseInputs::Pooled(t, e))) => {
                let (mut vectors, cov) = dv.transform(&t, &e);
                coverage = cov;
                if let Some(s) = &self.scaler {
                    s.apply(&mut vectors, self.dense_scale);
                }
                Some(CsrMatrix::from_dense(&vectors, e.dim()))
            }
            (_, Some(DenseInputs::Encoded(mut vectors))) => {
                let dim = self.encoder.as_ref().map_or(0, Encoder::dim);
                if let Some(s) = &self.scaler {
                    s.apply(&mut vectors, self.dense_scale);
                }
                Some(CsrMatrix::from_dense(&vectors, dim))
            }
            _ => None,
        };
        let x = match (bow, dense) {
            (Some(b), Some(d)) => b.hstack(&d),
            (Some(b), None) => b,
            (None, Some(d)) => d,
            (None, None) => CsrMatrix::new(0),
        };
        Ok((x, coverage))
    }

    /// Each document's probability of every label, in `labels` order.
    pub fn predict_proba(&self, docs: Docs<'_>) -> Result<Vec<Vec<f64>>> {
        Ok(self.model.predict_proba(&self.features(docs)?.0))
    }

    /// The most probable class of each row of probabilities.
    pub fn argmax(proba: &[Vec<f64>]) -> Vec<u32> {
        proba.iter().map(|p| Self::most_probable(p)).collect()
    }

    /// The most probable class of one row of probabilities (the first on a tie).
    pub fn most_probable(p: &[f64]) -> u32 {
        p.iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |b, (i, &v)| if v > b.1 { (i, v) } else { b },
            )
            .0 as u32
    }

    /// What pushed one document (`docs` holds one) towards `class`, strongest first, at most
    /// `k` from each part: bag-of-words terms (weight × TF-IDF value) and, through the dense
    /// weights, each token's share of the document vector (the part every document shares, the
    /// standardising offset, is not any token's).
    pub fn explain(&self, docs: Docs<'_>, class: usize, k: usize) -> Vec<Reason> {
        let mut out = self.explain_words(docs, class, k);
        out.extend(self.explain_embedding(docs, class, k));
        out
    }

    fn explain_words(&self, docs: Docs<'_>, class: usize, k: usize) -> Vec<Reason> {
        let (Some(tfidf), Some(doc)) = (
            self.tfidf.as_ref().filter(|_| self.kind.uses_bow()),
            docs.tokens.first(),
        ) else {
            return Vec::new();
        };
        let mut names: std::collections::HashMap<u32, String> = Default::default();
        crate::features::tfidf::for_each_term(doc, tfidf.config.bigrams, |t| {
            if let Some(&c) = tfidf.vocabulary.get(t) {
                names.entry(c).or_insert_with(|| t.to_string());
            }
        });
        let scores = tfidf.row(doc).into_iter().filter_map(|(c, v)| {
            let name = names.get(&c)?.clone();
            Some((name, self.model.weight(class, c as usize) * v as f64))
        });
        strongest(scores, Part::Words, k)
    }

    fn explain_embedding(&self, docs: Docs<'_>, class: usize, k: usize) -> Vec<Reason> {
        let (Some(dv), Some(encoder), Some(scaler)) = (&self.docvec, &self.encoder, &self.scaler)
        else {
            return Vec::new();
        };
        // A contextual encoder's vector is not a sum of token shares.
        if matches!(encoder, Encoder::Contextual(_)) {
            return Vec::new();
        }
        let Ok(DenseInputs::Pooled(tokens, table)) = dense_inputs(encoder, docs) else {
            return Vec::new();
        };
        let Some(doc) = tokens.first() else {
            return Vec::new();
        };
        let offset = self.bow_columns();
        // The logit moves by Σ_j weight_j · scale_j · dense_scale · share_j for each token.
        let through: Vec<f64> = (0..table.dim())
            .map(|j| {
                self.model.weight(class, offset + j)
                    * scaler.scale[j] as f64
                    * self.dense_scale as f64
            })
            .collect();
        let scores = dv.token_shares(doc, &table).into_iter().map(|(t, s)| {
            let v: f64 = s.iter().zip(&through).map(|(a, b)| *a as f64 * b).sum();
            (t, v)
        });
        strongest(scores, Part::Embedding, k)
    }
}

/// Which features a reason comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// A bag-of-words term (word or bigram).
    Words,
    /// A token, through its share of the document vector.
    Embedding,
}

/// One term's push towards a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The word, bigram or token.
    pub term: String,
    /// Which features it comes from.
    pub part: Part,
    /// Its contribution to the class's score (positive: towards the class).
    pub score: f64,
}

fn strongest(scores: impl Iterator<Item = (String, f64)>, part: Part, k: usize) -> Vec<Reason> {
    let mut out: Vec<Reason> = scores
        .map(|(term, score)| Reason { term, part, score })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(k);
    out
}
