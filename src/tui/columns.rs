//! The column dialog: which columns of a CSV/TSV are the text, the label, the title and the
//! id. Guessed from the header's names and the first rows (a column of a few distinct values
//! is a label candidate, the longest values are the text), confirmed by the user.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::text::{CorpusFormat, CorpusSpec};

/// What a column is used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnRole {
    /// Part of the document text (several columns are joined with a space).
    Text,
    /// The class, for classification.
    Label,
    /// Shown as the result's title.
    Title,
    /// The document's id.
    Id,
    /// Not read.
    Unused,
}

impl ColumnRole {
    /// The next role the dialog offers (→ or Space).
    pub fn next(self) -> Self {
        match self {
            ColumnRole::Unused => ColumnRole::Text,
            ColumnRole::Text => ColumnRole::Label,
            ColumnRole::Label => ColumnRole::Title,
            ColumnRole::Title => ColumnRole::Id,
            ColumnRole::Id => ColumnRole::Unused,
        }
    }

    /// The previous role (←).
    pub fn previous(self) -> Self {
        let mut r = self;
        for _ in 0..4 {
            r = r.next();
        }
        r
    }

    /// The name the dialog shows.
    pub fn name(self) -> &'static str {
        match self {
            ColumnRole::Text => "text",
            ColumnRole::Label => "label",
            ColumnRole::Title => "title",
            ColumnRole::Id => "id",
            ColumnRole::Unused => "-",
        }
    }
}

/// Column names that say what a column is.
const NAMES: [(ColumnRole, &[&str]); 4] = [
    (
        ColumnRole::Text,
        &[
            "text",
            "body",
            "content",
            "document",
            "article",
            "message",
            "tweet",
            "review",
            "sentence",
            "description",
            "abstract",
            "comment",
        ],
    ),
    (
        ColumnRole::Label,
        &[
            "label",
            "category",
            "class",
            "sentiment",
            "topic",
            "target",
            "tag",
            "y",
        ],
    ),
    (ColumnRole::Title, &["title", "headline", "subject", "name"]),
    (
        ColumnRole::Id,
        &["id", "doc_id", "docid", "uid", "key", "index"],
    ),
];

/// Roles for `header`, guessed from the names, then from `rows` for what the names left open.
pub fn guess(header: &[String], rows: &[Vec<String>]) -> Vec<ColumnRole> {
    let mut roles = vec![ColumnRole::Unused; header.len()];
    for (role, names) in NAMES {
        let found = header
            .iter()
            .position(|h| names.contains(&h.trim().to_lowercase().as_str()));
        if let Some(i) = found.filter(|&i| roles[i] == ColumnRole::Unused) {
            roles[i] = role;
        }
    }
    let values = |i: usize| {
        rows.iter()
            .filter_map(move |r| r.get(i))
            .map(String::as_str)
    };
    let free: Vec<usize> = (0..header.len())
        .filter(|&i| roles[i] == ColumnRole::Unused)
        .collect();
    if !roles.contains(&ColumnRole::Label) && rows.len() >= 10 {
        // A few distinct short values repeated across the rows: a label candidate.
        let candidate = free
            .iter()
            .map(|&i| (i, values(i).collect::<BTreeSet<_>>()))
            .filter(|(i, set)| {
                set.len() >= 2
                    && set.len() <= 20.min(rows.len() / 2)
                    && values(*i).all(|v| v.chars().count() <= 40)
            })
            .min_by_key(|(_, set)| set.len());
        if let Some((i, _)) = candidate {
            roles[i] = ColumnRole::Label;
        }
    }
    if !roles.contains(&ColumnRole::Text) {
        let mean_len = |i: usize| {
            let n = values(i).count().max(1);
            values(i).map(|v| v.chars().count()).sum::<usize>() / n
        };
        let longest = (0..header.len())
            .filter(|&i| roles[i] == ColumnRole::Unused)
            .max_by_key(|&i| mean_len(i));
        if let Some(i) = longest {
            roles[i] = ColumnRole::Text;
        }
    }
    roles
}

/// The columns chosen for a file, as remembered between sessions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnChoice {
    pub text: Vec<String>,
    pub label: Option<String>,
    pub title: Option<String>,
    pub id: Option<String>,
}

/// The dialog's state.
#[derive(Debug, Clone)]
pub struct ColumnDialog {
    pub path: PathBuf,
    pub format: CorpusFormat,
    pub header: Vec<String>,
    /// The first record's value of each column, for the user to recognise it.
    pub samples: Vec<String>,
    pub roles: Vec<ColumnRole>,
    pub selected: usize,
    /// Why Enter was refused.
    pub error: Option<String>,
    /// The roles came from the choice remembered for this file, not from guessing.
    pub remembered: bool,
}

impl ColumnDialog {
    /// The dialog for `path` with its header and first rows, prefilled with `remembered`
    /// (when every column it names still exists) or with the guess.
    pub fn new(
        path: PathBuf,
        format: CorpusFormat,
        header: Vec<String>,
        rows: &[Vec<String>],
        remembered: Option<&ColumnChoice>,
    ) -> Self {
        let samples = (0..header.len())
            .map(|i| {
                rows.first()
                    .and_then(|r| r.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let from_memory = remembered.and_then(|c| roles_of(&header, c));
        let remembered = from_memory.is_some();
        let roles = from_memory.unwrap_or_else(|| guess(&header, rows));
        Self {
            path,
            format,
            header,
            samples,
            roles,
            selected: 0,
            error: None,
            remembered,
        }
    }

    /// Gives the selected column `role`; label, title and id belong to one column only.
    pub fn set_role(&mut self, role: ColumnRole) {
        if role != ColumnRole::Text && role != ColumnRole::Unused {
            for r in self.roles.iter_mut().filter(|r| **r == role) {
                *r = ColumnRole::Unused;
            }
        }
        if let Some(r) = self.roles.get_mut(self.selected) {
            *r = role;
        }
        self.error = None;
    }

    /// The choice as column names; None (with the reason in `error`) without a text column.
    pub fn confirm(&mut self) -> Option<ColumnChoice> {
        let named = |role| {
            self.roles
                .iter()
                .position(|r| *r == role)
                .map(|i| self.header[i].clone())
        };
        let text: Vec<String> = (0..self.header.len())
            .filter(|&i| self.roles[i] == ColumnRole::Text)
            .map(|i| self.header[i].clone())
            .collect();
        if text.is_empty() {
            self.error = Some("choose at least one text column (Space on a column)".into());
            return None;
        }
        Some(ColumnChoice {
            text,
            label: named(ColumnRole::Label),
            title: named(ColumnRole::Title),
            id: named(ColumnRole::Id),
        })
    }
}

/// The roles `choice` gives `header`'s columns; None when a chosen column is gone.
fn roles_of(header: &[String], choice: &ColumnChoice) -> Option<Vec<ColumnRole>> {
    let mut roles = vec![ColumnRole::Unused; header.len()];
    let mut give = |name: &String, role| {
        let i = header.iter().position(|h| h == name)?;
        roles[i] = role;
        Some(())
    };
    for t in &choice.text {
        give(t, ColumnRole::Text)?;
    }
    for (name, role) in [
        (&choice.label, ColumnRole::Label),
        (&choice.title, ColumnRole::Title),
        (&choice.id, ColumnRole::Id),
    ] {
        if let Some(n) = name {
            give(n, role)?;
        }
    }
    Some(roles)
}

impl ColumnChoice {
    /// The corpus to read: `path` with these columns.
    pub fn spec(&self, path: PathBuf, format: CorpusFormat, lossy_utf8: bool) -> CorpusSpec {
        CorpusSpec {
            format,
            text_cols: self.text.clone(),
            label_col: self.label.clone(),
            title_col: self.title.clone(),
            id_col: self.id.clone(),
            lossy_utf8,
            ..CorpusSpec::new(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::files::table_head;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bbc_columns_are_guessed_from_their_names() {
        let path = crate::Config::default().data_file("bbc-news.csv");
        let (header, rows) = table_head(&path, false, 50).unwrap();
        let roles = guess(&header, &rows);
        let role = |name: &str| roles[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(role("text"), ColumnRole::Text);
        assert_eq!(role("category"), ColumnRole::Label);
        assert_eq!(role("title"), ColumnRole::Title);
        assert_eq!(role("id"), ColumnRole::Id);
    }

    #[test]
    fn unnamed_columns_are_guessed_from_their_content() {
        // Tweets: a column of three values is the label, the longest values the text.
        let path = crate::Config::default().data_file("tweets-sentiment.csv");
        // The file is sorted by sentiment: every 600th row.
        let (_, rows) = table_head(&path, false, 40_000).unwrap();
        let header = strings(&["a", "b", "c"]);
        let rows: Vec<Vec<String>> = rows
            .iter()
            .step_by(600)
            .enumerate()
            .map(|(i, r)| vec![i.to_string(), r[0].clone(), r[2].clone()])
            .collect();
        let roles = guess(&header, &rows);
        assert_eq!(
            roles[0],
            ColumnRole::Unused,
            "distinct numbers: not a label"
        );
        assert_eq!(roles[1], ColumnRole::Label, "{:?}", &rows[0]);
        assert_eq!(roles[2], ColumnRole::Text);
    }

    #[test]
    fn roles_are_unique_except_text_and_a_text_column_is_required() {
        let header = strings(&["headline", "body", "topic"]);
        let mut d = ColumnDialog::new("x.csv".into(), CorpusFormat::Csv, header, &[], None);
        assert_eq!(
            d.roles,
            [ColumnRole::Title, ColumnRole::Text, ColumnRole::Label]
        );
        d.selected = 0;
        d.set_role(ColumnRole::Text);
        d.selected = 1;
        d.set_role(ColumnRole::Label);
        assert_eq!(
            d.roles,
            [ColumnRole::Text, ColumnRole::Label, ColumnRole::Unused],
            "label moved to body"
        );
        let choice = d.confirm().unwrap();
        assert_eq!(choice.text, ["headline"]);
        assert_eq!(choice.label.as_deref(), Some("body"));
        d.selected = 0;
        d.set_role(ColumnRole::Unused);
        assert!(d.confirm().is_none() && d.error.is_some());
        // A remembered choice wins over the guess while its columns exist.
        let header = strings(&["headline", "body", "topic"]);
        let remembered = ColumnChoice {
            text: strings(&["headline", "body"]),
            label: None,
            title: None,
            id: Some("topic".into()),
        };
        let d = ColumnDialog::new(
            "x.csv".into(),
            CorpusFormat::Csv,
            header.clone(),
            &[],
            Some(&remembered),
        );
        assert!(d.remembered);
        assert_eq!(
            d.roles,
            [ColumnRole::Text, ColumnRole::Text, ColumnRole::Id]
        );
        let gone = ColumnChoice {
            text: strings(&["content"]),
            ..ColumnChoice::default()
        };
        let d = ColumnDialog::new("x.csv".into(), CorpusFormat::Csv, header, &[], Some(&gone));
        assert!(!d.remembered);
    }
}
