//! Fusion settings scored on a task's judged queries without searching again (the lists of
//! each query are kept from the run), the best one chosen (`--tune`), and that choice checked
//! on queries it was not chosen on.

use rayon::prelude::*;
use serde::Serialize;

use super::{Metric, Run, Scores, Task};
use crate::eval::significance::paired;
use crate::rng::Rng;
use crate::search::fusion::{Fusion, FusionSetting, Normalization};
use crate::search::index::Mode;

/// The settings `--sweep` scores: convex fusion with vector weight 0, 0.1, …, 1 for each
/// normalisation, reciprocal rank fusion with k 10, 30, 60 and 100, and `default`.
pub fn grid(default: FusionSetting) -> Vec<FusionSetting> {
    let mut out = vec![default];
    for n in [
        Normalization::Bound,
        Normalization::Centered,
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

/// Whether two settings are neighbours on the grid's scale: both reciprocal rank fusion, or
/// convex with one normalisation.
pub(super) fn same_family(a: &FusionSetting, b: &FusionSetting) -> bool {
    a.fusion == b.fusion && (a.fusion == Fusion::Rrf || a.normalization == b.normalization)
}

/// Each query's scores under `setting` (fused again from the kept lists).
pub(super) fn scores(run: &Run, setting: &FusionSetting, queries: &[usize]) -> Vec<Scores> {
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

/// The setting whose mean `metric` on `queries`, averaged with its neighbours on the grid
/// (the next weight down and up, the next k), is best — a single spike on a plateau is more
/// often luck than a better setting — and its own mean. The current setting is left out of
/// the choice (the grid covers it). A fusion that does not beat the better of its two lists
/// significantly (paired randomisation test, p < 0.05) gives way to that list alone (convex
/// weight 0 or 1): with useless vectors, tuning must not learn noise.
fn best(
    run: &Run,
    metric: Metric,
    queries: &[usize],
    current: FusionSetting,
) -> (FusionSetting, f64) {
    let settings: Vec<FusionSetting> = grid(current).into_iter().skip(1).collect();
    let per_query = |setting: &FusionSetting| -> Vec<f64> {
        scores(run, setting, queries)
            .iter()
            .map(|s| metric.of(s))
            .collect()
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let means: Vec<f64> = settings.iter().map(|s| mean(&per_query(s))).collect();
    let smoothed = |i: usize| {
        let neighbours: Vec<f64> = [i.checked_sub(1), Some(i), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter(|&j| j < settings.len() && same_family(&settings[i], &settings[j]))
            .map(|j| means[j])
            .collect();
        neighbours.iter().sum::<f64>() / neighbours.len() as f64
    };
    let mut chosen = (current, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (i, setting) in settings.iter().enumerate() {
        let s = smoothed(i);
        if s > chosen.2 + 1e-12 {
            chosen = (*setting, means[i], s);
        }
    }
    // The better single list on these queries, as a setting that ranks exactly like it.
    let list = |m: usize| -> Vec<f64> {
        queries
            .iter()
            .map(|&q| metric.of(&run.scores[m][q]))
            .collect()
    };
    let (bm25, vector) = (list(0), list(1));
    let (single, single_setting) = if mean(&vector) > mean(&bm25) {
        (vector, FusionSetting::convex(1.0, Normalization::Bound))
    } else {
        (bm25, FusionSetting::convex(0.0, Normalization::Bound))
    };
    let test = paired(&single, &per_query(&chosen.0), 10_000, 3);
    if test.difference > 0.0 && test.p_value < 0.05 {
        (chosen.0, chosen.1)
    } else {
        (single_setting, mean(&single))
    }
}

/// The best setting on all queries, and the honest check: two-fold cross-validation — the
/// queries split at random in two halves, the setting chosen on each half scored on the
/// other, so every query is scored by a setting not chosen on it — beside BM25 and vector.
#[derive(Debug, Clone, Serialize)]
pub struct Tuning {
    pub metric: Metric,
    pub setting: String,
    pub fusion: FusionSetting,
    /// Its mean metric on all the queries it was chosen on.
    pub value: f64,
    pub held_out: HeldOut,
}

/// Fusion tuned on one half of the queries and scored on the other, both ways.
#[derive(Debug, Clone, Serialize)]
pub struct HeldOut {
    pub queries: usize,
    /// The settings chosen on the first and on the second half.
    pub settings: [String; 2],
    /// Mean metric over all queries, each scored by the setting chosen on the other half;
    /// BM25's and vector's means on the same queries.
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
    let metric_sum = |setting: &FusionSetting, queries: &[usize]| -> f64 {
        scores(run, setting, queries)
            .iter()
            .map(|s| task.metric.of(s))
            .sum()
    };
    let (on_first, _) = best(run, task.metric, first, current);
    let (on_second, _) = best(run, task.metric, second, current);
    let hybrid = (metric_sum(&on_first, second) + metric_sum(&on_second, first)) / n.max(1) as f64;
    let mode_mean =
        |m: usize| run.scores[m].iter().map(|s| task.metric.of(s)).sum::<f64>() / n.max(1) as f64;
    Tuning {
        metric: task.metric,
        setting: setting.describe(),
        fusion: setting,
        value,
        held_out: HeldOut {
            queries: n,
            settings: [on_first.describe(), on_second.describe()],
            hybrid,
            bm25: mode_mean(0),
            vector: mode_mean(1),
        },
    }
}
