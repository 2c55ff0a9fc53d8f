//! Train tab: the word2vec settings, a gauge with words/s, and the loss as a chart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, Gauge, GraphType, Paragraph, Wrap};

use super::block;
use super::chrome::human;
use crate::tui::app::App;
use crate::tui::jobs::JobKind;
use crate::tui::layout;
use crate::tui::train_form::TrainField;

pub fn render(frame: &mut Frame, app: &App, main: Rect) {
    let t = &app.train;
    let [form, gauge, chart] = layout::train(main);
    let mut lines: Vec<Line> = TrainField::ALL
        .iter()
        .map(|&field| {
            let text = format!(" {:<10} ‹ {} ›", field.label(), field.value(&t.config));
            if field == t.field {
                Line::styled(
                    text,
                    Style::default()
                        .bg(Color::Rgb(40, 40, 60))
                        .add_modifier(Modifier::BOLD),
                )
            } else {
                Line::from(text)
            }
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        t.message.clone(),
        Style::default().fg(Color::Gray),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("word2vec settings (j/k pick, h/l change)", true)),
        form,
    );
    let status = app.status.jobs.get(&JobKind::Training);
    let [bar, info] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(gauge);
    let ratio = status.map_or(if t.loss.is_empty() { 0.0 } else { 1.0 }, |s| s.ratio());
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(match status {
                Some(s) if !s.stage.is_empty() => format!("{} {:.0}%", s.stage, 100.0 * ratio),
                _ => format!("{:.0}%", 100.0 * ratio),
            })
            .gauge_style(Style::default().fg(Color::Cyan))
            .block(block("progress", false)),
        bar,
    );
    let rate = t
        .words_per_sec
        .map_or("–".to_string(), |r| format!("{} words/s", human(r)));
    let loss = t
        .loss
        .last()
        .map_or("–".to_string(), |l| format!("{:.4}", l.1));
    frame.render_widget(Line::from(format!(" {rate} · loss {loss}")), info);
    let x_max = t.loss.last().map_or(1.0, |l| l.0.max(1.0));
    let y_max = t.loss.iter().map(|l| l.1).fold(0.0, f64::max).max(1e-6) * 1.1;
    let data = [Dataset::default()
        .name("loss")
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::default().fg(Color::Yellow))
        .data(&t.loss)];
    frame.render_widget(
        Chart::new(data.to_vec())
            .block(block("loss", false))
            .x_axis(
                Axis::default()
                    .title("seconds")
                    .bounds([0.0, x_max])
                    .labels(["0".to_string(), format!("{x_max:.0}")]),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, y_max])
                    .labels(["0".to_string(), format!("{y_max:.2}")]),
            ),
        chart,
    );
}
