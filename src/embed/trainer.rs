//! One entry point for every embedding model: word2vec and its fastText variants train in
//! `word2vec`, GloVe in `glove`.

use crate::embed::glove::{self, GloveConfig};
use crate::embed::word2vec::{self, Model, Trained, Word2VecConfig};
use crate::error::Result;
use crate::progress::{Cancel, Progress};
use crate::text::{TextSource, Tokenizer};

/// Trains the model `w2v.model` names on `sources`.
pub fn train(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    w2v: &Word2VecConfig,
    glove: &GloveConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Trained> {
    match w2v.model {
        Model::Glove => glove::train(sources, tokenizer, w2v, glove, progress, cancel),
        _ => word2vec::train(sources, tokenizer, w2v, progress, cancel),
    }
}
