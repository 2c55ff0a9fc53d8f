//! The corpus as a stream of word ids, made in one tokenizing pass and replayed every epoch.
//!
//! The first pass counts words and stores each token's provisional id (4 bytes a token, in
//! memory up to a budget, then spilled to an anonymous temporary file), so epochs never
//! re-read or re-tokenize the corpus and memory stays bounded on corpora larger than RAM.
//! Training reads fixed-size jobs of the stream; `DOC_END` marks document boundaries so no
//! window crosses two documents.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};
use crate::text::{ReadStats, TextSource, Tokenizer, corpus};

/// Marks the end of a document in the stream.
pub const DOC_END: u32 = u32::MAX;
/// A provisional id whose word did not make it into the vocabulary.
const DROPPED: u32 = u32::MAX - 1;
/// Tokens per training job (gensim and word2vec use the same order of magnitude).
pub const JOB_TOKENS: usize = 10_000;

enum Store {
    Memory(Vec<u32>),
    File(File),
}

/// The corpus as vocabulary ids, in memory up to a budget and spilled to a temporary file beyond it.
pub struct TokenStream {
    store: Store,
    len: u64,
    remap: Vec<u32>,
}

/// What the counting pass found.
pub struct Scan {
    pub stream: TokenStream,
    /// Each distinct token with its count, indexed by provisional id.
    pub words: Vec<(String, u64)>,
    pub tokens: u64,
    pub read: ReadStats,
}

struct Writer {
    buf: Vec<u32>,
    file: Option<BufWriter<File>>,
    len: u64,
    budget: usize,
}

impl Writer {
    fn push(&mut self, id: u32) -> std::io::Result<()> {
        self.buf.push(id);
        self.len += 1;
        if self.buf.len() >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> std::io::Result<()> {
        let file = match &mut self.file {
            Some(f) => f,
            None => self
                .file
                .insert(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?)),
        };
        for id in self.buf.drain(..) {
            file.write_all(&id.to_le_bytes())?;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<(Store, u64)> {
        if self.file.is_none() {
            return Ok((Store::Memory(self.buf), self.len));
        }
        self.spill()?;
        let file = match self.file.take() {
            Some(w) => w.into_inner().map_err(|e| e.into_error())?,
            None => unreachable_store(),
        };
        Ok((Store::File(file), self.len))
    }
}

#[allow(clippy::panic)]
fn unreachable_store() -> ! {
    panic!("spill() always creates the file")
}

/// Tokenizes every document once, counting words and recording provisional ids.
pub fn scan(
    sources: &[TextSource<'_>],
    tokenizer: &Tokenizer,
    memory_budget_bytes: usize,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Scan> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<(String, u64)> = Vec::new();
    let mut writer = Writer {
        buf: Vec::new(),
        file: None,
        len: 0,
        budget: (memory_budget_bytes / 4).max(JOB_TOKENS),
    };
    let mut tokens = 0u64;
    let mut docs = 0u64;
    let mut last_report = Instant::now();
    let spill_err = |e: std::io::Error| Error::io(std::env::temp_dir(), e);
    let read = corpus::for_each_text(sources, |text, (bytes, total_bytes)| {
        let mut io_result = Ok(());
        tokenizer.for_each_token(text, |tok| {
            let id = match ids.get(tok) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    ids.insert(tok.to_string(), id);
                    words.push((tok.to_string(), 0));
                    id
                }
            };
            words[id as usize].1 += 1;
            tokens += 1;
            if io_result.is_ok() {
                io_result = writer.push(id);
            }
        });
        io_result.map_err(spill_err)?;
        writer.push(DOC_END).map_err(spill_err)?;
        docs += 1;
        if docs.is_multiple_of(256) && last_report.elapsed().as_millis() >= 100 {
            cancel.check()?;
            progress.report(&Report {
                stage: "reading corpus",
                done: bytes,
                total: total_bytes,
                metrics: &[("documents", docs as f64), ("tokens", tokens as f64)],
            });
            last_report = Instant::now();
        }
        if words.len() as u64 >= DROPPED as u64 {
            return Err(Error::Usage(
                "more than 4 billion distinct words: raise min_count or split the corpus".into(),
            ));
        }
        Ok(())
    })?;
    progress.finish("reading corpus");
    let (store, len) = writer.finish().map_err(spill_err)?;
    Ok(Scan {
        stream: TokenStream {
            store,
            len,
            remap: Vec::new(),
        },
        words,
        tokens,
        read,
    })
}

impl TokenStream {
    /// Maps provisional ids to vocabulary ids; `None` drops the word.
    pub fn set_remap(&mut self, remap: Vec<Option<u32>>) {
        self.remap = remap.into_iter().map(|r| r.unwrap_or(DROPPED)).collect();
    }

    /// Number of jobs in one pass over the stream.
    pub fn jobs(&self) -> usize {
        self.len.div_ceil(JOB_TOKENS as u64) as usize
    }

    /// The vocabulary ids of job `job` (documents separated by `DOC_END`), into `out`.
    pub fn read_job(
        &self,
        job: usize,
        raw: &mut Vec<u8>,
        out: &mut Vec<u32>,
    ) -> std::io::Result<()> {
        let start = job as u64 * JOB_TOKENS as u64;
        let end = (start + JOB_TOKENS as u64).min(self.len);
        out.clear();
        let mut push = |id: u32| {
            if id == DOC_END {
                out.push(DOC_END);
            } else {
                let r = self.remap.get(id as usize).copied().unwrap_or(DROPPED);
                if r != DROPPED {
                    out.push(r);
                }
            }
        };
        match &self.store {
            Store::Memory(v) => v[start as usize..end as usize]
                .iter()
                .for_each(|&id| push(id)),
            Store::File(f) => {
                raw.resize(((end - start) * 4) as usize, 0);
                read_at(f, raw, start * 4)?;
                raw.chunks_exact(4)
                    .for_each(|b| push(u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
            }
        }
        Ok(())
    }

    /// Whether the stream went to a temporary file.
    pub fn is_spilled(&self) -> bool {
        matches!(self.store, Store::File(_))
    }
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(windows)]
fn read_at(f: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = f.seek_read(buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}
