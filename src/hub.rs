//! Models by name: the local Hugging Face cache (where model2vec and sentence-transformers put
//! what they download) and `wordlens models pull`, which downloads into the same cache.
//!
//! Cache layout (the one `huggingface_hub` writes): `models--ORG--NAME/` holds `blobs/` (files
//! by their ETag), `snapshots/COMMIT/` (the repository's files, links into `blobs/`) and
//! `refs/REVISION` (the commit a branch or tag pointed to when it was downloaded).

pub mod cache;
pub mod pull;

use std::path::PathBuf;

use crate::error::{Error, Result};

/// A model named on the hub: `org/name`, optionally at a revision (`org/name@v1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelName {
    /// The organisation or user.
    pub org: String,
    /// The repository name.
    pub name: String,
    /// A branch, tag or commit; None means `main`.
    pub revision: Option<String>,
}

impl ModelName {
    /// Parses `org/name` or `org/name@revision`; None when `s` is not shaped like one.
    /// Each part may hold letters, digits, `-`, `_` and `.` (not a leading `.`), as the hub
    /// allows, so no part can climb out of the cache folder.
    pub fn parse(s: &str) -> Option<Self> {
        let (repo, revision) = match s.split_once('@') {
            Some((r, rev)) => (r, Some(rev)),
            None => (s, None),
        };
        let (org, name) = repo.split_once('/')?;
        let part_ok = |p: &str| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.len() <= 96
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let rev_ok = |r: &str| {
            !r.is_empty()
                && !r.starts_with('.')
                && !r.contains("..")
                && r.len() <= 128
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        };
        if !part_ok(org) || !part_ok(name) || !revision.is_none_or(rev_ok) {
            return None;
        }
        Some(Self {
            org: org.to_string(),
            name: name.to_string(),
            revision: revision.map(str::to_string),
        })
    }

    /// `org/name`.
    pub fn repo(&self) -> String {
        format!("{}/{}", self.org, self.name)
    }

    /// The revision asked for, `main` when none was.
    pub fn revision(&self) -> &str {
        self.revision.as_deref().unwrap_or("main")
    }

    /// The repository's folder name in the cache: `models--org--name`.
    pub fn folder(&self) -> String {
        format!("models--{}--{}", self.org, self.name)
    }
}

impl std::fmt::Display for ModelName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.repo())?;
        if let Some(r) = &self.revision {
            write!(f, "@{r}")?;
        }
        Ok(())
    }
}

/// The hub cache folder: `configured` when not empty, else `HF_HUB_CACHE`, else
/// `HF_HOME/hub`, else `~/.cache/huggingface/hub` (`XDG_CACHE_HOME` instead of `~/.cache`
/// when set), as `huggingface_hub` decides it.
pub fn cache_dir(configured: &std::path::Path) -> Result<PathBuf> {
    if !configured.as_os_str().is_empty() {
        return Ok(configured.to_path_buf());
    }
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = var("HF_HUB_CACHE") {
        return Ok(PathBuf::from(p));
    }
    if let Some(p) = var("HF_HOME") {
        return Ok(PathBuf::from(p).join("hub"));
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or_else(|| {
            Error::Usage(
                "cannot find the Hugging Face cache: set HF_HUB_CACHE, HF_HOME or HOME".into(),
            )
        })?;
    Ok(cache.join("huggingface").join("hub"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_with_and_without_a_revision() {
        let n = ModelName::parse("minishlab/potion-base-8M").unwrap();
        assert_eq!(n.repo(), "minishlab/potion-base-8M");
        assert_eq!(n.revision(), "main");
        assert_eq!(n.folder(), "models--minishlab--potion-base-8M");
        let n = ModelName::parse("org/name@v1.0").unwrap();
        assert_eq!(n.revision(), "v1.0");
        assert_eq!(n.to_string(), "org/name@v1.0");
    }

    #[test]
    fn paths_and_climbing_names_are_not_names() {
        for s in [
            "vectors.bin",
            "a/b/c",
            "../x",
            "org/..",
            "/abs/path",
            "org/name@../../x",
            "org/.hidden",
            "org/na me",
            "",
        ] {
            assert!(ModelName::parse(s).is_none(), "{s}");
        }
    }
}
