//! The Search tab's relevance loop: marking hits relevant or not (kept as TREC topics and
//! qrels), scoring bm25 / vector / hybrid on the judged queries, re-tuning the fusion from
//! them; and the query history (Up/Down, Ctrl-R) kept across runs.

use std::path::Path;

use super::*;
use crate::search::FusionOverrides;
use crate::search::evaluate::{self, sweep};
use crate::search::judgments::Judgments;
use crate::tui::history::History;

/// What the judgments panel shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JudgePanel {
    /// Judged queries with at least one relevant hit.
    pub queries: usize,
    /// nDCG@10 per mode on them, and the fusion hybrid mode uses.
    pub ndcg: Vec<(String, f64)>,
    pub fusion: String,
    /// The last re-tune: (setting, nDCG@10) before and after.
    pub retuned: Option<((String, f64), (String, f64))>,
    pub message: String,
}

impl App {
    /// Keeps judgments (`judgments/`) and the query history (`history.txt`) in `dir`, the
    /// collection's artifact folder, reading what earlier runs left there.
    pub fn with_collection(mut self, dir: &Path) -> Self {
        self.load_collection(dir);
        self
    }

    /// Loads the judgments and the query history kept in the collection folder `dir`.
    pub fn load_collection(&mut self, dir: &Path) {
        self.judgments = Judgments::default();
        self.history = History::default();
        match Judgments::load(&dir.join("judgments")) {
            Ok(j) => self.judgments = j,
            Err(e) => self.status.errors.push(format!("judgments: {e}")),
        }
        match History::load(&dir.join("history.txt")) {
            Ok(h) => self.history = h,
            Err(e) => self.status.errors.push(format!("history: {e}")),
        }
    }

    /// Marks the selected hit relevant (`relevant`) or not for the current query; the same
    /// mark again removes it.
    pub(super) fn judge(&mut self, relevant: bool) {
        let Some(hit) = self.search.hits.get(self.search.selected) else {
            return;
        };
        let id = hit.id.clone();
        let query = self.search.query.clone();
        match self.judgments.toggle(&query, &id, relevant) {
            Ok(_) => {
                let _ = self.history.push(&query);
                if self.search.panel_open {
                    self.score_judgments();
                }
            }
            Err(e) => self.status.errors.push(format!("judgments: {e}")),
        }
    }

    /// Scores every mode on the judged queries for the panel.
    pub(super) fn score_judgments(&mut self) {
        let Some(ix) = self.loaded.index.clone() else {
            return;
        };
        let task = self.judgments.task(&ix);
        let panel = self.search.panel.get_or_insert_with(JudgePanel::default);
        panel.queries = task.queries.len();
        panel.fusion = format!("{} ({})", ix.fusion().describe(), ix.fusion_source());
        if task.queries.is_empty() {
            panel.ndcg.clear();
            panel.message = "no judged query yet: mark hits with y (relevant) or n (not)".into();
            return;
        }
        match evaluate::run(&ix, &task, &FusionOverrides::default()) {
            Ok(run) => {
                panel.ndcg = run
                    .eval
                    .modes
                    .iter()
                    .map(|m| (m.mode.clone(), m.ndcg_at_10))
                    .collect();
                panel.message = format!(
                    "judgments: {} (eval-search --topics --qrels reads them)",
                    self.judgments.qrels_path().display()
                );
            }
            Err(e) => panel.message = e.to_string(),
        }
    }

    /// Chooses the fusion from the judged queries (as `eval-search --tune`), stores it in
    /// the index and runs the search again.
    pub(super) fn retune(&mut self) {
        self.search.panel_open = true;
        let Some(ix) = self.loaded.index.clone() else {
            return;
        };
        let task = self.judgments.task(&ix);
        let panel = self.search.panel.get_or_insert_with(JudgePanel::default);
        if task.queries.len() < 2 {
            panel.message = "re-tuning needs at least 2 judged queries with a relevant hit".into();
            return;
        }
        let result = evaluate::run(&ix, &task, &FusionOverrides::default()).and_then(|run| {
            let before = ix.fusion();
            let hybrid = run.eval.modes.get(2).map_or(0.0, |m| m.ndcg_at_10);
            let tuning = sweep::tune(&run, &task, before);
            ix.store_tuned(Some(tuning.fusion))?;
            Ok((
                (before.describe(), hybrid),
                (tuning.setting.clone(), tuning.value),
            ))
        });
        match result {
            Ok(change) => {
                self.score_judgments();
                if let Some(p) = self.search.panel.as_mut() {
                    p.retuned = Some(change);
                    p.message = "stored in the index: search and eval-search use it".into();
                }
                self.run_search();
            }
            Err(e) => panel.message = format!("re-tuning failed: {e}"),
        }
    }

    /// Up (`older`) or Down through the history in the search box; past the newest entry the
    /// text typed before browsing comes back.
    pub(super) fn browse_history(&mut self, older: bool, now: Instant) {
        let n = self.history.entries().len();
        let s = &mut self.search;
        let pos = match (s.history_pos, older) {
            (None, true) if n > 0 => {
                s.history_draft = s.query.clone();
                Some(n - 1)
            }
            (None, _) => return,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p + 1 < n => Some(p + 1),
            (Some(_), false) => None,
        };
        s.history_pos = pos;
        s.query = match pos {
            Some(p) => self.history.entries()[p].clone(),
            None => s.history_draft.clone(),
        };
        self.search_pending = Some(now);
    }

    /// Ctrl-R: the newest history entry containing what was typed; again: the next older one.
    pub(super) fn reverse_search(&mut self, now: Instant) {
        let s = &mut self.search;
        let pattern = s.reverse.get_or_insert_with(|| s.query.clone()).clone();
        if let Some(p) = self.history.find_older(&pattern, s.history_pos) {
            s.history_pos = Some(p);
            s.query = self.history.entries()[p].clone();
            self.search_pending = Some(now);
        }
    }

    /// The search box loses the keyboard: the query joins the history.
    pub(super) fn remember_query(&mut self) {
        let s = &mut self.search;
        s.history_pos = None;
        s.reverse = None;
        if let Err(e) = self.history.push(&s.query) {
            self.status.errors.push(format!("history: {e}"));
        }
    }
}
