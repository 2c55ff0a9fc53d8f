//! The terminal UI: four tabs (Search, Classify, Embeddings, Train) over the same library the
//! CLI drives. State + update + render (`app`, `views`); background work reports through one
//! channel (`jobs`); artifacts are cached by a hash of data and settings (`artifacts`). Only
//! this module imports ratatui and crossterm.

pub mod app;
pub mod artifacts;
pub mod history;
pub mod jobs;
pub mod layout;
pub mod tab;
pub mod views;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;

pub use app::{App, ClassifyPanel, Msg, Request, Tab};
pub use jobs::{JobEvent, JobKind, Jobs, Ready, Setup};

use crate::error::{Error, Result};
use crate::progress::Cancel;

fn terminal_error(e: std::io::Error) -> Error {
    Error::io(PathBuf::from("the terminal"), e)
}

/// Whether stdout is a terminal the TUI can draw on.
pub fn has_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Runs the TUI until the user quits. The terminal is restored on return and on panic.
pub fn run(setup: Setup, data_name: &str) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let cancel = Cancel::new();
    let mut app = App::new(&setup.config, data_name).with_collection(setup.artifacts.root());
    let jobs = Jobs::new(setup, tx, cancel.clone());
    let mut terminal = ratatui::try_init().map_err(terminal_error)?;
    // ratatui's panic hook restores the screen; mouse capture must be released before it.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal.size().map_err(terminal_error)?;
    app.update(Msg::Resize(size.width, size.height), Instant::now());
    jobs.start();
    let result = event_loop(&mut terminal, &mut app, &jobs, &rx);
    cancel.cancel();
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    jobs: &Jobs,
    rx: &mpsc::Receiver<JobEvent>,
) -> Result<()> {
    let mut training: Option<Cancel> = None;
    while !app.quit {
        terminal
            .draw(|f| views::render(f, app))
            .map_err(terminal_error)?;
        let wait = Duration::from_millis(if app.busy() { 25 } else { 200 });
        if event::poll(wait).map_err(terminal_error)? {
            // Take every queued input before drawing again, so fast typing never lags.
            loop {
                let msg = match event::read().map_err(terminal_error)? {
                    Event::Key(k) => Some(Msg::Key(k)),
                    Event::Mouse(m) => Some(Msg::Mouse(m)),
                    Event::Resize(w, h) => Some(Msg::Resize(w, h)),
                    _ => None,
                };
                if let Some(msg) = msg {
                    app.update(msg, Instant::now());
                }
                if !event::poll(Duration::ZERO).map_err(terminal_error)? {
                    break;
                }
            }
        }
        while let Ok(e) = rx.try_recv() {
            app.update(Msg::Job(e), Instant::now());
        }
        app.update(Msg::Tick, Instant::now());
        for request in app.requests.drain(..) {
            match request {
                Request::Train(config) => training = Some(jobs.train(config)),
                Request::CancelTraining => {
                    if let Some(c) = &training {
                        c.cancel();
                    }
                }
            }
        }
    }
    Ok(())
}
