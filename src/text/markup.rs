//! What a file of notes says: its text and title. Markdown, reStructuredText, Org and plain
//! text are read as they are (their markup is mostly punctuation the tokenizer drops, and line
//! numbers stay those of the file); HTML is reduced to its visible text.

/// The markup families a folder's files come in, from the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    Markdown,
    Rst,
    Org,
    Html,
}

impl Markup {
    /// The markup a file name's extension names (None: not a document format wordlens reads
    /// without being asked by `--glob`).
    pub fn of_extension(ext: &str) -> Option<Self> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Markup::Plain,
            "md" | "markdown" | "mdown" | "mkd" => Markup::Markdown,
            "rst" => Markup::Rst,
            "org" => Markup::Org,
            "html" | "htm" | "xhtml" => Markup::Html,
            _ => return None,
        })
    }
}

/// A file's text (what is indexed) and title (the first heading, `<title>`, or first line).
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub text: String,
    pub title: Option<String>,
}

/// The text and title of `source`, a file in `markup`.
pub fn extract(source: &str, markup: Markup) -> Extracted {
    match markup {
        Markup::Html => html(source),
        _ => Extracted {
            title: heading(source, markup).or_else(|| first_line(source)),
            text: source.to_string(),
        },
    }
}

/// Titles are kept short: they are shown beside every hit.
const TITLE_CHARS: usize = 200;

fn shorten(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(TITLE_CHARS).collect())
}

fn first_line(source: &str) -> Option<String> {
    source.lines().find_map(shorten)
}

/// The first heading: `# x` (Markdown, before any front matter ends is fine), `* x` (Org),
/// `#+TITLE: x` (Org), or an underlined line (reStructuredText and Markdown's setext).
fn heading(source: &str, markup: Markup) -> Option<String> {
    let lines: Vec<&str> = source.lines().take(200).collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_end();
        match markup {
            Markup::Markdown => {
                if let Some(rest) = t.strip_prefix('#') {
                    let rest = rest.trim_start_matches('#');
                    if rest.starts_with(' ') {
                        return shorten(rest.trim_end_matches('#'));
                    }
                }
            }
            Markup::Org => {
                let lower = t.to_ascii_lowercase();
                if lower.starts_with("#+title:") {
                    return shorten(&t[8..]);
                }
                if let Some(rest) = t.strip_prefix('*') {
                    let rest = rest.trim_start_matches('*');
                    if rest.starts_with(' ') {
                        return shorten(rest);
                    }
                }
            }
            _ => {}
        }
        if matches!(markup, Markup::Markdown | Markup::Rst)
            && !t.trim().is_empty()
            && lines.get(i + 1).is_some_and(|next| is_underline(next))
        {
            return shorten(t);
        }
    }
    None
}

/// `====` or `----` (three or more of one punctuation character): a heading's underline.
fn is_underline(line: &str) -> bool {
    let t = line.trim_end();
    let mut chars = t.chars();
    let Some(c) = chars.next() else {
        return false;
    };
    t.len() >= 3 && "=-~^\"'`#*+".contains(c) && chars.all(|d| d == c)
}

/// Elements whose content is not visible text.
const HIDDEN: [&str; 8] = [
    "script", "style", "head", "title", "noscript", "template", "svg", "iframe",
];
/// Elements that end a line of visible text.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "dd",
    "dt",
];

/// The visible text of an HTML page (paragraphs on their own lines, entities decoded) and
/// its title: `<title>`, else the first `<h1>`–`<h6>`.
fn html(source: &str) -> Extracted {
    let source = &without_raw_text(source);
    let Ok(dom) = tl::parse(source, tl::ParserOptions::default()) else {
        // tl refuses only pages too deeply nested to walk: keep what text there is.
        return Extracted {
            text: source.to_string(),
            title: None,
        };
    };
    let parser = dom.parser();
    let mut out = HtmlText::default();
    for handle in dom.children() {
        out.walk(*handle, parser, 0);
    }
    let text = out.finish();
    // <title> sits in <head>, which the walk skips as invisible.
    let title_tag = dom
        .query_selector("title")
        .and_then(|mut found| found.next())
        .and_then(|h| h.get(parser))
        .and_then(|node| node.as_tag())
        .map(|tag| inner_text(tag, parser));
    let title = title_tag
        .as_deref()
        .and_then(shorten)
        .or_else(|| out.heading.as_deref().and_then(shorten))
        .or_else(|| first_line(&text));
    Extracted { text, title }
}

/// `source` without comments and the content of `<script>` and `<style>`: in HTML these end
/// only at their closing tag, whatever `<` they hold, and tl would read that as markup.
fn without_raw_text(source: &str) -> String {
    let lower = source.to_ascii_lowercase();
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find('<').map(|i| at + i) {
        let rest = &lower[found..];
        let close = if rest.starts_with("<!--") {
            Some("-->")
        } else if rest.starts_with("<script") {
            Some("</script")
        } else if rest.starts_with("<style") {
            Some("</style")
        } else {
            None
        };
        let Some(close) = close else {
            out.push_str(&source[at..=found]);
            at = found + 1;
            continue;
        };
        out.push_str(&source[at..found]);
        // Skip to the end of the closing tag (or of the page when it never closes).
        at = match lower[found..].find(close) {
            Some(i) => {
                let end = found + i + close.len();
                lower[end..].find('>').map_or(lower.len(), |j| end + j + 1)
            }
            None => lower.len(),
        };
        out.push(' ');
    }
    out.push_str(&source[at..]);
    out
}

/// Pages nested deeper than this are cut (a hostile page must not exhaust the stack).
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct HtmlText {
    text: String,
    heading: Option<String>,
}

impl HtmlText {
    fn walk(&mut self, handle: tl::NodeHandle, parser: &tl::Parser<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(node) = handle.get(parser) else {
            return;
        };
        match node {
            tl::Node::Raw(bytes) => {
                let raw = bytes.as_utf8_str();
                let decoded = html_escape::decode_html_entities(&raw);
                let squeezed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
                if !squeezed.is_empty() {
                    if !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
                        self.text.push(' ');
                    }
                    self.text.push_str(&squeezed);
                }
            }
            tl::Node::Tag(tag) => {
                let name = tag.name().as_utf8_str().to_ascii_lowercase();
                if HIDDEN.contains(&name.as_str()) {
                    return;
                }
                let heading = matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                if heading && self.heading.is_none() {
                    self.heading = Some(inner_text(tag, parser));
                }
                let block = BLOCKS.contains(&name.as_str());
                if block {
                    self.end_line();
                }
                for child in tag.children().top().iter() {
                    self.walk(*child, parser, depth + 1);
                }
                if block {
                    self.end_line();
                }
                // A heading stands as its own paragraph, as in Markdown.
                if heading {
                    self.text.push('\n');
                }
            }
            tl::Node::Comment(_) => {}
        }
    }

    fn end_line(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn finish(&self) -> String {
        // At most one blank line between paragraphs.
        let mut out = String::with_capacity(self.text.len());
        let mut blank = 0;
        for line in self.text.lines() {
            if line.trim().is_empty() {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.trim().to_string()
    }
}

fn inner_text(tag: &tl::HTMLTag<'_>, parser: &tl::Parser<'_>) -> String {
    let raw = tag.inner_text(parser);
    html_escape::decode_html_entities(&raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_keeps_visible_text_and_takes_the_title() {
        let page = "<html><head><title>Oil &amp; gas</title><style>p{x:1}</style>\
                    <script>var a = '<b>';</script></head><body><h1>Prices</h1>\
                    <p>Oil prices <b>rose</b> &quot;sharply&quot;.</p><!-- hidden -->\
                    <p>Second&nbsp;paragraph</p></body></html>";
        let e = extract(page, Markup::Html);
        assert_eq!(e.title.as_deref(), Some("Oil & gas"));
        assert!(e.text.starts_with("Prices\n"), "{:?}", e.text);
        assert!(
            e.text.contains("Oil prices rose \"sharply\"."),
            "{:?}",
            e.text
        );
        assert!(e.text.contains("Second paragraph"), "{:?}", e.text);
        for hidden in ["var a", "x:1", "hidden", "<b>", "&quot;"] {
            assert!(!e.text.contains(hidden), "{hidden} in {:?}", e.text);
        }
        let no_title = extract("<h2>Weather</h2><p>Rain</p>", Markup::Html);
        assert_eq!(no_title.title.as_deref(), Some("Weather"));
    }

    #[test]
    fn titles_come_from_each_markup_s_heading_or_the_first_line() {
        let md = extract("\n---\n# Football results\ntext", Markup::Markdown);
        assert_eq!(md.title.as_deref(), Some("Football results"));
        let setext = extract("Budget\n======\nThe chancellor", Markup::Markdown);
        assert_eq!(setext.title.as_deref(), Some("Budget"));
        let rst = extract("Elections\n---------\n\nVotes", Markup::Rst);
        assert_eq!(rst.title.as_deref(), Some("Elections"));
        let org = extract("#+TITLE: Notes on tea\n* First", Markup::Org);
        assert_eq!(org.title.as_deref(), Some("Notes on tea"));
        let org2 = extract("some preamble\n** Green tea", Markup::Org);
        assert_eq!(org2.title.as_deref(), Some("Green tea"));
        let plain = extract("\n\n  人民日报 社论  \nbody", Markup::Plain);
        assert_eq!(plain.title.as_deref(), Some("人民日报 社论"));
        // A hashtag is not a heading.
        let tag = extract("#nofilter sunset\nmore", Markup::Markdown);
        assert_eq!(tag.title.as_deref(), Some("#nofilter sunset"));
    }
}
