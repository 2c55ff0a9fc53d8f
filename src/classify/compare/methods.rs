//! Fitting every compared method on one training set and predicting the test rows: with the
//! fixed settings, or with C, bigrams and the combination chosen by inner cross-validation on
//! the training rows (`tune`).

use std::time::Instant;

use super::{Experiment, Method};
use crate::classify::disagreements::Predictions;
use crate::classify::pipeline::{Docs, FeatureKind, FitSettings, Pipeline};
use crate::classify::tune::{self, Combination, Combine, Grid, Labelled, PathChoice, Score, Tuned};
use crate::dataset::Split;
use crate::docvec::encoder::Encoder;
use crate::docvec::{DocVecConfig, DocVecMethod};
use crate::error::Result;
use crate::features::TfidfConfig;
use crate::progress::{Cancel, Progress, Report, Silent};

/// What one split produced for one method.
pub(super) struct Outcome {
    /// The test rows, in the order of `truth`, `pred` and `proba`.
    pub rows: Vec<usize>,
    pub truth: Vec<u32>,
    pub pred: Vec<u32>,
    pub proba: Vec<Vec<f64>>,
    pub fit_seconds: f64,
    pub converged: bool,
    /// What inner cross-validation chose (none with `--no-tune` or too few rows per class).
    pub tuned: Option<Tuned>,
}

impl Outcome {
    /// Per test row, whether its prediction was right.
    pub fn correct(&self) -> Vec<bool> {
        self.truth
            .iter()
            .zip(&self.pred)
            .map(|(a, b)| a == b)
            .collect()
    }

    pub fn predictions(&self) -> Predictions<'_> {
        Predictions {
            rows: &self.rows,
            truth: &self.truth,
            pred: &self.pred,
            proba: &self.proba,
        }
    }
}

/// One fitted method before it becomes an outcome.
#[derive(Clone)]
struct Fitted {
    proba: Vec<Vec<f64>>,
    fit_seconds: f64,
    converged: bool,
    tuned: Option<Tuned>,
    /// Out-of-fold training probabilities (tuned fits), for blending.
    oof: Option<Vec<Vec<f64>>>,
}

/// The documents of one fit: training rows with labels, and the test rows to predict.
struct Rows<'a> {
    train: Docs<'a>,
    y: &'a [u32],
    test: Docs<'a>,
}

impl Experiment<'_> {
    /// Fits every method on `train` rows and predicts `test` rows.
    pub(super) fn run_methods(
        &self,
        methods: &[Method],
        train: &[usize],
        test: &[usize],
        emb: &Encoder,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Vec<Outcome>> {
        let data = self.data;
        let train = data.usable(train);
        let docs: Vec<Vec<String>> = train.iter().map(|&i| data.tokens[i].clone()).collect();
        let texts: Vec<&str> = train.iter().map(|&i| data.texts[i].as_str()).collect();
        let y: Vec<u32> = train.iter().filter_map(|&i| data.y[i]).collect();
        let test: Vec<usize> = test
            .iter()
            .copied()
            .filter(|&i| data.y[i].is_some())
            .collect();
        let test_docs: Vec<Vec<String>> = test.iter().map(|&i| data.tokens[i].clone()).collect();
        let test_texts: Vec<&str> = test.iter().map(|&i| data.texts[i].as_str()).collect();
        let truth: Vec<u32> = test.iter().filter_map(|&i| data.y[i]).collect();
        let rows = Rows {
            train: Docs::new(&texts, &docs),
            y: &y,
            test: Docs::new(&test_texts, &test_docs),
        };
        let tuning = &self.compare.tune;
        let folds = tuning.inner_folds(&y, data.labels.len(), self.compare.seed);
        let mut tuner = folds.map(|folds| Tuner {
            folds,
            cs: tuning.cs(),
            bow: None,
            embed: Vec::new(),
        });
        let mut out = Vec::new();
        for (n, m) in methods.iter().enumerate() {
            cancel.check()?;
            progress.report(&Report {
                stage: if tuner.is_some() {
                    "tuning and fitting classifiers"
                } else {
                    "fitting classifiers"
                },
                done: n as u64,
                total: methods.len() as u64,
                metrics: &[],
            });
            let fitted = match tuner.as_mut() {
                Some(t) => self.fit_tuned(t, m, &rows, emb, cancel)?,
                None => self.fit_fixed(m, &rows, emb, cancel)?,
            };
            out.push(Outcome {
                rows: test.clone(),
                truth: truth.clone(),
                pred: Pipeline::argmax(&fitted.proba),
                proba: fitted.proba,
                fit_seconds: fitted.fit_seconds,
                converged: fitted.converged,
                tuned: fitted.tuned,
            });
        }
        progress.finish("fitting classifiers");
        Ok(out)
    }

    fn settings<'s>(
        &'s self,
        kind: FeatureKind,
        bow: &'s TfidfConfig,
        docvec: &'s DocVecConfig,
        dense_scale: f32,
    ) -> FitSettings<'s> {
        FitSettings {
            kind,
            tokenizer: self.tokenizer,
            bow,
            docvec,
            logreg: self.logreg,
            dense_scale,
        }
    }

    fn docvec(&self, method: DocVecMethod) -> DocVecConfig {
        DocVecConfig {
            method,
            ..self.docvec.clone()
        }
    }

    /// Today's fixed settings: `[logreg] c`, `[bow] bigrams`, `[compare] dense_scale`.
    fn fit_fixed(
        &self,
        m: &Method,
        rows: &Rows<'_>,
        emb: &Encoder,
        cancel: &Cancel,
    ) -> Result<Fitted> {
        let docvec = self.docvec(m.docvec);
        let settings = self.settings(m.kind, self.bow, &docvec, self.compare.dense_scale);
        let emb = m.kind.uses_embeddings().then(|| emb.clone());
        let p = Pipeline::fit(
            &settings,
            rows.train,
            rows.y,
            &self.data.labels,
            emb,
            cancel,
        )?;
        Ok(Fitted {
            proba: p.predict_proba(rows.test)?,
            fit_seconds: p.fit_seconds,
            converged: p.model.converged,
            tuned: None,
            oof: None,
        })
    }

    /// The training rows as the tuner reads them.
    fn labelled<'r>(&'r self, rows: &'r Rows<'_>) -> Labelled<'r> {
        Labelled {
            docs: rows.train,
            y: rows.y,
            labels: &self.data.labels,
        }
    }

    /// A refitted pipeline's test predictions and what its search chose.
    fn predicted(
        &self,
        pipeline: Pipeline,
        choice: PathChoice,
        tuner: &Tuner,
        rows: &Rows<'_>,
    ) -> Result<Fitted> {
        Ok(Fitted {
            proba: pipeline.predict_proba(rows.test)?,
            fit_seconds: pipeline.fit_seconds,
            converged: pipeline.model.converged,
            tuned: Some(tune::tuned(&pipeline, &choice, tuner.folds.len())),
            oof: Some(choice.oof),
        })
    }

    /// A method with settings chosen by inner cross-validation.
    fn fit_tuned(
        &self,
        tuner: &mut Tuner,
        m: &Method,
        rows: &Rows<'_>,
        emb: &Encoder,
        cancel: &Cancel,
    ) -> Result<Fitted> {
        let docvec = self.docvec(m.docvec);
        let settings = self.settings(m.kind, self.bow, &docvec, 1.0);
        let encoder = m.kind.uses_embeddings().then(|| emb.clone());
        match m.kind {
            FeatureKind::Bow | FeatureKind::Embed => {
                // `compare` reports per method; the search inside one is silent.
                let run = tune::Run {
                    folds: &tuner.folds,
                    progress: &Silent,
                    cancel,
                };
                let (pipeline, choice) = tune::fit(
                    &settings,
                    &self.compare.tune,
                    self.labelled(rows),
                    encoder,
                    run,
                )?;
                let bow = pipeline.tfidf.as_ref().map(|t| t.config.clone());
                let f = self.predicted(pipeline, choice, tuner, rows)?;
                match (m.kind, bow) {
                    (FeatureKind::Bow, Some(bow)) => tuner.bow = Some((bow, f.clone())),
                    _ => tuner.embed.push((m.docvec, f.clone())),
                }
                Ok(f)
            }
            FeatureKind::Both => self.fit_combined(tuner, m, rows, emb, cancel),
        }
    }

    // Over 80 lines: the bag-of-words + vectors fit: tuning, scaling and the final fit share the
    // split's features.
    /// `bow+embed-*`: one regression with the dense block scaled (scale and C by inner CV),
    /// or a blend of the two tuned parts' probabilities, whichever scores better out of fold.
    fn fit_combined(
        &self,
        tuner: &Tuner,
        m: &Method,
        rows: &Rows<'_>,
        emb: &Encoder,
        cancel: &Cancel,
    ) -> Result<Fitted> {
        let started = Instant::now();
        let combine = self.compare.tune.combine;
        let bow_cfg = tuner
            .bow
            .as_ref()
            .map(|b| b.0.clone())
            .unwrap_or_else(|| self.bow.clone());
        // One regression over both blocks keeps the bag-of-words part's C and searches the
        // dense block's scale only: the dense rows cost as much as the whole sparse block per
        // fit (256 values against ~20 terms a tweet), so a full C × scale grid was 100x slower
        // than the blend on tweets for no measured gain.
        let bow_c: Vec<f64> = tuner
            .bow
            .as_ref()
            .and_then(|b| b.1.tuned.as_ref())
            .and_then(|t| t.c)
            .map_or_else(|| tuner.cs.clone(), |c| vec![c]);
        let parts = tuner
            .bow
            .as_ref()
            .map(|b| &b.1)
            .zip(tuner.embed.iter().find(|e| e.0 == m.docvec).map(|e| &e.1));
        let blend = match (combine, parts) {
            (Combine::Concat, _) | (_, None) => None,
            (_, Some((bow, embed))) => match (&bow.oof, &embed.oof) {
                (Some(a), Some(b)) => {
                    let (w, score) = tune::choose_blend(a, b, rows.y);
                    Some((w, score, bow, embed))
                }
                _ => None,
            },
        };
        let concat_fits = match combine {
            Combine::Blend => false,
            Combine::Concat => true,
            Combine::Auto => rows.y.len() <= self.compare.tune.concat_max_rows,
        };
        let fit_concat = || -> Result<Fitted> {
            let docvec = self.docvec(m.docvec);
            let settings = self.settings(FeatureKind::Both, &bow_cfg, &docvec, 1.0);
            let grid = Grid {
                folds: &tuner.folds,
                cs: &bow_c,
                dense_scales: &self.compare.tune.dense_scales,
            };
            let found = tune::search(
                &settings,
                self.labelled(rows),
                Some(emb.clone()),
                grid,
                cancel,
            )?;
            let classes = self.data.labels.len();
            let (pipeline, choice) = tune::refit(found, rows.y, classes, self.logreg, cancel)?;
            self.predicted(pipeline, choice, tuner, rows)
        };
        let concat = if concat_fits || blend.is_none() {
            Some(fit_concat()?)
        } else {
            None
        };
        let concat_score = concat
            .as_ref()
            .and_then(|c| c.tuned.as_ref())
            .map(|t| Score {
                accuracy: t.cv_accuracy,
                log_loss: t.cv_log_loss,
            });
        if let Some((w, score, bow, embed)) =
            blend.filter(|b| concat_score.is_none_or(|c| b.1.beats(&c)))
        {
            let own = started.elapsed().as_secs_f64();
            return Ok(Fitted {
                proba: tune::blend(&bow.proba, &embed.proba, w),
                fit_seconds: own + bow.fit_seconds + embed.fit_seconds,
                converged: bow.converged && embed.converged,
                tuned: Some(Tuned {
                    folds: tuner.folds.len(),
                    cv_accuracy: score.accuracy,
                    cv_log_loss: score.log_loss,
                    c: None,
                    bigrams: Some(bow_cfg.bigrams),
                    combination: Some(Combination::Blend { bow_weight: w }),
                }),
                oof: None,
            });
        }
        let mut f = match concat {
            Some(c) => c,
            None => fit_concat()?,
        };
        f.fit_seconds = started.elapsed().as_secs_f64();
        Ok(f)
    }
}

/// Inner-CV state of one training set: its folds and grid, and the tuned parts that
/// `bow+embed-*` may blend.
struct Tuner {
    folds: Vec<Split>,
    cs: Vec<f64>,
    bow: Option<(TfidfConfig, Fitted)>,
    embed: Vec<(DocVecMethod, Fitted)>,
}
