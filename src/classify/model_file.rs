//! The model file: a magic line with the format version, one line of JSON (the pipeline), then,
//! when the model uses word vectors, those vectors in word2vec binary. A model that uses a
//! static model records its folder and checksum instead (the model can be hundreds of MB) and
//! checks both on load. Written atomically.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::pipeline::Pipeline;
use crate::docvec::encoder::{Encoder, RefError};
use crate::embed::io::{parse_w2v_bin, write_w2v_bin};
use crate::error::{Error, Result};
use crate::fsutil::atomic_write;

const MAGIC: &str = "WORDLENS-MODEL";
/// The `.wlm` format version written; a file of another version is refused on load.
pub const VERSION: u32 = 1;

/// Writes `pipeline` to `path` as a `.wlm` file, atomically.
pub fn save(path: &Path, pipeline: &Pipeline) -> Result<()> {
    let json = serde_json::to_string(pipeline)
        .map_err(|e| Error::Internal(format!("cannot encode the model: {e}")))?;
    atomic_write(path, |w| {
        writeln!(w, "{MAGIC} {VERSION}")?;
        w.write_all(json.as_bytes())?;
        w.write_all(b"\n")?;
        if let Some(Encoder::Words(e)) = &pipeline.encoder {
            write_w2v_bin(w, e)?;
        }
        Ok(())
    })
}

// Over 80 lines: the .wlm file read in file order (magic, JSON, vectors), each part's error naming
// its line or byte.
/// Reads a `.wlm` file, checking its header and version; errors name the line.
pub fn load(path: &Path) -> Result<Pipeline> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let line_end = |from: usize| {
        bytes
            .get(from..)?
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p)
    };
    let header_end = line_end(0);
    let first = &bytes[..header_end.unwrap_or(bytes.len().min(64))];
    let first = String::from_utf8_lossy(first);
    let version = first
        .strip_prefix(MAGIC)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            Error::at_line(
                path,
                1,
                format!("not a wordlens model (expected `{MAGIC} {VERSION}`)"),
            )
        })?;
    if version != VERSION {
        return Err(Error::at_line(
            path,
            1,
            format!(
                "model format version {version}; this wordlens reads version {VERSION}: retrain the model"
            ),
        ));
    }
    // Byte positions, not the decoded line's length (found by fuzzing: a header without a
    // newline put the JSON start past the end of the file).
    let json_start = header_end
        .ok_or_else(|| Error::at_line(path, 1, "truncated model: nothing after the header"))?
        + 1;
    let json_end = line_end(json_start)
        .ok_or_else(|| Error::at_line(path, 2, "truncated model: no end of the JSON line"))?;
    let mut pipeline: Pipeline = serde_json::from_slice(&bytes[json_start..json_end])
        .map_err(|e| Error::at_line(path, 2, format!("model description is invalid: {e}")))?;
    let rest = &bytes[json_end + 1..];
    if let Some(r) = &pipeline.static_model {
        let encoder = r.reopen().map_err(|e| match e {
            RefError::Unreadable(e) => Error::at_line(
                path,
                2,
                format!("the model this classifier was trained with cannot be opened: {e}"),
            ),
            RefError::Changed { now } => Error::at_line(
                path,
                2,
                format!(
                    "the model at {} changed since training (checksum {now}, expected {}): retrain the classifier",
                    r.path, r.fingerprint
                ),
            ),
        })?;
        pipeline.encoder = Some(encoder);
    } else if pipeline.kind.uses_embeddings() {
        if rest.is_empty() {
            return Err(Error::at_byte(
                path,
                json_end as u64 + 1,
                "truncated model: its word vectors are missing",
            ));
        }
        pipeline.encoder = Some(Encoder::Words(Arc::new(parse_w2v_bin(path, rest)?)));
    }
    let (k, d) = (pipeline.model.classes, pipeline.model.features);
    if pipeline.model.weights.len() != k * d
        || pipeline.model.bias.len() != k
        || pipeline.labels.len() != k
    {
        return Err(Error::at_line(
            path,
            2,
            "model weights do not match its declared classes and features",
        ));
    }
    Ok(pipeline)
}
