//! The runtime side of the app's requests: which collection and vectors the jobs work on,
//! switching them from inside the TUI, cancelling, training and exporting. Each opened
//! collection (or vectors switch) gets its own job channel, so results of the jobs it replaced
//! can never reach the app; its cancel flag stops them.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use crate::config::Config;
use crate::docvec::source::VectorSource;
use crate::error::{Error, Result};
use crate::progress::Cancel;
use crate::text::CorpusSpec;

use super::app::{App, Request};
use super::jobs::{JobEvent, Jobs};
use super::setup::Setup;

/// The jobs of what is open now.
struct Open {
    setup: Setup,
    jobs: Jobs,
    events: Receiver<JobEvent>,
    /// Stops this collection's jobs (set by the cancel key, a switch, or quitting).
    cancel: Cancel,
    training: Option<Cancel>,
}

/// What the TUI has open, and the quit signal every job descends from.
pub struct Session {
    config: Config,
    data_dir: PathBuf,
    quit: Cancel,
    open: Option<Open>,
}

/// A session that goes away stops the jobs of what it had open (a test's, or the TUI's on quit).
impl Drop for Session {
    fn drop(&mut self) {
        if let Some(open) = &self.open {
            open.cancel.cancel();
        }
    }
}

impl Session {
    /// Nothing open yet; artifacts go under `data_dir`.
    pub fn new(config: &Config, data_dir: PathBuf, quit: Cancel) -> Self {
        Self {
            config: config.clone(),
            data_dir,
            quit,
            open: None,
        }
    }

    /// Opens `corpus` with `vectors`, stopping what ran before, and starts its jobs. Returns
    /// the setup (its artifact folder holds the judgments).
    pub fn open(&mut self, corpus: CorpusSpec, vectors: VectorSource) -> Result<&Setup> {
        let setup = Setup::open(&self.config, corpus, vectors, &self.data_dir)?;
        if let Some(old) = self.open.take() {
            old.cancel.cancel();
        }
        let (tx, events) = mpsc::channel();
        let cancel = self.quit.child();
        let jobs = Jobs::new(setup.clone(), tx, cancel.clone());
        jobs.start();
        let open = self.open.insert(Open {
            setup,
            jobs,
            events,
            cancel,
            training: None,
        });
        Ok(&open.setup)
    }

    /// What is open, if anything.
    pub fn setup(&self) -> Option<&Setup> {
        self.open.as_ref().map(|o| &o.setup)
    }

    /// The job events delivered since the last call.
    pub fn events(&self) -> Vec<JobEvent> {
        self.open
            .as_ref()
            .map(|o| o.events.try_iter().collect())
            .unwrap_or_default()
    }

    /// Carries out `request`, telling `app` what it needs to know (a new collection's
    /// judgments, an error).
    pub fn handle(&mut self, request: Request, app: &mut App) {
        if let Err(e) = self.try_handle(request, app) {
            app.status.errors.push(e.to_string());
        }
    }

    fn try_handle(&mut self, request: Request, app: &mut App) -> Result<()> {
        let nothing_open = || Error::Usage("no collection is open; press o to open one".into());
        match request {
            Request::OpenCollection(corpus) => {
                let vectors = self
                    .setup()
                    .map_or_else(|| self.config.default_vectors(), |s| s.vectors.clone());
                let setup = self.open(corpus, vectors)?;
                app.collection_opened(setup.artifacts.root(), &setup.data_name());
            }
            Request::OpenVectors(path) => {
                let corpus = self.setup().ok_or_else(nothing_open)?.corpus.clone();
                self.open(corpus, VectorSource::Path(path))?;
            }
            Request::Train(config) => {
                let open = self.open.as_mut().ok_or_else(nothing_open)?;
                open.training = Some(open.jobs.train(config));
            }
            Request::CancelTraining => {
                if let Some(c) = self.open.as_ref().and_then(|o| o.training.as_ref()) {
                    c.cancel();
                }
            }
            Request::CancelJobs => {
                if let Some(open) = self.open.as_mut() {
                    open.cancel.cancel();
                    // Later jobs of this collection run under a fresh flag.
                    open.cancel = self.quit.child();
                    open.jobs = open.jobs.with_cancel(open.cancel.clone());
                    open.training = None;
                }
            }
            Request::ExportPredictions(out) => {
                let open = self.open.as_ref().ok_or_else(nothing_open)?;
                let classifier = app.loaded.classifier.clone().ok_or_else(|| {
                    Error::Usage("the classifier is not ready yet; nothing exported".into())
                })?;
                open.jobs.export_predictions(classifier, out);
            }
        }
        Ok(())
    }
}
