//! One search as a value: what the CLI, the TUI, evaluation and the engine ask, so a new
//! filter or setting is one field here rather than one more argument everywhere.

use super::fusion::FusionOverrides;
use super::index::Mode;

/// One search: the query text, how to rank, how many hits, and what to leave out.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query as typed (BM25 parses it; the encoder embeds it).
    pub text: String,
    /// BM25, vectors, or both fused.
    pub mode: Mode,
    /// Hits wanted.
    pub k: usize,
    /// Only documents with this label.
    pub label: Option<String>,
    /// Leave this document out (document-as-query evaluation: the query itself).
    pub exclude: Option<u32>,
    /// Fusion values given for this search (flags), over the index's tuned or configured one.
    pub overrides: FusionOverrides,
}

impl SearchRequest {
    /// `text` in `mode`, `k` hits, no filter, the index's own fusion.
    pub fn new(text: impl Into<String>, mode: Mode, k: usize) -> Self {
        Self {
            text: text.into(),
            mode,
            k,
            label: None,
            exclude: None,
            overrides: FusionOverrides::default(),
        }
    }

    /// Only documents labelled `label` (None: all).
    pub fn with_label(mut self, label: Option<&str>) -> Self {
        self.label = label.map(str::to_string);
        self
    }

    /// With these fusion overrides.
    pub fn with_overrides(mut self, overrides: FusionOverrides) -> Self {
        self.overrides = overrides;
        self
    }
}
