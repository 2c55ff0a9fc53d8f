//! The file picker: a folder's entries or the recent files, filtered as you type (fuzzy, the
//! matched characters highlighted), with a preview of the selected one.

use std::path::{Path, PathBuf};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatchConfig, Matcher, Utf32Str};

use super::files::{self, FileRole};
use super::recent::Recent;

/// Lines of preview read for the selected entry.
const PREVIEW_LINES: usize = 12;

/// Which list the picker shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerList {
    /// The entries of a folder.
    Folder,
    /// Collections and vectors opened before, newest first.
    Recent,
}

/// One entry of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    /// What the list shows and the filter matches ("../", "news/", "bbc.csv", or a full path).
    pub label: String,
    pub is_dir: bool,
}

/// An entry that passes the filter, with the characters of its label that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub entry: usize,
    pub matched: Vec<usize>,
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct Picker {
    pub list: PickerList,
    /// The folder listed (Folder list).
    pub dir: PathBuf,
    pub filter: String,
    pub entries: Vec<Entry>,
    pub shown: Vec<Shown>,
    pub selected: usize,
    /// The selected entry's role and preview lines, or why there is none.
    pub role: Option<FileRole>,
    pub preview: Vec<String>,
    pub error: Option<String>,
}

/// What choosing an entry leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Chosen {
    /// Nothing selected (an empty list).
    Nothing,
    /// The picker moved into a folder.
    Folder,
    /// A file or model folder and what it is.
    File(PathBuf, FileRole),
}

impl Picker {
    /// The picker on `dir`.
    pub fn folder(dir: &Path) -> Self {
        let mut p = Self::empty(PickerList::Folder, dir);
        p.entries = list_dir(dir).unwrap_or_else(|e| {
            p.error = Some(e);
            Vec::new()
        });
        p.refilter();
        p
    }

    /// The picker on the recent files (collections first), keeping `dir` for Tab.
    pub fn recent(recent: &Recent, dir: &Path) -> Self {
        let mut p = Self::empty(PickerList::Recent, dir);
        let collections = recent.collections.iter().map(|c| &c.path);
        p.entries = collections
            .chain(&recent.vectors)
            .filter(|path| path.exists())
            .map(|path| Entry {
                path: path.clone(),
                label: path.display().to_string(),
                is_dir: false,
            })
            .collect();
        p.refilter();
        p
    }

    fn empty(list: PickerList, dir: &Path) -> Self {
        Self {
            list,
            dir: dir.to_path_buf(),
            filter: String::new(),
            entries: Vec::new(),
            shown: Vec::new(),
            selected: 0,
            role: None,
            preview: Vec::new(),
            error: None,
        }
    }

    /// Changes the filter and lists what matches, best match first.
    pub fn set_filter(&mut self, filter: String) {
        self.filter = filter;
        self.refilter();
    }

    fn refilter(&mut self) {
        let mut matcher = Matcher::new(MatchConfig::DEFAULT.match_paths());
        let pattern = Pattern::parse(&self.filter, CaseMatching::Smart, Normalization::Smart);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, Shown)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut indices = Vec::new();
            let hay = Utf32Str::new(&e.label, &mut buf);
            if let Some(score) = pattern.indices(hay, &mut matcher, &mut indices) {
                indices.sort_unstable();
                indices.dedup();
                let matched = indices.into_iter().map(|x| x as usize).collect();
                scored.push((score, Shown { entry: i, matched }));
            }
        }
        // Best score first; the list's own order among equals (sort is stable).
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        self.shown = scored.into_iter().map(|(_, s)| s).collect();
        self.selected = 0;
        self.load_preview();
    }

    /// The selected entry, if the filter leaves any.
    pub fn current(&self) -> Option<&Entry> {
        self.shown
            .get(self.selected)
            .map(|s| &self.entries[s.entry])
    }

    /// Moves the selection by `delta` rows, within the list.
    pub fn step(&mut self, delta: isize) {
        if self.shown.is_empty() {
            return;
        }
        let last = self.shown.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.load_preview();
    }

    fn load_preview(&mut self) {
        self.preview.clear();
        self.role = None;
        let Some(entry) = self.current() else { return };
        let path = entry.path.clone();
        match files::role_of(&path).and_then(|role| {
            let lines = files::preview(&path, role, PREVIEW_LINES)?;
            Ok((role, lines))
        }) {
            Ok((role, lines)) => {
                self.role = Some(role);
                self.preview = lines;
            }
            Err(e) => self.preview = vec![e.to_string()],
        }
    }

    /// Enter: goes into a folder (staying in the picker), or hands back the chosen file.
    pub fn choose(&mut self) -> Chosen {
        let Some(entry) = self.current().cloned() else {
            return Chosen::Nothing;
        };
        match self.role {
            Some(FileRole::Folder) => {
                *self = Picker::folder(&entry.path);
                Chosen::Folder
            }
            Some(role) => Chosen::File(entry.path, role),
            None => Chosen::Nothing,
        }
    }

    /// Backspace on an empty filter: the parent folder.
    pub fn up(&mut self) {
        if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            *self = Picker::folder(parent);
        }
    }

    /// Tab: between the folder and the recent files.
    pub fn toggle(&mut self, recent: &Recent) {
        *self = match self.list {
            PickerList::Folder => Picker::recent(recent, &self.dir),
            PickerList::Recent => Picker::folder(&self.dir.clone()),
        };
    }
}

/// The entries of `dir`: its parent, then folders, then files, each by name; hidden ones left
/// out.
fn list_dir(dir: &Path) -> std::result::Result<Vec<Entry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<Entry> = read
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let path = e.path();
            let is_dir = path.is_dir();
            let name = e.file_name().to_string_lossy().into_owned();
            Entry {
                label: if is_dir { format!("{name}/") } else { name },
                path,
                is_dir,
            }
        })
        .collect();
    entries.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then(a.label.cmp(&b.label)));
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        entries.insert(
            0,
            Entry {
                path: parent.to_path_buf(),
                label: "../".into(),
                is_dir: true,
            },
        );
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let data = crate::Config::default().data_file("bbc-news.csv");
        std::fs::copy(&data, dir.path().join("bbc-news.csv")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "first line\nsecond line\n").unwrap();
        std::fs::write(dir.path().join("vectors.vec"), "1 2\nword 0.5 0.25\n").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        std::fs::create_dir(dir.path().join("news")).unwrap();
        dir
    }

    fn labels(p: &Picker) -> Vec<&str> {
        p.shown
            .iter()
            .map(|s| p.entries[s.entry].label.as_str())
            .collect()
    }

    #[test]
    fn lists_folders_first_and_filters_fuzzily_with_the_matched_letters() {
        let dir = folder();
        let mut p = Picker::folder(dir.path());
        assert_eq!(
            labels(&p),
            ["../", "news/", "bbc-news.csv", "notes.txt", "vectors.vec"]
        );
        p.set_filter("bnc".into());
        assert_eq!(labels(&p), ["bbc-news.csv"]);
        // b, n, then the c of ".csv": the positions the list highlights.
        assert_eq!(p.shown[0].matched, [0, 4, 9]);
        assert_eq!(
            p.role,
            Some(FileRole::Table(crate::text::CorpusFormat::Csv))
        );
        assert!(p.preview[0].contains("category"), "{:?}", p.preview);
        p.set_filter("zzz".into());
        assert!(p.shown.is_empty() && p.choose() == Chosen::Nothing);
    }

    #[test]
    fn choosing_enters_folders_and_hands_back_files_with_their_role() {
        let dir = folder();
        let mut p = Picker::folder(dir.path());
        p.set_filter("news/".into());
        assert_eq!(p.choose(), Chosen::Folder);
        assert_eq!(p.dir, dir.path().join("news"));
        assert_eq!(labels(&p), ["../"]);
        p.up();
        assert_eq!(p.dir, dir.path());
        p.set_filter("vec".into());
        match p.choose() {
            Chosen::File(path, FileRole::Vectors(_)) => assert!(path.ends_with("vectors.vec")),
            other => panic!("{other:?}"),
        }
        p.set_filter("notes".into());
        assert_eq!(p.role, Some(FileRole::Lines));
        assert_eq!(p.preview[1], "first line");
        p.step(5);
        assert_eq!(p.selected, 0, "one match: the selection stays in the list");
    }
}
