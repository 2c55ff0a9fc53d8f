//! TF-IDF bag-of-words, as scikit-learn's `TfidfVectorizer` computes it: smoothed idf
//! ln((1 + n) / (1 + df)) + 1, optional sublinear tf 1 + ln(tf), rows scaled to unit L2 norm;
//! unigrams and optional bigrams, min/max document frequency, a vocabulary cap by corpus
//! frequency. The vocabulary is sorted so column order is deterministic.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::sparse::CsrMatrix;
use crate::error::{Error, Result};

/// The `[bow]` settings of the TF-IDF bag-of-words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TfidfConfig {
    /// Use 1 + ln(tf) instead of the raw count.
    pub sublinear_tf: bool,
    /// Add word bigrams to the unigrams.
    pub bigrams: bool,
    /// Keep terms in at least this many training documents.
    pub min_df: usize,
    /// Drop terms in more than this share of training documents.
    pub max_df: f64,
    /// Keep at most this many terms, most frequent first (0: all).
    pub max_features: usize,
}

impl Default for TfidfConfig {
    fn default() -> Self {
        Self {
            sublinear_tf: true,
            bigrams: false,
            min_df: 1,
            max_df: 1.0,
            max_features: 0,
        }
    }
}

impl TfidfConfig {
    /// Errors naming the `bow` key of a bad setting.
    pub fn validate(&self) -> Result<()> {
        if self.min_df == 0 {
            return Err(Error::config("bow.min_df", "must be at least 1"));
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::config("bow.max_df", "must be in (0, 1]"));
        }
        Ok(())
    }
}

/// A fitted TF-IDF vectorizer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tfidf {
    pub config: TfidfConfig,
    /// Term → column.
    pub vocabulary: HashMap<String, u32>,
    /// idf per column.
    pub idf: Vec<f32>,
}

/// The terms of a tokenized document: its tokens, plus "a b" bigrams when asked.
pub(crate) fn for_each_term(tokens: &[String], bigrams: bool, mut f: impl FnMut(&str)) {
    tokens.iter().for_each(|t| f(t));
    if bigrams {
        let mut buf = String::new();
        for pair in tokens.windows(2) {
            buf.clear();
            buf.push_str(&pair[0]);
            buf.push(' ');
            buf.push_str(&pair[1]);
            f(&buf);
        }
    }
}

impl Tfidf {
    /// Learns the vocabulary and idf from the training documents.
    pub fn fit(docs: &[Vec<String>], config: &TfidfConfig) -> Result<Self> {
        config.validate()?;
        let n = docs.len();
        if n == 0 {
            return Err(Error::Usage("no training documents for TF-IDF".into()));
        }
        // term → (document frequency, corpus frequency)
        let mut stats: HashMap<String, (usize, u64)> = HashMap::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for doc in docs {
            seen.clear();
            for_each_term(doc, config.bigrams, |t| {
                let e = stats.entry(t.to_string()).or_insert((0, 0));
                e.1 += 1;
                if !seen.contains_key(t) {
                    seen.insert(t.to_string(), ());
                    e.0 += 1;
                }
            });
        }
        let max_df = (config.max_df * n as f64).floor().max(1.0) as usize;
        let mut terms: Vec<(String, usize, u64)> = stats
            .into_iter()
            .filter(|(_, (df, _))| *df >= config.min_df && *df <= max_df)
            .map(|(t, (df, cf))| (t, df, cf))
            .collect();
        if config.max_features > 0 && terms.len() > config.max_features {
            terms.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
            terms.truncate(config.max_features);
        }
        if terms.is_empty() {
            return Err(Error::Usage(
                "no term is left after min_df/max_df: every training document is empty or the limits are too strict".into(),
            ));
        }
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        let idf = terms
            .iter()
            .map(|(_, df, _)| (((1 + n) as f64 / (1 + df) as f64).ln() + 1.0) as f32)
            .collect();
        let vocabulary = terms
            .into_iter()
            .enumerate()
            .map(|(i, (t, _, _))| (t, i as u32))
            .collect();
        Ok(Self {
            config: config.clone(),
            vocabulary,
            idf,
        })
    }

    /// Terms in the vocabulary.
    pub fn len(&self) -> usize {
        self.idf.len()
    }
    /// Whether the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// idf of a term, if it is in the vocabulary.
    pub fn idf_of(&self, term: &str) -> Option<f32> {
        self.vocabulary.get(term).map(|&c| self.idf[c as usize])
    }

    /// One document's sparse TF-IDF row, sorted by column, unit L2 norm (empty if no known term).
    pub fn row(&self, tokens: &[String]) -> Vec<(u32, f32)> {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        for_each_term(tokens, self.config.bigrams, |t| {
            if let Some(&c) = self.vocabulary.get(t) {
                *counts.entry(c).or_insert(0.0) += 1.0;
            }
        });
        let mut row: Vec<(u32, f32)> = counts
            .into_iter()
            .map(|(c, tf)| {
                let tf = if self.config.sublinear_tf {
                    1.0 + tf.ln()
                } else {
                    tf
                };
                (c, tf * self.idf[c as usize])
            })
            .collect();
        row.sort_unstable_by_key(|e| e.0);
        let norm = row.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|e| e.1 /= norm);
        }
        row
    }

    /// The TF-IDF rows of `docs` (unknown terms ignored), L2-normalised.
    pub fn transform(&self, docs: &[Vec<String>]) -> CsrMatrix {
        let mut m = CsrMatrix::new(self.len());
        for d in docs {
            m.push_row(self.row(d));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(texts: &[&str]) -> Vec<Vec<String>> {
        texts
            .iter()
            .map(|t| t.split(' ').map(String::from).collect())
            .collect()
    }

    #[test]
    fn matches_hand_computed_sklearn_values() {
        // sklearn TfidfVectorizer(sublinear_tf=False) on ["a b b", "a c"]:
        // idf(a) = ln(3/3)+1 = 1, idf(b) = idf(c) = ln(3/2)+1 = 1.405465
        // doc0 raw = [1, 2*1.405465, 0] → norm sqrt(1 + 7.901326) = 2.983509
        let d = docs(&["a b b", "a c"]);
        let cfg = TfidfConfig {
            sublinear_tf: false,
            ..TfidfConfig::default()
        };
        let t = Tfidf::fit(&d, &cfg).unwrap();
        assert!((t.idf_of("a").unwrap() - 1.0).abs() < 1e-6);
        assert!((t.idf_of("b").unwrap() - 1.405_465_1).abs() < 1e-6);
        let row = t.row(&d[0]);
        assert_eq!(row.len(), 2);
        assert!((row[0].1 - 1.0 / 2.983_509).abs() < 1e-5, "{row:?}");
        assert!((row[1].1 - 2.810_930_2 / 2.983_509).abs() < 1e-5, "{row:?}");
    }

    #[test]
    fn sublinear_bigrams_and_limits() {
        let d = docs(&["a b b", "a c", "a b"]);
        let cfg = TfidfConfig {
            bigrams: true,
            ..TfidfConfig::default()
        };
        let t = Tfidf::fit(&d, &cfg).unwrap();
        assert!(t.idf_of("a b").is_some());
        // sublinear: tf 2 → 1 + ln 2
        let row = Tfidf::fit(&docs(&["b b"]), &TfidfConfig::default())
            .unwrap()
            .row(&docs(&["b b"])[0]);
        assert!((row[0].1 - 1.0).abs() < 1e-6);
        let capped = Tfidf::fit(
            &d,
            &TfidfConfig {
                max_df: 0.9,
                min_df: 2,
                ..TfidfConfig::default()
            },
        )
        .unwrap();
        // "a" is in every document (> 90 %), "c" in one (< 2): only "b" is left.
        assert_eq!(capped.vocabulary.keys().collect::<Vec<_>>(), vec!["b"]);
        assert!(t.row(&docs(&["zzz"])[0]).is_empty());
    }
}
