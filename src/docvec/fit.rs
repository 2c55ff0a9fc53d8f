//! How well vectors suit a collection: its language and scripts, and the share of its words the
//! encoder knows as whole tokens or ordinary pieces rather than byte fallbacks or `[UNK]`.
//!
//! The bundled model is English. On Chinese, Japanese and Korean text it falls back to bytes
//! and gives near-random vectors; on Italian its pieces cover the words yet the vectors are
//! weak (known-item vector MRR@10 0.45 against 0.67 on English). So both the coverage and the
//! language decide, and the choice is said, never made in silence.

use crate::hub::ModelName;
use crate::text::{LanguageProfile, Tokenizer};

use super::encoder::Encoder;

/// The multilingual static model suggested (and used when it is in the local cache) for a
/// collection the bundled English model does not suit.
pub const MULTILINGUAL_MODEL: &str = "minishlab/potion-multilingual-128M";

/// Below this share of known words, vectors are called poor whatever the language.
const LEAST_COVERAGE: f64 = 0.8;

/// Documents and words looked at.
pub const SAMPLE_DOCS: usize = 500;
const SAMPLE_WORDS: usize = 20_000;

/// A collection's language and the encoder's coverage of its words.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub profile: LanguageProfile,
    /// Share of the sample's words the encoder knows (None: an encoder that does not say).
    pub coverage: Option<f64>,
    /// The languages the model declares ("english" for the bundled model; empty: unknown).
    pub model_languages: Vec<String>,
}

impl Fit {
    /// How `encoder`, which declares `model_languages`, suits `texts` (a sample of a
    /// collection) as `tokenizer` cuts them into words.
    pub fn assess(
        encoder: &Encoder,
        texts: &[&str],
        tokenizer: &Tokenizer,
        model_languages: &[&str],
    ) -> Self {
        let profile = LanguageProfile::of(texts.iter().copied());
        let mut words = Vec::new();
        for text in texts {
            tokenizer.for_each_token(text, |w| words.push(w.to_string()));
            if words.len() >= SAMPLE_WORDS {
                break;
            }
        }
        Self {
            profile,
            coverage: coverage(encoder, &words),
            model_languages: model_languages.iter().map(|l| l.to_string()).collect(),
        }
    }

    /// Why these vectors suit the collection poorly, or None when they suit it.
    pub fn poor(&self) -> Option<String> {
        if let Some(c) = self.coverage.filter(|&c| c < LEAST_COVERAGE) {
            return Some(format!(
                "it knows only {:.0}% of the collection's words (the rest become byte fallbacks \
                 or unknown tokens)",
                c * 100.0
            ));
        }
        let language = self.profile.language;
        let declared = &self.model_languages;
        let foreign = language != "unknown"
            && !declared.is_empty()
            && !declared
                .iter()
                .any(|l| l == language || l == "multilingual");
        foreign.then(|| {
            format!(
                "the collection is {language} and the model is {}",
                declared.join(", ")
            )
        })
    }

    /// One line for reports: language, scripts, coverage.
    pub fn line(&self) -> String {
        let coverage = self.coverage.map_or(String::new(), |c| {
            format!("; the vectors know {:.1}% of its words", c * 100.0)
        });
        format!(
            "language {} ({}){coverage}",
            self.profile.language,
            self.profile.scripts_line()
        )
    }
}

/// The share of `words` the encoder knows without byte fallbacks or unknown tokens.
fn coverage(encoder: &Encoder, words: &[String]) -> Option<f64> {
    if words.is_empty() {
        return None;
    }
    let known = match encoder {
        Encoder::Static(model) => words
            .iter()
            .filter(|w| {
                let pieces = model.token_strings(w);
                !pieces.is_empty() && !pieces.iter().any(|p| is_fallback(p))
            })
            .count(),
        Encoder::Words(table) => words.iter().filter(|w| table.lookup(w).is_some()).count(),
        Encoder::Contextual(_) => return None,
    };
    Some(known as f64 / words.len() as f64)
}

/// A byte-fallback piece (`<0xE7>`) or an unknown token.
fn is_fallback(piece: &str) -> bool {
    (piece.len() == 6 && piece.starts_with("<0x") && piece.ends_with('>'))
        || matches!(piece, "[UNK]" | "<unk>" | "<UNK>")
}

/// The multilingual model, when it is in the local Hugging Face cache.
pub fn cached_multilingual(hub_cache: &std::path::Path) -> Option<ModelName> {
    let name = ModelName::parse(MULTILINGUAL_MODEL)?;
    crate::hub::cache::find(hub_cache, &name).ok().map(|_| name)
}
