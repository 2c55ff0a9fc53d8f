//! A search task (known-item, TREC, documents as queries) answered by the engine instead of
//! wordlens, scored by the same judgments and metrics, so the two reports sit side by side.

use std::time::Instant;

use super::milvus::{Milvus, doc_numbers};
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};
use crate::search::evaluate::{Judgments, Scores, SearchEval, Task, summarize};
use crate::search::{FusionOverrides, Mode, SearchIndex, SearchRequest};

/// Runs `task`'s queries through `engine` in every mode: queries encoded by `index`'s own
/// encoder (a document query sends its stored vector and leaves itself out), hybrid fused by
/// the engine's ranker with the index's fusion setting under `overrides`. Queries go one at a time, so the
/// times are the engine's latency as one client sees it.
pub fn run(
    index: &SearchIndex,
    engine: &Milvus,
    task: &Task,
    overrides: &FusionOverrides,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SearchEval> {
    if task.queries.is_empty() {
        return Err(Error::Usage("no queries to evaluate".into()));
    }
    engine.check_export_of(index)?;
    let numbers = doc_numbers(index);
    let fusion = index.fusion_with(overrides);
    let mut scores: [Vec<Scores>; 3] = Default::default();
    let mut times: [Vec<f64>; 3] = Default::default();
    let total = (task.queries.len() * Mode::ALL.len()) as u64;
    let judgments: Vec<Judgments> = task
        .queries
        .iter()
        .map(|q| Judgments::of(index, q))
        .collect();
    for (m, mode) in Mode::ALL.into_iter().enumerate() {
        for (i, (q, judgments)) in task.queries.iter().zip(&judgments).enumerate() {
            cancel.check()?;
            let started = Instant::now();
            let request = SearchRequest {
                exclude: q.as_document,
                overrides: *overrides,
                ..SearchRequest::new(q.text.as_str(), mode, 100)
            };
            let hits = engine.search(index, &request)?;
            times[m].push(started.elapsed().as_secs_f64() * 1e3);
            let ranking: Vec<u32> = hits
                .iter()
                .filter_map(|h| numbers.get(h.id.as_str()).copied())
                .collect();
            scores[m].push(judgments.score(&ranking));
            let done = (m * task.queries.len() + i + 1) as u64;
            if done.is_multiple_of(50) || done == total {
                progress.report(&Report {
                    stage: "engine queries",
                    done,
                    total,
                    metrics: &[],
                });
            }
        }
    }
    progress.finish("engine queries");
    let fusion_name = format!(
        "{} (the engine's {} ranker)",
        fusion.describe(),
        match fusion.fusion {
            crate::search::Fusion::Convex => "weighted",
            crate::search::Fusion::Rrf => "RRF",
        }
    );
    Ok(summarize(task, &scores, times, fusion_name, None))
}
