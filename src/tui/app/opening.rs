//! Opening from inside: the file picker's keys, the column dialog, and switching the
//! collection or the vectors every tab works on.

use std::path::{Path, PathBuf};

use super::*;
use crate::text::CorpusFormat;
use crate::tui::columns::{ColumnChoice, ColumnRole};
use crate::tui::files::{FileRole, table_head};
use crate::tui::picker::Chosen;

/// Rows of a table read to guess its columns.
const GUESS_ROWS: usize = 50;

impl App {
    /// The recent-files list kept in `file` (`recent` entries of each kind).
    pub fn with_recent(mut self, file: PathBuf, capacity: usize) -> Self {
        self.recent = match Recent::load(file.clone(), capacity) {
            Ok(r) => r,
            Err(e) => {
                self.status.errors.push(e.to_string());
                Recent::empty(file, capacity)
            }
        };
        self
    }

    /// Opens the picker on `dir` (o), or on the recent files (R).
    pub fn open_picker(&mut self, dir: &Path, recent: bool) {
        self.overlay.picker = Some(if recent {
            Picker::recent(&self.recent, dir)
        } else {
            Picker::folder(dir)
        });
        self.overlay.columns = None;
        self.editing = false;
    }

    /// Keys while the picker shows: typing filters, arrows move, Enter opens, Tab switches to
    /// the recent files, Backspace on an empty filter goes up a folder, Esc closes.
    pub(super) fn picker_key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let Some(p) = self.overlay.picker.as_mut() else {
            return;
        };
        match k.code {
            KeyCode::Esc => self.overlay.picker = None,
            KeyCode::Down => p.step(1),
            KeyCode::Up => p.step(-1),
            KeyCode::Char('n') if ctrl => p.step(1),
            KeyCode::Char('p') if ctrl => p.step(-1),
            KeyCode::PageDown => p.step(10),
            KeyCode::PageUp => p.step(-10),
            KeyCode::Tab | KeyCode::BackTab => p.toggle(&self.recent),
            KeyCode::Backspace if p.filter.is_empty() => p.up(),
            KeyCode::Backspace => {
                let mut f = p.filter.clone();
                f.pop();
                p.set_filter(f);
            }
            KeyCode::Char('u') if ctrl => p.set_filter(String::new()),
            KeyCode::Char(c) if !ctrl => {
                let f = format!("{}{c}", p.filter);
                p.set_filter(f);
            }
            KeyCode::Enter => match p.choose() {
                Chosen::File(path, role) => self.chosen(path, role),
                Chosen::Folder | Chosen::Nothing => {}
            },
            _ => {}
        }
    }

    /// A file was chosen: a table asks for its columns, a line file opens, vectors switch.
    fn chosen(&mut self, path: PathBuf, role: FileRole) {
        match role {
            FileRole::Table(format) => {
                match table_head(&path, format == CorpusFormat::Tsv, GUESS_ROWS) {
                    Ok((header, rows)) => {
                        let remembered = self.recent.columns_for(&path);
                        let dialog = ColumnDialog::new(path, format, header, &rows, remembered);
                        self.overlay.columns = Some(dialog);
                    }
                    Err(e) => {
                        if let Some(p) = self.overlay.picker.as_mut() {
                            p.error = Some(e.to_string());
                        }
                    }
                }
            }
            FileRole::Lines => {
                let spec = CorpusSpec {
                    lossy_utf8: self.settings.lossy_utf8,
                    ..CorpusSpec::new(&path)
                };
                self.open_collection(spec, None);
            }
            FileRole::Vectors(_) | FileRole::Model => self.switch_vectors(path),
            FileRole::Folder => {}
        }
    }

    /// Keys of the column dialog: ↑↓ pick a column, → / ← change its role, Space makes it
    /// a text column or not, Enter opens the table, Esc goes back to the picker.
    pub(super) fn columns_key(&mut self, k: KeyEvent) {
        let Some(d) = self.overlay.columns.as_mut() else {
            return;
        };
        let role = d
            .roles
            .get(d.selected)
            .copied()
            .unwrap_or(ColumnRole::Unused);
        match k.code {
            KeyCode::Esc => self.overlay.columns = None,
            KeyCode::Down | KeyCode::Char('j') => {
                d.selected = (d.selected + 1).min(d.header.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => d.selected = d.selected.saturating_sub(1),
            KeyCode::Char(' ') if role == ColumnRole::Text => d.set_role(ColumnRole::Unused),
            KeyCode::Char(' ') => d.set_role(ColumnRole::Text),
            KeyCode::Right | KeyCode::Char('l') => d.set_role(role.next()),
            KeyCode::Left | KeyCode::Char('h') => d.set_role(role.previous()),
            KeyCode::Enter => {
                if let Some(choice) = d.confirm() {
                    let spec = choice.spec(d.path.clone(), d.format, self.settings.lossy_utf8);
                    self.open_collection(spec, Some(choice));
                }
            }
            _ => {}
        }
    }

    /// Asks for `spec` to be opened: everything shown of the old collection goes, the jobs
    /// restart on the new one (the vectors stay).
    pub fn open_collection(&mut self, spec: CorpusSpec, columns: Option<ColumnChoice>) {
        if let Err(e) = self.recent.opened_collection(&spec.path, columns) {
            self.status.errors.push(e.to_string());
        }
        self.stop_for_switch();
        self.loaded = Loaded {
            embeddings_source: std::mem::take(&mut self.loaded.embeddings_source),
            ..Loaded::default()
        };
        self.search = SearchState::default();
        self.classify = ClassifyState::default();
        self.embed = EmbeddingsState::default();
        self.status.jobs.insert(JobKind::Data, JobStatus::default());
        self.status.data_name = spec
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.status.notice = Some(format!("opening {}", spec.path.display()));
        self.requests.push(Request::OpenCollection(spec));
    }

    /// The runtime opened the collection whose artifacts are in `dir`: its judgments and
    /// history replace the old ones.
    pub fn collection_opened(&mut self, dir: &Path, name: &str) {
        self.load_collection(dir);
        self.status.data_name = name.to_string();
    }

    /// Asks for `path` as the vectors of every tab. What is shown stays until the new
    /// vectors' index, classifier and comparison arrive.
    pub fn switch_vectors(&mut self, path: PathBuf) {
        if let Err(e) = self.recent.opened_vectors(&path) {
            self.status.errors.push(e.to_string());
        }
        self.stop_for_switch();
        for kind in [JobKind::Data, JobKind::Vectors] {
            self.status.jobs.insert(kind, JobStatus::default());
        }
        self.status.notice = Some(format!("switching to the vectors {}", path.display()));
        self.requests.push(Request::OpenVectors(path));
    }

    /// A switch stops every job of the old setup; their reports will not arrive.
    fn stop_for_switch(&mut self) {
        self.overlay.picker = None;
        self.overlay.columns = None;
        self.status.jobs.clear();
        if self.train.running {
            self.train.running = false;
            self.train.message = "training stopped: other data or vectors were opened".into();
        }
    }
}
