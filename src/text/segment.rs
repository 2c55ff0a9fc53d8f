//! Word segmentation for scripts written without spaces between words.
//!
//! UAX #29 cuts every Han character apart, so Chinese text had no words at all. Here the
//! tokenizer finds the runs of characters that need a dictionary (Han, kana, Thai, Lao, Khmer,
//! Myanmar) and hands each run to a segmenter; everything else (Latin words inside CJK text
//! included) keeps the UAX #29 path. Which segmenter takes which run is `[tokenizer] segmenter`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// How words are found (`[tokenizer] segmenter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Segmenter {
    /// Per script: Han runs through jieba, runs with kana (Japanese) and Thai, Lao, Khmer,
    /// Myanmar through ICU's dictionaries, Korean words split from their particles, all else
    /// by Unicode word boundaries.
    #[default]
    Auto,
    /// Unicode word boundaries only (UAX #29): one token per Han character.
    Unicode,
    /// Trust the spaces of pre-segmented text (the gensim workflow: run jieba, then train).
    Whitespace,
    /// Every Han or kana run through jieba.
    Jieba,
    /// Every Han, kana and South-East Asian run through ICU's dictionaries.
    Icu,
}

/// The segmenters by the name `tokenizer.segmenter` and `--segmenter` take.
pub const SEGMENTERS: [(&str, Segmenter); 5] = [
    ("auto", Segmenter::Auto),
    ("unicode", Segmenter::Unicode),
    ("whitespace", Segmenter::Whitespace),
    ("jieba", Segmenter::Jieba),
    ("icu", Segmenter::Icu),
];

impl Segmenter {
    /// The segmenter named `name` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self> {
        SEGMENTERS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|s| s.1)
            .ok_or_else(|| {
                let names: Vec<&str> = SEGMENTERS.iter().map(|s| s.0).collect();
                Error::config(
                    "tokenizer.segmenter",
                    format!("unknown segmenter {name:?}; one of {}", names.join(", ")),
                )
            })
    }

    /// The config name of this segmenter.
    pub fn name(self) -> &'static str {
        SEGMENTERS
            .iter()
            .find(|s| s.1 == self)
            .map_or("auto", |s| s.0)
    }
}

/// The scripts segmentation tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Han,
    Kana,
    /// Thai, Lao, Khmer and Myanmar: no spaces between words.
    SouthEastAsian,
    Hangul,
    Latin,
    /// Every other letter (Cyrillic, Greek, Arabic, Devanagari, ...).
    OtherLetters,
}

impl Script {
    /// The name reports and `tokenize --json` use.
    pub fn name(self) -> &'static str {
        match self {
            Script::Han => "han",
            Script::Kana => "kana",
            Script::SouthEastAsian => "south_east_asian",
            Script::Hangul => "hangul",
            Script::Latin => "latin",
            Script::OtherLetters => "other_letters",
        }
    }
}

/// The script of `c`, or `None` for what is not a letter of a script (digits, punctuation,
/// spaces, symbols).
pub fn script_of(c: char) -> Option<Script> {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphabetic().then_some(Script::Latin);
    }
    Some(match u {
        0x3005 | 0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
        0x20000..=0x3FFFF => Script::Han,
        0x3041..=0x309F | 0x30A0..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF => Script::Kana,
        0xFF66..=0xFF9F => Script::Kana,
        0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x19E0..=0x19FF => {
            Script::SouthEastAsian
        }
        0xA9E0..=0xA9FF | 0xAA60..=0xAA7F => Script::SouthEastAsian,
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
        0x00C0..=0x024F | 0x1E00..=0x1EFF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Latin,
        _ if c.is_alphabetic() => Script::OtherLetters,
        _ => return None,
    })
}

/// A script that needs a dictionary to find its words.
fn needs_dictionary(script: Option<Script>) -> bool {
    matches!(
        script,
        Some(Script::Han | Script::Kana | Script::SouthEastAsian)
    )
}

/// Whether `c` belongs to a script whose words only a dictionary finds.
pub fn needs_segmenting(c: char) -> bool {
    needs_dictionary(script_of(c))
}

/// A run of text that needs a dictionary segmenter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DictionaryRun {
    pub range: std::ops::Range<usize>,
    /// Holds kana: Japanese, which jieba's Chinese dictionary does not know.
    pub has_kana: bool,
    /// Holds Thai, Lao, Khmer or Myanmar, which only ICU knows.
    pub south_east_asian: bool,
}

/// The run of dictionary-script letters of `text` that starts at byte `start`.
pub(crate) fn run_at(text: &str, start: usize) -> DictionaryRun {
    let mut run = DictionaryRun {
        range: start..start,
        has_kana: false,
        south_east_asian: false,
    };
    for c in text[start..].chars() {
        let script = script_of(c);
        if !needs_dictionary(script) {
            break;
        }
        run.range.end += c.len_utf8();
        run.has_kana |= script == Some(Script::Kana);
        run.south_east_asian |= script == Some(Script::SouthEastAsian);
    }
    run
}

/// Whether `text` has kana (and so is Japanese).
pub(crate) fn has_kana(text: &str) -> bool {
    text.chars().any(|c| script_of(c) == Some(Script::Kana))
}

/// jieba with its bundled 349k-word dictionary, loaded once, on the first Han run.
static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| Arc::new(Jieba::new()));

/// ICU4X's dictionary segmenter (Chinese/Japanese and Thai, Lao, Khmer, Myanmar dictionaries,
/// compiled into the binary).
static ICU: LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// jieba with a user dictionary, by the dictionary's content hash, so every tokenizer built
/// from the same file shares one copy.
static WITH_USER_DICT: LazyLock<Mutex<HashMap<String, Arc<Jieba>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A user dictionary read and checked: its entries and the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct UserDictionary {
    pub path: PathBuf,
    pub sha256: String,
    entries: Vec<(String, Option<usize>, Option<String>)>,
}

impl UserDictionary {
    /// Reads `path` in jieba's format: one `word [freq] [tag]` a line; `#` starts a comment.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::at_byte(
                path,
                e.valid_up_to() as u64,
                "a user dictionary must be UTF-8 text",
            )
        })?;
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line_no = n as u64 + 1;
            let line = line.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() > 3 {
                return Err(Error::at_line(
                    path,
                    line_no,
                    format!(
                        "expected `word [freq] [tag]`, found {} fields: {line:?}",
                        fields.len()
                    ),
                ));
            }
            let freq = match fields.get(1) {
                Some(f) => Some(f.parse::<usize>().ok().filter(|&f| f > 0).ok_or_else(|| {
                    Error::at_line(
                        path,
                        line_no,
                        format!("the frequency {f:?} of {:?} is not a positive whole number (expected `word [freq] [tag]`)", fields[0]),
                    )
                })?),
                None => None,
            };
            let tag = fields.get(2).map(|t| t.to_string());
            entries.push((fields[0].to_string(), freq, tag));
        }
        Ok(Self {
            path: path.to_path_buf(),
            sha256,
            entries,
        })
    }

    /// jieba's bundled dictionary with these words added (shared between tokenizers).
    fn jieba(&self) -> Arc<Jieba> {
        let mut cache = WITH_USER_DICT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(self.sha256.clone())
            .or_insert_with(|| {
                let mut jieba = Jieba::new();
                for (word, freq, tag) in &self.entries {
                    jieba.add_word(word, *freq, tag.as_deref());
                }
                Arc::new(jieba)
            })
            .clone()
    }

    /// How many words the file adds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the file adds no word.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The dictionaries one tokenizer segments with.
#[derive(Debug, Clone)]
pub(crate) struct Dictionaries {
    mode: Segmenter,
    /// jieba with the user dictionary, when there is one; else the shared default.
    user: Option<Arc<Jieba>>,
}

impl Dictionaries {
    pub fn new(mode: Segmenter, user: Option<&UserDictionary>) -> Self {
        Self {
            mode,
            user: user.map(UserDictionary::jieba),
        }
    }

    /// Calls `emit(offset, word)` for each word of the dictionary run `run` of `text`;
    /// `japanese`: the text has kana, so `auto` sends its Han runs to the Japanese dictionary.
    pub fn segment(
        &self,
        text: &str,
        run: &DictionaryRun,
        japanese: bool,
        mut emit: impl FnMut(usize, &str),
    ) {
        let piece = &text[run.range.clone()];
        let base = run.range.start;
        let use_jieba = match self.mode {
            Segmenter::Jieba => !run.south_east_asian,
            Segmenter::Icu => false,
            _ => !japanese && !run.south_east_asian,
        };
        if use_jieba {
            let jieba = self.user.as_ref().unwrap_or(&JIEBA);
            for token in jieba.cut(piece, true) {
                let offset = token.word.as_ptr() as usize - piece.as_ptr() as usize;
                emit(base + offset, token.word);
            }
        } else {
            let mut breaks = ICU.segment_str(piece);
            let mut last = 0;
            while let Some(next) = breaks.next() {
                if next > last && breaks.is_word_like() {
                    emit(base + last, &piece[last..next]);
                }
                last = next;
            }
        }
    }
}

/// Korean particles and endings that follow a noun or stem with no space (게임을 → 게임),
/// longest first so that 에서 wins over 서.
const KOREAN_PARTICLES: [&str; 25] = [
    "에서는",
    "으로는",
    "에게서",
    "이라는",
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "처럼",
    "보다",
    "라는",
    "하는",
    "하고",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "의",
    "에",
    "로",
    "와",
    "과",
];

/// Whether `word` has a Hangul letter (ASCII words leave at once).
pub(crate) fn has_hangul(word: &str) -> bool {
    // A word with Hangul has a non-ASCII first or last byte: two comparisons for English.
    let bytes = word.as_bytes();
    let edges_ascii =
        bytes.first().is_none_or(|b| b.is_ascii()) && bytes.last().is_none_or(|b| b.is_ascii());
    !edges_ascii && word.chars().any(|c| script_of(c) == Some(Script::Hangul))
}

/// The tokens of a word with Hangul, with their byte ranges in it: the Hangul part as
/// `korean_bigrams` cuts it, a Latin or digit part (API를 → api, 를) whole.
pub(crate) fn korean_tokens(word: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let is_hangul = |c: char| script_of(c) == Some(Script::Hangul);
    let mut chars = word.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let boundary = chars
            .peek()
            .is_none_or(|&(_, next)| is_hangul(next) != is_hangul(c));
        if boundary {
            let end = at + c.len_utf8();
            let part = &word[start..end];
            if is_hangul(c) {
                out.extend(
                    korean_bigrams(part)
                        .into_iter()
                        .map(|(r, t)| (start + r.start..start + r.end, t)),
                );
            } else {
                out.push((start..end, part));
            }
            start = end;
        }
    }
    out
}

/// `word` without a trailing Korean particle, when what is left is at least two syllables
/// (so 나는 and 이 stay whole).
fn korean_stem(word: &str) -> &str {
    KOREAN_PARTICLES
        .iter()
        .find_map(|p| {
            word.strip_suffix(p)
                .filter(|stem| stem.chars().count() >= 2)
        })
        .unwrap_or(word)
}

/// The tokens of a Hangul word: its particle split off (게임을 → 게임), then overlapping
/// syllable pairs (전략게임 → 전략 략게 게임); a word of one or two syllables stays whole.
/// Measured on Korean Debian descriptions (known-item MRR@10, bench/README.md "Languages"):
/// whole words 0.601, particles split 0.681, syllables 0.660, pairs 0.706, split + pairs 0.712,
/// and with Latin split from Hangul (`korean_tokens`) 0.731, against rank-bm25's best 0.683.
fn korean_bigrams(word: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let stem = korean_stem(word);
    let starts: Vec<usize> = stem.char_indices().map(|(i, _)| i).collect();
    if starts.len() <= 2 {
        return vec![(0..stem.len(), stem)];
    }
    (0..starts.len() - 1)
        .map(|k| {
            let end = starts.get(k + 2).copied().unwrap_or(stem.len());
            (starts[k]..end, &stem[starts[k]..end])
        })
        .collect()
}

#[cfg(test)]
mod tests;
