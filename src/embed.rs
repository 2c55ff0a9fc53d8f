//! Word embeddings: vocabulary, word2vec training, vector files, and what to ask of vectors.

pub mod eval;
mod hogwild;
pub mod io;
pub mod kernels;
pub mod projection;
pub mod rng;
pub mod subword;
pub mod token_stream;
pub mod vectors;
pub mod vocab;
pub mod word2vec;

pub use vectors::{AnalogyMethod, Embeddings};
