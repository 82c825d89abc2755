//! HTML to plain text for feed summaries and content: tags dropped, entities
//! decoded once, paragraphs kept as blank lines, whitespace folded.

/// Converts an HTML fragment to plain text. The result is not yet sanitized.
pub fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return fold_whitespace(html);
    }
    let text = html2text::config::plain_no_decorate()
        .string_from_read(html.as_bytes(), usize::MAX / 4)
        .unwrap_or_else(|_| html.to_string());
    fold_whitespace(&text)
}

/// Folds runs of spaces inside lines and keeps at most one blank line between
/// paragraphs.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
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
