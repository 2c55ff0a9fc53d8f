//! What an index folder holds and how its parts name each other: the tantivy schema, the
//! metadata beside it (`meta.json`), and the table from wordlens's document numbers to
//! tantivy's addresses, which changes with every commit and merge.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DocAddress, Searcher};

use super::analyzer;
use super::fusion::{Calibrated, FusionSetting};
use crate::docvec::DocVectorizer;
use crate::docvec::encoder::EncoderKind;
use crate::error::{Error, Result};
use crate::text::passages::PassageConfig;
use crate::text::{Document, TokenizerConfig};

/// What is stored beside the tantivy index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Meta {
    pub version: u32,
    #[serde(deserialize_with = "crate::text::saved_config")]
    pub tokenizer: TokenizerConfig,
    pub docvec: DocVectorizer,
    pub documents: Vec<DocInfo>,
    /// Documents covered by the approximate index (`ann.bin`); later ones are searched exactly.
    #[serde(default)]
    pub ann_docs: Option<usize>,
    /// What made the vectors: word vectors (`embeddings.bin`), a static model (`static/`) or
    /// an encoder (`contextual/`), as `Encoder::save` stored it.
    #[serde(default)]
    pub encoder: EncoderKind,
    /// The fusion setting `eval-search --tune` chose from judgments (None: the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuned: Option<FusionSetting>,
    /// The fusion chosen on pseudo-queries from the collection when it was built (None:
    /// built before, or `[search] calibrate` off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated: Option<Calibrated>,
    /// The language guessed from the first documents ("" in indexes built before).
    #[serde(default)]
    pub language: String,
    /// How long documents were cut into passages (never, in indexes built before).
    #[serde(default = "whole_documents")]
    pub passages: PassageConfig,
}

fn whole_documents() -> PassageConfig {
    PassageConfig::WHOLE
}

/// What the index keeps of each document besides its text: shown with every hit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocInfo {
    /// The document's id (the id column, or its row number).
    pub id: String,
    /// The title column's value, when there is one.
    pub title: Option<String>,
    /// The label column's value, when there is one.
    pub label: Option<String>,
    /// Which passage of its document this entry is (None: the whole document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passage: Option<PassageOf>,
}

/// An entry that is one passage of a longer document. A document's passages are numbered
/// one after another, so its first is `number - part` and its last `number - part + parts - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageOf {
    /// 0-based position among the document's passages.
    pub part: u32,
    /// How many passages the document has.
    pub parts: u32,
    /// The 1-based line of the document the passage starts on.
    pub line: u32,
    /// The byte of the document the passage starts at (the document's text is rebuilt from
    /// its passages without their overlaps).
    #[serde(default)]
    pub start: u64,
}

pub(super) const META_VERSION: u32 = 2;

impl DocInfo {
    /// Whether this entry is a whole document or its first passage (the number a document is
    /// known by).
    pub fn starts_document(&self) -> bool {
        self.passage.is_none_or(|p| p.part == 0)
    }

    pub(super) fn of(d: &Document) -> Self {
        Self {
            id: d.id.clone(),
            title: d.title.clone(),
            label: d.label.clone(),
            passage: None,
        }
    }
}

pub(super) struct Fields {
    pub id: Field,
    pub title: Field,
    pub text: Field,
    pub label: Field,
    pub ord: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer::NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_opts = TextOptions::default()
        .set_indexing_options(indexing)
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        label: b.add_text_field("label", STRING | STORED),
        ord: b.add_u64_field("ord", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

pub(super) fn tantivy_error(dir: &Path) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| match e {
        tantivy::TantivyError::LockFailure(..) => Error::Usage(format!(
            "{}: the index is locked by another writer ({e})",
            dir.display()
        )),
        other => Error::in_file(dir, format!("search index: {other}")),
    }
}

/// Where each document number lives in tantivy (None: deleted, or not there), and tantivy
/// documents whose number the metadata does not know (orphans of a crash during `add`).
pub(super) fn addresses(
    searcher: &Searcher,
    documents: usize,
    dir: &Path,
) -> Result<(Vec<Option<DocAddress>>, Vec<u64>)> {
    let mut addresses = vec![None; documents];
    let mut orphans = Vec::new();
    for (seg_ord, seg) in searcher.segment_readers().iter().enumerate() {
        let ords = seg.fast_fields().u64("ord").map_err(tantivy_error(dir))?;
        for doc in seg.doc_ids_alive() {
            match ords.first(doc) {
                Some(o) if (o as usize) < documents => {
                    addresses[o as usize] = Some(DocAddress::new(seg_ord as u32, doc))
                }
                Some(o) => orphans.push(o),
                None => {}
            }
        }
    }
    Ok((addresses, orphans))
}

/// Writes the metadata as JSON straight into the file, atomically.
pub(super) fn write_meta(path: &Path, meta: &Meta) -> Result<()> {
    crate::fsutil::atomic_write(path, |w| {
        serde_json::to_writer(w, meta).map_err(std::io::Error::other)
    })
}
