//! HTML to plain text for feed summaries and content: tags dropped, entities
//! decoded once, paragraphs kept as blank lines, whitespace folded.

/// Converts an HTML fragment to plain text. The result is not yet sanitized.
pub fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return fold_whitespace(html);
    }
    if let Some(text) = simple_paragraphs(html) {
        return fold_whitespace(&text);
    }
    let text = html2text::config::plain_no_decorate()
        .string_from_read(html.as_bytes(), usize::MAX / 4)
        .unwrap_or_else(|_| html.to_string());
    fold_whitespace(&text)
}

/// The common shape of feed summaries, without an HTML parser: text in `<p>`
/// paragraphs and `<br>` breaks, with no other tag and no entity. Gives what
/// html2text gives on such input (before folding); `None` for anything else.
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

/// Text between tags: HTML white space is a space, not a line break.
fn push_text(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| match c {
        '\n' | '\r' | '\t' | '\u{c}' => ' ',
        c => c,
    }));
}

/// Folds runs of spaces inside lines and keeps at most one blank line between
/// paragraphs.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else {
            blank += 1;
            continue;
        };
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(first);
        for w in words {
            out.push(' ');
            out.push_str(w);
        }
    }
    out
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
    fn simple_paragraphs_match_html2text() {
        let full = |h: &str| {
            fold_whitespace(
                &html2text::config::plain_no_decorate()
                    .string_from_read(h.as_bytes(), usize::MAX / 4)
                    .unwrap(),
            )
        };
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
            assert_eq!(html_to_text(h), full(h), "{h:?}");
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
}
