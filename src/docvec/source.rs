//! The one place that turns "a vectors argument" into vectors: every command and the TUI
//! resolve `--vectors` (or `[vectors] default`) here.
//!
//! - a path: any vectors file or model folder wordlens reads;
//! - `default`: the bundled static model (`[vectors] bundled` in the data folder);
//! - `trained`: word2vec (or whatever `[word2vec] model` says) trained on the collection plus
//!   the background corpus, with progress and cancel;
//! - `org/name` or `org/name@revision`: a model in the local Hugging Face cache.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::encoder::Encoder;
use super::fit::{self, Fit};
use crate::embed::glove::GloveConfig;
use crate::embed::io::{ReadNotes, WordEncoding};
use crate::embed::trainer::{self, TrainConfig, Trained};
use crate::error::{Error, Result};
use crate::hub::{self, ModelName};
use crate::progress::{Cancel, Progress};
use crate::text::{CorpusSpec, TextSource, Tokenizer, TokenizerConfig};

/// The `[vectors]` settings: what commands use without `--vectors`, the bundled model, and
/// where models named by hub name are found and downloaded from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VectorsConfig {
    /// The vectors of every command and the TUI when not told: `default`, `trained`, a path
    /// or a hub name.
    pub default: String,
    /// The bundled model's folder, relative to the data folder.
    pub bundled: PathBuf,
    /// The Hugging Face cache; empty: `HF_HUB_CACHE`, `HF_HOME/hub`, `~/.cache/huggingface/hub`.
    pub hub_cache: PathBuf,
    /// Where `models pull` downloads from (`HF_ENDPOINT` in the environment wins).
    pub hub_endpoint: String,
    /// Seconds `models pull` waits for a connection or the next bytes before giving up.
    pub timeout_s: u64,
    /// The encoding of the words in vectors files that are not UTF-8: a WHATWG label
    /// (`latin1`, `windows-1250`, ...) or a DOS code page (`cp852`, ...).
    pub encoding: String,
}

impl Default for VectorsConfig {
    fn default() -> Self {
        Self {
            default: "default".into(),
            bundled: PathBuf::from("wordllama-l2-supercat"),
            hub_cache: PathBuf::new(),
            hub_endpoint: "https://huggingface.co".into(),
            timeout_s: 30,
            encoding: "utf-8".into(),
        }
    }
}

impl VectorsConfig {
    /// Checks the values, naming the key.
    /// `encoding` parsed; an unknown label is an error naming the key.
    pub fn word_encoding(&self) -> Result<WordEncoding> {
        WordEncoding::parse(&self.encoding)
            .map_err(|e| Error::config("vectors.encoding", e.to_string()))
    }

    pub fn validate(&self) -> Result<()> {
        if self.default.trim().is_empty() {
            return Err(Error::config(
                "vectors.default",
                "must name vectors: \"default\", \"trained\", a path or org/name",
            ));
        }
        self.word_encoding()?;
        if self.timeout_s == 0 {
            return Err(Error::config("vectors.timeout_s", "must be at least 1"));
        }
        if !(self.hub_endpoint.starts_with("http://") || self.hub_endpoint.starts_with("https://"))
        {
            return Err(Error::config(
                "vectors.hub_endpoint",
                "must start with http:// or https://",
            ));
        }
        Ok(())
    }
}

/// What a vectors argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VectorSource {
    /// The bundled static model.
    Default,
    /// Vectors trained on the collection (plus the background corpus).
    Trained,
    /// A vectors file or a model folder.
    Path(PathBuf),
    /// A model in the local Hugging Face cache.
    Hub(ModelName),
}

impl VectorSource {
    /// Reads an argument: `default`, `trained`, an existing path, a hub name, else a path
    /// (which then fails to open with an error naming it).
    pub fn parse(arg: &str) -> Self {
        match arg {
            "default" => return VectorSource::Default,
            "trained" => return VectorSource::Trained,
            _ => {}
        }
        let path = Path::new(arg);
        if path.exists() {
            return VectorSource::Path(path.to_path_buf());
        }
        match ModelName::parse(arg) {
            Some(name) => VectorSource::Hub(name),
            None => VectorSource::Path(path.to_path_buf()),
        }
    }

    /// A comma-separated list (`default,trained,PATH`); empty parts are ignored.
    pub fn parse_list(arg: &str) -> Vec<Self> {
        arg.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Self::parse)
            .collect()
    }

    /// The short name tables and reports use: `default`, `trained`, the file name, `org/name`.
    pub fn short_name(&self) -> String {
        match self {
            VectorSource::Default => "default".into(),
            VectorSource::Trained => "trained".into(),
            VectorSource::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            VectorSource::Hub(n) => n.to_string(),
        }
    }
}

impl std::fmt::Display for VectorSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VectorSource::Path(p) => write!(f, "{}", p.display()),
            other => f.write_str(&other.short_name()),
        }
    }
}

/// Where a source's vectors are, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A file or model folder to open.
    At(PathBuf),
    /// To be trained on the collection.
    Train,
}

/// How vectors are trained for `trained`: the settings and the background corpus. The one
/// place that trains "the texts plus the background corpus", for the resolver, a
/// comparison's training splits and the TUI's Train tab alike.
#[derive(Debug, Clone)]
pub struct Training {
    /// `[word2vec]` (model, dimension, ...).
    pub config: TrainConfig,
    /// `[glove]`, when the model is GloVe.
    pub glove: GloveConfig,
    /// Corpora added to the collection's text (`data.background_corpus`).
    pub extra: Vec<CorpusSpec>,
    /// How text becomes tokens.
    pub tokenizer: TokenizerConfig,
}

impl Training {
    /// The same training with other `[word2vec]` settings (the TUI's Train tab).
    pub fn with_config(&self, config: TrainConfig) -> Self {
        Self {
            config,
            ..self.clone()
        }
    }

    /// Trains on `texts` plus the background corpus, reporting to `progress` and stopping at
    /// `cancel`.
    pub fn train(
        &self,
        texts: &[TextSource<'_>],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Trained> {
        let mut sources = texts.to_vec();
        sources.extend(self.extra.iter().cloned().map(TextSource::File));
        trainer::train(
            &sources,
            &Tokenizer::new(&self.tokenizer)?,
            &self.config,
            &self.glove,
            progress,
            cancel,
        )
    }

    /// One line naming what is trained: `word2vec trained on the collection + background corpus`.
    pub fn describe(&self) -> String {
        format!(
            "{:?} trained on the collection + background corpus",
            self.config.model
        )
        .to_lowercase()
    }
}

/// Vectors ready to use, what they are, and what reading them noticed.
pub struct Resolved {
    /// The vectors.
    pub encoder: Encoder,
    /// Warnings gathered while reading a vectors file (none for models and training).
    pub notes: ReadNotes,
    /// One line naming where they came from.
    pub source: String,
}

/// Vectors as a comparison takes them: opened now, or trained later on each training split
/// (never on test rows).
#[derive(Debug, Clone)]
pub enum Vectors {
    /// A vectors file, a static model or an encoder, used as is.
    Loaded(Encoder),
    /// Trained on each training split's texts plus the background corpus.
    Train(Box<Training>),
}

/// What `Resolver::open_or_defer` gives: vectors opened, or the training to run later.
pub enum Opened {
    /// A file or folder, opened.
    Ready(Resolved),
    /// `trained`: nothing read yet.
    Train(Box<Training>),
}

impl Opened {
    /// The vectors a comparison takes (read notes are the caller's to show first).
    pub fn into_vectors(self) -> Vectors {
        match self {
            Opened::Ready(r) => Vectors::Loaded(r.encoder),
            Opened::Train(t) => Vectors::Train(t),
        }
    }

    /// What reading noticed (nothing for training).
    pub fn notes(&self) -> Option<&ReadNotes> {
        match self {
            Opened::Ready(r) => Some(&r.notes),
            Opened::Train(_) => None,
        }
    }
}

/// The vectors chosen for a collection (`Resolver::for_collection`).
#[derive(Debug, Clone)]
pub struct Choice {
    /// The source to open.
    pub source: VectorSource,
    /// How the first source suits the collection (None for `trained`).
    pub fit: Option<Fit>,
    /// What was chosen and why, when the first source did not suit.
    pub note: Option<String>,
}

impl Choice {
    fn keep(source: &VectorSource) -> Self {
        Self {
            source: source.clone(),
            fit: None,
            note: None,
        }
    }
}

/// Turns vector sources into vectors.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// The bundled model's folder.
    pub bundled: PathBuf,
    /// The Hugging Face cache folder.
    pub hub_cache: PathBuf,
    /// How `trained` trains.
    pub training: Training,
    /// The encoding of the words in vectors files (`[vectors] encoding`, `--encoding`).
    pub encoding: WordEncoding,
}

impl Resolver {
    /// Where `source`'s vectors are: a path (the bundled folder, a cached snapshot, the path
    /// given) or `Train`. A missing bundled model or hub model is an error that says where it
    /// looked.
    pub fn locate(&self, source: &VectorSource) -> Result<Located> {
        match source {
            VectorSource::Trained => Ok(Located::Train),
            VectorSource::Path(p) => Ok(Located::At(p.clone())),
            VectorSource::Default => {
                if self.bundled.is_dir() {
                    Ok(Located::At(self.bundled.clone()))
                } else {
                    Err(Error::Usage(format!(
                        "the bundled model is missing (looked for the folder {}; [vectors] bundled \
                         in config.toml names it); give --vectors PATH, a hub name, or trained",
                        self.bundled.display()
                    )))
                }
            }
            VectorSource::Hub(name) => Ok(Located::At(hub::cache::find(&self.hub_cache, name)?)),
        }
    }

    /// Opens `source` when it names a file or folder (words read in `[vectors] encoding`);
    /// `trained` gives the training to run, so a comparison can train on each split.
    pub fn open_or_defer(&self, source: &VectorSource) -> Result<Opened> {
        let path = match self.locate(source)? {
            Located::At(path) => path,
            Located::Train => return Ok(Opened::Train(Box::new(self.training.clone()))),
        };
        let (encoder, notes) = Encoder::open_with_notes(&path, self.encoding)?;
        let source = match source {
            VectorSource::Default => format!("bundled model: {}", encoder.describe()),
            VectorSource::Hub(n) => format!("{n}: {}", encoder.describe()),
            _ => format!("{}: {}", path.display(), encoder.describe()),
        };
        Ok(Opened::Ready(Resolved {
            encoder,
            notes,
            source,
        }))
    }

    /// The source to use for a collection whose first documents are `sample`, with what was
    /// found. The bundled model, when it does not suit the collection (`Fit::poor`), is
    /// replaced by the multilingual model if the local cache has it, but only when config
    /// chose it (`by_config`), never against an explicit `--vectors`. Either way `note`
    /// says what was chosen and why; vectors that suit get no note.
    pub fn for_collection(
        &self,
        source: &VectorSource,
        by_config: bool,
        sample: &[&str],
        tokenizer: &Tokenizer,
    ) -> Result<Choice> {
        let (path, languages): (PathBuf, &[&str]) = match self.locate(source)? {
            Located::Train => return Ok(Choice::keep(source)),
            Located::At(path) if *source == VectorSource::Default => (path, &["english"]),
            Located::At(path) => (path, &[]),
        };
        let encoder = Encoder::open_with_notes(&path, self.encoding)?.0;
        let fit = Fit::assess(&encoder, sample, tokenizer, languages);
        // A word-vectors file the user chose misses words by design (its vocabulary): compare
        // reports that coverage itself; the warning is for models that fall back to bytes.
        let words_file = matches!(encoder, Encoder::Words(_));
        let Some(why) = fit.poor().filter(|_| !words_file) else {
            return Ok(Choice {
                fit: Some(fit),
                ..Choice::keep(source)
            });
        };
        let multilingual = fit::cached_multilingual(&self.hub_cache);
        let (chosen, note) = match multilingual {
            Some(name) if by_config && *source == VectorSource::Default => {
                let note = format!(
                    "the bundled English model does not suit this collection ({why}); using {name} \
                     from the local Hugging Face cache"
                );
                (VectorSource::Hub(name), note)
            }
            _ => {
                let what = match source {
                    VectorSource::Default => "the bundled English model".to_string(),
                    other => other.to_string(),
                };
                let note = format!(
                    "warning: {what} does not suit this collection ({why}): its vectors will be \
                     weak, and hybrid search leans on BM25. For multilingual vectors: `wordlens \
                     models pull {}`, then --vectors {}",
                    fit::MULTILINGUAL_MODEL,
                    fit::MULTILINGUAL_MODEL
                );
                (source.clone(), note)
            }
        };
        Ok(Choice {
            source: chosen,
            fit: Some(fit),
            note: Some(note),
        })
    }

    /// The vectors of `source`; `trained` trains on `collection` plus the background corpus
    /// (reporting to `progress`, stopping at `cancel`).
    pub fn open(
        &self,
        source: &VectorSource,
        collection: &[TextSource<'_>],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Resolved> {
        match self.open_or_defer(source)? {
            Opened::Ready(resolved) => Ok(resolved),
            Opened::Train(training) => {
                let trained = training.train(collection, progress, cancel)?;
                Ok(Resolved {
                    encoder: Encoder::Words(Arc::new(trained.embeddings)),
                    notes: ReadNotes::default(),
                    source: training.describe(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_to_their_kind() {
        assert_eq!(VectorSource::parse("default"), VectorSource::Default);
        assert_eq!(VectorSource::parse("trained"), VectorSource::Trained);
        assert_eq!(
            VectorSource::parse("minishlab/potion-base-8M@v1"),
            VectorSource::Hub(ModelName::parse("minishlab/potion-base-8M@v1").unwrap())
        );
        // An existing path wins over a name of the same shape.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("org").join("name");
        std::fs::create_dir_all(&p).unwrap();
        assert_eq!(
            VectorSource::parse(p.to_str().unwrap()),
            VectorSource::Path(p.clone())
        );
        assert_eq!(
            VectorSource::parse("missing.bin"),
            VectorSource::Path("missing.bin".into())
        );
        assert_eq!(VectorSource::parse_list("default, trained,,x.vec").len(), 3);
    }
}
