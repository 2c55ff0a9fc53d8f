//! Search evaluation: known-item search, TREC topics + qrels, and every document as a query
//! (label precision@10); MRR@10, nDCG@10, Recall@1/10/100 for bm25, vector and hybrid side by side.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::index::{Mode, SearchIndex};
use crate::error::{Error, Result};
use crate::text::corpus::read_small_text;

#[derive(Debug, Clone, Serialize)]
pub struct ModeScore {
    pub mode: String,
    pub queries: usize,
    pub mrr_at_10: Option<f64>,
    pub ndcg_at_10: Option<f64>,
    pub recall_at_1: Option<f64>,
    pub recall_at_10: Option<f64>,
    pub recall_at_100: Option<f64>,
    /// Share of the top 10 with the query document's label (document-as-query runs only).
    pub label_precision_at_10: Option<f64>,
    pub median_query_ms: f64,
    pub p99_query_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchEval {
    pub task: String,
    pub modes: Vec<ModeScore>,
    /// Recall@10 of the approximate vector index against brute force (when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ann_recall_at_10: Option<f64>,
}

/// One query: its text, and relevance grade per relevant document.
pub struct Judged {
    pub text: String,
    pub relevant: HashMap<u32, u32>,
}

fn dcg(grades: impl Iterator<Item = u32>) -> f64 {
    grades
        .enumerate()
        .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / (i as f64 + 2.0).log2())
        .sum()
}

/// (RR@10, nDCG@10, R@1, R@10, R@100) of one ranking.
pub fn score_ranking(ranking: &[u32], relevant: &HashMap<u32, u32>) -> [f64; 5] {
    let grade = |d: &u32| relevant.get(d).copied().unwrap_or(0);
    let rr = ranking
        .iter()
        .take(10)
        .position(|d| grade(d) > 0)
        .map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
    let mut ideal: Vec<u32> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg = dcg(ideal.into_iter().take(10));
    let ndcg = if idcg > 0.0 {
        dcg(ranking.iter().take(10).map(grade)) / idcg
    } else {
        0.0
    };
    let n_rel = relevant.values().filter(|&&g| g > 0).count().max(1) as f64;
    let recall = |k: usize| ranking.iter().take(k).filter(|d| grade(d) > 0).count() as f64 / n_rel;
    [rr, ndcg, recall(1), recall(10), recall(100)]
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

/// Runs judged queries in every mode. `title`: let BM25 search the title field too.
pub fn judged(
    index: &SearchIndex,
    task: &str,
    queries: &[Judged],
    title: bool,
) -> Result<SearchEval> {
    if queries.is_empty() {
        return Err(Error::Usage("no queries to evaluate".into()));
    }
    let mut modes = Vec::new();
    for mode in Mode::ALL {
        let results: Vec<([f64; 5], f64)> = queries
            .par_iter()
            .map(|q| {
                let started = Instant::now();
                let tokens = index.tokenizer().tokenize(&q.text);
                let parsed = index.query(&q.text, title);
                let qv = index.query_vector(&q.text, &tokens);
                let ranked = index.ranked(mode, &*parsed, qv.as_deref(), 100, None, None)?;
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let ranking: Vec<u32> = ranked.fused.iter().map(|d| d.0).collect();
                Ok((score_ranking(&ranking, &q.relevant), ms))
            })
            .collect::<Result<_>>()?;
        let n = results.len() as f64;
        let mean = |i: usize| Some(results.iter().map(|r| r.0[i]).sum::<f64>() / n);
        modes.push(ModeScore {
            mode: mode.name().into(),
            queries: results.len(),
            mrr_at_10: mean(0),
            ndcg_at_10: mean(1),
            recall_at_1: mean(2),
            recall_at_10: mean(3),
            recall_at_100: mean(4),
            label_precision_at_10: None,
            median_query_ms: median(results.iter().map(|r| r.1).collect()),
            p99_query_ms: p99(results.iter().map(|r| r.1).collect()),
        });
    }
    Ok(SearchEval {
        ann_recall_at_10: index.ann_recall(1000, 10),
        task: task.into(),
        modes,
    })
}

/// Known-item search: each document's title is the query, the document itself the target.
/// BM25 searches the text only (the title would give the answer away).
pub fn known_item_titles(index: &SearchIndex) -> Result<SearchEval> {
    let queries: Vec<Judged> = index
        .documents()
        .iter()
        .enumerate()
        .filter(|(i, _)| index.is_alive(*i as u32))
        .filter_map(|(i, d)| {
            d.title
                .as_ref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| Judged {
                    text: t.clone(),
                    relevant: HashMap::from([(i as u32, 1)]),
                })
        })
        .collect();
    if queries.is_empty() {
        return Err(Error::Usage(
            "the index has no titles: build it with --title-col to run known-item search".into(),
        ));
    }
    judged(index, "known-item (title as query)", &queries, false)
}

/// TREC topics (`qid<TAB>query`) and qrels (`qid 0 docid relevance`).
pub fn trec(index: &SearchIndex, topics: &Path, qrels: &Path) -> Result<SearchEval> {
    let mut judgments: HashMap<String, HashMap<u32, u32>> = HashMap::new();
    let mut unknown_docs = 0;
    for (n, line) in read_small_text(qrels)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(qid), Some(doc), Some(rel)) = (
            f.first(),
            f.get(2),
            f.get(3).and_then(|r| r.parse::<i64>().ok()),
        ) else {
            return Err(Error::at_line(
                qrels,
                n as u64 + 1,
                "expected `qid 0 docid relevance`",
            ));
        };
        match index.doc_of(doc) {
            Some(d) if rel > 0 => {
                judgments
                    .entry(qid.to_string())
                    .or_default()
                    .insert(d, rel as u32);
            }
            Some(_) => {}
            None => unknown_docs += 1,
        }
    }
    let _ = unknown_docs;
    let mut queries = Vec::new();
    for (n, line) in read_small_text(topics)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((qid, text)) = line.split_once('\t') else {
            return Err(Error::at_line(
                topics,
                n as u64 + 1,
                "expected `qid<TAB>query text`",
            ));
        };
        if let Some(relevant) = judgments.get(qid.trim()) {
            queries.push(Judged {
                text: text.to_string(),
                relevant: relevant.clone(),
            });
        }
    }
    if queries.is_empty() {
        return Err(Error::in_file(
            topics,
            "no topic has a relevant document in the qrels (do the doc ids match the index's id column?)",
        ));
    }
    judged(index, "TREC topics", &queries, true)
}

/// Every document's text as the query (itself excluded): label precision@10 per mode.
pub fn document_queries(index: &SearchIndex) -> Result<SearchEval> {
    let docs = index.documents();
    if docs.iter().all(|d| d.label.is_none()) {
        return Err(Error::Usage(
            "the index has no labels: build it with --label-col for --doc-queries".into(),
        ));
    }
    let texts: Vec<String> = (0..docs.len() as u32)
        .map(|d| index.text(d))
        .collect::<Result<_>>()?;
    let mut modes = Vec::new();
    for mode in Mode::ALL {
        let results: Vec<(f64, f64)> = (0..docs.len())
            .into_par_iter()
            .filter(|&i| docs[i].label.is_some() && index.is_alive(i as u32))
            .map(|i| {
                let started = Instant::now();
                let tokens = index.tokenizer().tokenize(&texts[i]);
                let q = index.document_query(&tokens);
                // The stored vector is the document's vector: no need to encode it again.
                let qv = index.document_vector(i as u32);
                let ranked = index.ranked(mode, &*q, qv.as_deref(), 10, Some(i as u32), None)?;
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let same = ranked
                    .fused
                    .iter()
                    .filter(|(d, _)| docs[*d as usize].label == docs[i].label)
                    .count();
                Ok((same as f64 / 10.0, ms))
            })
            .collect::<Result<_>>()?;
        modes.push(ModeScore {
            mode: mode.name().into(),
            queries: results.len(),
            mrr_at_10: None,
            ndcg_at_10: None,
            recall_at_1: None,
            recall_at_10: None,
            recall_at_100: None,
            label_precision_at_10: Some(
                results.iter().map(|r| r.0).sum::<f64>() / results.len().max(1) as f64,
            ),
            median_query_ms: median(results.iter().map(|r| r.1).collect()),
            p99_query_ms: p99(results.iter().map(|r| r.1).collect()),
        });
    }
    Ok(SearchEval {
        ann_recall_at_10: index.ann_recall(1000, 10),
        task: "every document as a query".into(),
        modes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let rel = HashMap::from([(7, 1), (9, 1)]);
        let [rr, ndcg, r1, r10, r100] = score_ranking(&[3, 7, 5, 9], &rel);
        assert!((rr - 0.5).abs() < 1e-12);
        assert_eq!(r1, 0.0);
        assert_eq!(r10, 1.0);
        assert_eq!(r100, 1.0);
        let expected = (1.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg - expected).abs() < 1e-12);
    }
}
