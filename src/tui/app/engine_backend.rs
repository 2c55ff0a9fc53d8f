//! The Search tab answered by an engine collection (`wordlens tui --engine milvus://…`): the
//! query is encoded by the loaded index's encoder, the engine ranks, and the hits show what the
//! index knows of each document. The collection is checked against the index once per index.

use std::sync::Arc;

use super::App;
use crate::engine::milvus::{Milvus, doc_numbers};
use crate::error::Result;
use crate::search::{Hit, SearchIndex, SearchRequest};

/// The engine the Search tab asks, and whether it holds an export of the loaded index.
pub struct EngineBackend {
    pub milvus: Arc<Milvus>,
    /// Set once `check_export_of` passed for the loaded index (cleared when a new one loads).
    pub checked: bool,
}

impl App {
    /// The engine's answer to `request`, as hits of `ix`.
    pub(super) fn engine_search(
        &mut self,
        ix: &SearchIndex,
        request: &SearchRequest,
    ) -> Option<Result<Vec<Hit>>> {
        let backend = self.engine.as_mut()?;
        Some((|| {
            if !backend.checked {
                backend.milvus.check_export_of(ix)?;
                backend.checked = true;
            }
            let found = backend.milvus.search(ix, request)?;
            let numbers = doc_numbers(ix);
            let mut hits = Vec::with_capacity(found.len());
            for h in found {
                let Some(&doc) = numbers.get(h.id.as_str()) else {
                    continue;
                };
                let info = &ix.documents()[doc as usize];
                let text = ix.text(doc)?;
                hits.push(Hit {
                    doc,
                    id: info.id.clone(),
                    title: info.title.clone(),
                    label: info.label.clone(),
                    score: h.score,
                    bm25: None,
                    bm25_rank: None,
                    cosine: None,
                    vector_rank: None,
                    snippet: text.chars().take(240).collect(),
                    matches: Vec::new(),
                    fusion: None,
                    passage: None,
                });
            }
            Ok(hits)
        })())
    }
}
