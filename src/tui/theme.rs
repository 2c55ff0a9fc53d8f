//! Colours: the views draw with one palette, and this pass maps the finished screen to the
//! user's theme — 16 ANSI colours only (any RGB becomes the nearest of them, so a 16-colour
//! terminal shows what a true-colour one does), dark text for light backgrounds, and no colour
//! at all under `NO_COLOR` (highlights become reversed video). One pass over the buffer keeps
//! every view free of theme code.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::config::Theme;

/// The colours the screen ends up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    /// The 16 ANSI colours, for dark backgrounds.
    #[default]
    Dark,
    /// The 16 ANSI colours, light ones darkened, for light backgrounds.
    Light,
    /// No colour: `NO_COLOR` is set (<https://no-color.org>).
    Monochrome,
}

impl Palette {
    /// The palette for `theme`; `no_color` is whether `NO_COLOR` is set to a non-empty value.
    pub fn new(theme: Theme, no_color: bool) -> Self {
        match (no_color, theme) {
            (true, _) => Palette::Monochrome,
            (false, Theme::Dark) => Palette::Dark,
            (false, Theme::Light) => Palette::Light,
        }
    }

    /// The palette for `theme` in this process's environment.
    pub fn from_env(theme: Theme) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self::new(theme, no_color)
    }

    /// Maps every cell of `buf` to this palette.
    pub fn apply(self, buf: &mut Buffer) {
        for cell in buf.content.iter_mut() {
            match self {
                Palette::Monochrome => {
                    if cell.bg != Color::Reset {
                        cell.modifier.insert(Modifier::REVERSED);
                    }
                    cell.fg = Color::Reset;
                    cell.bg = Color::Reset;
                }
                Palette::Dark => {
                    cell.fg = ansi16(cell.fg);
                    cell.bg = ansi16(cell.bg);
                }
                Palette::Light => {
                    cell.fg = on_light(ansi16(cell.fg));
                    cell.bg = ansi16(cell.bg);
                    if cell.bg == Color::White {
                        cell.fg = Color::Black;
                    }
                }
            }
        }
    }
}

/// Text colours that vanish on a light background, darkened.
fn on_light(c: Color) -> Color {
    match c {
        Color::White | Color::Gray => Color::Black,
        Color::LightYellow | Color::Yellow => Color::Magenta,
        Color::LightCyan | Color::Cyan => Color::Blue,
        Color::LightGreen => Color::Green,
        Color::LightBlue => Color::Blue,
        Color::LightRed => Color::Red,
        Color::LightMagenta => Color::Magenta,
        other => other,
    }
}

/// The 16 ANSI colours in xterm's default RGB, for the nearest-colour mapping.
const ANSI: [(Color, [u8; 3]); 16] = [
    (Color::Black, [0, 0, 0]),
    (Color::Red, [205, 0, 0]),
    (Color::Green, [0, 205, 0]),
    (Color::Yellow, [205, 205, 0]),
    (Color::Blue, [0, 0, 238]),
    (Color::Magenta, [205, 0, 205]),
    (Color::Cyan, [0, 205, 205]),
    (Color::Gray, [229, 229, 229]),
    (Color::DarkGray, [127, 127, 127]),
    (Color::LightRed, [255, 0, 0]),
    (Color::LightGreen, [0, 255, 0]),
    (Color::LightYellow, [255, 255, 0]),
    (Color::LightBlue, [92, 92, 255]),
    (Color::LightMagenta, [255, 0, 255]),
    (Color::LightCyan, [0, 255, 255]),
    (Color::White, [255, 255, 255]),
];

/// `c` as one of the 16 ANSI colours (RGB and 256-colour values to the nearest).
fn ansi16(c: Color) -> Color {
    let rgb = match c {
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(i) if i < 16 => return ANSI[i as usize].0,
        Color::Indexed(i) => indexed_rgb(i),
        other => return other,
    };
    let distance =
        |p: &[u8; 3]| -> i32 { (0..3).map(|k| (p[k] as i32 - rgb[k] as i32).pow(2)).sum() };
    ANSI.iter()
        .min_by_key(|(_, p)| distance(p))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// The RGB of a 256-colour palette entry from 16 on (6×6×6 cube, then 24 greys).
fn indexed_rgb(i: u8) -> [u8; 3] {
    if i >= 232 {
        let v = 8 + 10 * (i - 232);
        return [v, v, v];
    }
    let i = i - 16;
    let level = |x: u8| if x == 0 { 0 } else { 55 + 40 * x };
    [level(i / 36), level((i / 6) % 6), level(i % 6)]
}

/// Whether `c` is one of the 16 ANSI colours (or the terminal's default).
pub fn is_ansi16(c: Color) -> bool {
    !matches!(c, Color::Rgb(..) | Color::Indexed(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn painted() -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "a", Style::default().fg(Color::White));
        buf.set_string(1, 0, "b", Style::default().bg(Color::Rgb(30, 60, 200)));
        buf.set_string(2, 0, "c", Style::default().fg(Color::Indexed(196)));
        buf.set_string(3, 0, "d", Style::default().fg(Color::Yellow));
        buf
    }

    #[test]
    fn dark_maps_rgb_and_256_colours_to_the_nearest_ansi_colour() {
        let mut buf = painted();
        Palette::Dark.apply(&mut buf);
        assert_eq!(buf[(0, 0)].fg, Color::White);
        assert_eq!(buf[(1, 0)].bg, Color::Blue);
        assert_eq!(buf[(2, 0)].fg, Color::LightRed, "index 196 is pure red");
        assert!(
            buf.content
                .iter()
                .all(|c| is_ansi16(c.fg) && is_ansi16(c.bg))
        );
    }

    #[test]
    fn light_darkens_pale_text_and_no_color_removes_every_colour() {
        let mut buf = painted();
        Palette::Light.apply(&mut buf);
        assert_eq!(buf[(0, 0)].fg, Color::Black);
        assert_eq!(buf[(3, 0)].fg, Color::Magenta);
        let mut buf = painted();
        Palette::Monochrome.apply(&mut buf);
        assert!(
            buf.content
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
        );
        // A highlighted background stays visible as reversed video.
        assert!(buf[(1, 0)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(0, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn no_color_wins_over_the_theme() {
        assert_eq!(Palette::new(Theme::Light, true), Palette::Monochrome);
        assert_eq!(Palette::new(Theme::Light, false), Palette::Light);
        assert_eq!(Palette::new(Theme::Dark, false), Palette::Dark);
    }
}
