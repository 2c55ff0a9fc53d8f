//! `tokenizer.json`'s normalizer, applied the way the `tokenizers` crate applies it but without
//! its alignment bookkeeping: the BERT normalizer (with a byte-table path for ASCII text), the
//! Unicode forms, lowercase, strip, prepend and plain-string replace, in any sequence. Any
//! other step (SentencePiece's `Precompiled` character map, a regex `Replace`, `Nmt`) is run
//! by the crate's own normalizer object, which still spares the rest of its pipeline.

use serde::Deserialize;
use serde_json::Value;
use tokenizers::{NormalizedString, Normalizer as _, NormalizerWrapper};
use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::UnicodeNormalization;
use unicode_normalization_alignments::char::is_combining_mark;

thread_local! {
    static STEP_BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A normalizer read from `tokenizer.json`.
pub(super) enum Normalizer {
    /// Steps we apply ourselves, in order (none: the text as it is).
    Steps(Vec<Step>),
    /// A normalizer holding a step we do not apply: the crate runs it.
    Crate(Box<NormalizerWrapper>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct BertFlags {
    pub clean_text: bool,
    pub chinese: bool,
    pub strip_accents: bool,
    pub lowercase: bool,
}

pub(super) enum Step {
    Bert(BertFlags),
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
    Lowercase,
    StripAccents,
    Strip { left: bool, right: bool },
    Prepend(String),
    Replace { pattern: String, content: String },
}

#[derive(Deserialize)]
struct BertJson {
    #[serde(default = "yes")]
    clean_text: bool,
    #[serde(default = "yes")]
    handle_chinese_chars: bool,
    #[serde(default)]
    strip_accents: Option<bool>,
    #[serde(default = "yes")]
    lowercase: bool,
}

fn yes() -> bool {
    true
}

impl Normalizer {
    /// The normalizer `json` describes (`null`: none); None when the crate cannot read it either.
    pub fn from_json(json: &Value) -> Option<Self> {
        if json.is_null() {
            return Some(Self::Steps(Vec::new()));
        }
        let mut steps = Vec::new();
        match own_steps(json, &mut steps) {
            Some(()) => Some(Self::Steps(steps)),
            None => serde_json::from_value::<NormalizerWrapper>(json.clone())
                .ok()
                .map(|n| Self::Crate(Box::new(n))),
        }
    }

    /// The BERT flags when the whole normalizer is one BERT normalizer (WordPiece's fast path).
    pub fn bert_only(&self) -> Option<BertFlags> {
        match self {
            Self::Steps(steps) => match steps.as_slice() {
                [Step::Bert(flags)] => Some(*flags),
                _ => None,
            },
            Self::Crate(_) => None,
        }
    }

    /// Whether no step can remove or add characters at the text's start (so that
    /// Metaspace's `first` scheme sees the text starting at offset 0).
    pub fn keeps_start(&self) -> bool {
        match self {
            Self::Steps(steps) => steps.iter().all(|s| {
                matches!(
                    s,
                    Step::Nfc | Step::Nfd | Step::Nfkc | Step::Nfkd | Step::Lowercase
                )
            }),
            Self::Crate(_) => false,
        }
    }

    /// `text` normalized into `out` (cleared first). False when the crate's normalizer failed.
    pub fn apply(&self, text: &str, out: &mut String) -> bool {
        out.clear();
        match self {
            Self::Steps(steps) => {
                out.push_str(text);
                // Each step writes into the other buffer; kept per thread, as texts come by
                // the thousand.
                STEP_BUFFER.with_borrow_mut(|scratch| {
                    for step in steps {
                        step.apply(out, scratch);
                        std::mem::swap(out, scratch);
                    }
                });
                true
            }
            Self::Crate(n) => {
                let mut s = NormalizedString::from(text);
                if n.normalize(&mut s).is_err() {
                    return false;
                }
                out.push_str(s.get());
                true
            }
        }
    }
}

/// Appends the steps of `json` we apply ourselves; None at the first we do not.
fn own_steps(json: &Value, steps: &mut Vec<Step>) -> Option<()> {
    let kind = json.get("type")?.as_str()?;
    let flag = |name: &str| json.get(name).and_then(Value::as_bool);
    let text = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_owned);
    let step = match kind {
        "Sequence" => {
            for n in json.get("normalizers")?.as_array()? {
                own_steps(n, steps)?;
            }
            return Some(());
        }
        "BertNormalizer" => {
            let b: BertJson = serde_json::from_value(json.clone()).ok()?;
            Step::Bert(BertFlags {
                clean_text: b.clean_text,
                chinese: b.handle_chinese_chars,
                strip_accents: b.strip_accents.unwrap_or(b.lowercase),
                lowercase: b.lowercase,
            })
        }
        "NFC" => Step::Nfc,
        "NFD" => Step::Nfd,
        "NFKC" => Step::Nfkc,
        "NFKD" => Step::Nfkd,
        "Lowercase" => Step::Lowercase,
        "StripAccents" => Step::StripAccents,
        "Strip" => Step::Strip {
            left: flag("strip_left")?,
            right: flag("strip_right")?,
        },
        "Prepend" => Step::Prepend(text("prepend")?),
        "Replace" => Step::Replace {
            pattern: json.get("pattern")?.get("String")?.as_str()?.to_owned(),
            content: text("content")?,
        },
        _ => return None,
    };
    steps.push(step);
    Some(())
}

impl Step {
    /// `input` through this step into `out` (cleared first).
    fn apply(&self, input: &str, out: &mut String) {
        out.clear();
        match self {
            Step::Bert(flags) => bert(*flags, input, out),
            Step::Nfc => by_runs(input, out, |r, o| o.extend(r.nfc().map(|(c, _)| c))),
            Step::Nfd => by_runs(input, out, |r, o| o.extend(r.nfd().map(|(c, _)| c))),
            Step::Nfkc => by_runs(input, out, |r, o| o.extend(r.nfkc().map(|(c, _)| c))),
            Step::Nfkd => by_runs(input, out, |r, o| o.extend(r.nfkd().map(|(c, _)| c))),
            // Character by character, as the crate does (no final-sigma rule).
            Step::Lowercase => input.chars().for_each(|c| out.extend(c.to_lowercase())),
            Step::StripAccents => out.extend(input.chars().filter(|&c| !is_combining_mark(c))),
            Step::Strip { left, right } => {
                let mut s = input;
                if *left {
                    s = s.trim_start();
                }
                if *right {
                    s = s.trim_end();
                }
                out.push_str(s);
            }
            Step::Prepend(p) => {
                if !input.is_empty() {
                    out.push_str(p);
                }
                out.push_str(input);
            }
            Step::Replace { pattern, content } if !pattern.is_empty() => {
                out.push_str(&input.replace(pattern.as_str(), content));
            }
            Step::Replace { .. } => out.push_str(input),
        }
    }
}

/// A Unicode normal form of `input` appended to `out`, `form` applied only where it can
/// change something: ASCII is in every form already, and since an ASCII character is a starter
/// that composes with nothing before it, the text can be cut before any of them. Each run of
/// other characters goes to `form` with the ASCII character before it (which may compose with
/// the marks that follow it).
fn by_runs(input: &str, out: &mut String, form: impl Fn(&str, &mut String)) {
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(other) = bytes[i..].iter().position(|b| !b.is_ascii()).map(|p| i + p) else {
            out.push_str(&input[i..]);
            return;
        };
        let run_start = other.saturating_sub(1).max(i);
        out.push_str(&input[i..run_start]);
        let run_end = bytes[other..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |p| other + p);
        form(&input[run_start..run_end], out);
        i = run_end;
    }
}

/// The BERT normalizer: control characters dropped and whitespace made spaces, spaces around
/// CJK ideographs, accents stripped (NFD, then non-spacing marks dropped), lowercase. ASCII
/// runs go through a byte table; each run of other characters through the Unicode steps. The
/// runs can be taken apart because an ASCII character has no decomposition and is a starter:
/// NFD's reordering of combining marks never crosses it.
pub(super) fn bert(flags: BertFlags, input: &str, out: &mut String) {
    out.clear();
    out.reserve(input.len() + 8);
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii()) {
            let b = match b {
                b'\t' | b'\n' | b'\r' if flags.clean_text => b' ',
                0..=0x1f | 0x7f if flags.clean_text => {
                    i += 1;
                    continue;
                }
                _ if flags.lowercase => b.to_ascii_lowercase(),
                _ => b,
            };
            out.push(b as char);
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(|b| !b.is_ascii()) {
            i += 1;
        }
        // Non-ASCII bytes run from one character boundary to the next.
        if let Some(run) = input.get(start..i).filter(|r| !r.is_empty()) {
            bert_unicode(flags, run, out);
        }
    }
}

/// `bert` over a run of non-ASCII characters, appended to `out`.
fn bert_unicode(flags: BertFlags, run: &str, out: &mut String) {
    let mut first = String::with_capacity(run.len() + 8);
    for c in run.chars() {
        // The unified ideographs: letters with no decomposition and no case, so only the
        // spaces around them apply (the common case of Chinese text, without the tables).
        if is_plain_ideograph(c) {
            if flags.chinese {
                first.push(' ');
                first.push(c);
                first.push(' ');
            } else {
                first.push(c);
            }
            continue;
        }
        let c = if flags.clean_text {
            if c == '\u{fffd}' || is_control(c) {
                continue;
            }
            if is_whitespace(c) { ' ' } else { c }
        } else {
            c
        };
        if flags.chinese && is_chinese_char(c) {
            first.push(' ');
            first.push(c);
            first.push(' ');
        } else {
            first.push(c);
        }
    }
    let lower = |c: char, out: &mut String| {
        if flags.lowercase && !is_plain_ideograph(c) {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    };
    if flags.strip_accents {
        for (c, _) in first.nfd() {
            if is_plain_ideograph(c) || !c.is_mark_nonspacing() {
                lower(c, out);
            }
        }
    } else {
        first.chars().for_each(|c| lower(c, out));
    }
}

/// CJK unified ideographs (the main block and extension A as of Unicode 6.1, so that the
/// `unicode_categories` tables the crate uses know them all): category Lo, no decomposition,
/// no case.
pub(super) fn is_plain_ideograph(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4DB5)
}

/// BERT's whitespace: tab, newline and return count as whitespace, not as controls.
pub(super) fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

/// BERT's control characters: the Unicode "other" categories (Cc, Cf, Cn, Co), less tab,
/// newline and return.
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// The CJK ideograph blocks BERT puts spaces around.
fn is_chinese_char(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}
