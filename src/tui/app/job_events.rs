//! Job events: progress (with its rate and, for training, the loss curve), cancellation,
//! failure, and the artifacts a finished job hands over, which start the jobs after it.

use std::time::Instant;

use super::*;

impl App {
    /// Applies one event from a background job.
    pub(super) fn job(&mut self, event: JobEvent, now: Instant) {
        match event {
            JobEvent::Progress {
                job,
                stage,
                done,
                total,
                metrics,
            } => {
                let s = self.status.jobs.entry(job).or_default();
                if let Some((t, d)) = s.last {
                    let dt = now.duration_since(t).as_secs_f64();
                    if dt > 0.05 && done >= d {
                        s.rate = Some((done - d) as f64 / dt);
                        s.last = Some((now, done));
                    }
                } else {
                    s.last = Some((now, done));
                }
                s.stage = stage;
                s.done = done;
                s.total = total;
                if job == JobKind::Training {
                    let t = &mut self.train;
                    let started = *t.started.get_or_insert(now);
                    t.words_per_sec = s.rate;
                    if let Some((_, loss)) = metrics.iter().find(|(k, _)| k == "loss") {
                        let x = now.duration_since(started).as_secs_f64();
                        if loss.is_finite() && *loss > 0.0 {
                            t.loss.push((x, *loss));
                        }
                    }
                }
            }
            JobEvent::Cancelled(job) => {
                self.status.jobs.remove(&job);
                if job == JobKind::Training {
                    self.train.running = false;
                    self.train.message = "training cancelled; the previous vectors stay".into();
                }
            }
            JobEvent::Failed(job, error) => {
                self.status.jobs.remove(&job);
                if job == JobKind::Training {
                    self.train.running = false;
                    self.train.message = format!("training failed: {error}");
                }
                self.status.errors.push(format!("{}: {error}", job.name()));
            }
            JobEvent::Done(job, ready) => {
                // One thread may finish several jobs (classifier, then comparison).
                self.status.jobs.remove(&job);
                self.status.jobs.remove(&ready.kind());
                self.ready(job, ready);
            }
        }
    }

    /// Shows as pending the jobs the runner starts after `done` (the one job graph).
    fn mark_pending(&mut self, done: JobKind) {
        let labelled = self.loaded.summary.is_some();
        for kind in jobs_after(done, labelled, self.loaded.index.is_some()) {
            self.status.jobs.entry(kind).or_default();
        }
    }

    /// Takes over what a finished job built and starts what depends on it.
    fn ready(&mut self, job: JobKind, ready: JobOutput) {
        match ready {
            JobOutput::Data {
                rows,
                summary,
                labels,
            } => {
                self.loaded.rows = Some(rows);
                self.loaded.summary = summary;
                self.loaded.labels = labels;
                self.mark_pending(JobKind::Data);
            }
            JobOutput::Vectors {
                embeddings, source, ..
            } => {
                self.loaded.embeddings = Some(embeddings);
                self.loaded.embeddings_source = source;
                self.mark_pending(job);
                if job == JobKind::Training {
                    self.train.running = false;
                    self.train.message =
                        "done: the new vectors are in use; index and classifier are rebuilding"
                            .into();
                }
                self.run_embeddings();
            }
            JobOutput::Scores(s) => self.loaded.scores = Some(*s),
            JobOutput::Index(ix) => {
                self.loaded.index = Some(ix);
                #[cfg(feature = "milvus")]
                if let Some(engine) = &mut self.engine {
                    engine.checked = false;
                }
                self.run_search();
            }
            JobOutput::Classifier(m) => {
                self.loaded.classifier = Some(m);
                self.run_try();
            }
            JobOutput::Exported { path, rows } => {
                self.status.notice = Some(format!("labelled {rows} rows into {}", path.display()));
            }
            JobOutput::Comparison(c) => {
                self.classify.selected = 0;
                self.classify.disagreement = 0;
                self.classify.disagreement_open = false;
                self.loaded.comparison = Some(*c);
            }
            JobOutput::TrainedComparison(c) => self.loaded.comparison_trained = Some(*c),
        }
    }
}
