//! Classify tab: the dataset, the with-vs-without-embeddings table with significance, the
//! selected method's confusion matrix as a heat map and per-class scores, and "try it".

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, Paragraph, Row, Table};

use super::{block, input, waiting};
use crate::classify::compare::CompareReport;
use crate::classify::pipeline::{Part, Reason};
use crate::tui::app::App;
use crate::tui::jobs::JobKind;
use crate::tui::layout;

// Over 80 lines: one tab's widgets laid out top to bottom.
pub fn render(frame: &mut Frame, app: &App, main: Rect) {
    let Some(summary) = &app.loaded.summary else {
        let msg = if app.loaded.rows.is_some() {
            "no labels: open the TUI with --label-col, or on a fastText file (__label__x text), to classify"
        } else {
            "reading the data"
        };
        frame.render_widget(waiting(msg).block(block("classify", false)), main);
        return;
    };
    let classes = summary.classes.len();
    let methods = app
        .loaded
        .comparison
        .as_ref()
        .map_or(crate::classify::compare::Method::all().len(), |c| {
            c.methods.len()
        });
    let [
        sum,
        table,
        panel,
        confusion,
        per_class,
        try_input,
        try_result,
    ] = layout::classify(main, classes, methods);
    let balance: Vec<Span> = summary
        .classes
        .iter()
        .map(|(l, n)| Span::raw(format!("{l} {n}  ")))
        .collect();
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(format!(
                "{} rows · {} classes · {} without label",
                summary.rows, classes, summary.empty_labels
            )),
            Line::from(balance),
        ])
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(block("dataset", false)),
        sum,
    );
    match &app.loaded.comparison {
        None => frame.render_widget(
            waiting("fitting bag-of-words and embedding classifiers on a held-out split")
                .block(block("with vs without embeddings", false)),
            table,
        ),
        Some(c) => {
            comparison(frame, app, c, table);
            super::classify_panels::render(frame, app, c, panel);
            let row = c
                .methods
                .get(app.classify.selected.min(c.methods.len().saturating_sub(1)));
            if let Some(m) = row {
                heat_map(frame, &m.metrics.confusion, &labels(c), &m.name, confusion);
                per_class_table(frame, &m.metrics, per_class);
            }
        }
    }
    let editing = app.editing;
    frame.render_widget(
        Paragraph::new(input(
            &app.classify.input,
            "press / and type text to classify",
            editing,
        ))
        .block(block("try it", editing)),
        try_input,
    );
    try_it(frame, app, try_result);
    if app.classify.disagreement_open
        && let Some(d) = app
            .loaded
            .comparison
            .as_ref()
            .and_then(|c| c.disagreements.as_ref())
    {
        super::classify_panels::disagreement_full(frame, app, d, main);
    }
}

fn labels(c: &CompareReport) -> Vec<String> {
    c.summary.classes.iter().map(|(l, _)| l.clone()).collect()
}

fn comparison(frame: &mut Frame, app: &App, c: &CompareReport, area: Rect) {
    // Vectors trained on the split, side by side: their accuracy per method, "…" while they
    // train; no column when that comparison is off.
    let trained = &app.loaded.comparison_trained;
    let trained_pending = app.status.jobs.contains_key(&JobKind::TrainedComparison);
    let side = trained.is_some() || trained_pending;
    let mut heads = vec!["method", "accuracy", "macro F1", "Δ vs bow", "p (McNemar)"];
    if side {
        heads.push("trained");
    }
    let header = Row::new(heads).style(Style::default().add_modifier(Modifier::BOLD));
    let rows = c.methods.iter().enumerate().map(|(i, m)| {
        let test = c.tests.iter().find(|t| t.method == m.name);
        let (delta, p) = match test {
            Some(t) => (
                format!(
                    "{:+.2}{}",
                    100.0 * t.difference,
                    if t.significant { " *" } else { "" }
                ),
                format!("{:.3}", t.p_value),
            ),
            None => ("–".into(), "–".into()),
        };
        let style = if i == app.classify.selected && !app.editing {
            Style::default().bg(Color::Rgb(40, 40, 60))
        } else {
            Style::default()
        };
        let mut cells = vec![
            m.name.clone(),
            format!("{:.4}", m.accuracy),
            format!("{:.4}", m.macro_f1),
            delta,
            p,
        ];
        if side {
            cells.push(match trained {
                Some(t) => t
                    .methods
                    .iter()
                    .find(|x| x.name == m.name)
                    .map_or("–".into(), |x| format!("{:.4}", x.accuracy)),
                None => "…".into(),
            });
        }
        Row::new(cells).style(style)
    });
    let title = format!(
        "with vs without embeddings · {} train, {} test · *: p<0.05",
        c.train, c.test
    );
    let mut widths = vec![
        // Room for the trained column: the longest method name is 15 characters.
        Constraint::Min(if side { 16 } else { 18 }),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(11),
    ];
    if side {
        widths.push(Constraint::Length(8));
    }
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block(title, false)),
        area,
    );
}

/// The confusion matrix, cells shaded by their share of the true class's row.
fn heat_map(frame: &mut Frame, confusion: &[Vec<u64>], labels: &[String], name: &str, area: Rect) {
    let short = |l: &str| l.chars().take(8).collect::<String>();
    let mut header = vec![Cell::from("true \\ pred")];
    header.extend(labels.iter().map(|l| Cell::from(short(l))));
    let rows = confusion.iter().enumerate().map(|(t, row)| {
        let total: u64 = row.iter().sum::<u64>().max(1);
        let mut cells = vec![Cell::from(short(labels.get(t).map_or("?", |l| l.as_str())))];
        cells.extend(row.iter().enumerate().map(|(p, &n)| {
            let share = n as f64 / total as f64;
            let level = (40.0 + 200.0 * share) as u8;
            let bg = if p == t {
                Color::Rgb(0, level, 60)
            } else if n > 0 {
                Color::Rgb(level, 30, 30)
            } else {
                Color::Reset
            };
            Cell::from(format!("{n:>6}")).style(Style::default().bg(bg).fg(Color::White))
        }));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(12)];
    widths.extend(labels.iter().map(|_| Constraint::Length(8)));
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
            .block(block(format!("confusion · {name}"), false)),
        area,
    );
}

fn per_class_table(frame: &mut Frame, m: &crate::eval::metrics::Metrics, area: Rect) {
    let header = Row::new(["class", "precision", "recall", "F1", "support"])
        .style(Style::default().add_modifier(Modifier::BOLD));
    let rows = m.per_class.iter().map(|c| {
        Row::new(vec![
            c.label.clone(),
            format!("{:.3}", c.precision),
            format!("{:.3}", c.recall),
            format!("{:.3}", c.f1),
            c.support.to_string(),
        ])
    });
    let widths = [
        Constraint::Min(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(8),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block("per class", false)),
        area,
    );
}

fn try_it(frame: &mut Frame, app: &App, area: Rect) {
    let c = &app.classify;
    if app.loaded.classifier.is_none() {
        frame.render_widget(
            waiting("fitting the bag-of-words + embeddings classifier")
                .block(block("probabilities", false)),
            area,
        );
        return;
    }
    let [bars, words] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let data: Vec<Bar> = c
        .probabilities
        .iter()
        .map(|(l, p)| {
            Bar::default()
                .value((p * 100.0).round() as u64)
                .text_value(format!("{:.0}%", p * 100.0))
                .label(Line::from(l.chars().take(10).collect::<String>()))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&data))
            .bar_width(7)
            .bar_gap(1)
            .max(100)
            .bar_style(Style::default().fg(Color::Cyan))
            .block(block("probabilities", false)),
        bars,
    );
    let mut lines: Vec<Line> = Vec::new();
    for (part, heading) in [
        (Part::Words, "bag-of-words terms"),
        (Part::Embedding, "through the embedding"),
    ] {
        let reasons: Vec<&Reason> = c.reasons.iter().filter(|r| r.part == part).collect();
        if reasons.is_empty() {
            continue;
        }
        lines.push(Line::styled(
            heading,
            Style::default().add_modifier(Modifier::BOLD),
        ));
        lines.extend(
            reasons
                .iter()
                .map(|r| Line::from(format!("{:<14} {:+.3}", r.term, r.score))),
        );
    }
    frame.render_widget(
        Paragraph::new(lines).block(block("words that decided", false)),
        words,
    );
}
