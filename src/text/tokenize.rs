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
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            lowercase: true,
            min_len: 1,
            stop_words: Vec::new(),
            stem: String::new(),
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
        Ok(())
    }
}

/// The one tokenizer of the product: Unicode words, lowercased, optional stop words and stemming.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    lowercase: bool,
    min_len: usize,
    stop_words: HashSet<String>,
    stem: Option<Algorithm>,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new(&TokenizerConfig::default())
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
    /// A tokenizer with `config`'s settings.
    pub fn new(config: &TokenizerConfig) -> Self {
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
        for (start, word) in text.unicode_word_indices() {
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
                if self.keeps(&buf) {
                    match &stemmer {
                        Some(st) => emit(offset..offset + piece.len(), &st.stem(&buf)),
                        None => emit(offset..offset + piece.len(), &buf),
                    }
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        Tokenizer::default().tokenize(text)
    }

    #[test]
    fn optional_stemming_joins_word_forms() {
        let config = TokenizerConfig {
            stem: "english".into(),
            ..TokenizerConfig::default()
        };
        assert_eq!(
            Tokenizer::new(&config).tokenize("Oil prices rising; the price rose"),
            ["oil", "price", "rise", "the", "price", "rose"]
        );
        let bad = TokenizerConfig {
            stem: "klingon".into(),
            ..TokenizerConfig::default()
        };
        let err = bad.validate().unwrap_err().to_string();
        assert!(
            err.contains("tokenizer.stem") && err.contains("english"),
            "{err}"
        );
    }

    #[test]
    fn english_lowercases_and_keeps_inner_apostrophes() {
        assert_eq!(
            toks("Don't PANIC: it's the U.S. economy, 3,000 jobs!"),
            [
                "don't", "panic", "it's", "the", "u", "s", "economy", "3", "000", "jobs"
            ]
        );
    }

    #[test]
    fn edge_apostrophes_and_typographic_apostrophe() {
        assert_eq!(
            toks("'quoted' rock’n’roll players'"),
            ["quoted", "rock'n'roll", "players"]
        );
    }

    #[test]
    fn accented_words_stay_whole() {
        assert_eq!(
            toks("Café Müller naïve São Paulo"),
            ["café", "müller", "naïve", "são", "paulo"]
        );
    }

    #[test]
    fn non_latin_scripts() {
        assert_eq!(
            toks("Москва — столица России"),
            ["москва", "столица", "россии"]
        );
        assert_eq!(toks("Αθήνα και Σπάρτη"), ["αθήνα", "και", "σπάρτη"]);
        // Ideographs are one token each under UAX #29.
        assert_eq!(toks("東京タワー"), ["東", "京", "タワー"]);
        // Devanagari vowel signs (combining marks) stay inside the word.
        assert_eq!(toks("हिन्दी भाषा"), ["हिन्दी", "भाषा"]);
    }

    #[test]
    fn underscores_hyphens_and_symbols_split() {
        assert_eq!(
            toks("snake_case well-known #tag @user 50%"),
            ["snake", "case", "well", "known", "tag", "user", "50"]
        );
    }

    #[test]
    fn min_len_and_stop_words() {
        let t = Tokenizer::new(&TokenizerConfig {
            lowercase: true,
            min_len: 3,
            stop_words: vec!["The".into(), "and".into()],
            ..TokenizerConfig::default()
        });
        assert_eq!(t.tokenize("The cat and a dog ran"), ["cat", "dog", "ran"]);
    }

    #[test]
    fn case_kept_when_asked() {
        let t = Tokenizer::new(&TokenizerConfig {
            lowercase: false,
            ..TokenizerConfig::default()
        });
        assert_eq!(t.tokenize("New York"), ["New", "York"]);
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Say: Don’t U.S. café!";
        let mut spans = Vec::new();
        Tokenizer::default().for_each_token_span(text, |r, t| {
            spans.push((text[r].to_string(), t.to_string()))
        });
        let expected = [
            ("Say", "say"),
            ("Don’t", "don't"),
            ("U", "u"),
            ("S", "s"),
            ("café", "café"),
        ];
        assert_eq!(spans, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert!(toks("").is_empty());
        assert!(toks(" ... --- !!! ''").is_empty());
    }
}
