//! wordlens: word embeddings, document vectors, classification and hybrid search for text
//! data — one library that the CLI and the TUI both drive.

pub mod classify;
pub mod config;
pub mod dataset;
pub mod docvec;
pub mod embed;
pub mod engine;
pub mod error;
pub mod eval;
pub mod features;
pub mod floats;
pub mod fsutil;
pub mod hub;
pub mod kernels;
pub mod progress;
pub mod rng;
pub mod search;
pub mod text;
pub mod tui;

pub use config::Config;
pub use embed::Embeddings;
pub use error::{Error, Result};
pub use progress::Cancel;
