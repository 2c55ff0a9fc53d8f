//! A block of f32 values either owned on the heap or memory-mapped from one of wordlens' own
//! files (the page cache holds it, not the heap). Shared by word vectors and document vectors.

use std::sync::Arc;

/// A float matrix's values, owned or memory-mapped from a file.
pub type Floats = Values<f32>;

/// float16 values kept as float16 (their bits): half the memory of `Floats`, widened by the
/// reader (exactly: every float16 is a float32).
pub type Halves = Values<u16>;

/// Little-endian values of one type, owned or memory-mapped from a file.
pub enum Values<T> {
    Owned(Vec<T>),
    /// `len` values starting `start` bytes into the mapping (aligned: the writers align the
    /// block and mappings are page-aligned).
    Mapped {
        map: Arc<memmap2::Mmap>,
        start: usize,
        len: usize,
    },
}

/// The types `Values` holds: plain numbers read from little-endian bytes.
pub trait LittleEndian: bytemuck::Pod {
    fn from_le(bytes: &[u8]) -> Self;
}

impl LittleEndian for f32 {
    fn from_le(b: &[u8]) -> Self {
        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}

impl LittleEndian for u16 {
    fn from_le(b: &[u8]) -> Self {
        u16::from_le_bytes([b[0], b[1]])
    }
}

impl<T: LittleEndian> Values<T> {
    /// Maps `len` values at `start` when the bytes are little-endian-compatible and aligned;
    /// otherwise copies them (big-endian machines, or an unaligned block).
    pub fn from_map(map: Arc<memmap2::Mmap>, start: usize, len: usize) -> Option<Self> {
        let size = std::mem::size_of::<T>();
        let bytes = map.get(start..start.checked_add(len.checked_mul(size)?)?)?;
        if cfg!(target_endian = "little") && bytemuck::try_cast_slice::<u8, T>(bytes).is_ok() {
            return Some(Values::Mapped { map, start, len });
        }
        Some(Values::Owned(
            bytes.chunks_exact(size).map(T::from_le).collect(),
        ))
    }

    /// The values.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Values::Owned(v) => v,
            Values::Mapped { map, start, len } => {
                let end = *start + len * std::mem::size_of::<T>();
                bytemuck::try_cast_slice(&map[*start..end]).unwrap_or(&[])
            }
        }
    }

    /// Whether the values are memory-mapped.
    pub fn is_mapped(&self) -> bool {
        matches!(self, Values::Mapped { .. })
    }
}

impl std::fmt::Debug for Floats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_mapped() { "mapped" } else { "owned" };
        write!(f, "Floats({} {kind})", self.as_slice().len())
    }
}

/// Maps `file` read-only.
#[allow(unsafe_code)]
pub fn map_file(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and wordlens never writes its files in place: writers
    // write a temporary file and rename it over the old one, which leaves the mapped inode
    // intact. Another program truncating the file under us is the one case not covered (as
    // with any memory map).
    unsafe { memmap2::Mmap::map(file) }
}
