//! Every tunable in one place. Precedence: built-in defaults < `config.toml` (or `--config`)
//! < command-line flags (applied by the CLI). Unknown keys and bad values are errors naming
//! the key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::classify::LogRegConfig;
use crate::classify::compare::CompareConfig;
use crate::docvec::DocVecConfig;
use crate::docvec::source::VectorsConfig;
use crate::embed::contextual::distill::DistillConfig;
use crate::embed::glove::GloveConfig;
use crate::embed::io::VectorFormat;
use crate::embed::trainer::TrainConfig;
use crate::error::{Error, Result};
use crate::features::TfidfConfig;
use crate::search::SearchConfig;
use crate::text::CorpusSpec;
use crate::text::TokenizerConfig;

mod library;

/// The `[data]` settings: the data folder, UTF-8 handling, default text columns, background corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConfig {
    /// Folder of the bundled datasets; relative paths are taken from the config file's folder.
    pub dir: PathBuf,
    /// Decode invalid UTF-8 with U+FFFD (counted and reported) instead of failing.
    pub lossy_utf8: bool,
    /// CSV/TSV columns used as text when a command is not told.
    pub text_cols: Vec<String>,
    /// Text files (in the data folder) added to a collection's own texts whenever vectors
    /// are trained for it (TUI, `compare`, `classify train`): a small collection alone
    /// makes weak vectors. Empty: the collection alone.
    pub background_corpus: Vec<PathBuf>,
    /// Files of a folder larger than this many MB are skipped (counted), not read.
    pub max_file_mb: u64,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets")),
            lossy_utf8: false,
            text_cols: vec!["text".into()],
            background_corpus: vec!["enwiki-sample.txt".into()],
            max_file_mb: crate::text::corpus::DEFAULT_MAX_FILE_MB,
        }
    }
}

/// The `[eval]` settings: the bundled word-pair and analogy files and how they are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvalConfig {
    /// Word-pair files (relative to the data folder) scored by Spearman correlation.
    pub pairs: Vec<PathBuf>,
    /// Analogy questions file (relative to the data folder).
    pub analogies: PathBuf,
    /// Analogy questions use only the N most frequent words, like gensim's restrict_vocab.
    pub restrict_vocab: usize,
    /// Neighbours listed per word.
    pub neighbors: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            pairs: vec!["wordsim353.tsv".into(), "simlex999.txt".into()],
            analogies: "questions-words.txt".into(),
            restrict_vocab: 30_000,
            neighbors: 10,
        }
    }
}

/// The `[output]` settings: the vectors format written and the PQ sub-dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Vector file format written by `train` and `convert`.
    pub format: VectorFormat,
    /// Values per product-quantisation sub-vector (`convert --quantize pq`).
    pub pq_dsub: usize,
}

impl Default for OutputConfig {
    fn default() -> Self {
        Self {
            format: VectorFormat::W2vBin,
            pq_dsub: 2,
        }
    }
}

/// Every setting of `config.toml`, one section per field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[data]`: the data folder, text columns, UTF-8 leniency and the background corpus.
    pub data: DataConfig,
    /// `[tokenizer]`: how text becomes tokens.
    pub tokenizer: TokenizerConfig,
    /// `[word2vec]`: training settings of every model.
    pub word2vec: TrainConfig,
    /// `[glove]`: GloVe's own settings.
    pub glove: GloveConfig,
    /// `[output]`: the vectors format written and the PQ sub-dimension.
    pub output: OutputConfig,
    /// `[eval]`: word-pair and analogy evaluation.
    pub eval: EvalConfig,
    /// `[bow]`: TF-IDF features.
    pub bow: TfidfConfig,
    /// `[docvec]`: document vectors from word vectors.
    pub docvec: DocVecConfig,
    /// `[logreg]`: logistic regression.
    pub logreg: LogRegConfig,
    /// `[compare]`: held-out comparison and tuning.
    pub compare: CompareConfig,
    /// `[search]`: index, BM25 and fusion.
    pub search: SearchConfig,
    /// `[index]`: long documents cut into passages.
    pub index: crate::text::passages::PassageConfig,
    /// `[vectors]`: the default vectors, the bundled model, models by name.
    pub vectors: VectorsConfig,
    /// `[distill]`: static models distilled from contextual encoders.
    pub distill: DistillConfig,
    /// `[tui]`: the terminal interface.
    pub tui: TuiConfig,
    /// `[keys]`: key bindings.
    pub keys: KeysConfig,
    /// Warnings for keys given by an old name (see `RENAMED`), for the CLI to print.
    #[serde(skip)]
    pub deprecations: Vec<String>,
}

/// Keys renamed so that one name means one thing (`alpha` was a learning rate, GloVe's
/// exponent and the fusion weight): (section, old key, new key). Old names are read for one
/// release, with a warning.
const RENAMED: [(&str, &str, &str); 5] = [
    ("word2vec", "alpha", "learning_rate"),
    ("word2vec", "min_alpha", "min_learning_rate"),
    ("word2vec", "fasttext_alpha", "fasttext_learning_rate"),
    ("glove", "alpha", "weighting_exponent"),
    ("search", "alpha", "vector_weight"),
];

/// Moves values given under an old key name to the new one; returns each moved key as
/// (`section.old`, `section.new`).
fn rename_old_keys(table: &mut toml::Table) -> Result<Vec<(String, String)>> {
    let mut moved = Vec::new();
    for (section, old, new) in RENAMED {
        let Some(toml::Value::Table(t)) = table.get_mut(section) else {
            continue;
        };
        let Some(value) = t.remove(old) else {
            continue;
        };
        if t.contains_key(new) {
            return Err(Error::config(
                format!("{section}.{old}"),
                format!("is the old name of {section}.{new}, which is also set: keep one"),
            ));
        }
        t.insert(new.to_string(), value);
        moved.push((format!("{section}.{old}"), format!("{section}.{new}")));
    }
    Ok(moved)
}

/// An error about a key the file gave by its old name names both: `search.alpha (now
/// search.vector_weight)`.
fn name_old_key(e: Error, moved: &[(String, String)]) -> Error {
    match e {
        Error::Config { key, message } => {
            let old = moved
                .iter()
                .find(|(_, new)| *new == key || new.rsplit('.').next() == Some(key.as_str()));
            match old {
                Some((old, new)) => Error::config(format!("{old} (now {new})"), message),
                None => Error::Config { key, message },
            }
        }
        other => other,
    }
}

/// The `[tui]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TuiConfig {
    /// Artifact folder (vectors, index, classifier built on first open); empty: the per-user
    /// cache folder ($XDG_CACHE_HOME/wordlens or ~/.cache/wordlens).
    pub data_dir: PathBuf,
    /// Milliseconds without typing before the search box (and the "try it" box) runs.
    pub debounce_ms: u64,
    /// Results listed in the Search tab.
    pub results: usize,
    /// Neighbours listed and projected in the Embeddings tab.
    pub neighbors: usize,
    /// Shares of the training split the Classify tab's learning curve refits every method on
    /// (the whole split is always the last point).
    pub learning_curve: Vec<f64>,
    /// Colours: dark or light terminal background (`NO_COLOR` set: no colours at all).
    pub theme: Theme,
    /// Collections and vectors offered under "recent" in the file picker.
    pub recent: usize,
    /// The Classify tab also compares vectors trained on the split beside the chosen ones
    /// (their column fills in when that training finishes).
    pub compare_trained: bool,
}

/// The TUI's colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light text on a dark background.
    #[default]
    Dark,
    /// Dark text on a light background.
    Light,
}

/// The `[keys]` settings: a preset and, per action, the keys that replace its preset keys.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KeysConfig {
    /// `default` (arrows and letters) or `vim` (adds g/G, Ctrl-d/Ctrl-u, i).
    pub preset: KeyPreset,
    /// Action name → key or keys (`quit = "q"`, `down = ["j", "down"]`); the TUI's help
    /// lists the actions, docs/tui.md too. Checked when the TUI starts.
    #[serde(flatten)]
    pub bindings: std::collections::BTreeMap<String, KeyList>,
}

/// The key presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyPreset {
    /// Arrows, Enter/Esc and one letter per action.
    #[default]
    Default,
    /// The default keys plus vim's motions.
    Vim,
}

/// One key (`"q"`) or several (`["q", "ctrl-q"]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    /// A single key.
    One(String),
    /// Several keys.
    Many(Vec<String>),
}

impl KeyList {
    /// The keys as written.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

impl Default for TuiConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::new(),
            debounce_ms: 60,
            results: 30,
            neighbors: 20,
            learning_curve: vec![0.01, 0.05, 0.25],
            theme: Theme::Dark,
            recent: 10,
            compare_trained: true,
        }
    }
}

impl Config {
    /// Loads `path`, or `./config.toml` when `path` is None and that file exists, else the
    /// built-in defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from("config.toml");
                if !p.exists() {
                    return Ok(Self::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut config = Self::from_toml(&text).map_err(|e| match e {
            Error::Config { key, message } => {
                Error::config(key, format!("{message} (in {})", path.display()))
            }
            other => other,
        })?;
        if config.data.dir.is_relative() {
            let base = path.parent().unwrap_or(Path::new("."));
            config.data.dir = base.join(&config.data.dir);
        }
        Ok(config)
    }

    /// Parses and validates a `config.toml` text; unknown keys are errors naming the key.
    pub fn from_toml(text: &str) -> Result<Self> {
        let to_error = |e: toml::de::Error| {
            let key = e
                .message()
                .split('`')
                .nth(1)
                .unwrap_or("config.toml")
                .to_string();
            Error::config(key, e.to_string().trim_end().to_string())
        };
        let mut table: toml::Table = toml::from_str(text).map_err(to_error)?;
        let moved = rename_old_keys(&mut table)?;
        // Parsed from text, not from the table, so that errors keep naming the key and line.
        let renamed;
        let text = if moved.is_empty() {
            text
        } else {
            renamed =
                toml::to_string(&table).map_err(|e| Error::config("config.toml", e.to_string()))?;
            &renamed
        };
        let mut config: Config = toml::from_str(text)
            .map_err(to_error)
            .map_err(|e| name_old_key(e, &moved))?;
        config.deprecations = moved
            .iter()
            .map(|(old, new)| format!("config: {old} is now {new}; the old name will be removed"))
            .collect();
        config.validate().map_err(|e| name_old_key(e, &moved))?;
        Ok(config)
    }

    // Over 80 lines: one check per key of config.toml, each naming its key; a list, not logic.
    /// Checks value ranges of every section, the key named in the error; called after loading
    /// and again after flags are applied. A section with its own `validate` checks itself;
    /// the small ones are checked here.
    pub fn validate(&self) -> Result<()> {
        let check = |ok: bool, key: &str, rule: &str| {
            if ok {
                Ok(())
            } else {
                Err(Error::config(key, rule))
            }
        };
        check(
            !self.data.text_cols.is_empty(),
            "data.text_cols",
            "must name at least one column",
        )?;
        self.tokenizer.validate()?;
        check(
            self.tokenizer.min_len >= 1,
            "tokenizer.min_len",
            "must be at least 1",
        )?;
        self.word2vec.validate()?;
        self.glove.validate()?;
        if let Err(rule) = self.index.check() {
            return Err(Error::config("index.passage_overlap", rule));
        }
        check(
            (1..=64).contains(&self.output.pq_dsub),
            "output.pq_dsub",
            "must be in [1, 64]",
        )?;
        check(
            self.eval.restrict_vocab >= 1,
            "eval.restrict_vocab",
            "must be at least 1",
        )?;
        check(
            self.eval.neighbors >= 1,
            "eval.neighbors",
            "must be at least 1",
        )?;
        self.bow.validate()?;
        let sif_a = self.docvec.sif_a;
        check(
            sif_a.is_finite() && sif_a > 0.0,
            "docvec.sif_a",
            "must be positive",
        )?;
        let c = self.logreg.c;
        check(c.is_finite() && c > 0.0, "logreg.c", "must be positive")?;
        check(
            self.logreg.max_iter >= 1,
            "logreg.max_iter",
            "must be at least 1",
        )?;
        let memory = self.logreg.lbfgs_memory;
        check(
            (1..=100).contains(&memory),
            "logreg.lbfgs_memory",
            "must be in [1, 100]",
        )?;
        let tol = self.logreg.tol;
        check(
            tol.is_finite() && tol > 0.0,
            "logreg.tol",
            "must be positive",
        )?;
        let fraction = self.compare.test_fraction;
        check(
            fraction > 0.0 && fraction < 1.0,
            "compare.test_fraction",
            "must be in (0, 1)",
        )?;
        // Fewer resamples than this make the 2.5 % and 97.5 % points the extremes.
        check(
            self.compare.bootstrap >= 100,
            "compare.bootstrap",
            "must be at least 100",
        )?;
        let scale = self.compare.dense_scale;
        check(
            scale.is_finite() && scale >= 0.0,
            "compare.dense_scale",
            "must be 0 or more",
        )?;
        self.compare.tune.validate()?;
        self.search.validate()?;
        self.vectors.validate()?;
        self.distill.validate()?;
        let tui = &self.tui;
        check(tui.results >= 1, "tui.results", "must be at least 1")?;
        check(tui.neighbors >= 1, "tui.neighbors", "must be at least 1")?;
        check(
            tui.learning_curve.iter().all(|f| *f > 0.0 && *f < 1.0),
            "tui.learning_curve",
            "every share must be in (0, 1)",
        )?;
        Ok(())
    }

    /// A bundled dataset's path.
    pub fn data_file(&self, name: impl AsRef<Path>) -> PathBuf {
        self.data.dir.join(name)
    }

    /// The background corpus (`data.background_corpus`) as corpus files to train on.
    pub fn background_corpus(&self) -> Vec<CorpusSpec> {
        self.data
            .background_corpus
            .iter()
            .map(|f| CorpusSpec::new(self.data_file(f)))
            .collect()
    }
}

#[cfg(test)]
mod tests;
