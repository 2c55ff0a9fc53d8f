//! Document features: sparse rows, and the TF-IDF bag-of-words baseline ("without
//! embeddings").

pub mod sparse;
pub mod tfidf;

pub use sparse::CsrMatrix;
pub use tfidf::{Tfidf, TfidfConfig};
