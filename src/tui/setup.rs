//! What the TUI works on: the settings, the collection, the vectors and the artifact folder
//! of that collection.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Result;
use crate::text::CorpusSpec;

use super::artifacts::Artifacts;

/// What the TUI was opened on (or switched to).
#[derive(Debug, Clone)]
pub struct Setup {
    pub config: Config,
    /// The collection: text, and optionally id, title and label columns.
    pub corpus: CorpusSpec,
    /// Pretrained vectors (a file or a static model folder); None trains word2vec on the data
    /// plus the background corpus.
    pub vectors: Option<PathBuf>,
    pub artifacts: Artifacts,
}

impl Setup {
    /// The setup for `corpus` with `vectors`, its artifacts under `data_dir` (a folder per
    /// data file and column choice, created if missing).
    pub fn open(
        config: &Config,
        corpus: CorpusSpec,
        vectors: Option<PathBuf>,
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
