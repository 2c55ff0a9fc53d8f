//! Answering what the user typed, on the UI thread (each takes milliseconds): the search, the
//! "try it" classification, and the neighbours or analogy with their projection.

use super::*;
use crate::search::SearchRequest;

impl App {
    /// Runs the query in the search box (when the index is ready).
    pub fn run_search(&mut self) {
        self.search_pending = None;
        let Some(ix) = self.loaded.index.clone() else {
            return;
        };
        let s = &mut self.search;
        s.selected = 0;
        s.preview.clear();
        s.preview_scroll = 0;
        if s.query.trim().is_empty() {
            s.hits.clear();
            s.error = None;
            return;
        }
        let label = s.label.and_then(|i| self.loaded.labels.get(i)).cloned();
        let request = SearchRequest::new(s.query.as_str(), s.mode(), self.settings.results)
            .with_label(label.as_deref());
        #[cfg(feature = "milvus")]
        let engine = self.engine_search(&ix, &request);
        #[cfg(not(feature = "milvus"))]
        let engine = None;
        let s = &mut self.search;
        let answer = engine.unwrap_or_else(|| ix.search(&request));
        match answer {
            Ok(hits) => {
                s.hits = hits;
                s.error = None;
            }
            Err(e) => {
                s.hits.clear();
                s.error = Some(e.to_string());
            }
        }
        self.select_hit(0);
    }

    /// Classifies the "try it" text with the fitted model.
    pub fn run_try(&mut self) {
        self.try_pending = None;
        let Some(model) = self.loaded.classifier.clone() else {
            return;
        };
        let c = &mut self.classify;
        let tokens = self.settings.tokenizer.tokenize(&c.input);
        if tokens.is_empty() {
            c.probabilities.clear();
            c.reasons.clear();
            return;
        }
        let text = [c.input.as_str()];
        let proba = model
            .predict_proba(Docs::new(&text, std::slice::from_ref(&tokens)))
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        let mut ranked: Vec<(String, f64)> = model.labels.iter().cloned().zip(proba).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top = ranked
            .first()
            .and_then(|(l, _)| model.labels.iter().position(|x| x == l))
            .unwrap_or(0);
        c.reasons = model.explain(Docs::new(&text, std::slice::from_ref(&tokens)), top, 6);
        c.probabilities = ranked;
    }

    /// Neighbours of one word, or the analogy `a b c` (a − b + c: b : a :: c : ?), and the
    /// projection.
    pub fn run_embeddings(&mut self) {
        let Some(emb) = self.loaded.embeddings.clone() else {
            return;
        };
        let e = &mut self.embed;
        e.selected = 0;
        let words: Vec<String> = e
            .input
            .split(|c: char| c.is_whitespace() || c == ':' || c == ',')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect();
        let result = match words.as_slice() {
            [] => return,
            [w] => {
                e.heading = format!("neighbours of {w}");
                emb.most_similar(w, self.settings.neighbors)
            }
            [a, b, c] => {
                // `wordlens analogy`'s (and fastText's) order: a − b + c, which answers "b is
                // to a as c is to ?" (king man woman: man : king :: woman : queen).
                e.heading = format!("{b} : {a} :: {c} : ?");
                emb.analogy(b, a, c, self.settings.neighbors, AnalogyMethod::CosAdd, 0)
            }
            _ => {
                e.error = Some("type one word, or three for an analogy (a b c)".into());
                return;
            }
        };
        match result {
            Ok(list) => {
                e.neighbors = list;
                e.error = None;
                let center = words.last().cloned().unwrap_or_default();
                let mut names = vec![center];
                names.extend(e.neighbors.iter().map(|(w, _)| w.clone()));
                let rows: Vec<Vec<f32>> = names
                    .iter()
                    .filter_map(|w| emb.index_of(w).map(|i| emb.unit(i)))
                    .collect();
                let rows: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
                let points = pca_2d(&rows);
                e.projection = names
                    .into_iter()
                    .zip(points)
                    .map(|(w, (x, y))| (w, x, y))
                    .collect();
            }
            Err(err) => {
                e.neighbors.clear();
                e.projection.clear();
                e.error = Some(err.to_string());
            }
        }
    }
}
