//! Background work of the TUI: loading or building word vectors, the search index, the
//! classifier and the comparison, and training new vectors. Every job runs on its own thread
//! and reports through one channel of `JobEvent`s; the UI thread never waits on a job.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use crate::classify::compare::{CompareReport, Vectors};
use crate::classify::label_file::label_file;
use crate::classify::model_file;
use crate::classify::pipeline::{Docs, FeatureKind, Pipeline};
use crate::classify::tune::{self, Labelled};
use crate::dataset::{Dataset, Summary};
use crate::docvec::encoder::Encoder;
use crate::docvec::source::Located;
use crate::embed::Embeddings;
use crate::embed::eval::{EvalReport, evaluate};
use crate::embed::trainer::TrainConfig;
use crate::error::{Error, Result};
use crate::fsutil::atomic_write;
use crate::progress::{Cancel, Progress, Report};
use crate::search::SearchIndex;
use crate::search::evaluate::calibrate;
use crate::text::{CorpusReader, Document, Tokenizer};

use super::artifact_keys::{classifier_key, comparison_key, index_key, trained_vectors_key};
pub use super::setup::Setup;

/// The classifier, the comparison and labelling jobs.
mod classify;
/// Loading, opening or training the vectors.
mod vectors;

/// The background jobs of the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobKind {
    /// Reading the collection (and its labels).
    Data,
    /// Loading or training the word vectors.
    Vectors,
    /// Scoring the vectors on the word-similarity and analogy sets.
    Scores,
    /// Building or opening the search index.
    Index,
    /// Fitting the "try it" classifier.
    Classifier,
    /// With vs without embeddings on a held-out split.
    Comparison,
    /// The same comparison with vectors trained on the split, beside the chosen vectors.
    TrainedComparison,
    /// Training new vectors from the Train tab.
    Training,
    /// Labelling the collection into a CSV (Classify tab's export).
    Export,
}

impl JobKind {
    /// The name the status bar shows.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Data => "data",
            JobKind::Vectors => "word vectors",
            JobKind::Scores => "embedding scores",
            JobKind::Index => "search index",
            JobKind::Classifier => "classifier",
            JobKind::Comparison => "comparison",
            JobKind::TrainedComparison => "comparison with trained vectors",
            JobKind::Training => "training",
            JobKind::Export => "export",
        }
    }
}

/// The job graph, declared once: the jobs that start when `done` delivers word vectors (the
/// first vectors, or a training's). `labelled`: the collection has labels; `index_open`: a
/// cached index for these vectors is already open. The runner spawns them and the app shows
/// them as pending from this one list.
pub fn jobs_after(done: JobKind, labelled: bool, index_open: bool) -> Vec<JobKind> {
    match done {
        JobKind::Data => vec![JobKind::Vectors],
        JobKind::Vectors | JobKind::Training => {
            let mut next = vec![JobKind::Scores];
            // New vectors from training always rebuild the index.
            if !index_open || done == JobKind::Training {
                next.push(JobKind::Index);
            }
            if labelled {
                next.extend([JobKind::Classifier, JobKind::Comparison]);
            }
            next
        }
        _ => Vec::new(),
    }
}

/// What a finished job hands to the UI.
pub enum JobOutput {
    /// The collection was read.
    Data {
        /// Documents read.
        rows: usize,
        /// Class counts, when it has labels.
        summary: Option<Summary>,
        /// Class names in label-id order.
        labels: Vec<String>,
    },
    /// Vectors and the key their dependents are cached under.
    Vectors {
        /// The vectors.
        embeddings: Arc<Embeddings>,
        /// The artifact key of everything built from them.
        key: String,
        /// Where they came from, for the status bar.
        source: String,
    },
    /// The vectors' word-similarity and analogy scores.
    Scores(Box<EvalReport>),
    /// The search index, open.
    Index(Arc<SearchIndex>),
    /// The fitted "try it" classifier.
    Classifier(Arc<Pipeline>),
    /// The held-out comparison.
    Comparison(Box<CompareReport>),
    /// The held-out comparison with vectors trained on the split (`[tui] compare_trained`).
    TrainedComparison(Box<CompareReport>),
    /// The collection was labelled into this CSV: rows written.
    Exported {
        /// The CSV written.
        path: PathBuf,
        /// Rows labelled.
        rows: u64,
    },
}

impl JobOutput {
    /// The job that produces this.
    pub fn kind(&self) -> JobKind {
        match self {
            JobOutput::Data { .. } => JobKind::Data,
            JobOutput::Vectors { .. } => JobKind::Vectors,
            JobOutput::Scores(_) => JobKind::Scores,
            JobOutput::Index(_) => JobKind::Index,
            JobOutput::Classifier(_) => JobKind::Classifier,
            JobOutput::Comparison(_) => JobKind::Comparison,
            JobOutput::TrainedComparison(_) => JobKind::TrainedComparison,
            JobOutput::Exported { .. } => JobKind::Export,
        }
    }
}

/// What a job sends the UI: progress, its result, a failure, or that it was cancelled.
pub enum JobEvent {
    /// A step of the job's progress, as its gauge shows it.
    Progress {
        /// The job reporting.
        job: JobKind,
        /// What it is doing ("reading", "training", ...).
        stage: String,
        /// Units done of `total` in this stage.
        done: u64,
        /// Units in this stage (0: unknown).
        total: u64,
        /// Running figures (loss, learning rate, ...).
        metrics: Vec<(String, f64)>,
    },
    /// The job finished with this output.
    Done(JobKind, JobOutput),
    /// The job failed; the previous artifact stays in use.
    Failed(JobKind, Error),
    /// Stopped by its cancel flag (or quitting): the previous artifact stays in use.
    Cancelled(JobKind),
}

/// Sends a job's progress reports into the channel.
struct ChannelProgress {
    job: JobKind,
    tx: Sender<JobEvent>,
}

impl Progress for ChannelProgress {
    fn report(&self, r: &Report<'_>) {
        let _ = self.tx.send(JobEvent::Progress {
            job: self.job,
            stage: r.stage.to_string(),
            done: r.done,
            total: r.total,
            metrics: r.metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        });
    }
}

/// Starts and cancels jobs; cheap to clone into job threads.
#[derive(Clone)]
pub struct Jobs {
    tx: Sender<JobEvent>,
    setup: Arc<Setup>,
    cancel: Cancel,
}

/// The documents and the labelled dataset, read once and shared by the jobs.
struct Collection {
    docs: Vec<Document>,
    labelled: Option<Dataset>,
}

impl Jobs {
    /// Jobs on `setup`, reporting to `tx`; `cancel` is the quit signal.
    pub fn new(setup: Setup, tx: Sender<JobEvent>, cancel: Cancel) -> Self {
        Self {
            tx,
            setup: Arc::new(setup),
            cancel,
        }
    }

    /// Runs `work` on a thread as job `kind`; its result or error goes to the channel.
    fn spawn(&self, kind: JobKind, work: impl FnOnce(&Self) -> Result<JobOutput> + Send + 'static) {
        let jobs = self.clone();
        std::thread::spawn(move || {
            let event = match work(&jobs) {
                Ok(ready) => JobEvent::Done(kind, ready),
                Err(Error::Cancelled) => JobEvent::Cancelled(kind),
                Err(e) => JobEvent::Failed(kind, e),
            };
            let _ = jobs.tx.send(event);
        });
    }

    /// The same jobs under another cancel flag (after the old one was used to cancel).
    pub fn with_cancel(&self, cancel: Cancel) -> Self {
        Self {
            cancel,
            ..self.clone()
        }
    }

    fn progress(&self, job: JobKind) -> ChannelProgress {
        ChannelProgress {
            job,
            tx: self.tx.clone(),
        }
    }

    fn send(&self, kind: JobKind, ready: JobOutput) {
        let _ = self.tx.send(JobEvent::Done(kind, ready));
    }

    /// Opens a cached index at once (the search box is usable before anything else loads),
    /// and in parallel reads the data, then gets the word vectors, then what needs them.
    pub fn start(&self) {
        let cached_index = self.embeddings_key().ok().and_then(|k| {
            let dir = self.index_dir(&k);
            dir.join("meta.json").exists().then_some(dir)
        });
        if let Some(dir) = cached_index.clone() {
            self.spawn(JobKind::Index, move |jobs| {
                let ix = SearchIndex::open(&dir, &jobs.setup.config.search)?;
                Ok(JobOutput::Index(Arc::new(ix)))
            });
        }
        let index_open = cached_index.is_some();
        self.spawn(JobKind::Data, move |jobs| {
            let data = Arc::new(jobs.read_data()?);
            let ready = JobOutput::Data {
                rows: data.docs.len(),
                summary: data.labelled.as_ref().map(|d| d.summary()),
                labels: data
                    .labelled
                    .as_ref()
                    .map(|d| d.labels.clone())
                    .unwrap_or_default(),
            };
            jobs.spawn(JobKind::Vectors, move |jobs| {
                jobs.embeddings(&data, index_open)
            });
            Ok(ready)
        });
    }

    fn index_dir(&self, emb_key: &str) -> PathBuf {
        let k = index_key(&self.setup.config, emb_key);
        self.setup.artifacts.path("index", &k)
    }

    fn read_data(&self) -> Result<Collection> {
        let setup = &self.setup;
        let reader = CorpusReader::open(&setup.corpus)?;
        // A fastText file carries its labels (`__label__x`): no label column needed.
        let has_labels = setup.corpus.label_col.is_some() || reader.is_fasttext();
        let docs: Vec<Document> = reader.collect::<Result<_>>()?;
        if docs.is_empty() {
            return Err(Error::in_file(&setup.corpus.path, "no documents"));
        }
        let labelled = match has_labels {
            true => Some(Dataset::load(
                &setup.corpus,
                &Tokenizer::new(&setup.config.tokenizer)?,
            )?),
            false => None,
        };
        Ok(Collection { docs, labelled })
    }

    /// What `jobs_after(done, ..)` lists for these vectors, each on its own thread (the
    /// classifier follows the comparison on its thread).
    fn start_dependents(
        &self,
        done: JobKind,
        data: Arc<Collection>,
        embeddings: Encoder,
        emb_key: String,
        index_open: bool,
    ) {
        // `[tui] compare_trained`: chosen vectors that are not themselves trained (nor new from
        // the Train tab) are compared beside vectors trained on the split.
        let side_by_side = self.setup.config.tui.compare_trained
            && done != JobKind::Training
            && self.located().is_ok_and(|l| l != Located::Train);
        for kind in jobs_after(done, data.labelled.is_some(), index_open) {
            let (data, emb, key) = (data.clone(), embeddings.clone(), emb_key.clone());
            match kind {
                JobKind::Scores => {
                    let config = self.setup.config.clone();
                    self.spawn(kind, move |_| {
                        let scores = evaluate(&*emb.words()?, &config.eval_files())?;
                        Ok(JobOutput::Scores(Box::new(scores)))
                    })
                }
                JobKind::Index => self.spawn(kind, move |jobs| jobs.index(&data, emb, &key)),
                // The comparison first (the Classify tab's table, about 50 s on BBC), then the
                // "try it" classifier (its tuned fit on every row takes longer).
                JobKind::Classifier => self.spawn(kind, move |jobs| {
                    let report = jobs.comparison(&data, Some((emb.clone(), &key)))?;
                    jobs.send(JobKind::Comparison, JobOutput::Comparison(Box::new(report)));
                    // Trained vectors beside the chosen ones, once the chosen ones are shown.
                    if side_by_side {
                        let data = data.clone();
                        jobs.spawn(JobKind::TrainedComparison, move |jobs| {
                            let report = jobs.comparison(&data, None)?;
                            Ok(JobOutput::TrainedComparison(Box::new(report)))
                        });
                    }
                    Ok(JobOutput::Classifier(jobs.classifier(&data, emb, &key)?))
                }),
                _ => {}
            }
        }
    }

    fn index(&self, data: &Collection, emb: Encoder, emb_key: &str) -> Result<JobOutput> {
        let config = &self.setup.config;
        let dir = self.index_dir(emb_key);
        if !dir.join("meta.json").exists() {
            SearchIndex::build(
                &dir,
                &data.docs,
                emb,
                &config.index_settings(),
                &self.progress(JobKind::Index),
                &self.cancel,
            )?;
            let built = SearchIndex::open(&dir, &config.search)?;
            if config.search.calibrate {
                let default = config.search.fusion_setting();
                built.store_calibrated(calibrate::calibrate(&built, default)?)?;
            }
            return Ok(JobOutput::Index(Arc::new(built)));
        }
        Ok(JobOutput::Index(Arc::new(SearchIndex::open(
            &dir,
            &config.search,
        )?)))
    }

    /// Trains new vectors with `w2v` (Train tab). When done, the vectors replace the old ones
    /// and their dependents are rebuilt. Returns the training's own cancel flag: cancelling it
    /// stops only this training; quitting stops it and the dependents too.
    pub fn train(&self, w2v: TrainConfig) -> Cancel {
        let training = self.cancel.child();
        let jobs = Jobs {
            cancel: training.clone(),
            ..self.clone()
        };
        let quit = self.cancel.clone();
        self.spawn(JobKind::Training, move |_| {
            let data = Arc::new(jobs.read_data()?);
            let k = trained_vectors_key(&jobs.setup.config, &w2v);
            let e = jobs.trained(&data, &w2v, &k, JobKind::Training)?;
            // Dependents outlive a "cancel training" but not quitting.
            let after = Jobs {
                cancel: quit,
                ..jobs.clone()
            };
            after.start_dependents(
                JobKind::Training,
                data,
                Encoder::Words(e.clone()),
                k.clone(),
                true,
            );
            Ok(JobOutput::Vectors {
                embeddings: e,
                key: k,
                source: format!("trained in the TUI ({:?}, dim {})", w2v.model, w2v.dim),
            })
        });
        training
    }
}
