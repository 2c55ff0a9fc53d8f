//! The TUI on the bundled BBC news: each view drawn on ratatui's TestBackend and compared with
//! a stored snapshot (insta), driven through `App::update` exactly as the terminal drives it;
//! and the real binary inside tmux (when tmux is installed).

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use wordlens::classify::compare;
use wordlens::classify::pipeline::{Docs, FeatureKind, Pipeline};
use wordlens::dataset::{Dataset, Summary};
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::source::Vectors;
use wordlens::embed::eval::{EvalReport, PairScore, evaluate};
use wordlens::embed::trainer::{JobOrder, Model, TrainConfig, Update};
use wordlens::embed::word2vec::train;
use wordlens::embed::{AnalogyMethod, Embeddings};
use wordlens::progress::Silent;
use wordlens::search::SearchIndex;
use wordlens::text::{CorpusReader, CorpusSpec, TextSource, Tokenizer};
use wordlens::tui::train_form::TrainField;
use wordlens::tui::{App, ClassifyPanel, JobEvent, JobKind, JobOutput, Msg, views};
use wordlens::{Cancel, Config};

use crate::bundled;

/// Everything the views show, built once from BBC with one training thread (so the vectors,
/// and every figure drawn from them, are the same on every run).
pub struct Fixture {
    embeddings: Arc<Embeddings>,
    pub index_dir: PathBuf,
    classifier: Arc<Pipeline>,
    comparison: compare::CompareReport,
    data: Dataset,
}

fn spec() -> CorpusSpec {
    let mut spec = CorpusSpec::new(bundled("bbc-news.csv")).label_col("category");
    spec.id_col = Some("id".into());
    spec.title_col = Some("title".into());
    spec
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let config = Config::default();
        let docs: Vec<_> = CorpusReader::open(&spec())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let texts: Vec<String> = docs.iter().map(|d| d.text.clone()).collect();
        // One thread, the file's order and the pair steps: the snapshots below record these
        // vectors (and the disagreement list they give, which the test opens).
        let w2v = TrainConfig {
            threads: 1,
            dim: 50,
            epochs: 2,
            order: JobOrder::Sequential,
            update: Update::Pairs,
            ..TrainConfig::default()
        };
        let embeddings = Arc::new(
            train(
                &[TextSource::Texts(&texts)],
                &Tokenizer::default(),
                &w2v,
                &Silent,
                &Cancel::new(),
            )
            .unwrap()
            .embeddings,
        );
        let index_dir = tempfile::tempdir().unwrap().keep().join("ix");
        SearchIndex::build(
            &index_dir,
            &docs,
            embeddings.clone(),
            &config.index_settings(),
            &Silent,
            &Cancel::new(),
        )
        .unwrap();
        let data = Dataset::load(&spec(), &Tokenizer::default()).unwrap();
        let y: Vec<u32> = data.y.iter().map(|y| y.unwrap()).collect();
        let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
        let settings = config.fit_settings(FeatureKind::Both);
        let classifier = Arc::new(
            Pipeline::fit(
                &settings,
                Docs::new(&texts, &data.tokens),
                &y,
                &data.labels,
                Some(Encoder::Words(embeddings.clone())),
                &Cancel::new(),
            )
            .unwrap(),
        );
        let comparison = config
            .held_out(
                &data,
                Vectors::Loaded(Encoder::Words(embeddings.clone())),
                &config.tui.learning_curve,
                &Silent,
                &Cancel::new(),
            )
            .unwrap();
        Fixture {
            embeddings,
            index_dir,
            classifier,
            comparison,
            data,
        }
    })
}

pub fn ready(app: &mut App, kind: JobKind, r: JobOutput) {
    app.update(Msg::Job(JobEvent::Done(kind, r)), Instant::now());
}

/// A fresh app on a 120×36 screen, told its data has `rows` documents of these labels.
fn app_with_data(name: &str, rows: usize, summary: Option<Summary>, labels: Vec<String>) -> App {
    let mut app = App::new(&Config::default(), name);
    app.update(Msg::Resize(120, 36), Instant::now());
    ready(
        &mut app,
        JobKind::Data,
        JobOutput::Data {
            rows,
            summary,
            labels,
        },
    );
    app
}

/// An app with every artifact delivered, as the jobs deliver them.
pub fn loaded_app() -> App {
    let f = fixture();
    let config = Config::default();
    let mut app = app_with_data(
        "bbc-news.csv",
        f.data.len(),
        Some(f.data.summary()),
        f.data.labels.clone(),
    );
    ready(
        &mut app,
        JobKind::Vectors,
        JobOutput::Vectors {
            embeddings: f.embeddings.clone(),
            key: "test".into(),
            source: "word2vec on BBC (test, 1 thread)".into(),
        },
    );
    let scores = evaluate(&f.embeddings, &config.eval_files()).unwrap();
    ready(
        &mut app,
        JobKind::Scores,
        JobOutput::Scores(Box::new(scores)),
    );
    let index = SearchIndex::open(&f.index_dir, &config.search).unwrap();
    ready(&mut app, JobKind::Index, JobOutput::Index(Arc::new(index)));
    ready(
        &mut app,
        JobKind::Classifier,
        JobOutput::Classifier(f.classifier.clone()),
    );
    ready(
        &mut app,
        JobKind::Comparison,
        JobOutput::Comparison(Box::new(f.comparison.clone())),
    );
    app
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Key(KeyEvent::from(KeyCode::Char(c))), Instant::now());
    }
}

/// Moves the Train tab's selection to `field` with j/k, as a user would.
fn select_train_field(app: &mut App, field: TrainField) {
    for _ in 0..TrainField::ALL.len() {
        if app.train.field == field {
            return;
        }
        let down = TrainField::ALL.iter().position(|f| *f == field)
            > TrainField::ALL.iter().position(|f| *f == app.train.field);
        type_text(app, if down { "j" } else { "k" });
    }
    assert_eq!(app.train.field, field, "j/k did not reach the field");
}

pub fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::from(code)), Instant::now());
}

pub fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| views::render(f, app)).unwrap();
    t
}

pub fn screen(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

#[test]
fn search_tab_updates_as_you_type_and_previews_the_hit() {
    let mut app = loaded_app();
    assert!(app.status.jobs.is_empty(), "every job delivered");
    type_text(&mut app, "oil prices");
    // Debounced: nothing runs until the typing pauses.
    assert!(app.search.hits.is_empty());
    app.update(Msg::Tick, Instant::now() + Duration::from_secs(1));
    assert_eq!(app.search.hits.len(), 30);
    assert_eq!(app.search.hits[0].label.as_deref(), Some("business"));
    let top = app.search.hits[0].title.clone().unwrap().to_lowercase();
    assert!(top.contains("oil"), "{top}");
    assert!(app.search.preview.to_lowercase().contains("oil"));
    let s = screen(&draw(&app, 120, 36));
    assert!(s.contains("30 results") && s.contains("bm25 #1"), "{s}");
    // Outside the query box, Down moves the selection and the preview follows; m switches
    // to BM25 only.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.search.selected, 1);
    type_text(&mut app, "m");
    assert_eq!(app.search.mode().name(), "bm25");
    assert!(app.search.hits.iter().all(|h| h.bm25.is_some()));
    // l filters by label: every hit is then of that label.
    type_text(&mut app, "ll");
    let label = app.loaded.labels[1].clone();
    assert!(!app.search.hits.is_empty());
    assert!(
        app.search
            .hits
            .iter()
            .all(|h| h.label.as_deref() == Some(label.as_str()))
    );
}

#[test]
fn classify_tab_shows_the_comparison_heat_map_and_try_it() {
    let mut app = loaded_app();
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "2");
    type_text(
        &mut app,
        "/the striker scored twice as the club won the cup final",
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.classify.probabilities[0].0, "sports");
    assert!(app.classify.probabilities[0].1 > 0.5);
    let sum: f64 = app.classify.probabilities.iter().map(|p| p.1).sum();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!(!app.classify.reasons.is_empty());
    let t = draw(&app, 120, 36);
    let s = screen(&t);
    assert!(s.contains("bow+embed-mean") && s.contains("confusion · bow"));
    insta::assert_snapshot!("classify", s);
    // j picks the next method: the heat map follows.
    type_text(&mut app, "j");
    let s = screen(&draw(&app, 120, 36));
    assert!(s.contains("confusion · embed-mean"), "{s}");

    // The large panel: the learning curve first (every method in its legend), then `v` shows
    // the disagreement list with McNemar's b and c, Enter opens the selected row full screen.
    assert!(
        s.contains("learning curve") && s.contains("bow+embed-sif"),
        "{s}"
    );
    let d = fixture().comparison.disagreements.clone().unwrap();
    type_text(&mut app, "v");
    let s = screen(&draw(&app, 120, 36));
    let counts = format!(
        "only {} right: {} · only bow right: {}",
        d.method, d.method_right_bow_wrong, d.bow_right_method_wrong
    );
    assert!(s.contains(&counts), "{counts} not in {s}");
    if d.rows.len() > 1 {
        key(&mut app, KeyCode::Down);
        assert_eq!(app.classify.disagreement, 1);
        assert_eq!(
            app.classify.selected, 1,
            "↓ moves in the list, not the table"
        );
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.classify.disagreement_open);
    let row = &d.rows[app.classify.disagreement];
    let s = screen(&draw(&app, 120, 36));
    assert!(
        s.contains(&format!("data row {} · true label: {}", row.row, row.label)),
        "{s}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(!app.classify.disagreement_open);
    // Then the reliability curve of the selected method, with its ECE.
    type_text(&mut app, "v");
    let s = screen(&draw(&app, 120, 36));
    let m = &fixture().comparison.methods[1];
    let ece = format!(
        "reliability · {} · ECE {:.3}",
        m.name,
        m.calibration.as_ref().unwrap().ece
    );
    assert!(s.contains(&ece), "{ece} not in {s}");
    type_text(&mut app, "v");
    assert_eq!(app.classify.panel, ClassifyPanel::LearningCurve);
}

/// Word vectors written by hand: three topics (sport, politics, business) of eight words,
/// each word its topic's direction plus a small, fixed offset. Views drawn from them do not
/// change when a trainer does.
fn hand_built_vectors() -> Embeddings {
    let topics = [
        [
            "football", "rugby", "cricket", "tennis", "league", "club", "cup", "match",
        ],
        [
            "government",
            "minister",
            "election",
            "party",
            "vote",
            "law",
            "tory",
            "labour",
        ],
        [
            "market", "shares", "profit", "bank", "company", "sales", "economy", "oil",
        ],
    ];
    let (mut words, mut matrix) = (Vec::new(), Vec::new());
    for (t, topic) in topics.iter().enumerate() {
        for (i, w) in topic.iter().enumerate() {
            words.push(w.to_string());
            let mut v = [0.1f32; 4];
            v[t] = 1.0;
            v[3] = i as f32 / 10.0;
            v[(t + 1) % 3] += (i % 3) as f32 / 20.0;
            matrix.extend_from_slice(&v);
        }
    }
    Embeddings::new(words, matrix, 4).unwrap()
}

#[test]
fn embeddings_view_of_a_hand_built_state() {
    let config = Config::default();
    let mut app = App::new(&config, "hand-built.csv");
    app.update(Msg::Resize(120, 36), Instant::now());
    ready(
        &mut app,
        JobKind::Vectors,
        JobOutput::Vectors {
            embeddings: Arc::new(hand_built_vectors()),
            key: "hand".into(),
            source: "hand-built vectors (3 topics × 8 words)".into(),
        },
    );
    let report = EvalReport {
        pairs: vec![PairScore {
            file: "wordsim353.tsv".into(),
            spearman: 0.5,
            oov_ratio: 0.9,
            pairs: 353,
            used: 35,
        }],
        analogies: None,
    };
    ready(
        &mut app,
        JobKind::Scores,
        JobOutput::Scores(Box::new(report)),
    );
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "3/football");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.embed.heading, "neighbours of football",
        "{:?}",
        app.embed.error
    );
    // The seven other sport words come first, then the rest.
    let first: Vec<&str> = app.embed.neighbors[..7]
        .iter()
        .map(|n| n.0.as_str())
        .collect();
    for w in [
        "rugby", "cricket", "tennis", "league", "club", "cup", "match",
    ] {
        assert!(first.contains(&w), "{w} not among {first:?}");
    }
    insta::assert_snapshot!("embeddings_hand_built", screen(&draw(&app, 120, 36)));
}

/// Twenty BBC stories (the first ten with "oil" in the title, the first ten on sport) indexed
/// with the hand-built vectors: the Search view drawn from them depends on tantivy's BM25
/// and the fusion rule only, not on any trainer.
#[test]
fn search_view_of_a_hand_built_state() {
    let config = Config::default();
    let docs: Vec<_> = CorpusReader::open(&spec())
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let oil = docs
        .iter()
        .filter(|d| {
            d.title
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains("oil")
        })
        .take(10);
    let sport = docs
        .iter()
        .filter(|d| d.label.as_deref() == Some("sports"))
        .take(10);
    let some: Vec<_> = oil.chain(sport).cloned().collect();
    let vectors = Arc::new(hand_built_vectors());
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("ix");
    SearchIndex::build(
        &ix,
        &some,
        vectors.clone(),
        &config.index_settings(),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    let labels = vec!["business".into(), "sports".into()];
    let mut app = app_with_data("hand-built.csv", some.len(), None, labels);
    ready(
        &mut app,
        JobKind::Vectors,
        JobOutput::Vectors {
            embeddings: vectors,
            key: "hand".into(),
            source: "hand-built vectors (3 topics × 8 words)".into(),
        },
    );
    let index = SearchIndex::open(&ix, &config.search).unwrap();
    ready(&mut app, JobKind::Index, JobOutput::Index(Arc::new(index)));
    type_text(&mut app, "oil prices");
    app.update(Msg::Tick, Instant::now() + Duration::from_secs(1));
    // The ten oil stories match the keywords and come first; the sport ones follow, found
    // by the vectors alone (every hand-built vector has a share of every topic).
    assert_eq!(app.search.hits.len(), 20);
    for (rank, h) in app.search.hits.iter().enumerate() {
        let title = h.title.as_deref().unwrap_or("").to_lowercase();
        let keyword_hit = title.contains("oil") && h.bm25.is_some();
        assert_eq!(keyword_hit, rank < 10, "rank {rank}: {title}");
    }
    insta::assert_snapshot!("search_hand_built", screen(&draw(&app, 120, 36)));
}

#[test]
fn embeddings_tab_lists_neighbours_analogies_and_scores() {
    let mut app = loaded_app();
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "3/");
    type_text(&mut app, "government");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.embed.neighbors.len(), 20);
    assert_eq!(app.embed.projection.len(), 21);
    assert_eq!(app.embed.projection[0].0, "government");
    let s = screen(&draw(&app, 120, 36));
    assert!(
        s.contains("neighbours of government") && s.contains("wordsim353.tsv"),
        "{s}"
    );
    // Three words are an analogy; an unknown word is an error in words, not a crash.
    type_text(&mut app, "/");
    key(&mut app, KeyCode::Backspace);
    app.embed.input.clear();
    type_text(&mut app, "london britain paris");
    key(&mut app, KeyCode::Enter);
    // london − britain + paris, as `wordlens analogy london britain paris` computes it:
    // "britain is to london as paris is to ?"
    assert_eq!(app.embed.heading, "britain : london :: paris : ?");
    let cli_order = fixture()
        .embeddings
        .analogy("britain", "london", "paris", 20, AnalogyMethod::CosAdd, 0)
        .unwrap();
    assert_eq!(app.embed.neighbors, cli_order);
    app.embed.input = "qwzxqwzx".into();
    app.run_embeddings();
    assert!(
        app.embed
            .error
            .as_deref()
            .unwrap_or("")
            .contains("qwzxqwzx")
    );
}

#[test]
fn train_tab_help_overlay_and_small_terminal() {
    let mut app = loaded_app();
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "4");
    insta::assert_snapshot!("train", screen(&draw(&app, 120, 30)));
    type_text(&mut app, "1?");
    let s = screen(&draw(&app, 120, 36));
    assert!(s.contains("keys · Search") && s.contains("filter by label"));
    insta::assert_snapshot!("help", s);
    let small = screen(&draw(&app, 50, 10));
    assert!(small.contains("needs at least"), "{small}");
}

#[test]
fn train_tab_changes_the_learning_rate_and_sampling_of_the_chosen_model() {
    let mut app = loaded_app();
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, "4");
    // model → fasttext-skipgram (two steps right): fastText's own rate and sampling show.
    type_text(&mut app, "ll");
    assert_eq!(app.train.config.model, Model::FasttextSkipgram);
    let s = screen(&draw(&app, 120, 30));
    assert!(
        s.contains("lr         ‹ 0.05 ›") && s.contains("sample     ‹ 0.0001 ›"),
        "{s}"
    );
    // Down to lr, one rung up; then sample, one rung down.
    select_train_field(&mut app, TrainField::LearningRate);
    type_text(&mut app, "l");
    assert_eq!(app.train.config.model_learning_rate(), 0.1);
    select_train_field(&mut app, TrainField::Sample);
    type_text(&mut app, "h");
    assert_eq!(app.train.config.sampling(), 1e-5);
    // Only the fastText values changed: word2vec models keep theirs.
    assert_eq!(
        (app.train.config.learning_rate, app.train.config.sample),
        (0.025, 1e-3)
    );
    let s = screen(&draw(&app, 120, 30));
    assert!(
        s.contains("lr         ‹ 0.1 ›") && s.contains("sample     ‹ 0.00001 ›"),
        "{s}"
    );
}

/// The real binary inside a private tmux server (its own socket, so the test neither sees nor
/// disturbs other sessions); killed when dropped. None when tmux is missing and
/// `WORDLENS_SKIP_TMUX` is set, or tmux cannot start here; a missing tmux otherwise fails.
struct Tmux {
    server: String,
}

impl Tmux {
    fn start(cwd: &std::path::Path, cmd: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            if std::env::var_os("WORDLENS_SKIP_TMUX").is_some() {
                eprintln!("WORDLENS_SKIP_TMUX is set: end-to-end TUI test skipped");
                return None;
            }
            panic!(
                "the end-to-end TUI test needs tmux: install it (apt-get install tmux), or set \
                 WORDLENS_SKIP_TMUX=1 to skip this test on purpose"
            );
        }
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = Tmux {
            server: format!("wordlens-e2e-{}-{n}", std::process::id()),
        };
        let cwd = cwd.display().to_string();
        let started = t.run(&[
            "new-session",
            "-d",
            "-s",
            &t.server,
            "-x",
            "120",
            "-y",
            "36",
            "-c",
            &cwd,
            cmd,
        ]);
        if !started.status.success() {
            // tmux is installed but cannot start a server here (no writable socket folder...).
            eprintln!("tmux could not start: {started:?}; end-to-end TUI test skipped");
            return None;
        }
        Some(t)
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.server])
            .args(args)
            .output()
            .unwrap()
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", &self.server, keys]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", &self.server]).stdout)
            .into_owned()
    }

    /// The screen once it shows `what`, or after `secs` seconds.
    fn wait_for(&self, what: &str, secs: u64) -> String {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(what) || Instant::now() > until {
                return s;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.keys("C-c");
        std::thread::sleep(Duration::from_millis(300));
        self.run(&["kill-server"]);
    }
}

/// The first run as a new user meets it: `wordlens tui` from the repository with no
/// `--vectors` and an empty cache opens on the bundled model; a query shows ranked BBC stories
/// and nothing is trained.
#[test]
fn first_run_in_tmux_opens_on_the_bundled_model() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} tui --data-dir {}",
        env!("CARGO_BIN_EXE_wordlens"),
        dir.path().join("cache").display()
    );
    let Some(t) = Tmux::start(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &cmd) else {
        return;
    };
    let first = t.wait_for("2225 documents", 10);
    assert!(first.contains("bbc-news.csv · 2225 documents"), "{first}");
    t.keys("oil prices");
    let screen = t.wait_for("30 results", 60);
    assert!(
        screen.contains("Oil prices") && screen.contains("[business]"),
        "{screen}"
    );
    assert!(
        screen.contains("cos #"),
        "vector scores take part: {screen}"
    );
    assert!(!screen.contains("training"), "{screen}");
    // The Embeddings tab names the bundled model.
    t.keys("Escape");
    std::thread::sleep(Duration::from_millis(300));
    t.keys("3");
    let emb = t.wait_for("bundled", 20);
    assert!(emb.contains("bundled"), "{emb}");
}

/// The real binary in tmux: open on BBC with given vectors, type a query, read the screen;
/// then open a second CSV from the file picker (columns confirmed in the dialog) and search it.
/// Without tmux it fails, saying how to install it (`.ci/run` does) or to skip it on purpose
/// with `WORDLENS_SKIP_TMUX=1`; it never passes without having run.
#[test]
fn end_to_end_in_tmux() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let vectors = dir.path().join("v.bin");
    wordlens::embed::io::write(
        &vectors,
        &f.embeddings,
        wordlens::embed::io::VectorFormat::W2vBin,
    )
    .unwrap();
    // The second collection: 300 tweets, sampled across the file (it is sorted by sentiment).
    let tweets = std::fs::read_to_string(bundled("tweets-sentiment.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(tweets.as_bytes());
    let mut out = csv::Writer::from_path(dir.path().join("tweets-small.csv")).unwrap();
    out.write_record(reader.headers().unwrap()).unwrap();
    for rec in reader.records().step_by(100).take(300) {
        out.write_record(&rec.unwrap()).unwrap();
    }
    out.flush().unwrap();
    let cmd = format!(
        "{} tui --data-dir {} --vectors {}",
        env!("CARGO_BIN_EXE_wordlens"),
        dir.path().join("cache").display(),
        vectors.display()
    );
    let Some(t) = Tmux::start(dir.path(), &cmd) else {
        return;
    };
    let first = t.wait_for("1 Search", 10);
    assert!(
        first.contains("2225 documents") || first.contains("1 Search"),
        "{first}"
    );
    t.keys("oil prices");
    let screen = t.wait_for("Oil prices", 60);
    // The picker (o) on the folder the TUI started in: filter, Enter, confirm the columns.
    t.keys("Escape");
    std::thread::sleep(Duration::from_millis(300));
    t.keys("o");
    t.wait_for("filter:", 10);
    t.keys("tweets");
    let picked = t.wait_for("preview · table", 10);
    t.keys("Enter");
    let dialog = t.wait_for("columns of tweets-small.csv", 10);
    t.keys("Enter");
    let opened = t.wait_for("300 documents", 60);
    t.keys("/");
    t.keys("driverless");
    let second = t.wait_for("Driverless Car", 60);
    drop(t);
    assert!(screen.contains("30 results"), "{screen}");
    assert!(screen.contains("[business]"), "{screen}");
    assert!(picked.contains("tweets-small.csv"), "{picked}");
    assert!(
        dialog.contains("sentiment") && dialog.contains("label"),
        "{dialog}"
    );
    assert!(
        opened.contains("tweets-small.csv · 300 documents"),
        "{opened}"
    );
    // Tweets about driverless cars, found by BM25 ("driverless" is not in BBC's vectors).
    assert!(
        second.contains("Driverless Car") && second.contains("bm25 #1"),
        "{second}"
    );
    assert!(!second.contains(" 0 results"), "{second}");
}
