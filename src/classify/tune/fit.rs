//! A tuned fit: the feature extractors fitted once, C (and the dense scale) searched by
//! inner cross-validation for each bag-of-words variant, the winner refitted on all rows.

use std::time::Instant;

use super::{Combination, PathChoice, TuneConfig, Tuned, choose_c};
use crate::classify::logreg::{LogReg, LogRegConfig};
use crate::classify::pipeline::{Docs, FeatureKind, FitSettings, Pipeline};
use crate::dataset::Split;
use crate::docvec::encoder::Encoder;
use crate::error::{Error, Result};
use crate::features::{CsrMatrix, TfidfConfig};
use crate::progress::{Cancel, Progress, Report};

/// Labelled training documents.
#[derive(Clone, Copy)]
pub struct Labelled<'a> {
    pub docs: Docs<'a>,
    pub y: &'a [u32],
    pub labels: &'a [String],
}

/// What one regression's search tries: the inner folds, C values and dense-block scales.
#[derive(Clone, Copy)]
pub struct Grid<'a> {
    pub folds: &'a [Split],
    pub cs: &'a [f64],
    /// Scales of the dense block (one, 1, unless the features combine both kinds).
    pub dense_scales: &'a [f32],
}

/// One feature setting's search: its fitted extractors and training features, the chosen
/// dense scale and C, and the seconds it took.
pub struct Found {
    pub pipeline: Pipeline,
    pub x: CsrMatrix,
    pub scale: f32,
    pub choice: PathChoice,
    pub seconds: f64,
}

/// Fits the feature extractors of `settings` once on `data`, then searches C for each dense
/// scale by inner cross-validation.
pub fn search(
    settings: &FitSettings<'_>,
    data: Labelled<'_>,
    encoder: Option<Encoder>,
    grid: Grid<'_>,
    cancel: &Cancel,
) -> Result<Found> {
    let started = Instant::now();
    let (pipeline, x) = Pipeline::prepare(settings, data.docs, data.labels, encoder)?;
    let mut best: Option<(f32, PathChoice)> = None;
    for &scale in grid.dense_scales {
        let xs = x.scale_columns_from(pipeline.bow_columns(), scale);
        let choice = choose_c(
            &xs,
            data.y,
            data.labels.len(),
            grid.folds,
            grid.cs,
            settings.logreg,
            cancel,
        )?;
        if best.as_ref().is_none_or(|b| choice.score.beats(&b.1.score)) {
            best = Some((scale, choice));
        }
    }
    let (scale, choice) = best
        .ok_or_else(|| Error::config("compare.tune.dense_scales", "must list positive numbers"))?;
    Ok(Found {
        pipeline,
        x,
        scale,
        choice,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The chosen setting fitted on all of `data`'s rows; `fit_seconds` counts the search too.
pub fn refit(
    found: Found,
    y: &[u32],
    classes: usize,
    logreg: &LogRegConfig,
    cancel: &Cancel,
) -> Result<(Pipeline, PathChoice)> {
    let started = Instant::now();
    let Found {
        mut pipeline,
        x,
        scale,
        choice,
        seconds,
    } = found;
    let xs = x.scale_columns_from(pipeline.bow_columns(), scale);
    let cfg = LogRegConfig {
        c: choice.c,
        ..logreg.clone()
    };
    // `x` already holds the pipeline's own dense scale (`[compare] dense_scale` for both kinds,
    // 1/√dim for vectors alone): the rows it was fitted on are scaled by the product.
    pipeline.dense_scale *= scale;
    pipeline.model = LogReg::fit(&xs, y, classes, &cfg, cancel)?;
    pipeline.fit_seconds = seconds + started.elapsed().as_secs_f64();
    Ok((pipeline, choice))
}

/// What the search chose for a refitted pipeline.
pub fn tuned(pipeline: &Pipeline, choice: &PathChoice, folds: usize) -> Tuned {
    let kind = pipeline.kind;
    Tuned {
        folds,
        cv_accuracy: choice.score.accuracy,
        cv_log_loss: choice.score.log_loss,
        c: Some(choice.c),
        bigrams: pipeline
            .tfidf
            .as_ref()
            .filter(|_| kind.uses_bow())
            .map(|t| t.config.bigrams),
        combination: (kind == FeatureKind::Both).then_some(Combination::Concat {
            dense_scale: pipeline.dense_scale,
        }),
    }
}

/// A pipeline of `settings.kind` with C, bigrams (with a bag-of-words part) and the dense
/// scale (both kinds side by side) chosen by inner cross-validation on `data`: what
/// `classify train` and the TUI's classifier fit. The fixed settings, and no `Tuned`, when
/// tuning is off or a class has a single row.
pub fn fit_or_fixed(
    settings: &FitSettings<'_>,
    tune: &TuneConfig,
    data: Labelled<'_>,
    encoder: Option<Encoder>,
    seed: u64,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(Pipeline, Option<Tuned>)> {
    match tune.inner_folds(data.y, data.labels.len(), seed) {
        Some(folds) => {
            let run = Run {
                folds: &folds,
                progress,
                cancel,
            };
            let (pipeline, choice) = fit(settings, tune, data, encoder, run)?;
            let t = tuned(&pipeline, &choice, folds.len());
            Ok((pipeline, Some(t)))
        }
        None => Ok((
            Pipeline::fit(settings, data.docs, data.y, data.labels, encoder, cancel)?,
            None,
        )),
    }
}

/// The folds a tuned fit searches on, where it reports, and its cancel flag.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub folds: &'a [Split],
    pub progress: &'a dyn Progress,
    pub cancel: &'a Cancel,
}

/// The tuned fit on given folds: every bigram variant searched, the best refitted on all rows.
pub fn fit(
    settings: &FitSettings<'_>,
    tune: &TuneConfig,
    data: Labelled<'_>,
    encoder: Option<Encoder>,
    run: Run<'_>,
) -> Result<(Pipeline, PathChoice)> {
    let Run {
        folds,
        progress,
        cancel,
    } = run;
    let cs = tune.cs_for(settings.kind);
    let scales: &[f32] = if settings.kind == FeatureKind::Both {
        &tune.dense_scales
    } else {
        &[1.0]
    };
    let grid = Grid {
        folds,
        cs: &cs,
        dense_scales: scales,
    };
    let mut variants = vec![settings.bow.bigrams];
    if settings.kind.uses_bow() && tune.bigrams && !settings.bow.bigrams {
        variants.push(true);
    }
    let mut best: Option<Found> = None;
    let mut seconds = 0.0;
    let total = variants.len() as u64 + 1;
    for (done, bigrams) in variants.into_iter().enumerate() {
        progress.report(&Report {
            stage: "choosing C by cross-validation",
            done: done as u64,
            total,
            metrics: &[],
        });
        let bow = TfidfConfig {
            bigrams,
            ..settings.bow.clone()
        };
        let variant = FitSettings {
            bow: &bow,
            ..settings.clone()
        };
        let found = search(&variant, data, encoder.clone(), grid, cancel)?;
        seconds += found.seconds;
        if best
            .as_ref()
            .is_none_or(|b| found.choice.score.beats(&b.choice.score))
        {
            best = Some(found);
        }
    }
    let mut found =
        best.ok_or_else(|| Error::Internal("no bag-of-words variant was searched".into()))?;
    // Every variant's search counts; only the winner is refitted.
    found.seconds = seconds;
    progress.report(&Report {
        stage: "fitting the chosen setting",
        done: total - 1,
        total,
        metrics: &[],
    });
    let out = refit(found, data.y, data.labels.len(), settings.logreg, cancel);
    progress.finish("choosing C by cross-validation");
    out
}
