//! What a sentence-transformers folder holds: `modules.json` naming a `Transformer` module (its
//! `config.json`, `.safetensors` weights and `tokenizer.json`), a `Pooling` module (its
//! `config.json`: `pooling_mode` as sentence-transformers 5+ writes it, or the older
//! `pooling_mode_*_tokens` booleans) and optionally `Normalize`; the longest input from
//! `sentence_bert_config.json` (older folders) or `tokenizer_config.json` (newer). A plain
//! Hugging Face BERT folder (no `modules.json`) is read as sentence-transformers reads it:
//! mean pooling, no normalisation.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::embed::{model_folder, modules_json};
use crate::error::{Error, Result};

/// How token states become one vector (sentence-transformers' `Pooling` modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    Cls,
    Max,
    Mean,
    /// The sum over the square root of the length.
    MeanSqrtLen,
    /// Token i (from 1) weighted by i.
    WeightedMean,
    LastToken,
}

impl Pooling {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "cls" => Pooling::Cls,
            "max" => Pooling::Max,
            "mean" => Pooling::Mean,
            "mean_sqrt_len_tokens" => Pooling::MeanSqrtLen,
            "weightedmean" => Pooling::WeightedMean,
            "lasttoken" => Pooling::LastToken,
            _ => return None,
        })
    }

    /// The name sentence-transformers uses.
    pub fn name(self) -> &'static str {
        match self {
            Pooling::Cls => "cls",
            Pooling::Max => "max",
            Pooling::Mean => "mean",
            Pooling::MeanSqrtLen => "mean_sqrt_len_tokens",
            Pooling::WeightedMean => "weightedmean",
            Pooling::LastToken => "lasttoken",
        }
    }
}

/// The files and settings of one encoder folder.
#[derive(Debug, Clone)]
pub struct EncoderLayout {
    /// The folder the user named.
    pub root: PathBuf,
    /// The Transformer module's folder.
    pub transformer: PathBuf,
    pub config: PathBuf,
    pub tensors: PathBuf,
    pub tokenizer: PathBuf,
    /// Pooling modes, concatenated in this order.
    pub pooling: Vec<Pooling>,
    /// A `Normalize` module follows the pooling.
    pub normalize: bool,
    /// The longest input in tokens (special tokens included), when the folder says.
    pub max_seq_length: Option<usize>,
    /// `do_lower_case` of `sentence_bert_config.json`: texts lowercased before tokenizing.
    pub lowercase: bool,
    /// Every file the vectors depend on, relative to `root` (what an index copies).
    pub files: Vec<PathBuf>,
}

#[derive(Deserialize, Default)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
    #[serde(default)]
    do_lower_case: bool,
}

#[derive(Deserialize, Default)]
struct TokenizerConfig {
    model_max_length: Option<f64>,
}

/// Whether `root` looks like a transformer encoder folder (rather than a static model): its
/// `modules.json` names a `Transformer` module, or it has no `modules.json` and its
/// `config.json` names a transformer architecture.
pub fn is_encoder_folder(root: &Path) -> bool {
    let modules = root.join("modules.json");
    if modules.is_file() {
        return modules_json::read(&modules)
            .map(|m| m.iter().any(|m| m.short_type() == "Transformer"))
            .unwrap_or(false);
    }
    #[derive(Deserialize)]
    struct Kind {
        #[serde(default)]
        model_type: String,
    }
    std::fs::read(root.join("config.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Kind>(&b).ok())
        .is_some_and(|k| !k.model_type.is_empty() && k.model_type != "model2vec")
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T> {
    if !path.is_file() {
        return Ok(T::default());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::in_file(path, format!("invalid JSON: {e}")))
}

impl EncoderLayout {
    // Over 80 lines: the sentence-transformers folder read module by module in modules.json's order.
    /// Finds the files of the encoder folder `root`.
    pub fn locate(root: &Path) -> Result<Self> {
        if !root.is_dir() {
            return Err(Error::in_file(root, "not a folder"));
        }
        let modules_path = root.join("modules.json");
        let mut files = Vec::new();
        let (transformer_dir, pooling, normalize) = if modules_path.is_file() {
            files.push(PathBuf::from("modules.json"));
            let modules = modules_json::read(&modules_path)?;
            let mut transformer = None;
            let mut pooling = None;
            let mut normalize = false;
            for m in &modules {
                match m.short_type() {
                    "Transformer" => transformer = Some(m.path.clone()),
                    "Pooling" => {
                        model_folder::module_dir(root, &m.path, &modules_path)?;
                        let rel = Path::new(&m.path).join("config.json");
                        model_folder::check_inside(root, &root.join(&rel))?;
                        pooling = Some(read_pooling(&root.join(&rel))?);
                        files.push(rel);
                    }
                    "Normalize" => normalize = true,
                    other => {
                        return Err(Error::in_file(
                            &modules_path,
                            format!(
                                "module {other:?} ({}) is not read: wordlens runs Transformer, Pooling and Normalize modules",
                                m.kind
                            ),
                        ));
                    }
                }
            }
            let transformer = transformer.ok_or_else(|| {
                Error::in_file(
                    &modules_path,
                    "no Transformer module: not an encoder folder",
                )
            })?;
            (
                transformer,
                pooling.unwrap_or(vec![Pooling::Mean]),
                normalize,
            )
        } else {
            (String::new(), vec![Pooling::Mean], false)
        };
        let folder = model_folder::module_dir(root, &transformer_dir, &modules_path)?;
        let rel = |name: &str| Path::new(&transformer_dir).join(name);
        let must = |name: &str| -> Result<PathBuf> {
            let p = folder.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(Error::in_file(
                    &folder,
                    format!("no {name} in the Transformer module's folder"),
                ))
            }
        };
        let config = must("config.json")?;
        let tokenizer = must("tokenizer.json")?;
        let tensors = find_tensors(&folder)?;
        let optional =
            ["sentence_bert_config.json", "tokenizer_config.json"].map(|f| folder.join(f));
        for file in [&config, &tokenizer, &tensors].into_iter().chain(&optional) {
            if file.exists() {
                model_folder::check_inside(root, file)?;
            }
        }
        let st: SentenceBertConfig = read_json(&folder.join("sentence_bert_config.json"))?;
        let tk: TokenizerConfig = read_json(&folder.join("tokenizer_config.json"))?;
        // Hugging Face writes a huge `model_max_length` when a tokenizer has no limit.
        let max_seq_length = st.max_seq_length.or(tk
            .model_max_length
            .filter(|m| (1.0..1e6).contains(m))
            .map(|m| m as usize));
        files.extend([rel("config.json"), rel("tokenizer.json")]);
        files.push(rel(&tensors
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()));
        for optional in ["sentence_bert_config.json", "tokenizer_config.json"] {
            if folder.join(optional).is_file() {
                files.push(rel(optional));
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            transformer: folder,
            config,
            tensors,
            tokenizer,
            pooling,
            normalize,
            max_seq_length,
            lowercase: st.do_lower_case,
            files,
        })
    }
}

/// The pooling modes of a `Pooling` module's `config.json`.
fn read_pooling(path: &Path) -> Result<Vec<Pooling>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::in_file(path, format!("invalid pooling config: {e}")))?;
    let unknown = |name: &str| {
        Error::in_file(
            path,
            format!(
                "pooling mode {name:?}: cls, max, mean, mean_sqrt_len_tokens, weightedmean or lasttoken expected"
            ),
        )
    };
    let names: Vec<String> = match value.get("pooling_mode") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| unknown(&v.to_string()))
            })
            .collect::<Result<_>>()?,
        Some(other) => return Err(unknown(&other.to_string())),
        // The older booleans, in sentence-transformers' order.
        None => [
            ("pooling_mode_cls_token", "cls"),
            ("pooling_mode_max_tokens", "max"),
            ("pooling_mode_mean_tokens", "mean"),
            ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"),
            ("pooling_mode_weightedmean_tokens", "weightedmean"),
            ("pooling_mode_lasttoken", "lasttoken"),
        ]
        .iter()
        .filter(|(key, _)| value.get(key).and_then(|v| v.as_bool()) == Some(true))
        .map(|(_, name)| name.to_string())
        .collect(),
    };
    if names.is_empty() {
        return Err(Error::in_file(path, "no pooling mode is switched on"));
    }
    if value.get("include_prompt").and_then(|v| v.as_bool()) == Some(false) {
        return Err(Error::in_file(
            path,
            "include_prompt false (prompts left out of the pooling) is not read",
        ));
    }
    names
        .iter()
        .map(|n| Pooling::parse(n).ok_or_else(|| unknown(n)))
        .collect()
}

/// The weights file (as a static model's); PyTorch-only folders are named.
fn find_tensors(folder: &Path) -> Result<PathBuf> {
    let has_safetensors = std::fs::read_dir(folder)
        .map_err(|e| Error::io(folder, e))?
        .filter_map(|e| e.ok())
        .any(|e| e.path().extension().is_some_and(|x| x == "safetensors"));
    if !has_safetensors && folder.join("pytorch_model.bin").is_file() {
        return Err(Error::in_file(
            folder,
            "the weights are in pytorch_model.bin only; wordlens reads .safetensors (save the model again with safe_serialization, the default of transformers ≥ 4.35)",
        ));
    }
    crate::embed::static_model::layout::find_tensors(
        folder,
        "expected the Transformer module's weights as model.safetensors",
    )
}
