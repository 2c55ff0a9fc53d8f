//! One entry point for every embedding model: word2vec and its fastText variants train in
//! `word2vec`, GloVe in `glove`; the settings and reports they share are in `train_config`.

use crate::embed::glove::{self, GloveConfig};
use crate::embed::word2vec;
use crate::error::Result;
use crate::progress::{Cancel, Progress};
use crate::text::{TextSource, Tokenizer};

pub use crate::embed::train_config::{
    JobOrder, LrDecay, Model, TrainConfig, TrainSettings, TrainStats, Trained, Update,
};

/// Trains the model `cfg.model` names on `sources`.
pub fn train(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    cfg: &TrainConfig,
    glove: &GloveConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Trained> {
    match cfg.model {
        Model::Glove => glove::train(sources, tokenizer, cfg, glove, progress, cancel),
        _ => word2vec::train(sources, tokenizer, cfg, progress, cancel),
    }
}
