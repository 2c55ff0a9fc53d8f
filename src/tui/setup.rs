//! What the TUI works on: the settings, the collection, the vectors and the artifact folder
//! of that collection.

use std::path::Path;

use crate::config::Config;
use crate::docvec::source::VectorSource;
use crate::error::Result;
use crate::text::CorpusSpec;

use super::artifacts::Artifacts;

/// What the TUI was opened on (or switched to).
#[derive(Debug, Clone)]
pub struct Setup {
    pub config: Config,
    /// The collection: text, and optionally id, title and label columns.
    pub corpus: CorpusSpec,
    /// The vectors: the bundled model, trained word2vec, a file, a model folder or a hub name.
    pub vectors: VectorSource,
    pub artifacts: Artifacts,
}

impl Setup {
    /// The setup for `corpus` with `vectors`, its artifacts under `data_dir` (a folder per
    /// data file and column choice, created if missing).
    pub fn open(
        config: &Config,
        corpus: CorpusSpec,
        vectors: VectorSource,
        data_dir: &Path,
    ) -> Result<Self> {
        let columns = format!(
            "{:?} {:?} {:?} {:?}",
            corpus.text_cols, corpus.label_col, corpus.title_col, corpus.id_col
        );
        let artifacts = Artifacts::for_data(data_dir, &corpus.path, &columns)?;
        Ok(Self {
            config: config.clone(),
            corpus,
            vectors,
            artifacts,
        })
    }

    /// The collection's file name, for the tab bar.
    pub fn data_name(&self) -> String {
        self.corpus
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
