//! The distilled model's vocabulary and tokenizer: the encoder's WordPiece vocabulary without
//! its special tokens (padding and unknown stay) and `[unusedN]` placeholders, renumbered, plus
//! words of the user's corpus; the `tokenizer.json` rewritten to match (no post-processor: a
//! static model adds no `[CLS]`/`[SEP]`). Each entry's encoder input is `[CLS] token [SEP]`
//! with the encoder's own ids, or for an added word its full tokenization.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use super::super::ContextualModel;
use crate::error::{Error, Result};
use crate::progress::Cancel;
use crate::text::{CorpusReader, CorpusSpec};

pub struct Vocabulary {
    /// What the encoder reads for each entry, in the new id order.
    pub inputs: Vec<Vec<u32>>,
    /// The rewritten `tokenizer.json`.
    pub tokenizer_json: Vec<u8>,
    pub kept_tokens: usize,
    pub added_words: usize,
}

impl Vocabulary {
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    // Over 80 lines: model2vec's vocabulary rules applied in its order (tokens, corpus words,
    // filtering) so the two can be compared line by line.
    pub fn build(
        encoder: &ContextualModel,
        vocab_from: &[PathBuf],
        min_count: usize,
        cancel: &Cancel,
    ) -> Result<Self> {
        let path = &encoder.layout.tokenizer;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut json: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::in_file(path, format!("invalid tokenizer.json: {e}")))?;
        let model = &json["model"];
        if model["type"] != "WordPiece" {
            return Err(Error::in_file(
                path,
                format!(
                    "a {} tokenizer: distill reads WordPiece (BERT) tokenizers",
                    model["type"]
                ),
            ));
        }
        let vocab = model["vocab"]
            .as_object()
            .ok_or_else(|| Error::in_file(path, "model.vocab is not a map of tokens to ids"))?;
        let mut by_id: Vec<(u32, String)> = vocab
            .iter()
            .filter_map(|(t, id)| Some((u32::try_from(id.as_u64()?).ok()?, t.clone())))
            .collect();
        by_id.sort();
        let unk = model["unk_token"].as_str().unwrap_or("[UNK]").to_string();
        let pad = json["padding"]["pad_token"]
            .as_str()
            .unwrap_or("[PAD]")
            .to_string();
        let special: Vec<String> = json["added_tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["special"].as_bool() == Some(true))
            .filter_map(|t| t["content"].as_str().map(str::to_string))
            .filter(|t| *t != unk && *t != pad)
            .collect();
        let (prefix, suffix) = specials_around(&json, path)?;
        let mut new_vocab = serde_json::Map::new();
        let mut inputs = Vec::new();
        for (id, token) in &by_id {
            if special.contains(token) || is_unused(token) {
                continue;
            }
            new_vocab.insert(token.clone(), Value::from(inputs.len()));
            inputs.push([prefix.as_slice(), &[*id], suffix.as_slice()].concat());
        }
        let kept_tokens = inputs.len();
        if kept_tokens == 0 {
            return Err(Error::in_file(
                path,
                "no token left once special tokens are removed",
            ));
        }
        for word in corpus_words(encoder, vocab_from, min_count, cancel)? {
            if new_vocab.contains_key(&word) {
                continue;
            }
            let ids = encoder.token_ids(&word);
            new_vocab.insert(word, Value::from(inputs.len()));
            inputs.push(ids);
        }
        let added_words = inputs.len() - kept_tokens;
        json["model"]["vocab"] = Value::Object(new_vocab.clone());
        if let Some(added) = json["added_tokens"].as_array_mut() {
            added.retain(|t| {
                t["content"]
                    .as_str()
                    .is_some_and(|c| new_vocab.contains_key(c))
            });
            for t in added.iter_mut() {
                let id = t["content"]
                    .as_str()
                    .and_then(|c| new_vocab.get(c))
                    .cloned();
                t["id"] = id.unwrap_or(Value::Null);
            }
        }
        json["post_processor"] = Value::Null;
        json["padding"] = Value::Null;
        json["truncation"] = Value::Null;
        let tokenizer_json = serde_json::to_vec(&json)
            .map_err(|e| Error::Internal(format!("cannot write tokenizer.json: {e}")))?;
        Ok(Self {
            inputs,
            tokenizer_json,
            kept_tokens,
            added_words,
        })
    }
}

/// BERT's `[unused0]` … placeholders (model2vec's default removal pattern `\[unused\d+\]`).
fn is_unused(token: &str) -> bool {
    token
        .strip_prefix("[unused")
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The ids the post-processor puts before and after a single text.
fn specials_around(json: &Value, path: &std::path::Path) -> Result<(Vec<u32>, Vec<u32>)> {
    let pp = &json["post_processor"];
    let id_of = |pair: &Value| pair.get(1).and_then(Value::as_u64).map(|i| i as u32);
    match pp["type"].as_str() {
        None => Ok((Vec::new(), Vec::new())),
        Some("BertProcessing" | "RobertaProcessing") => Ok((
            id_of(&pp["cls"]).into_iter().collect(),
            id_of(&pp["sep"]).into_iter().collect(),
        )),
        Some("TemplateProcessing") => {
            let ids_of = |name: &str| -> Vec<u32> {
                pp["special_tokens"][name]["ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.as_u64().map(|i| i as u32))
                    .collect()
            };
            let (mut before, mut after, mut seen) = (Vec::new(), Vec::new(), false);
            for piece in pp["single"].as_array().into_iter().flatten() {
                if piece.get("Sequence").is_some() {
                    seen = true;
                } else if let Some(name) = piece["SpecialToken"]["id"].as_str() {
                    if seen { &mut after } else { &mut before }.extend(ids_of(name));
                }
            }
            Ok((before, after))
        }
        Some(other) => Err(Error::in_file(
            path,
            format!("post-processor {other}: distill reads BERT's, RoBERTa's or a template"),
        )),
    }
}

/// Words of `files` as the encoder's tokenizer splits text into words (its normaliser and
/// pre-tokenizer), seen at least `min_count` times, most frequent first.
fn corpus_words(
    encoder: &ContextualModel,
    files: &[PathBuf],
    min_count: usize,
    cancel: &Cancel,
) -> Result<Vec<String>> {
    use tokenizers::{NormalizedString, Normalizer, PreTokenizedString, PreTokenizer};
    let tk = encoder.tokenizer();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for file in files {
        for doc in CorpusReader::open(&CorpusSpec::new(file.clone()))? {
            cancel.check()?;
            let mut normalized = NormalizedString::from(doc?.text.as_str());
            if let Some(n) = tk.get_normalizer() {
                n.normalize(&mut normalized)
                    .map_err(|e| Error::Internal(e.to_string()))?;
            }
            let mut pre = PreTokenizedString::from(normalized);
            if let Some(p) = tk.get_pre_tokenizer() {
                p.pre_tokenize(&mut pre)
                    .map_err(|e| Error::Internal(e.to_string()))?;
            }
            for (word, _, _) in pre.get_splits(
                tokenizers::OffsetReferential::Normalized,
                tokenizers::OffsetType::Char,
            ) {
                *counts.entry(word.to_string()).or_default() += 1;
            }
        }
    }
    let mut words: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(_, c)| *c >= min_count)
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(words.into_iter().map(|(w, _)| w).collect())
}
