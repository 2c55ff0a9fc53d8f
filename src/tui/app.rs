//! The TUI's state and its one `update` function: every key, mouse event, tick and job event
//! goes through `App::update`, which changes the state and queues `Request`s for background
//! work. Rendering reads the state and never changes it, so views are tested with a fixed state.

use std::collections::BTreeMap;
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
use crate::embed::word2vec::{Model, Word2VecConfig};
use crate::embed::{AnalogyMethod, Embeddings};
use crate::search::{Hit, Mode, SearchIndex};
use crate::text::Tokenizer;

use super::jobs::{JobEvent, JobKind, Ready};
use super::layout;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Search,
    Classify,
    Embeddings,
    Train,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Search, Tab::Classify, Tab::Embeddings, Tab::Train];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Search => "Search",
            Tab::Classify => "Classify",
            Tab::Embeddings => "Embeddings",
            Tab::Train => "Train",
        }
    }
    fn index(self) -> usize {
        Tab::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }
}

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
    Train(Word2VecConfig),
    CancelTraining,
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
pub struct Resources {
    pub rows: Option<usize>,
    pub summary: Option<Summary>,
    pub labels: Vec<String>,
    pub embeddings: Option<Arc<Embeddings>>,
    pub embeddings_source: String,
    pub scores: Option<EvalReport>,
    pub index: Option<Arc<SearchIndex>>,
    pub classifier: Option<Arc<Pipeline>>,
    pub comparison: Option<CompareReport>,
}

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
}

impl SearchState {
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Hybrid)
    }
}

#[derive(Default)]
pub struct ClassifyState {
    /// Selected row of the comparison table (its confusion matrix is drawn).
    pub selected: usize,
    pub input: String,
    /// Class probabilities of the "try it" text, highest first.
    pub probabilities: Vec<(String, f64)>,
    /// Words that pushed the decision towards the top class, strongest first.
    pub reasons: Vec<(String, f64)>,
}

#[derive(Default)]
pub struct EmbeddingsState {
    pub input: String,
    /// What the neighbour list answers ("neighbours of x" or "a : b :: c : ?").
    pub heading: String,
    pub neighbors: Vec<(String, f32)>,
    pub selected: usize,
    /// The query word and its neighbours on their first two principal components.
    pub projection: Vec<(String, f64, f64)>,
    pub error: Option<String>,
}

/// The Train tab's form fields, in order.
pub const TRAIN_FIELDS: [&str; 6] = ["model", "dim", "window", "negative", "epochs", "min_count"];

pub struct TrainState {
    pub config: Word2VecConfig,
    pub field: usize,
    pub running: bool,
    /// (seconds since start, loss) points for the chart.
    pub loss: Vec<(f64, f64)>,
    pub started: Option<Instant>,
    pub words_per_sec: Option<f64>,
    pub message: String,
}

pub struct App {
    pub tab: Tab,
    /// The current tab's text field has the keyboard.
    pub editing: bool,
    pub help: bool,
    pub quit: bool,
    pub area: Rect,
    pub data_name: String,
    pub jobs: BTreeMap<JobKind, JobStatus>,
    pub errors: Vec<String>,
    pub res: Resources,
    pub search: SearchState,
    pub classify: ClassifyState,
    pub embed: EmbeddingsState,
    pub train: TrainState,
    pub requests: Vec<Request>,
    tokenizer: Tokenizer,
    debounce: Duration,
    results: usize,
    neighbors: usize,
    /// When the search / "try it" text last changed and has not been run yet.
    search_pending: Option<Instant>,
    try_pending: Option<Instant>,
}

impl App {
    pub fn new(config: &Config, data_name: &str) -> Self {
        let train_config = config.word2vec.clone();
        let mut jobs = BTreeMap::new();
        jobs.insert(JobKind::Data, JobStatus::default());
        Self {
            tab: Tab::Search,
            editing: true,
            help: false,
            quit: false,
            area: Rect::new(0, 0, 120, 40),
            data_name: data_name.to_string(),
            jobs,
            errors: Vec::new(),
            res: Resources::default(),
            search: SearchState::default(),
            classify: ClassifyState::default(),
            embed: EmbeddingsState::default(),
            train: TrainState {
                config: train_config,
                field: 0,
                running: false,
                loss: Vec::new(),
                started: None,
                words_per_sec: None,
                message: "Enter starts training; the new vectors replace the current ones".into(),
            },
            requests: Vec::new(),
            tokenizer: Tokenizer::new(&config.tokenizer),
            debounce: Duration::from_millis(config.tui.debounce_ms),
            results: config.tui.results.max(1),
            neighbors: config.tui.neighbors.max(1),
            search_pending: None,
            try_pending: None,
        }
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
        !self.jobs.is_empty() || self.search_pending.is_some() || self.try_pending.is_some()
    }

    fn key(&mut self, k: KeyEvent, now: Instant) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if self.help {
            // Any key closes the overlay; q and Esc do nothing else.
            self.help = false;
            return;
        }
        if self.editing {
            self.edit_key(k, now);
            return;
        }
        match k.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.help = true,
            KeyCode::Tab => self.switch(Tab::ALL[(self.tab.index() + 1) % 4]),
            KeyCode::BackTab => self.switch(Tab::ALL[(self.tab.index() + 3) % 4]),
            KeyCode::Char(c @ '1'..='4') => self.switch(Tab::ALL[(c as usize) - ('1' as usize)]),
            KeyCode::Char('/') if self.tab != Tab::Train => self.editing = true,
            _ => self.tab_key(k),
        }
    }

    fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.editing = false;
    }

    /// Keys while a text field has focus.
    fn edit_key(&mut self, k: KeyEvent, now: Instant) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Esc => self.editing = false,
            KeyCode::Tab | KeyCode::BackTab => {
                self.editing = false;
                self.key(k, now);
            }
            KeyCode::Up | KeyCode::Down if self.tab == Tab::Search => self.tab_key(k),
            KeyCode::Enter => {
                self.editing = false;
                match self.tab {
                    Tab::Search => self.run_search(),
                    Tab::Classify => self.run_try(),
                    Tab::Embeddings => self.run_embeddings(),
                    Tab::Train => {}
                }
            }
            KeyCode::Char('u') if ctrl => {
                self.input_mut().clear();
                self.changed(now);
            }
            KeyCode::Char(c) if !ctrl => {
                self.input_mut().push(c);
                self.changed(now);
            }
            KeyCode::Backspace => {
                self.input_mut().pop();
                self.changed(now);
            }
            _ => {}
        }
    }

    fn input_mut(&mut self) -> &mut String {
        match self.tab {
            Tab::Search | Tab::Train => &mut self.search.query,
            Tab::Classify => &mut self.classify.input,
            Tab::Embeddings => &mut self.embed.input,
        }
    }

    fn changed(&mut self, now: Instant) {
        match self.tab {
            Tab::Search | Tab::Train => self.search_pending = Some(now),
            Tab::Classify => self.try_pending = Some(now),
            Tab::Embeddings => {}
        }
    }

    fn tick(&mut self, now: Instant) {
        if self
            .search_pending
            .is_some_and(|t| now.duration_since(t) >= self.debounce)
        {
            self.run_search();
        }
        if self
            .try_pending
            .is_some_and(|t| now.duration_since(t) >= self.debounce)
        {
            self.run_try();
        }
    }

    /// Keys of the current tab when no field has focus.
    fn tab_key(&mut self, k: KeyEvent) {
        let down = matches!(k.code, KeyCode::Down | KeyCode::Char('j'));
        let up = matches!(k.code, KeyCode::Up | KeyCode::Char('k'));
        match self.tab {
            Tab::Search => match k.code {
                _ if down => self.select_hit(self.search.selected.saturating_add(1)),
                _ if up => self.select_hit(self.search.selected.saturating_sub(1)),
                KeyCode::Enter => self.search.preview_open = !self.search.preview_open,
                KeyCode::Esc => self.search.preview_open = false,
                KeyCode::Char('m') => {
                    let next = match self.search.mode() {
                        Mode::Hybrid => Mode::Bm25,
                        Mode::Bm25 => Mode::Vector,
                        Mode::Vector => Mode::Hybrid,
                    };
                    self.search.mode = Some(next);
                    self.run_search();
                }
                KeyCode::Char('l') => {
                    let n = self.res.labels.len();
                    self.search.label = match self.search.label {
                        _ if n == 0 => None,
                        None => Some(0),
                        Some(i) if i + 1 < n => Some(i + 1),
                        Some(_) => None,
                    };
                    self.run_search();
                }
                KeyCode::PageDown => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_add(10)
                }
                KeyCode::PageUp => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_sub(10)
                }
                _ => {}
            },
            Tab::Classify => {
                let rows = self.res.comparison.as_ref().map_or(0, |c| c.methods.len());
                if down && self.classify.selected + 1 < rows {
                    self.classify.selected += 1;
                } else if up {
                    self.classify.selected = self.classify.selected.saturating_sub(1);
                }
            }
            Tab::Embeddings => match k.code {
                _ if down && self.embed.selected + 1 < self.embed.neighbors.len() => {
                    self.embed.selected += 1
                }
                _ if up => self.embed.selected = self.embed.selected.saturating_sub(1),
                KeyCode::Enter => {
                    if let Some((w, _)) = self.embed.neighbors.get(self.embed.selected) {
                        self.embed.input = w.clone();
                        self.run_embeddings();
                    }
                }
                _ => {}
            },
            Tab::Train => self.train_key(k, down, up),
        }
    }

    fn train_key(&mut self, k: KeyEvent, down: bool, up: bool) {
        let t = &mut self.train;
        if down {
            t.field = (t.field + 1).min(TRAIN_FIELDS.len() - 1);
            return;
        }
        if up {
            t.field = t.field.saturating_sub(1);
            return;
        }
        let step: i64 = match k.code {
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+') => 1,
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('-') => -1,
            KeyCode::Enter | KeyCode::Char('s') if !t.running => {
                t.running = true;
                t.loss.clear();
                t.started = None;
                t.words_per_sec = None;
                t.message = "training…  (c cancels)".into();
                self.jobs.insert(JobKind::Training, JobStatus::default());
                self.requests.push(Request::Train(t.config.clone()));
                return;
            }
            KeyCode::Char('c') | KeyCode::Esc if t.running => {
                t.message = "cancelling…".into();
                self.requests.push(Request::CancelTraining);
                return;
            }
            _ => return,
        };
        if t.running {
            return;
        }
        let c = &mut t.config;
        let bump = |v: usize, by: i64, lo: usize, hi: usize| {
            (v as i64 + by).clamp(lo as i64, hi as i64) as usize
        };
        match TRAIN_FIELDS[t.field] {
            "model" => {
                const CYCLE: [Model; 5] = [
                    Model::Skipgram,
                    Model::Cbow,
                    Model::FasttextSkipgram,
                    Model::FasttextCbow,
                    Model::Glove,
                ];
                let at = CYCLE.iter().position(|m| *m == c.model).unwrap_or(0) as i64;
                c.model = CYCLE[(at + step).rem_euclid(CYCLE.len() as i64) as usize];
            }
            "dim" => c.dim = bump(c.dim, step * 50, 50, 500),
            "window" => c.window = bump(c.window, step, 1, 20),
            "negative" => c.negative = bump(c.negative, step, 1, 30),
            "epochs" => c.epochs = bump(c.epochs, step, 1, 50),
            _ => c.min_count = bump(c.min_count as usize, step, 1, 100) as u64,
        }
    }

    fn mouse(&mut self, m: MouseEvent) {
        let (lists, _) = layout::lists(self.tab, self.area);
        match m.kind {
            MouseEventKind::ScrollDown => self.tab_key(KeyEvent::from(KeyCode::Down)),
            MouseEventKind::ScrollUp => self.tab_key(KeyEvent::from(KeyCode::Up)),
            MouseEventKind::Down(MouseButton::Left) => {
                // Tab bar: the titles are laid out left to right.
                if m.row == 0 {
                    let mut x = 1u16;
                    for tab in Tab::ALL {
                        let w = tab.title().len() as u16 + 6;
                        if m.column < x + w {
                            self.switch(tab);
                            return;
                        }
                        x += w;
                    }
                    return;
                }
                let Some(list) = lists else { return };
                let inside = m.column >= list.x
                    && m.column < list.x + list.width
                    && m.row > list.y
                    && m.row < list.y + list.height.saturating_sub(1);
                if !inside {
                    return;
                }
                let row = (m.row - list.y - 1) as usize;
                match self.tab {
                    Tab::Search => {
                        let first = layout::first_visible(self.search.selected, list);
                        self.select_hit(first + row / 2)
                    }
                    Tab::Classify => {
                        let rows = self.res.comparison.as_ref().map_or(0, |c| c.methods.len());
                        // One header row above the methods.
                        if row >= 1 && row - 1 < rows {
                            self.classify.selected = row - 1;
                        }
                    }
                    Tab::Embeddings if row < self.embed.neighbors.len() => {
                        self.embed.selected = row
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn select_hit(&mut self, i: usize) {
        if self.search.hits.is_empty() {
            return;
        }
        let i = i.min(self.search.hits.len() - 1);
        if i != self.search.selected || self.search.preview.is_empty() {
            self.search.selected = i;
            self.search.preview_scroll = 0;
            self.search.preview = match &self.res.index {
                Some(ix) => ix.text(self.search.hits[i].doc).unwrap_or_default(),
                None => String::new(),
            };
        }
    }

    /// Runs the query in the search box (when the index is ready).
    pub fn run_search(&mut self) {
        self.search_pending = None;
        let Some(ix) = self.res.index.clone() else {
            return;
        };
        let s = &mut self.search;
        s.selected = 0;
        s.preview.clear();
        s.preview_scroll = 0;
        if s.query.trim().is_empty() {
            s.hits.clear();
            s.error = None;
            return;
        }
        let label = s.label.and_then(|i| self.res.labels.get(i)).cloned();
        match ix.search(&s.query, s.mode(), self.results, label.as_deref()) {
            Ok(hits) => {
                s.hits = hits;
                s.error = None;
            }
            Err(e) => {
                s.hits.clear();
                s.error = Some(e.to_string());
            }
        }
        self.select_hit(0);
    }

    /// Classifies the "try it" text with the fitted model.
    pub fn run_try(&mut self) {
        self.try_pending = None;
        let Some(model) = self.res.classifier.clone() else {
            return;
        };
        let c = &mut self.classify;
        let tokens = self.tokenizer.tokenize(&c.input);
        if tokens.is_empty() {
            c.probabilities.clear();
            c.reasons.clear();
            return;
        }
        let text = [c.input.as_str()];
        let proba = model
            .predict_proba(Docs::new(&text, std::slice::from_ref(&tokens)))
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        let mut ranked: Vec<(String, f64)> = model.labels.iter().cloned().zip(proba).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top = ranked
            .first()
            .and_then(|(l, _)| model.labels.iter().position(|x| x == l))
            .unwrap_or(0);
        c.reasons = model.explain(&tokens, top, 8);
        c.probabilities = ranked;
    }

    /// Neighbours of one word, or the analogy `a b c` (a : b :: c : ?), and the projection.
    pub fn run_embeddings(&mut self) {
        let Some(emb) = self.res.embeddings.clone() else {
            return;
        };
        let e = &mut self.embed;
        e.selected = 0;
        let words: Vec<String> = e
            .input
            .split(|c: char| c.is_whitespace() || c == ':' || c == ',')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect();
        let result = match words.as_slice() {
            [] => return,
            [w] => {
                e.heading = format!("neighbours of {w}");
                emb.most_similar(w, self.neighbors)
            }
            [a, b, c] => {
                e.heading = format!("{a} : {b} :: {c} : ?");
                emb.analogy(a, b, c, self.neighbors, AnalogyMethod::CosAdd, 0)
            }
            _ => {
                e.error = Some("type one word, or three for an analogy (a b c)".into());
                return;
            }
        };
        match result {
            Ok(list) => {
                e.neighbors = list;
                e.error = None;
                let center = words.last().cloned().unwrap_or_default();
                let mut names = vec![center];
                names.extend(e.neighbors.iter().map(|(w, _)| w.clone()));
                let rows: Vec<Vec<f32>> = names
                    .iter()
                    .filter_map(|w| emb.index_of(w).map(|i| emb.unit(i)))
                    .collect();
                let rows: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
                let points = pca_2d(&rows);
                e.projection = names
                    .into_iter()
                    .zip(points)
                    .map(|(w, (x, y))| (w, x, y))
                    .collect();
            }
            Err(err) => {
                e.neighbors.clear();
                e.projection.clear();
                e.error = Some(err.to_string());
            }
        }
    }

    fn job(&mut self, event: JobEvent, now: Instant) {
        match event {
            JobEvent::Progress {
                job,
                stage,
                done,
                total,
                metrics,
            } => {
                let s = self.jobs.entry(job).or_default();
                if let Some((t, d)) = s.last {
                    let dt = now.duration_since(t).as_secs_f64();
                    if dt > 0.05 && done >= d {
                        s.rate = Some((done - d) as f64 / dt);
                        s.last = Some((now, done));
                    }
                } else {
                    s.last = Some((now, done));
                }
                s.stage = stage;
                s.done = done;
                s.total = total;
                if job == JobKind::Training {
                    let t = &mut self.train;
                    let started = *t.started.get_or_insert(now);
                    t.words_per_sec = s.rate;
                    if let Some((_, loss)) = metrics.iter().find(|(k, _)| k == "loss") {
                        let x = now.duration_since(started).as_secs_f64();
                        if loss.is_finite() && *loss > 0.0 {
                            t.loss.push((x, *loss));
                        }
                    }
                }
            }
            JobEvent::Failed(job, message) => {
                self.jobs.remove(&job);
                if job == JobKind::Training {
                    self.train.running = false;
                    self.train.message = if message.contains("cancel") {
                        "training cancelled; the previous vectors stay".into()
                    } else {
                        format!("training failed: {message}")
                    };
                }
                if !message.contains("cancel") {
                    self.errors.push(format!("{}: {message}", job.name()));
                }
            }
            JobEvent::Ready(job, ready) => {
                // One thread may finish several jobs (classifier, then comparison).
                self.jobs.remove(&job);
                self.jobs.remove(&ready.kind());
                self.ready(job, ready);
            }
        }
    }

    fn ready(&mut self, job: JobKind, ready: Ready) {
        match ready {
            Ready::Data {
                rows,
                summary,
                labels,
            } => {
                self.res.rows = Some(rows);
                self.res.summary = summary;
                self.res.labels = labels;
                self.jobs.entry(JobKind::Embeddings).or_default();
            }
            Ready::Embeddings {
                embeddings, source, ..
            } => {
                self.res.embeddings = Some(embeddings);
                self.res.embeddings_source = source;
                self.jobs.entry(JobKind::Scores).or_default();
                // A cached index may already be open; new vectors rebuild it.
                if self.res.index.is_none() || job == JobKind::Training {
                    self.jobs.entry(JobKind::Index).or_default();
                }
                if self.res.summary.is_some() {
                    self.jobs.entry(JobKind::Classifier).or_default();
                    self.jobs.entry(JobKind::Comparison).or_default();
                }
                if job == JobKind::Training {
                    self.train.running = false;
                    self.train.message =
                        "done: the new vectors are in use; index and classifier are rebuilding"
                            .into();
                }
                self.run_embeddings();
            }
            Ready::Scores(s) => self.res.scores = Some(*s),
            Ready::Index(ix) => {
                self.res.index = Some(ix);
                self.run_search();
            }
            Ready::Classifier(m) => {
                self.res.classifier = Some(m);
                self.run_try();
            }
            Ready::Comparison(c) => {
                self.classify.selected = 0;
                self.res.comparison = Some(*c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        App::new(&Config::default(), "test.csv")
    }

    fn press(app: &mut App, keys: &str) {
        for c in keys.chars() {
            app.update(Msg::Key(KeyEvent::from(KeyCode::Char(c))), Instant::now());
        }
    }

    fn key(app: &mut App, code: KeyCode) {
        app.update(Msg::Key(KeyEvent::from(code)), Instant::now());
    }

    #[test]
    fn starts_typing_in_search_and_esc_leaves_the_field() {
        let mut a = app();
        assert!(a.editing && a.tab == Tab::Search);
        press(&mut a, "q2");
        // While typing, q and digits are text, not commands.
        assert_eq!(a.search.query, "q2");
        assert!(!a.quit && a.tab == Tab::Search);
        key(&mut a, KeyCode::Backspace);
        assert_eq!(a.search.query, "q");
        key(&mut a, KeyCode::Esc);
        assert!(!a.editing);
        press(&mut a, "3");
        assert_eq!(a.tab, Tab::Embeddings);
        press(&mut a, "q");
        assert!(a.quit);
    }

    #[test]
    fn tabs_cycle_both_ways_and_ctrl_c_always_quits() {
        let mut a = app();
        key(&mut a, KeyCode::Tab);
        assert_eq!(a.tab, Tab::Classify);
        assert!(!a.editing);
        key(&mut a, KeyCode::BackTab);
        key(&mut a, KeyCode::BackTab);
        assert_eq!(a.tab, Tab::Train);
        press(&mut a, "/");
        assert!(!a.editing, "Train has no text field");
        press(&mut a, "2/");
        assert!(a.editing && a.tab == Tab::Classify);
        a.update(
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Instant::now(),
        );
        assert!(a.quit);
    }

    #[test]
    fn help_opens_with_question_mark_and_any_key_closes_it() {
        let mut a = app();
        key(&mut a, KeyCode::Esc);
        press(&mut a, "?");
        assert!(a.help);
        press(&mut a, "q");
        assert!(!a.help && !a.quit, "the closing key does nothing else");
    }

    #[test]
    fn typing_is_debounced_until_a_quiet_tick() {
        let mut a = app();
        let t0 = Instant::now();
        a.update(Msg::Key(KeyEvent::from(KeyCode::Char('o'))), t0);
        assert!(a.search_pending.is_some());
        a.update(Msg::Tick, t0 + Duration::from_millis(10));
        assert!(a.search_pending.is_some(), "too soon");
        a.update(Msg::Tick, t0 + Duration::from_millis(500));
        assert!(a.search_pending.is_none());
    }

    #[test]
    fn the_train_form_changes_settings_and_queues_training_and_cancel() {
        let mut a = app();
        key(&mut a, KeyCode::Esc);
        press(&mut a, "4");
        assert_eq!(a.train.config.model, Model::Skipgram);
        press(&mut a, "l");
        assert_eq!(a.train.config.model, Model::Cbow);
        press(&mut a, "jl");
        assert_eq!(a.train.config.dim, 150);
        press(&mut a, "jjjhhhhhhhhhh");
        assert_eq!(a.train.config.epochs, 1, "clamped at 1");
        key(&mut a, KeyCode::Enter);
        assert!(a.train.running);
        assert_eq!(a.requests.len(), 1);
        assert!(
            matches!(&a.requests[0], Request::Train(c) if c.model == Model::Cbow && c.dim == 150 && c.epochs == 1)
        );
        // Settings are frozen while training runs; c cancels.
        press(&mut a, "l");
        assert_eq!(a.train.config.epochs, 1);
        press(&mut a, "c");
        assert_eq!(a.requests.last(), Some(&Request::CancelTraining));
        a.update(
            Msg::Job(JobEvent::Failed(JobKind::Training, "cancelled".into())),
            Instant::now(),
        );
        assert!(!a.train.running && a.errors.is_empty());
        assert!(a.train.message.contains("cancelled"));
    }

    #[test]
    fn job_progress_and_failure_reach_the_status() {
        let mut a = app();
        let t0 = Instant::now();
        let progress = |done| {
            Msg::Job(JobEvent::Progress {
                job: JobKind::Index,
                stage: "indexing".into(),
                done,
                total: 1000,
                metrics: vec![],
            })
        };
        a.update(progress(100), t0);
        a.update(progress(600), t0 + Duration::from_millis(500));
        let s = &a.jobs[&JobKind::Index];
        assert_eq!(s.ratio(), 0.6);
        assert_eq!(s.rate, Some(1000.0));
        a.update(
            Msg::Job(JobEvent::Failed(
                JobKind::Index,
                "docs.csv line 3: missing column".into(),
            )),
            t0,
        );
        assert!(!a.jobs.contains_key(&JobKind::Index));
        assert_eq!(a.errors, ["search index: docs.csv line 3: missing column"]);
    }

    #[test]
    fn mouse_clicks_on_the_tab_bar_switch_tabs() {
        let mut a = app();
        let click = |col| {
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: col,
                row: 0,
                modifiers: KeyModifiers::NONE,
            })
        };
        // " 1 Search  " starts at column 1; " 2 Classify " follows after 12 columns.
        a.update(click(16), Instant::now());
        assert_eq!(a.tab, Tab::Classify);
        a.update(click(2), Instant::now());
        assert_eq!(a.tab, Tab::Search);
    }
}
