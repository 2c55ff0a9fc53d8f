//! Search tab: query box, hits with their score breakdown, preview with the query terms marked.

use std::collections::HashSet;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{List, ListItem, Paragraph, Wrap};

use super::{block, input, waiting};
use crate::search::{Hit, TermScore};
use crate::text::Tokenizer;
use crate::tui::app::App;
use crate::tui::layout;

pub fn render(frame: &mut Frame, app: &App, main: Rect) {
    let s = &app.search;
    let [query, list, preview] = layout::search(main);
    let label = s
        .label
        .and_then(|i| app.loaded.labels.get(i))
        .map_or("all labels".to_string(), |l| format!("label {l}"));
    #[cfg(feature = "milvus")]
    let engine = app.engine.as_ref().map_or(String::new(), |e| {
        format!(" · answered by {}", e.milvus.uri())
    });
    #[cfg(not(feature = "milvus"))]
    let engine = "";
    let title = format!(
        "search · {}{engine} · {label}  (m mode, l label, y/n judge, e judgments)",
        s.mode().name()
    );
    frame.render_widget(
        Paragraph::new(input(
            &s.query,
            "press / and type a query: words, \"phrases\", title:word",
            app.editing,
        ))
        .block(block(title, app.editing)),
        query,
    );
    if s.preview_open {
        render_preview(frame, app, main);
        return;
    }
    let results = block(format!("{} results", s.hits.len()), !app.editing);
    if app.loaded.index.is_none() {
        frame.render_widget(waiting("building the search index").block(results), list);
    } else if let Some(e) = &s.error {
        frame.render_widget(
            Paragraph::new(e.as_str())
                .style(Style::default().fg(Color::Red))
                .block(results),
            list,
        );
    } else {
        let first = layout::first_visible(s.selected, list);
        let items: Vec<ListItem> = s
            .hits
            .iter()
            .enumerate()
            .skip(first)
            .map(|(i, h)| hit_item(i, h, i == s.selected, app.judgments.get(&s.query, &h.id)))
            .collect();
        frame.render_widget(List::new(items).block(results), list);
    }
    if s.panel_open {
        render_panel(frame, app, preview);
    } else {
        render_preview(frame, app, preview);
    }
}

/// The judgments panel: nDCG@10 per mode on the judged queries, the fusion in use, the last
/// re-tune's before and after.
fn render_panel(frame: &mut Frame, app: &App, area: Rect) {
    let mut lines = Vec::new();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    match &app.search.panel {
        None => lines.push(Line::from("building the search index")),
        Some(p) => {
            lines.push(Line::styled(
                format!("{} judged queries · hybrid: {}", p.queries, p.fusion),
                bold,
            ));
            for (mode, ndcg) in &p.ndcg {
                lines.push(Line::from(format!("  {mode:<8} nDCG@10 {ndcg:.3}")));
            }
            if let Some(((before, b), (after, a))) = &p.retuned {
                lines.push(Line::from(""));
                lines.push(Line::styled("re-tuned", bold));
                lines.push(Line::from(format!("  before  {before}: nDCG@10 {b:.3}")));
                lines.push(Line::from(format!("  after   {after}: nDCG@10 {a:.3}")));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                p.message.clone(),
                Style::default().fg(Color::DarkGray),
            ));
        }
    }
    lines.push(Line::styled(
        "y relevant · n not relevant (again: undo) · t re-tune from judgments · e close",
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("judgments", false)),
        area,
    );
}

/// The hit's title, or (collections without titles) the start of its snippet.
fn title_of(h: &Hit) -> String {
    match &h.title {
        Some(t) => t.clone(),
        None => h
            .snippet
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(60)
            .collect(),
    }
}

fn hit_item(i: usize, h: &Hit, selected: bool, judged: Option<bool>) -> ListItem<'static> {
    let title = title_of(h);
    let mut head = vec![Span::styled(
        format!("{:>2}. {title}", i + 1),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if let Some(l) = &h.label {
        head.push(Span::styled(
            format!(" [{l}]"),
            Style::default().fg(Color::Magenta),
        ));
    }
    match judged {
        Some(true) => head.push(Span::styled(" ✓", Style::default().fg(Color::Green))),
        Some(false) => head.push(Span::styled(" ✗", Style::default().fg(Color::Red))),
        None => {}
    }
    let (bm25, cos) = h.breakdown();
    let detail = match h.fusion.and_then(|c| c.bm25_share()) {
        // Hybrid: the fused score and BM25's share of it, then the two lists' ranks.
        Some(share) => format!(
            "    {:.3} = {:.0}% {bm25} + {}",
            h.score,
            100.0 * share,
            cos.replacen("cosine", "cos", 1)
        ),
        None => format!("    score {:.3} · {bm25} · {cos}", h.score),
    };
    let detail = Line::styled(detail, Style::default().fg(Color::DarkGray));
    let item = ListItem::new(Text::from(vec![Line::from(head), detail]));
    if selected {
        item.style(Style::default().bg(Color::Rgb(40, 40, 60)))
    } else {
        item
    }
}

fn render_preview(frame: &mut Frame, app: &App, area: Rect) {
    let s = &app.search;
    let Some(hit) = s.hits.get(s.selected) else {
        frame.render_widget(
            Paragraph::new("").block(block("preview (Enter opens)", false)),
            area,
        );
        return;
    };
    let title = hit
        .title
        .clone()
        .unwrap_or_else(|| format!("id {}", hit.id));
    // The index's own tokenizer, so stemmed forms light up too.
    let tokenizer = app
        .loaded
        .index
        .as_ref()
        .map_or_else(Tokenizer::default, |ix| ix.tokenizer().clone());
    let terms: HashSet<String> = tokenizer.tokenize(&s.query).into_iter().collect();
    let source = app
        .loaded
        .index
        .as_ref()
        .map_or("default", |ix| ix.fusion_source());
    let mut text = explanation(hit, &s.terms, source);
    text.extend(highlight(&s.preview, &terms, &tokenizer));
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((s.preview_scroll, 0))
            .block(block(title, false)),
        area,
    );
}

/// Why the hit scored as it did: the fusion's parts (hybrid) and BM25 term by term.
/// `source`: where the fusion came from (tuned, calibrated on the collection, or default).
fn explanation(hit: &Hit, terms: &[TermScore], source: &str) -> Text<'static> {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = Vec::new();
    if let Some(c) = &hit.fusion {
        let n = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{x:.2}"));
        lines.push(Line::styled(
            format!(
                "{} ({source}): bm25 {} + vector {} = {:.3}  (normalised bm25 {}, vector {})",
                c.setting.describe(),
                format_args!("{:.3}", c.bm25_part),
                format_args!("{:.3}", c.vector_part),
                hit.score,
                n(c.bm25_normalized),
                n(c.vector_normalized)
            ),
            dim,
        ));
    }
    if !terms.is_empty() {
        let parts: Vec<String> = terms
            .iter()
            .map(|t| {
                let field = if t.field == "title" { " (title)" } else { "" };
                format!(
                    "{}{field} {:.2}: tf {}, idf {:.2}, length {}/{:.0}",
                    t.term, t.score, t.freq, t.idf, t.dl, t.avgdl
                )
            })
            .collect();
        lines.push(Line::styled(
            format!("BM25 by term: {}", parts.join(" · ")),
            dim,
        ));
    }
    if !lines.is_empty() {
        lines.push(Line::from(""));
    }
    Text::from(lines)
}

/// `text` with every token that is a query term in bold yellow.
pub fn highlight(text: &str, terms: &HashSet<String>, tokenizer: &Tokenizer) -> Text<'static> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut spans = Vec::new();
        let mut at = 0;
        tokenizer.for_each_token_span(paragraph, |range, tok| {
            if terms.contains(tok) {
                spans.push(Span::raw(paragraph[at..range.start].to_string()));
                spans.push(Span::styled(
                    paragraph[range.clone()].to_string(),
                    Style::default()
                        .fg(Color::Yellow)
                        .add_modifier(Modifier::BOLD),
                ));
                at = range.end;
            }
        });
        spans.push(Span::raw(paragraph[at..].to_string()));
        lines.push(Line::from(spans));
    }
    Text::from(lines)
}
