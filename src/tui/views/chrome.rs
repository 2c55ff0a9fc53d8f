//! The frame around the tabs: tab bar, status bar with a gauge per running job, help overlay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, LineGauge, Row, Table};

use crate::tui::app::{App, Tab};
use crate::tui::keymap::{Action, Scope};
use crate::tui::layout;

pub fn tabs(frame: &mut Frame, app: &App, area: Rect) {
    let mut spans = vec![Span::raw(" ".repeat(layout::TAB_BAR_INDENT as usize))];
    for tab in Tab::ALL.iter() {
        let style = if *tab == app.tab {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        spans.push(Span::styled(tab.label(), style));
        spans.push(Span::raw(layout::TAB_GAP));
    }
    let rows = app
        .loaded
        .rows
        .map_or(String::new(), |n| format!(" · {n} documents"));
    spans.push(Span::styled(
        format!("wordlens · {}{rows}", app.status.data_name),
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(Line::from(spans), area);
}

pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    let [jobs_row, message_row] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    if app.status.jobs.is_empty() {
        #[cfg(feature = "milvus")]
        let ready = match &app.engine {
            Some(e) => format!(" ready · search answered by {}", e.milvus.uri()),
            None => " ready".to_string(),
        };
        #[cfg(not(feature = "milvus"))]
        let ready = " ready".to_string();
        frame.render_widget(
            Line::styled(ready, Style::default().fg(Color::Green)),
            jobs_row,
        );
    } else {
        let n = app.status.jobs.len() as u32;
        let cells = Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n))).split(jobs_row);
        for ((job, s), cell) in app.status.jobs.iter().zip(cells.iter()) {
            let rate = s.rate.map_or(String::new(), |r| format!(" {}/s", human(r)));
            // The stage when it says more than the job's name ("reading the vectors").
            let stage = if s.stage.is_empty() || s.stage == job.name() {
                String::new()
            } else {
                format!(" · {}", s.stage)
            };
            let label = if s.total == 0 {
                format!("{}{stage} …", job.name())
            } else {
                format!("{}{stage} {:>3.0}%{rate}", job.name(), 100.0 * s.ratio())
            };
            frame.render_widget(
                LineGauge::default()
                    .ratio(s.ratio())
                    .label(label)
                    .filled_style(Style::default().fg(Color::Cyan))
                    .unfilled_style(Style::default().fg(Color::DarkGray)),
                *cell,
            );
        }
    }
    let k = |a| app.keymap.label(a);
    let message = match (app.status.errors.last(), &app.status.notice) {
        (Some(e), _) => Line::styled(format!(" error: {e}"), Style::default().fg(Color::Red)),
        (None, Some(n)) => Line::styled(format!(" {n}"), Style::default().fg(Color::Green)),
        (None, None) if app.editing => Line::styled(
            " typing · Enter runs · Esc leaves the field · Tab next tab · Ctrl-C quits",
            Style::default().fg(Color::DarkGray),
        ),
        (None, None) => {
            let cancel = if app.status.jobs.is_empty() {
                String::new()
            } else {
                format!("{} cancels · ", k(Action::Cancel))
            };
            let vectors = match app.loaded.embeddings_source.as_str() {
                "" => String::new(),
                v => format!(" · vectors: {v}"),
            };
            Line::styled(
                format!(
                    " {cancel}{} help · {} open · {} type · {} quits{vectors}",
                    k(Action::Help),
                    k(Action::Open),
                    k(Action::Type),
                    k(Action::Quit)
                ),
                Style::default().fg(Color::DarkGray),
            )
        }
    };
    frame.render_widget(message, message_row);
}

/// 1234 → "1.2k", 2_000_000 → "2.0M".
pub fn human(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// Keys of text boxes, fixed (typing is text there), per tab.
fn text_box_keys(tab: Tab) -> Vec<(&'static str, &'static str)> {
    match tab {
        Tab::Search => vec![
            (
                "Esc",
                "in the query box: leave it (results update as you type)",
            ),
            (
                "↑ ↓ Ctrl-P/N",
                "in the query box: previous / next query of the history",
            ),
            (
                "Ctrl-R",
                "in the query box: search the history for the text",
            ),
        ],
        Tab::Classify => vec![(
            "Enter / Esc",
            "in the \"try it\" box: classify now / leave it",
        )],
        Tab::Embeddings => vec![(
            "Enter",
            "in the box: a word, or three for an analogy: a b c",
        )],
        Tab::Train => vec![],
    }
}

/// Every key of the current tab with what it does, as bound now, filtered by `filter`
/// (matched against the key, the action's name and its description, ignoring case).
pub fn keys(app: &App, filter: &str) -> Vec<(String, String)> {
    let scope = match app.tab {
        Tab::Search => Scope::Search,
        Tab::Classify => Scope::Classify,
        Tab::Embeddings => Scope::Moving,
        Tab::Train => Scope::Train,
    };
    let mut keys: Vec<(String, String)> = Action::ALL
        .iter()
        .filter(|a| matches!(a.scope(), Scope::Global | Scope::Moving) || a.scope() == scope)
        .map(|&a| {
            (
                app.keymap.label(a),
                format!("{} ({})", a.describe(), a.name()),
            )
        })
        .collect();
    keys.push(("Ctrl-C".into(), "quit, always".into()));
    keys.extend(
        text_box_keys(app.tab)
            .into_iter()
            .map(|(k, w)| (k.to_string(), w.to_string())),
    );
    let filter = filter.to_lowercase();
    keys.retain(|(k, w)| {
        filter.is_empty()
            || k.to_lowercase().contains(&filter)
            || w.to_lowercase().contains(&filter)
    });
    keys
}

pub fn help(frame: &mut Frame, app: &App, main: Rect) {
    let keys = keys(app, &app.overlay.help_filter);
    let area = layout::centered(main, 96, keys.len() as u16 + 5);
    frame.render_widget(Clear, area);
    let block = super::block(format!("keys · {}", app.tab.title()), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [filter_row, list] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let filter = if app.overlay.help_filter.is_empty() {
        Line::styled(
            "type to filter · Esc closes · [keys] in config.toml rebinds",
            Style::default().fg(Color::DarkGray),
        )
    } else {
        Line::from(format!("filter: {}", app.overlay.help_filter))
    };
    frame.render_widget(filter, filter_row);
    let rows = keys.into_iter().map(|(k, what)| {
        Row::new(vec![
            Line::styled(k, Style::default().fg(Color::Yellow)),
            Line::from(what),
        ])
    });
    let table = Table::new(rows, [Constraint::Length(16), Constraint::Min(0)]);
    frame.render_widget(table, list);
}
