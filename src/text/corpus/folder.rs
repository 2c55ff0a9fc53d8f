//! A folder of files as a corpus: one document per file, found recursively as ripgrep finds
//! files (`.gitignore`, `.ignore` and hidden files honoured, `--glob` to include or exclude),
//! its id the path relative to the folder. Files that cannot be documents (binary, too large,
//! unreadable, invalid UTF-8) are skipped and counted, or stop the read with `--strict`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::text::markup::{self, Markup};

use super::{CorpusSpec, Document};

/// Why files were left out of a folder's documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Files with a NUL byte (ripgrep's test for binary).
    pub binary: u64,
    /// Files larger than `[data] max_file_mb`.
    pub too_large: u64,
    /// Files that could not be read (permission denied, vanished), and walk errors such as
    /// symlink loops.
    pub unreadable: u64,
    /// Files that are not UTF-8 (read anyway, with U+FFFD, under `--lossy-utf8`).
    pub invalid_utf8: u64,
    /// Files with no text.
    pub empty: u64,
    /// Files of other formats (say `--glob` to read them as text).
    pub other_format: u64,
}

impl Skipped {
    /// Files skipped for any reason.
    pub fn total(&self) -> u64 {
        self.binary
            + self.too_large
            + self.unreadable
            + self.invalid_utf8
            + self.empty
            + self.other_format
    }

    /// "3 binary, 1 too large" (empty when nothing was skipped).
    pub fn describe(&self) -> String {
        [
            (self.binary, "binary"),
            (self.too_large, "too large"),
            (self.unreadable, "unreadable"),
            (self.invalid_utf8, "invalid UTF-8"),
            (self.empty, "empty"),
            (self.other_format, "of other formats"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// One file to read, found by the walk.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    /// The path relative to the folder, with `/` separators: the document's id.
    pub id: String,
    markup: Markup,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when the system has none).
    pub modified_ns: u64,
}

/// What a file was when it was read: re-indexing reads again only files whose size or time
/// changed, and re-embeds only those whose content hash changed too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub modified_ns: u64,
    /// SHA-256 of the file's bytes, in hex ("" for a file left out: binary, too large, ...).
    pub sha256: String,
}

/// The SHA-256 of `bytes` in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn modified_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

pub(crate) struct Folder {
    root: PathBuf,
    files: Vec<Entry>,
    next: usize,
    row: u64,
    done_bytes: u64,
    total_bytes: u64,
    label_from_folder: bool,
    lossy: bool,
    strict: bool,
    max_bytes: u64,
    pub(crate) skipped: Skipped,
    /// The first few reasons files were skipped, for the summary.
    pub(crate) notes: Vec<String>,
    /// Each file read as a document, by id: what it was when read.
    pub(crate) stamps: Vec<(String, FileStamp)>,
}

/// How many skip reasons are kept for the summary.
const NOTES: usize = 5;

impl Folder {
    /// Walks `spec.path` (a folder, or one file of notes) and lists the files to read.
    pub(crate) fn open(spec: &CorpusSpec) -> Result<Self> {
        let root = spec.path.clone();
        let mut folder = Self {
            root: root.clone(),
            files: Vec::new(),
            next: 0,
            row: 0,
            done_bytes: 0,
            total_bytes: 0,
            label_from_folder: spec.label_from_folder,
            lossy: spec.lossy_utf8,
            strict: spec.strict,
            max_bytes: spec.max_file_bytes,
            skipped: Skipped::default(),
            notes: Vec::new(),
            stamps: Vec::new(),
        };
        if root.is_file() {
            let markup = markup_of(&root).unwrap_or(Markup::Plain);
            let meta = std::fs::metadata(&root).map_err(|e| Error::io(&root, e))?;
            let id = root
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            folder.push(Entry {
                path: root,
                id,
                markup,
                size: meta.len(),
                modified_ns: modified_ns(&meta),
            });
            return Ok(folder);
        }
        folder.walk(&spec.globs)?;
        if let Some(only) = &spec.only_files {
            folder.files.retain(|f| only.contains(&f.id));
            folder.total_bytes = folder.files.iter().map(|f| f.size).sum();
            return Ok(folder);
        }
        if folder.files.is_empty() {
            let skipped = match folder.skipped.total() {
                0 => String::new(),
                _ => format!(
                    " ({} files skipped: {})",
                    folder.skipped.total(),
                    folder.skipped.describe()
                ),
            };
            return Err(Error::in_file(
                &folder.root,
                format!(
                    "no documents in this folder{skipped}; expected .txt, .md, .rst, .org or .html files (--glob '*.ext' reads others as text)"
                ),
            ));
        }
        Ok(folder)
    }

    fn push(&mut self, entry: Entry) {
        self.total_bytes += entry.size;
        self.files.push(entry);
    }

    fn skip(&mut self, note: String) {
        if self.notes.len() < NOTES {
            self.notes.push(note);
        }
    }

    fn walk(&mut self, globs: &[String]) -> Result<()> {
        let mut overrides = ignore::overrides::OverrideBuilder::new(&self.root);
        for g in globs {
            overrides
                .add(g)
                .map_err(|e| Error::Usage(format!("--glob {g:?}: {e}")))?;
        }
        let overrides = overrides
            .build()
            .map_err(|e| Error::Usage(format!("--glob: {e}")))?;
        // With an include glob, every file it matches is a document, read as text if its
        // extension names no markup.
        let any_file = globs.iter().any(|g| !g.starts_with('!'));
        let walker = ignore::WalkBuilder::new(&self.root)
            .follow_links(true)
            // A folder of notes is rarely a git repository: its .gitignore still says what
            // is not a note.
            .require_git(false)
            .overrides(overrides)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for item in walker {
            let entry = match item {
                Ok(e) => e,
                Err(e) => {
                    if self.strict {
                        return Err(Error::in_file(&self.root, format!("{e} (--strict)")));
                    }
                    self.skipped.unreadable += 1;
                    self.skip(e.to_string());
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.into_path();
            let markup = match markup_of(&path) {
                Some(m) => m,
                None if any_file => Markup::Plain,
                None => {
                    self.skipped.other_format += 1;
                    continue;
                }
            };
            let meta = std::fs::metadata(&path).ok();
            let id = relative_id(&self.root, &path);
            self.push(Entry {
                path,
                id,
                markup,
                size: meta.as_ref().map_or(0, |m| m.len()),
                modified_ns: meta.as_ref().map_or(0, modified_ns),
            });
        }
        Ok(())
    }

    /// The files the walk found (before any was read).
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.files
    }

    /// (bytes of the files read so far, bytes of all files).
    pub(crate) fn position(&self) -> (u64, u64) {
        (self.done_bytes, self.total_bytes)
    }

    /// A file that cannot be a document: counted and noted, or an error under `--strict`.
    fn left_out(
        &mut self,
        path: &Path,
        why: String,
        count: fn(&mut Skipped) -> &mut u64,
    ) -> Result<()> {
        if self.strict {
            return Err(Error::in_file(path, format!("{why} (--strict stops here)")));
        }
        *count(&mut self.skipped) += 1;
        self.skip(format!("{}: {why}", path.display()));
        Ok(())
    }

    pub(crate) fn next_document(&mut self, lossy_count: &mut u64) -> Option<Result<Document>> {
        loop {
            let entry = self.files.get(self.next)?;
            self.next += 1;
            self.done_bytes += entry.size;
            let (path, id, markup, size) = (
                entry.path.clone(),
                entry.id.clone(),
                entry.markup,
                entry.size,
            );
            let modified_ns = entry.modified_ns;
            match self.read(&path, size, lossy_count) {
                Ok(Some((source, sha256))) => {
                    self.stamps.push((
                        id.clone(),
                        FileStamp {
                            size,
                            modified_ns,
                            sha256,
                        },
                    ));
                    let extracted = markup::extract(&source, markup);
                    if extracted.text.trim().is_empty() {
                        if let Err(e) = self.left_out(&path, "no text".into(), |s| &mut s.empty) {
                            return Some(Err(e));
                        }
                        continue;
                    }
                    let label = self.label_from_folder.then(|| folder_label(&id)).flatten();
                    let doc = Document {
                        id,
                        row: self.row,
                        line: 1,
                        text: extracted.text,
                        label,
                        title: extracted.title,
                    };
                    self.row += 1;
                    return Some(Ok(doc));
                }
                Ok(None) => {
                    // Remembered as left out (no hash): re-indexing reads it again only once
                    // it changes.
                    let stamp = FileStamp {
                        size,
                        modified_ns,
                        sha256: String::new(),
                    };
                    self.stamps.push((id, stamp));
                    continue;
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// The file's text and content hash; None when it was left out (and counted).
    fn read(
        &mut self,
        path: &Path,
        size: u64,
        lossy_count: &mut u64,
    ) -> Result<Option<(String, String)>> {
        if size > self.max_bytes {
            let why = format!(
                "{size} bytes, over the {} MB limit ([data] max_file_mb)",
                self.max_bytes >> 20
            );
            self.left_out(path, why, |s| &mut s.too_large)?;
            return Ok(None);
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.left_out(path, e.to_string(), |s| &mut s.unreadable)?;
                return Ok(None);
            }
        };
        if let Some(at) = bytes.iter().position(|&b| b == 0) {
            self.left_out(path, format!("binary (a NUL byte at offset {at})"), |s| {
                &mut s.binary
            })?;
            return Ok(None);
        }
        let sha256 = sha256_hex(&bytes);
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Some((s.to_string(), sha256))),
            Err(_) if self.lossy => {
                *lossy_count += 1;
                Ok(Some((String::from_utf8_lossy(bytes).into_owned(), sha256)))
            }
            Err(e) => {
                let why = format!(
                    "invalid UTF-8 at byte {} (--lossy-utf8 reads it with U+FFFD)",
                    e.valid_up_to()
                );
                self.left_out(path, why, |s| &mut s.invalid_utf8)?;
                Ok(None)
            }
        }
    }
}

fn markup_of(path: &Path) -> Option<Markup> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Markup::of_extension)
}

/// `path` relative to `root`, `/`-separated (the same id on every system).
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The folder under the root that holds the file (`sport/a.txt` → `sport`), as
/// scikit-learn's `load_files` names categories; files in deeper folders belong to it too
/// (`sport/2005/a.txt` → `sport`). None for files at the top.
fn folder_label(id: &str) -> Option<String> {
    let (top, _) = id.split_once('/')?;
    Some(top.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_parent_folder_s_name() {
        assert_eq!(folder_label("sport/a.txt").as_deref(), Some("sport"));
        assert_eq!(folder_label("sport/2005/a.txt").as_deref(), Some("sport"));
        assert_eq!(folder_label("a.txt"), None);
        assert_eq!(
            relative_id(Path::new("/x/notes"), Path::new("/x/notes/sub/b.md")),
            "sub/b.md"
        );
    }
}
