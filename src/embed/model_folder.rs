//! Paths inside a downloaded model folder stay inside it. A folder's `modules.json` names its
//! module folders, and its files may be symbolic links; a hostile folder could point either
//! anywhere on the disk (`"path": "../../../../etc"`). Every module path and every file wordlens
//! reads from a model folder is checked here: no absolute path, no `..`, and no link that
//! resolves outside the folder, except the hub cache's own links from `snapshots/COMMIT/` into
//! the repository's `blobs/`.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// `root/rel` for a module path `rel` that `named_in` (a `modules.json`) gives, refused when
/// it is absolute or climbs out with `..`, or when it exists and resolves outside `root`.
pub(crate) fn module_dir(root: &Path, rel: &str, named_in: &Path) -> Result<PathBuf> {
    let lexical_ok = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexical_ok || rel.contains('\0') {
        return Err(Error::in_file(
            named_in,
            format!(
                "module path {rel:?} leaves the model folder (absolute, or climbing with ..); refused: a module must be a folder inside {}",
                root.display()
            ),
        ));
    }
    let dir = root.join(rel);
    if dir.exists() {
        check_inside(root, &dir)?;
    }
    Ok(dir)
}

/// Refuses `path` (a file or folder of the model folder `root`) when it resolves, through
/// symbolic links, outside `root` and outside the hub cache's `blobs/` of `root`'s repository.
pub(crate) fn check_inside(root: &Path, path: &Path) -> Result<()> {
    let resolved = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    if resolved.starts_with(&root) || hub_blobs(&root).is_some_and(|b| resolved.starts_with(b)) {
        return Ok(());
    }
    Err(Error::in_file(
        path,
        format!(
            "is a link to {}, outside the model folder {}; refused: a model folder's files must be inside it",
            resolved.display(),
            root.display()
        ),
    ))
}

/// `REPO/blobs` when `root` is a hub cache snapshot (`REPO/snapshots/COMMIT`).
fn hub_blobs(root: &Path) -> Option<PathBuf> {
    let snapshots = root.parent()?;
    if snapshots.file_name()? != "snapshots" {
        return None;
    }
    Some(snapshots.parent()?.join("blobs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_that_climb_out_or_are_absolute_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("modules.json");
        for bad in ["../../../../etc", "/etc", "a/../../b", "a/../b"] {
            let err = module_dir(dir.path(), bad, &named).unwrap_err().to_string();
            assert!(err.contains("leaves the model folder"), "{bad}: {err}");
            assert!(err.contains("modules.json"), "{err}");
        }
        assert_eq!(
            module_dir(dir.path(), "", &named).unwrap(),
            dir.path().join("")
        );
        assert!(module_dir(dir.path(), "0_StaticEmbedding", &named).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_folder_are_refused_but_hub_blob_links_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("models--org--name");
        let snap = repo.join("snapshots/0123");
        std::fs::create_dir_all(&snap).unwrap();
        std::fs::create_dir_all(repo.join("blobs")).unwrap();
        std::fs::write(repo.join("blobs/abc"), b"x").unwrap();
        std::fs::write(dir.path().join("secret"), b"x").unwrap();
        std::os::unix::fs::symlink("../../blobs/abc", snap.join("tokenizer.json")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), snap.join("config.json")).unwrap();
        std::os::unix::fs::symlink(dir.path(), snap.join("module")).unwrap();
        assert!(check_inside(&snap, &snap.join("tokenizer.json")).is_ok());
        let err = check_inside(&snap, &snap.join("config.json")).unwrap_err();
        assert!(
            err.to_string().contains("outside the model folder"),
            "{err}"
        );
        let err = module_dir(&snap, "module", &snap.join("modules.json")).unwrap_err();
        assert!(
            err.to_string().contains("outside the model folder"),
            "{err}"
        );
    }
}
