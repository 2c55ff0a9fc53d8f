//! Search: a tantivy BM25 index and a document-vector store kept in step by document number,
//! fused by reciprocal rank or by a convex combination of normalised scores; and its
//! evaluation; an approximate (HNSW) index for large collections. Only this module imports
//! tantivy.

mod analyzer;
pub mod evaluate;
pub mod folder_sync;
pub mod fusion;
pub mod hnsw;
pub mod index;
pub mod ingest;
pub mod judgments;
pub mod request;
mod schema;
pub mod vectors;

pub use fusion::{Fusion, FusionOverrides, FusionSetting, Normalization};
pub use index::{
    BestPassage, Contribution, Hit, IndexSettings, Lists, Mode, PassageHit, QueryInputs,
    SearchConfig, SearchIndex, TermScore,
};
pub use ingest::{DocumentList, DocumentSource};
pub use request::SearchRequest;
