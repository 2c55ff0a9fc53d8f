//! Keys and the mouse: what each does on each tab, the text fields with their debounce, and
//! the Train tab's form.

use super::*;

impl App {
    pub(super) fn key(&mut self, k: KeyEvent, now: Instant) {
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
        let search = self.tab == Tab::Search;
        if search
            && matches!(
                k.code,
                KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab | KeyCode::Enter
            )
        {
            self.remember_query();
        }
        match k.code {
            KeyCode::Esc => self.editing = false,
            KeyCode::Tab | KeyCode::BackTab => {
                self.editing = false;
                self.key(k, now);
            }
            KeyCode::Up if search => self.browse_history(true, now),
            KeyCode::Down if search => self.browse_history(false, now),
            KeyCode::Char('p') if search && ctrl => self.browse_history(true, now),
            KeyCode::Char('n') if search && ctrl => self.browse_history(false, now),
            KeyCode::Char('r') if search && ctrl => self.reverse_search(now),
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
        // Typing ends a history search: the text is the user's again.
        self.search.reverse = None;
        self.search.history_pos = None;
        match self.tab {
            Tab::Search | Tab::Train => self.search_pending = Some(now),
            Tab::Classify => self.try_pending = Some(now),
            Tab::Embeddings => {}
        }
    }

    pub(super) fn tick(&mut self, now: Instant) {
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
                KeyCode::Char('y') => self.judge(true),
                KeyCode::Char('n') => self.judge(false),
                KeyCode::Char('e') => {
                    self.search.panel_open = !self.search.panel_open;
                    if self.search.panel_open {
                        self.score_judgments();
                    }
                }
                KeyCode::Char('t') => self.retune(),
                KeyCode::PageDown => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_add(10)
                }
                KeyCode::PageUp => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_sub(10)
                }
                _ => {}
            },
            Tab::Classify => self.classify_key(k, down, up),
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

    /// ↑↓ move in the method table, or in the disagreement list while that panel shows; `v`
    /// cycles the panel; Enter opens a disagreement full screen, Esc closes it.
    fn classify_key(&mut self, k: KeyEvent, down: bool, up: bool) {
        let c = &mut self.classify;
        let report = self.res.comparison.as_ref();
        let methods = report.map_or(0, |r| r.methods.len());
        let disagreements = report
            .and_then(|r| r.disagreements.as_ref())
            .map_or(0, |d| d.rows.len());
        let in_list = c.panel == ClassifyPanel::Disagreements;
        match k.code {
            KeyCode::Char('v') => {
                c.panel = c.panel.next();
                c.disagreement_open = false;
            }
            KeyCode::Enter if in_list && disagreements > 0 => {
                c.disagreement_open = !c.disagreement_open
            }
            KeyCode::Esc => c.disagreement_open = false,
            _ if down && in_list => {
                c.disagreement = (c.disagreement + 1).min(disagreements.saturating_sub(1))
            }
            _ if up && in_list => c.disagreement = c.disagreement.saturating_sub(1),
            _ if down && c.selected + 1 < methods => c.selected += 1,
            _ if up => c.selected = c.selected.saturating_sub(1),
            _ => {}
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
            "min_count" => c.min_count = bump(c.min_count as usize, step, 1, 100) as u64,
            // GloVe's learning rate is [glove] eta; these two are word2vec's and fastText's.
            _ if c.model == Model::Glove => {}
            "lr" => {
                const LADDER: [f64; 7] = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
                let lr = along(&LADDER, c.learning_rate() as f64, step) as f32;
                c.set_learning_rate(lr);
                c.min_alpha = c.min_alpha.min(lr);
            }
            _ => {
                const LADDER: [f64; 5] = [0.0, 1e-5, 1e-4, 1e-3, 1e-2];
                c.set_sampling(along(&LADDER, c.sampling(), step));
            }
        }
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) {
        let (lists, _) = layout::lists(self.tab, self.area);
        match m.kind {
            MouseEventKind::ScrollDown => self.tab_key(KeyEvent::from(KeyCode::Down)),
            MouseEventKind::ScrollUp => self.tab_key(KeyEvent::from(KeyCode::Up)),
            MouseEventKind::Down(MouseButton::Left) => {
                if m.row == 0 {
                    if let Some(tab) = layout::tab_at(m.column) {
                        self.switch(tab);
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

    pub(super) fn select_hit(&mut self, i: usize) {
        if self.search.hits.is_empty() {
            return;
        }
        let i = i.min(self.search.hits.len() - 1);
        if i != self.search.selected || self.search.preview.is_empty() {
            self.search.selected = i;
            self.search.preview_scroll = 0;
            let doc = self.search.hits[i].doc;
            (self.search.preview, self.search.terms) = match &self.res.index {
                Some(ix) => (
                    ix.text(doc).unwrap_or_default(),
                    ix.explain_bm25(&self.search.query, doc).unwrap_or_default(),
                ),
                None => Default::default(),
            };
        }
    }
}

/// The value `step` rungs from the rung of `ladder` nearest to `current`.
fn along(ladder: &[f64], current: f64, step: i64) -> f64 {
    let nearest = (0..ladder.len())
        .min_by(|&a, &b| {
            (ladder[a] - current)
                .abs()
                .total_cmp(&(ladder[b] - current).abs())
        })
        .unwrap_or(0) as i64;
    ladder[(nearest + step).clamp(0, ladder.len() as i64 - 1) as usize]
}
