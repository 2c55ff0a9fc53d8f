//! The one place that turns `Config` into the settings and paths the library takes: the CLI
//! and the TUI both call these, and nothing below them reads `Config` to find a file.

use crate::classify::compare::{self, CompareReport, Experiment, Vectors};
use crate::classify::pipeline::{FeatureKind, FitSettings};
use crate::dataset::{self, Dataset};
use crate::embed::AnalogyMethod;
use crate::embed::eval::EvalFiles;
use crate::encoder::Encoder;
use crate::error::Result;
use crate::progress::{Cancel, Progress};

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

    /// Vectors a comparison trains on each training split: `[word2vec]` (or `[glove]`) on
    /// the split's texts plus the background corpus.
    pub fn vectors_to_train(&self) -> Vectors {
        Vectors::Train {
            config: self.word2vec.clone(),
            glove: self.glove.clone(),
            extra: self.background_corpus(),
        }
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
    /// `[compare]` sets it, with `given` vectors, or vectors trained on each training split
    /// plus the background corpus (never on test rows).
    pub fn held_out(
        &self,
        data: &Dataset,
        given: Option<Encoder>,
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
        let vectors = match given {
            Some(e) => Vectors::Loaded(e),
            None => self.vectors_to_train(),
        };
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
