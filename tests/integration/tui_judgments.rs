//! The Search tab's relevance loop on BBC, driven through `App::update`: hits judged with y/n
//! become TREC files that `eval-search` reads, the panel scores each mode on them, t re-tunes
//! the index's fusion; the query history survives a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wordlens::Config;
use wordlens::search::SearchIndex;
use wordlens::search::evaluate;
use wordlens::tui::{App, JobKind, JobOutput, Msg};

use crate::search::copy_dir;
use crate::tui::{draw, fixture, key, loaded_app, ready, screen, type_text};

fn ctrl(app: &mut App, c: char) {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        Instant::now(),
    );
}

/// Types a new query in the box and runs it (Enter), leaving the box.
fn search(app: &mut App, query: &str) {
    type_text(app, "/");
    ctrl(app, 'u');
    type_text(app, query);
    key(app, KeyCode::Enter);
    assert!(!app.search.hits.is_empty(), "{query}");
}

#[test]
fn judgments_become_trec_files_score_the_modes_and_retune_the_fusion() {
    let dir = tempfile::tempdir().unwrap();
    // Re-tuning writes the index's metadata: work on a copy of the shared index.
    let ix_dir = dir.path().join("ix");
    copy_dir(&fixture().index_dir, &ix_dir);
    let collection = dir.path().join("collection");
    let mut app = loaded_app().with_collection(&collection);
    let config = Config::default();
    let index = Arc::new(SearchIndex::open(&ix_dir, &config.search).unwrap());
    ready(&mut app, JobKind::Index, JobOutput::Index(index.clone()));
    key(&mut app, KeyCode::Esc);

    search(&mut app, "oil prices");
    let first = app.search.hits[0].id.clone();
    type_text(&mut app, "y");
    assert_eq!(app.judgments.get("oil prices", &first), Some(true));
    type_text(&mut app, "jn");
    let second = app.search.hits[1].id.clone();
    assert_eq!(app.judgments.get("oil prices", &second), Some(false));
    // The same mark again takes it back; the other mark replaces it.
    type_text(&mut app, "n");
    assert_eq!(app.judgments.get("oil prices", &second), None);
    type_text(&mut app, "y");
    let t = screen(&draw(&app, 120, 36));
    assert!(t.contains("✓"), "{t}");

    search(&mut app, "football coach sacked");
    type_text(&mut app, "yjy");
    search(&mut app, "film awards");
    type_text(&mut app, "y");

    // What the TUI wrote, eval-search reads.
    let topics = collection.join("judgments/topics.tsv");
    let qrels = collection.join("judgments/qrels.txt");
    let e = evaluate::trec(&index, &topics, &qrels).unwrap();
    assert_eq!(e.modes[0].queries, 3);
    let qrels_text = std::fs::read_to_string(&qrels).unwrap();
    assert_eq!(qrels_text.lines().count(), 5, "{qrels_text}");

    type_text(&mut app, "e");
    let panel = app.search.panel.clone().unwrap();
    assert!(app.search.panel_open);
    assert_eq!(panel.queries, 3);
    let modes: Vec<&str> = panel.ndcg.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(modes, ["bm25", "vector", "hybrid"]);
    // The judged hits came from hybrid's own top results: it scores well on them.
    assert!(panel.ndcg[2].1 > 0.5, "{panel:?}");
    let t = screen(&draw(&app, 120, 36));
    assert!(t.contains("3 judged queries"), "{t}");

    assert!(index.tuned().is_none());
    let hybrid_before = panel.ndcg[2].1;
    type_text(&mut app, "t");
    let panel = app.search.panel.clone().unwrap();
    let ((before_setting, before), (after_setting, after)) = panel.retuned.clone().unwrap();
    assert_eq!(before_setting, "convex bound weight 0.2");
    assert!((before - hybrid_before).abs() < 1e-12);
    let tuned = index.tuned().expect("stored");
    assert_eq!(tuned.describe(), after_setting);
    // Stored on disk: a new handle fuses with it, and its hybrid nDCG is the panel's "after".
    let reopened = SearchIndex::open(&ix_dir, &config.search).unwrap();
    assert_eq!(reopened.fusion(), tuned);
    let e = evaluate::trec(&reopened, &topics, &qrels).unwrap();
    assert!(
        (e.modes[2].ndcg_at_10 - after).abs() < 1e-9,
        "{e:?} {after}"
    );
}

#[test]
fn the_query_history_browses_searches_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = loaded_app().with_collection(dir.path());
    key(&mut app, KeyCode::Esc);
    for q in ["oil prices", "football coach", "film awards"] {
        search(&mut app, q);
    }
    type_text(&mut app, "/");
    ctrl(&mut app, 'u');
    type_text(&mut app, "draft");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "film awards");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "football coach");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.search.query, "draft", "past the newest: what was typed");
    // The browsed query runs after the debounce.
    key(&mut app, KeyCode::Up);
    app.update(Msg::Tick, Instant::now() + Duration::from_secs(1));
    assert_eq!(app.search.hits.len(), 30);
    // Ctrl-R: newest entry containing what was typed, then older ones.
    ctrl(&mut app, 'u');
    type_text(&mut app, "o");
    ctrl(&mut app, 'r');
    assert_eq!(app.search.query, "football coach");
    ctrl(&mut app, 'r');
    assert_eq!(app.search.query, "oil prices");
    key(&mut app, KeyCode::Esc);
    // A new run of the TUI on the same collection has the history.
    let again = App::new(&Config::default(), "bbc-news.csv").with_collection(dir.path());
    assert_eq!(
        again.history.entries(),
        ["football coach", "film awards", "oil prices"]
    );
}
