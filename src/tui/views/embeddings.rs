//! Embeddings tab: nearest neighbours or an analogy, the neighbourhood on its first two
//! principal components, and the intrinsic scores of the vectors in use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Points};
use ratatui::widgets::{List, ListItem, Paragraph};

use super::{block, input, waiting};
use crate::tui::app::App;
use crate::tui::layout;

// Over 80 lines: one tab's widgets laid out top to bottom.
pub fn render(frame: &mut Frame, app: &App, main: Rect) {
    let e = &app.embed;
    let [query, list, canvas, scores] = layout::embeddings(main);
    frame.render_widget(
        Paragraph::new(input(
            &e.input,
            "press / and type a word, or a b c",
            app.editing,
        ))
        .block(block("word or analogy", app.editing)),
        query,
    );
    let Some(emb) = &app.loaded.embeddings else {
        frame.render_widget(
            waiting("loading or training word vectors").block(block("neighbours", false)),
            list,
        );
        return;
    };
    let heading = if e.heading.is_empty() {
        "neighbours"
    } else {
        e.heading.as_str()
    };
    if let Some(err) = &e.error {
        frame.render_widget(
            Paragraph::new(err.as_str())
                .style(Style::default().fg(Color::Red))
                .block(block(heading, !app.editing)),
            list,
        );
    } else {
        let items: Vec<ListItem> = e
            .neighbors
            .iter()
            .enumerate()
            .map(|(i, (w, s))| {
                let item = ListItem::new(format!("{w:<20} {s:.3}"));
                if i == e.selected && !app.editing {
                    item.style(Style::default().bg(Color::Rgb(40, 40, 60)))
                } else {
                    item
                }
            })
            .collect();
        frame.render_widget(List::new(items).block(block(heading, !app.editing)), list);
    }
    projection(frame, app, canvas);
    let mut lines = vec![Line::from(format!(
        "{} words × {} dims · {}",
        emb.len(),
        emb.dim(),
        app.loaded.embeddings_source
    ))];
    match &app.loaded.scores {
        None => lines.push(Line::styled(
            "scoring…",
            Style::default().fg(Color::DarkGray),
        )),
        Some(r) => {
            for p in &r.pairs {
                lines.push(Line::from(format!(
                    "{:<20} Spearman {:.3}  ({} of {} pairs)",
                    p.file, p.spearman, p.used, p.pairs
                )));
            }
            if let Some(a) = &r.analogies {
                lines.push(Line::from(format!(
                    "{:<20} accuracy {:.1}%  ({} of {})",
                    a.file,
                    100.0 * a.accuracy,
                    a.correct,
                    a.total
                )));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(block("intrinsic evaluation", false)),
        scores,
    );
}

fn projection(frame: &mut Frame, app: &App, area: Rect) {
    let pts = &app.embed.projection;
    let span = |f: fn(&(String, f64, f64)) -> f64| {
        let lo = pts.iter().map(f).fold(f64::INFINITY, f64::min);
        let hi = pts.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi > lo {
            let pad = (hi - lo) * 0.08;
            [lo - pad, hi + pad]
        } else {
            [-1.0, 1.0]
        }
    };
    let (xs, ys) = (span(|p| p.1), span(|p| p.2));
    let canvas = Canvas::default()
        .block(block("neighbourhood (PCA)", false))
        .x_bounds(xs)
        .y_bounds(ys)
        .paint(|ctx| {
            let coords: Vec<(f64, f64)> = pts.iter().map(|p| (p.1, p.2)).collect();
            ctx.draw(&Points {
                coords: &coords,
                color: Color::Cyan,
            });
            for (i, (w, x, y)) in pts.iter().enumerate() {
                let style = if i == 0 {
                    Style::default().fg(Color::Yellow)
                } else {
                    Style::default().fg(Color::Gray)
                };
                ctx.print(*x, *y, Line::from(Span::styled(w.clone(), style)));
            }
        });
    frame.render_widget(canvas, area);
}
