//! The search box's query history, one query per line in the collection's artifact folder,
//! oldest first, kept across runs (at most `LIMIT` queries, each once).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::fsutil::atomic_write;
use crate::text::corpus::read_small_text;

const LIMIT: usize = 1000;

/// The queries searched in this collection, oldest first, each once.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// None: kept in memory only (tests, or no artifact folder).
    path: Option<PathBuf>,
    entries: Vec<String>,
}

impl History {
    /// Reads the history at `path` (none yet: empty).
    pub fn load(path: &Path) -> Result<Self> {
        let entries = if path.exists() {
            read_small_text(path)?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            entries,
        })
    }

    /// The queries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Adds `query` as the newest entry (moving it if already there) and saves.
    pub fn push(&mut self, query: &str) -> Result<()> {
        let q = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if q.is_empty() || self.entries.last() == Some(&q) {
            return Ok(());
        }
        self.entries.retain(|e| *e != q);
        self.entries.push(q);
        if self.entries.len() > LIMIT {
            self.entries.drain(..self.entries.len() - LIMIT);
        }
        match &self.path {
            Some(path) => atomic_write(path, |w| {
                for e in &self.entries {
                    writeln!(w, "{e}")?;
                }
                Ok(())
            }),
            None => Ok(()),
        }
    }

    /// The position of the newest entry before `before` (None: from the newest) containing
    /// `pattern`, case-insensitively.
    pub fn find_older(&self, pattern: &str, before: Option<usize>) -> Option<usize> {
        let pattern = pattern.to_lowercase();
        let end = before.unwrap_or(self.entries.len()).min(self.entries.len());
        (0..end)
            .rev()
            .find(|&i| self.entries[i].to_lowercase().contains(&pattern))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keeps_each_query_once_newest_last_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.txt");
        let mut h = History::load(&path).unwrap();
        for q in ["oil prices", "soccer", " oil   prices ", "film awards"] {
            h.push(q).unwrap();
        }
        assert_eq!(h.entries(), ["soccer", "oil prices", "film awards"]);
        let h = History::load(&path).unwrap();
        assert_eq!(h.entries(), ["soccer", "oil prices", "film awards"]);
        assert_eq!(h.find_older("o", None), Some(1));
        assert_eq!(h.find_older("O", Some(1)), Some(0));
        assert_eq!(h.find_older("o", Some(0)), None);
        assert_eq!(h.find_older("xyz", None), None);
    }
}
