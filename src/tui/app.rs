//! The TUI's state and its one `update` function: every key, mouse event, tick and job event
//! goes through `App::update`, which changes the state and queues `Request`s for background
//! work. Rendering reads the state and never changes it, so views are tested with a fixed state.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::classify::compare::CompareReport;
use crate::classify::pipeline::{Docs, Pipeline};
use crate::config::Config;
use crate::dataset::Summary;
use crate::embed::eval::EvalReport;
use crate::embed::projection::pca_2d;
use crate::embed::trainer::TrainConfig;
use crate::embed::{AnalogyMethod, Embeddings};
use crate::search::judgments::Judgments;
use crate::search::{Hit, Mode, SearchIndex, TermScore};
use crate::text::{CorpusSpec, Tokenizer};

use super::columns::ColumnDialog;
use super::history::History;
use super::jobs::{JobEvent, JobKind, JobOutput, jobs_after};
use super::keymap::{Action, KeyMap, Scope};
use super::layout;
use super::picker::Picker;
use super::recent::Recent;
pub use super::tab::Tab;
use super::theme::Palette;
use super::train_form::TrainField;

/// Everything that can happen to the app.
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passes (debounced queries run on ticks).
    Tick,
    Job(JobEvent),
}

/// Background work the app asks the runtime for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Train vectors with these settings (Train tab).
    Train(TrainConfig),
    /// Stop the training (its previous vectors stay).
    CancelTraining,
    /// Open another collection; the jobs restart on it with the current vectors.
    OpenCollection(CorpusSpec),
    /// Use these vectors (a file or a static model folder) in every tab.
    OpenVectors(PathBuf),
    /// Stop every running job (the previous artifacts stay in use).
    CancelJobs,
    /// Label the collection with the classifier into this CSV.
    ExportPredictions(PathBuf),
}

/// A running job as the status bar shows it.
#[derive(Debug, Clone, Default)]
pub struct JobStatus {
    pub stage: String,
    pub done: u64,
    pub total: u64,
    /// Units per second since the previous report.
    pub rate: Option<f64>,
    last: Option<(Instant, u64)>,
}

impl JobStatus {
    /// Share of the job done, 0 to 1.
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0)
        }
    }
}

/// What the views read: the dataset and the artifacts built so far.
#[derive(Default)]
pub struct Loaded {
    /// Documents in the collection (None until read).
    pub rows: Option<usize>,
    /// Class counts and lengths of a labelled collection.
    pub summary: Option<Summary>,
    /// The class names, in label-id order.
    pub labels: Vec<String>,
    /// The word vectors in use.
    pub embeddings: Option<Arc<Embeddings>>,
    /// Where they came from, as the status bar names them.
    pub embeddings_source: String,
    /// Their scores on the word-similarity and analogy sets.
    pub scores: Option<EvalReport>,
    /// The search index over the collection.
    pub index: Option<Arc<SearchIndex>>,
    /// The "try it" classifier.
    pub classifier: Option<Arc<Pipeline>>,
    /// With vs without embeddings on a held-out split.
    pub comparison: Option<CompareReport>,
    /// The same with vectors trained on the split, shown beside it (`[tui] compare_trained`).
    pub comparison_trained: Option<CompareReport>,
}

/// The Search tab: query, mode, label filter, hits and preview.
#[derive(Default)]
pub struct SearchState {
    pub query: String,
    pub mode: Option<Mode>,
    /// Index into the dataset's labels; None: all labels.
    pub label: Option<usize>,
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// The selected document's full text, for the preview.
    pub preview: String,
    pub preview_scroll: u16,
    /// The preview fills the screen (Enter).
    pub preview_open: bool,
    pub error: Option<String>,
    /// BM25 of the selected hit, query term by query term.
    pub terms: Vec<TermScore>,
    /// The judgments panel (e) is open, and what it shows.
    pub panel_open: bool,
    pub panel: Option<JudgePanel>,
    /// Browsing the history: the entry shown, and what was typed before browsing.
    pub history_pos: Option<usize>,
    pub history_draft: String,
    /// Ctrl-R's pattern while searching the history.
    pub reverse: Option<String>,
}

impl SearchState {
    /// The search mode in use: the chosen one, else hybrid.
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Hybrid)
    }
}

/// The Classify tab: selected method, panel, try-it text and its prediction.
#[derive(Default)]
pub struct ClassifyState {
    /// Selected row of the comparison table (its confusion matrix is drawn).
    pub selected: usize,
    /// What the large panel under the table shows (`v` cycles).
    pub panel: ClassifyPanel,
    /// Selected row of the disagreement list, and whether it is open full screen.
    pub disagreement: usize,
    pub disagreement_open: bool,
    pub input: String,
    /// Class probabilities of the "try it" text, highest first.
    pub probabilities: Vec<(String, f64)>,
    /// Words that pushed the decision towards the top class, strongest first.
    pub reasons: Vec<crate::classify::pipeline::Reason>,
}

/// The Classify tab's large panel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClassifyPanel {
    /// Test accuracy of every method against labelled rows (log scale).
    #[default]
    LearningCurve,
    /// Test rows where bag-of-words and the best embedding method disagree.
    Disagreements,
    /// The selected method's reliability curve (confidence vs accuracy).
    Reliability,
}

impl ClassifyPanel {
    /// The next panel `v` shows.
    pub fn next(self) -> Self {
        match self {
            Self::LearningCurve => Self::Disagreements,
            Self::Disagreements => Self::Reliability,
            Self::Reliability => Self::LearningCurve,
        }
    }
}

/// The Embeddings tab: the typed word or analogy, neighbours and their projection.
#[derive(Default)]
pub struct EmbeddingsState {
    pub input: String,
    /// What the neighbour list answers ("neighbours of x" or "b : a :: c : ?" for a − b + c).
    pub heading: String,
    pub neighbors: Vec<(String, f32)>,
    pub selected: usize,
    /// The query word and its neighbours on their first two principal components.
    pub projection: Vec<(String, f64, f64)>,
    pub error: Option<String>,
}

/// The Train tab: the settings form and the running training's progress.
pub struct TrainState {
    pub config: TrainConfig,
    /// The selected setting.
    pub field: TrainField,
    pub running: bool,
    /// (seconds since start, loss) points for the chart.
    pub loss: Vec<(f64, f64)>,
    pub started: Option<Instant>,
    pub words_per_sec: Option<f64>,
    pub message: String,
}

/// The whole TUI state; `update` changes it, the views only read it.
/// What is drawn over the tabs and takes the keys first: the help (with its filter), the file
/// picker (o) and, over it, the column dialog of a chosen table.
#[derive(Default)]
pub struct Overlay {
    pub help: bool,
    /// What is typed while the help shows: only matching actions are listed.
    pub help_filter: String,
    pub picker: Option<Picker>,
    pub columns: Option<ColumnDialog>,
}

/// What the status line shows: the collection's name, each job's state, errors, and what the
/// last action did.
pub struct Status {
    pub data_name: String,
    pub jobs: BTreeMap<JobKind, JobStatus>,
    pub errors: Vec<String>,
    /// What the last action did ("wrote 30 results to …"); shown until the next one.
    pub notice: Option<String>,
}

/// The TUI's own settings, read from `config.toml` once.
struct Settings {
    /// How queries and "try it" texts become tokens (`[tokenizer]`).
    tokenizer: Tokenizer,
    /// How long typing pauses before a search runs (`tui.debounce_ms`).
    debounce: Duration,
    /// Hits shown (`tui.results`).
    results: usize,
    /// Neighbours listed (`tui.neighbors`).
    neighbors: usize,
    /// Replace invalid UTF-8 in collections instead of refusing them (`data.lossy_utf8`).
    lossy_utf8: bool,
}

pub struct App {
    pub tab: Tab,
    /// The current tab's text field has the keyboard.
    pub editing: bool,
    /// What is drawn over the tabs: help, the file picker, the column dialog.
    pub overlay: Overlay,
    /// Recent collections and vectors, and the columns chosen per file.
    pub recent: Recent,
    /// Which key does what (`[keys]`), and the colours (`tui.theme`, `NO_COLOR`).
    pub keymap: KeyMap,
    pub palette: Palette,
    /// Where exports are written (the folder the TUI was started in).
    pub export_dir: PathBuf,
    /// A hit to open in the editor (its id and line), taken by the event loop.
    pub edit: Option<(String, u32)>,
    pub quit: bool,
    pub area: Rect,
    /// The status line: the collection, the jobs, errors and the last notice.
    pub status: Status,
    pub loaded: Loaded,
    pub search: SearchState,
    pub classify: ClassifyState,
    pub embed: EmbeddingsState,
    pub train: TrainState,
    /// Relevance judgments and the query history of this collection.
    pub judgments: Judgments,
    pub history: History,
    pub requests: Vec<Request>,
    /// What the TUI was started with from `config.toml`.
    settings: Settings,
    /// When the search / "try it" text last changed and has not been run yet.
    search_pending: Option<Instant>,
    try_pending: Option<Instant>,
    /// `tui --engine`: the Search tab asks this engine collection instead of the index.
    #[cfg(feature = "milvus")]
    pub engine: Option<engine_backend::EngineBackend>,
}

#[cfg(feature = "milvus")]
pub mod engine_backend;
mod export;
mod input;
mod job_events;
mod judging;
mod opening;
mod queries;

pub use judging::JudgePanel;

impl App {
    /// The state at start, before any job has delivered.
    pub fn new(config: &Config, data_name: &str) -> Self {
        let train_config = config.word2vec.clone();
        let mut jobs = BTreeMap::new();
        jobs.insert(JobKind::Data, JobStatus::default());
        // The config was validated (its user dictionary read) before the TUI started; a file
        // changed since is shown, and the bundled dictionary used.
        let (tokenizer, errors) = match Tokenizer::new(&config.tokenizer) {
            Ok(t) => (t, Vec::new()),
            Err(e) => (Tokenizer::default(), vec![e.to_string()]),
        };
        Self {
            tab: Tab::Search,
            editing: true,
            overlay: Overlay::default(),
            recent: Recent::default(),
            keymap: KeyMap::from_config(&config.keys).unwrap_or_default(),
            palette: Palette::from_env(config.tui.theme),
            export_dir: PathBuf::from("."),
            edit: None,
            quit: false,
            area: Rect::new(0, 0, 120, 40),
            status: Status {
                data_name: data_name.to_string(),
                jobs,
                errors,
                notice: None,
            },
            loaded: Loaded::default(),
            search: SearchState::default(),
            classify: ClassifyState::default(),
            embed: EmbeddingsState::default(),
            train: TrainState {
                config: train_config,
                field: TrainField::Model,
                running: false,
                loss: Vec::new(),
                started: None,
                words_per_sec: None,
                message: "Enter starts training; the new vectors replace the current ones".into(),
            },
            judgments: Judgments::default(),
            history: History::default(),
            requests: Vec::new(),
            settings: Settings {
                tokenizer,
                debounce: Duration::from_millis(config.tui.debounce_ms),
                results: config.tui.results.max(1),
                neighbors: config.tui.neighbors.max(1),
                lossy_utf8: config.data.lossy_utf8,
            },
            search_pending: None,
            try_pending: None,
            #[cfg(feature = "milvus")]
            engine: None,
        }
    }

    /// The first action of `scopes` bound to `k`.
    pub fn action(&self, k: &KeyEvent, scopes: &[Scope]) -> Option<Action> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| scopes.contains(&a.scope()) && self.keymap.is(k, *a))
    }

    /// The one place state changes. `now` drives debouncing and rates.
    pub fn update(&mut self, msg: Msg, now: Instant) {
        match msg {
            Msg::Key(k) if k.kind != KeyEventKind::Release => self.key(k, now),
            Msg::Key(_) => {}
            Msg::Mouse(m) => self.mouse(m),
            Msg::Resize(w, h) => self.area = Rect::new(0, 0, w, h),
            Msg::Tick => self.tick(now),
            Msg::Job(e) => self.job(e, now),
        }
    }

    /// Something is still running (the runtime keeps ticking fast while so).
    pub fn busy(&self) -> bool {
        !self.status.jobs.is_empty() || self.search_pending.is_some() || self.try_pending.is_some()
    }
}

#[cfg(test)]
mod tests;
