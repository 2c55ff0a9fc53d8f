//! Keystroke latency of the Search tab at BBC size: types BBC titles into the query box one
//! character at a time and times each keystroke's update + search + redraw (debouncing is
//! skipped: every keystroke runs the search, the worst case).
//! Usage: cargo run --release --features bench-examples --example tui_latency [-- VECTORS]   (default: trains word2vec)

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use wordlens::embed::{io, word2vec};
use wordlens::progress::Silent;
use wordlens::search::SearchIndex;
use wordlens::text::{CorpusReader, CorpusSpec, TextSource, Tokenizer};
use wordlens::tui::{App, JobEvent, JobKind, JobOutput, Msg, views};
use wordlens::{Cancel, Config};

fn main() -> wordlens::Result<()> {
    let config = Config::default();
    let mut spec = CorpusSpec::new(config.data_file("bbc-news.csv")).label_col("category");
    spec.id_col = Some("id".into());
    spec.title_col = Some("title".into());
    let docs: Vec<_> = CorpusReader::open(&spec)?.collect::<wordlens::Result<_>>()?;
    let embeddings = match std::env::args().nth(1) {
        Some(p) => io::read(p.as_ref())?.embeddings,
        None => {
            let texts: Vec<String> = docs.iter().map(|d| d.text.clone()).collect();
            let sources = [TextSource::Texts(&texts)];
            let tok = Tokenizer::new(&config.tokenizer);
            word2vec::train(&sources, &tok, &config.word2vec, &Silent, &Cancel::new())?.embeddings
        }
    };
    let dir = tempfile::tempdir().map_err(|e| wordlens::Error::io(std::env::temp_dir(), e))?;
    let ix_dir = dir.path().join("ix");
    SearchIndex::build(
        &ix_dir,
        &docs,
        Arc::new(embeddings),
        &config.index_settings(),
        &Silent,
        &Cancel::new(),
    )?;
    let index = Arc::new(SearchIndex::open(&ix_dir, &config.search)?);
    let mut app = App::new(&config, "bbc-news.csv");
    app.update(Msg::Resize(120, 36), Instant::now());
    app.update(
        Msg::Job(JobEvent::Done(JobKind::Index, JobOutput::Index(index))),
        Instant::now(),
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 36))
        .map_err(|e| wordlens::Error::Usage(format!("test backend: {e}")))?;
    let mut times = Vec::new();
    for d in docs.iter().step_by(20).take(100) {
        let title = d.title.clone().unwrap_or_default();
        for c in title.chars() {
            let t = Instant::now();
            app.update(Msg::Key(KeyEvent::from(KeyCode::Char(c))), t);
            app.update(Msg::Tick, t + Duration::from_secs(1));
            terminal
                .draw(|f| views::render(f, &app))
                .map_err(|e| wordlens::Error::Usage(format!("draw: {e}")))?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        app.search.query.clear();
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{} keystrokes (hybrid search + redraw each, 120x36): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    Ok(())
}
