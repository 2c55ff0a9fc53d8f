//! The artifact folder: what the TUI built once (word vectors, search index, classifier,
//! comparison) kept under keys that hash the data and the settings that shaped each artifact,
//! so a second start loads instead of rebuilding and a changed setting rebuilds only what
//! depends on it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Artifacts of one dataset: `<data_dir>/<hash of the data file and its columns>/`.
#[derive(Debug, Clone)]
pub struct Artifacts {
    root: PathBuf,
}

/// The per-user cache folder: `$XDG_CACHE_HOME/wordlens`, else `~/.cache/wordlens`.
pub fn default_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("wordlens")
}

/// 64-bit FNV-1a: stable across Rust versions and machines (std's hasher is not promised to
/// be), and wide enough that two settings of one collection never share a key in practice.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A short stable key of `parts` (64-bit FNV-1a of each, in order, length-prefixed).
pub fn key(parts: &[&str]) -> String {
    let mut h = Fnv64::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    format!("{:016x}", h.0)
}

/// `value` as JSON, for keying settings (serialising a config cannot fail).
pub fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A folder's files as bytes to hash: each file's path, size and time (an edited file changes
/// them; reading every file to hash it would be slow on a large folder).
fn folder_listing(dir: &Path) -> Result<Vec<u8>> {
    let reader = crate::text::CorpusReader::open(&crate::text::CorpusSpec::new(dir))?;
    let mut bytes = Vec::new();
    for e in reader.folder_entries() {
        bytes.extend_from_slice(format!("{}\t{}\t{}\n", e.id, e.size, e.modified_ns).as_bytes());
    }
    Ok(bytes)
}

impl Artifacts {
    /// The folder for `data` (its bytes are hashed, so an edited file gets new artifacts) read
    /// with `columns`.
    pub fn for_data(data_dir: &Path, data: &Path, columns: &str) -> Result<Self> {
        let bytes = if data.is_dir() {
            folder_listing(data)?
        } else {
            std::fs::read(data).map_err(|e| Error::io(data, e))?
        };
        let mut h = Fnv64::new();
        h.update(&bytes);
        let name = data
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hash = key(&[&format!("{:016x}", h.0), &bytes.len().to_string(), columns]);
        let root = data_dir.join(format!("{name}-{hash}"));
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        Ok(Self { root })
    }

    /// The collection's artifact folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the artifact `kind` with settings `key` lives (e.g. `index-1a2b3c4d5e6f7081`).
    pub fn path(&self, kind: &str, key: &str) -> PathBuf {
        self.root.join(format!("{kind}-{key}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_the_data_and_the_settings() {
        assert_eq!(key(&["a", "b"]), key(&["a", "b"]));
        assert_ne!(key(&["a", "b"]), key(&["ab", ""]));
        // 64-bit FNV-1a: "a" hashes to af63dc4c8601ec8c (the FNV reference test vector).
        let mut h = Fnv64::new();
        h.update(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        assert_eq!(key(&["x"]).len(), 16);
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        std::fs::write(&data, "text,label\nhello,a\n").unwrap();
        let a = Artifacts::for_data(dir.path(), &data, "text").unwrap();
        let b = Artifacts::for_data(dir.path(), &data, "text").unwrap();
        assert_eq!(a.root(), b.root());
        assert!(a.root().is_dir());
        let other_cols = Artifacts::for_data(dir.path(), &data, "label").unwrap();
        assert_ne!(a.root(), other_cols.root());
        std::fs::write(&data, "text,label\nhello,b\n").unwrap();
        let edited = Artifacts::for_data(dir.path(), &data, "text").unwrap();
        assert_ne!(a.root(), edited.root());
    }
}
