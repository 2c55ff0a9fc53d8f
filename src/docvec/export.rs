//! Writing document vectors for other tools: `.npy` (float32 `[n, dim]`, ids in a sidecar
//! `.ids.txt`, one per line), `.csv` (`id,d0,d1,...`) or `.jsonl` (`{"id","vector"}`). Rows
//! stream in input order; every file is written to a temporary file and renamed at the end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::docvec::encoder::Encoder;
use crate::docvec::{DocVecConfig, DocVecMethod, DocVectorizer};
use crate::error::{Error, Result};
use crate::features::{Tfidf, TfidfConfig};
use crate::fsutil::AtomicFile;
use crate::kernels::normalize;
use crate::progress::{Cancel, Progress, Report};
use crate::text::{CorpusReader, CorpusSpec, Document, Tokenizer, TokenizerConfig};

/// The file format of exported document vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Npy,
    Csv,
    Jsonl,
}

impl ExportFormat {
    /// From the output file's extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("npy") => Ok(ExportFormat::Npy),
            Some("csv") => Ok(ExportFormat::Csv),
            Some("jsonl") => Ok(ExportFormat::Jsonl),
            _ => Err(Error::Usage(format!(
                "{}: name the output .npy, .csv or .jsonl",
                path.display()
            ))),
        }
    }
}

/// The `.npy` header is written with room for any row count and patched at the end.
const NPY_HEADER: usize = 128;

/// A document-vector file being written row by row, put in place atomically by `finish`.
pub struct VectorExport {
    format: ExportFormat,
    dim: usize,
    rows: u64,
    out: AtomicFile,
    ids: Option<AtomicFile>,
    /// Rows between syncs of the file written so far (about `SYNC_BYTES` of `.npy`).
    sync_rows: u64,
}

/// Bytes of vectors between two syncs while writing, so that the disk writes as rows come.
const SYNC_BYTES: usize = 8 << 20;

/// The sidecar file holding the ids of a `.npy` export.
pub fn ids_path(npy: &Path) -> PathBuf {
    npy.with_extension("ids.txt")
}

impl VectorExport {
    /// Starts an export to `path`, the format chosen by its extension (`.npy`, `.csv`, `.jsonl`).
    pub fn create(path: &Path, dim: usize) -> Result<Self> {
        let format = ExportFormat::from_path(path)?;
        let mut out = AtomicFile::create(path)?;
        let ids = match format {
            ExportFormat::Npy => {
                out.writer()
                    .write_all(&npy_header(0, dim))
                    .map_err(|e| Error::io(path, e))?;
                Some(AtomicFile::create(&ids_path(path))?)
            }
            ExportFormat::Csv => {
                let header: Vec<String> = std::iter::once("id".to_string())
                    .chain((0..dim).map(|i| format!("d{i}")))
                    .collect();
                writeln!(out.writer(), "{}", header.join(",")).map_err(|e| Error::io(path, e))?;
                None
            }
            ExportFormat::Jsonl => None,
        };
        Ok(Self {
            format,
            dim,
            rows: 0,
            out,
            ids,
            sync_rows: (SYNC_BYTES / (dim.max(1) * 4)).max(1) as u64,
        })
    }

    /// Appends one document's vector.
    pub fn push(&mut self, id: &str, v: &[f32]) -> Result<()> {
        self.write_row(id, v)?;
        self.rows += 1;
        if self.rows.is_multiple_of(self.sync_rows) {
            self.out.sync_so_far()?;
        }
        Ok(())
    }

    fn write_row(&mut self, id: &str, v: &[f32]) -> Result<()> {
        if v.len() != self.dim {
            return Err(Error::Usage(format!(
                "vector of {} values for a {}-dimensional export",
                v.len(),
                self.dim
            )));
        }
        let w = self.out.writer();
        let written = match self.format {
            ExportFormat::Npy if cfg!(target_endian = "little") => {
                // One write per row: the floats are already '<f4'.
                w.write_all(bytemuck::cast_slice(v))
            }
            ExportFormat::Npy => v.iter().try_for_each(|x| w.write_all(&x.to_le_bytes())),
            ExportFormat::Csv => {
                let mut rec = csv_field(id);
                for x in v {
                    rec.push(',');
                    rec.push_str(&x.to_string());
                }
                writeln!(w, "{rec}")
            }
            ExportFormat::Jsonl => {
                let line = serde_json::json!({ "id": id, "vector": v });
                writeln!(w, "{line}")
            }
        };
        written.map_err(|e| Error::io(self.out.path(), e))?;
        if let Some(ids) = &mut self.ids {
            let w = ids.writer();
            let written = match id.contains(['\n', '\r']) {
                true => w.write_all(id.replace(['\n', '\r'], " ").as_bytes()),
                false => w.write_all(id.as_bytes()),
            };
            written
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| Error::io(ids.path(), e))?;
        }
        Ok(())
    }

    /// Puts the files in place; returns how many rows were written.
    pub fn finish(self) -> Result<u64> {
        match self.format {
            ExportFormat::Npy => {
                let header = npy_header(self.rows, self.dim);
                if let Some(ids) = self.ids {
                    ids.commit(&[])?;
                }
                self.out.commit(&[(0, &header)])?;
            }
            _ => self.out.commit(&[])?,
        }
        Ok(self.rows)
    }
}

/// What `embed_file` needs besides the input and output.
pub struct EmbedSettings<'a> {
    pub tokenizer: &'a TokenizerConfig,
    /// How word vectors are pooled (static models pool their own tokens).
    pub docvec: &'a DocVecConfig,
    pub bow: &'a TfidfConfig,
    /// Scale every vector to unit length.
    pub normalize: bool,
}

/// Documents per batch embedded in parallel.
const BATCH: usize = 1024;

/// Documents per batch for encoders that run a transformer: a batch takes seconds, and the
/// progress bar and cancel act between batches.
pub const TRANSFORMER_BATCH: usize = 64;

// Over 80 lines: reader, embedding workers and writer are three stages of one pipeline wired by
// channels.
/// Embeds every document of `spec` with `encoder` into `out`. Mean pooling and static models
/// stream; TF-IDF and SIF weights are fitted on the whole file first (a pass over it).
/// Returns (rows, dim).
pub fn embed_file(
    encoder: &Encoder,
    spec: &CorpusSpec,
    out: &Path,
    settings: &EmbedSettings<'_>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(u64, usize)> {
    let tokenizer = Tokenizer::new(settings.tokenizer)?;
    let docvec = match encoder {
        Encoder::Words(e) if settings.docvec.method != DocVecMethod::Mean => {
            let mut tokens = Vec::new();
            for d in CorpusReader::open(spec)? {
                cancel.check()?;
                tokens.push(tokenizer.tokenize(&d?.text));
            }
            let tfidf = match settings.docvec.method {
                DocVecMethod::Tfidf => Some(Tfidf::fit(&tokens, settings.bow)?),
                _ => None,
            };
            DocVectorizer::fit(settings.docvec, &tokens, e, tfidf.as_ref())
        }
        _ => DocVectorizer::unfitted(settings.docvec),
    };
    let mut reader = CorpusReader::open(spec)?;
    let batch_docs = if matches!(encoder, Encoder::Contextual(_)) {
        TRANSFORMER_BATCH
    } else {
        BATCH
    };
    let export = VectorExport::create(out, encoder.dim())?;
    // Reading, embedding and writing overlap: a reader thread parses the next batch and a
    // writer thread writes the last one while this thread (and rayon's pool) embeds.
    let (to_embed, batches) = mpsc::sync_channel::<Result<(Vec<Document>, (u64, u64))>>(2);
    let (to_write, embedded) = mpsc::sync_channel::<(Vec<Document>, Vec<Vec<f32>>)>(2);
    let skipped = std::sync::Mutex::new(None);
    let export = std::thread::scope(|scope| -> Result<VectorExport> {
        let skipped = &skipped;
        scope.spawn(move || {
            loop {
                let batch: Result<Vec<_>> = reader.by_ref().take(batch_docs).collect();
                let done = matches!(&batch, Ok(b) if b.is_empty()) || batch.is_err();
                let batch = batch.map(|b| (b, reader.position()));
                if done && let Ok(mut s) = skipped.lock() {
                    *s = reader.skipped_summary();
                }
                // The receiver hangs up when embedding stops early: nothing more to read.
                if to_embed.send(batch).is_err() || done {
                    return;
                }
            }
        });
        let writer = scope.spawn(move || -> Result<VectorExport> {
            let mut export = export;
            for (batch, vectors) in embedded {
                for (d, v) in batch.iter().zip(&vectors) {
                    export.push(&d.id, v)?;
                }
            }
            Ok(export)
        });
        let embedding = (|| -> Result<()> {
            let mut embedded_rows = 0u64;
            for batch in batches {
                cancel.check()?;
                let (batch, (done, total)) = batch?;
                if batch.is_empty() {
                    break;
                }
                let texts: Vec<&str> = batch.iter().map(|d| d.text.as_str()).collect();
                let mut vectors = encoder.vectors(&texts, &docvec, &tokenizer);
                if settings.normalize {
                    vectors.iter_mut().for_each(|v| normalize(v));
                }
                embedded_rows += batch.len() as u64;
                progress.report(&Report {
                    stage: "embedding",
                    done,
                    total,
                    metrics: &[("documents", embedded_rows as f64)],
                });
                if to_write.send((batch, vectors)).is_err() {
                    break; // the writer failed: its error is returned below
                }
            }
            Ok(())
        })();
        drop(to_write);
        let written = match writer.join() {
            Ok(r) => r,
            Err(_) => Err(Error::Internal("the writing thread panicked".into())),
        };
        embedding?;
        written
    })?;
    progress.finish("embedding");
    if let Some(note) = skipped.lock().ok().and_then(|mut s| s.take()) {
        progress.note(&note);
    }
    if export.rows == 0 {
        return Err(Error::in_file(
            &spec.path,
            "no documents to embed: expected at least one data row or non-empty line",
        ));
    }
    let dim = encoder.dim();
    Ok((export.finish()?, dim))
}

/// A field quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// NPY format 1.0: magic, version, header length, then a Python dict literal padded with
/// spaces to a fixed size ending in a newline.
fn npy_header(rows: u64, dim: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    let mut h = Vec::with_capacity(NPY_HEADER);
    h.extend_from_slice(b"\x93NUMPY\x01\x00");
    h.extend_from_slice(&((NPY_HEADER - 10) as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h.resize(NPY_HEADER - 1, b' ');
    h.push(b'\n');
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_round_trip_header_and_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.npy");
        let mut x = VectorExport::create(&p, 2).unwrap();
        x.push("a", &[1.0, 2.0]).unwrap();
        x.push("b,c", &[3.0, -4.5]).unwrap();
        assert_eq!(x.finish().unwrap(), 2);
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..6], b"\x93NUMPY");
        let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
        assert!(header.contains("'shape': (2, 2)"), "{header}");
        assert!(header.ends_with('\n'));
        assert_eq!((10 + hlen) % 64, 0);
        let data: Vec<f32> = bytes[10 + hlen..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(data, vec![1.0, 2.0, 3.0, -4.5]);
        let ids = std::fs::read_to_string(ids_path(&p)).unwrap();
        assert_eq!(ids, "a\nb,c\n");
    }

    #[test]
    fn rows_past_the_periodic_syncs_all_arrive_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.npy");
        let dim = 1024;
        let mut x = VectorExport::create(&p, dim).unwrap();
        let sync = x.sync_rows as usize;
        let rows = x.sync_rows * 2 + 7;
        for r in 0..rows {
            x.push(&format!("d{r}"), &vec![r as f32; dim]).unwrap();
        }
        assert_eq!(x.finish().unwrap(), rows);
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(bytes.len(), NPY_HEADER + rows as usize * dim * 4);
        for r in [0, sync - 1, sync, rows as usize - 1] {
            let at = NPY_HEADER + (r * dim + dim - 1) * 4;
            let v = f32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
            assert_eq!(v, r as f32);
        }
        let ids = std::fs::read_to_string(ids_path(&p)).unwrap();
        assert_eq!(ids.lines().count() as u64, rows);
        assert_eq!(ids.lines().last(), Some(format!("d{}", rows - 1).as_str()));
    }

    #[test]
    fn csv_quotes_ids_and_jsonl_parses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.csv");
        let mut x = VectorExport::create(&p, 1).unwrap();
        x.push("a,b", &[0.5]).unwrap();
        x.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "id,d0\n\"a,b\",0.5\n");
        let p = dir.path().join("v.jsonl");
        let mut x = VectorExport::create(&p, 2).unwrap();
        x.push("z", &[0.25, 1.0]).unwrap();
        x.finish().unwrap();
        let v: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&p).unwrap().trim()).unwrap();
        assert_eq!(v["id"], "z");
        assert_eq!(v["vector"][0], 0.25);
    }

    #[test]
    fn unknown_extension_is_a_usage_error() {
        let err = VectorExport::create(Path::new("/tmp/x.parquet"), 2)
            .err()
            .unwrap();
        assert!(err.to_string().contains(".npy, .csv or .jsonl"));
    }
}
