//! Search evaluation: known-item search, TREC topics + qrels, and every document as a query
//! (its label's documents are the relevant ones); MRR@10, nDCG@10, Recall@1/10/100 and
//! precision@10 for bm25, vector and hybrid side by side, each mode against BM25 with a paired
//! randomisation test, and each query's score per mode.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::fusion::{FusionOverrides, FusionSetting};
use super::index::{Lists, Mode, QueryInputs, SearchIndex};
use super::request::SearchRequest;
use crate::error::{Error, Result};
use crate::eval::significance::PairedTest;
use crate::text::corpus::read_small_text;

pub mod calibrate;
mod summary;
pub mod sweep;
/// The tasks: known items, TREC topics with judgments, documents as queries.
mod tasks;
pub use tasks::{
    document_queries, document_task, known_item_task, known_item_titles, trec, trec_task,
};

pub use summary::summarize;

/// The metric a task is judged by (and tuned on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean reciprocal rank of the first relevant document in the top 10.
    MrrAt10,
    /// Normalised discounted cumulative gain of the top 10 (graded judgments).
    NdcgAt10,
    /// Share of the top 10 sharing the query document's label.
    LabelPrecisionAt10,
}

impl Metric {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            Metric::MrrAt10 => "MRR@10",
            Metric::NdcgAt10 => "nDCG@10",
            Metric::LabelPrecisionAt10 => "label-P@10",
        }
    }

    /// This metric's value in `s`.
    pub fn of(self, s: &Scores) -> f64 {
        match self {
            Metric::MrrAt10 => s.rr,
            Metric::NdcgAt10 => s.ndcg,
            Metric::LabelPrecisionAt10 => s.p10,
        }
    }
}

/// One ranking's scores against one query's judgments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Reciprocal rank of the first relevant document in the top 10 (0 if none).
    pub rr: f64,
    /// nDCG of the top 10.
    pub ndcg: f64,
    /// Share of the relevant documents found at rank 1.
    pub r1: f64,
    /// Share of the relevant documents found in the top 10.
    pub r10: f64,
    /// Share of the relevant documents found in the top 100.
    pub r100: f64,
    /// Share of the top 10 that is relevant.
    pub p10: f64,
}

impl Scores {
    fn mean(all: &[Scores]) -> Scores {
        let n = all.len().max(1) as f64;
        let sum = |f: fn(&Scores) -> f64| all.iter().map(f).sum::<f64>() / n;
        Scores {
            rr: sum(|s| s.rr),
            ndcg: sum(|s| s.ndcg),
            r1: sum(|s| s.r1),
            r10: sum(|s| s.r10),
            r100: sum(|s| s.r100),
            p10: sum(|s| s.p10),
        }
    }
}

/// One search mode's ranking metrics over a query set.
#[derive(Debug, Clone, Serialize)]
pub struct ModeScore {
    /// `bm25`, `vector` or `hybrid`.
    pub mode: String,
    /// Queries scored.
    pub queries: usize,
    /// Mean reciprocal rank (top 10).
    pub mrr_at_10: f64,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean recall@1.
    pub recall_at_1: f64,
    /// Mean recall@10.
    pub recall_at_10: f64,
    /// Mean recall@100.
    pub recall_at_100: f64,
    /// Share of the top 10 with the query document's label (document-as-query runs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_precision_at_10: Option<f64>,
    /// Median time to answer a query, milliseconds.
    pub median_query_ms: f64,
    /// 99th percentile of the query time, milliseconds.
    pub p99_query_ms: f64,
}

/// A mode against BM25 on the task's metric, query by query.
#[derive(Debug, Clone, Serialize)]
pub struct Significance {
    /// The mode tested.
    pub mode: String,
    /// The mode it is tested against (BM25).
    pub against: String,
    /// The metric compared query by query.
    pub metric: Metric,
    /// Mean difference, its interval and the paired randomisation p-value.
    #[serde(flatten)]
    pub test: PairedTest,
}

/// One query's metric in each mode.
#[derive(Debug, Clone, Serialize)]
pub struct PerQuery {
    /// The query's id.
    pub id: String,
    /// The task's metric for BM25.
    pub bm25: f64,
    /// The task's metric for vector search.
    pub vector: f64,
    /// The task's metric for hybrid search.
    pub hybrid: f64,
}

/// Every search mode scored on one query set, with the fusion used.
#[derive(Debug, Clone, Serialize)]
pub struct SearchEval {
    /// The query set's name.
    pub task: String,
    /// The metric the task is judged by.
    pub metric: Metric,
    /// The fusion hybrid mode used ("convex bound weight 0.2", ...).
    pub fusion: String,
    /// Each mode's metrics, in `Mode::ALL` order.
    pub modes: Vec<ModeScore>,
    /// Vector and hybrid against BM25 (paired randomisation test over queries).
    pub significance: Vec<Significance>,
    /// Each query's metric in each mode.
    pub per_query: Vec<PerQuery>,
    /// Recall@10 of the approximate vector index against brute force (when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ann_recall_at_10: Option<f64>,
    /// Where the hybrid setting came from: "tuned", "calibrated" or "default".
    pub fusion_source: String,
    /// When the index calibrated its fusion: the configured default and its hybrid score on
    /// the same queries (the task's metric), beside the calibrated one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_fusion: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_hybrid: Option<f64>,
}

/// Which documents are relevant to a query.
#[derive(Debug, Clone)]
pub enum Relevant {
    /// Judged documents and their grades (> 0).
    Graded(HashMap<u32, u32>),
    /// Every other live document with this label (document-as-query evaluation).
    Label(String),
}

/// One query: its id, text and judgments. `as_document`: the query is this indexed document
/// (its own tokens and stored vector; itself excluded from the results).
#[derive(Debug, Clone)]
pub struct Judged {
    /// The query's id.
    pub id: String,
    /// The query text.
    pub text: String,
    /// Which documents are relevant.
    pub relevant: Relevant,
    /// The indexed document this query is, for document-as-query runs.
    pub as_document: Option<u32>,
}

/// A set of judged queries and how to run and score them.
pub struct Task {
    /// The task's name in reports.
    pub name: String,
    /// The judged queries.
    pub queries: Vec<Judged>,
    /// Let BM25 search the title field too.
    pub title: bool,
    /// The metric it is judged and tuned by.
    pub metric: Metric,
}

impl Task {
    /// At most `n` of the queries, spread evenly over the set (every ⌈len / n⌉-th, from the
    /// first), so that a slow engine can be compared on the same sample.
    pub fn sample(mut self, n: usize) -> Self {
        let len = self.queries.len();
        if n == 0 || n >= len {
            return self;
        }
        let step = len.div_ceil(n);
        self.queries = self.queries.into_iter().step_by(step).collect();
        self.name = format!(
            "{} (one query in {step}: {} of {len})",
            self.name,
            self.queries.len()
        );
        self
    }
}

fn dcg(grades: impl Iterator<Item = u32>) -> f64 {
    grades
        .enumerate()
        .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / (i as f64 + 2.0).log2())
        .sum()
}

/// Scores `ranking` given each document's grade and the grades of all relevant documents.
pub fn score_ranking(ranking: &[u32], grade: impl Fn(u32) -> u32, ideal: &[u32]) -> Scores {
    let rr = ranking
        .iter()
        .take(10)
        .position(|&d| grade(d) > 0)
        .map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
    let idcg = dcg(ideal.iter().copied().take(10));
    let ndcg = if idcg > 0.0 {
        dcg(ranking.iter().take(10).map(|&d| grade(d))) / idcg
    } else {
        0.0
    };
    let found = |k: usize| ranking.iter().take(k).filter(|&&d| grade(d) > 0).count() as f64;
    let n_rel = ideal.len().max(1) as f64;
    Scores {
        rr,
        ndcg,
        r1: found(1) / n_rel,
        r10: found(10) / n_rel,
        r100: found(100) / n_rel,
        p10: found(10) / 10.0,
    }
}

/// A task's queries run in every mode: the scores, and the lists of hybrid mode kept so that
/// other fusion settings can be scored without searching again (`sweep`).
pub struct Run {
    /// The scores, as reported.
    pub eval: SearchEval,
    /// Per mode (`Mode::ALL` order), each query's scores.
    pub scores: [Vec<Scores>; 3],
    /// Each query's BM25 and vector lists.
    pub lists: Vec<Lists>,
    /// Each query's grades, for scoring other rankings.
    judgments: Vec<Judgments>,
}

/// A query's relevance, resolved to document numbers.
pub struct Judgments {
    grades: HashMap<u32, u32>,
    ideal: Vec<u32>,
}

impl Judgments {
    /// `q`'s judgments in `index`.
    pub fn of(index: &SearchIndex, q: &Judged) -> Self {
        let grades: HashMap<u32, u32> = match &q.relevant {
            Relevant::Graded(g) => g
                .iter()
                .filter(|e| *e.1 > 0)
                .map(|(&d, &g)| (d, g))
                .collect(),
            Relevant::Label(label) => index
                .documents()
                .iter()
                .enumerate()
                .map(|(d, _)| d as u32)
                .filter(|&d| Some(d) != q.as_document && index.is_alive(d))
                .filter(|&d| index.documents()[d as usize].starts_document())
                .filter(|&d| index.documents()[d as usize].label.as_deref() == Some(label))
                .map(|d| (d, 1))
                .collect(),
        };
        let mut ideal: Vec<u32> = grades.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        Self { grades, ideal }
    }

    /// The scores of one ranking (document numbers, best first).
    pub fn score(&self, ranking: &[u32]) -> Scores {
        score_ranking(
            ranking,
            |d| self.grades.get(&d).copied().unwrap_or(0),
            &self.ideal,
        )
    }
}

/// Runs `task` in every mode with the index's fusion under `overrides`.
pub fn run(index: &SearchIndex, task: &Task, overrides: &FusionOverrides) -> Result<Run> {
    if task.queries.is_empty() {
        return Err(Error::Usage("no queries to evaluate".into()));
    }
    let judgments: Vec<Judgments> = task
        .queries
        .par_iter()
        .map(|q| Judgments::of(index, q))
        .collect();
    let fusion = index.fusion_with(overrides);
    let take = index.config.candidates.max(100);
    let mut scores: [Vec<Scores>; 3] = Default::default();
    let mut times: [Vec<f64>; 3] = Default::default();
    let mut hybrid_lists = Vec::new();
    for (m, mode) in Mode::ALL.into_iter().enumerate() {
        let results: Vec<(Scores, f64, Lists)> = task
            .queries
            .par_iter()
            .zip(&judgments)
            .map(|(q, j)| {
                let started = Instant::now();
                let tokens = index.tokenizer().tokenize(&q.text);
                let (query, qv) = match q.as_document {
                    Some(d) => (index.document_query(&tokens), index.document_vector(d)),
                    None => (
                        index.query(&q.text, task.title),
                        index.query_vector(&q.text, &tokens),
                    ),
                };
                let request = SearchRequest {
                    exclude: q.as_document,
                    ..SearchRequest::new(q.text.as_str(), mode, 100)
                };
                let inputs = QueryInputs {
                    bm25: &*query,
                    vector: qv.as_deref(),
                };
                let lists = index.lists(&request, inputs, take)?;
                let ranking: Vec<u32> = lists
                    .ranking(mode, &fusion, 100)
                    .into_iter()
                    .map(|d| d.0)
                    .collect();
                let ms = started.elapsed().as_secs_f64() * 1e3;
                Ok((j.score(&ranking), ms, lists))
            })
            .collect::<Result<_>>()?;
        scores[m] = results.iter().map(|r| r.0).collect();
        times[m] = results.iter().map(|r| r.1).collect();
        if mode == Mode::Hybrid {
            hybrid_lists = results.into_iter().map(|r| r.2).collect();
        }
    }
    let mut eval = summarize(
        task,
        &scores,
        times,
        fusion.describe(),
        index.ann_recall(1000, 10),
    );
    eval.fusion_source = match *overrides == FusionOverrides::default() {
        true => index.fusion_source().into(),
        false => "flags".into(),
    };
    if eval.fusion_source == "calibrated" {
        let default = index.config.fusion_setting();
        eval.default_fusion = Some(default.describe());
        eval.default_hybrid = Some(mean_metric(task, &hybrid_lists, &judgments, &default));
    }
    Ok(Run {
        eval,
        scores,
        lists: hybrid_lists,
        judgments,
    })
}

/// The mean of `task`'s metric over its queries with the hybrid lists fused by `setting`.
fn mean_metric(
    task: &Task,
    lists: &[Lists],
    judgments: &[Judgments],
    setting: &FusionSetting,
) -> f64 {
    let sum: f64 = lists
        .iter()
        .zip(judgments)
        .map(|(l, j)| {
            let ranking: Vec<u32> = l
                .ranking(Mode::Hybrid, setting, 100)
                .into_iter()
                .map(|d| d.0)
                .collect();
            task.metric.of(&j.score(&ranking))
        })
        .sum();
    sum / lists.len().max(1) as f64
}

#[cfg(test)]
mod tests;
