//! The arguments that pick a collection (`report`, `tui`): a CSV and its columns, or the
//! bundled BBC news when no `--data` is given.

use std::path::PathBuf;

use clap::Args;
use wordlens::Config;

#[derive(Debug, Args, Default)]
pub struct CollectionArgs {
    /// CSV/TSV with a header, or one document per line (default: the bundled BBC news).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Text column(s), joined with a space.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    /// Label column (classification).
    #[arg(long, value_name = "NAME")]
    pub label_col: Option<String>,
    /// Title column (search results; known-item evaluation).
    #[arg(long, value_name = "NAME")]
    pub title_col: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Vectors: `default` (the bundled model), `trained`, a file or model folder, or a hub name
    /// org/name[@rev]. `report` takes several, comma-separated, and compares them side by side.
    #[arg(long, value_name = "VECTORS")]
    pub vectors: Option<String>,
}

impl CollectionArgs {
    pub fn bundled(&self) -> bool {
        self.data.is_none()
    }

    pub fn path(&self, config: &Config) -> PathBuf {
        self.data
            .clone()
            .unwrap_or_else(|| config.data_file("bbc-news.csv"))
    }

    /// The column given on the command line, or the bundled BBC's `default` without `--data`.
    pub fn column(&self, given: &Option<String>, default: &str) -> Option<String> {
        given
            .clone()
            .or_else(|| self.bundled().then(|| default.to_string()))
    }
}
