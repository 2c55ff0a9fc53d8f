//! Recently opened collections (with the columns chosen for each) and vectors, kept in
//! `recent.json` in the TUI's artifact folder, newest first. The file is rewritten atomically;
//! one that cannot be read is reported and replaced, never half-trusted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::atomic_write;

use super::columns::ColumnChoice;

/// A collection opened before and how its columns were read (None: not a table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentCollection {
    pub path: PathBuf,
    pub columns: Option<ColumnChoice>,
}

/// The recent lists and where they are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recent {
    pub collections: Vec<RecentCollection>,
    pub vectors: Vec<PathBuf>,
    /// The choice of every table ever confirmed (a file dropped from the recent list keeps it).
    #[serde(default)]
    pub columns: Vec<(PathBuf, ColumnChoice)>,
    #[serde(skip)]
    file: Option<PathBuf>,
    #[serde(skip)]
    capacity: usize,
}

/// A path as the lists key it: absolute when it can be made so.
fn normal(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Recent {
    /// The lists kept in `file` (empty when it does not exist yet), `capacity` entries each.
    pub fn load(file: PathBuf, capacity: usize) -> Result<Self> {
        let mut recent = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice::<Recent>(&bytes).map_err(|e| {
                Error::in_file(
                    &file,
                    format!("not a recent-files list wordlens wrote ({e}); it will be replaced"),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Recent::default(),
            Err(e) => return Err(Error::io(&file, e)),
        };
        recent.file = Some(file);
        recent.capacity = capacity.max(1);
        Ok(recent)
    }

    /// Empty lists written to `file` (after `load` failed).
    pub fn empty(file: PathBuf, capacity: usize) -> Self {
        Self {
            file: Some(file),
            capacity: capacity.max(1),
            ..Self::default()
        }
    }

    /// The columns last confirmed for `path`.
    pub fn columns_for(&self, path: &Path) -> Option<&ColumnChoice> {
        let path = normal(path);
        self.columns
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, c)| c)
    }

    /// Puts the collection `path` first, remembering its columns, and saves.
    pub fn opened_collection(&mut self, path: &Path, columns: Option<ColumnChoice>) -> Result<()> {
        let path = normal(path);
        self.collections.retain(|c| c.path != path);
        if let Some(c) = &columns {
            self.columns.retain(|(p, _)| *p != path);
            self.columns.push((path.clone(), c.clone()));
        }
        self.collections
            .insert(0, RecentCollection { path, columns });
        self.collections.truncate(self.capacity());
        self.save()
    }

    /// Puts the vectors `path` first and saves.
    pub fn opened_vectors(&mut self, path: &Path) -> Result<()> {
        let path = normal(path);
        self.vectors.retain(|p| *p != path);
        self.vectors.insert(0, path);
        self.vectors.truncate(self.capacity());
        self.save()
    }

    /// Entries kept of each kind (a list loaded from no file keeps the default ten).
    fn capacity(&self) -> usize {
        if self.capacity == 0 {
            10
        } else {
            self.capacity
        }
    }

    fn save(&self) -> Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Internal(format!("cannot encode the recent files: {e}")))?;
        atomic_write(file, |w| std::io::Write::write_all(w, &bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_and_their_columns_survive_a_restart_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("recent.json");
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "text\nx\n").unwrap();
        std::fs::write(&b, "x\n").unwrap();
        let mut r = Recent::load(file.clone(), 2).unwrap();
        let cols = ColumnChoice {
            text: vec!["text".into()],
            ..ColumnChoice::default()
        };
        r.opened_collection(&a, Some(cols.clone())).unwrap();
        r.opened_collection(&b, None).unwrap();
        r.opened_collection(&a, Some(cols.clone())).unwrap();
        r.opened_vectors(&b).unwrap();
        let again = Recent::load(file.clone(), 2).unwrap();
        let paths: Vec<_> = again.collections.iter().map(|c| c.path.clone()).collect();
        assert_eq!(paths, [normal(&a), normal(&b)]);
        assert_eq!(again.columns_for(&a), Some(&cols));
        assert_eq!(again.vectors, [normal(&b)]);
        // Capacity 2: a third collection drops the oldest, but its columns stay remembered.
        let c = dir.path().join("c.txt");
        std::fs::write(&c, "y\n").unwrap();
        let mut again = again;
        again.opened_collection(&c, None).unwrap();
        again.opened_collection(&b, None).unwrap();
        assert_eq!(again.collections.len(), 2);
        assert_eq!(again.columns_for(&a), Some(&cols));
        // A damaged list is an error naming the file.
        std::fs::write(&file, "{not json").unwrap();
        let e = Recent::load(file, 2).unwrap_err().to_string();
        assert!(e.contains("recent.json") && e.contains("replaced"), "{e}");
    }
}
