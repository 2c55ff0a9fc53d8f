//! Distilling a static model from a contextual encoder, as model2vec's `distill` does: every
//! token of the encoder's vocabulary (the special tokens but padding and unknown, and BERT's
//! `[unusedN]` placeholders, left out), plus words of the user's own corpus, is run through the
//! encoder as `[CLS] token [SEP]` and mean-pooled; the vectors are reduced by PCA (components
//! signed so each one's largest score is positive) and scaled by a Zipf-law SIF weight of the
//! token's rank, `sif / (sif + p(rank))`. The result is a model2vec folder
//! (`model.safetensors` with `embeddings`, `tokenizer.json`, `config.json`), written to a
//! temporary folder and renamed into place.

mod pca;
mod vocabulary;

use std::path::{Path, PathBuf};

use super::ContextualModel;
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress};
pub use vocabulary::Vocabulary;

/// The `[distill]` settings: what `wordlens distill` does without flags (model2vec's
/// defaults).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistillConfig {
    /// Dimensions PCA keeps.
    pub dim: usize,
    /// Reduce with PCA.
    pub pca: bool,
    /// Weight tokens by Zipf-law SIF.
    pub zipf: bool,
    /// The SIF coefficient of that weighting, in (0, 1).
    pub sif_coefficient: f64,
    /// Words of `--vocab-from` files seen fewer times are left out.
    pub min_count: usize,
    /// The type of the written token vectors.
    pub dtype: TableDtype,
}

/// How the distilled token vectors are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum TableDtype {
    /// 32-bit floats: the values PCA and the weighting computed, exactly.
    F32,
    /// 16-bit floats (model2vec's `quantize_to="float16"`, its default): half the file, each
    /// value rounded to 11 significant bits.
    F16,
}

impl Default for DistillConfig {
    fn default() -> Self {
        Self {
            dim: 256,
            pca: true,
            zipf: true,
            sif_coefficient: 1e-4,
            min_count: 2,
            dtype: TableDtype::F32,
        }
    }
}

impl DistillConfig {
    /// Checks the values, naming the key.
    pub fn validate(&self) -> Result<()> {
        if self.dim == 0 {
            return Err(Error::config("distill.dim", "must be at least 1"));
        }
        if !(self.sif_coefficient > 0.0 && self.sif_coefficient < 1.0) {
            return Err(Error::config(
                "distill.sif_coefficient",
                "must be in (0, 1)",
            ));
        }
        if self.min_count == 0 {
            return Err(Error::config("distill.min_count", "must be at least 1"));
        }
        Ok(())
    }

    /// The settings these values give, with the corpus files of `--vocab-from`.
    pub fn settings(&self, vocab_from: Vec<PathBuf>) -> DistillSettings {
        DistillSettings {
            dim: self.pca.then_some(self.dim),
            sif: self.zipf.then_some(self.sif_coefficient),
            vocab_from,
            min_count: self.min_count,
            dtype: self.dtype,
        }
    }
}

/// How to distill.
#[derive(Debug, Clone)]
pub struct DistillSettings {
    /// Dimensions kept by PCA (None: no PCA; at least the encoder's width: rotated, not cut).
    pub dim: Option<usize>,
    /// The SIF coefficient of the Zipf weighting (None: no weighting).
    pub sif: Option<f64>,
    /// Corpus files whose words join the vocabulary.
    pub vocab_from: Vec<PathBuf>,
    /// Words of those files seen fewer times are left out.
    pub min_count: usize,
    /// The type of the written token vectors.
    pub dtype: TableDtype,
}

impl Default for DistillSettings {
    fn default() -> Self {
        Self {
            dim: Some(256),
            sif: Some(1e-4),
            vocab_from: Vec::new(),
            min_count: 2,
            dtype: TableDtype::F32,
        }
    }
}

/// What a distillation made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DistillReport {
    pub out: PathBuf,
    /// Tokens of the encoder's vocabulary kept.
    pub tokens: usize,
    /// Words added from the corpus files.
    pub added_words: usize,
    pub dim: usize,
    /// Share of the variance the kept components explain (1 without PCA).
    pub explained_variance: f64,
    pub seconds: f64,
}

/// Distills `encoder` into a model2vec folder at `out` (which must not exist or be empty).
pub fn distill(
    encoder: &ContextualModel,
    out: &Path,
    settings: &DistillSettings,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<DistillReport> {
    let started = std::time::Instant::now();
    if out.exists() && std::fs::read_dir(out).map_or(true, |mut d| d.next().is_some()) {
        return Err(Error::Usage(format!(
            "{} exists and is not an empty folder; distill writes a new model folder",
            out.display()
        )));
    }
    if let Some(s) = settings.sif
        && !(s > 0.0 && s < 1.0)
    {
        return Err(Error::Usage(format!(
            "the SIF coefficient must be in (0, 1), got {s}"
        )));
    }
    let vocab = Vocabulary::build(encoder, &settings.vocab_from, settings.min_count, cancel)?;
    let rows = vocab.len();
    let mut vectors = encoder.mean_states(vocab.inputs.clone(), progress, cancel)?;
    let hidden = encoder.hidden_size();
    let (mut matrix, dim, explained) = match settings.dim {
        Some(k) if k < rows => {
            let k = k.min(hidden);
            let flat: Vec<f32> = vectors.drain(..).flatten().collect();
            let fit = pca::fit_transform(&flat, rows, hidden, k);
            (fit.scores, k, fit.explained)
        }
        _ => (vectors.drain(..).flatten().collect(), hidden, 1.0),
    };
    if let Some(sif) = settings.sif {
        for (row, w) in matrix.chunks_exact_mut(dim).zip(zipf_weights(rows, sif)) {
            row.iter_mut().for_each(|x| *x *= w);
        }
    }
    cancel.check()?;
    write_folder(out, encoder, &vocab, &matrix, dim, settings)?;
    Ok(DistillReport {
        out: out.to_path_buf(),
        tokens: vocab.kept_tokens,
        added_words: vocab.added_words,
        dim,
        explained_variance: explained,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// model2vec's weights: token i (by rank) has probability ∝ 1/(i + 2) (Zipf), and weight
/// sif / (sif + p).
fn zipf_weights(n: usize, sif: f64) -> Vec<f32> {
    let inv: Vec<f64> = (0..n).map(|i| 1.0 / (i as f64 + 2.0)).collect();
    let total: f64 = inv.iter().sum();
    inv.iter()
        .map(|r| (sif / (sif + r / total)) as f32)
        .collect()
}

fn write_folder(
    out: &Path,
    encoder: &ContextualModel,
    vocab: &Vocabulary,
    matrix: &[f32],
    dim: usize,
    settings: &DistillSettings,
) -> Result<()> {
    let parent = crate::fsutil::parent_of(out);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".distill-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let (dtype, name, bytes): (_, _, Vec<u8>) = match settings.dtype {
        TableDtype::F32 => (
            safetensors::Dtype::F32,
            "float32",
            matrix.iter().flat_map(|x| x.to_le_bytes()).collect(),
        ),
        TableDtype::F16 => (
            safetensors::Dtype::F16,
            "float16",
            matrix
                .iter()
                .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
                .collect(),
        ),
    };
    let view = safetensors::tensor::TensorView::new(dtype, vec![vocab.len(), dim], &bytes)
        .map_err(|e| Error::Internal(format!("embeddings tensor: {e}")))?;
    let tensors = safetensors::serialize([("embeddings", view)], None)
        .map_err(|e| Error::Internal(format!("cannot encode the tensors: {e}")))?;
    let config = serde_json::json!({
        "model_type": "model2vec",
        "architectures": ["StaticModel"],
        "tokenizer_name": encoder.path().display().to_string(),
        "apply_pca": settings.dim,
        "sif_coefficient": settings.sif,
        "hidden_dim": dim,
        "seq_length": 1_000_000,
        "normalize": true,
        "pooling": "mean",
        "max_length": 512,
        "embedding_dtype": name,
    });
    let files = [
        ("model.safetensors", tensors),
        ("tokenizer.json", vocab.tokenizer_json.clone()),
        ("config.json", config.to_string().into_bytes()),
    ];
    for (name, data) in files {
        let p = tmp.path().join(name);
        std::fs::write(&p, data).map_err(|e| Error::io(&p, e))?;
    }
    if out.exists() {
        std::fs::remove_dir(out).map_err(|e| Error::io(out, e))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::io(out, e)
    })
}
