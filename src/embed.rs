//! Word embeddings: vocabulary, word2vec training, vector files, and what to ask of vectors.

pub mod contextual;
pub mod cooccur;
pub mod eval;
pub mod glove;
mod hogwild;
pub mod io;
mod model_folder;
mod modules_json;
pub mod projection;
pub mod static_model;
pub mod subword;
pub mod token_stream;
pub mod train_config;
pub mod trainer;
pub mod vectors;
pub mod vocab;
pub mod word2vec;

pub use vectors::{AnalogyMethod, Embeddings};
