//! Terminal styles for text output, as ripgrep's `--color`: styled on a terminal, plain in a
//! pipe, never when `NO_COLOR` is set (unless `--color always`).

use std::io::IsTerminal;

/// When text output is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Styled when stdout is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output is styled, with `no_color` the value of `NO_COLOR` and `terminal`
    /// whether stdout is one.
    pub fn resolve(self, no_color: Option<&str>, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(str::is_empty),
        }
    }

    /// Whether this process's stdout is styled.
    pub fn enabled(self) -> bool {
        let no_color = std::env::var("NO_COLOR").ok();
        self.resolve(no_color.as_deref(), std::io::stdout().is_terminal())
    }
}

/// ANSI styles, or nothing when output is plain.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    on: bool,
}

const MATCH: &str = "\x1b[1;31m";
const STRONG: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Styles {
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    fn wrap(&self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// A title or heading.
    pub fn strong(&self, text: &str) -> String {
        self.wrap(STRONG, text)
    }

    /// Secondary details (ids, scores).
    pub fn dim(&self, text: &str) -> String {
        self.wrap(DIM, text)
    }

    /// `text` with the byte ranges `matches` styled as matches; ranges that are out of
    /// bounds or not on character boundaries are ignored.
    pub fn highlight(&self, text: &str, matches: &[[usize; 2]]) -> String {
        let mut out = String::with_capacity(text.len() + matches.len() * 12);
        let mut at = 0;
        for &[start, end] in matches {
            let valid = at <= start
                && start < end
                && text.is_char_boundary(start)
                && text.is_char_boundary(end)
                && end <= text.len();
            if !valid {
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(&self.wrap(MATCH, &text[start..end]));
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_follows_the_terminal_and_no_color() {
        assert!(ColorChoice::Auto.resolve(None, true));
        assert!(ColorChoice::Auto.resolve(Some(""), true));
        assert!(!ColorChoice::Auto.resolve(Some("1"), true));
        assert!(!ColorChoice::Auto.resolve(None, false));
        assert!(ColorChoice::Always.resolve(Some("1"), false));
        assert!(!ColorChoice::Never.resolve(None, true));
    }

    #[test]
    fn matches_are_styled_and_bad_ranges_ignored() {
        let on = Styles::new(true);
        assert_eq!(
            on.highlight("向量 search", &[[0, 6], [7, 13], [2, 4]]),
            "\x1b[1;31m向量\x1b[0m \x1b[1;31msearch\x1b[0m"
        );
        assert_eq!(
            Styles::new(false).highlight("oil price", &[[0, 3]]),
            "oil price"
        );
        // Inside a character: ignored rather than cut.
        assert_eq!(on.highlight("向量", &[[1, 3]]), "向量");
    }
}
