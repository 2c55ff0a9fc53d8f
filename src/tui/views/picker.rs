//! The file picker and the column dialog, drawn over the current tab.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Row, Table, Wrap};

use crate::tui::columns::{ColumnDialog, ColumnRole};
use crate::tui::layout;
use crate::tui::picker::{Picker, PickerList};

// Over 80 lines: one dialog's widgets laid out top to bottom.
/// The picker: the filter, the list with matched letters highlighted, and the preview.
pub fn picker(frame: &mut Frame, p: &Picker, main: Rect) {
    let area = layout::centered(main, main.width.saturating_sub(4), main.height);
    frame.render_widget(Clear, area);
    let title = match p.list {
        PickerList::Folder => format!("open · {}", p.dir.display()),
        PickerList::Recent => "open · recent collections and vectors".into(),
    };
    let outer = super::block(title, true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [filter_row, body, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::from(vec![
            Span::styled("filter: ", Style::default().fg(Color::DarkGray)),
            Span::raw(p.filter.as_str()),
            Span::styled(" ", Style::default().bg(Color::Yellow)),
        ]),
        filter_row,
    );
    let [list, preview] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let visible = list.height.saturating_sub(2) as usize;
    let first = p.selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = p
        .shown
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, shown)| {
            let entry = &p.entries[shown.entry];
            let base = if i == p.selected {
                Style::default()
                    .bg(Color::DarkGray)
                    .add_modifier(Modifier::BOLD)
            } else if entry.is_dir {
                Style::default().fg(Color::Cyan)
            } else {
                Style::default()
            };
            let spans: Vec<Span> = entry
                .label
                .chars()
                .enumerate()
                .map(|(at, c)| {
                    let style = if shown.matched.contains(&at) {
                        base.fg(Color::Yellow).add_modifier(Modifier::UNDERLINED)
                    } else {
                        base
                    };
                    Span::styled(c.to_string(), style)
                })
                .collect();
            Line::from(spans)
        })
        .collect();
    let count = format!("{} of {}", p.shown.len(), p.entries.len());
    frame.render_widget(
        Paragraph::new(lines).block(super::block(count, false)),
        list,
    );
    let role = p.role.map_or(String::new(), |r| format!(" · {}", r.tag()));
    let mut text: Vec<Line> = p.preview.iter().map(|l| Line::from(l.as_str())).collect();
    if let Some(e) = &p.error {
        text.insert(0, Line::styled(e.as_str(), Style::default().fg(Color::Red)));
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(super::block(format!("preview{role}"), false)),
        preview,
    );
    frame.render_widget(
        Line::styled(
            " type to filter · ↑↓ move · Enter open · Tab folder/recent · Backspace up · Esc close",
            Style::default().fg(Color::DarkGray),
        ),
        hint,
    );
}

/// The column dialog: each column with its role and first value.
pub fn columns(frame: &mut Frame, d: &ColumnDialog, main: Rect) {
    let height = (d.header.len() as u16 + 6).min(main.height);
    let area = layout::centered(main, main.width.saturating_sub(8).min(100), height);
    frame.render_widget(Clear, area);
    let name = d
        .path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let how = if d.remembered {
        "as last time"
    } else {
        "guessed"
    };
    let outer = super::block(format!("columns of {name} ({how})"), true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [table_area, message] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let rows = d.header.iter().enumerate().map(|(i, h)| {
        let role = d.roles[i];
        let role_style = match role {
            ColumnRole::Unused => Style::default().fg(Color::DarkGray),
            _ => Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
        };
        let sample: String = d.samples[i].chars().take(80).collect();
        let row = Row::new(vec![
            Line::from(h.as_str()),
            Line::styled(role.name(), role_style),
            Line::styled(sample, Style::default().fg(Color::Gray)),
        ]);
        if i == d.selected {
            row.style(Style::default().bg(Color::DarkGray))
        } else {
            row
        }
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Length(6),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(["column", "use", "first row"])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    );
    frame.render_widget(table, table_area);
    let line = match &d.error {
        Some(e) => Line::styled(e.as_str(), Style::default().fg(Color::Red)),
        None => Line::styled(
            "↑↓ column · ← → change its use · Space text on/off (several may be text) · Enter open · Esc back",
            Style::default().fg(Color::DarkGray),
        ),
    };
    frame.render_widget(line, message);
}
