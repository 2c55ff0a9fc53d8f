//! Text in: the one tokenizer and the corpus readers.

pub mod corpus;
pub mod language;
pub mod markup;
pub mod passages;
pub mod segment;
pub mod tokenize;

pub use corpus::{CorpusFormat, CorpusReader, CorpusSpec, Document, ReadStats, TextSource};
pub use language::LanguageProfile;
pub use segment::{Script, Segmenter, UserDictionary, script_of};
pub use tokenize::{Tokenizer, TokenizerConfig, saved_config};
