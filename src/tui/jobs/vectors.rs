//! The vectors job: where the TUI's vectors come from (the resolver), their cache key, and
//! loading, opening or training them.

use std::sync::Arc;

use super::{Collection, JobKind, JobOutput, Jobs};
use crate::docvec::encoder::Encoder;
use crate::docvec::source::{Located, VectorSource};
use crate::embed::Embeddings;
use crate::embed::io;
use crate::embed::trainer::{self, TrainConfig};
use crate::error::{Error, Result};
use crate::progress::{Progress, Report};
use crate::text::{TextSource, Tokenizer};
use crate::tui::artifact_keys::trained_vectors_key;
use crate::tui::artifacts::key;

impl Jobs {
    /// Where the vectors are: a file or model folder, or `Train` (word2vec on the collection).
    pub(super) fn located(&self) -> Result<Located> {
        self.setup.config.resolver()?.locate(&self.setup.vectors)
    }

    /// The key of the vectors (and so of everything built from them): the file's or folder's
    /// path, size and time, or the settings word2vec is trained with.
    pub(super) fn embeddings_key(&self) -> Result<String> {
        let config = &self.setup.config;
        Ok(match self.located()? {
            Located::At(p) => {
                let meta = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
                key(&[
                    &p.display().to_string(),
                    &meta.len().to_string(),
                    &format!("{:?}", meta.modified().ok()),
                ])
            }
            Located::Train => trained_vectors_key(config, &config.word2vec),
        })
    }

    /// Loads or trains the vectors and starts their dependents (the index too, unless it is
    /// already open).
    pub(super) fn embeddings(&self, data: &Arc<Collection>, index_open: bool) -> Result<JobOutput> {
        let setup = &self.setup;
        let k = self.embeddings_key()?;
        let (embeddings, source) = match &self.located()? {
            Located::At(p) if p.is_dir() => {
                // A static model: its whole-word tokens for the Embeddings tab, the model
                // itself for document vectors.
                self.progress(JobKind::Vectors).report(&Report {
                    stage: "opening the model",
                    done: 0,
                    total: 0,
                    metrics: &[],
                });
                let encoder = Encoder::open(p)?;
                let words = match &encoder {
                    // Running the encoder over its vocabulary takes seconds: show it.
                    Encoder::Contextual(m) => {
                        m.word_table(&self.progress(JobKind::Vectors), &self.cancel)?
                    }
                    _ => encoder.words()?,
                };
                self.start_dependents(
                    JobKind::Vectors,
                    data.clone(),
                    encoder.clone(),
                    k.clone(),
                    index_open,
                );
                return Ok(JobOutput::Vectors {
                    embeddings: words,
                    key: k,
                    source: format!(
                        "{}{} (token vocabulary: whole-word tokens)",
                        match &setup.vectors {
                            VectorSource::Default => "bundled ",
                            _ => "",
                        },
                        encoder.describe()
                    ),
                });
            }
            Located::At(p) => {
                self.progress(JobKind::Vectors).report(&Report {
                    stage: "reading the vectors",
                    done: 0,
                    total: 0,
                    metrics: &[],
                });
                let e = io::read(p)?.embeddings;
                // Reading is one call; a cancel during it drops what it read.
                self.cancel.check()?;
                (e, p.display().to_string())
            }
            Located::Train => {
                let path = setup.artifacts.path("vectors", &k).with_extension("bin");
                if path.exists() {
                    let e = io::read(&path)?.embeddings;
                    (e, "word2vec on the data + Wikipedia sample (cached)".into())
                } else {
                    let texts: Vec<String> = data.docs.iter().map(|d| d.text.clone()).collect();
                    let e = self.train_vectors(&texts, &setup.config.word2vec, JobKind::Vectors)?;
                    io::write(&path, &e, io::VectorFormat::Wordlens)?;
                    (e, "word2vec trained on the data + Wikipedia sample".into())
                }
            }
        };
        let embeddings = Arc::new(embeddings);
        let encoder = Encoder::Words(embeddings.clone());
        self.start_dependents(
            JobKind::Vectors,
            data.clone(),
            encoder,
            k.clone(),
            index_open,
        );
        Ok(JobOutput::Vectors {
            embeddings,
            key: k,
            source,
        })
    }

    pub(super) fn train_vectors(
        &self,
        texts: &[String],
        w2v: &TrainConfig,
        job: JobKind,
    ) -> Result<Embeddings> {
        let config = &self.setup.config;
        let mut sources = vec![TextSource::Texts(texts)];
        sources.extend(config.background_corpus().into_iter().map(TextSource::File));
        let t = trainer::train(
            &sources,
            &Tokenizer::new(&config.tokenizer),
            w2v,
            &config.glove,
            &self.progress(job),
            &self.cancel,
        )?;
        Ok(t.embeddings)
    }
}
