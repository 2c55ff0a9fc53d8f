//! Opening from inside the TUI: the picker and the column dialog driven through `App::update`
//! as the terminal drives them, switching vectors through the real `Session` and jobs, key
//! rebinding, the help filter, themes; the picker and dialog views on a hand-built state.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use wordlens::Config;
use wordlens::docvec::source::VectorSource;
use wordlens::progress::Cancel;
use wordlens::text::{CorpusFormat, CorpusSpec};
use wordlens::tui::columns::{ColumnChoice, ColumnDialog, ColumnRole};
use wordlens::tui::files::FileRole;
use wordlens::tui::picker::{Entry, Picker, PickerList, Shown};
use wordlens::tui::theme::{Palette, is_ansi16};
use wordlens::tui::train_form::TrainField;
use wordlens::tui::{App, JobKind, JobOutput, Msg, Request, Session, Tab};

use crate::tui::{draw, key, loaded_app, screen, type_text};
use crate::{bundled, shared};

fn app_in(dir: &Path) -> App {
    let mut app = App::new(&Config::default(), "").with_recent(dir.join("recent.json"), 10);
    app.export_dir = dir.to_path_buf();
    key(&mut app, KeyCode::Esc);
    app
}

/// A folder with `rows` BBC articles (spread over the file, which is sorted by category) as
/// `news.csv` and two vector files.
fn folder(rows: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(bundled("bbc-news.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = csv::Writer::from_path(dir.path().join("news.csv")).unwrap();
    out.write_record(reader.headers().unwrap()).unwrap();
    for rec in reader.records().step_by(2225 / rows).take(rows) {
        out.write_record(&rec.unwrap()).unwrap();
    }
    out.flush().unwrap();
    for name in ["gensim-lee-32d.w2v.bin", "gensim-lee-32d.w2v.txt"] {
        std::fs::copy(shared(&format!("formats/{name}")), dir.path().join(name)).unwrap();
    }
    dir
}

#[test]
fn the_picker_filters_opens_a_table_through_the_column_dialog_and_remembers_the_columns() {
    let dir = folder(40);
    let mut app = app_in(dir.path());
    type_text(&mut app, "o");
    let p = app.overlay.picker.as_ref().expect("o opens the picker");
    assert_eq!(p.list, PickerList::Folder);
    type_text(&mut app, "nws");
    let p = app.overlay.picker.as_ref().unwrap();
    let shown: Vec<&str> = p
        .shown
        .iter()
        .map(|s| p.entries[s.entry].label.as_str())
        .collect();
    assert_eq!(shown, ["news.csv"], "fuzzy: n, w, s in order");
    assert_eq!(p.role, Some(FileRole::Table(CorpusFormat::Csv)));
    key(&mut app, KeyCode::Enter);
    let d = app
        .overlay
        .columns
        .as_ref()
        .expect("a table asks for its columns");
    assert!(!d.remembered);
    let role = |d: &ColumnDialog, c: &str| d.roles[d.header.iter().position(|h| h == c).unwrap()];
    assert_eq!(role(d, "text"), ColumnRole::Text);
    assert_eq!(role(d, "category"), ColumnRole::Label);
    assert_eq!(role(d, "title"), ColumnRole::Title);
    // Space on the title makes it a second text column.
    let title = d.header.iter().position(|h| h == "title").unwrap();
    for _ in 0..title {
        key(&mut app, KeyCode::Down);
    }
    type_text(&mut app, " ");
    let d = app.overlay.columns.as_ref().unwrap();
    assert_eq!(role(d, "title"), ColumnRole::Text);
    assert_eq!(role(d, "category"), ColumnRole::Label);
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.picker.is_none() && app.overlay.columns.is_none());
    let Some(Request::OpenCollection(spec)) = app.requests.last() else {
        panic!("{:?}", app.requests);
    };
    assert_eq!(spec.text_cols, ["title", "text"]);
    assert_eq!(spec.label_col.as_deref(), Some("category"));
    assert_eq!(spec.id_col.as_deref(), Some("id"));
    assert_eq!(app.status.data_name, "news.csv");
    assert!(app.status.jobs.contains_key(&JobKind::Data));
    // Reopened later (another app, the same recent list): the choice comes back.
    let mut again = app_in(dir.path());
    type_text(&mut again, "R");
    let p = again.overlay.picker.as_ref().unwrap();
    assert_eq!(p.list, PickerList::Recent);
    assert!(p.entries[0].path.ends_with("news.csv"));
    key(&mut again, KeyCode::Enter);
    let d = again.overlay.columns.as_ref().unwrap();
    assert!(d.remembered);
    assert_eq!(role(d, "title"), ColumnRole::Text);
    key(&mut again, KeyCode::Esc);
    assert!(
        again.overlay.columns.is_none() && again.overlay.picker.is_some(),
        "Esc: back to the picker"
    );
    key(&mut again, KeyCode::Esc);
    assert!(again.overlay.picker.is_none());
}

/// A session, an app and the spec of `folder`'s news.csv (title and category columns).
fn news_session(config: &Config, dir: &Path) -> (Session, App, CorpusSpec) {
    let session = Session::new(config, dir.join("cache"), Cancel::new());
    let app = App::new(config, "news.csv");
    let spec = CorpusSpec {
        title_col: Some("title".into()),
        ..CorpusSpec::new(dir.join("news.csv")).label_col("category")
    };
    (session, app, spec)
}

/// Feeds the session's events to the app until `done` holds (at most two minutes).
fn pump(session: &mut Session, app: &mut App, done: impl Fn(&App, &[String]) -> bool) {
    let until = Instant::now() + Duration::from_secs(120);
    let mut seen: Vec<String> = Vec::new();
    while Instant::now() < until {
        for e in session.events() {
            if let wordlens::tui::JobEvent::Done(_, r) = &e {
                seen.push(format!("{:?}", r.kind()));
            }
            app.update(Msg::Job(e), Instant::now());
        }
        for r in app.requests.drain(..).collect::<Vec<_>>() {
            session.handle(r, app);
        }
        assert!(app.status.errors.is_empty(), "{:?}", app.status.errors);
        if done(app, &seen) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out; delivered: {seen:?}");
}

#[test]
fn switching_vectors_restarts_the_dependent_jobs_and_keeps_the_old_results_meanwhile() {
    let dir = folder(120);
    let mut config = Config::default();
    config.compare.tune.enabled = false;
    let (mut session, mut app, spec) = news_session(&config, dir.path());
    let first = dir.path().join("gensim-lee-32d.w2v.bin");
    session
        .open(spec, VectorSource::Path(first.clone()))
        .unwrap();
    pump(&mut session, &mut app, |a, _| {
        a.loaded.index.is_some() && a.loaded.classifier.is_some() && a.loaded.comparison.is_some()
    });
    assert!(
        app.loaded
            .embeddings_source
            .ends_with("gensim-lee-32d.w2v.bin")
    );
    let old_index = app.loaded.index.clone().unwrap();
    type_text(&mut app, "/");
    type_text(&mut app, "economy");
    key(&mut app, KeyCode::Enter);
    assert!(!app.search.hits.is_empty());

    // The picker chooses the other file: a vectors switch, nothing of the old shown lost.
    app.export_dir = dir.path().to_path_buf();
    type_text(&mut app, "o");
    type_text(&mut app, "w2v.txt");
    key(&mut app, KeyCode::Enter);
    let second = dir.path().join("gensim-lee-32d.w2v.txt");
    assert_eq!(
        app.requests.last(),
        Some(&Request::OpenVectors(second.clone()))
    );
    assert!(app.status.jobs.contains_key(&JobKind::Vectors));
    assert!(
        app.loaded.index.is_some() && !app.search.hits.is_empty(),
        "old results stay"
    );
    pump(&mut session, &mut app, |_, seen| {
        ["Vectors", "Index", "Classifier", "Comparison"]
            .iter()
            .all(|k| seen.iter().any(|s| s == k))
    });
    assert!(
        app.loaded
            .embeddings_source
            .ends_with("gensim-lee-32d.w2v.txt")
    );
    let new_index = app.loaded.index.clone().unwrap();
    assert!(
        !std::sync::Arc::ptr_eq(&old_index, &new_index),
        "the index was rebuilt"
    );
    assert_eq!(
        session.setup().unwrap().vectors,
        VectorSource::Path(second.clone())
    );
    assert!(app.recent.vectors[0].ends_with("gensim-lee-32d.w2v.txt"));
    let _ = first;
}

#[test]
fn a_rebound_key_triggers_its_action_and_the_old_key_no_longer_does() {
    let config = Config::from_toml("[keys]\nquit = \"ctrl-q\"\nmode = \"M\"\n").unwrap();
    let mut app = App::new(&config, "x.csv");
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "q");
    assert!(!app.quit, "q no longer quits");
    let before = app.search.mode();
    type_text(&mut app, "m");
    assert_eq!(app.search.mode(), before, "m no longer changes the mode");
    type_text(&mut app, "M");
    assert_ne!(app.search.mode(), before);
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
        Instant::now(),
    );
    assert!(app.quit);
    // The vim preset: G jumps to the last setting of the Train tab.
    let vim = Config::from_toml("[keys]\npreset = \"vim\"\n").unwrap();
    let mut app = App::new(&vim, "x.csv");
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "4G");
    assert_eq!(app.tab, Tab::Train);
    assert_eq!(app.train.field, TrainField::Sample);
}

#[test]
fn the_help_lists_the_active_bindings_and_filters_as_you_type() {
    let config = Config::from_toml("[keys]\nmode = [\"M\", \"f2\"]\n").unwrap();
    let mut app = App::new(&config, "x.csv");
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "?");
    let s = screen(&draw(&app, 120, 40));
    assert!(s.contains("M F2") && s.contains("next tab"), "{s}");
    type_text(&mut app, "label");
    assert_eq!(app.overlay.help_filter, "label");
    let s = screen(&draw(&app, 120, 40));
    assert!(
        s.contains("filter by label") && !s.contains("next tab"),
        "{s}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(!app.overlay.help && !app.quit);
}

#[test]
fn every_theme_draws_in_16_colours_and_no_color_in_none() {
    let mut app = loaded_app();
    key(&mut app, KeyCode::Esc);
    for (palette, tab) in [
        (Palette::Dark, "2"),
        (Palette::Light, "2"),
        (Palette::Monochrome, "2"),
    ] {
        app.palette = palette;
        type_text(&mut app, tab);
        let t = draw(&app, 120, 40);
        let cells = &t.backend().buffer().content;
        assert!(cells.iter().all(|c| is_ansi16(c.fg) && is_ansi16(c.bg)));
        if palette == Palette::Monochrome {
            assert!(
                cells
                    .iter()
                    .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
            );
        } else {
            assert!(
                cells.iter().any(|c| c.bg != Color::Reset),
                "the heat map has colour"
            );
        }
    }
}

fn hand_built_picker() -> Picker {
    let entry = |label: &str, is_dir| Entry {
        path: PathBuf::from("/data").join(label),
        label: label.into(),
        is_dir,
    };
    Picker {
        list: PickerList::Folder,
        dir: PathBuf::from("/data"),
        filter: "nws".into(),
        entries: vec![
            entry("../", true),
            entry("news.csv", false),
            entry("news-2024.tsv", false),
            entry("vectors.vec", false),
        ],
        shown: vec![
            Shown {
                entry: 1,
                matched: vec![0, 2, 3],
            },
            Shown {
                entry: 2,
                matched: vec![0, 2, 3],
            },
        ],
        selected: 0,
        role: Some(FileRole::Table(CorpusFormat::Csv)),
        preview: vec![
            "columns: id | title | text | category".into(),
            "1 | Ad sales boost Time Warner profit | Quarterly profits at US media giant… | business".into(),
            "2 | Dollar gains on Greenspan speech | The dollar has hit its highest level… | business".into(),
        ],
        error: None,
    }
}

#[test]
fn picker_and_column_dialog_views_of_a_hand_built_state() {
    let mut app = App::new(&Config::default(), "news.csv");
    key(&mut app, KeyCode::Esc);
    app.overlay.picker = Some(hand_built_picker());
    let s = screen(&draw(&app, 120, 30));
    assert!(s.contains("2 of 4") && s.contains("preview · table"), "{s}");
    insta::assert_snapshot!("picker", s);
    let header: Vec<String> = ["id", "title", "text", "category"]
        .map(String::from)
        .to_vec();
    let rows = vec![
        [
            "1",
            "Ad sales boost Time Warner profit",
            "Quarterly profits at US media giant",
            "business",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let remembered = ColumnChoice {
        text: vec!["title".into(), "text".into()],
        label: Some("category".into()),
        title: None,
        id: Some("id".into()),
    };
    app.overlay.columns = Some(ColumnDialog::new(
        "/data/news.csv".into(),
        CorpusFormat::Csv,
        header,
        &rows,
        Some(&remembered),
    ));
    let s = screen(&draw(&app, 120, 30));
    assert!(s.contains("columns of news.csv (as last time)"), "{s}");
    insta::assert_snapshot!("column_dialog", s);
}

#[test]
fn search_results_export_to_csv_with_their_scores() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = loaded_app();
    app.export_dir = dir.path().to_path_buf();
    type_text(&mut app, "oil prices");
    key(&mut app, KeyCode::Enter);
    let n = app.search.hits.len();
    assert!(n > 0);
    type_text(&mut app, "x");
    let path = dir.path().join("wordlens-search-oil-prices.csv");
    assert_eq!(
        app.status.notice.as_deref(),
        Some(format!("wrote {n} results to {}", path.display()).as_str())
    );
    let mut reader = csv::Reader::from_path(&path).unwrap();
    assert_eq!(&reader.headers().unwrap()[5], "score");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n);
    assert_eq!(&rows[0][1], app.search.hits[0].id.as_str());
    let score: f64 = rows[0][5].parse().unwrap();
    assert!((score - app.search.hits[0].score).abs() < 1e-6);
    // Classify: the export is a job labelling the whole collection.
    type_text(&mut app, "2x");
    assert!(
        matches!(app.requests.last(), Some(Request::ExportPredictions(p)) if p.ends_with("bbc-news-predictions.csv"))
    );
    assert!(app.status.jobs.contains_key(&JobKind::Export));
    app.update(
        Msg::Job(wordlens::tui::JobEvent::Done(
            JobKind::Export,
            JobOutput::Exported {
                path: dir.path().join("bbc-news-predictions.csv"),
                rows: 2225,
            },
        )),
        Instant::now(),
    );
    assert!(
        app.status
            .notice
            .as_deref()
            .unwrap()
            .starts_with("labelled 2225 rows into")
    );
    assert!(!app.status.jobs.contains_key(&JobKind::Export));
}

#[test]
fn the_cancel_key_stops_a_training_run_and_the_previous_vectors_and_index_stay() {
    let dir = folder(60);
    let mut config = Config::default();
    config.compare.tune.enabled = false;
    let mut session = Session::new(&config, dir.path().join("cache"), Cancel::new());
    let mut app = App::new(&config, "news.csv");
    key(&mut app, KeyCode::Esc);
    let spec = CorpusSpec::new(dir.path().join("news.csv")).label_col("category");
    session
        .open(
            spec,
            VectorSource::Path(dir.path().join("gensim-lee-32d.w2v.bin")),
        )
        .unwrap();
    pump(&mut session, &mut app, |a, _| {
        a.loaded.index.is_some() && a.loaded.classifier.is_some() && a.loaded.comparison.is_some()
    });
    let old_index = app.loaded.index.clone().unwrap();

    // A run long enough that it is still going when the key arrives.
    app.tab = Tab::Train;
    app.train.config.epochs = 500;
    key(&mut app, KeyCode::Enter);
    assert!(app.train.running);
    pump(&mut session, &mut app, |a, _| {
        a.status
            .jobs
            .get(&JobKind::Training)
            .is_some_and(|s| s.done > 0)
    });
    // From another tab the cancel key stops every job, training included.
    app.tab = Tab::Search;
    type_text(&mut app, "c");
    assert_eq!(app.requests, vec![Request::CancelJobs]);
    assert!(!app.train.running && app.status.jobs.is_empty());

    let until = Instant::now() + Duration::from_secs(60);
    let mut cancelled = false;
    while !cancelled && Instant::now() < until {
        for r in app.requests.drain(..).collect::<Vec<_>>() {
            session.handle(r, &mut app);
        }
        for e in session.events() {
            match &e {
                wordlens::tui::JobEvent::Cancelled(JobKind::Training) => cancelled = true,
                wordlens::tui::JobEvent::Done(job, r) => {
                    panic!("{job:?} finished after the cancel: {:?}", r.kind())
                }
                _ => {}
            }
            app.update(Msg::Job(e), Instant::now());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(cancelled, "no Cancelled(Training) within a minute");
    assert!(app.status.errors.is_empty(), "{:?}", app.status.errors);
    assert!(
        app.loaded
            .embeddings_source
            .ends_with("gensim-lee-32d.w2v.bin")
    );
    assert!(std::sync::Arc::ptr_eq(
        &old_index,
        app.loaded.index.as_ref().unwrap()
    ));
    // Later jobs of the same collection run again (a fresh cancel flag): a search still works.
    type_text(&mut app, "/");
    type_text(&mut app, "economy");
    key(&mut app, KeyCode::Enter);
    assert!(!app.search.hits.is_empty());
}

/// First run: no `--vectors`, so the TUI opens on `[vectors] default`, the bundled model. No
/// training job starts; the index, classifier and comparison are built from the model, and a
/// query finds BBC stories by meaning as well as by words.
#[test]
fn the_first_run_opens_on_the_bundled_model_without_training() {
    let dir = folder(200);
    let mut config = Config::default();
    config.data.dir = bundled("");
    config.compare.tune.enabled = false;
    let (mut session, mut app, spec) = news_session(&config, dir.path());
    session.open(spec, config.default_vectors()).unwrap();
    assert_eq!(session.setup().unwrap().vectors, VectorSource::Default);
    let mut kinds_seen = std::collections::BTreeSet::new();
    let until = Instant::now() + Duration::from_secs(120);
    while !(app.loaded.index.is_some()
        && app.loaded.classifier.is_some()
        && app.loaded.comparison.is_some())
    {
        assert!(Instant::now() < until, "timed out");
        for e in session.events() {
            match &e {
                wordlens::tui::JobEvent::Progress { job, .. } => {
                    kinds_seen.insert(*job);
                }
                wordlens::tui::JobEvent::Done(k, _) => {
                    kinds_seen.insert(*k);
                }
                _ => {}
            }
            app.update(Msg::Job(e), Instant::now());
        }
        for r in app.requests.drain(..).collect::<Vec<_>>() {
            session.handle(r, &mut app);
        }
        assert!(app.status.errors.is_empty(), "{:?}", app.status.errors);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !kinds_seen.contains(&JobKind::Training),
        "no training on first run: {kinds_seen:?}"
    );
    assert!(
        app.loaded
            .embeddings_source
            .starts_with("bundled static model"),
        "{}",
        app.loaded.embeddings_source
    );
    // Nothing was trained: no trained-vectors artifact (`vectors-KEY.bin`) in the cache.
    let trained = walk(&dir.path().join("cache"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vectors-"))
        })
        .count();
    assert_eq!(trained, 0);
    // The comparison used the model (256-d), not word2vec trained on the split.
    let cmp = app.loaded.comparison.as_ref().unwrap();
    assert_eq!(cmp.embeddings.dim, 256);
    assert_eq!(cmp.embeddings.train_seconds, 0.0);
    // Beside it, vectors trained on the split (`[tui] compare_trained`): "…" while they train,
    // then their accuracy per method.
    assert!(config.tui.compare_trained);
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "2");
    let until = Instant::now() + Duration::from_secs(300);
    let mut saw_pending = false;
    while app.loaded.comparison_trained.is_none() {
        assert!(
            Instant::now() < until,
            "no trained comparison in five minutes"
        );
        saw_pending |= app.status.jobs.contains_key(&JobKind::TrainedComparison);
        for e in session.events() {
            app.update(Msg::Job(e), Instant::now());
        }
        assert!(app.status.errors.is_empty(), "{:?}", app.status.errors);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(saw_pending, "the trained column showed as pending first");
    let trained = app.loaded.comparison_trained.as_ref().unwrap();
    assert_eq!(trained.embeddings.dim, config.word2vec.dim);
    assert!(trained.embeddings.train_seconds > 0.0);
    let embed_mean_trained = format!("{:.4}", trained.methods[1].accuracy);
    let shown = screen(&draw(&app, 140, 40));
    let row = shown
        .lines()
        .find(|l| l.contains("embed-mean") && !l.contains("bow+"))
        .unwrap();
    assert!(shown.contains("trained"), "{shown}");
    assert!(row.contains(&embed_mean_trained), "{row}");
    type_text(&mut app, "1");
    type_text(&mut app, "/");
    type_text(&mut app, "football manager");
    key(&mut app, KeyCode::Enter);
    let top: Vec<String> = app
        .search
        .hits
        .iter()
        .take(5)
        .map(|h| h.label.clone().unwrap_or_default())
        .collect();
    assert!(
        top.iter().filter(|l| *l == "sports").count() >= 4,
        "{top:?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
