//! Keeping the index of a folder current. The index remembers each file it read (size,
//! modification time, content hash, in `files.json`); indexing the folder again reads only
//! the files whose size or time changed, re-embeds only those whose content changed too, and
//! deletes the documents of files that are gone.
//!
//! Each step commits on its own (tantivy first, then our files, as `add` and `delete` do);
//! the file list is written last. A crash in between leaves an index that answers, and the old
//! list, so the next update reads the same files again.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::SearchIndex;
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress};
use crate::text::corpus::{FileStamp, sha256_hex};
use crate::text::{CorpusReader, CorpusSpec};

/// The file in an index folder that lists what the indexed folder's files were.
pub const STATE_FILE: &str = "files.json";

/// The folder an index was built from and its files as they were read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderState {
    /// The folder, as given (made absolute).
    pub root: PathBuf,
    /// The `--glob` patterns it was read with.
    pub globs: Vec<String>,
    /// Every file read, by id (its path relative to the root); files left out (binary, too
    /// large, ...) have no hash.
    pub files: BTreeMap<String, FileStamp>,
}

/// What an update found and did, in files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Update {
    /// Same size and time: not read.
    pub unchanged: usize,
    /// Size or time changed, content the same (read and hashed, not re-indexed).
    pub touched: usize,
    /// Content changed: re-indexed.
    pub changed: usize,
    /// New files: indexed.
    pub added: usize,
    /// Files gone: their documents deleted.
    pub deleted: usize,
}

impl Update {
    /// Whether the index changed.
    pub fn is_empty(&self) -> bool {
        self.changed + self.added + self.deleted == 0
    }

    /// "2 changed, 1 new, 0 deleted, 997 unchanged (1 touched)".
    pub fn describe(&self) -> String {
        format!(
            "{} changed, {} new, {} deleted, {} unchanged ({} with a new time but the same content)",
            self.changed,
            self.added,
            self.deleted,
            self.unchanged + self.touched,
            self.touched
        )
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl FolderState {
    /// The state of the folder `spec` names, from the files a reader read.
    pub fn of(spec: &CorpusSpec, stamps: Vec<(String, FileStamp)>) -> Self {
        Self {
            root: absolute(&spec.path),
            globs: spec.globs.clone(),
            files: stamps.into_iter().collect(),
        }
    }

    /// The state stored in the index folder `dir` (None: built from a file, or before).
    pub fn read(dir: &Path) -> Result<Option<Self>> {
        let path = dir.join(STATE_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Error::in_file(&path, format!("invalid file list: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Writes the state into the index folder `dir` (atomically).
    pub fn write(&self, dir: &Path) -> Result<()> {
        crate::fsutil::atomic_write(&dir.join(STATE_FILE), |w| {
            serde_json::to_writer(w, self).map_err(std::io::Error::other)
        })
    }

    /// Whether `spec` reads the same folder with the same globs.
    pub fn is_of(&self, spec: &CorpusSpec) -> bool {
        self.root == absolute(&spec.path) && self.globs == spec.globs
    }
}

/// Brings `index` (built from the folder `spec` names, whose files were `state`) up to date;
/// returns what changed and the new state, already written into the index folder `dir`.
pub fn update(
    index: &mut SearchIndex,
    dir: &Path,
    spec: &CorpusSpec,
    state: &FolderState,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(Update, FolderState)> {
    let walk = CorpusReader::open(spec)?;
    let mut update = Update::default();
    let mut files = BTreeMap::new();
    let mut to_read = BTreeSet::new();
    let mut stale = Vec::new();
    for entry in walk.folder_entries() {
        cancel.check()?;
        let Some(old) = state.files.get(&entry.id) else {
            update.added += 1;
            to_read.insert(entry.id.clone());
            continue;
        };
        if old.size == entry.size && old.modified_ns == entry.modified_ns {
            update.unchanged += 1;
            files.insert(entry.id.clone(), old.clone());
            continue;
        }
        // Size or time changed: the content hash decides (an editor's save without a change,
        // a `touch`, a checkout keep the documents).
        let same = std::fs::read(&entry.path).is_ok_and(|b| sha256_hex(&b) == old.sha256);
        if same {
            update.touched += 1;
            let stamp = FileStamp {
                size: entry.size,
                modified_ns: entry.modified_ns,
                sha256: old.sha256.clone(),
            };
            files.insert(entry.id.clone(), stamp);
        } else {
            update.changed += 1;
            stale.push(entry.id.clone());
            to_read.insert(entry.id.clone());
        }
    }
    let present: HashSet<&str> = walk
        .folder_entries()
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    for id in state
        .files
        .keys()
        .filter(|id| !present.contains(id.as_str()))
    {
        update.deleted += 1;
        stale.push(id.clone());
    }
    if !to_read.is_empty() {
        let only = CorpusSpec {
            only_files: Some(Arc::new(to_read)),
            ..spec.clone()
        };
        let mut reader = CorpusReader::open(&only)?;
        index.replace(&stale, &mut reader, progress, cancel)?;
        files.extend(reader.take_stamps());
    } else if !stale.is_empty() {
        index.delete(&stale)?;
    }
    let new_state = FolderState {
        root: state.root.clone(),
        globs: state.globs.clone(),
        files,
    };
    new_state.write(dir)?;
    Ok((update, new_state))
}
