//! Feeding documents into an index as they are read. Tantivy gets each document (its writer
//! keeps a bounded buffer and flushes segments to disk); the document vectors are computed a
//! batch at a time in parallel and streamed to their file. Only each document's id, title and
//! label stay in memory — never the texts, tokens or vectors — so a corpus larger than memory
//! can be indexed.

use std::path::Path;

use tantivy::{IndexWriter, TantivyDocument};

use super::schema::{DocInfo, Fields, PassageOf, tantivy_error};
use super::vectors::DocVectorWriter;
use crate::docvec::DocVectorizer;
use crate::docvec::encoder::Encoder;
use crate::error::Result;
use crate::kernels::normalize;
use crate::progress::{Cancel, Progress, Report};
use crate::text::passages::{self, PassageConfig};
use crate::text::{CorpusReader, Document, Tokenizer};

/// Documents per batch, and the text size that ends a batch early (long documents).
const BATCH_DOCS: usize = 1024;
const BATCH_BYTES: usize = 16 << 20;

/// Where documents to index come from.
pub trait DocumentSource {
    /// The next document; None at the end.
    fn next_document(&mut self) -> Option<Result<Document>>;
    /// (done, total) for progress: bytes of a file, or documents of a list.
    fn position(&self) -> (u64, u64);
    /// The file read, for messages.
    fn path(&self) -> Option<&Path> {
        None
    }
    /// What a folder's read left out, once it is over.
    fn skipped(&self) -> Option<String> {
        None
    }
}

impl DocumentSource for CorpusReader {
    fn next_document(&mut self) -> Option<Result<Document>> {
        self.next()
    }
    fn position(&self) -> (u64, u64) {
        CorpusReader::position(self)
    }
    fn path(&self) -> Option<&Path> {
        Some(CorpusReader::path(self))
    }
    fn skipped(&self) -> Option<String> {
        self.skipped_summary()
    }
}

/// Appends documents from `source` to `batch` until it holds `docs` of them, their texts reach
/// `bytes`, or the source ends.
fn read_batch(
    source: &mut dyn DocumentSource,
    batch: &mut Vec<Document>,
    docs: usize,
    bytes: usize,
) -> Result<()> {
    let mut size = 0;
    while batch.len() < docs && size < bytes {
        match source.next_document() {
            Some(doc) => {
                let doc = doc?;
                size += doc.text.len();
                batch.push(doc);
            }
            None => break,
        }
    }
    Ok(())
}

/// A source whose first documents are read ahead (to fit the pooling on them) and then
/// handed out first, followed by the rest as they come.
pub struct Prefetched<'a> {
    buffered: Vec<Document>,
    next: usize,
    rest: &'a mut dyn DocumentSource,
}

impl<'a> Prefetched<'a> {
    /// Reads up to `docs` documents or `bytes` of text from `rest` ahead.
    pub fn new(rest: &'a mut dyn DocumentSource, docs: usize, bytes: usize) -> Result<Self> {
        let mut buffered = Vec::new();
        read_batch(rest, &mut buffered, docs, bytes)?;
        Ok(Self {
            buffered,
            next: 0,
            rest,
        })
    }

    /// Reads more ahead, up to `docs` documents or `bytes` of text in all (before any
    /// document was handed out).
    pub fn read_ahead(&mut self, docs: usize, bytes: usize) -> Result<()> {
        let have: usize = self.buffered.iter().map(|d| d.text.len()).sum();
        if self.next > 0 || self.buffered.len() >= docs || have >= bytes {
            return Ok(());
        }
        let mut more = Vec::new();
        read_batch(
            self.rest,
            &mut more,
            docs - self.buffered.len(),
            bytes - have,
        )?;
        self.buffered.extend(more);
        Ok(())
    }

    /// The documents read ahead.
    pub fn buffered(&self) -> &[Document] {
        &self.buffered
    }
}

impl DocumentSource for Prefetched<'_> {
    fn next_document(&mut self) -> Option<Result<Document>> {
        match self.buffered.get_mut(self.next) {
            Some(doc) => {
                self.next += 1;
                Some(Ok(std::mem::take(doc)))
            }
            None => self.rest.next_document(),
        }
    }
    fn position(&self) -> (u64, u64) {
        self.rest.position()
    }
    fn path(&self) -> Option<&Path> {
        self.rest.path()
    }
    fn skipped(&self) -> Option<String> {
        self.rest.skipped()
    }
}

/// Documents already in memory.
pub struct DocumentList<'a> {
    docs: &'a [Document],
    next: usize,
}

impl<'a> DocumentList<'a> {
    /// The documents `docs`, handed to the indexer in order.
    pub fn new(docs: &'a [Document]) -> Self {
        Self { docs, next: 0 }
    }
}

impl DocumentSource for DocumentList<'_> {
    fn next_document(&mut self) -> Option<Result<Document>> {
        let d = self.docs.get(self.next)?.clone();
        self.next += 1;
        Some(Ok(d))
    }
    fn position(&self) -> (u64, u64) {
        (self.next as u64, self.docs.len() as u64)
    }
}

/// Where ingested documents go: tantivy's writer (with the schema's fields) and the
/// document-vector file, both in the index folder `dir` (named in errors).
pub(super) struct Destination<'a> {
    pub writer: &'a mut IndexWriter,
    pub fields: &'a Fields,
    pub vectors: &'a mut DocVectorWriter,
    pub dir: &'a Path,
}

/// How a document's text becomes its vector: the index's tokenizer and pooling, and the
/// encoder (word vectors or a static model).
#[derive(Clone, Copy)]
pub(super) struct Vectorizing<'a> {
    pub tokenizer: &'a Tokenizer,
    pub docvec: &'a DocVectorizer,
    pub encoder: &'a Encoder,
    /// How long documents are cut into passages, each searched (and embedded) on its own.
    pub passages: &'a PassageConfig,
}

/// The units a document is indexed as: itself, or its passages (id, title and label shared).
fn units(d: Document, how: &Vectorizing<'_>) -> Vec<(Document, DocInfo)> {
    let cuts = passages::split(&d.text, how.tokenizer, how.passages);
    if cuts.len() <= 1 {
        let info = DocInfo::of(&d);
        return vec![(d, info)];
    }
    let parts = cuts.len() as u32;
    cuts.into_iter()
        .enumerate()
        .map(|(part, cut)| {
            let start = cut.range.start as u64;
            let unit = Document {
                text: d.text[cut.range].to_string(),
                ..d.clone()
            };
            let mut info = DocInfo::of(&unit);
            info.passage = Some(PassageOf {
                part: part as u32,
                parts,
                line: cut.line,
                start,
            });
            (unit, info)
        })
        .collect()
}

/// Adds every document of `source` to `to`, numbered from `first_ord`, and commits; the
/// documents' vectors go to the vector file in the same order. Returns each document's entry.
pub(super) fn ingest(
    to: Destination<'_>,
    how: Vectorizing<'_>,
    source: &mut dyn DocumentSource,
    first_ord: u64,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Vec<DocInfo>> {
    let Destination {
        writer,
        fields,
        vectors,
        dir,
    } = to;
    let mut documents = Vec::new();
    let batch_docs = if matches!(how.encoder, Encoder::Contextual(_)) {
        crate::docvec::export::TRANSFORMER_BATCH
    } else {
        BATCH_DOCS
    };
    let mut batch: Vec<Document> = Vec::with_capacity(batch_docs);
    loop {
        batch.clear();
        read_batch(source, &mut batch, batch_docs, BATCH_BYTES)?;
        if batch.is_empty() {
            break;
        }
        cancel.check()?;
        let batch: Vec<Document> = batch
            .drain(..)
            .flat_map(|d| units(d, &how))
            .map(|(d, info)| {
                documents.push(info);
                d
            })
            .collect();
        for (i, d) in batch.iter().enumerate() {
            let ord = first_ord + (documents.len() - batch.len() + i) as u64;
            writer
                .add_document(make_doc(fields, d, ord))
                .map_err(tantivy_error(dir))?;
        }
        let texts: Vec<&str> = batch.iter().map(|d| d.text.as_str()).collect();
        let mut batch_vectors = how.encoder.vectors(&texts, how.docvec, how.tokenizer);
        // Cosine search needs unit length; the index's docvec already normalises word vectors.
        if how.encoder.reads_text() {
            batch_vectors.iter_mut().for_each(|v| normalize(v));
        }
        for v in &batch_vectors {
            vectors.push(v)?;
        }
        let (done, total) = source.position();
        progress.report(&Report {
            stage: "indexing",
            done,
            total,
            metrics: &[("documents", documents.len() as f64)],
        });
    }
    cancel.check()?;
    writer.commit().map_err(tantivy_error(dir))?;
    progress.finish("indexing");
    if let Some(note) = source.skipped() {
        progress.note(&note);
    }
    Ok(documents)
}

fn make_doc(f: &Fields, d: &Document, ord: u64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &d.id);
    if let Some(t) = &d.title {
        doc.add_text(f.title, t);
    }
    doc.add_text(f.text, &d.text);
    if let Some(l) = &d.label {
        doc.add_text(f.label, l);
    }
    doc.add_u64(f.ord, ord);
    doc
}
