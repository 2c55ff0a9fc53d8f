//! Finding a model's snapshot in the local hub cache, and listing what the cache holds.

use std::path::{Path, PathBuf};

use super::ModelName;
use crate::error::{Error, Result};

/// One snapshot in the cache.
#[derive(Debug, Clone)]
pub struct CachedModel {
    /// `org/name`.
    pub repo: String,
    /// The revisions (`refs/`) that point at this snapshot; empty when none does.
    pub revisions: Vec<String>,
    /// The commit the snapshot holds.
    pub commit: String,
    /// The snapshot folder.
    pub dir: PathBuf,
}

/// A commit as a folder name: letters and digits only, so it cannot climb out of `snapshots/`.
pub(crate) fn commit_ok(commit: &str) -> bool {
    !commit.is_empty() && commit.len() <= 64 && commit.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The snapshot folder of `name` in `cache`, checked to be complete. Errors say where they
/// looked and how to pull the model.
pub fn find(cache: &Path, name: &ModelName) -> Result<PathBuf> {
    let repo_dir = cache.join(name.folder());
    let pull_hint = format!("download it with `wordlens models pull {name}`");
    if !repo_dir.is_dir() {
        return Err(Error::Usage(format!(
            "{name} is neither a file nor a model in the Hugging Face cache (looked for {}); {pull_hint}, \
             or give a path",
            repo_dir.display()
        )));
    }
    let rev = name.revision();
    let ref_file = repo_dir.join("refs").join(rev);
    let commit = if ref_file.is_file() {
        std::fs::read_to_string(&ref_file)
            .map_err(|e| Error::io(&ref_file, e))?
            .trim()
            .to_string()
    } else if commit_ok(rev) && repo_dir.join("snapshots").join(rev).is_dir() {
        rev.to_string()
    } else {
        return Err(Error::Usage(format!(
            "{name}: revision {rev} is not in the cache ({} has no such ref or snapshot); {pull_hint}",
            repo_dir.display()
        )));
    };
    if !commit_ok(&commit) {
        return Err(Error::in_file(
            &ref_file,
            format!("{commit:?} is not a commit hash"),
        ));
    }
    let snapshot = repo_dir.join("snapshots").join(&commit);
    if let Some(missing) = incomplete(&snapshot) {
        return Err(Error::Usage(format!(
            "{name}: the snapshot {} is incomplete ({missing}); {pull_hint}",
            snapshot.display()
        )));
    }
    Ok(snapshot)
}

/// Why `snapshot` cannot be used as a model folder, or None when it can: it must exist, hold a
/// `tokenizer.json` and a `.safetensors` file (at the top or in a module folder), and no file
/// in it may be a link to a blob that is missing (a download that never finished).
pub fn incomplete(snapshot: &Path) -> Option<String> {
    if !snapshot.is_dir() {
        return Some("no such folder".into());
    }
    let mut tokenizer = false;
    let mut tensors = false;
    let mut stack = vec![(snapshot.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Some(format!("cannot read {}", dir.display()));
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if is_link && !path.exists() {
                return Some(format!("{} points to a missing blob", path.display()));
            }
            if path.is_dir() {
                if depth < 2 {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            tokenizer |= file_name == "tokenizer.json";
            tensors |= file_name.ends_with(".safetensors");
        }
    }
    match (tokenizer, tensors) {
        (true, true) => None,
        (false, _) => Some("no tokenizer.json".into()),
        (true, false) => Some("no .safetensors file".into()),
    }
}

/// Every snapshot in `cache`, by repository then commit; an absent cache lists nothing.
pub fn list(cache: &Path) -> Result<Vec<CachedModel>> {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let folder = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = folder.strip_prefix("models--") else {
            continue;
        };
        let Some((org, name)) = rest.split_once("--") else {
            continue;
        };
        let repo_dir = entry.path();
        let refs = read_refs(&repo_dir.join("refs"));
        let Ok(snapshots) = std::fs::read_dir(repo_dir.join("snapshots")) else {
            continue;
        };
        for snap in snapshots.flatten() {
            let commit = snap.file_name().to_string_lossy().into_owned();
            let revisions = refs
                .iter()
                .filter(|(_, c)| *c == commit)
                .map(|(r, _)| r.clone())
                .collect();
            out.push(CachedModel {
                repo: format!("{org}/{name}"),
                revisions,
                commit,
                dir: snap.path(),
            });
        }
    }
    out.sort_by(|a, b| (&a.repo, &a.commit).cmp(&(&b.repo, &b.commit)));
    Ok(out)
}

/// `refs/` as (revision, commit) pairs; branch names with `/` are nested folders.
fn read_refs(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                stack.push((e.path(), format!("{name}/")));
            } else if let Ok(c) = std::fs::read_to_string(e.path()) {
                out.push((name, c.trim().to_string()));
            }
        }
    }
    out.sort();
    out
}

/// Total size of the files under `dir` (links followed), in bytes.
pub fn size_on_disk(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}
