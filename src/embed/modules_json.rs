//! `modules.json` of a sentence-transformers folder: its modules in order, each a sub-folder and
//! a Python type name. Read by both folder layouts (static models and contextual encoders).

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// One entry of `modules.json`.
#[derive(Deserialize)]
pub(crate) struct Module {
    /// The module's folder, relative to the model folder (empty: the folder itself).
    #[serde(default)]
    pub path: String,
    /// The module's Python type (`sentence_transformers.models.Pooling`).
    #[serde(rename = "type", default)]
    pub kind: String,
}

impl Module {
    /// The last part of the type name (`Pooling`).
    pub fn short_type(&self) -> &str {
        self.kind.rsplit('.').next().unwrap_or(&self.kind)
    }
}

/// Reads the modules of `path` (a `modules.json`), naming the file in errors.
pub(crate) fn read(path: &Path) -> Result<Vec<Module>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::in_file(path, format!("invalid modules.json: {e}")))
}
