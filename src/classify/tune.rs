//! Inner cross-validation on the training rows only, like scikit-learn's
//! `LogisticRegressionCV`: it chooses each method's regularisation C, whether the bag-of-words
//! adds bigrams, and how `bow+embed-*` combines its parts (the dense block's scale in one
//! regression, or a blend of the two parts' probabilities). Feature extractors are fitted once
//! on all training rows; the folds refit only the regression, along a warm-started C path.

mod fit;

pub use fit::{Found, Grid, Labelled, Run, fit, fit_or_fixed, refit, search, tuned};

use serde::{Deserialize, Serialize};

use super::logreg::{LogReg, LogRegConfig};
use super::pipeline::FeatureKind;
use crate::dataset::{self, Split};
use crate::error::{Error, Result};
use crate::features::CsrMatrix;
use crate::progress::Cancel;

/// The `[compare.tune]` settings: inner folds and the grids searched on training rows only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TuneConfig {
    /// Choose settings by inner cross-validation; false keeps `[logreg] c`, `[bow] bigrams`
    /// and `[compare] dense_scale` as they are.
    pub enabled: bool,
    /// Inner folds (fewer when the smallest class has fewer training rows; none below two).
    pub folds: usize,
    /// Inner folds for training sets under `small_rows` rows: there each fit is cheap, and
    /// three folds of a few dozen rows train on a third less than the final model and decide
    /// by single rows.
    pub small_folds: usize,
    pub small_rows: usize,
    /// Candidate values of C.
    pub c_grid: Vec<f64>,
    /// Candidate values of C for document vectors alone. Their standardised rows are scaled to
    /// unit length on average, as TF-IDF rows are, yet the best C spans more: 1-10 on Debian's
    /// 14 sections, 30 and above on BBC (bench/static_logreg.py).
    pub embed_c_grid: Vec<f64>,
    /// Candidate scales of the dense block when `bow+embed-*` is one regression.
    pub dense_scales: Vec<f32>,
    /// Also try word bigrams in the bag-of-words.
    pub bigrams: bool,
    /// How `bow+embed-*` combines its parts.
    pub combine: Combine,
    /// `auto` tries the one-regression combination only up to this many training rows: above
    /// it the dense rows make each fit slow (tweets, 30,526 rows: 200 s per method, against
    /// under a second for the blend, which won there).
    pub concat_max_rows: usize,
}

impl Default for TuneConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            folds: 3,
            small_folds: 10,
            small_rows: 1000,
            c_grid: vec![0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
            embed_c_grid: vec![0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0],
            dense_scales: vec![0.03, 0.1, 0.3, 1.0],
            bigrams: true,
            combine: Combine::Auto,
            concat_max_rows: 10_000,
        }
    }
}

impl TuneConfig {
    /// Errors naming the `compare.tune` key of a bad setting.
    pub fn validate(&self) -> Result<()> {
        if self.folds < 2 {
            return Err(Error::config("compare.tune.folds", "must be at least 2"));
        }
        if self.small_folds < 2 {
            return Err(Error::config(
                "compare.tune.small_folds",
                "must be at least 2",
            ));
        }
        for (key, grid) in [
            ("compare.tune.c_grid", &self.c_grid),
            ("compare.tune.embed_c_grid", &self.embed_c_grid),
        ] {
            if grid.is_empty() || grid.iter().any(|c| !(c.is_finite() && *c > 0.0)) {
                return Err(Error::config(key, "must list positive numbers"));
            }
        }
        if self.dense_scales.is_empty()
            || self
                .dense_scales
                .iter()
                .any(|s| !(s.is_finite() && *s > 0.0))
        {
            return Err(Error::config(
                "compare.tune.dense_scales",
                "must list positive numbers",
            ));
        }
        Ok(())
    }

    /// The inner folds over training labels `y`, or None when tuning is off or a class has
    /// a single row (`small_folds` of them below `small_rows` rows, else `folds`).
    pub fn inner_folds(&self, y: &[u32], classes: usize, seed: u64) -> Option<Vec<Split>> {
        if !self.enabled {
            return None;
        }
        let wanted = if y.len() < self.small_rows {
            self.small_folds
        } else {
            self.folds
        };
        folds(y, classes, wanted, seed)
    }

    /// The C grid in increasing order (the warm-started path runs from strong to weak
    /// regularisation).
    pub fn cs(&self) -> Vec<f64> {
        Self::sorted(&self.c_grid)
    }

    /// The C grid of a regression on `kind` features, in increasing order.
    pub fn cs_for(&self, kind: FeatureKind) -> Vec<f64> {
        match kind {
            FeatureKind::Embed => Self::sorted(&self.embed_c_grid),
            _ => self.cs(),
        }
    }

    fn sorted(grid: &[f64]) -> Vec<f64> {
        let mut cs = grid.to_vec();
        cs.sort_by(f64::total_cmp);
        cs.dedup();
        cs
    }
}

/// How `bow+embed-*` combines its parts: chosen by cross-validation, one regression, or a blend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Inner cross-validation chooses between `concat` and `blend`.
    Auto,
    /// One regression over TF-IDF and the scaled document vector side by side.
    Concat,
    /// w · P(bow) + (1 − w) · P(embed-*), each part as tuned alone.
    Blend,
}

/// How a chosen `bow+embed-*` combines its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Combination {
    Concat { dense_scale: f32 },
    Blend { bow_weight: f64 },
}

/// What inner cross-validation chose for one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tuned {
    pub folds: usize,
    /// Out-of-fold accuracy and log loss of the chosen setting over the training rows.
    pub cv_accuracy: f64,
    pub cv_log_loss: f64,
    /// The regression's C (a blend: each part's is in its own row).
    pub c: Option<f64>,
    /// Whether the bag-of-words holds bigrams (methods with a bag-of-words part).
    pub bigrams: Option<bool>,
    pub combination: Option<Combination>,
}

impl Tuned {
    /// The choice in a few words: `C 3, bigrams`, `C 1, dense ×0.3`, `blend 0.6·bow + 0.4·embed`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.c {
            parts.push(format!("C {c}"));
        }
        if self.bigrams == Some(true) {
            parts.push("bigrams".into());
        }
        match self.combination {
            Some(Combination::Concat { dense_scale }) => {
                parts.push(format!("dense ×{dense_scale}"))
            }
            Some(Combination::Blend { bow_weight }) => parts.push(format!(
                "blend {bow_weight:.1}·bow + {:.1}·embed",
                1.0 - bow_weight
            )),
            None => {}
        }
        parts.join(", ")
    }
}

/// Out-of-fold accuracy and log loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub accuracy: f64,
    pub log_loss: f64,
}

impl Score {
    /// Accuracy (each row's most probable class) and log loss of `proba` against the labels `y`.
    pub fn of(proba: &[Vec<f64>], y: &[u32]) -> Self {
        let n = y.len().max(1) as f64;
        let mut correct = 0usize;
        let mut loss = 0.0;
        for (p, &t) in proba.iter().zip(y) {
            let best = super::Pipeline::most_probable(p);
            correct += (best == t) as usize;
            loss -= p[t as usize].clamp(1e-15, 1.0).ln();
        }
        Self {
            accuracy: correct as f64 / n,
            log_loss: loss / n,
        }
    }

    /// Higher accuracy wins; equal accuracy (common on small folds) goes to lower log loss.
    pub fn beats(&self, other: &Score) -> bool {
        const EPS: f64 = 1e-12;
        self.accuracy > other.accuracy + EPS
            || ((self.accuracy - other.accuracy).abs() <= EPS && self.log_loss < other.log_loss)
    }
}

/// Stratified inner folds over local rows `0..y.len()`: `wanted` of them, fewer when the
/// smallest class is smaller; `None` when some class has a single row.
pub fn folds(y: &[u32], classes: usize, wanted: usize, seed: u64) -> Option<Vec<Split>> {
    let mut counts = vec![0usize; classes];
    y.iter().for_each(|&c| counts[c as usize] += 1);
    let smallest = counts.iter().copied().filter(|&c| c > 0).min()?;
    let k = wanted.min(smallest);
    if k < 2 || counts.iter().filter(|&&c| c > 0).count() < 2 {
        return None;
    }
    let labelled: Vec<Option<u32>> = y.iter().map(|&c| Some(c)).collect();
    let names = vec![String::new(); classes];
    dataset::k_fold(&labelled, &names, k, seed).ok()
}

/// A regression setting chosen by cross-validation, with its out-of-fold probabilities.
#[derive(Debug, Clone)]
pub struct PathChoice {
    pub c: f64,
    pub score: Score,
    pub oof: Vec<Vec<f64>>,
}

/// Out-of-fold probabilities of every C in `cs` (increasing), each fold's path warm-started
/// from the previous C; returns the best C. Folds run one after another, each fit using every
/// thread: folds in parallel held a solver per thread, each as large as the model (a bigram
/// model of 14 classes: over 500 MB each).
pub fn choose_c(
    x: &CsrMatrix,
    y: &[u32],
    classes: usize,
    folds: &[Split],
    cs: &[f64],
    logreg: &LogRegConfig,
    cancel: &Cancel,
) -> Result<PathChoice> {
    let per_fold: Vec<Vec<Vec<Vec<f64>>>> = folds
        .iter()
        .map(|fold| {
            // Only columns the fold's training rows use: a column no training row has keeps a
            // zero weight, and with singleton bigrams a third of them are in no training fold
            // (the L-BFGS vectors shrink by as much).
            // When every column is used (document vectors are dense) the selected rows serve
            // as they are: no second copy of the fold.
            let train_rows = x.select(&fold.train);
            let (map, cols) = train_rows.used_columns();
            let all_used = cols == x.cols;
            let xt = if all_used {
                train_rows
            } else {
                let remapped = train_rows.remap_columns(&map, cols);
                drop(train_rows);
                remapped
            };
            let yt: Vec<u32> = fold.train.iter().map(|&i| y[i]).collect();
            let xv = x.select(&fold.test);
            let xv = if all_used {
                xv
            } else {
                xv.remap_columns(&map, cols)
            };
            let mut previous: Option<LogReg> = None;
            let mut out = Vec::with_capacity(cs.len());
            for &c in cs {
                let cfg = LogRegConfig {
                    c,
                    ..logreg.clone()
                };
                let m = LogReg::fit_from(&xt, &yt, classes, &cfg, previous.as_ref(), cancel)?;
                out.push(m.predict_proba(&xv));
                previous = Some(m);
            }
            Ok(out)
        })
        .collect::<Result<_>>()?;
    let mut best: Option<PathChoice> = None;
    for (ci, &c) in cs.iter().enumerate() {
        let mut oof = vec![Vec::new(); y.len()];
        for (fold, probas) in folds.iter().zip(&per_fold) {
            for (&row, p) in fold.test.iter().zip(&probas[ci]) {
                oof[row] = p.clone();
            }
        }
        let score = Score::of(&oof, y);
        if best.as_ref().is_none_or(|b| score.beats(&b.score)) {
            best = Some(PathChoice { c, score, oof });
        }
    }
    best.ok_or_else(|| Error::config("compare.tune.c_grid", "must list positive numbers"))
}

/// w · a + (1 − w) · b, row by row.
pub fn blend(a: &[Vec<f64>], b: &[Vec<f64>], w: f64) -> Vec<Vec<f64>> {
    a.iter()
        .zip(b)
        .map(|(pa, pb)| {
            pa.iter()
                .zip(pb)
                .map(|(x, z)| w * x + (1.0 - w) * z)
                .collect()
        })
        .collect()
}

/// The bag-of-words weight in 0, 0.1, ..., 1 whose blend of the two parts' out-of-fold
/// probabilities scores best (0 and 1 are the parts themselves).
pub fn choose_blend(bow: &[Vec<f64>], embed: &[Vec<f64>], y: &[u32]) -> (f64, Score) {
    let mut best = (1.0, Score::of(bow, y));
    for step in 0..10 {
        let w = step as f64 / 10.0;
        let s = Score::of(&blend(bow, embed, w), y);
        if s.beats(&best.1) {
            best = (w, s);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// `n` rows: feature 0 carries the class (±1 plus noise of `spread`), labels flipped with
    /// probability `flip`, then `noise_dims` features of pure noise.
    fn problem(
        n: usize,
        spread: f32,
        flip: f32,
        noise_dims: usize,
        seed: u64,
    ) -> (CsrMatrix, Vec<u32>) {
        let mut rng = Rng::new(seed);
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let class = (i % 2) as u32;
            let sign = if class == 1 { 1.0 } else { -1.0 };
            let mut row = vec![sign + spread * (rng.next_f32() - 0.5)];
            row.extend((0..noise_dims).map(|_| rng.next_f32() - 0.5));
            rows.push(row);
            let flipped = rng.next_f32() < flip;
            y.push(if flipped { 1 - class } else { class });
        }
        (CsrMatrix::from_dense(&rows, noise_dims + 1), y)
    }

    fn chosen_c(x: &CsrMatrix, y: &[u32]) -> f64 {
        let folds = folds(y, 2, 3, 7).unwrap();
        let cs = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0];
        choose_c(
            x,
            y,
            2,
            &folds,
            &cs,
            &LogRegConfig::default(),
            &Cancel::new(),
        )
        .unwrap()
        .c
    }

    #[test]
    fn inner_cv_picks_weak_regularisation_when_separable_and_strong_when_noisy() {
        // Separable with a margin: every C is right on every row, and the weakest
        // regularisation gives the most confident (lowest log loss) answers.
        let (x, y) = problem(120, 0.5, 0.0, 2, 1);
        assert_eq!(chosen_c(&x, &y), 100.0);
        // A third of the labels flipped and 60 noise features for 90 rows: fitting the noise
        // costs out-of-fold accuracy and log loss, so a small C wins.
        let (x, y) = problem(90, 0.5, 0.3, 60, 2);
        let c = chosen_c(&x, &y);
        assert!(c <= 0.1, "noisy problem chose C {c}");
    }

    #[test]
    fn folds_shrink_to_the_smallest_class_and_vanish_below_two() {
        let y = [0, 0, 0, 0, 1, 1, 0, 0];
        let f = folds(&y, 2, 3, 1).unwrap();
        assert_eq!(f.len(), 2);
        // Each class split across the folds: every validation fold holds one row of class 1.
        for fold in &f {
            assert_eq!(fold.test.iter().filter(|&&i| y[i] == 1).count(), 1);
        }
        assert!(folds(&[0, 0, 0, 1], 2, 3, 1).is_none());
        // A class no training row carries (only in test) does not block the folds.
        assert_eq!(folds(&[0, 0, 2, 2, 2], 3, 3, 1).unwrap().len(), 2);
    }

    #[test]
    fn the_blend_weight_follows_the_part_that_knows_the_answer() {
        let y = [0u32, 1, 0, 1, 1, 0];
        let right: Vec<Vec<f64>> = y
            .iter()
            .map(|&c| {
                if c == 0 {
                    vec![0.8, 0.2]
                } else {
                    vec![0.3, 0.7]
                }
            })
            .collect();
        let useless: Vec<Vec<f64>> = y.iter().map(|_| vec![0.5, 0.5]).collect();
        assert_eq!(choose_blend(&right, &useless, &y).0, 1.0);
        assert_eq!(choose_blend(&useless, &right, &y).0, 0.0);
        let mixed = blend(&right, &useless, 0.5);
        assert!((mixed[0][0] - 0.65).abs() < 1e-12);
        assert_eq!(Score::of(&right, &y).accuracy, 1.0);
    }
}
