//! A block of f32 values either owned on the heap or memory-mapped from one of wordlens' own
//! files (the page cache holds it, not the heap). Shared by word vectors and document vectors.

use std::sync::Arc;

/// A float matrix's values, owned or memory-mapped from a file.
pub enum Floats {
    Owned(Vec<f32>),
    /// `len` floats starting `start` bytes into the mapping (4-byte aligned: the writers align
    /// the block and mappings are page-aligned).
    Mapped {
        map: Arc<memmap2::Mmap>,
        start: usize,
        len: usize,
    },
}

impl Floats {
    /// Maps `len` floats at `start` when the bytes are little-endian-compatible and aligned;
    /// otherwise copies them (big-endian machines, or an unaligned block).
    pub fn from_map(map: Arc<memmap2::Mmap>, start: usize, len: usize) -> Option<Self> {
        let bytes = map.get(start..start.checked_add(len.checked_mul(4)?)?)?;
        if cfg!(target_endian = "little") && bytemuck::try_cast_slice::<u8, f32>(bytes).is_ok() {
            return Some(Floats::Mapped { map, start, len });
        }
        Some(Floats::Owned(
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        ))
    }

    /// The values.
    pub fn as_slice(&self) -> &[f32] {
        match self {
            Floats::Owned(v) => v,
            Floats::Mapped { map, start, len } => {
                bytemuck::try_cast_slice(&map[*start..*start + len * 4]).unwrap_or(&[])
            }
        }
    }

    /// Whether the values are memory-mapped.
    pub fn is_mapped(&self) -> bool {
        matches!(self, Floats::Mapped { .. })
    }
}

/// float16 values kept as float16 (their bits), mapped in place when aligned: half the memory
/// of `Floats`, widened by the reader (exactly: every float16 is a float32).
pub enum Halves {
    Owned(Vec<u16>),
    Mapped {
        map: Arc<memmap2::Mmap>,
        start: usize,
        len: usize,
    },
}

impl Halves {
    /// Maps `len` little-endian float16 values at `start` when aligned; otherwise copies them.
    pub fn from_map(map: Arc<memmap2::Mmap>, start: usize, len: usize) -> Option<Self> {
        let bytes = map.get(start..start.checked_add(len.checked_mul(2)?)?)?;
        if cfg!(target_endian = "little") && bytemuck::try_cast_slice::<u8, u16>(bytes).is_ok() {
            return Some(Halves::Mapped { map, start, len });
        }
        Some(Halves::Owned(
            bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect(),
        ))
    }

    /// The values.
    pub fn as_slice(&self) -> &[half::f16] {
        use half::slice::HalfBitsSliceExt;
        let bits: &[u16] = match self {
            Halves::Owned(v) => v,
            Halves::Mapped { map, start, len } => {
                bytemuck::try_cast_slice(&map[*start..*start + len * 2]).unwrap_or(&[])
            }
        };
        bits.reinterpret_cast()
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
