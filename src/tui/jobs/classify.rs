//! The classifier jobs: the "try it" model, the with-vs-without comparison, and labelling the
//! collection with a classifier.

use super::*;

impl Jobs {
    /// The "try it" model: bag-of-words plus document vectors, fitted on every labelled row
    /// with C, bigrams and the dense scale chosen by inner cross-validation (`[compare.tune]`).
    pub(super) fn classifier(
        &self,
        data: &Collection,
        emb: Encoder,
        emb_key: &str,
    ) -> Result<Arc<Pipeline>> {
        let config = &self.setup.config;
        let Some(ds) = &data.labelled else {
            return Err(Error::Usage("no label column".into()));
        };
        let k = classifier_key(config, emb_key);
        let path = self.setup.artifacts.path("model", &k).with_extension("wlm");
        if path.exists() {
            let mut p = model_file::load(&path)?;
            if p.encoder.is_none() {
                p.encoder = Some(emb);
            }
            return Ok(Arc::new(p));
        }
        let rows = ds.usable(&(0..ds.len()).collect::<Vec<_>>());
        let docs: Vec<Vec<String>> = rows.iter().map(|&i| ds.tokens[i].clone()).collect();
        let texts: Vec<&str> = rows.iter().map(|&i| ds.texts[i].as_str()).collect();
        let y: Vec<u32> = rows.iter().filter_map(|&i| ds.y[i]).collect();
        let settings = config.fit_settings(FeatureKind::Both);
        let labelled = Labelled {
            docs: Docs::new(&texts, &docs),
            y: &y,
            labels: &ds.labels,
        };
        let (mut p, _) = tune::fit_or_fixed(
            &settings,
            &config.compare.tune,
            labelled,
            Some(emb),
            config.compare.seed,
            &self.progress(JobKind::Classifier),
            &self.cancel,
        )?;
        p.text_cols = self.setup.corpus.text_cols.clone();
        model_file::save(&path, &p)?;
        Ok(Arc::new(p))
    }

    /// With vs without embeddings on a stratified split, as `wordlens compare` runs it, with
    /// `chosen` vectors (and their key), or — when they are `trained`, or `chosen` is None —
    /// vectors retrained on the split's training rows. Cached by its key.
    pub(super) fn comparison(
        &self,
        data: &Collection,
        chosen: Option<(Encoder, &str)>,
    ) -> Result<CompareReport> {
        let config = &self.setup.config;
        let Some(ds) = &data.labelled else {
            return Err(Error::Usage("no label column".into()));
        };
        let chosen = match self.located()? {
            Located::Train => None,
            Located::At(_) => chosen,
        };
        let job = match chosen {
            Some(_) => JobKind::Comparison,
            None => JobKind::TrainedComparison,
        };
        let k = comparison_key(config, chosen.as_ref().map(|(_, k)| *k));
        let path = self
            .setup
            .artifacts
            .path("comparison", &k)
            .with_extension("json");
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(report) = serde_json::from_slice::<CompareReport>(&bytes)
        {
            return Ok(report);
        }
        let vectors = match chosen {
            Some((e, _)) => Vectors::Loaded(e),
            None => Vectors::Train(Box::new(config.training())),
        };
        let report = config.held_out(
            ds,
            vectors,
            &config.tui.learning_curve,
            &self.progress(job),
            &self.cancel,
        )?;
        let bytes = serde_json::to_vec(&report)
            .map_err(|e| Error::Internal(format!("cannot encode the comparison: {e}")))?;
        atomic_write(&path, |w| std::io::Write::write_all(w, &bytes))?;
        Ok(report)
    }
}

impl Jobs {
    /// Labels the collection with `classifier` into `out` (CSV: the file's columns, the
    /// prediction, a probability per class), as `wordlens classify predict` does.
    pub fn export_predictions(&self, classifier: Arc<Pipeline>, out: PathBuf) {
        self.spawn(JobKind::Export, move |jobs| {
            let corpus = &jobs.setup.corpus;
            let done = label_file(
                &classifier,
                &corpus.path,
                &corpus.text_cols,
                corpus.label_col.as_deref(),
                &out,
                &jobs.progress(JobKind::Export),
                &jobs.cancel,
            )?;
            Ok(JobOutput::Exported {
                path: done.out,
                rows: done.rows,
            })
        });
    }
}
