//! `wordlens tui` (and `wordlens` with no subcommand): the terminal UI on the bundled BBC news
//! or on the user's CSV. Without a terminal on stdout it points to `wordlens report`.

use std::path::PathBuf;

use clap::Args;
use wordlens::Result;
use wordlens::text::CorpusSpec;
use wordlens::tui::{self, artifacts};

use super::Context;
use super::collection::CollectionArgs;

#[derive(Debug, Args, Default)]
pub struct TuiArgs {
    #[command(flatten)]
    pub collection: CollectionArgs,
    /// Artifact folder (default: config's tui.data_dir, else ~/.cache/wordlens).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Answer the Search tab from this engine collection (milvus://HOST:PORT/COLLECTION,
    /// exported from an index of the same collection and settings); the status bar says so.
    #[cfg(feature = "milvus")]
    #[arg(long, value_name = "URI")]
    pub engine: Option<String>,
}

pub fn run(ctx: &Context, a: TuiArgs) -> Result<()> {
    if !tui::has_terminal() {
        eprintln!(
            "wordlens: stdout is not a terminal, so there is no TUI to open.\n\
             For the same results as text run `wordlens report` (Markdown) or `wordlens report --json`;\n\
             `wordlens --help` lists every command."
        );
        return Ok(());
    }
    let config = &ctx.config;
    let c = &a.collection;
    let path = c.path(config);
    let corpus = CorpusSpec {
        label_col: c.column(&c.label_col, "category"),
        title_col: c.column(&c.title_col, "title"),
        id_col: c.column(&c.id_col, "id"),
        ..c.text.spec(config, &path)
    };
    let data_dir = a.data_dir.clone().unwrap_or_else(|| {
        if config.tui.data_dir.as_os_str().is_empty() {
            artifacts::default_dir()
        } else {
            config.tui.data_dir.clone()
        }
    });
    // Connect before the screen is taken, so an unreachable engine is a plain error.
    #[cfg(feature = "milvus")]
    let engine = a
        .engine
        .as_deref()
        .map(super::engine::connect)
        .transpose()?;
    // No data given and no bundled data here: the TUI opens on its file picker.
    let corpus = (!c.bundled() || corpus.path.exists()).then_some(corpus);
    tui::run(tui::Start {
        config: config.clone(),
        corpus,
        vectors: super::vectors::source(ctx, c.vectors.as_deref()),
        data_dir,
        #[cfg(feature = "milvus")]
        engine,
    })
}
