//! What turns a document into one vector: word vectors pooled by `docvec` (mean, TF-IDF, SIF
//! over wordlens's tokens), a static model pooling its own tokens, or a contextual encoder
//! (BERT family) running its transformer. Search, classification, `embed` and the TUI hold an
//! `Encoder` and need not know which.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::DocVectorizer;
use crate::embed::contextual::{self, ContextualModel};
use crate::embed::static_model::{Layout, StaticModel};
use crate::embed::{Embeddings, io};
use crate::error::{Error, Result};
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

/// Which kind of encoder a path holds or an artifact saved: decided here only. Index
/// metadata and classifier files store it (`"words"`, `"static"`, `"contextual"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EncoderKind {
    /// A word-vectors file, pooled by `docvec`.
    #[default]
    Words,
    /// A static model folder (model2vec, WordLlama, sentence-transformers StaticEmbedding).
    Static,
    /// A transformer encoder folder (sentence-transformers around a BERT).
    Contextual,
}

/// In an index folder: the word vectors (`embeddings.bin`), or a copy of the model's files.
const WORDS_FILE: &str = "embeddings.bin";
const STATIC_DIR: &str = "static";
const CONTEXTUAL_DIR: &str = "contextual";

impl EncoderKind {
    /// What `path` holds: a file is word vectors; a folder an encoder when its
    /// `modules.json` or `config.json` names a transformer, else a static model (opening it
    /// then says what is missing).
    pub fn of(path: &Path) -> Self {
        Self::of_folder(path).unwrap_or(if path.is_dir() {
            EncoderKind::Static
        } else {
            EncoderKind::Words
        })
    }

    /// The kind of model `dir` holds, or None for a file or a folder that is no model (one
    /// to browse in the file picker).
    pub fn of_folder(dir: &Path) -> Option<Self> {
        if !dir.is_dir() {
            return None;
        }
        if contextual::is_encoder_folder(dir) {
            return Some(EncoderKind::Contextual);
        }
        let named = dir.join("tokenizer.json").is_file() || dir.join("modules.json").is_file();
        (named && Layout::locate(dir).is_ok()).then_some(EncoderKind::Static)
    }

    /// Opens `path` as this kind (word-vector files with UTF-8 words).
    pub fn reopen(self, path: &Path) -> Result<Encoder> {
        Ok(match self {
            EncoderKind::Words => Encoder::Words(Arc::new(io::read(path)?.embeddings)),
            EncoderKind::Static => Encoder::Static(Arc::new(StaticModel::open(path)?)),
            EncoderKind::Contextual => Encoder::Contextual(Arc::new(ContextualModel::open(path)?)),
        })
    }

    /// Where an artifact folder `dir` keeps an encoder of this kind (see `Encoder::save`).
    pub fn saved_in(self, dir: &Path) -> PathBuf {
        dir.join(match self {
            EncoderKind::Words => WORDS_FILE,
            EncoderKind::Static => STATIC_DIR,
            EncoderKind::Contextual => CONTEXTUAL_DIR,
        })
    }

    /// Reopens what `Encoder::save` stored in `dir`.
    pub fn reopen_saved(self, dir: &Path) -> Result<Encoder> {
        self.reopen(&self.saved_in(dir))
    }
}

/// A model folder an artifact uses (a saved classifier's static model or encoder): where it
/// is, what kind, and a checksum of its files compared when it is opened again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderRef {
    /// The model's folder.
    pub path: String,
    /// A checksum of its files, compared on load.
    pub fingerprint: String,
    /// Which kind of model the folder holds (files written before contextual encoders: static).
    #[serde(default = "static_kind")]
    pub kind: EncoderKind,
}

fn static_kind() -> EncoderKind {
    EncoderKind::Static
}

impl EncoderRef {
    /// Opens the folder again and checks it is the model the artifact was made with; the
    /// error says which of the two failed.
    pub fn reopen(&self) -> std::result::Result<Encoder, RefError> {
        let encoder = self
            .kind
            .reopen(Path::new(&self.path))
            .map_err(RefError::Unreadable)?;
        let now = encoder.fingerprint().map_err(RefError::Unreadable)?;
        if now != self.fingerprint {
            return Err(RefError::Changed { now });
        }
        Ok(encoder)
    }
}

/// Why `EncoderRef::reopen` failed.
pub enum RefError {
    /// The folder cannot be opened.
    Unreadable(crate::error::Error),
    /// The folder's files changed since: their checksum now.
    Changed { now: String },
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
        match EncoderKind::of(path) {
            EncoderKind::Words => {
                let loaded = io::read_in(path, encoding)?;
                Ok((Encoder::Words(Arc::new(loaded.embeddings)), loaded.notes))
            }
            kind => Ok((kind.reopen(path)?, io::ReadNotes::default())),
        }
    }

    /// Which kind of encoder this is.
    pub fn kind(&self) -> EncoderKind {
        match self {
            Encoder::Words(_) => EncoderKind::Words,
            Encoder::Static(_) => EncoderKind::Static,
            Encoder::Contextual(_) => EncoderKind::Contextual,
        }
    }

    /// A checksum of a model folder's files (empty for word vectors, which an artifact stores
    /// itself).
    pub fn fingerprint(&self) -> Result<String> {
        match self {
            Encoder::Words(_) => Ok(String::new()),
            Encoder::Static(m) => m.fingerprint(),
            Encoder::Contextual(m) => m.fingerprint(),
        }
    }

    /// What an artifact records to open this model folder again (None for word vectors).
    pub fn reference(&self) -> Result<Option<EncoderRef>> {
        let path = match self {
            Encoder::Words(_) => return Ok(None),
            Encoder::Static(m) => m.path(),
            Encoder::Contextual(m) => m.path(),
        };
        Ok(Some(EncoderRef {
            path: std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string(),
            fingerprint: self.fingerprint()?,
            kind: self.kind(),
        }))
    }

    /// Stores what makes the vectors in the new artifact folder `dir` (where
    /// `EncoderKind::saved_in` says): the word vectors in the native format, or a copy of the
    /// model's files (an index must not depend on a folder the user may move or change).
    pub fn save(&self, dir: &Path) -> Result<EncoderKind> {
        let kind = self.kind();
        let to = kind.saved_in(dir);
        let files: Vec<(PathBuf, PathBuf)> = match self {
            Encoder::Words(e) => {
                io::write(&to, e, io::VectorFormat::Wordlens)?;
                return Ok(kind);
            }
            Encoder::Static(m) => {
                // The model's pooling depends on these three files only; the index normalises
                // every vector itself, so a sentence-transformers Normalize module needs no copy.
                let layout = &m.layout;
                let mut files = vec![
                    (layout.tokenizer.clone(), to.join("tokenizer.json")),
                    (layout.tensors.clone(), to.join("model.safetensors")),
                ];
                if let Some(config) = &layout.config {
                    files.push((config.clone(), to.join("config.json")));
                }
                files
            }
            // Every file the encoder's vectors depend on, in the same relative places.
            Encoder::Contextual(m) => m
                .layout
                .files
                .iter()
                .map(|rel| (m.layout.root.join(rel), to.join(rel)))
                .collect(),
        };
        for (from, dest) in files {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            // The artifact folder is a temporary one until renamed: a plain copy is safe.
            std::fs::copy(&from, &dest).map_err(|e| Error::io(&from, e))?;
        }
        Ok(kind)
    }

    /// The files this encoder's vectors depend on as `save` stored them in `dir`, in a fixed
    /// order (what an index's fingerprint hashes).
    pub fn saved_files(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let at = self.kind().saved_in(dir);
        Ok(match self {
            Encoder::Words(_) => vec![at],
            Encoder::Static(_) => {
                let mut files: Vec<PathBuf> = std::fs::read_dir(&at)
                    .map_err(|e| Error::io(&at, e))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                files
            }
            Encoder::Contextual(m) => m.layout.files.iter().map(|f| at.join(f)).collect(),
        })
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
