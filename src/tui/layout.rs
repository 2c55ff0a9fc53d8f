//! Where things go on screen. Shared by rendering and by mouse handling, so a click lands on
//! the row that was drawn there.

use ratatui::layout::{Constraint, Layout, Rect};

use super::tab::Tab;

/// Below this the app draws a "too small" notice instead of its views.
pub const MIN_WIDTH: u16 = 80;
/// See `MIN_WIDTH`.
pub const MIN_HEIGHT: u16 = 20;

/// Whether `area` is below the smallest size the views draw in.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Where the tab bar starts drawing, and the gap after each tab's label.
pub const TAB_BAR_INDENT: u16 = 1;
/// See `TAB_BAR_INDENT`.
pub const TAB_GAP: &str = "  ";

/// The tab whose label (or the gap after it) covers `column` of the tab bar.
pub fn tab_at(column: u16) -> Option<Tab> {
    let mut x = TAB_BAR_INDENT;
    for tab in Tab::ALL {
        let w = (tab.label().chars().count() + TAB_GAP.len()) as u16;
        if column >= x && column < x + w {
            return Some(tab);
        }
        x += w;
    }
    None
}

/// Tab bar, main area, status bar (jobs line + message line).
pub fn frame(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area)
}

/// Search: query box on top; results on the left, preview on the right.
pub fn search(main: Rect) -> [Rect; 3] {
    let [query, rest] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(main);
    let [list, preview] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(rest);
    [query, list, preview]
}

/// Classify: summary and comparison on the left; confusion, per-class, try-it on the right.
pub fn classify(main: Rect, classes: usize, methods: usize) -> [Rect; 7] {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main);
    // The method table takes its rows (header and border: 3 more); the large panel the rest.
    let [summary, table, panel] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(methods as u16 + 3),
        Constraint::Min(0),
    ])
    .areas(left);
    let c = classes as u16;
    let [confusion, per_class, input, result] = Layout::vertical([
        Constraint::Length(c + 3),
        Constraint::Length(c + 3),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(right);
    [summary, table, panel, confusion, per_class, input, result]
}

/// Embeddings: input and neighbour list on the left; projection and scores on the right.
pub fn embeddings(main: Rect) -> [Rect; 4] {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(35), Constraint::Percentage(65)]).areas(main);
    let [input, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(left);
    let [canvas, scores] =
        Layout::vertical([Constraint::Percentage(70), Constraint::Percentage(30)]).areas(right);
    [input, list, canvas, scores]
}

/// Train: the form on the left; progress and the loss chart on the right.
pub fn train(main: Rect) -> [Rect; 3] {
    let [form, right] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main);
    let [gauge, chart] = Layout::vertical([Constraint::Length(5), Constraint::Min(0)]).areas(right);
    [form, gauge, chart]
}

/// The clickable list of a tab (None for Train) and the main area.
pub fn lists(tab: Tab, area: Rect) -> (Option<Rect>, Rect) {
    let [_, main, _] = frame(area);
    let list = match tab {
        Tab::Search => Some(search(main)[1]),
        Tab::Classify => Some(classify(main, 0, crate::classify::compare::Method::all().len())[1]),
        Tab::Embeddings => Some(embeddings(main)[1]),
        Tab::Train => None,
    };
    (list, main)
}

/// Search hits take two lines each: the first hit shown so that `selected` is visible.
pub fn first_visible(selected: usize, list: Rect) -> usize {
    let visible = (list.height.saturating_sub(2) / 2).max(1) as usize;
    selected.saturating_sub(visible - 1)
}

/// A centred rectangle of at most `w` × `h` (the help overlay).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_at_a_column_is_the_one_drawn_there() {
        // The bar reads " " + " 1 Search " + "  " + " 2 Classify " + "  " + ...
        let bar: String = std::iter::once(" ".repeat(TAB_BAR_INDENT as usize))
            .chain(Tab::ALL.iter().map(|t| format!("{}{TAB_GAP}", t.label())))
            .collect();
        for tab in Tab::ALL {
            let start = bar.find(&tab.label()).unwrap() as u16;
            assert_eq!(tab_at(start), Some(tab));
            assert_eq!(tab_at(start + tab.label().len() as u16 - 1), Some(tab));
        }
        assert_eq!(tab_at(0), None);
        assert_eq!(tab_at(bar.len() as u16), None);
        assert_eq!(tab_at(13), Some(Tab::Classify));
        assert_eq!(tab_at(12), Some(Tab::Search));
    }
}
