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
    /// A temporary file beside `path` that `commit` will rename onto it.
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

    /// Where to write the file's bytes.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.out
    }

    /// Sends what is written so far to the disk, so that `commit`'s sync has only the rest
    /// left: called from a writer thread every few megabytes, the disk's work overlaps the
    /// producer's instead of coming after it.
    pub fn sync_so_far(&mut self) -> Result<()> {
        let io = |e| Error::io(&self.path, e);
        self.out.flush().map_err(io)?;
        self.out.get_ref().sync_data().map_err(io)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".wordlens-"))
            .collect()
    }

    // Deterministic faults between writing and renaming (the kill tests in
    // tests/integration/crash.rs are the second line): the old artifact must survive whole.

    #[test]
    fn a_writer_failing_midway_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.wlm");
        std::fs::write(&path, b"old model").unwrap();
        let err = atomic_write(&path, |w| {
            w.write_all(&[7u8; 3 << 20])?; // past the buffer: bytes reach the temporary file
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert!(err.to_string().contains("model.wlm"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old model");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_file_written_but_never_committed_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vectors.bin");
        std::fs::write(&path, b"old vectors").unwrap();
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.writer().write_all(&[1u8; 3 << 20]).unwrap();
            f.writer().flush().unwrap();
            assert_eq!(
                leftovers(dir.path()).len(),
                1,
                "the new bytes are in a temporary"
            );
            // Dropped here, as a failure between writing and renaming would drop it.
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"old vectors");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_commit_replaces_the_file_whole_with_its_patches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        std::fs::write(&path, b"old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.writer().write_all(b"HEADER??body").unwrap();
        f.commit(&[(6, b"OK")]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"HEADEROKbody");
        assert!(leftovers(dir.path()).is_empty());
    }
}
