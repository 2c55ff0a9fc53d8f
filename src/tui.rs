//! The terminal UI: four tabs (Search, Classify, Embeddings, Train) over the same library the
//! CLI drives. State + update + render (`app`, `views`); background work reports through one
//! channel (`jobs`); artifacts are cached by a hash of data and settings (`artifacts`). Only
//! this module imports ratatui and crossterm.

pub mod app;
pub mod artifact_keys;
pub mod artifacts;
pub mod columns;
pub mod editor;
pub mod files;
pub mod history;
pub mod jobs;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod recent;
pub mod session;
pub mod setup;
pub mod tab;
pub mod theme;
pub mod train_form;
pub mod views;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;

pub use app::{App, ClassifyPanel, Msg, Request, Tab};
pub use jobs::{JobEvent, JobKind, JobOutput, Jobs};
pub use session::Session;
pub use setup::Setup;

use crate::config::Config;
use crate::docvec::source::VectorSource;
use crate::error::{Error, Result};
use crate::progress::Cancel;
use crate::text::CorpusSpec;

fn terminal_error(e: std::io::Error) -> Error {
    Error::io(PathBuf::from("the terminal"), e)
}

/// Whether stdout is a terminal the TUI can draw on.
pub fn has_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// What the TUI opens on: the collection (None: the picker shows first), the vectors (the
/// bundled model unless told otherwise), and the artifact folder.
pub struct Start {
    pub config: Config,
    pub corpus: Option<CorpusSpec>,
    pub vectors: VectorSource,
    pub data_dir: PathBuf,
    /// `--engine`: the Search tab asks this collection (connected before the screen is taken).
    #[cfg(feature = "milvus")]
    pub engine: Option<crate::engine::milvus::Milvus>,
}

/// Runs the TUI until the user quits. The terminal is restored on return and on panic.
pub fn run(start: Start) -> Result<()> {
    // A bad `[keys]` entry is reported before the screen is taken over.
    let keymap = keymap::KeyMap::from_config(&start.config.keys)?;
    let quit = Cancel::new();
    let mut session = Session::new(&start.config, start.data_dir.clone(), quit.clone());
    let mut app = App::new(&start.config, "")
        .with_recent(start.data_dir.join("recent.json"), start.config.tui.recent);
    app.keymap = keymap;
    #[cfg(feature = "milvus")]
    {
        app.engine = start.engine.map(|m| app::engine_backend::EngineBackend {
            milvus: std::sync::Arc::new(m),
            checked: false,
        });
    }
    if let Ok(cwd) = std::env::current_dir() {
        app.export_dir = cwd;
    }
    match start.corpus {
        Some(corpus) => {
            let setup = session.open(corpus, start.vectors)?;
            app.collection_opened(setup.artifacts.root(), &setup.data_name());
        }
        None => {
            app.status.jobs.clear();
            app.open_picker(&app.export_dir.clone(), false);
        }
    }
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
    let result = event_loop(&mut terminal, &mut app, &mut session);
    quit.cancel();
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    session: &mut Session,
) -> Result<()> {
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
        for e in session.events() {
            app.update(Msg::Job(e), Instant::now());
        }
        app.update(Msg::Tick, Instant::now());
        let requests: Vec<Request> = app.requests.drain(..).collect();
        for request in requests {
            session.handle(request, app);
        }
        if let Some((id, line)) = app.edit.take() {
            *terminal = edit_hit(session, &id, line, app)?;
        }
    }
    Ok(())
}

/// Leaves the screen, runs the editor on the hit's file at `line`, and takes the screen back;
/// an editor that cannot start or fails is reported in the status line.
fn edit_hit(
    session: &Session,
    id: &str,
    line: u32,
    app: &mut App,
) -> Result<ratatui::DefaultTerminal> {
    let Some(setup) = session.setup() else {
        return ratatui::try_init().map_err(terminal_error);
    };
    let path = editor::file_of(&setup.corpus.path, id);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    let result = match editor::from_env() {
        Some(e) => editor::open(&e, &path, line),
        None => Err(crate::Error::Usage(
            "no editor: set $VISUAL or $EDITOR".into(),
        )),
    };
    let terminal = ratatui::try_init().map_err(terminal_error)?;
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    match result {
        Ok(()) => app.status.notice = Some(format!("edited {}", path.display())),
        Err(e) => app.status.errors.push(e.to_string()),
    }
    Ok(terminal)
}
