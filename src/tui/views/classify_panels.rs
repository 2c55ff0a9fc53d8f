//! The Classify tab's large panel, one picture at a time (`v` cycles): the learning curve of
//! every method, the rows where bag-of-words and the best embedding method disagree (one opens
//! full screen), and the selected method's reliability curve.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Clear, Dataset, GraphType, LegendPosition, Paragraph, Wrap};

use super::{block, waiting};
use crate::classify::compare::CompareReport;
use crate::classify::disagreements::Disagreements;
use crate::tui::app::{App, ClassifyPanel};

/// One colour per method, in `compare`'s order: bag-of-words, then embeddings alone (blues),
/// then combinations (greens).
const COLOURS: [Color; 7] = [
    Color::White,
    Color::Blue,
    Color::Cyan,
    Color::LightBlue,
    Color::Green,
    Color::LightGreen,
    Color::Yellow,
];

pub fn render(frame: &mut Frame, app: &App, c: &CompareReport, area: Rect) {
    let hint = "v: next view";
    match app.classify.panel {
        ClassifyPanel::LearningCurve => learning_curve(frame, c, area, hint),
        ClassifyPanel::Disagreements => match &c.disagreements {
            Some(d) => disagreement_list(frame, app, d, area, hint),
            None => frame.render_widget(
                waiting("no embedding method to compare with bag-of-words")
                    .block(block(format!("disagreements · {hint}"), false)),
                area,
            ),
        },
        ClassifyPanel::Reliability => reliability(frame, app, c, area, hint),
    }
}

/// (log10 of labelled rows, accuracy) for `method`: each learning-curve size, then the whole
/// training split.
fn curve(c: &CompareReport, method: &str) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = c
        .learning_curve
        .iter()
        .filter(|p| p.method == method && p.train_rows > 0)
        .map(|p| ((p.train_rows as f64).log10(), p.accuracy))
        .collect();
    if let Some(m) = c.methods.iter().find(|m| m.name == method) {
        points.push(((c.train.max(1) as f64).log10(), m.accuracy));
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points.dedup_by(|a, b| a.0 == b.0);
    points
}

fn learning_curve(frame: &mut Frame, c: &CompareReport, area: Rect, hint: &str) {
    if c.learning_curve.is_empty() {
        frame.render_widget(
            waiting("no learning curve: set [tui] learning_curve in config.toml")
                .block(block(format!("learning curve · {hint}"), false)),
            area,
        );
        return;
    }
    let lines: Vec<Vec<(f64, f64)>> = c.methods.iter().map(|m| curve(c, &m.name)).collect();
    let all = lines.iter().flatten();
    let x_min = all.clone().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_max = all.clone().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let y_min = all.map(|p| p.1).fold(1.0, f64::min);
    let y_lo = ((y_min - 0.02) * 20.0).floor() / 20.0;
    let datasets: Vec<Dataset> = c
        .methods
        .iter()
        .zip(&lines)
        .enumerate()
        .map(|(i, (m, points))| {
            Dataset::default()
                .name(m.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(COLOURS[i % COLOURS.len()]))
                .data(points)
        })
        .collect();
    let rows = |x: f64| format!("{:.0}", 10f64.powf(x));
    frame.render_widget(
        Chart::new(datasets)
            .block(block(
                format!("learning curve · accuracy by labelled rows (log) · {hint}"),
                false,
            ))
            // Always show which line is which, bottom right: below where the curves end.
            .legend_position(Some(LegendPosition::BottomRight))
            .hidden_legend_constraints((Constraint::Ratio(1, 1), Constraint::Ratio(1, 1)))
            .x_axis(
                Axis::default()
                    .bounds([x_min, x_max.max(x_min + 1e-9)])
                    .labels([rows(x_min), rows((x_min + x_max) / 2.0), rows(x_max)]),
            )
            .y_axis(
                Axis::default()
                    .bounds([y_lo.max(0.0), 1.0])
                    .labels([format!("{:.2}", y_lo.max(0.0)), "1.00".to_string()]),
            ),
        area,
    );
}

fn disagreement_list(frame: &mut Frame, app: &App, d: &Disagreements, area: Rect, hint: &str) {
    let m = &d.method;
    let title = format!("disagreements · Enter: open · {hint}");
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::styled(
            format!("bow vs {m}: {} test rows differ", d.rows.len()),
            bold,
        ),
        Line::styled(
            format!(
                "only {m} right: {} · only bow right: {} (McNemar b, c)",
                d.method_right_bow_wrong, d.bow_right_method_wrong
            ),
            bold,
        ),
    ];
    let height = area.height.saturating_sub(4) as usize;
    let selected = app
        .classify
        .disagreement
        .min(d.rows.len().saturating_sub(1));
    let first = selected.saturating_sub(height.saturating_sub(1));
    lines.extend(
        d.rows
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, r)| {
                let mark = |right: bool| if right { "✓" } else { "✗" };
                let style = if i == selected {
                    Style::default().bg(Color::Rgb(40, 40, 60))
                } else {
                    Style::default()
                };
                let text: String = r.text.chars().take(200).collect();
                Line::from(vec![
                    Span::styled(
                        format!("{:<10} ", r.label.chars().take(10).collect::<String>()),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(format!(
                        "bow {} {} {:.2} · emb {} {} {:.2}  ",
                        mark(r.bow.label == r.label),
                        r.bow.label,
                        r.bow.probability,
                        mark(r.method.label == r.label),
                        r.method.label,
                        r.method.probability
                    )),
                    Span::styled(text, Style::default().fg(Color::Gray)),
                ])
                .style(style)
            }),
    );
    frame.render_widget(Paragraph::new(lines).block(block(title, false)), area);
}

/// The selected disagreement over the whole main area: its full text and both predictions.
pub fn disagreement_full(frame: &mut Frame, app: &App, d: &Disagreements, area: Rect) {
    let Some(r) = d.rows.get(
        app.classify
            .disagreement
            .min(d.rows.len().saturating_sub(1)),
    ) else {
        return;
    };
    let mut lines = vec![
        Line::from(format!("data row {} · true label: {}", r.row, r.label)),
        Line::from(format!(
            "bag-of-words: {} ({:.3})   {}: {} ({:.3})",
            r.bow.label, r.bow.probability, d.method, r.method.label, r.method.probability
        )),
        Line::from(""),
    ];
    lines.extend(r.text.lines().map(|l| Line::from(l.to_string())));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("disagreement · Esc or Enter: back", true)),
        area,
    );
}

fn reliability(frame: &mut Frame, app: &App, c: &CompareReport, area: Rect, hint: &str) {
    let Some(m) = c
        .methods
        .get(app.classify.selected.min(c.methods.len().saturating_sub(1)))
    else {
        return;
    };
    let Some(cal) = &m.calibration else {
        frame.render_widget(
            waiting("no calibration in this report").block(block(hint, false)),
            area,
        );
        return;
    };
    let points: Vec<(f64, f64)> = cal
        .bins
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| (b.confidence, b.accuracy))
        .collect();
    let diagonal = [(0.0, 0.0), (1.0, 1.0)];
    let datasets = vec![
        Dataset::default()
            .name("perfectly calibrated")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(Color::DarkGray))
            .data(&diagonal),
        Dataset::default()
            .name(m.name.clone())
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(Color::Yellow))
            .data(&points),
    ];
    let axis = |title: &'static str| {
        Axis::default()
            .title(title)
            .bounds([0.0, 1.0])
            .labels(["0", "0.5", "1"])
    };
    frame.render_widget(
        Chart::new(datasets)
            .block(block(
                format!(
                    "reliability · {} · ECE {:.3} · ↑↓ method · {hint}",
                    m.name, cal.ece
                ),
                false,
            ))
            .x_axis(axis("confidence"))
            .y_axis(axis("accuracy")),
        area,
    );
}
