//! Co-occurrence counting for GloVe, bounded in memory: each thread counts its jobs into a
//! hash table; a table that outgrows its share of the budget is sorted and spilled to a temp
//! file as a shard; at the end every shard and table is merged in key order, summing equal
//! pairs. The merged records stay in memory if they fit the budget, else in a temp file that
//! training reads block by block.

use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::embed::token_stream::{DOC_END, TokenStream};
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};
use crate::rng::Rng;

/// One co-occurrence: word `a` near word `b`, weighted count `x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    pub a: u32,
    pub b: u32,
    pub x: f32,
}

const RECORD_BYTES: usize = 12;
/// What a hash-table entry costs, with the table's slack.
const TABLE_ENTRY_BYTES: usize = 32;

impl Record {
    fn key(&self) -> u64 {
        (self.a as u64) << 32 | self.b as u64
    }
    fn from_key(key: u64, x: f32) -> Self {
        Record {
            a: (key >> 32) as u32,
            b: key as u32,
            x,
        }
    }
    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(&self.a.to_le_bytes())?;
        w.write_all(&self.b.to_le_bytes())?;
        w.write_all(&self.x.to_le_bytes())
    }
    fn read(r: &mut impl Read) -> std::io::Result<Option<Self>> {
        let mut b = [0u8; RECORD_BYTES];
        match r.read_exact(&mut b) {
            Ok(()) => Ok(Some(Record {
                a: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                b: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
                x: f32::from_le_bytes([b[8], b[9], b[10], b[11]]),
            })),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The merged co-occurrence records, sorted by (a, b).
pub enum Cooccurrences {
    Memory(Vec<Record>),
    /// `len` records in a temp file, read `block` at a time.
    File {
        file: File,
        len: u64,
        block: usize,
    },
}

fn temp_err(e: std::io::Error) -> Error {
    Error::io(std::env::temp_dir(), e)
}

impl Cooccurrences {
    /// Records held (after merging duplicates).
    pub fn len(&self) -> u64 {
        match self {
            Cooccurrences::Memory(v) => v.len() as u64,
            Cooccurrences::File { len, .. } => *len,
        }
    }
    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether the records went to sorted shards on disk.
    pub fn is_spilled(&self) -> bool {
        matches!(self, Cooccurrences::File { .. })
    }

    /// Every record in stored order: key order, until training shuffles records held in
    /// memory (tests and small corpora).
    pub fn to_vec(&mut self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        self.for_each_stored_block(|b| {
            out.extend_from_slice(b);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with the records in memory (shuffled in place: no second copy), or with
    /// blocks read from the temp file.
    fn for_each_stored_block(
        &mut self,
        mut f: impl FnMut(&mut [Record]) -> Result<()>,
    ) -> Result<()> {
        match self {
            Cooccurrences::Memory(v) => f(v),
            Cooccurrences::File { file, len, block } => {
                let mut reader = BufReader::with_capacity(1 << 20, file);
                reader.seek(SeekFrom::Start(0)).map_err(temp_err)?;
                let mut left = *len;
                let mut buf = Vec::with_capacity(*block);
                while left > 0 {
                    buf.clear();
                    while buf.len() < *block && left > 0 {
                        match Record::read(&mut reader).map_err(temp_err)? {
                            Some(r) => buf.push(r),
                            None => {
                                return Err(Error::Usage(
                                    "co-occurrence temp file ended early".into(),
                                ));
                            }
                        }
                        left -= 1;
                    }
                    f(&mut buf)?;
                }
                Ok(())
            }
        }
    }

    /// Calls `f` with blocks of records, each shuffled (training order).
    pub fn for_each_block(
        &mut self,
        seed: u64,
        mut f: impl FnMut(&[Record]) -> Result<()>,
    ) -> Result<()> {
        let mut rng = Rng::new(seed);
        self.for_each_stored_block(|block| {
            shuffle(block, &mut rng);
            f(block)
        })
    }
}

fn shuffle(v: &mut [Record], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// A sorted run of records: a spilled shard or a table still in memory.
enum Run {
    Memory(std::vec::IntoIter<Record>),
    File(BufReader<File>),
}

impl Run {
    fn next(&mut self) -> Result<Option<Record>> {
        match self {
            Run::Memory(it) => Ok(it.next()),
            Run::File(r) => Record::read(r).map_err(temp_err),
        }
    }
}

fn sorted(table: &mut HashMap<u64, f32>) -> Vec<Record> {
    let mut v: Vec<Record> = table.drain().map(|(k, x)| Record::from_key(k, x)).collect();
    v.sort_unstable_by_key(Record::key);
    v
}

fn spill(records: &[Record]) -> std::io::Result<File> {
    let mut file = tempfile::tempfile()?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, &mut file);
        for r in records {
            r.write(&mut w)?;
        }
        w.flush()?;
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// Counts co-occurrences of `stream`'s words within `window` on each side, weighted by
/// 1/distance, both orders (symmetric), in at most about `budget` bytes of memory.
pub fn count(
    stream: &TokenStream,
    window: usize,
    budget: usize,
    threads: usize,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Cooccurrences> {
    let threads = threads.max(1);
    let table_cap = (budget / threads / TABLE_ENTRY_BYTES).max(1024);
    let next_job = AtomicUsize::new(0);
    let shards: Mutex<Vec<File>> = Mutex::new(Vec::new());
    let jobs = stream.jobs();
    let tables: Vec<Result<Vec<Record>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<Record>> {
                    let mut table: HashMap<u64, f32> = HashMap::new();
                    let (mut raw, mut ids) = (Vec::new(), Vec::new());
                    loop {
                        cancel.check()?;
                        let job = next_job.fetch_add(1, Ordering::Relaxed);
                        if job >= jobs {
                            return Ok(sorted(&mut table));
                        }
                        stream.read_job(job, &mut raw, &mut ids).map_err(temp_err)?;
                        for doc in ids.split(|&id| id == DOC_END) {
                            add_document(&mut table, doc, window);
                        }
                        if table.len() > table_cap {
                            let file = spill(&sorted(&mut table)).map_err(temp_err)?;
                            table = HashMap::new();
                            shards
                                .lock()
                                .map_err(|_| Error::Internal("a counting thread panicked".into()))?
                                .push(file);
                        }
                        progress.report(&Report {
                            stage: "counting co-occurrences",
                            done: job as u64 + 1,
                            total: jobs as u64,
                            metrics: &[],
                        });
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Internal("a counting thread panicked".into())))
            })
            .collect()
    });
    progress.finish("counting co-occurrences");
    let mut runs = Vec::new();
    for t in tables {
        runs.push(Run::Memory(t?.into_iter()));
    }
    let shards = shards
        .into_inner()
        .map_err(|_| Error::Internal("a counting thread panicked".into()))?;
    for f in shards {
        runs.push(Run::File(BufReader::with_capacity(1 << 20, f)));
    }
    merge(runs, budget, cancel)
}

/// Adds one document's pairs to `table`.
fn add_document(table: &mut HashMap<u64, f32>, doc: &[u32], window: usize) {
    for (i, &a) in doc.iter().enumerate() {
        for (d, &b) in doc[i + 1..].iter().take(window).enumerate() {
            let w = 1.0 / (d + 1) as f32;
            *table.entry((a as u64) << 32 | b as u64).or_insert(0.0) += w;
            *table.entry((b as u64) << 32 | a as u64).or_insert(0.0) += w;
        }
    }
}

/// K-way merge of sorted runs, summing equal keys; in memory while under `budget`.
fn merge(mut runs: Vec<Run>, budget: usize, cancel: &Cancel) -> Result<Cooccurrences> {
    let mut heap = BinaryHeap::new();
    for (i, run) in runs.iter_mut().enumerate() {
        if let Some(r) = run.next()? {
            heap.push(std::cmp::Reverse((r.key(), i, r.x.to_bits())));
        }
    }
    let cap = (budget / RECORD_BYTES).max(1024);
    let mut memory: Vec<Record> = Vec::new();
    let mut file: Option<(BufWriter<File>, u64)> = None;
    let mut current: Option<Record> = None;
    let mut emitted = 0u64;
    let mut emit = |r: Record,
                    memory: &mut Vec<Record>,
                    file: &mut Option<(BufWriter<File>, u64)>|
     -> Result<()> {
        emitted += 1;
        if emitted.is_multiple_of(1 << 20) {
            cancel.check()?;
        }
        match file {
            Some((w, n)) => {
                r.write(w).map_err(temp_err)?;
                *n += 1;
            }
            None if memory.len() < cap => memory.push(r),
            None => {
                let mut w =
                    BufWriter::with_capacity(1 << 20, tempfile::tempfile().map_err(temp_err)?);
                for m in memory.drain(..).chain(std::iter::once(r)) {
                    m.write(&mut w).map_err(temp_err)?;
                }
                *file = Some((w, cap as u64 + 1));
                memory.shrink_to_fit();
            }
        }
        Ok(())
    };
    while let Some(std::cmp::Reverse((key, i, bits))) = heap.pop() {
        let x = f32::from_bits(bits);
        match &mut current {
            Some(c) if c.key() == key => c.x += x,
            _ => {
                if let Some(done) = current.take() {
                    emit(done, &mut memory, &mut file)?;
                }
                current = Some(Record::from_key(key, x));
            }
        }
        if let Some(r) = runs[i].next()? {
            heap.push(std::cmp::Reverse((r.key(), i, r.x.to_bits())));
        }
    }
    if let Some(done) = current.take() {
        emit(done, &mut memory, &mut file)?;
    }
    match file {
        None => Ok(Cooccurrences::Memory(memory)),
        Some((w, len)) => {
            let file = w.into_inner().map_err(|e| temp_err(e.into_error()))?;
            Ok(Cooccurrences::File {
                file,
                len,
                block: cap,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::token_stream;
    use crate::progress::Silent as NoProgress;
    use crate::text::{TextSource, Tokenizer};

    fn stream_of(text: &str, budget: usize) -> (TokenStream, Vec<String>) {
        let tok = Tokenizer::default();
        let docs: Vec<String> = text.lines().map(str::to_string).collect();
        let src = [TextSource::Texts(&docs)];
        let scan = token_stream::scan(&src, &tok, budget, &NoProgress, &Cancel::default()).unwrap();
        let mut stream = scan.stream;
        let words: Vec<String> = scan.words.iter().map(|(w, _)| w.clone()).collect();
        stream.set_remap((0..words.len() as u32).map(Some).collect());
        (stream, words)
    }

    fn counts(c: &mut Cooccurrences, words: &[String]) -> Vec<(String, String, f32)> {
        c.to_vec()
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    words[r.a as usize].clone(),
                    words[r.b as usize].clone(),
                    r.x,
                )
            })
            .collect()
    }

    #[test]
    fn counts_match_a_hand_computation() {
        // "a b c a", window 2: a-b at 1 (1) and b-a at 2 (1/2); a-c at 2 (1/2) and c-a at 1
        // (1); b-c at 1 (1); the two a's are 3 apart, outside the window.
        let (stream, words) = stream_of("a b c a", 1 << 20);
        let mut c = count(&stream, 2, 1 << 20, 1, &NoProgress, &Cancel::default()).unwrap();
        let got = counts(&mut c, &words);
        let want = [
            ("a", "b", 1.5),
            ("a", "c", 1.5),
            ("b", "a", 1.5),
            ("b", "c", 1.0),
            ("c", "a", 1.5),
            ("c", "b", 1.0),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for ((ga, gb, gx), (wa, wb, wx)) in got.iter().zip(want) {
            assert_eq!((ga.as_str(), gb.as_str()), (wa, wb));
            assert!((gx - wx).abs() < 1e-6, "{ga} {gb}: {gx} vs {wx}");
        }
    }

    #[test]
    fn spilled_shards_merge_to_the_in_memory_counts() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/datasets/enwiki-sample.txt"
        ))
        .unwrap();
        let text: String = text.lines().take(300).collect::<Vec<_>>().join("\n");
        let (stream, _) = stream_of(&text, 1 << 20);
        let mut whole = count(&stream, 5, 1 << 30, 2, &NoProgress, &Cancel::default()).unwrap();
        // A budget far below the table: many shards, and the merged records on disk.
        let mut spilled = count(&stream, 5, 64 << 10, 2, &NoProgress, &Cancel::default()).unwrap();
        assert!(!whole.is_spilled() && spilled.is_spilled());
        let (a, b) = (whole.to_vec().unwrap(), spilled.to_vec().unwrap());
        assert!(a.len() > 10_000, "{}", a.len());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((x.a, x.b), (y.a, y.b));
            assert!((x.x - y.x).abs() <= 1e-4 * x.x.max(1.0), "{x:?} {y:?}");
        }
    }
}
