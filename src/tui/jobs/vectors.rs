//! The vectors job: where the TUI's vectors come from (the resolver), their cache key, and
//! opening or training them through the resolver, with a cache of trained vectors.

use std::sync::Arc;

use super::{Collection, JobKind, JobOutput, Jobs};
use crate::docvec::encoder::Encoder;
use crate::docvec::source::{Located, VectorSource};
use crate::embed::Embeddings;
use crate::embed::io;
use crate::embed::trainer::TrainConfig;
use crate::error::{Error, Result};
use crate::progress::{Progress, Report};
use crate::text::TextSource;
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

    /// Opens or trains the vectors through the resolver (the TUI keeps only its cache of
    /// trained vectors around it) and starts their dependents (the index too, unless it is
    /// already open).
    pub(super) fn embeddings(&self, data: &Arc<Collection>, index_open: bool) -> Result<JobOutput> {
        let k = self.embeddings_key()?;
        let (encoder, source) = match self.located()? {
            Located::At(_) => {
                self.progress(JobKind::Vectors).report(&Report {
                    stage: "opening the vectors",
                    done: 0,
                    total: 0,
                    metrics: &[],
                });
                self.open_chosen(data)?
            }
            Located::Train => {
                let config = &self.setup.config;
                let e = self.trained(data, &config.word2vec, &k, JobKind::Vectors)?;
                (Encoder::Words(e), config.training().describe())
            }
        };
        // Opening is one call; a cancel during it drops what it opened.
        self.cancel.check()?;
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
            encoder,
            k.clone(),
            index_open,
        );
        Ok(JobOutput::Vectors {
            embeddings: words,
            key: k,
            source,
        })
    }

    /// The chosen file or folder, opened by the resolver (words in `[vectors] encoding`),
    /// and the line that says what it is, with the read warning when there is one.
    /// The configured default, when it does not suit the collection's language, is replaced
    /// by the cached multilingual model, and the status line says so (`Resolver::for_collection`).
    fn open_chosen(&self, data: &Collection) -> Result<(Encoder, String)> {
        let config = &self.setup.config;
        let resolver = config.resolver()?;
        let sample: Vec<&str> = data
            .docs
            .iter()
            .take(crate::docvec::fit::SAMPLE_DOCS)
            .map(|d| d.text.as_str())
            .collect();
        let by_config = self.setup.vectors == config.default_vectors();
        let tokenizer = crate::text::Tokenizer::new(&config.tokenizer)?;
        let choice =
            resolver.for_collection(&self.setup.vectors, by_config, &sample, &tokenizer)?;
        let vectors = &choice.source;
        let resolved =
            resolver.open(vectors, &[], &self.progress(JobKind::Vectors), &self.cancel)?;
        let mut source = match (&resolved.encoder, vectors) {
            (Encoder::Words(_), _) => vectors.to_string(),
            (e, VectorSource::Default) => format!("bundled {}", e.describe()),
            (e, _) => e.describe(),
        };
        if resolved.encoder.reads_text() {
            source.push_str(" (token vocabulary: whole-word tokens)");
        }
        if let Some(warning) = resolved.notes.warning(&vectors.to_string()) {
            source = format!("{source} — {warning}");
        }
        if let (Some(fit), Some(note)) = (&choice.fit, &choice.note) {
            source = format!("{source} — {} — {note}", fit.line());
        }
        Ok((resolved.encoder, source))
    }

    /// Vectors trained on the collection (plus the background corpus) with `w2v`, through the
    /// resolver; read from the TUI's cache when the same settings trained them before, unless
    /// `job` is the Train tab's (which trains anew when asked).
    pub(super) fn trained(
        &self,
        data: &Collection,
        w2v: &TrainConfig,
        key: &str,
        job: JobKind,
    ) -> Result<Arc<Embeddings>> {
        let path = self
            .setup
            .artifacts
            .path("vectors", key)
            .with_extension("bin");
        if job != JobKind::Training && path.exists() {
            return Ok(Arc::new(io::read(&path)?.embeddings));
        }
        let mut resolver = self.setup.config.resolver()?;
        resolver.training = resolver.training.with_config(w2v.clone());
        let texts: Vec<String> = data.docs.iter().map(|d| d.text.clone()).collect();
        let resolved = resolver.open(
            &VectorSource::Trained,
            &[TextSource::Texts(&texts)],
            &self.progress(job),
            &self.cancel,
        )?;
        let words = resolved.encoder.words()?;
        io::write(&path, &words, io::VectorFormat::Wordlens)?;
        Ok(words)
    }
}
