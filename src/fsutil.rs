//! Writing files safely: a temporary file in the target's folder, written, synced, then
//! renamed over the target, and the folder synced — so a crash leaves the old file or the new
//! one, never half of either.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `path` in one go through `write`, atomically.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).map_err(|e| Error::io(path, e))?;
    file.commit(&[])
}

/// A file written in several steps (streamed) and put in place only by `commit`; dropped
/// without a commit, it leaves nothing behind.
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::TempPath,
    out: BufWriter<File>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        let dir = parent_of(path);
        let tmp = tempfile::Builder::new()
            .prefix(".wordlens-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        let (file, tmp) = tmp.into_parts();
        Ok(Self {
            path: path.to_path_buf(),
            tmp,
            out: BufWriter::with_capacity(1 << 20, file),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.out
    }

    /// The final path (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, overwrites the bytes at the given offsets (a header whose counts and checksum
    /// are known only at the end), syncs, and renames the file into place.
    pub fn commit(self, patches: &[(u64, &[u8])]) -> Result<()> {
        let io = |e| Error::io(&self.path, e);
        let mut file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        for (offset, bytes) in patches {
            file.seek(SeekFrom::Start(*offset)).map_err(io)?;
            file.write_all(bytes).map_err(io)?;
        }
        file.sync_all().map_err(io)?;
        drop(file);
        self.tmp.persist(&self.path).map_err(|e| io(e.error))?;
        #[cfg(unix)]
        if let Ok(d) = File::open(parent_of(&self.path)) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// The folder `path` is in (`.` for a bare file name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}
