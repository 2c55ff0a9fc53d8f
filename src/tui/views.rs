//! Rendering: reads the `App` and draws it. One file per tab plus the frame around them.

mod chrome;
mod classify;
mod classify_panels;
mod embeddings;
mod picker;
mod search;
mod train;

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, Tab};
use super::layout;

/// Draws the whole screen from `app` (views only read the state).
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if layout::too_small(area) {
        let msg = format!(
            "The terminal is {}x{}; wordlens needs at least {}x{}. Enlarge it, or press q to quit.",
            area.width,
            area.height,
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT
        );
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        app.palette.apply(frame.buffer_mut());
        return;
    }
    let [tabs, main, status] = layout::frame(area);
    chrome::tabs(frame, app, tabs);
    match app.tab {
        Tab::Search => search::render(frame, app, main),
        Tab::Classify => classify::render(frame, app, main),
        Tab::Embeddings => embeddings::render(frame, app, main),
        Tab::Train => train::render(frame, app, main),
    }
    chrome::status(frame, app, status);
    if app.overlay.help {
        chrome::help(frame, app, main);
    }
    if let Some(p) = &app.overlay.picker {
        picker::picker(frame, p, main);
    }
    if let Some(d) = &app.overlay.columns {
        picker::columns(frame, d, main);
    }
    app.palette.apply(frame.buffer_mut());
}

/// A bordered block whose border is highlighted when it has the keyboard.
fn block(title: impl std::fmt::Display, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Yellow)
    } else {
        Style::default().fg(Color::DarkGray)
    };
    Block::bordered().border_style(style).title(Line::styled(
        format!(" {title} "),
        Style::default().add_modifier(Modifier::BOLD),
    ))
}

/// A text field: the text and a cursor block when focused, a hint when empty.
fn input<'a>(text: &'a str, hint: &'a str, focused: bool) -> Line<'a> {
    if text.is_empty() && !focused {
        return Line::styled(hint, Style::default().fg(Color::DarkGray));
    }
    let mut line = Line::from(text);
    if focused {
        line.push_span(ratatui::text::Span::styled(
            " ",
            Style::default().bg(Color::Yellow),
        ));
    }
    line
}

/// "waiting for X…" placeholder while a job is still running.
fn waiting(what: &str) -> Paragraph<'_> {
    Paragraph::new(Line::styled(
        format!("{what}…"),
        Style::default().fg(Color::DarkGray),
    ))
    .wrap(Wrap { trim: true })
}
