//! How commands name their input: `TextArgs` (the text columns and UTF-8 handling every
//! command that reads a corpus file shares, and the one place a `CorpusSpec` is made from
//! flags and config) and `CollectionArgs` (`report`, `tui`: a CSV and its columns, or the
//! bundled BBC news when no `--data` is given).

use std::path::{Path, PathBuf};

use clap::Args;
use wordlens::Config;
use wordlens::text::CorpusSpec;

/// The text column(s) of a CSV/TSV and what to do with invalid UTF-8.
#[derive(Debug, Args, Clone, Default)]
pub struct TextArgs {
    /// CSV/TSV text column(s), joined with a space (default from config: `data.text_cols`).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub text_col: Option<Vec<String>>,
    /// Replace invalid UTF-8 (counted and reported) instead of failing (or `data.lossy_utf8`).
    #[arg(long)]
    pub lossy_utf8: bool,
    /// A folder's files to include (`*.md`) or exclude (`!drafts/**`), as ripgrep's globs;
    /// an include glob also reads files of other extensions as plain text.
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// A folder's labels (classification): `folder`, the name of the folder holding each file.
    #[arg(long, value_enum, value_name = "FROM")]
    pub label_from: Option<LabelFrom>,
    /// A folder's unreadable, binary, too large or invalid UTF-8 file stops the read (default:
    /// skipped and counted).
    #[arg(long)]
    pub strict: bool,
}

/// Where a folder's labels come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LabelFrom {
    /// The name of the folder holding the file (scikit-learn's `load_files`).
    Folder,
}

impl TextArgs {
    /// The corpus file `path` read with these flags over config's defaults; callers add the
    /// label, id and title columns they take.
    pub fn spec(&self, config: &Config, path: &Path) -> CorpusSpec {
        self.spec_or(config, path, &config.data.text_cols)
    }

    /// As `spec`, with `default_cols` when no `--text-col` is given.
    pub fn spec_or(&self, config: &Config, path: &Path, default_cols: &[String]) -> CorpusSpec {
        CorpusSpec {
            text_cols: self
                .text_col
                .clone()
                .unwrap_or_else(|| default_cols.to_vec()),
            lossy_utf8: self.lossy_utf8 || config.data.lossy_utf8,
            globs: self.glob.clone(),
            label_from_folder: self.label_from == Some(LabelFrom::Folder),
            strict: self.strict,
            max_file_bytes: config.data.max_file_mb.saturating_mul(1 << 20),
            ..CorpusSpec::new(path)
        }
    }
}

#[derive(Debug, Args, Default)]
pub struct CollectionArgs {
    /// CSV/TSV with a header, or one document per line (default: the bundled BBC news).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub text: TextArgs,
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
