//! What a collection is written in: its scripts, and its language guessed from a sample.
//!
//! The guess decides defaults that depend on the language (the search index's stemmer, whether
//! the bundled English model suits the collection) and is reported, so a user sees why.
//! Scripts decide most languages; Latin-script languages are told apart by their commonest
//! function words, which is enough on a few hundred documents.

use std::collections::BTreeMap;

use serde::Serialize;

use super::segment::{Script, script_of};

/// The function words that tell Latin-script languages apart: frequent in their language and
/// rare as words of the others.
const FUNCTION_WORDS: [(&str, &[&str]); 8] = [
    (
        "english",
        &[
            "the", "and", "of", "to", "is", "that", "with", "for", "this", "are",
        ],
    ),
    (
        "french",
        &[
            "le", "les", "des", "et", "est", "une", "pour", "dans", "du", "qui",
        ],
    ),
    (
        "german",
        &[
            "der", "die", "und", "das", "ist", "mit", "für", "den", "ein", "nicht",
        ],
    ),
    (
        "italian",
        &[
            "il", "di", "che", "della", "per", "una", "del", "sono", "con", "gli",
        ],
    ),
    (
        "spanish",
        &[
            "el", "los", "las", "que", "para", "una", "por", "con", "del", "es",
        ],
    ),
    (
        "portuguese",
        &[
            "o", "os", "uma", "não", "com", "para", "do", "da", "em", "que",
        ],
    ),
    (
        "dutch",
        &[
            "het", "een", "en", "van", "niet", "voor", "op", "zijn", "met", "de",
        ],
    ),
    (
        "swedish",
        &[
            "och", "att", "det", "som", "är", "för", "med", "på", "av", "inte",
        ],
    ),
];

/// A collection's scripts and guessed language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageProfile {
    /// The guessed language ("english", "chinese", ...), or "unknown".
    pub language: &'static str,
    /// Letters per script in the sample, as shares of all letters.
    pub scripts: BTreeMap<&'static str, f64>,
    /// Documents looked at.
    pub sample: usize,
}

impl LanguageProfile {
    /// The profile of `texts` (a sample of a collection).
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut letters: BTreeMap<Script, u64> = BTreeMap::new();
        let mut kana = 0u64;
        let mut words: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut sample = 0;
        let mut word = String::new();
        for text in texts {
            sample += 1;
            for c in text.chars().chain(std::iter::once(' ')) {
                match script_of(c) {
                    Some(script) => {
                        *letters.entry(script).or_default() += 1;
                        kana += u64::from(script == Script::Kana);
                        if script == Script::Latin {
                            word.extend(c.to_lowercase());
                            continue;
                        }
                    }
                    None if c == '\'' => continue,
                    None => {}
                }
                if !word.is_empty() {
                    for (language, list) in FUNCTION_WORDS {
                        if list.contains(&word.as_str()) {
                            *words.entry(language).or_default() += 1;
                        }
                    }
                    word.clear();
                }
            }
        }
        let total: u64 = letters.values().sum();
        let scripts = letters
            .iter()
            .map(|(s, &n)| (s.name(), n as f64 / total.max(1) as f64))
            .collect();
        let top = letters.iter().max_by_key(|(_, n)| **n).map(|(s, _)| *s);
        let language = match top {
            _ if total == 0 => "unknown",
            Some(Script::Han | Script::Kana) if kana * 20 > total => "japanese",
            Some(Script::Han) => "chinese",
            Some(Script::Hangul) => "korean",
            Some(Script::SouthEastAsian) => "south-east asian",
            Some(Script::Latin) => words
                .iter()
                .max_by_key(|(_, n)| **n)
                .map_or("unknown", |(l, _)| *l),
            _ => "unknown",
        };
        Self {
            language,
            scripts,
            sample,
        }
    }

    /// The scripts as "han 82%, latin 18%", most letters first.
    pub fn scripts_line(&self) -> String {
        let mut shares: Vec<(&&str, &f64)> = self.scripts.iter().collect();
        shares.sort_by(|a, b| b.1.total_cmp(a.1));
        let parts: Vec<String> = shares
            .iter()
            .filter(|(_, s)| **s >= 0.005)
            .map(|(n, s)| format!("{n} {:.0}%", **s * 100.0))
            .collect();
        if parts.is_empty() {
            "no letters".into()
        } else {
            parts.join(", ")
        }
    }

    /// The Snowball stemmer the search index uses by default for this language: none for
    /// English (its figures were measured unstemmed) and for languages without one.
    pub fn default_stemmer(&self) -> Option<&'static str> {
        match self.language {
            "french" | "german" | "italian" | "spanish" | "portuguese" | "dutch" | "swedish" => {
                Some(self.language)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_function_words_name_the_language() {
        let cases = [
            ("The cat sat on the mat and that is all.", "english"),
            (
                "Der Hund ist nicht mit den Katzen und das ist gut.",
                "german",
            ),
            (
                "Le chat est dans la maison et les enfants sont là.",
                "french",
            ),
            (
                "Il gatto è nella casa con gli amici della famiglia.",
                "italian",
            ),
            ("经济发展是中国的首要任务", "chinese"),
            ("東京タワーに行きました", "japanese"),
            ("고대 전쟁 실시간 전략 게임입니다", "korean"),
            ("12345 !!!", "unknown"),
        ];
        for (text, language) in cases {
            assert_eq!(LanguageProfile::of([text]).language, language, "{text}");
        }
        let p = LanguageProfile::of(["经济 economy"]);
        assert_eq!(p.scripts_line(), "latin 78%, han 22%");
    }
}
