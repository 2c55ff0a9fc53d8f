//! What turns a document into one vector: word vectors pooled by `docvec` (mean, TF-IDF, SIF
//! over wordlens's tokens), a static model pooling its own tokens, or a contextual encoder
//! (BERT family) running its transformer. Search, classification, `embed` and the TUI hold an
//! `Encoder` and need not know which.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::DocVectorizer;
use crate::embed::contextual::{self, ContextualModel};
use crate::embed::static_model::StaticModel;
use crate::embed::{Embeddings, io};
use crate::error::Result;
use crate::progress::{Cancel, Progress};
use crate::text::Tokenizer;

/// What turns a document into a vector: pooled word vectors, a static model, or a contextual
/// encoder.
#[derive(Clone)]
pub enum Encoder {
    Words(Arc<Embeddings>),
    Static(Arc<StaticModel>),
    Contextual(Arc<ContextualModel>),
}

impl Encoder {
    /// Opens `path`: an encoder folder (sentence-transformers around a BERT), a static model
    /// folder, or any word-vector file `embed::io` reads.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self::open_with_notes(path, io::WordEncoding::Utf8)?.0)
    }

    /// Opens `path` as `open` does, the words of a vectors file in `encoding`, returning what
    /// reading it noticed (escaped bytes, ...) so the caller can warn without reading again.
    pub fn open_with_notes(
        path: &Path,
        encoding: io::WordEncoding,
    ) -> Result<(Self, io::ReadNotes)> {
        if path.is_dir() && contextual::is_encoder_folder(path) {
            let model = ContextualModel::open(path)?;
            return Ok((
                Encoder::Contextual(Arc::new(model)),
                io::ReadNotes::default(),
            ));
        }
        if path.is_dir() {
            let model = StaticModel::open(path)?;
            return Ok((Encoder::Static(Arc::new(model)), io::ReadNotes::default()));
        }
        let loaded = io::read_in(path, encoding)?;
        Ok((Encoder::Words(Arc::new(loaded.embeddings)), loaded.notes))
    }

    /// Dimension of the document vectors.
    pub fn dim(&self) -> usize {
        match self {
            Encoder::Words(e) => e.dim(),
            Encoder::Static(m) => m.dim(),
            Encoder::Contextual(m) => m.dim(),
        }
    }

    /// Whether this is a static model.
    pub fn is_static(&self) -> bool {
        matches!(self, Encoder::Static(_))
    }

    /// Whether the encoder reads texts itself (a static model or a contextual encoder) rather
    /// than wordlens's tokens pooled by `docvec`.
    pub fn reads_text(&self) -> bool {
        !matches!(self, Encoder::Words(_))
    }

    /// The word table for word-level questions (neighbours, analogies): the vectors themselves,
    /// or a static model's whole-word tokens.
    pub fn words(&self) -> Result<Arc<Embeddings>> {
        match self {
            Encoder::Words(e) => Ok(e.clone()),
            Encoder::Static(m) => m.word_table(),
            Encoder::Contextual(m) => {
                m.word_table(&crate::progress::Silent, &crate::progress::Cancel::new())
            }
        }
    }

    /// Document vectors of `texts`, in order and in parallel: `docvec` pools word vectors over
    /// `tokenizer`'s tokens; a static model pools its own tokens (and ignores both).
    pub fn vectors(
        &self,
        texts: &[&str],
        docvec: &DocVectorizer,
        tokenizer: &Tokenizer,
    ) -> Vec<Vec<f32>> {
        match self {
            Encoder::Words(e) => texts
                .par_chunks(64)
                .flat_map_iter(|chunk| {
                    let tokens: Vec<Vec<String>> =
                        chunk.iter().map(|t| tokenizer.tokenize(t)).collect();
                    docvec.transform(&tokens, e).0
                })
                .collect(),
            Encoder::Static(m) => m.embed_batch(texts),
            Encoder::Contextual(m) => m.embed_batch(texts),
        }
    }

    /// Runs the slow pass over `texts` once, with progress and cancel, before work that
    /// vectorises them again and again (folds, methods, tuning): a contextual encoder encodes
    /// them into its memo; word vectors and static models are fast enough as they are.
    pub fn prime(&self, texts: &[&str], progress: &dyn Progress, cancel: &Cancel) -> Result<()> {
        match self {
            Encoder::Contextual(m) => m.prime(texts, progress, cancel),
            Encoder::Words(_) | Encoder::Static(_) => Ok(()),
        }
    }

    /// One line saying what is in use.
    pub fn describe(&self) -> String {
        match self {
            Encoder::Words(e) => format!("word vectors: {} words × {}", e.len(), e.dim()),
            Encoder::Static(m) => format!("static model {}", m.describe()),
            Encoder::Contextual(m) => format!("contextual encoder {}", m.describe()),
        }
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl From<Arc<Embeddings>> for Encoder {
    fn from(e: Arc<Embeddings>) -> Self {
        Encoder::Words(e)
    }
}
