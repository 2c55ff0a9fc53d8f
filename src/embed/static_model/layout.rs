//! Where a static model's files are in its folder, and what its small JSON files say:
//! model2vec (`model.safetensors` + `tokenizer.json` + `config.json`), sentence-transformers
//! (`modules.json` naming a `StaticEmbedding` module folder, maybe followed by `Normalize`),
//! and a plain folder with the two files (WordLlama written out).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::embed::{model_folder, modules_json};
use crate::error::{Error, Result};

/// The files of one model.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The folder the user named.
    pub root: PathBuf,
    pub tokenizer: PathBuf,
    pub tensors: PathBuf,
    /// model2vec's `config.json`, if present.
    pub config: Option<PathBuf>,
    /// `modules.json` lists a `Normalize` module after the embedding.
    pub normalize_module: bool,
}

/// model2vec's `config.json` (only the keys that change the vectors).
#[derive(Debug, Default, Deserialize)]
pub struct ModelConfig {
    pub normalize: Option<bool>,
    /// Tokens kept per text; absent means the package's 512, null means no cap.
    #[serde(default = "default_max_length")]
    pub max_length: Option<usize>,
}

fn default_max_length() -> Option<usize> {
    Some(512)
}

/// What a static model folder must hold, for messages.
pub const EXPECTED: &str = "expected a static embedding model folder: `tokenizer.json` and one `.safetensors` file (model2vec, WordLlama), or a sentence-transformers folder whose `modules.json` names a StaticEmbedding module";

impl Layout {
    /// Finds the tokenizer and the tensors file of the static model folder `root`.
    pub fn locate(root: &Path) -> Result<Self> {
        if !root.is_dir() {
            return Err(Error::in_file(root, format!("not a folder; {EXPECTED}")));
        }
        let modules_path = root.join("modules.json");
        let (folder, normalize_module) = if modules_path.is_file() {
            let modules = modules_json::read(&modules_path)?;
            let embedding = modules
                .iter()
                .find(|m| m.short_type() == "StaticEmbedding")
                .ok_or_else(|| {
                    let kinds: Vec<&str> = modules.iter().map(|m| m.kind.as_str()).collect();
                    Error::in_file(
                        &modules_path,
                        format!(
                            "no StaticEmbedding module (found {}); wordlens reads static models only, not transformers",
                            kinds.join(", ")
                        ),
                    )
                })?;
            let normalize = modules.iter().any(|m| m.short_type() == "Normalize");
            let folder = model_folder::module_dir(root, &embedding.path, &modules_path)?;
            (folder, normalize)
        } else {
            (root.to_path_buf(), false)
        };
        let tokenizer = folder.join("tokenizer.json");
        if !tokenizer.is_file() {
            return Err(Error::in_file(
                &folder,
                format!("no tokenizer.json in this folder; {EXPECTED}"),
            ));
        }
        let tensors = find_tensors(&folder, EXPECTED)?;
        let config = [folder.join("config.json"), root.join("config.json")]
            .into_iter()
            .find(|p| p.is_file());
        for file in [&tokenizer, &tensors].into_iter().chain(&config) {
            model_folder::check_inside(root, file)?;
        }
        Ok(Self {
            root: root.to_path_buf(),
            tokenizer,
            tensors,
            config,
            normalize_module,
        })
    }

    /// The model's `config.json` (normalisation, maximum length); defaults when absent.
    pub fn read_config(&self) -> Result<ModelConfig> {
        let Some(path) = &self.config else {
            return Ok(ModelConfig {
                normalize: None,
                max_length: default_max_length(),
            });
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::in_file(path, format!("invalid model config.json: {e}")))
    }
}

/// `model.safetensors`, or the only `.safetensors` file of the folder; `expected` says what
/// the folder should hold when there is none.
pub(crate) fn find_tensors(folder: &Path, expected: &str) -> Result<PathBuf> {
    let preferred = folder.join("model.safetensors");
    if preferred.is_file() {
        return Ok(preferred);
    }
    let entries = std::fs::read_dir(folder).map_err(|e| Error::io(folder, e))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::in_file(
            folder,
            format!("no .safetensors file in this folder; {expected}"),
        )),
        n => Err(Error::in_file(
            folder,
            format!("{n} .safetensors files and no model.safetensors: which one is the model?"),
        )),
    }
}
