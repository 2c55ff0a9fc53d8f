//! The tensors of a static model's `.safetensors` file: the embedding matrix (float32 mapped in
//! place; float16, bfloat16 and int8 decoded once), and model2vec's optional per-token
//! `weights` and `mapping`. Every offset and shape is checked before anything is allocated.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use safetensors::tensor::{Dtype, Metadata, SafeTensorError, SafeTensors, TensorInfo};

use super::rows::TokenRows;
use crate::error::{Error, Result};
use crate::floats::{Floats, Halves, map_file};

/// The file mapped, with its parsed header.
pub(crate) struct TensorFile {
    map: Arc<memmap2::Mmap>,
    header_len: usize,
    metadata: Metadata,
}

/// Bytes before the tensor data: the 8-byte header length, then the JSON header.
const LEN_BYTES: usize = 8;

impl TensorFile {
    pub fn open(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let map = Arc::new(map_file(&file).map_err(|e| Error::io(path, e))?);
        let (header_len, metadata) =
            SafeTensors::read_metadata(&map).map_err(|e| describe(path, map.len(), e))?;
        Ok(Self {
            map,
            header_len,
            metadata,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.metadata.info(name).is_some()
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.metadata.tensors().keys().cloned().collect();
        names.sort();
        names
    }

    fn info(&self, path: &Path, name: &str) -> Result<&TensorInfo> {
        self.metadata.info(name).ok_or_else(|| {
            Error::in_file(
                path,
                format!(
                    "no tensor `{name}`; the file holds {}",
                    self.names().join(", ")
                ),
            )
        })
    }

    /// Byte range of a tensor's data in the file.
    fn range(&self, info: &TensorInfo) -> (usize, usize) {
        let base = LEN_BYTES + self.header_len;
        (base + info.data_offsets.0, base + info.data_offsets.1)
    }

    /// The 2-D matrix `name` as token rows: float16 kept as it is (mapped where aligned),
    /// everything else as `matrix` gives it.
    pub fn token_rows(&self, path: &Path, name: &str) -> Result<(TokenRows, usize, usize)> {
        let info = self.info(path, name)?;
        if info.dtype == Dtype::F16
            && let [rows, cols] = info.shape[..]
            && rows > 0
            && cols > 0
        {
            let (start, _) = self.range(info);
            let halves =
                Halves::from_map(self.map.clone(), start, rows * cols).ok_or_else(|| {
                    Error::at_byte(path, start as u64, format!("tensor `{name}` is cut short"))
                })?;
            return Ok((TokenRows::F16(halves), rows, cols));
        }
        let (floats, rows, cols) = self.matrix(path, name)?;
        Ok((TokenRows::F32(floats), rows, cols))
    }

    /// The 2-D matrix `name` as float32 rows: (values, rows, cols). Float32 data is mapped
    /// where it is aligned; other dtypes are decoded (int8 as its raw values, as model2vec
    /// uses them: the quantisation scale is not stored).
    pub fn matrix(&self, path: &Path, name: &str) -> Result<(Floats, usize, usize)> {
        let info = self.info(path, name)?;
        let [rows, cols] = info.shape[..] else {
            return Err(Error::in_file(
                path,
                format!(
                    "tensor `{name}` has shape {:?}; expected a matrix [tokens, dim]",
                    info.shape
                ),
            ));
        };
        if rows == 0 || cols == 0 {
            return Err(Error::in_file(
                path,
                format!("tensor `{name}` is empty (shape [{rows}, {cols}])"),
            ));
        }
        let (start, end) = self.range(info);
        let bytes = &self.map[start..end];
        let floats = match info.dtype {
            Dtype::F32 => Floats::from_map(self.map.clone(), start, rows * cols),
            other => Some(Floats::Owned(
                decode(bytes, other).ok_or_else(|| unsupported(path, name, other))?,
            )),
        };
        let floats = floats.ok_or_else(|| {
            Error::at_byte(path, start as u64, format!("tensor `{name}` is cut short"))
        })?;
        Ok((floats, rows, cols))
    }

    /// The dtype and bytes of the 1-D tensor `name` (one value per token), or None when absent.
    fn per_token(&self, path: &Path, name: &str) -> Result<Option<(Dtype, &[u8])>> {
        let Some(info) = self.metadata.info(name) else {
            return Ok(None);
        };
        if info.shape.len() != 1 {
            return Err(Error::in_file(
                path,
                format!(
                    "tensor `{name}` has shape {:?}; expected one value per token",
                    info.shape
                ),
            ));
        }
        let (start, end) = self.range(info);
        Ok(Some((info.dtype, &self.map[start..end])))
    }

    /// The 1-D tensor `name` decoded to f32 (weights), or None when absent.
    pub fn vector(&self, path: &Path, name: &str) -> Result<Option<Vec<f32>>> {
        let Some((dtype, bytes)) = self.per_token(path, name)? else {
            return Ok(None);
        };
        decode(bytes, dtype)
            .map(Some)
            .ok_or_else(|| unsupported(path, name, dtype))
    }

    /// The 1-D integer tensor `name` (mapping), or None when absent.
    pub fn indices(&self, path: &Path, name: &str) -> Result<Option<Vec<u64>>> {
        let Some((dtype, b)) = self.per_token(path, name)? else {
            return Ok(None);
        };
        let out: Option<Vec<u64>> = match dtype {
            Dtype::I64 | Dtype::U64 => Some(
                b.chunks_exact(8)
                    .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect(),
            ),
            Dtype::I32 | Dtype::U32 => Some(
                b.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as u64)
                    .collect(),
            ),
            _ => None,
        };
        out.map(Some).ok_or_else(|| {
            Error::in_file(
                path,
                format!("tensor `{name}` has dtype {dtype:?}; expected int32 or int64 indices"),
            )
        })
    }
}

fn unsupported(path: &Path, name: &str, dtype: Dtype) -> Error {
    Error::in_file(
        path,
        format!("tensor `{name}` has dtype {dtype:?}; expected float32, float16, bfloat16 or int8"),
    )
}

/// Little-endian values of `dtype` as f32, or None for a dtype static models do not use.
pub(super) fn decode(bytes: &[u8], dtype: Dtype) -> Option<Vec<f32>> {
    let out = match dtype {
        Dtype::F32 => bytes
            .par_chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Dtype::F16 => bytes
            .par_chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        Dtype::BF16 => bytes
            .par_chunks_exact(2)
            .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        Dtype::I8 => bytes.par_iter().map(|&b| b as i8 as f32).collect(),
        Dtype::F64 => bytes
            .par_chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32)
            .collect(),
        _ => return None,
    };
    Some(out)
}

/// The safetensors crate's error, said with the file and what was expected.
fn describe(path: &Path, file_len: usize, e: SafeTensorError) -> Error {
    let expected = "expected a safetensors file (8-byte header length, JSON header, tensor data)";
    match e {
        SafeTensorError::HeaderTooSmall => Error::at_byte(
            path,
            0,
            format!("the file is {file_len} bytes, too short for a header; {expected}"),
        ),
        SafeTensorError::HeaderTooLarge | SafeTensorError::InvalidHeaderLength => Error::at_byte(
            path,
            0,
            format!(
                "the header length at the start is larger than the file ({file_len} bytes): truncated or not safetensors; {expected}"
            ),
        ),
        SafeTensorError::InvalidHeader(_) | SafeTensorError::InvalidHeaderDeserialization(_) => {
            Error::at_byte(
                path,
                LEN_BYTES as u64,
                format!("the header is not valid JSON ({e}); {expected}"),
            )
        }
        SafeTensorError::MetadataIncompleteBuffer => Error::in_file(
            path,
            format!(
                "the header's tensors do not end where the file ends ({file_len} bytes): the file is truncated or has extra bytes"
            ),
        ),
        SafeTensorError::InvalidOffset(name) => Error::in_file(
            path,
            format!("tensor `{name}` points outside the file or overlaps another tensor"),
        ),
        SafeTensorError::TensorInvalidInfo | SafeTensorError::ValidationOverflow => Error::in_file(
            path,
            format!("a tensor's shape does not match its byte range ({e})"),
        ),
        other => Error::in_file(path, format!("{other}; {expected}")),
    }
}
