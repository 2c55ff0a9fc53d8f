//! The one place that turns `Config` into the settings and paths the library takes: the CLI
//! and the TUI both call these, and nothing below them reads `Config` to find a file.

use crate::classify::compare::{self, CompareReport, Experiment, Vectors};
use crate::classify::pipeline::{FeatureKind, FitSettings};
use crate::dataset::{self, Dataset};
use crate::docvec::source::{Resolver, Training, VectorSource};
use crate::embed::AnalogyMethod;
use crate::embed::eval::EvalFiles;
use crate::error::Result;
use crate::hub;
use crate::hub::pull::PullOptions;
use crate::progress::{Cancel, Progress};
use crate::search::IndexSettings;

use super::Config;

impl Config {
    /// The bundled evaluation sets `[eval]` names, in the data folder.
    pub fn eval_files(&self) -> EvalFiles {
        EvalFiles {
            pairs: self.eval.pairs.iter().map(|p| self.data_file(p)).collect(),
            analogies: Some(self.data_file(&self.eval.analogies)),
            restrict: self.eval.restrict_vocab,
            method: AnalogyMethod::CosAdd,
        }
    }

    /// What a new search index is built with: `[tokenizer]`, `[search]` and `[docvec]`.
    pub fn index_settings(&self) -> IndexSettings {
        IndexSettings {
            tokenizer: self.tokenizer.clone(),
            search: self.search.clone(),
            docvec: self.docvec.clone(),
            passages: self.index,
        }
    }

    /// The resolver of vector sources: the bundled model in the data folder, the hub cache,
    /// and `[word2vec]` training with the background corpus.
    pub fn resolver(&self) -> Result<Resolver> {
        Ok(Resolver {
            bundled: self.data_file(&self.vectors.bundled),
            hub_cache: hub::cache_dir(&self.vectors.hub_cache)?,
            training: self.training(),
            encoding: self.vectors.word_encoding()?,
        })
    }

    /// How `trained` vectors are trained: `[word2vec]` (or `[glove]`) on the texts plus the
    /// background corpus, with `[tokenizer]`.
    pub fn training(&self) -> Training {
        Training {
            config: self.word2vec.clone(),
            glove: self.glove.clone(),
            extra: self.background_corpus(),
            tokenizer: self.tokenizer.clone(),
        }
    }

    /// The vectors when no `--vectors` is given: `[vectors] default`.
    pub fn default_vectors(&self) -> VectorSource {
        VectorSource::parse(&self.vectors.default)
    }

    /// Where `models pull` downloads from and to: `HF_ENDPOINT` (else `[vectors]
    /// hub_endpoint`), the hub cache, `[vectors] timeout_s`, and `HF_TOKEN` when set.
    pub fn pull_options(&self) -> Result<PullOptions> {
        let endpoint = std::env::var("HF_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| self.vectors.hub_endpoint.clone());
        Ok(PullOptions {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            cache: hub::cache_dir(&self.vectors.hub_cache)?,
            timeout: std::time::Duration::from_secs(self.vectors.timeout_s),
            token: std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty()),
        })
    }

    /// Features `kind` with every other fitting setting from this config.
    pub fn fit_settings(&self, kind: FeatureKind) -> FitSettings<'_> {
        FitSettings {
            kind,
            tokenizer: &self.tokenizer,
            bow: &self.bow,
            docvec: &self.docvec,
            logreg: &self.logreg,
            dense_scale: self.compare.dense_scale,
        }
    }

    /// The held-out comparison that `wordlens report` and the TUI run: one stratified split as
    /// `[compare]` sets it, with `vectors` as the resolver opened them (`trained`: trained on
    /// each training split plus the background corpus, never on test rows).
    pub fn held_out(
        &self,
        data: &Dataset,
        vectors: Vectors,
        train_sizes: &[f64],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<CompareReport> {
        let split = dataset::stratified(
            &data.y,
            data.labels.len(),
            self.compare.test_fraction,
            self.compare.seed,
        );
        let experiment = Experiment {
            data,
            tokenizer: &self.tokenizer,
            bow: &self.bow,
            docvec: &self.docvec,
            logreg: &self.logreg,
            compare: &self.compare,
            vectors,
        };
        let name = compare::split_name(self.compare.test_fraction, self.compare.seed);
        experiment.run(&[split], &name, train_sizes, progress, cancel)
    }
}
