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
        if self.overlay.columns.is_some() {
            return self.columns_key(k);
        }
        if self.overlay.picker.is_some() {
            return self.picker_key(k);
        }
        if self.overlay.help {
            return self.help_key(k);
        }
        if self.editing {
            self.edit_key(k, now);
            return;
        }
        self.status.notice = None;
        let Some(action) = self.action(&k, &[Scope::Global]) else {
            let scopes: &[Scope] = match self.tab {
                Tab::Search => &[Scope::Moving, Scope::Search],
                Tab::Classify => &[Scope::Moving, Scope::Classify],
                Tab::Embeddings => &[Scope::Moving],
                Tab::Train => &[Scope::Moving, Scope::Train],
            };
            if let Some(action) = self.action(&k, scopes) {
                self.tab_action(action);
            }
            return;
        };
        let tab_at = |i: usize| Tab::ALL[i % Tab::ALL.len()];
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.overlay.help = true;
                self.overlay.help_filter.clear();
            }
            Action::NextTab => self.switch(tab_at(self.tab.index() + 1)),
            Action::PrevTab => self.switch(tab_at(self.tab.index() + Tab::ALL.len() - 1)),
            Action::SearchTab => self.switch(Tab::Search),
            Action::ClassifyTab => self.switch(Tab::Classify),
            Action::EmbeddingsTab => self.switch(Tab::Embeddings),
            Action::TrainTab => self.switch(Tab::Train),
            Action::Type => self.editing = self.tab != Tab::Train,
            Action::Open => self.open_picker(&self.export_dir.clone(), false),
            Action::Recent => self.open_picker(&self.export_dir.clone(), true),
            Action::Export => self.export(),
            Action::Cancel => self.cancel(),
            _ => {}
        }
    }

    /// c: stops the training on the Train tab, else every running job.
    fn cancel(&mut self) {
        if self.tab == Tab::Train && self.train.running {
            self.train.message = "cancelling…".into();
            self.requests.push(Request::CancelTraining);
        } else if !self.status.jobs.is_empty() {
            self.status.notice = Some("cancelled; what was there before stays in use".into());
            self.status.jobs.clear();
            if self.train.running {
                self.train.running = false;
                self.train.message = "training cancelled; the previous vectors stay".into();
            }
            self.requests.push(Request::CancelJobs);
        }
    }

    /// Keys while the help shows: typing filters it; Esc, Enter, or ? on an empty filter
    /// close it.
    fn help_key(&mut self, k: KeyEvent) {
        match k.code {
            KeyCode::Esc | KeyCode::Enter => self.overlay.help = false,
            KeyCode::Char('?') if self.overlay.help_filter.is_empty() => self.overlay.help = false,
            KeyCode::Backspace => {
                self.overlay.help_filter.pop();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                self.overlay.help_filter.push(c)
            }
            _ => {}
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
            .is_some_and(|t| now.duration_since(t) >= self.settings.debounce)
        {
            self.run_search();
        }
        if self
            .try_pending
            .is_some_and(|t| now.duration_since(t) >= self.settings.debounce)
        {
            self.run_try();
        }
    }

    /// What an action does on the current tab when no field has focus.
    fn tab_action(&mut self, a: Action) {
        let (down, up) = (a == Action::Down, a == Action::Up);
        match self.tab {
            Tab::Search => match a {
                Action::Down => self.select_hit(self.search.selected.saturating_add(1)),
                Action::Up => self.select_hit(self.search.selected.saturating_sub(1)),
                Action::First => self.select_hit(0),
                Action::Last => self.select_hit(usize::MAX),
                Action::Select => self.search.preview_open = !self.search.preview_open,
                Action::Back => self.search.preview_open = false,
                Action::Mode => {
                    let next = match self.search.mode() {
                        Mode::Hybrid => Mode::Bm25,
                        Mode::Bm25 => Mode::Vector,
                        Mode::Vector => Mode::Hybrid,
                    };
                    self.search.mode = Some(next);
                    self.run_search();
                }
                Action::LabelFilter => {
                    let n = self.loaded.labels.len();
                    self.search.label = match self.search.label {
                        _ if n == 0 => None,
                        None => Some(0),
                        Some(i) if i + 1 < n => Some(i + 1),
                        Some(_) => None,
                    };
                    self.run_search();
                }
                Action::Edit => {
                    if let Some(h) = self.search.hits.get(self.search.selected) {
                        let line = h.passage.map_or(1, |p| p.line);
                        self.edit = Some((h.id.clone(), line));
                    }
                }
                Action::Relevant => self.judge(true),
                Action::NotRelevant => self.judge(false),
                Action::Judgments => {
                    self.search.panel_open = !self.search.panel_open;
                    if self.search.panel_open {
                        self.score_judgments();
                    }
                }
                Action::Retune => self.retune(),
                Action::PageDown => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_add(10)
                }
                Action::PageUp => {
                    self.search.preview_scroll = self.search.preview_scroll.saturating_sub(10)
                }
                _ => {}
            },
            Tab::Classify => self.classify_action(a),
            Tab::Embeddings => {
                let e = &mut self.embed;
                let last = e.neighbors.len().saturating_sub(1);
                match a {
                    _ if down => e.selected = (e.selected + 1).min(last),
                    _ if up => e.selected = e.selected.saturating_sub(1),
                    Action::First => e.selected = 0,
                    Action::Last => e.selected = last,
                    Action::Select => {
                        if let Some((w, _)) = e.neighbors.get(e.selected) {
                            e.input = w.clone();
                            self.run_embeddings();
                        }
                    }
                    _ => {}
                }
            }
            Tab::Train => self.train_action(a),
        }
    }

    /// ↑↓ move in the method table, or in the disagreement list while that panel shows; the
    /// panel key cycles the panel; Enter opens a disagreement full screen, Esc closes it.
    fn classify_action(&mut self, a: Action) {
        let c = &mut self.classify;
        let report = self.loaded.comparison.as_ref();
        let methods = report.map_or(0, |r| r.methods.len());
        let disagreements = report
            .and_then(|r| r.disagreements.as_ref())
            .map_or(0, |d| d.rows.len());
        let in_list = c.panel == ClassifyPanel::Disagreements;
        match a {
            Action::Panel => {
                c.panel = c.panel.next();
                c.disagreement_open = false;
            }
            Action::Select if in_list && disagreements > 0 => {
                c.disagreement_open = !c.disagreement_open
            }
            Action::Back => c.disagreement_open = false,
            Action::Down if in_list => {
                c.disagreement = (c.disagreement + 1).min(disagreements.saturating_sub(1))
            }
            Action::Up if in_list => c.disagreement = c.disagreement.saturating_sub(1),
            Action::Down if c.selected + 1 < methods => c.selected += 1,
            Action::Up => c.selected = c.selected.saturating_sub(1),
            Action::First => c.selected = 0,
            Action::Last => c.selected = methods.saturating_sub(1),
            _ => {}
        }
    }

    fn train_action(&mut self, a: Action) {
        let t = &mut self.train;
        match a {
            Action::Down => t.field = t.field.moved(1),
            Action::Up => t.field = t.field.moved(-1),
            Action::First => t.field = TrainField::ALL[0],
            Action::Last => t.field = TrainField::ALL[TrainField::ALL.len() - 1],
            Action::Select | Action::Start if !t.running => {
                t.running = true;
                t.loss.clear();
                t.started = None;
                t.words_per_sec = None;
                t.message = "training…  (c cancels)".into();
                self.status
                    .jobs
                    .insert(JobKind::Training, JobStatus::default());
                self.requests.push(Request::Train(t.config.clone()));
            }
            Action::Back if t.running => {
                t.message = "cancelling…".into();
                self.requests.push(Request::CancelTraining);
            }
            Action::Increase if !t.running => t.field.change(&mut t.config, 1),
            Action::Decrease if !t.running => t.field.change(&mut t.config, -1),
            _ => {}
        }
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) {
        let (lists, _) = layout::lists(self.tab, self.area);
        match m.kind {
            MouseEventKind::ScrollDown => self.tab_action(Action::Down),
            MouseEventKind::ScrollUp => self.tab_action(Action::Up),
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
                        let rows = self
                            .loaded
                            .comparison
                            .as_ref()
                            .map_or(0, |c| c.methods.len());
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
            (self.search.preview, self.search.terms) = match &self.loaded.index {
                Some(ix) => (
                    ix.text(doc).unwrap_or_default(),
                    ix.explain_bm25(&self.search.query, doc).unwrap_or_default(),
                ),
                None => Default::default(),
            };
        }
    }
}
