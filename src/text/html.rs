//! HTML to plain text for feed summaries and content, in time and memory
//! linear in the input. html5ever's tokenizer (the WHATWG state machine, which
//! streams and builds no tree) feeds a converter that keeps no tree either:
//! block elements become line breaks and blank lines, a table one line per row
//! with its cells joined by " | ", list items keep a bullet or a number,
//! `script`, `style` and the like are dropped, entities are decoded once.
//!
//! Hostile HTML costs nothing more: nesting is free (the only stacks, of open
//! tables and lists, stop growing at [`MAX_NESTING`]; deeper ones flow as
//! text), a table shows at most [`MAX_COLUMNS`] cells a row and [`MAX_ROWS`]
//! rows, the text at most [`MAX_TEXT`] bytes, and each cut says so where it
//! is made; a tag's attributes past the 256th are left out
//! (`super::attrs`). The input goes to the tokenizer in slices, so a time limit is
//! kept between two of them ([`html_to_text_by`]).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::{LocalName, local_name};

use super::whitespace::{fold_whitespace, push_text};

/// Tables and lists open at once that keep their own layout.
pub const MAX_NESTING: usize = 32;
/// Cells of a table row shown; the rest are counted at the row's end.
pub const MAX_COLUMNS: usize = 50;
/// Rows of a table shown; the rest are counted at the table's end.
pub const MAX_ROWS: usize = 1_000;
/// The longest text made from one HTML fragment, in bytes (a long article is
/// about 50 KB of text).
pub const MAX_TEXT: usize = 512 * 1024;
/// Bytes given to the tokenizer at a time: the time limit is checked between
/// two slices.
const SLICE: usize = 4 * 1024;

/// Said where the text is cut at [`MAX_TEXT`].
pub const CUT_NOTE: &str =
    "[… the rest of this text is not kept: marsad keeps 512 KiB of an item's text]";

/// The conversion did not finish in the time allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the text could not be made in the time allowed")]
pub struct OutOfTime;

/// Converts an HTML fragment to plain text (not yet sanitized), however long
/// it takes (it is linear in the input).
pub fn html_to_text(html: &str) -> String {
    html_to_text_by(html, &|| false).unwrap_or_default()
}

/// Converts an HTML fragment to plain text (not yet sanitized), or gives up
/// once `out_of_time` says so (asked between slices of the input).
pub fn html_to_text_by(html: &str, out_of_time: &dyn Fn() -> bool) -> Result<String, OutOfTime> {
    let text = if !html.bytes().any(|b| b == b'<' || b == b'&') {
        fold_whitespace(html)
    } else if let Some(text) = simple_paragraphs(html) {
        fold_whitespace(&text)
    } else {
        fold_whitespace(&convert(html, out_of_time)?)
    };
    Ok(cut(text))
}

/// `text` cut at [`MAX_TEXT`] bytes (on a character boundary), with a note.
fn cut(mut text: String) -> String {
    if text.len() > MAX_TEXT {
        text.truncate(text.floor_char_boundary(MAX_TEXT));
        text.push_str("\n\n");
        text.push_str(CUT_NOTE);
    }
    text
}

/// The common shape of feed summaries, without an HTML parser: text in `<p>`
/// paragraphs and `<br>` breaks, with no other tag and no entity. Gives what
/// the tokenizer's path gives on such input (before folding); `None` for
/// anything else.
fn simple_paragraphs(html: &str) -> Option<String> {
    if html.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        push_text(&mut out, &rest[..i]);
        let tail = &rest[i..];
        let end = tail.find('>')?;
        let tag = &tail[1..end];
        let is = |name: &str| tag.eq_ignore_ascii_case(name);
        if is("p") || is("/p") {
            out.push_str("\n\n");
        } else if is("br") || is("br/") || is("br /") {
            out.push('\n');
        } else {
            return None;
        }
        rest = &tail[end + 1..];
    }
    push_text(&mut out, rest);
    Some(out)
}

/// The tokenizer's path: the fragment in slices, the converter as its sink.
fn convert(html: &str, out_of_time: &dyn Fn() -> bool) -> Result<String, OutOfTime> {
    let html = super::attrs::cap_attributes(html);
    let tokenizer = Tokenizer::new(Converter::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut rest = &*html;
    while !rest.is_empty() {
        let at = match rest.floor_char_boundary(SLICE) {
            0 => rest.ceil_char_boundary(1),
            n => n,
        };
        queue.push_back(StrTendril::from_slice(&rest[..at]));
        rest = &rest[at..];
        let _ = tokenizer.feed(&queue);
        if tokenizer.sink.state.borrow().full {
            break;
        }
        if !rest.is_empty() && out_of_time() {
            return Err(OutOfTime);
        }
    }
    tokenizer.end();
    Ok(tokenizer.sink.state.into_inner().out)
}

/// The tokenizer's sink: what is open, and the text made so far.
#[derive(Default)]
struct Converter {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    out: String,
    /// Inside an element whose content is not text to show (`script`,
    /// `style`, `head`…), and how many of that name are open.
    hidden: Option<(LocalName, usize)>,
    /// `pre` elements open: line breaks in their text are kept.
    pre: usize,
    /// Open tables and lists, innermost last, at most [`MAX_NESTING`] each;
    /// those opened beyond are only counted.
    tables: Vec<Table>,
    lists: Vec<Option<u32>>,
    tables_beyond: usize,
    lists_beyond: usize,
    /// [`MAX_TEXT`] is reached: the rest is not made.
    full: bool,
}

/// A table being written: its rows so far, the current row's cells, and what
/// was left out.
#[derive(Default)]
struct Table {
    rows: usize,
    cells: usize,
    rows_left: usize,
    cells_left: usize,
    /// The current cell's text is left out (a row or a cell past the caps,
    /// or a table inside such a cell).
    leaving: bool,
    /// The table is inside a cell left out.
    inside_left: bool,
}

/// How an element breaks the text around it (a table's rows break it
/// themselves, once the row's cells left out are said).
enum Block {
    /// A blank line before and after.
    Paragraph,
    /// A line break before and after.
    Line,
    Inline,
}

fn block(name: &LocalName) -> Block {
    match *name {
        local_name!("p")
        | local_name!("h1")
        | local_name!("h2")
        | local_name!("h3")
        | local_name!("h4")
        | local_name!("h5")
        | local_name!("h6")
        | local_name!("blockquote")
        | local_name!("pre")
        | local_name!("ul")
        | local_name!("ol")
        | local_name!("dl")
        | local_name!("table")
        | local_name!("figure")
        | local_name!("address")
        | local_name!("fieldset")
        | local_name!("form")
        | local_name!("details")
        | local_name!("hr") => Block::Paragraph,
        local_name!("div")
        | local_name!("section")
        | local_name!("article")
        | local_name!("header")
        | local_name!("footer")
        | local_name!("main")
        | local_name!("nav")
        | local_name!("aside")
        | local_name!("li")
        | local_name!("dt")
        | local_name!("dd")
        | local_name!("caption")
        | local_name!("figcaption")
        | local_name!("center")
        | local_name!("summary")
        | local_name!("option")
        | local_name!("legend") => Block::Line,
        _ => Block::Inline,
    }
}

/// Elements whose content is not shown, and how the tokenizer must read it
/// (`None`: as markup, until the element's end tag).
fn hidden(name: &LocalName) -> Option<Option<RawKind>> {
    Some(match *name {
        local_name!("script") => Some(RawKind::ScriptData),
        local_name!("style")
        | local_name!("xmp")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes")
        | local_name!("noscript") => Some(RawKind::Rawtext),
        local_name!("title") | local_name!("textarea") => Some(RawKind::Rcdata),
        local_name!("head") | local_name!("template") | local_name!("select") => None,
        _ => return None,
    })
}

impl State {
    /// Text between tags.
    fn text(&mut self, s: &str) {
        if self.hidden.is_some() || self.full || self.tables.last().is_some_and(|t| t.leaving) {
            return;
        }
        if self.out.len() + s.len() > MAX_TEXT {
            // `cut` adds the note once the text is folded.
            self.full = true;
        }
        if self.pre > 0 {
            self.out.push_str(s);
        } else {
            push_text(&mut self.out, s);
        }
    }

    /// At least `n` line breaks end the text (none at its start).
    fn breaks(&mut self, n: usize) {
        if self.out.is_empty() || self.hidden.is_some() {
            return;
        }
        let have = self
            .out
            .bytes()
            .rev()
            .take_while(|&b| b == b'\n')
            .take(n)
            .count();
        for _ in have..n {
            self.out.push('\n');
        }
    }

    fn start(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name = &tag.name;
        if let Some((open, n)) = &mut self.hidden {
            if open == name {
                *n += 1;
            }
            return TokenSinkResult::Continue;
        }
        if let Some(raw) = hidden(name) {
            self.hidden = Some((name.clone(), 1));
            return match raw {
                Some(kind) => TokenSinkResult::RawData(kind),
                None => TokenSinkResult::Continue,
            };
        }
        match block(name) {
            Block::Paragraph => self.breaks(2),
            Block::Line => self.breaks(1),
            Block::Inline => {}
        }
        match *name {
            local_name!("br") => {
                if !self.tables.last().is_some_and(|t| t.leaving) {
                    self.out.push('\n');
                }
            }
            local_name!("pre") => self.pre += 1,
            local_name!("plaintext") => return TokenSinkResult::Plaintext,
            local_name!("ul") | local_name!("ol") => {
                if self.lists.len() < MAX_NESTING {
                    let numbered = *name == local_name!("ol");
                    self.lists.push(numbered.then_some(1));
                } else {
                    self.lists_beyond += 1;
                }
            }
            local_name!("li") => {
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n = n.saturating_add(1);
                        format!("{}. ", *n - 1)
                    }
                    _ => "* ".to_string(),
                };
                self.text(&bullet);
            }
            local_name!("img") => {
                if let Some(alt) = tag
                    .attrs
                    .iter()
                    .find(|a| a.name.local == local_name!("alt"))
                    .map(|a| a.value.trim())
                    .filter(|a| !a.is_empty())
                {
                    self.text(&format!("[{alt}]"));
                }
            }
            local_name!("table") => {
                if self.tables.len() < MAX_NESTING {
                    let inside_left = self.tables.last().is_some_and(|t| t.leaving);
                    self.tables.push(Table {
                        inside_left,
                        leaving: inside_left,
                        ..Table::default()
                    });
                } else {
                    self.tables_beyond += 1;
                }
            }
            local_name!("tr") if self.tables_beyond == 0 => self.row(),
            local_name!("td") | local_name!("th") if self.tables_beyond == 0 => self.cell(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    /// A row begins in the innermost table.
    fn row(&mut self) {
        self.end_row();
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        if t.rows >= MAX_ROWS {
            t.rows_left += 1;
            t.leaving = true;
        } else {
            t.rows += 1;
            t.leaving = t.inside_left;
        }
    }

    /// A cell begins in the innermost table's current row.
    fn cell(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        if t.rows == 0 {
            // Cells before any `<tr>`: the row is implied.
            t.rows = 1;
        }
        if t.inside_left || t.rows_left > 0 {
            return;
        }
        if t.cells >= MAX_COLUMNS {
            t.cells_left += 1;
            t.leaving = true;
            return;
        }
        t.cells += 1;
        t.leaving = false;
        if t.cells > 1 {
            self.text(" | ");
        }
    }

    /// The innermost table's current row ends: the cells left out are said.
    fn end_row(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let left = std::mem::take(&mut t.cells_left);
        t.cells = 0;
        t.leaving = t.inside_left;
        if left > 0 {
            self.text(&format!(" | [… {left} more cells]"));
        }
        self.breaks(1);
    }

    fn end(&mut self, tag: &Tag) {
        let name = &tag.name;
        if let Some((open, n)) = &mut self.hidden {
            if open == name {
                *n -= 1;
                if *n == 0 {
                    self.hidden = None;
                }
            }
            return;
        }
        match *name {
            local_name!("pre") => self.pre = self.pre.saturating_sub(1),
            local_name!("ul") | local_name!("ol") => {
                if self.lists_beyond > 0 {
                    self.lists_beyond -= 1;
                } else {
                    self.lists.pop();
                }
            }
            local_name!("tr") if self.tables_beyond == 0 => self.end_row(),
            local_name!("table") => {
                if self.tables_beyond > 0 {
                    self.tables_beyond -= 1;
                } else {
                    self.end_row();
                    if let Some(t) = self.tables.pop()
                        && t.rows_left > 0
                        && !t.inside_left
                    {
                        self.text(&format!("[… {} more rows]", t.rows_left));
                    }
                }
            }
            _ => {}
        }
        match block(name) {
            Block::Paragraph => self.breaks(2),
            Block::Line => self.breaks(1),
            Block::Inline => {}
        }
    }
}

impl TokenSink for Converter {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(t) => s.text(&t),
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return s.start(&tag),
                TagKind::EndTag => s.end(&tag),
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_decodes_once() {
        assert_eq!(html_to_text("<p>a &amp; b</p><p>c</p>"), "a & b\n\nc");
        assert_eq!(html_to_text("x &amp;#27;[31m y"), "x &#27;[31m y");
        assert_eq!(
            html_to_text("  plain   text \n\n\n more"),
            "plain text\n\nmore"
        );
    }

    #[test]
    fn simple_paragraphs_match_the_tokenizer() {
        let cases = [
            "<p>قال مصدر مطلع إن الوزير، وذلك في البند رقم 3.</p><p>وأضاف أن المحادثات.</p>",
            "<p>A source said x, in item 4.</p><p>It added that y.</p>",
            "lead<p>one\ntwo\tthree</p>tail",
            "one<br>two<BR/>three<br />four",
            "<p></p><p>  a  </p><p></p><br><br><p>b<br></p>",
            "<p>a</p>\n\n<p>b</p>\n",
            "a <br> b",
            "<P>upper</P>",
            "x\r\ny<p>\u{a0}z\u{a0}</p>",
        ];
        for h in cases {
            assert!(simple_paragraphs(h).is_some(), "{h:?}");
            let full = fold_whitespace(&convert(h, &|| false).unwrap());
            assert_eq!(html_to_text(h), full, "{h:?}");
        }
        for h in [
            "<p class=x>a</p>",
            "<b>a</b>",
            "a < b",
            "<p>a &amp; b</p>",
            "a<br",
        ] {
            assert_eq!(simple_paragraphs(h), None, "{h:?}");
        }
    }

    #[test]
    fn entities_never_become_controls_or_markup() {
        // A double-escaped control stays text; a single-escaped one is removed by
        // sanitizing, which the pipeline applies right after.
        let once = html_to_text("a &#27;[31m b");
        assert!(!crate::text::sanitize(&once).contains('\u{1b}'));
        assert_eq!(html_to_text("&lt;b&gt;bold&lt;/b&gt;"), "<b>bold</b>");
        assert_eq!(html_to_text("<p>مسقط &amp; طهران</p>"), "مسقط & طهران");
        assert_eq!(html_to_text("one<br>two"), "one\ntwo");
    }

    #[test]
    fn blocks_lists_and_hidden_content() {
        let cases = [
            (
                "<ul><li>one</li><li>two</li></ul><p>after</p>",
                "* one\n* two\n\nafter",
            ),
            ("<ol><li>one<li>two</ol>", "1. one\n2. two"),
            ("a<img src=x alt=' ALT '>b", "a[ALT]b"),
            ("<div>a</div><div>b</div>", "a\nb"),
            ("<h1>Title</h1>text", "Title\n\ntext"),
            ("<blockquote>q</blockquote>x", "q\n\nx"),
            ("<pre>a\n  b</pre>", "a\nb"),
            (
                "<script>var x = '<p>no</p>';</script>vis<style>p{}</style>ible",
                "visible",
            ),
            ("<head><title>t</title><meta x></head>body", "body"),
            ("a<br>b<hr>c", "a\nb\n\nc"),
            ("<a href='http://x'>link</a> text", "link text"),
            ("x<span>y</span>z", "xyz"),
            ("<p>a</p>\n<p>b</p>", "a\n\nb"),
            ("<!-- note --><p>a<!-- x --></p>", "a"),
        ];
        for (h, want) in cases {
            assert_eq!(html_to_text(h), want, "{h:?}");
        }
    }

    #[test]
    fn a_table_is_rows_of_text() {
        let t = "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>A</td><td>10</td></tr>\
                 <tr><td>B<td>7</table>after";
        assert_eq!(html_to_text(t), "Party | Seats\nA | 10\nB | 7\n\nafter");
        // A table in a cell keeps its rows inside the outer row.
        let nested = "<table><tr><td>x</td><td><table><tr><td>i</td><td>j</td></tr></table></td></tr></table>";
        assert_eq!(html_to_text(nested), "x |\n\ni | j");
    }

    #[test]
    fn large_tables_are_cut_and_say_so() {
        let row = |n: usize| format!("<tr>{}</tr>", "<td>c</td>".repeat(n));
        let wide = format!("<table>{}</table>", row(MAX_COLUMNS + 7));
        let text = html_to_text(&wide);
        assert_eq!(text.split(" | ").filter(|c| *c == "c").count(), MAX_COLUMNS);
        assert!(text.ends_with("[… 7 more cells]"), "{text}");
        let long = format!("<table>{}</table>end", row(2).repeat(MAX_ROWS + 3));
        let text = html_to_text(&long);
        assert_eq!(text.lines().filter(|l| *l == "c | c").count(), MAX_ROWS);
        assert!(text.ends_with("[… 3 more rows]\n\nend"), "{text:?}");
    }

    #[test]
    fn nesting_costs_no_stack() {
        let depth = 20_000;
        let html = format!(
            "{}deep{}",
            "<div><table><tr><td><ul><li>".repeat(depth),
            "</li></ul></td></tr></table></div>".repeat(depth)
        );
        let text = html_to_text(&html);
        assert!(text.contains("deep"), "{text:?}");
        assert!(text.len() < 10 * depth, "{}", text.len());
    }

    #[test]
    fn text_is_cut_at_its_cap() {
        let html = format!("<p>{}</p>", "word ".repeat(MAX_TEXT / 4));
        let text = html_to_text(&html);
        assert!(text.ends_with(CUT_NOTE));
        assert!(text.len() <= MAX_TEXT + CUT_NOTE.len() + 2);
        let plain = "word ".repeat(MAX_TEXT / 4);
        assert!(html_to_text(&plain).ends_with(CUT_NOTE));
    }

    #[test]
    fn out_of_time_gives_up() {
        let html = "<div>x</div>".repeat(10_000);
        assert_eq!(html_to_text_by(&html, &|| true), Err(OutOfTime));
        // A fragment of one slice is made whatever the time.
        assert!(html_to_text_by("<b>x</b>", &|| true).is_ok());
    }
}
