//! A task's report from each query's scores and answer times in every mode: the means, the
//! latency percentiles, and each mode against BM25.

use super::{Metric, ModeScore, PerQuery, Scores, SearchEval, Significance, Task};
use crate::eval::significance::paired;
use crate::search::index::Mode;

/// The report of a task whose queries were ranked in every mode (`Mode::ALL` order): each
/// query's scores and answer times per mode. Also used for an engine's answers.
pub fn summarize(
    task: &Task,
    scores: &[Vec<Scores>; 3],
    times: [Vec<f64>; 3],
    fusion: String,
    ann_recall_at_10: Option<f64>,
) -> SearchEval {
    let modes = Mode::ALL
        .into_iter()
        .zip(times)
        .enumerate()
        .map(|(m, (mode, times))| {
            let mean = Scores::mean(&scores[m]);
            ModeScore {
                mode: mode.name().into(),
                queries: scores[m].len(),
                mrr_at_10: mean.rr,
                ndcg_at_10: mean.ndcg,
                recall_at_1: mean.r1,
                recall_at_10: mean.r10,
                recall_at_100: mean.r100,
                label_precision_at_10: (task.metric == Metric::LabelPrecisionAt10)
                    .then_some(mean.p10),
                median_query_ms: median(times.clone()),
                p99_query_ms: p99(times),
            }
        })
        .collect();
    let metric = |m: usize| -> Vec<f64> { scores[m].iter().map(|s| task.metric.of(s)).collect() };
    let significance = [(1, Mode::Vector), (2, Mode::Hybrid)]
        .into_iter()
        .map(|(m, mode)| Significance {
            mode: mode.name().into(),
            against: Mode::Bm25.name().into(),
            metric: task.metric,
            test: paired(&metric(0), &metric(m), 10_000, 1),
        })
        .collect();
    let (b, v, h) = (metric(0), metric(1), metric(2));
    let per_query = task
        .queries
        .iter()
        .enumerate()
        .map(|(i, q)| PerQuery {
            id: q.id.clone(),
            bm25: b[i],
            vector: v[i],
            hybrid: h[i],
        })
        .collect();
    SearchEval {
        task: task.name.clone(),
        metric: task.metric,
        fusion,
        modes,
        significance,
        per_query,
        ann_recall_at_10,
        fusion_source: "default".into(),
        default_fusion: None,
        default_hybrid: None,
    }
}

fn p99(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(((v.len().max(1) - 1) as f64 * 0.99) as usize)
        .copied()
        .unwrap_or(0.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
