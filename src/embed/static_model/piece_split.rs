//! Ids-only tokenization of WordPiece and Unigram `tokenizer.json` files: the file's
//! normalizer, its pre-tokenizer (BERT's for WordPiece; `Metaspace` or none for Unigram) and
//! our own model, without the `tokenizers` crate's per-token strings and offsets. A
//! configuration this does not reproduce is left to the crate's pipeline, and `describe` says
//! which way a model goes. Texts holding an added token's text (`[CLS]`, `<unk>`) take the
//! crate's pipeline too, since it splits them off first.

use std::cell::RefCell;
use std::path::Path;

use serde_json::Value;

use super::normalizer::{self, Normalizer};
use super::tokenizer_file::TokenizerFile;
use super::unigram::Unigram;
use super::word_cache::WordCache;
use super::wordpiece::WordPiece;
use crate::error::Result;

pub(super) struct PieceSplit {
    normalizer: Normalizer,
    model: Model,
    /// Added tokens' texts as they appear in raw text, and (for `normalized` ones) as they
    /// appear after the normalizer.
    raw_added: Vec<String>,
    /// The first bytes of `raw_added`, so that most texts are cleared in one pass.
    raw_starts: [bool; 256],
    normalized_added: Vec<String>,
    pub max_tokens: Option<usize>,
}

enum Model {
    WordPiece(WordPiece),
    Unigram {
        model: Unigram,
        metaspace: Option<Metaspace>,
        /// Ids of pieces already run through Viterbi.
        cache: WordCache,
    },
}

/// SentencePiece's pre-tokenizer: spaces become `▁`, a `▁` goes in front, and (with `split`)
/// the text is cut before every `▁`.
struct Metaspace {
    replacement: char,
    prepend: bool,
    split: bool,
}

thread_local! {
    /// The normalized text, kept between calls to spare an allocation per text.
    static NORMALIZED: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
}

impl PieceSplit {
    /// Our own tokenization of `file`, when its model, normalizer and pre-tokenizer are ones we
    /// reproduce; Ok(None) leaves it to the crate.
    pub fn detect(path: &Path, file: &TokenizerFile) -> Result<Option<Self>> {
        let Some(normalizer) = Normalizer::from_json(&file.normalizer) else {
            return Ok(None);
        };
        let model = match file.model.kind.as_deref() {
            Some("WordPiece") if is_type(&file.pre_tokenizer, "BertPreTokenizer") => {
                match WordPiece::from_model(path, &file.model)? {
                    Some(m) => Model::WordPiece(m),
                    None => return Ok(None),
                }
            }
            Some("Unigram") => {
                // Read first, whatever the pre-tokenizer: its checks guard the crate too.
                let Some(model) = Unigram::from_model(path, &file.model)? else {
                    return Ok(None);
                };
                let Some(metaspace) = Metaspace::from_json(&file.pre_tokenizer, &normalizer) else {
                    return Ok(None);
                };
                Model::Unigram {
                    model,
                    metaspace,
                    cache: WordCache::new(),
                }
            }
            _ => return Ok(None),
        };
        let raw_added: Vec<String> = file
            .added_tokens
            .iter()
            .map(|a| a.content.clone())
            .collect();
        let mut raw_starts = [false; 256];
        for a in &raw_added {
            match a.as_bytes().first() {
                Some(&b) => raw_starts[b as usize] = true,
                // An empty added token is found in every text: the crate takes them all.
                None => raw_starts = [true; 256],
            }
        }
        let mut normalized_added = Vec::new();
        for a in file.added_tokens.iter().filter(|a| a.normalized) {
            let mut n = String::new();
            if !normalizer.apply(&a.content, &mut n) {
                return Ok(None);
            }
            normalized_added.push(n);
        }
        Ok(Some(Self {
            normalizer,
            model,
            raw_added,
            raw_starts,
            normalized_added,
            max_tokens: None,
        }))
    }

    /// Whether `text` holds an added token's text: one pass over the bytes, looking further
    /// only where one of their first bytes is.
    fn holds_added(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.iter().enumerate().any(|(i, &b)| {
            self.raw_starts[b as usize]
                && self
                    .raw_added
                    .iter()
                    .any(|a| bytes[i..].starts_with(a.as_bytes()))
        })
    }

    /// The model family, for `describe`.
    pub fn family(&self) -> &'static str {
        match self.model {
            Model::WordPiece(_) => "WordPiece",
            Model::Unigram { .. } => "Unigram",
        }
    }

    /// The model's vocabulary, token → id.
    pub fn vocab(&self) -> Box<dyn Iterator<Item = (&str, u32)> + '_> {
        match &self.model {
            Model::WordPiece(m) => Box::new(m.vocab()),
            Model::Unigram { model, .. } => Box::new(model.vocab()),
        }
    }

    /// The id of `token` in the model's vocabulary.
    pub fn id(&self, token: &str) -> Option<u32> {
        match &self.model {
            Model::WordPiece(m) => m.id(token),
            Model::Unigram { model, .. } => model.id(token),
        }
    }

    /// Distinct tokens in the model's vocabulary.
    pub fn len(&self) -> usize {
        match &self.model {
            Model::WordPiece(m) => m.len(),
            Model::Unigram { model, .. } => model.len(),
        }
    }

    /// The ids of `text`, or None to take the crate's pipeline.
    pub fn ids(&self, text: &str) -> Option<Vec<u32>> {
        if self.holds_added(text) {
            return None;
        }
        let mut ids = Vec::with_capacity(text.len() / 4 + 1);
        NORMALIZED.with_borrow_mut(|(normalized, scratch)| {
            // BERT's normalizer has a fast path of its own.
            if let Some(flags) = self.normalizer.bert_only() {
                normalizer::bert(flags, text, normalized);
            } else if !self.normalizer.apply(text, normalized) {
                return None;
            }
            if self
                .normalized_added
                .iter()
                .any(|a| normalized.contains(a.as_str()))
            {
                return None;
            }
            match &self.model {
                Model::WordPiece(wp) => wp.tokenize_text(normalized, &mut ids),
                Model::Unigram {
                    model,
                    metaspace,
                    cache,
                } => {
                    let pieces = match metaspace {
                        Some(m) => m.apply(normalized, scratch),
                        None => normalized,
                    };
                    for_each_piece(metaspace.as_ref(), pieces, |piece| {
                        cache.extend(piece, &mut ids, |p, out| {
                            model.tokenize(p, out);
                            Some(())
                        })
                    })?;
                }
            }
            Some(())
        })?;
        if let Some(max) = self.max_tokens {
            ids.truncate(max);
        }
        Some(ids)
    }
}

/// Calls `f` on each piece Metaspace cuts `text` into (the whole text without `split`).
fn for_each_piece(
    metaspace: Option<&Metaspace>,
    text: &str,
    mut f: impl FnMut(&str) -> Option<()>,
) -> Option<()> {
    let Some(m) = metaspace.filter(|m| m.split) else {
        return if text.is_empty() { Some(()) } else { f(text) };
    };
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == m.replacement && i > start {
            f(&text[start..i])?;
            start = i;
        }
    }
    if start < text.len() {
        f(&text[start..])?;
    }
    Some(())
}

fn is_type(json: &Value, kind: &str) -> bool {
    json.get("type").and_then(Value::as_str) == Some(kind)
}

impl Metaspace {
    /// Some(None) for no pre-tokenizer, Some(Some(m)) for a Metaspace we reproduce, None for
    /// anything else. `first` (prepend only to the text's first piece) is the same as `always`
    /// here, where added tokens never split the text, unless a step of the normalizer could move
    /// the text's start.
    fn from_json(json: &Value, normalizer: &Normalizer) -> Option<Option<Self>> {
        if json.is_null() {
            return Some(None);
        }
        if !is_type(json, "Metaspace") {
            return None;
        }
        let mut chars = json.get("replacement")?.as_str()?.chars();
        let (Some(replacement), None) = (chars.next(), chars.next()) else {
            return None;
        };
        let scheme = json
            .get("prepend_scheme")
            .and_then(Value::as_str)
            .unwrap_or("always");
        let prepend = match scheme {
            "always" => true,
            "never" => false,
            "first" if normalizer.keeps_start() => true,
            _ => return None,
        };
        let prepend =
            prepend && json.get("add_prefix_space").and_then(Value::as_bool) != Some(false);
        let split = json.get("split").and_then(Value::as_bool).unwrap_or(true);
        Some(Some(Self {
            replacement,
            prepend,
            split,
        }))
    }

    /// `text` with spaces as the replacement and the replacement in front, in `out`.
    fn apply<'a>(&self, text: &str, out: &'a mut String) -> &'a str {
        out.clear();
        if text.is_empty() {
            return out;
        }
        // The crate replaces spaces first, then prepends unless the text starts with one.
        if self.prepend && !text.starts_with([' ', self.replacement]) {
            out.push(self.replacement);
        }
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                out.push(self.replacement);
            }
            out.push_str(part);
        }
        out
    }
}
