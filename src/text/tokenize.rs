//! The one tokenizer every feature shares (training, bag-of-words, search).
//!
//! Words are found with Unicode word boundaries (UAX #29), lowercased, and then split again at
//! the punctuation that UAX #29 allows inside a word (`u.s` → `u`, `s`; `3,000` → `3`, `000`;
//! `snake_case` → `snake`, `case`) so that the tokens match the peers' regex
//! `[^\W_]+(?:'[^\W_]+)*`. Apostrophes inside words are kept (`don't`), with the typographic
//! apostrophe ’ normalised to '.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use super::segment::{self, Dictionaries, Segmenter, UserDictionary};

/// Tokenizer settings; saved inside every model so prediction tokenizes like training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenizerConfig {
    /// Lowercase every token.
    pub lowercase: bool,
    /// Drop tokens shorter than this many characters.
    pub min_len: usize,
    /// Tokens dropped after lowercasing.
    pub stop_words: Vec<String>,
    /// Snowball stemmer applied to every token ("english", "french", ...); empty: none.
    pub stem: String,
    /// How words are found in scripts written without spaces (see `text::segment`).
    pub segmenter: Segmenter,
    /// A jieba user dictionary (`word [freq] [tag]` lines) added to the bundled one; empty: none.
    pub user_dict: String,
    /// The SHA-256 of `user_dict` that an index or model was built with, so a changed file is
    /// refused instead of silently tokenizing queries differently. Empty in `config.toml`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user_dict_sha256: String,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            lowercase: true,
            min_len: 1,
            stop_words: Vec::new(),
            stem: String::new(),
            segmenter: Segmenter::Auto,
            user_dict: String::new(),
            user_dict_sha256: String::new(),
        }
    }
}

/// The Snowball stemmers, by the name `tokenizer.stem` takes.
const STEMMERS: [(&str, Algorithm); 18] = [
    ("arabic", Algorithm::Arabic),
    ("danish", Algorithm::Danish),
    ("dutch", Algorithm::Dutch),
    ("english", Algorithm::English),
    ("finnish", Algorithm::Finnish),
    ("french", Algorithm::French),
    ("german", Algorithm::German),
    ("greek", Algorithm::Greek),
    ("hungarian", Algorithm::Hungarian),
    ("italian", Algorithm::Italian),
    ("norwegian", Algorithm::Norwegian),
    ("portuguese", Algorithm::Portuguese),
    ("romanian", Algorithm::Romanian),
    ("russian", Algorithm::Russian),
    ("spanish", Algorithm::Spanish),
    ("swedish", Algorithm::Swedish),
    ("tamil", Algorithm::Tamil),
    ("turkish", Algorithm::Turkish),
];

fn stemmer(name: &str) -> Option<Algorithm> {
    STEMMERS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|s| s.1)
}

impl TokenizerConfig {
    /// Errors naming the `tokenizer` key of a bad setting.
    pub fn validate(&self) -> crate::Result<()> {
        if !self.stem.is_empty() && stemmer(&self.stem).is_none() {
            let names: Vec<&str> = STEMMERS.iter().map(|s| s.0).collect();
            return Err(crate::Error::config(
                "tokenizer.stem",
                format!(
                    "unknown language {:?}; one of {}",
                    self.stem,
                    names.join(", ")
                ),
            ));
        }
        if !self.user_dict.is_empty() {
            self.user_dictionary()?;
        }
        Ok(())
    }

    /// The user dictionary, read and checked against the hash an index or model recorded.
    fn user_dictionary(&self) -> crate::Result<Option<UserDictionary>> {
        if self.user_dict.is_empty() {
            return Ok(None);
        }
        let dict = UserDictionary::read(std::path::Path::new(&self.user_dict))?;
        if !self.user_dict_sha256.is_empty() && dict.sha256 != self.user_dict_sha256 {
            return Err(crate::Error::in_file(
                &dict.path,
                format!(
                    "this user dictionary changed since the index or model was built (sha256 {} then, {} now); \
                     rebuild it, or restore the file it was built with",
                    self.user_dict_sha256, dict.sha256
                ),
            ));
        }
        Ok(Some(dict))
    }

    /// This config as an index or model records it: with the user dictionary's hash, so a
    /// later change to the file is caught.
    pub fn pinned(&self) -> crate::Result<Self> {
        let mut pinned = self.clone();
        if let Some(dict) = self.user_dictionary()? {
            pinned.user_dict_sha256 = dict.sha256;
        }
        Ok(pinned)
    }

    /// Refuses to read or extend an artifact built with `saved` under this (the user's) config
    /// when the two would find different words. `what` names the artifact.
    pub fn check_same_words(&self, saved: &Self, what: &str) -> crate::Result<()> {
        if self.segmenter != saved.segmenter || self.user_dict != saved.user_dict {
            return Err(crate::Error::Usage(format!(
                "{what} was built with segmenter {:?}{}, not {:?}{}: its words would not match; \
                 rebuild it, or use the segmenter it was built with",
                saved.segmenter.name(),
                dict_note(&saved.user_dict),
                self.segmenter.name(),
                dict_note(&self.user_dict),
            )));
        }
        Ok(())
    }
}

fn dict_note(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" with user dictionary {path}")
    }
}

/// Reads a tokenizer config saved in an index or model. Files written before segmentation
/// existed carry no `segmenter`: they were tokenized by Unicode word boundaries, and keep it.
pub fn saved_config<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<TokenizerConfig, D::Error> {
    let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    map.entry("segmenter")
        .or_insert_with(|| serde_json::Value::String("unicode".into()));
    serde_json::from_value(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

/// The one tokenizer of the product: words by script (Unicode boundaries, or a dictionary for
/// scripts without spaces), lowercased, optional stop words and stemming.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    lowercase: bool,
    min_len: usize,
    stop_words: HashSet<String>,
    stem: Option<Algorithm>,
    segmenter: Segmenter,
    dictionaries: Dictionaries,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::with_dictionary(&TokenizerConfig::default(), None)
    }
}

/// Characters UAX #29 lets stand inside a word that we treat as separators (every
/// MidLetter, MidNum, MidNumLet and ExtendNumLet character except the apostrophes).
fn is_inner_separator(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ':'
            | ';'
            | '_'
            | '"'
            | '\u{00B7}'
            | '\u{0387}'
            | '\u{055F}'
            | '\u{05F4}'
            | '\u{060C}'
            | '\u{060D}'
            | '\u{066C}'
            | '\u{07F8}'
            | '\u{2018}'
            | '\u{2024}'
            | '\u{2027}'
            | '\u{203F}'
            | '\u{2040}'
            | '\u{2044}'
            | '\u{2054}'
            | '\u{FE10}'
            | '\u{FE13}'
            | '\u{FE14}'
            | '\u{FE33}'
            | '\u{FE34}'
            | '\u{FE4D}'
            | '\u{FE4E}'
            | '\u{FE4F}'
            | '\u{FE50}'
            | '\u{FE52}'
            | '\u{FE54}'
            | '\u{FE55}'
            | '\u{FF0C}'
            | '\u{FF0E}'
            | '\u{FF1A}'
            | '\u{FF1B}'
            | '\u{FF3F}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{FF07}')
}

impl Tokenizer {
    /// A tokenizer with `config`'s settings; fails when its user dictionary cannot be read or
    /// has changed since an index or model recorded it.
    pub fn new(config: &TokenizerConfig) -> crate::Result<Self> {
        let dict = config.user_dictionary()?;
        Ok(Self::with_dictionary(config, dict.as_ref()))
    }

    fn with_dictionary(config: &TokenizerConfig, dict: Option<&UserDictionary>) -> Self {
        let lowercase = config.lowercase;
        let stop_words = config
            .stop_words
            .iter()
            .map(|w| {
                if lowercase {
                    w.to_lowercase()
                } else {
                    w.clone()
                }
            })
            .collect();
        Self {
            lowercase,
            min_len: config.min_len,
            stop_words,
            stem: stemmer(&config.stem),
            segmenter: config.segmenter,
            dictionaries: Dictionaries::new(config.segmenter, dict),
        }
    }

    /// The segmenter this tokenizer finds words with.
    pub fn segmenter(&self) -> Segmenter {
        self.segmenter
    }

    /// Calls `emit(offset, word)` with each raw word of `text` (before lowercasing and the
    /// inner-punctuation split), as the segmenter finds them.
    fn for_each_word(&self, text: &str, mut emit: impl FnMut(usize, &str)) {
        match self.segmenter {
            Segmenter::Unicode => unicode_words(text, 0, &mut emit),
            Segmenter::Whitespace => whitespace_words(text, &mut emit),
            // UAX #29 words, until one starts with a letter of a dictionary script: from there,
            // the whole run goes to the segmenter. Checking each word's first byte (those
            // scripts start at U+0E00: a lead byte of 0xE0 or more, and 0xE2 is U+2000–U+2FFF,
            // punctuation only) keeps English at the cost of UAX #29 alone.
            _ => {
                let mut skip_to = 0;
                let mut japanese = None;
                for (start, word) in text.unicode_word_indices() {
                    if start < skip_to {
                        continue;
                    }
                    let lead = word.as_bytes().first().copied().unwrap_or(0);
                    let dictionary = lead >= 0xE0
                        && lead != 0xE2
                        && word.chars().next().is_some_and(segment::needs_segmenting);
                    if !dictionary {
                        emit(start, word);
                        continue;
                    }
                    let run = segment::run_at(text, start);
                    // Kana anywhere makes the text Japanese: its kanji-only runs too go to
                    // the Japanese dictionary, not to jieba's Chinese one.
                    let japanese = *japanese.get_or_insert_with(|| segment::has_kana(text));
                    self.dictionaries.segment(text, &run, japanese, &mut emit);
                    skip_to = run.range.end;
                }
            }
        }
    }

    /// Calls `emit` with each token of `text`, in order. The borrowed form avoids one
    /// allocation per token on the hot path of training.
    pub fn for_each_token(&self, text: &str, mut emit: impl FnMut(&str)) {
        self.for_each_token_span(text, |_, tok| emit(tok));
    }

    /// Like `for_each_token`, with each token's byte range in `text` (for highlighting).
    pub fn for_each_token_span(
        &self,
        text: &str,
        mut emit: impl FnMut(std::ops::Range<usize>, &str),
    ) {
        let mut buf = String::new();
        let stemmer = self.stem.map(Stemmer::create);
        self.for_each_word(text, |start, word| {
            for piece in word.split(is_inner_separator) {
                // Apostrophes may only stand between two word characters.
                let piece = piece.trim_matches(is_apostrophe);
                if piece.is_empty() {
                    continue;
                }
                let offset = start + (piece.as_ptr() as usize - word.as_ptr() as usize);
                buf.clear();
                for c in piece.chars() {
                    if is_apostrophe(c) {
                        buf.push('\'');
                    } else if self.lowercase {
                        buf.extend(c.to_lowercase());
                    } else {
                        buf.push(c);
                    }
                }
                if self.segmenter == Segmenter::Auto && segment::has_hangul(&buf) {
                    // Hangul words carry their particles (게임을, API를): split, then
                    // syllable pairs; the buffer keeps the piece's bytes (no case in Hangul).
                    for (range, token) in segment::korean_tokens(&buf) {
                        if self.keeps(token) {
                            emit(offset + range.start..offset + range.end, token);
                        }
                    }
                    continue;
                }
                if self.keeps(&buf) {
                    match &stemmer {
                        Some(st) => emit(offset..offset + piece.len(), &st.stem(&buf)),
                        None => emit(offset..offset + piece.len(), &buf),
                    }
                }
            }
        });
    }

    fn keeps(&self, token: &str) -> bool {
        // A token made only of apostrophes or combining marks carries no word.
        token.chars().any(char::is_alphanumeric)
            && (self.min_len <= 1 || token.chars().count() >= self.min_len)
            && (self.stop_words.is_empty() || !self.stop_words.contains(token))
    }

    /// The tokens of `text` as owned strings.
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t.to_string()));
        out
    }
}

/// UAX #29 words of `text`, which starts at byte `base` of the whole text.
fn unicode_words(text: &str, base: usize, emit: &mut impl FnMut(usize, &str)) {
    for (start, word) in text.unicode_word_indices() {
        emit(base + start, word);
    }
}

/// The space-separated words of pre-segmented text, without the punctuation at their edges.
fn whitespace_words(text: &str, emit: &mut impl FnMut(usize, &str)) {
    let base = text.as_ptr() as usize;
    for chunk in text.split_whitespace() {
        let word = chunk.trim_matches(|c: char| !c.is_alphanumeric() && !is_apostrophe(c));
        if !word.is_empty() {
            emit(word.as_ptr() as usize - base, word);
        }
    }
}

#[cfg(test)]
mod tests;
