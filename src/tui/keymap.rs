//! Which key does what: every rebindable action of the TUI, its preset keys, and the map built
//! from `[keys]` in `config.toml`. Keys typed into a text field are text, not actions; only
//! Enter, Esc and Tab act there, and Ctrl-C always quits.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::{KeyPreset, KeysConfig};
use crate::error::{Error, Result};

/// Where an action applies; one key may serve two actions of different places (`l`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every tab.
    Global,
    /// Lists and panels of every tab.
    Moving,
    /// The Search tab.
    Search,
    /// The Classify tab.
    Classify,
    /// The Train tab.
    Train,
}

macro_rules! actions {
    ($($variant:ident, $name:literal, $scope:ident, $what:literal, [$($key:literal),*], [$($vim:literal),*];)*) => {
        /// Something a key does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $(#[doc = $what] $variant,)*
        }

        impl Action {
            /// Every action, in the order the help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name `[keys]` uses.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// What it does, as the help says.
            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => $what,)* }
            }

            /// Where it applies.
            pub fn scope(self) -> Scope {
                match self { $(Action::$variant => Scope::$scope,)* }
            }

            /// Its keys in `preset`.
            fn preset_keys(self, preset: KeyPreset) -> Vec<&'static str> {
                match (self, preset) {
                    $((Action::$variant, KeyPreset::Default) => vec![$($key),*],)*
                    $((Action::$variant, KeyPreset::Vim) => vec![$($key,)* $($vim),*],)*
                }
            }
        }
    };
}

actions! {
    Quit, "quit", Global, "quit", ["q"], [];
    Help, "help", Global, "this help (type to filter it; Esc closes)", ["?"], [];
    NextTab, "next_tab", Global, "next tab", ["tab"], [];
    PrevTab, "prev_tab", Global, "previous tab", ["backtab"], [];
    SearchTab, "search_tab", Global, "the Search tab", ["1"], [];
    ClassifyTab, "classify_tab", Global, "the Classify tab", ["2"], [];
    EmbeddingsTab, "embeddings_tab", Global, "the Embeddings tab", ["3"], [];
    TrainTab, "train_tab", Global, "the Train tab", ["4"], [];
    Type, "type", Global, "type into the tab's text box", ["/"], ["i"];
    Open, "open", Global, "open a collection or vectors (file picker)", ["o"], [];
    Recent, "recent", Global, "recent collections and vectors", ["R"], [];
    Export, "export", Global, "export: search results (Search) or predictions of the file (Classify) to CSV", ["x"], [];
    Cancel, "cancel", Global, "cancel the running jobs (the previous results stay)", ["c"], [];
    Down, "down", Moving, "move down", ["down", "j"], [];
    Up, "up", Moving, "move up", ["up", "k"], [];
    First, "first", Moving, "first item", ["home"], ["g"];
    Last, "last", Moving, "last item", ["end"], ["G"];
    PageDown, "page_down", Moving, "scroll the preview down", ["pagedown"], ["ctrl-d"];
    PageUp, "page_up", Moving, "scroll the preview up", ["pageup"], ["ctrl-u"];
    Select, "select", Moving, "open / run the selected item (again: back)", ["enter"], [];
    Back, "back", Moving, "close what is open", ["esc"], [];
    Mode, "mode", Search, "search mode: hybrid → bm25 → vector", ["m"], [];
    LabelFilter, "label_filter", Search, "filter by label (cycles through the labels, then all)", ["l"], [];
    Relevant, "relevant", Search, "judge the selected hit relevant (again: undo)", ["y"], [];
    NotRelevant, "not_relevant", Search, "judge the selected hit not relevant (again: undo)", ["n"], [];
    Judgments, "judgments", Search, "judgments panel: each mode's nDCG@10 on your judged queries", ["e"], [];
    Retune, "retune", Search, "re-tune the fusion from your judgments (kept in the index)", ["t"], [];
    Edit, "edit", Search, "open the selected hit in $VISUAL / $EDITOR at its passage's line", ["E"], [];
    Panel, "panel", Classify, "large panel: learning curve → disagreements → reliability", ["v"], [];
    Increase, "increase", Train, "change the setting up", ["right", "l", "+"], [];
    Decrease, "decrease", Train, "change the setting down", ["left", "h", "-"], [];
    Start, "start", Train, "start training (on the data + the background corpus)", ["s"], [];
}

/// One key with its modifiers, as written in `[keys]` ("q", "ctrl-d", "pagedown").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Chord {
    /// Parses a key name; None for a name it does not know.
    pub fn parse(text: &str) -> Option<Chord> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| *n <= 12)?),
                _ => return None,
            },
        };
        Some(Chord { code, ctrl, alt })
    }

    /// Whether `k` is this key (Shift is part of the character: `G` is Shift-g).
    pub fn matches(&self, k: &KeyEvent) -> bool {
        let code = match (self.code, k.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (a, b) => a == b,
        };
        code && self.ctrl == k.modifiers.contains(KeyModifiers::CONTROL)
            && self.alt == k.modifiers.contains(KeyModifiers::ALT)
    }

    /// How the help shows it.
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let ctrl = if self.ctrl { "Ctrl-" } else { "" };
        let alt = if self.alt { "Alt-" } else { "" };
        format!("{ctrl}{alt}{key}")
    }
}

/// The keys of every action: the preset's, with `[keys]` replacing an action's keys.
#[derive(Debug, Clone)]
pub struct KeyMap {
    bindings: Vec<(Action, Vec<Chord>)>,
}

impl Default for KeyMap {
    fn default() -> Self {
        Self::preset(KeyPreset::Default)
    }
}

impl KeyMap {
    /// The keys of `preset`, unchanged.
    pub fn preset(preset: KeyPreset) -> Self {
        let bindings = Action::ALL
            .iter()
            .map(|&a| {
                let keys = a.preset_keys(preset).into_iter();
                (a, keys.filter_map(Chord::parse).collect())
            })
            .collect();
        Self { bindings }
    }

    /// The preset of `config` with its rebindings; an unknown action or key name is an error
    /// naming the `keys.<action>` entry and what is accepted.
    pub fn from_config(config: &KeysConfig) -> Result<Self> {
        let mut map = Self::preset(config.preset);
        for (name, keys) in &config.bindings {
            let Some(&action) = Action::ALL.iter().find(|a| a.name() == name) else {
                let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                return Err(Error::config(
                    format!("keys.{name}"),
                    format!("no such action; actions: {}", names.join(", ")),
                ));
            };
            let chords = keys
                .keys()
                .into_iter()
                .map(|k| {
                    Chord::parse(k).ok_or_else(|| {
                        Error::config(
                            format!("keys.{name}"),
                            format!(
                                "unknown key {k:?}; expected one character, a name (enter, esc, \
                                 tab, backtab, space, backspace, delete, up, down, left, right, \
                                 home, end, pageup, pagedown, f1-f12) or ctrl-/alt- with one"
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            if let Some(slot) = map.bindings.iter_mut().find(|(a, _)| *a == action) {
                slot.1 = chords;
            }
        }
        Ok(map)
    }

    /// Whether `k` is bound to `action`.
    pub fn is(&self, k: &KeyEvent, action: Action) -> bool {
        self.keys(action).iter().any(|c| c.matches(k))
    }

    /// The keys bound to `action`.
    pub fn keys(&self, action: Action) -> &[Chord] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, keys)| keys.as_slice())
    }

    /// The keys of `action` as the help shows them ("↓ j"); "(unbound)" when none.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(Chord::label).collect();
        if keys.is_empty() {
            "(unbound)".into()
        } else {
            keys.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyList;

    fn press(c: char) -> KeyEvent {
        KeyEvent::from(KeyCode::Char(c))
    }

    #[test]
    fn key_names_parse_and_match_with_their_modifiers() {
        let ctrl_d = Chord::parse("ctrl-d").unwrap();
        assert!(ctrl_d.matches(&KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)));
        assert!(!ctrl_d.matches(&press('d')));
        assert_eq!(ctrl_d.label(), "Ctrl-d");
        // Shift is in the character: "G" matches the G a terminal sends with Shift held.
        let big_g = Chord::parse("G").unwrap();
        assert!(big_g.matches(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(!big_g.matches(&press('g')));
        assert_eq!(Chord::parse("PageDown").unwrap().code, KeyCode::PageDown);
        assert_eq!(Chord::parse("f5").unwrap().code, KeyCode::F(5));
        assert_eq!(Chord::parse("-").unwrap().code, KeyCode::Char('-'));
        for bad in ["", "ctrl-", "f13", "pagedwn", "ab"] {
            assert_eq!(Chord::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_rebound_action_answers_its_new_key_and_no_longer_its_old_one() {
        let mut config = KeysConfig::default();
        config
            .bindings
            .insert("quit".into(), KeyList::One("ctrl-q".into()));
        let map = KeyMap::from_config(&config).unwrap();
        assert!(!map.is(&press('q'), Action::Quit));
        assert!(map.is(
            &KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL),
            Action::Quit
        ));
        assert_eq!(map.label(Action::Quit), "Ctrl-q");
        // Other actions keep the preset's keys.
        assert_eq!(map.label(Action::Down), "↓ j");
    }

    #[test]
    fn the_vim_preset_adds_its_motions() {
        let default = KeyMap::preset(KeyPreset::Default);
        let vim = KeyMap::preset(KeyPreset::Vim);
        assert!(!default.is(&press('g'), Action::First));
        assert!(vim.is(&press('g'), Action::First));
        assert!(vim.is(&press('i'), Action::Type));
        assert!(vim.is(&press('/'), Action::Type));
        // Every preset key of every action parses.
        for &a in Action::ALL {
            for preset in [KeyPreset::Default, KeyPreset::Vim] {
                assert_eq!(
                    a.preset_keys(preset).len(),
                    KeyMap::preset(preset).keys(a).len(),
                    "{a:?}"
                );
            }
        }
    }

    #[test]
    fn unknown_actions_and_keys_are_errors_naming_the_entry() {
        let mut config = KeysConfig::default();
        config
            .bindings
            .insert("jump".into(), KeyList::One("j".into()));
        let e = KeyMap::from_config(&config).unwrap_err().to_string();
        assert!(e.contains("keys.jump") && e.contains("no such action") && e.contains("quit"));
        let mut config = KeysConfig::default();
        config
            .bindings
            .insert("down".into(), KeyList::Many(vec!["j".into(), "dwn".into()]));
        let e = KeyMap::from_config(&config).unwrap_err().to_string();
        assert!(e.contains("keys.down") && e.contains("\"dwn\""), "{e}");
    }

    #[test]
    fn keys_come_from_config_toml() {
        let config = crate::Config::from_toml(
            "[keys]\npreset = \"vim\"\nquit = [\"ctrl-q\", \"Q\"]\nmode = \"M\"\n",
        )
        .unwrap();
        let map = KeyMap::from_config(&config.keys).unwrap();
        assert_eq!(map.label(Action::Quit), "Ctrl-q Q");
        assert!(map.is(&press('M'), Action::Mode) && !map.is(&press('m'), Action::Mode));
        assert!(map.is(&press('G'), Action::Last));
    }
}
