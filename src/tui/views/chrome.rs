//! The frame around the tabs: tab bar, status bar with a gauge per running job, help overlay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, LineGauge, Row, Table};

use crate::tui::app::{App, Tab};
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
        .res
        .rows
        .map_or(String::new(), |n| format!(" · {n} documents"));
    spans.push(Span::styled(
        format!("wordlens · {}{rows}", app.data_name),
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(Line::from(spans), area);
}

pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    let [jobs_row, message_row] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    if app.jobs.is_empty() {
        frame.render_widget(
            Line::styled(" ready", Style::default().fg(Color::Green)),
            jobs_row,
        );
    } else {
        let n = app.jobs.len() as u32;
        let cells = Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n))).split(jobs_row);
        for ((job, s), cell) in app.jobs.iter().zip(cells.iter()) {
            let rate = s.rate.map_or(String::new(), |r| format!(" {}/s", human(r)));
            let label = if s.total == 0 {
                format!("{} …", job.name())
            } else {
                format!("{} {:>3.0}%{rate}", job.name(), 100.0 * s.ratio())
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
    let message = match app.errors.last() {
        Some(e) => Line::styled(format!(" error: {e}"), Style::default().fg(Color::Red)),
        None => Line::styled(
            if app.editing {
                " typing · Enter runs · Esc leaves the field · Tab next tab · Ctrl-C quits"
            } else {
                " ? help · / type · 1-4 or Tab switch tabs · j/k move · q quits"
            },
            Style::default().fg(Color::DarkGray),
        ),
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

/// Every key of the current view.
pub fn keys(tab: Tab) -> Vec<(&'static str, &'static str)> {
    let mut keys = vec![
        ("Tab / Shift-Tab", "next / previous tab"),
        ("1 2 3 4", "Search, Classify, Embeddings, Train"),
        ("?", "this help (any key closes it)"),
        ("q / Ctrl-C", "quit"),
    ];
    keys.extend(match tab {
        Tab::Search => vec![
            ("/", "type a query (results update as you type)"),
            ("Esc", "leave the query box"),
            (
                "j k ↑ ↓ / wheel",
                "results (outside the query box); click selects",
            ),
            (
                "Enter",
                "open the selected document full screen (again: back)",
            ),
            ("PgUp PgDn", "scroll the preview"),
            ("m", "mode: hybrid → bm25 → vector"),
            ("l", "filter by label (cycles through the labels, then all)"),
            (
                "y / n",
                "judge the selected hit relevant / not (again: undo)",
            ),
            ("e", "judgments: each mode's nDCG@10 on your judged queries"),
            (
                "t",
                "re-tune the fusion from your judgments (kept in index)",
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
        Tab::Classify => vec![
            (
                "j k ↑ ↓ / click",
                "pick a method: its confusion matrix, per-class scores, reliability curve",
            ),
            (
                "v",
                "large panel: learning curve → disagreements → reliability curve",
            ),
            (
                "j k ↑ ↓ / Enter / Esc",
                "disagreements: move / open the row full screen / back",
            ),
            ("/", "type text to classify (\"try it\")"),
            ("Enter / Esc", "classify now / leave the box"),
        ],
        Tab::Embeddings => vec![
            ("/", "type a word, or three for an analogy: a b c"),
            ("Enter", "look up; on a neighbour: explore that word"),
            ("j k ↑ ↓ / click", "move through the neighbours"),
        ],
        Tab::Train => vec![
            ("j k ↑ ↓", "pick a setting"),
            ("h l ← → - +", "change it"),
            (
                "Enter / s",
                "start training (on the data + Wikipedia sample)",
            ),
            ("c / Esc", "cancel training"),
        ],
    });
    keys
}

pub fn help(frame: &mut Frame, app: &App, main: Rect) {
    let keys = keys(app.tab);
    let area = layout::centered(main, 76, keys.len() as u16 + 4);
    frame.render_widget(Clear, area);
    let rows = keys.into_iter().map(|(k, what)| {
        Row::new(vec![
            Line::styled(k, Style::default().fg(Color::Yellow)),
            Line::from(what),
        ])
    });
    let table = Table::new(rows, [Constraint::Length(18), Constraint::Min(0)])
        .block(super::block(format!("keys · {}", app.tab.title()), true));
    frame.render_widget(table, area);
}
