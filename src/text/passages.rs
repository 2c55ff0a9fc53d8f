//! Long documents cut into passages: each passage is searched on its own (its own BM25 unit,
//! its own vector), so one paragraph's topic is not averaged away and an encoder that reads
//! 256 tokens sees all of the document. Cuts fall at paragraph and heading boundaries where
//! there are some, else at sentence ends, else between tokens; passages overlap.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::Tokenizer;

/// `[index]`: how long documents become passages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PassageConfig {
    /// Passages hold at most this many tokens (0: documents are never cut).
    pub passage_tokens: usize,
    /// Only documents longer than this many tokens are cut (0: longer than `passage_tokens`).
    pub split_above: usize,
    /// Tokens each passage repeats from the end of the one before.
    pub passage_overlap: usize,
}

/// Measured with `bench/passages.py` (docs/documents.md): 256-token passages with 32 overlap
/// lift vector known-item MRR@10 on Wikipedia articles from 0.736 to 0.934; cutting only
/// documents over 1,024 tokens keeps BBC's figures within 0.002 (its median article has 331).
impl Default for PassageConfig {
    fn default() -> Self {
        Self {
            passage_tokens: 256,
            split_above: 1024,
            passage_overlap: 32,
        }
    }
}

impl PassageConfig {
    /// Never cut: indexes built before passages existed read as this.
    pub const WHOLE: Self = Self {
        passage_tokens: 0,
        split_above: 0,
        passage_overlap: 0,
    };

    /// An error message when the overlap leaves a passage no new token.
    pub fn check(&self) -> Result<(), String> {
        if self.passage_tokens > 0 && self.passage_overlap * 2 > self.passage_tokens {
            return Err(format!(
                "index.passage_overlap ({}) must be at most half of index.passage_tokens ({})",
                self.passage_overlap, self.passage_tokens
            ));
        }
        Ok(())
    }
}

/// One passage of a document: its bytes in the text and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub range: Range<usize>,
    pub line: u32,
}

/// How strongly a cut between two tokens is preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Sentence,
    Paragraph,
}

/// What lies between two tokens: a blank line or a heading's start is a paragraph break; a
/// sentence end or a line break a sentence break.
fn break_in(gap: &str, next_starts_heading: bool) -> Break {
    let newlines = gap.matches('\n').count();
    if newlines >= 2 || (newlines >= 1 && next_starts_heading) {
        return Break::Paragraph;
    }
    if newlines == 1 || gap.contains(['.', '!', '?', '。', '！', '？', '；', ';']) {
        return Break::Sentence;
    }
    Break::None
}

/// The passages of `text`: the whole text when it has at most `config.passage_tokens` tokens
/// (or cutting is off), else passages of at most that many tokens.
pub fn split(text: &str, tokenizer: &Tokenizer, config: &PassageConfig) -> Vec<Passage> {
    let whole = vec![Passage {
        range: 0..text.len(),
        line: 1,
    }];
    let max = config.passage_tokens;
    if max == 0 {
        return whole;
    }
    let mut spans: Vec<Range<usize>> = Vec::new();
    tokenizer.for_each_token_span(text, |range, _| spans.push(range));
    if spans.len() <= max.max(config.split_above) {
        return whole;
    }
    // breaks[i]: how good a cut just before token i is.
    let breaks: Vec<Break> = (0..spans.len())
        .map(|i| match i {
            0 => Break::None,
            _ => {
                let gap = &text[spans[i - 1].end..spans[i].start];
                let line_start = text[..spans[i].start].rfind('\n').map_or(0, |p| p + 1);
                let heading = text[line_start..].starts_with(['#', '*']);
                break_in(gap, heading)
            }
        })
        .collect();
    let overlap = config.passage_overlap.min(max / 2);
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < spans.len() {
        if spans.len() - start <= max {
            cuts.push(start..spans.len());
            break;
        }
        // The best break in the second half of the window, latest among equals.
        let window = (start + max / 2 + 1)..=(start + max);
        let end = window
            .clone()
            .rev()
            .max_by_key(|&i| breaks[i])
            .filter(|&i| breaks[i] > Break::None)
            .unwrap_or(start + max);
        cuts.push(start..end);
        // Overlap: start again `overlap` tokens back, at a sentence start if one is near.
        let back = end - overlap;
        let next = (back..end)
            .find(|&i| breaks[i] >= Break::Sentence)
            .unwrap_or(back);
        start = next.max(start + 1);
    }
    // A cut before token i falls after the last line break before it (a passage starts with
    // its heading's `#`), else just before the token.
    let byte_at = |i: usize| match i {
        0 => 0,
        i if i == spans.len() => text.len(),
        i => {
            let gap_start = spans[i - 1].end;
            match text[gap_start..spans[i].start].rfind('\n') {
                Some(nl) => gap_start + nl + 1,
                None => spans[i].start,
            }
        }
    };
    let mut line = 1u32;
    let mut counted = 0usize;
    cuts.into_iter()
        .map(|c| {
            let from = byte_at(c.start);
            line += text[counted..from].matches('\n').count() as u32;
            counted = from;
            Passage {
                range: from..byte_at(c.end),
                line,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TokenizerConfig;

    fn tokenizer() -> Tokenizer {
        Tokenizer::new(&TokenizerConfig::default()).unwrap()
    }

    fn cut(tokens: usize, overlap: usize) -> PassageConfig {
        PassageConfig {
            passage_tokens: tokens,
            split_above: 0,
            passage_overlap: overlap,
        }
    }

    #[test]
    fn short_documents_and_cutting_off_stay_whole() {
        let t = tokenizer();
        let text = "One two three.";
        assert_eq!(
            split(text, &t, &cut(3, 0)),
            vec![Passage {
                range: 0..14,
                line: 1
            }]
        );
        assert_eq!(split(text, &t, &PassageConfig::WHOLE).len(), 1);
    }

    #[test]
    fn cuts_prefer_paragraphs_then_sentences_and_count_lines() {
        let t = tokenizer();
        let text = "a b c. d e\n\n# Head\nf g h i j k l. m n o p";
        let parts = split(text, &t, &cut(8, 0));
        let texts: Vec<&str> = parts.iter().map(|p| text[p.range.clone()].trim()).collect();
        // The blank line before the heading wins over the sentence end at "c.".
        assert_eq!(texts[0], "a b c. d e");
        assert!(texts[1].starts_with("# Head"), "{texts:?}");
        assert_eq!(parts[1].line, 3);
        // Every token is in some passage, in order.
        let joined: String = texts.join(" ");
        let words: Vec<&str> = joined.split_whitespace().filter(|w| *w != "#").collect();
        assert_eq!(
            words.join(" ").replace('.', ""),
            "a b c d e Head f g h i j k l m n o p"
        );
    }

    #[test]
    fn overlap_repeats_the_end_of_the_previous_passage() {
        let t = tokenizer();
        let text: String = (0..100).map(|i| format!("w{i} ")).collect();
        let parts = split(&text, &t, &cut(20, 5));
        let first = &text[parts[0].range.clone()];
        let second = &text[parts[1].range.clone()];
        assert!(first.trim_end().ends_with("w19"), "{first}");
        assert!(second.starts_with("w15 "), "{second}");
        assert!(
            text[parts.last().unwrap().range.clone()]
                .trim_end()
                .ends_with("w99")
        );
        assert!(cut(20, 11).check().is_err() && cut(20, 10).check().is_ok());
    }

    #[test]
    fn chinese_without_spaces_is_cut_at_sentence_ends() {
        let t = tokenizer();
        let text = "经济改革取得进展。".repeat(30);
        let parts = split(&text, &t, &cut(20, 0));
        assert!(parts.len() > 3);
        for p in &parts[..parts.len() - 1] {
            assert!(
                text[p.range.clone()].ends_with('。'),
                "{:?}",
                &text[p.range.clone()]
            );
        }
    }
}
