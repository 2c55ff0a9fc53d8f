//! Text in: the one tokenizer and the corpus readers.

pub mod corpus;
pub mod tokenize;

pub use corpus::{CorpusFormat, CorpusReader, CorpusSpec, Document, ReadStats, TextSource};
pub use tokenize::{Tokenizer, TokenizerConfig};
