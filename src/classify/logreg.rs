//! Multinomial logistic regression with L2 regularisation, fitted by L-BFGS on sparse rows.
//! The objective is scikit-learn's (C · Σ sᵢ·lossᵢ + ½‖W‖², intercepts not penalised), divided by
//! C · Σ sᵢ so the tolerance does not depend on the data size. Residuals are computed in
//! parallel over row blocks, then the gradient in parallel over classes.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::lbfgs::{LbfgsSettings, minimize};
use crate::error::{Error, Result};
use crate::features::CsrMatrix;
use crate::progress::Cancel;

/// The `[logreg]` settings: C, iteration cap, tolerance, class weighting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogRegConfig {
    /// Inverse regularisation strength (scikit-learn's C).
    pub c: f64,
    /// L-BFGS iteration cap.
    pub max_iter: usize,
    /// Stop when the largest gradient component falls below this.
    pub tol: f64,
    /// Weight classes inversely to their frequency.
    pub balanced: bool,
    /// L-BFGS history pairs kept: each is two vectors of classes × features values, the
    /// largest memory of a fit on a big vocabulary (scipy's and scikit-learn's: 10).
    pub lbfgs_memory: usize,
}

impl Default for LogRegConfig {
    fn default() -> Self {
        Self {
            c: 1.0,
            max_iter: 1000,
            tol: 1e-4,
            balanced: false,
            lbfgs_memory: 10,
        }
    }
}

/// A fitted multinomial logistic regression: weights and biases per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogReg {
    pub classes: usize,
    pub features: usize,
    /// classes × features, row-major by class.
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// Fewest rows worth a parallel block of the residuals.
const MIN_BLOCK: usize = 256;

impl LogReg {
    /// Fits on rows `x` with labels `y` in `0..classes`.
    pub fn fit(
        x: &CsrMatrix,
        y: &[u32],
        classes: usize,
        cfg: &LogRegConfig,
        cancel: &Cancel,
    ) -> Result<Self> {
        Self::fit_from(x, y, classes, cfg, None, cancel)
    }

    // Over 80 lines: the objective and its gradient in one closure the L-BFGS solver calls; the closure
    // captures the whole problem.
    /// Like [`LogReg::fit`], starting from `start`'s weights when it has the same shape: along
    /// a path of increasing C (inner cross-validation) each fit starts near its answer.
    pub fn fit_from(
        x: &CsrMatrix,
        y: &[u32],
        classes: usize,
        cfg: &LogRegConfig,
        start: Option<&LogReg>,
        cancel: &Cancel,
    ) -> Result<Self> {
        if cfg.c <= 0.0 || !cfg.c.is_finite() {
            return Err(Error::config("classify.c", "must be a positive number"));
        }
        if x.rows() != y.len() || x.rows() == 0 {
            return Err(Error::Usage(format!(
                "{} rows but {} labels",
                x.rows(),
                y.len()
            )));
        }
        let mut counts = vec![0usize; classes];
        y.iter().for_each(|&c| counts[c as usize] += 1);
        if counts.iter().filter(|&&c| c > 0).count() < 2 {
            return Err(Error::Usage(
                "the training data holds only one class: a classifier needs at least two".into(),
            ));
        }
        let n = y.len() as f64;
        let class_weight: Vec<f64> = counts
            .iter()
            .map(|&c| {
                if cfg.balanced && c > 0 {
                    n / (classes as f64 * c as f64)
                } else {
                    1.0
                }
            })
            .collect();
        let total_weight: f64 = y.iter().map(|&c| class_weight[c as usize]).sum();
        let d = x.cols;
        let k = classes;
        let scale = 1.0 / total_weight;
        let reg = 1.0 / (cfg.c * total_weight);
        let rows = x.rows();
        let block = rows.div_ceil(rayon::current_num_threads()).max(MIN_BLOCK);
        // Memory: one residual per row and class; the gradient is written class by class into
        // the solver's own buffer, so no task holds a classes × features copy of it (a bigram
        // model's gradient is tens of MB, and one per task per evaluation was most of the
        // peak of `compare`).
        let mut residuals = vec![0.0f64; rows * k];
        let objective = |params: &[f64], grad: &mut [f64]| -> f64 {
            let (w, b) = params.split_at(k * d);
            // Per row: the class probabilities minus the one-hot label, times the row weight.
            let losses: Vec<f64> = residuals
                .par_chunks_mut(block * k)
                .enumerate()
                .map(|(part, chunk)| {
                    let mut loss = 0.0;
                    for (r, z) in chunk.chunks_mut(k).enumerate() {
                        let i = part * block + r;
                        let (idx, val) = x.row(i);
                        logits(w, b, d, idx, val, z);
                        softmax_in_place(z);
                        let yi = y[i] as usize;
                        let s = class_weight[yi] * scale;
                        loss -= s * z[yi].max(1e-300).ln();
                        z.iter_mut().for_each(|p| *p *= s);
                        z[yi] -= s;
                    }
                    loss
                })
                .collect();
            // Summed in block order: the same value whatever the threads did.
            let loss: f64 = losses.iter().sum();
            let residuals = &residuals;
            let (gw, gb) = grad.split_at_mut(k * d);
            if d == 0 {
                // No feature columns: only the intercepts learn.
                for (c, bc) in gb.iter_mut().enumerate() {
                    *bc = (0..rows).map(|i| residuals[i * k + c]).sum();
                }
                return loss;
            }
            let penalty: f64 = gw
                .par_chunks_mut(d)
                .zip(gb.par_iter_mut())
                .enumerate()
                .map(|(c, (gc, bc))| {
                    let wc = &w[c * d..(c + 1) * d];
                    gc.iter_mut().zip(wc).for_each(|(g, wj)| *g = reg * wj);
                    let mut bias = 0.0;
                    for i in 0..rows {
                        let r = residuals[i * k + c];
                        if r != 0.0 {
                            let (idx, val) = x.row(i);
                            for (&j, &v) in idx.iter().zip(val) {
                                gc[j as usize] += r * v as f64;
                            }
                            bias += r;
                        }
                    }
                    *bc = bias;
                    wc.iter().map(|wj| wj * wj).sum::<f64>()
                })
                .collect::<Vec<f64>>()
                .iter()
                .sum();
            loss + 0.5 * reg * penalty
        };
        let mut params = match start {
            Some(m) if m.classes == k && m.features == d => {
                let mut p = m.weights.clone();
                p.extend_from_slice(&m.bias);
                p
            }
            _ => vec![0.0f64; k * d + k],
        };
        let settings = LbfgsSettings {
            max_iter: cfg.max_iter,
            tol: cfg.tol,
            memory: cfg.lbfgs_memory,
        };
        let outcome = minimize(&mut params, objective, settings, cancel)?;
        let bias = params.split_off(k * d);
        Ok(Self {
            classes: k,
            features: d,
            weights: params,
            bias,
            iterations: outcome.iterations,
            converged: outcome.converged,
        })
    }

    /// Class probabilities of each row.
    pub fn predict_proba(&self, x: &CsrMatrix) -> Vec<Vec<f64>> {
        (0..x.rows())
            .into_par_iter()
            .map(|i| {
                let (idx, val) = x.row(i);
                let mut z = vec![0.0; self.classes];
                logits(&self.weights, &self.bias, self.features, idx, val, &mut z);
                softmax_in_place(&mut z);
                z
            })
            .collect()
    }

    /// The contribution of feature `j` to each class's logit for value `v`.
    pub fn weight(&self, class: usize, feature: usize) -> f64 {
        self.weights[class * self.features + feature]
    }
}

#[inline]
fn logits(w: &[f64], b: &[f64], d: usize, idx: &[u32], val: &[f32], z: &mut [f64]) {
    for (c, zc) in z.iter_mut().enumerate() {
        let wc = &w[c * d..(c + 1) * d];
        let mut s = b[c];
        for (&j, &v) in idx.iter().zip(val) {
            if (j as usize) < d {
                s += wc[j as usize] * v as f64;
            }
        }
        *zc = s;
    }
}

/// Turns logits into probabilities in place.
fn softmax_in_place(z: &mut [f64]) {
    let max = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let sum: f64 = z.iter().map(|&v| (v - max).exp()).sum();
    let lse = max + sum.ln();
    z.iter_mut().for_each(|v| *v = (*v - lse).exp());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_toy_set_is_learned() {
        let rows: Vec<Vec<f32>> = vec![
            vec![0.0, 1.0],
            vec![0.1, 0.9],
            vec![1.0, 0.0],
            vec![0.9, 0.2],
            vec![0.5, 0.5],
        ];
        let y = [0, 0, 1, 1, 0];
        let x = CsrMatrix::from_dense(&rows[..4], 2);
        let m = LogReg::fit(&x, &y[..4], 2, &LogRegConfig::default(), &Cancel::new()).unwrap();
        assert!(m.converged);
        let p = m.predict_proba(&x);
        for (pi, &yi) in p.iter().zip(&y[..4]) {
            assert!(pi[yi as usize] > 0.5, "{pi:?}");
            assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn matches_scikit_learn_on_a_small_problem() {
        // sklearn 1.9.1: LogisticRegression(C=1.0, tol=1e-8, max_iter=10000).fit(X, y) with
        // X = [[1,2],[2,1],[3,4],[4,3],[5,5],[0,1]], y = [0,0,1,1,2,0]
        // predict_proba([[2,2]]) = [0.7169386198583859, 0.2669729037852131, 0.01608847635640095]
        let rows: Vec<Vec<f32>> = vec![
            vec![1., 2.],
            vec![2., 1.],
            vec![3., 4.],
            vec![4., 3.],
            vec![5., 5.],
            vec![0., 1.],
        ];
        let y = [0u32, 0, 1, 1, 2, 0];
        let x = CsrMatrix::from_dense(&rows, 2);
        let cfg = LogRegConfig {
            tol: 1e-8,
            max_iter: 10_000,
            ..LogRegConfig::default()
        };
        let m = LogReg::fit(&x, &y, 3, &cfg, &Cancel::new()).unwrap();
        let p = m.predict_proba(&CsrMatrix::from_dense(&[vec![2., 2.]], 2));
        let expected = [SKLEARN_P0, SKLEARN_P1, SKLEARN_P2];
        for c in 0..3 {
            assert!(
                (p[0][c] - expected[c]).abs() < 1e-4,
                "{:?} vs {expected:?}",
                p[0]
            );
        }
    }

    const SKLEARN_P0: f64 = 0.716_938_619_858_385_9;
    const SKLEARN_P1: f64 = 0.266_972_903_785_213_1;
    const SKLEARN_P2: f64 = 0.016_088_476_356_400_95;

    #[test]
    fn one_class_is_an_error() {
        let x = CsrMatrix::from_dense(&[vec![1.0], vec![2.0]], 1);
        let err =
            LogReg::fit(&x, &[0, 0], 2, &LogRegConfig::default(), &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("only one class"));
    }
}
