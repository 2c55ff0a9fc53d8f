//! Fusion settings scored on a task's judged queries without searching again (the lists of
//! each query are kept from the run), the best one chosen (`--tune`), and that choice checked
//! on queries it was not chosen on.

use rayon::prelude::*;
use serde::Serialize;

use super::{Metric, Run, Scores, Task};
use crate::embed::rng::Rng;
use crate::search::fusion::{FusionSetting, Normalization};
use crate::search::index::Mode;

/// The settings `--sweep` scores: convex fusion with alpha 0, 0.1, …, 1 for each
/// normalisation, reciprocal rank fusion with k 10, 30, 60 and 100, and `default`.
pub fn grid(default: FusionSetting) -> Vec<FusionSetting> {
    let mut out = vec![default];
    for n in [
        Normalization::Bound,
        Normalization::MinMax,
        Normalization::ZScore,
    ] {
        for step in 0..=10 {
            out.push(FusionSetting::convex(step as f64 / 10.0, n));
        }
    }
    for k in [10.0, 30.0, 60.0, 100.0] {
        out.push(FusionSetting::rrf(k));
    }
    out
}

/// One setting's mean scores over the queries.
#[derive(Debug, Clone, Serialize)]
pub struct SweepRow {
    pub setting: String,
    #[serde(flatten)]
    pub fusion: FusionSetting,
    /// The index's current setting (stored by `--tune`, else config's default).
    pub current: bool,
    pub ndcg_at_10: f64,
    pub mrr_at_10: f64,
    pub recall_at_100: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_precision_at_10: Option<f64>,
}

/// Each query's scores under `setting` (fused again from the kept lists).
fn scores(run: &Run, setting: &FusionSetting, queries: &[usize]) -> Vec<Scores> {
    queries
        .par_iter()
        .map(|&q| {
            let ranking: Vec<u32> = run.lists[q]
                .ranking(Mode::Hybrid, setting, 100)
                .into_iter()
                .map(|d| d.0)
                .collect();
            run.judgments[q].score(&ranking)
        })
        .collect()
}

/// Scores every setting of `grid(current)` on all of the task's queries.
pub fn sweep(run: &Run, task: &Task, current: FusionSetting) -> Vec<SweepRow> {
    let all: Vec<usize> = (0..run.lists.len()).collect();
    let mut rows: Vec<SweepRow> = grid(current)
        .into_iter()
        .map(|setting| {
            let mean = Scores::mean(&scores(run, &setting, &all));
            SweepRow {
                setting: setting.describe(),
                fusion: setting,
                current: false,
                ndcg_at_10: mean.ndcg,
                mrr_at_10: mean.rr,
                recall_at_100: mean.r100,
                label_precision_at_10: (task.metric == Metric::LabelPrecisionAt10)
                    .then_some(mean.p10),
            }
        })
        .collect();
    rows[0].current = true;
    rows
}

/// The setting with the best mean `metric` on `queries` (the first of equals, in grid order),
/// and that mean.
fn best(
    run: &Run,
    metric: Metric,
    queries: &[usize],
    current: FusionSetting,
) -> (FusionSetting, f64) {
    let mut best = (current, f64::NEG_INFINITY);
    for setting in grid(current) {
        let s = scores(run, &setting, queries);
        let mean = s.iter().map(|s| metric.of(s)).sum::<f64>() / s.len().max(1) as f64;
        if mean > best.1 + 1e-12 {
            best = (setting, mean);
        }
    }
    best
}

/// The best setting on all queries, and the honest check: chosen on a random half, scored on
/// the other half beside BM25 and vector there.
#[derive(Debug, Clone, Serialize)]
pub struct Tuning {
    pub metric: Metric,
    pub setting: String,
    pub fusion: FusionSetting,
    /// Its mean metric on all the queries it was chosen on.
    pub value: f64,
    pub held_out: HeldOut,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldOut {
    pub tuned_on: usize,
    pub evaluated_on: usize,
    /// The setting chosen on the first half.
    pub setting: String,
    /// Mean metric on the second half: that setting, BM25 and vector.
    pub hybrid: f64,
    pub bm25: f64,
    pub vector: f64,
}

/// Chooses the fusion for `task` by its metric (see `Tuning`).
pub fn tune(run: &Run, task: &Task, current: FusionSetting) -> Tuning {
    let n = run.lists.len();
    let all: Vec<usize> = (0..n).collect();
    let (setting, value) = best(run, task.metric, &all, current);
    // A seeded shuffle: the halves do not follow the file's order (often sorted by topic).
    let mut order = all.clone();
    let mut rng = Rng::new(17);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u32 + 1) as usize);
    }
    let (first, second) = order.split_at(n / 2);
    let (half_setting, _) = best(run, task.metric, first, current);
    let mean_of = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let mode_mean = |m: usize| {
        mean_of(
            second
                .iter()
                .map(|&q| task.metric.of(&run.scores[m][q]))
                .collect(),
        )
    };
    let hybrid = mean_of(
        scores(run, &half_setting, second)
            .iter()
            .map(|s| task.metric.of(s))
            .collect(),
    );
    Tuning {
        metric: task.metric,
        setting: setting.describe(),
        fusion: setting,
        value,
        held_out: HeldOut {
            tuned_on: first.len(),
            evaluated_on: second.len(),
            setting: half_setting.describe(),
            hybrid,
            bm25: mode_mean(0),
            vector: mode_mean(1),
        },
    }
}
