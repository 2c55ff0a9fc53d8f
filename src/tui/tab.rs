//! The four tabs, in the order the tab bar shows them.

/// A tab of the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Search,
    Classify,
    Embeddings,
    Train,
}

impl Tab {
    /// The tabs in the order the tab bar shows them.
    pub const ALL: [Tab; 4] = [Tab::Search, Tab::Classify, Tab::Embeddings, Tab::Train];

    /// The title the tab bar shows.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Search => "Search",
            Tab::Classify => "Classify",
            Tab::Embeddings => "Embeddings",
            Tab::Train => "Train",
        }
    }

    /// Position in the tab bar (0-based).
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    /// The label the tab bar draws: " 1 Search ".
    pub fn label(self) -> String {
        format!(" {} {} ", self.index() + 1, self.title())
    }
}
