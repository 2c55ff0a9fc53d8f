//! What the splits of one comparison add up to as they run: pooled outcomes, per-fold
//! accuracy, coverage of the test rows, the learning curve.

use super::*;

/// What the splits of one comparison add up to, as they run.
pub(super) struct Runs {
    /// Per method, the test outcomes of every split joined.
    pub(super) pooled: Vec<Outcome>,
    /// Per method, the accuracy on each split (for the spread across folds).
    pub(super) fold_accuracy: Vec<Vec<f64>>,
    pub(super) embed_seconds: f64,
    /// (test tokens or texts, those with a vector).
    pub(super) coverage: (u64, u64),
    /// (vocabulary, dimension) of the vectors.
    pub(super) shape: (usize, usize),
    pub(super) curve: Vec<CurvePoint>,
}

impl Runs {
    pub(super) fn new(methods: usize) -> Self {
        Self {
            pooled: Vec::new(),
            fold_accuracy: vec![Vec::new(); methods],
            embed_seconds: 0.0,
            coverage: (0, 0),
            shape: (0, 0),
            curve: Vec::new(),
        }
    }

    /// Counts how much of the test rows the vectors cover: tokens with a vector, or for a
    /// static model (which tokenizes every text itself) texts that give it at least one token.
    pub(super) fn count_coverage(&mut self, data: &Dataset, emb: &Encoder, test: &[usize]) {
        match emb {
            Encoder::Words(e) => {
                self.shape = (e.len(), e.dim());
                for &i in test {
                    for t in &data.tokens[i] {
                        self.coverage.0 += 1;
                        self.coverage.1 += e.lookup(t).is_some() as u64;
                    }
                }
            }
            Encoder::Static(m) => {
                self.shape = (m.vocab_size(), m.dim());
                for &i in test {
                    self.coverage.0 += 1;
                    self.coverage.1 += !m.token_ids(&data.texts[i]).is_empty() as u64;
                }
            }
            Encoder::Contextual(m) => {
                self.shape = (m.tokenizer().get_vocab_size(true), m.dim());
                for &i in test {
                    self.coverage.0 += 1;
                    self.coverage.1 += m.has_tokens(&data.texts[i]) as u64;
                }
            }
        }
    }

    /// Adds one split's outcomes, method by method.
    pub(super) fn pool(&mut self, outcomes: Vec<Outcome>) {
        for (k, o) in outcomes.into_iter().enumerate() {
            let correct = o.correct().iter().filter(|&&c| c).count();
            self.fold_accuracy[k].push(correct as f64 / o.truth.len().max(1) as f64);
            match self.pooled.get_mut(k) {
                Some(p) => {
                    p.rows.extend(o.rows);
                    p.truth.extend(o.truth);
                    p.pred.extend(o.pred);
                    p.proba.extend(o.proba);
                    p.fit_seconds += o.fit_seconds;
                    p.converged &= o.converged;
                }
                None => self.pooled.push(o),
            }
        }
    }
}

pub(super) fn std_dev(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}
