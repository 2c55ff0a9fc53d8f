//! `wordlens index --data FOLDER`: updating the folder's index in place when it was built
//! from the same folder, and `--watch`, which keeps it current as files are saved.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use wordlens::search::SearchIndex;
use wordlens::search::folder_sync::{self, FolderState};
use wordlens::text::CorpusSpec;
use wordlens::{Error, Result};

use super::Context;
use super::output::print;
use super::progress_bar::Bar;

/// How long the folder must be quiet after a change before the index is updated: an editor's
/// save is several events (write, rename, chmod) in a few milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The state of the folder the index in `dir` was built from, when `spec` reads that same
/// folder (with the same globs); None otherwise (then the index is built anew).
pub fn same_folder(dir: &Path, spec: &CorpusSpec) -> Result<Option<FolderState>> {
    if !spec.path.is_dir() || !dir.join("meta.json").exists() {
        return Ok(None);
    }
    Ok(FolderState::read(dir)?.filter(|s| s.is_of(spec)))
}

/// Updates the index in `dir` from the folder `spec` names; prints what changed (when
/// `always_report`, also that nothing did).
pub fn update(
    ctx: &Context,
    dir: &Path,
    spec: &CorpusSpec,
    state: &FolderState,
    always_report: bool,
) -> Result<FolderState> {
    let started = Instant::now();
    let mut index = open(ctx, dir)?;
    let bar = Bar::new(ctx.quiet);
    let (update, state) = folder_sync::update(&mut index, dir, spec, state, &bar, &ctx.cancel)?;
    if update.is_empty() && !always_report {
        return Ok(state);
    }
    print(&format!(
        "updated {} from {}: {} in {:.2} s ({} documents)\n",
        dir.display(),
        spec.path.display(),
        update.describe(),
        started.elapsed().as_secs_f64(),
        index.len()
    ))?;
    Ok(state)
}

/// Watches the folder `spec` names and updates the index in `dir` after each burst of
/// changes, until interrupted.
pub fn watch(ctx: &Context, dir: &Path, spec: &CorpusSpec) -> Result<()> {
    let Some(mut state) = FolderState::read(dir)? else {
        return Err(Error::Usage(
            "--watch needs a folder: the index was not built from one".into(),
        ));
    };
    let (tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| Error::in_file(&spec.path, format!("cannot watch: {e}")))?;
    watcher
        .watch(&spec.path, RecursiveMode::Recursive)
        .map_err(|e| Error::in_file(&spec.path, format!("cannot watch: {e}")))?;
    // The index's own folder may sit inside the watched one: its writes are not changes.
    let own = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    eprintln!("watching {} (Ctrl-C stops)", spec.path.display());
    loop {
        if ctx.cancel.is_cancelled() {
            return Ok(());
        }
        let first = match events.recv_timeout(Duration::from_millis(250)) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        let mut relevant = touches_folder(&first, &own);
        // Debounce: wait until the folder is quiet.
        while let Ok(event) = events.recv_timeout(DEBOUNCE) {
            relevant |= touches_folder(&event, &own);
        }
        if !relevant {
            continue;
        }
        match update(ctx, dir, spec, &state, false) {
            Ok(new_state) => state = new_state,
            // A folder emptied, a file half-written: say so and keep watching.
            Err(e) => eprintln!("wordlens: {e}"),
        }
    }
}

/// Whether a file-system event is about the watched files (not the index's own writes).
fn touches_folder(event: &notify::Result<notify::Event>, own: &Path) -> bool {
    match event {
        // Reading the files (to update) is an event too: only changes count.
        Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => false,
        Ok(e) => e.paths.iter().any(|p| !p.starts_with(own)),
        Err(_) => true,
    }
}

/// Opens the index at `dir`; `--segmenter` or `--user-dict` other than the index's own is
/// refused (the index would otherwise answer with its own words in silence).
pub fn open(ctx: &Context, dir: &Path) -> Result<SearchIndex> {
    let index = SearchIndex::open(dir, &ctx.config.search)?;
    if ctx.segmenter_given {
        let what = format!("the index {}", dir.display());
        ctx.config
            .tokenizer
            .check_same_words(index.tokenizer_config(), &what)?;
    }
    Ok(index)
}
