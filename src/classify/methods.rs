//! Fitting every compared method on one training set and predicting the test rows: with the
//! fixed settings, or with C, bigrams and the combination chosen by inner cross-validation on
//! the training rows (`tune`).

use std::time::Instant;

use super::compare::{Experiment, Method};
use super::disagreements::Predictions;
use super::pipeline::{Docs, FeatureKind, FitSettings, Pipeline};
use super::tune::{self, Combination, Combine, PathChoice, Tuned};
use crate::classify::{LogReg, LogRegConfig};
use crate::dataset::Split;
use crate::docvec::{DocVecConfig, DocVecMethod};
use crate::encoder::Encoder;
use crate::error::Result;
use crate::features::TfidfConfig;
use crate::progress::{Cancel, Progress, Report};

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
        let folds = tuning
            .enabled
            .then(|| {
                let k = tuning.folds_for(y.len());
                tune::folds(&y, data.labels.len(), k, self.compare.seed)
            })
            .flatten();
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
        logreg: &'s LogRegConfig,
        dense_scale: f32,
    ) -> FitSettings<'s> {
        FitSettings {
            kind,
            tokenizer: self.tokenizer,
            bow,
            docvec,
            logreg,
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
        let settings = self.settings(
            m.kind,
            self.bow,
            &docvec,
            self.logreg,
            self.compare.dense_scale,
        );
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

    /// One regression chosen by inner CV over C for each feature variant (`dense_scales`
    /// applies to the dense block of `bow+embed-*`; other kinds pass one scale, 1), refitted on
    /// all training rows.
    fn fit_regression(
        &self,
        tuner: &Tuner,
        search: Search<'_>,
        rows: &Rows<'_>,
        emb: &Encoder,
        cancel: &Cancel,
    ) -> Result<(Fitted, PathChoice)> {
        let found = self.search(tuner, search, rows, emb, cancel)?;
        self.refit(found, tuner, rows, cancel)
    }

    /// The inner-CV search of one regression: features fitted once, each dense scale's C path.
    fn search(
        &self,
        tuner: &Tuner,
        search: Search<'_>,
        rows: &Rows<'_>,
        emb: &Encoder,
        cancel: &Cancel,
    ) -> Result<Found> {
        let Search {
            kind,
            bow,
            docvec,
            dense_scales,
            cs,
        } = search;
        let started = Instant::now();
        let docvec = self.docvec(docvec);
        let settings = self.settings(kind, bow, &docvec, self.logreg, 1.0);
        let emb = kind.uses_embeddings().then(|| emb.clone());
        let (pipeline, x) = Pipeline::prepare(&settings, rows.train, &self.data.labels, emb)?;
        let classes = self.data.labels.len();
        let mut best: Option<(f32, PathChoice)> = None;
        for &scale in dense_scales {
            let xs = x.scale_columns_from(pipeline.bow_columns(), scale);
            let choice =
                tune::choose_c(&xs, rows.y, classes, &tuner.folds, cs, self.logreg, cancel)?;
            if best.as_ref().is_none_or(|b| choice.score.beats(&b.1.score)) {
                best = Some((scale, choice));
            }
        }
        let Some((scale, choice)) = best else {
            return Err(crate::error::Error::config(
                "compare.tune.dense_scales",
                "must list positive numbers",
            ));
        };
        Ok(Found {
            bigrams: bow.bigrams,
            pipeline,
            x,
            scale,
            choice,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// The chosen setting fitted on all training rows, and the test rows predicted.
    fn refit(
        &self,
        found: Found,
        tuner: &Tuner,
        rows: &Rows<'_>,
        cancel: &Cancel,
    ) -> Result<(Fitted, PathChoice)> {
        let started = Instant::now();
        let Found {
            bigrams,
            mut pipeline,
            x,
            scale,
            choice,
            seconds,
        } = found;
        let kind = pipeline.kind;
        let xs = x.scale_columns_from(pipeline.bow_columns(), scale);
        let cfg = LogRegConfig {
            c: choice.c,
            ..self.logreg.clone()
        };
        pipeline.dense_scale = scale;
        pipeline.model = LogReg::fit(&xs, rows.y, self.data.labels.len(), &cfg, cancel)?;
        let fitted = Fitted {
            proba: pipeline.predict_proba(rows.test)?,
            fit_seconds: seconds + started.elapsed().as_secs_f64(),
            converged: pipeline.model.converged,
            tuned: Some(Tuned {
                folds: tuner.folds.len(),
                cv_accuracy: choice.score.accuracy,
                cv_log_loss: choice.score.log_loss,
                c: Some(choice.c),
                bigrams: kind.uses_bow().then_some(bigrams),
                combination: (kind == FeatureKind::Both)
                    .then_some(Combination::Concat { dense_scale: scale }),
            }),
            oof: Some(choice.oof.clone()),
        };
        Ok((fitted, choice))
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
        let tuning = &self.compare.tune;
        match m.kind {
            FeatureKind::Bow => {
                let mut variants = vec![false];
                if tuning.bigrams && !self.bow.bigrams {
                    variants.push(true);
                } else if self.bow.bigrams {
                    variants = vec![true];
                }
                let mut best: Option<(TfidfConfig, Found)> = None;
                let mut seconds = 0.0;
                for bigrams in variants {
                    let bow = TfidfConfig {
                        bigrams,
                        ..self.bow.clone()
                    };
                    let search = Search {
                        kind: FeatureKind::Bow,
                        bow: &bow,
                        docvec: m.docvec,
                        dense_scales: &[1.0],
                        cs: &tuner.cs,
                    };
                    let found = self.search(tuner, search, rows, emb, cancel)?;
                    seconds += found.seconds;
                    if best
                        .as_ref()
                        .is_none_or(|b| found.choice.score.beats(&b.1.choice.score))
                    {
                        best = Some((bow, found));
                    }
                }
                let (bow, mut found) = best.ok_or_else(|| {
                    crate::error::Error::Usage("no bag-of-words variant to tune".into())
                })?;
                // Every variant's search counts; only the winner is refitted.
                found.seconds = seconds;
                let (f, _) = self.refit(found, tuner, rows, cancel)?;
                tuner.bow = Some((bow, f.clone()));
                Ok(f)
            }
            FeatureKind::Embed => {
                let search = Search {
                    kind: FeatureKind::Embed,
                    bow: self.bow,
                    docvec: m.docvec,
                    dense_scales: &[1.0],
                    cs: &tuner.cs,
                };
                let (f, _) = self.fit_regression(tuner, search, rows, emb, cancel)?;
                tuner.embed.push((m.docvec, f.clone()));
                Ok(f)
            }
            FeatureKind::Both => self.fit_combined(tuner, m, rows, emb, cancel),
        }
    }

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
        let fit_concat = || {
            let search = Search {
                kind: FeatureKind::Both,
                bow: &bow_cfg,
                docvec: m.docvec,
                dense_scales: &self.compare.tune.dense_scales,
                cs: &bow_c,
            };
            self.fit_regression(tuner, search, rows, emb, cancel)
        };
        let concat = if concat_fits || blend.is_none() {
            Some(fit_concat()?)
        } else {
            None
        };
        let concat_score = concat.as_ref().map(|c| c.1.score);
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
        let (mut f, _) = match concat {
            Some(c) => c,
            None => fit_concat()?,
        };
        f.fit_seconds = started.elapsed().as_secs_f64();
        Ok(f)
    }
}

/// One regression's search result: its fitted feature extractors, training features, and the
/// chosen dense scale and C.
struct Found {
    bigrams: bool,
    pipeline: Pipeline,
    x: crate::features::CsrMatrix,
    scale: f32,
    choice: PathChoice,
    /// Seconds the search took.
    seconds: f64,
}

/// The features of one regression and the grid its inner CV searches.
struct Search<'a> {
    kind: FeatureKind,
    bow: &'a TfidfConfig,
    docvec: DocVecMethod,
    /// Scales of the dense block (one, 1, unless `kind` is `Both`).
    dense_scales: &'a [f32],
    cs: &'a [f64],
}

/// Inner-CV state of one training set: its folds and grid, and the tuned parts that
/// `bow+embed-*` may blend.
struct Tuner {
    folds: Vec<Split>,
    cs: Vec<f64>,
    bow: Option<(TfidfConfig, Fitted)>,
    embed: Vec<(DocVecMethod, Fitted)>,
}
