//! Document vectors beside the index: a header (magic, version, dimension, count, CRC-32 of the
//! values), then the unit-length f32 vectors in document-number order. Checked on open against
//! the index's document count, then memory-mapped (the page cache holds them, not the heap);
//! searched by brute-force cosine, in parallel.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::floats::{Floats, map_file};
use crate::fsutil::AtomicFile;
use crate::kernels::dot;

const MAGIC: &[u8; 8] = b"WLDOCVEC";
const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 4 + 8 + 4;

/// The document-vector file of an index, memory-mapped.
pub struct DocVectors {
    pub dim: usize,
    storage: Floats,
}

impl std::fmt::Debug for DocVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DocVectors({} x {})", self.len(), self.dim)
    }
}

impl DocVectors {
    /// Document vectors held in memory (`data` is rows of `dim`).
    pub fn new(dim: usize, data: Vec<f32>) -> Self {
        Self {
            dim,
            storage: Floats::Owned(data),
        }
    }

    /// All values, row after row.
    pub fn data(&self) -> &[f32] {
        self.storage.as_slice()
    }

    /// Whether the values are memory-mapped (not copied to the heap).
    pub fn is_mapped(&self) -> bool {
        self.storage.is_mapped()
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.data().len().checked_div(self.dim).unwrap_or(0)
    }
    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The vector of document `doc`, if there is one.
    pub fn row(&self, doc: u32) -> Option<&[f32]> {
        let start = (doc as usize).checked_mul(self.dim)?;
        self.data().get(start..start.checked_add(self.dim)?)
    }

    /// Writes the vectors to `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_parts(path, self.dim, &[self.data()])
    }

    /// Opens the file, checks it holds `expected` vectors of dimension `dim` and its checksum,
    /// and maps it (little-endian machines; others read a copy).
    pub fn read(path: &Path, expected: usize, dim: usize) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let map = Arc::new(map_file(&file).map_err(|e| Error::io(path, e))?);
        let bytes: &[u8] = &map;
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(Error::at_byte(
                path,
                0,
                "not a wordlens document-vector file",
            ));
        }
        let u32_at =
            |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let version = u32_at(8);
        if version != VERSION {
            return Err(Error::at_byte(
                path,
                8,
                format!("version {version}; expected {VERSION}: rebuild the index"),
            ));
        }
        let file_dim = u32_at(12) as usize;
        let mut count_bytes = [0u8; 8];
        count_bytes.copy_from_slice(&bytes[16..24]);
        let count = u64::from_le_bytes(count_bytes);
        let body = &bytes[HEADER..];
        if (body.len() as u64) != count.saturating_mul(file_dim as u64 * 4) {
            return Err(Error::at_byte(
                path,
                16,
                format!(
                    "header claims {count} vectors of dimension {file_dim}, the file holds {} bytes of values",
                    body.len()
                ),
            ));
        }
        // More vectors than documents: a crash after writing vectors, before the metadata.
        if (count as usize) < expected {
            return Err(Error::at_byte(
                path,
                16,
                format!(
                    "{count} vectors but the index holds {expected} documents: rebuild the index"
                ),
            ));
        }
        if file_dim != dim {
            return Err(Error::at_byte(
                path,
                12,
                format!("dimension {file_dim} but the index's word vectors have {dim}"),
            ));
        }
        if crc32fast::hash(body) != u32_at(24) {
            return Err(Error::at_byte(
                path,
                24,
                "checksum mismatch: the file is damaged; rebuild the index",
            ));
        }
        let storage = Floats::from_map(map.clone(), HEADER, expected * dim)
            .ok_or_else(|| Error::at_byte(path, HEADER as u64, "vector block out of range"))?;
        Ok(Self { dim, storage })
    }

    /// The `k` documents most similar to the unit vector `q` among those `keep` accepts,
    /// best first.
    pub fn top_k(&self, q: &[f32], k: usize, keep: impl Fn(u32) -> bool + Sync) -> Vec<(u32, f32)> {
        let mut scored: Vec<(u32, f32)> = self
            .data()
            .par_chunks(self.dim)
            .enumerate()
            .filter(|(i, _)| keep(*i as u32))
            .map(|(i, row)| (i as u32, dot(row, q)))
            .collect();
        let k = k.min(scored.len());
        if k == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
        scored.truncate(k);
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

/// Writes `parts` one after the other as one vector file of dimension `dim`, atomically.
pub fn write_parts(path: &Path, dim: usize, parts: &[&[f32]]) -> Result<()> {
    let mut w = DocVectorWriter::create(path, dim)?;
    for part in parts {
        for row in part.chunks(dim.max(1)) {
            w.push(row)?;
        }
    }
    w.finish()
}

/// Streams document vectors to a file as they are computed: the values go to disk with a
/// running checksum and the header's count and checksum are filled in by `finish`, which puts
/// the file in place atomically. Nothing of the matrix stays on the heap.
pub struct DocVectorWriter {
    file: AtomicFile,
    dim: usize,
    count: u64,
    crc: crc32fast::Hasher,
    buf: Vec<u8>,
}

impl DocVectorWriter {
    /// Starts the document-vector file `path`, written atomically when finished.
    pub fn create(path: &Path, dim: usize) -> Result<Self> {
        let mut file = AtomicFile::create(path)?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(dim as u32).to_le_bytes());
        header.resize(HEADER, 0); // count and checksum come at the end
        file.writer()
            .write_all(&header)
            .map_err(|e| Error::io(path, e))?;
        Ok(Self {
            file,
            dim,
            count: 0,
            crc: crc32fast::Hasher::new(),
            buf: Vec::with_capacity(dim * 4),
        })
    }

    /// Appends one vector of `dim` values.
    pub fn push(&mut self, row: &[f32]) -> Result<()> {
        debug_assert_eq!(row.len(), self.dim);
        self.buf.clear();
        row.iter()
            .for_each(|v| self.buf.extend_from_slice(&v.to_le_bytes()));
        self.crc.update(&self.buf);
        self.count += 1;
        self.file
            .writer()
            .write_all(&self.buf)
            .map_err(|e| Error::io(self.file.path(), e))
    }

    /// Puts the file in place (header patched, synced, renamed).
    pub fn finish(self) -> Result<()> {
        let count = self.count.to_le_bytes();
        let crc = self.crc.finalize().to_le_bytes();
        self.file.commit(&[(16, &count), (24, &crc)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_checks_and_top_k() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.bin");
        let v = DocVectors::new(2, vec![1.0, 0.0, 0.0, 1.0, 0.6, 0.8]);
        v.write(&p).unwrap();
        let back = DocVectors::read(&p, 3, 2).unwrap();
        assert_eq!(back.data(), v.data());
        // Written in parts (an append: the old vectors, then the new), the file is the same.
        let parts = dir.path().join("parts.bin");
        write_parts(&parts, 2, &[&v.data()[..2], &v.data()[2..]]).unwrap();
        assert_eq!(std::fs::read(&parts).unwrap(), std::fs::read(&p).unwrap());
        assert!(back.is_mapped() || cfg!(target_endian = "big"));
        // Fewer documents than vectors (a crash after the vectors, before the metadata).
        assert_eq!(DocVectors::read(&p, 2, 2).unwrap().len(), 2);
        assert_eq!(
            back.top_k(&[1.0, 0.0], 2, |_| true),
            vec![(0, 1.0), (2, 0.6)]
        );
        assert_eq!(back.top_k(&[1.0, 0.0], 1, |d| d != 0), vec![(2, 0.6)]);
        assert!(
            DocVectors::read(&p, 4, 2)
                .unwrap_err()
                .to_string()
                .contains("index holds 4")
        );
        assert!(
            DocVectors::read(&p, 3, 5)
                .unwrap_err()
                .to_string()
                .contains("dimension 2")
        );
        let mut bytes = std::fs::read(&p).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        assert!(
            DocVectors::read(&p, 3, 2)
                .unwrap_err()
                .to_string()
                .contains("checksum")
        );
    }
}
