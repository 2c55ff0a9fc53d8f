//! Unit tests of `app`.

use super::*;
use crate::embed::trainer::Model;
use crate::error::Error;

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
fn help_opens_with_question_mark_filters_as_you_type_and_esc_closes_it() {
    let mut a = app();
    key(&mut a, KeyCode::Esc);
    press(&mut a, "?");
    assert!(a.overlay.help);
    press(&mut a, "q");
    assert!(a.overlay.help && !a.quit, "typed into the filter");
    assert_eq!(a.overlay.help_filter, "q");
    key(&mut a, KeyCode::Backspace);
    press(&mut a, "?");
    assert!(!a.overlay.help, "? on an empty filter closes");
    press(&mut a, "?");
    assert!(
        a.overlay.help_filter.is_empty(),
        "a new help starts unfiltered"
    );
    key(&mut a, KeyCode::Esc);
    assert!(!a.overlay.help && !a.quit);
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
        Msg::Job(JobEvent::Cancelled(JobKind::Training)),
        Instant::now(),
    );
    assert!(!a.train.running && a.status.errors.is_empty());
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
    let s = &a.status.jobs[&JobKind::Index];
    assert_eq!(s.ratio(), 0.6);
    assert_eq!(s.rate, Some(1000.0));
    a.update(
        Msg::Job(JobEvent::Failed(
            JobKind::Index,
            Error::at_line("docs.csv", 3, "missing column"),
        )),
        t0,
    );
    assert!(!a.status.jobs.contains_key(&JobKind::Index));
    assert_eq!(
        a.status.errors,
        ["search index: docs.csv:3: missing column"]
    );
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
