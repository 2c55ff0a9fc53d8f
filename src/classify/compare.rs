//! With vs without embeddings, on the same split: bag-of-words, each document-vector method,
//! and their combinations; significance of each against bag-of-words; a learning curve.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::disagreements::{self, Disagreements};
use methods::Outcome;

/// Fitting and scoring each method of a run: a child, so the comparison and its methods do
/// not import each other.
mod methods;
/// The running totals of one comparison.
mod runs;
/// Several vector sources side by side.
pub mod sources;
use super::pipeline::FeatureKind;
use super::tune::{TuneConfig, Tuned};
use crate::dataset::{self, Dataset, Split, Summary};
use crate::docvec::encoder::Encoder;
use crate::docvec::{DocVecConfig, DocVecMethod};
use crate::error::{Error, Result};
use crate::eval::calibration::{Calibration, calibration};
use crate::eval::metrics::{Metrics, classification};
use crate::eval::significance;
use crate::features::TfidfConfig;
use crate::progress::{Cancel, Progress};
use crate::text::{TextSource, TokenizerConfig};
use runs::{Runs, std_dev};

use super::LogRegConfig;

/// The `[compare]` settings: held-out share, seed, bootstrap resamples, dense scale and tuning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CompareConfig {
    /// Share of each class held out for testing when no split file or folds are given.
    pub test_fraction: f64,
    /// Seed of splits, subsets and the bootstrap.
    pub seed: u64,
    /// Bootstrap resamples for the accuracy-difference interval.
    pub bootstrap: usize,
    /// Weight of the standardised document vector next to unit-norm TF-IDF in `bow+embed-*`
    /// (with `tune.enabled = false`).
    pub dense_scale: f32,
    /// Inner cross-validation of C, bigrams and the combination.
    pub tune: TuneConfig,
}

impl Default for CompareConfig {
    fn default() -> Self {
        Self {
            test_fraction: 0.2,
            seed: 42,
            bootstrap: 1000,
            dense_scale: 0.1,
            tune: TuneConfig::default(),
        }
    }
}

/// Where word vectors come from: the resolver's answer (opened, or trained on each split).
pub use crate::docvec::source::Vectors;

/// One comparison's inputs: the labelled data, every fitting setting, and where vectors come from.
pub struct Experiment<'a> {
    /// The labelled rows.
    pub data: &'a Dataset,
    /// How texts are split into tokens.
    pub tokenizer: &'a TokenizerConfig,
    /// The bag-of-words (TF-IDF) features.
    pub bow: &'a TfidfConfig,
    /// How document vectors are pooled from word vectors.
    pub docvec: &'a DocVecConfig,
    /// The logistic regression.
    pub logreg: &'a LogRegConfig,
    /// Split, seed, bootstrap and tuning.
    pub compare: &'a CompareConfig,
    /// Where the word vectors come from.
    pub vectors: Vectors,
}

/// A compared method: its features (bag-of-words, document vectors or both) and how document vectors pool words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Method {
    /// Bag-of-words, document vectors or both.
    pub kind: FeatureKind,
    /// How word vectors are pooled into a document vector.
    pub docvec: DocVecMethod,
}

impl Method {
    /// The name reports use: `bow`, `embed-mean`, `bow+embed-sif`, ...
    pub fn name(&self) -> String {
        match self.kind {
            FeatureKind::Bow => "bow".into(),
            FeatureKind::Embed => format!("embed-{}", self.docvec.name()),
            FeatureKind::Both => format!("bow+embed-{}", self.docvec.name()),
        }
    }

    /// Every method `compare` runs, bag-of-words first.
    pub fn all() -> Vec<Method> {
        let mut out = vec![Method {
            kind: FeatureKind::Bow,
            docvec: DocVecMethod::Mean,
        }];
        for kind in [FeatureKind::Embed, FeatureKind::Both] {
            out.extend(
                DocVecMethod::ALL
                    .iter()
                    .map(|&docvec| Method { kind, docvec }),
            );
        }
        out
    }
}

/// One method's held-out figures in a comparison report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MethodRow {
    /// The method's name (`bow`, `embed-sif`, `bow+embed-mean`, ...).
    pub name: String,
    /// Share of test rows labelled correctly.
    pub accuracy: f64,
    /// F1 averaged over classes, each class counting the same.
    pub macro_f1: f64,
    /// F1 averaged over classes, weighted by their test support.
    pub weighted_f1: f64,
    /// Mean negative log-probability of the true class.
    pub log_loss: Option<f64>,
    /// Features + regression, seconds (summed over folds); embedding training is reported apart.
    pub fit_seconds: f64,
    /// Standard deviation of accuracy over folds (k-fold only).
    pub accuracy_std: Option<f64>,
    /// Whether every fit's solver converged.
    pub converged: bool,
    /// Per-class precision, recall, F1 and the confusion matrix.
    pub metrics: Metrics,
    /// Expected calibration error (15 bins) and the reliability table of the test predictions.
    #[serde(default)]
    pub calibration: Option<Calibration>,
    /// What inner cross-validation chose (first fold's, with `--folds`).
    #[serde(default)]
    pub tuned: Option<Tuned>,
}

/// A method tested against the baseline: accuracy difference, bootstrap interval and McNemar's test.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestRow {
    /// The method tested.
    pub method: String,
    /// The method it is tested against (bag-of-words).
    pub baseline: String,
    /// Accuracy of `method` minus that of `baseline`, with its bootstrap 95 % interval.
    pub difference: f64,
    /// Lower end of the 95 % bootstrap interval of `difference`.
    pub ci_low: f64,
    /// Upper end of the 95 % bootstrap interval of `difference`.
    pub ci_high: f64,
    /// Exact McNemar p-value on the test items the two methods disagree on.
    pub p_value: f64,
    /// Test rows only the baseline labels correctly.
    pub only_baseline_correct: u64,
    /// Test rows only the method labels correctly.
    pub only_method_correct: u64,
    /// McNemar p < 0.05.
    pub significant: bool,
}

impl TestRow {
    /// `method` against `baseline` from their paired comparison (`baseline` is its first side).
    pub fn of(method: String, baseline: String, c: &significance::Comparison) -> Self {
        TestRow {
            method,
            baseline,
            difference: c.difference,
            ci_low: c.ci_low,
            ci_high: c.ci_high,
            p_value: c.p_value,
            only_baseline_correct: c.only_first,
            only_method_correct: c.only_second,
            significant: c.p_value < 0.05,
        }
    }
}

/// One method's accuracy at one learning-curve size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Share of the training rows used.
    pub fraction: f64,
    /// Training rows used.
    pub train_rows: usize,
    /// The method's name.
    pub method: String,
    /// Test accuracy at this size.
    pub accuracy: f64,
    /// Test macro F1 at this size.
    pub macro_f1: f64,
    /// What inner cross-validation chose at this size.
    #[serde(default)]
    pub tuned: Option<Tuned>,
}

/// Which vectors a comparison used, their size, training time and coverage of the test tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmbeddingInfo {
    /// The vectors file, static model or training settings.
    pub source: String,
    /// Words (or tokens) with a vector.
    pub vocab: usize,
    /// Vector dimension.
    pub dim: usize,
    /// Seconds spent making vectors: training them (all folds), or a contextual encoder's
    /// one pass over the texts; 0 for a vectors file or a static model.
    pub train_seconds: f64,
    /// Share of test tokens that have a vector.
    pub test_coverage: f64,
}

/// Everything `compare` reports: per-method rows, tests against bag-of-words, learning curve, disagreements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareReport {
    /// The labelled file.
    pub dataset: String,
    /// Its classes and their counts.
    pub summary: Summary,
    /// How train and test rows were chosen.
    pub split: String,
    /// Training rows.
    pub train: usize,
    /// Test rows.
    pub test: usize,
    /// Test rows whose exact text is also in the training rows.
    pub test_duplicates_in_train: usize,
    /// Rows left out (empty text or no label).
    pub skipped_rows: usize,
    /// The vectors used.
    pub embeddings: EmbeddingInfo,
    /// Each method's held-out figures, bag-of-words first.
    pub methods: Vec<MethodRow>,
    /// Each embedding method tested against bag-of-words.
    pub tests: Vec<TestRow>,
    /// Accuracy at growing training sizes (single split only).
    pub learning_curve: Vec<CurvePoint>,
    /// Test rows where the most accurate embedding method and bag-of-words disagree.
    #[serde(default)]
    pub disagreements: Option<Disagreements>,
    /// Per method, whether each pooled test row was labelled correctly (for tests between
    /// sources; not written out).
    #[serde(skip)]
    pub correct: Vec<Vec<bool>>,
}

impl Experiment<'_> {
    fn vectors_for(
        &self,
        train: &[usize],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<(Encoder, f64)> {
        match &self.vectors {
            Vectors::Loaded(e) => Ok((e.clone(), 0.0)),
            Vectors::Train(training) => {
                let texts: Vec<String> =
                    train.iter().map(|&i| self.data.texts[i].clone()).collect();
                let t = training.train(&[TextSource::Texts(&texts)], progress, cancel)?;
                Ok((
                    Encoder::Words(Arc::new(t.embeddings)),
                    t.stats.seconds_reading + t.stats.seconds_training,
                ))
            }
        }
    }

    /// Runs every method on one split, or on each of several folds (pooling their test
    /// predictions), plus a learning curve over `train_sizes` (single split only).
    pub fn run(
        &self,
        splits: &[Split],
        split_name: &str,
        train_sizes: &[f64],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<CompareReport> {
        let data = self.data;
        if data.labels.len() < 2 {
            return Err(Error::Usage(format!(
                "{}: only {} class in the label column; a classifier needs at least two",
                data.path.display(),
                data.labels.len()
            )));
        }
        if splits.len() > 1 && !train_sizes.is_empty() {
            return Err(Error::Usage(
                "--train-sizes needs a single train/test split, not --folds".into(),
            ));
        }
        let methods = Method::all();
        let mut runs = Runs::new(methods.len());
        if let Vectors::Loaded(e @ Encoder::Contextual(_)) = &self.vectors {
            // An encoder's one slow pass, counted as the vectors' time (word vectors and
            // static models have none: their time stays 0).
            let started = std::time::Instant::now();
            let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
            e.prime(&texts, progress, cancel)?;
            runs.embed_seconds += started.elapsed().as_secs_f64();
        }
        for split in splits {
            let (emb, secs) = self.vectors_for(&split.train, progress, cancel)?;
            runs.embed_seconds += secs;
            runs.count_coverage(data, &emb, &split.test);
            let outcomes =
                self.run_methods(&methods, &split.train, &split.test, &emb, progress, cancel)?;
            runs.pool(outcomes);
            for &fraction in train_sizes {
                let points = self.curve_point(&methods, split, fraction, &emb, progress, cancel)?;
                runs.curve.extend(points);
            }
        }
        Ok(self.report(&methods, splits, split_name, runs))
    }

    /// Every method refitted on `fraction` of the split's training rows (stratified).
    fn curve_point(
        &self,
        methods: &[Method],
        split: &Split,
        fraction: f64,
        emb: &Encoder,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Vec<CurvePoint>> {
        let data = self.data;
        let subset = dataset::subsample(
            &data.usable(&split.train),
            &data.y,
            data.labels.len(),
            fraction,
            self.compare.seed,
        );
        let outcomes = self.run_methods(methods, &subset, &split.test, emb, progress, cancel)?;
        Ok(methods
            .iter()
            .zip(outcomes)
            .map(|(m, o)| {
                let metrics = classification(&o.truth, &o.pred, None, &data.labels);
                CurvePoint {
                    fraction,
                    train_rows: subset.len(),
                    method: m.name(),
                    accuracy: metrics.accuracy,
                    macro_f1: metrics.macro_f1,
                    tuned: o.tuned,
                }
            })
            .collect())
    }

    /// The report from the pooled outcomes: per-method figures, tests against bag-of-words,
    /// disagreements of the best embedding method, and what the vectors were.
    fn report(
        &self,
        methods: &[Method],
        splits: &[Split],
        split_name: &str,
        runs: Runs,
    ) -> CompareReport {
        let data = self.data;
        let rows = method_rows(methods, &runs, &data.labels);
        let all_correct: Vec<Vec<bool>> = runs.pooled.iter().map(Outcome::correct).collect();
        let tests = methods
            .iter()
            .zip(&all_correct)
            .skip(1)
            .map(|(m, correct)| {
                let c = significance::compare(
                    &all_correct[0],
                    correct,
                    self.compare.bootstrap,
                    self.compare.seed,
                );
                TestRow::of(m.name(), "bow".into(), &c)
            })
            .collect();
        let best =
            (1..methods.len()).max_by(|&a, &b| rows[a].accuracy.total_cmp(&rows[b].accuracy));
        let disagreements = best.map(|b| {
            disagreements::find(
                &methods[b].name(),
                &runs.pooled[0].predictions(),
                &runs.pooled[b].predictions(),
                &data.texts,
                &data.labels,
            )
        });
        let first = &splits[0];
        CompareReport {
            disagreements,
            dataset: data.path.display().to_string(),
            summary: data.summary(),
            split: split_name.to_string(),
            train: first.train.len(),
            test: first.test.len(),
            test_duplicates_in_train: splits.iter().map(|s| data.leaked(s)).sum(),
            skipped_rows: data.len() - data.usable(&(0..data.len()).collect::<Vec<_>>()).len(),
            embeddings: self.embedding_info(&runs),
            methods: rows,
            tests,
            correct: all_correct,
            learning_curve: runs.curve,
        }
    }

    /// Which vectors the runs used, their size, time and coverage of the test rows.
    fn embedding_info(&self, runs: &Runs) -> EmbeddingInfo {
        EmbeddingInfo {
            source: match &self.vectors {
                Vectors::Loaded(Encoder::Words(_)) => "vectors file".into(),
                Vectors::Loaded(Encoder::Static(m)) => {
                    format!("static model {}", m.path().display())
                }
                Vectors::Loaded(Encoder::Contextual(m)) => {
                    format!("contextual encoder {}", m.path().display())
                }
                Vectors::Train(_) => {
                    "vectors trained on each training split + the bundled Wikipedia sample".into()
                }
            },
            vocab: runs.shape.0,
            dim: runs.shape.1,
            train_seconds: runs.embed_seconds,
            test_coverage: if runs.coverage.0 == 0 {
                0.0
            } else {
                runs.coverage.1 as f64 / runs.coverage.0 as f64
            },
        }
    }
}

/// Each method's figures over the pooled test rows of every split.
fn method_rows(methods: &[Method], runs: &Runs, labels: &[String]) -> Vec<MethodRow> {
    methods
        .iter()
        .zip(&runs.pooled)
        .zip(&runs.fold_accuracy)
        .map(|((m, o), accs)| {
            let metrics = classification(&o.truth, &o.pred, Some(&o.proba), labels);
            MethodRow {
                name: m.name(),
                accuracy: metrics.accuracy,
                macro_f1: metrics.macro_f1,
                weighted_f1: metrics.weighted_f1,
                log_loss: metrics.log_loss,
                fit_seconds: o.fit_seconds,
                accuracy_std: (accs.len() > 1).then(|| std_dev(accs)),
                converged: o.converged,
                metrics,
                calibration: Some(calibration(&o.truth, &o.proba)),
                tuned: o.tuned.clone(),
            }
        })
        .collect()
}

/// How a stratified held-out split is named in reports.
pub fn split_name(test_fraction: f64, seed: u64) -> String {
    format!(
        "stratified, {:.0}% test, seed {seed}",
        100.0 * test_fraction
    )
}
