//! Every vector source side by side: one comparison per source on the same split, gathered
//! into one table (method × source), with the best methods of the two best sources tested
//! against each other.

use serde::{Deserialize, Serialize};

use super::{CompareReport, TestRow};
use crate::eval::significance;

/// One source's comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceRun {
    /// The source as the user named it (`default`, `trained`, a path, `org/name`).
    pub source: String,
    /// Its whole comparison (methods, tests against bag-of-words, learning curve).
    pub report: CompareReport,
}

/// One method's accuracy under every source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableRow {
    /// The method (`bow`, `embed-mean`, ...).
    pub method: String,
    /// Accuracy per source, in the order of `SourcesReport::sources`.
    pub accuracy: Vec<f64>,
    /// Macro F1 per source, same order.
    pub macro_f1: Vec<f64>,
}

/// `compare` with several sources.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourcesReport {
    /// Each source's comparison, in the order given.
    pub sources: Vec<SourceRun>,
    /// Method × source accuracy.
    pub table: Vec<TableRow>,
    /// The best embedding method of the best source against that of the second best
    /// (`method` and `baseline` read `method@source`); None with fewer than two sources.
    pub between: Option<TestRow>,
}

impl SourcesReport {
    /// Gathers the runs (same data and split) into one table and tests the two best sources.
    pub fn gather(sources: Vec<SourceRun>, bootstrap: usize, seed: u64) -> Self {
        let table = sources
            .first()
            .map(|first| {
                first
                    .report
                    .methods
                    .iter()
                    .enumerate()
                    .map(|(k, m)| TableRow {
                        method: m.name.clone(),
                        accuracy: sources
                            .iter()
                            .map(|s| s.report.methods[k].accuracy)
                            .collect(),
                        macro_f1: sources
                            .iter()
                            .map(|s| s.report.methods[k].macro_f1)
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Each source's best method that uses its vectors (not bag-of-words, index 0).
        let mut best: Vec<(usize, usize, f64)> = sources
            .iter()
            .enumerate()
            .filter_map(|(s, run)| {
                run.report
                    .methods
                    .iter()
                    .enumerate()
                    .skip(1)
                    .max_by(|a, b| a.1.accuracy.total_cmp(&b.1.accuracy))
                    .map(|(k, m)| (s, k, m.accuracy))
            })
            .collect();
        best.sort_by(|a, b| b.2.total_cmp(&a.2));
        let between = match best.as_slice() {
            [(s1, k1, _), (s2, k2, _), ..] => {
                let (a, b) = (&sources[*s1], &sources[*s2]);
                let (ca, cb) = (&a.report.correct[*k1], &b.report.correct[*k2]);
                (!ca.is_empty() && ca.len() == cb.len()).then(|| {
                    let c = significance::compare(cb, ca, bootstrap, seed);
                    TestRow::of(
                        format!("{}@{}", a.report.methods[*k1].name, a.source),
                        format!("{}@{}", b.report.methods[*k2].name, b.source),
                        &c,
                    )
                })
            }
            _ => None,
        };
        Self {
            sources,
            table,
            between,
        }
    }
}
