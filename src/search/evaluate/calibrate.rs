//! Fusion that calibrates itself on the collection: at index time, pseudo-queries are made
//! from a seeded sample of the index's own documents — each title (else one of its sentences)
//! as a known-item query for its document, and, where documents are labelled, each document
//! as a query for the others of its label — and the fusion setting that loses least against
//! the better single list on every such task is kept in the index's metadata. No fixed weight
//! suits every source of vectors (bench/README.md "Search"); the collection decides.

use std::collections::HashSet;

use super::sweep::{grid, same_family, scores};
use super::{Judged, Metric, Relevant, Run, Task, run};
use crate::error::Result;
use crate::rng::Rng;
use crate::search::fusion::{Calibrated, CalibrationTask, FusionOverrides, FusionSetting};
use crate::search::index::SearchIndex;

/// Documents sampled for the pseudo-queries: enough that one query moves a mean by 0.005,
/// and at most a quarter of the collection, so that most queries are left to check it on.
pub const SAMPLE: usize = 200;
/// Fewest documents worth calibrating on: below this the sample is most of the collection and
/// would leave too few queries to check the choice on.
const MIN_DOCUMENTS: usize = 50;
/// A sentence used as a known-item query has at least this many tokens, and is cut at
/// `SENTENCE_MAX`.
const SENTENCE_MIN: usize = 6;
const SENTENCE_MAX: usize = 30;

/// The calibrated fusion of `index`, or None when it has too few documents. `default` is
/// the configured setting, reported beside the choice.
pub fn calibrate(index: &SearchIndex, default: FusionSetting) -> Result<Option<Calibrated>> {
    let sample = sample(index);
    if sample.is_empty() {
        return Ok(None);
    }
    let mut tasks = vec![known_item_task(index, &sample)?];
    if let Some(t) = label_task(index, &sample)? {
        tasks.push(t);
    }
    tasks.retain(|t| !t.queries.is_empty());
    if tasks.is_empty() {
        return Ok(None);
    }
    let runs: Vec<Run> = tasks
        .iter()
        .map(|t| run(index, t, &FusionOverrides::default()))
        .collect::<Result<_>>()?;
    let chosen = choose(&runs, &tasks, default);
    let summary = tasks
        .iter()
        .zip(&runs)
        .map(|(t, r)| CalibrationTask {
            name: t.name.clone(),
            metric: t.metric.name().into(),
            queries: t.queries.len(),
            bm25: mode_mean(r, t.metric, 0),
            vector: mode_mean(r, t.metric, 1),
            default: setting_mean(r, t.metric, &default),
            chosen: setting_mean(r, t.metric, &chosen),
        })
        .collect();
    let docs = index.documents();
    Ok(Some(Calibrated {
        fusion: chosen,
        documents: sample
            .iter()
            .map(|&d| docs[d as usize].id.clone())
            .collect(),
        tasks: summary,
    }))
}

/// The documents (their first entries) whose pseudo-queries a calibration was made on.
pub fn calibration_documents(index: &SearchIndex) -> HashSet<u32> {
    let Some(c) = index.calibrated() else {
        return HashSet::new();
    };
    c.documents
        .iter()
        .filter_map(|id| index.doc_of(id))
        .collect()
}

/// A seeded sample of at most `SAMPLE` live documents (their first entries), and at most a
/// quarter of them.
fn sample(index: &SearchIndex) -> Vec<u32> {
    let mut starts: Vec<u32> = index
        .documents()
        .iter()
        .enumerate()
        .filter(|(i, d)| index.is_alive(*i as u32) && d.starts_document())
        .map(|(i, _)| i as u32)
        .collect();
    if starts.len() < MIN_DOCUMENTS {
        return Vec::new();
    }
    let mut rng = Rng::new(41);
    for i in (1..starts.len()).rev() {
        starts.swap(i, rng.below(i as u32 + 1) as usize);
    }
    starts.truncate(SAMPLE.min(starts.len() / 4));
    starts.sort_unstable();
    starts
}

/// Each sampled document's title, else its first sentence of `SENTENCE_MIN` tokens or more,
/// as a query whose one relevant document is itself.
fn known_item_task(index: &SearchIndex, sample: &[u32]) -> Result<Task> {
    let docs = index.documents();
    let mut queries = Vec::new();
    let mut titles = 0;
    for &d in sample {
        let info = &docs[d as usize];
        let text = match info.title.as_ref().filter(|t| !t.trim().is_empty()) {
            Some(t) => {
                titles += 1;
                Some(t.clone())
            }
            None => sentence(index, &index.text(d)?),
        };
        if let Some(text) = text {
            queries.push(Judged {
                id: info.id.clone(),
                text,
                relevant: Relevant::Graded([(d, 1)].into_iter().collect()),
                as_document: None,
            });
        }
    }
    let kind = if titles * 2 >= queries.len() {
        "titles"
    } else {
        "sentences"
    };
    Ok(Task {
        name: format!("known-item ({kind} of {} sampled documents)", queries.len()),
        queries,
        title: false,
        metric: Metric::MrrAt10,
    })
}

/// The first sentence of `text` with at least `SENTENCE_MIN` tokens, cut at `SENTENCE_MAX`.
fn sentence(index: &SearchIndex, text: &str) -> Option<String> {
    text.split(['.', '!', '?', '\n', '。', '！', '？'])
        .map(|s| index.tokenizer().tokenize(s))
        .find(|t| t.len() >= SENTENCE_MIN)
        .map(|t| t[..t.len().min(SENTENCE_MAX)].join(" "))
}

/// Each sampled labelled document as a query for the others of its label, when the index
/// holds at least two labels.
fn label_task(index: &SearchIndex, sample: &[u32]) -> Result<Option<Task>> {
    let docs = index.documents();
    let labels: HashSet<&str> = docs.iter().filter_map(|d| d.label.as_deref()).collect();
    if labels.len() < 2 {
        return Ok(None);
    }
    let queries = sample
        .iter()
        .filter_map(|&d| docs[d as usize].label.clone().map(|l| (d, l)))
        .map(|(d, label)| {
            Ok(Judged {
                id: docs[d as usize].id.clone(),
                text: index.text(d)?,
                relevant: Relevant::Label(label),
                as_document: Some(d),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Task {
        name: format!("documents as queries ({} sampled)", queries.len()),
        queries,
        title: false,
        metric: Metric::LabelPrecisionAt10,
    }))
}

fn mode_mean(run: &Run, metric: Metric, mode: usize) -> f64 {
    let all = &run.scores[mode];
    all.iter().map(|s| metric.of(s)).sum::<f64>() / all.len().max(1) as f64
}

fn setting_mean(run: &Run, metric: Metric, setting: &FusionSetting) -> f64 {
    let all: Vec<usize> = (0..run.lists.len()).collect();
    let s = scores(run, setting, &all);
    s.iter().map(|s| metric.of(s)).sum::<f64>() / s.len().max(1) as f64
}

/// The setting of the sweep grid whose worst margin over the tasks — its mean (averaged with
/// its neighbours on the grid, as `--tune` does) minus the better single list's — is highest.
/// Ties keep the earlier setting; the grid starts with the default.
fn choose(runs: &[Run], tasks: &[Task], default: FusionSetting) -> FusionSetting {
    let settings = grid(default);
    let means: Vec<Vec<f64>> = settings
        .iter()
        .map(|s| {
            runs.iter()
                .zip(tasks)
                .map(|(r, t)| setting_mean(r, t.metric, s))
                .collect()
        })
        .collect();
    let best_single: Vec<f64> = runs
        .iter()
        .zip(tasks)
        .map(|(r, t)| mode_mean(r, t.metric, 0).max(mode_mean(r, t.metric, 1)))
        .collect();
    let margin = |i: usize| -> f64 {
        // The default (first) stands alone; the others are smoothed within their family.
        let neighbours: Vec<usize> = match i {
            0 => vec![0],
            _ => [i - 1, i, i + 1]
                .into_iter()
                .filter(|&j| j > 0 && j < settings.len())
                .filter(|&j| same_family(&settings[i], &settings[j]))
                .collect(),
        };
        (0..tasks.len())
            .map(|t| {
                let m =
                    neighbours.iter().map(|&j| means[j][t]).sum::<f64>() / neighbours.len() as f64;
                m - best_single[t]
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut chosen = (0, margin(0));
    for i in 1..settings.len() {
        let m = margin(i);
        if m > chosen.1 + 1e-12 {
            chosen = (i, m);
        }
    }
    settings[chosen.0]
}
