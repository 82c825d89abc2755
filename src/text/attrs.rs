//! Tags with a hostile number of attributes, cut before the HTML tokenizer
//! sees them. html5ever checks each new attribute of a tag against those
//! before it (duplicates are dropped), so one tag of 200,000 attributes costs
//! 2·10¹⁰ comparisons. No real tag has hundreds of attributes, and the text
//! made from HTML uses one (`alt`): past [`MAX_ATTRIBUTES`], the rest of a
//! tag's attributes are left out. One pass, linear in the input; the input
//! comes back as it was when no tag needs cutting.

use std::borrow::Cow;

/// Attributes (more exactly: words inside a tag, the name included) kept
/// of one tag.
pub const MAX_ATTRIBUTES: usize = 256;

/// `html` with every tag cut after [`MAX_ATTRIBUTES`] words. A tag is what
/// the tokenizer takes for one: `<` and an ASCII letter (or `/` and a letter)
/// up to the `>` outside a quoted value; a quote opens a value only after `=`,
/// as for the tokenizer.
pub fn cap_attributes(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    // Byte ranges to leave out, each from an attribute past the cap to the
    // end of its tag.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &bytes[i..]) {
        let start = i + lt + 1;
        let name_at = if bytes.get(start) == Some(&b'/') {
            start + 1
        } else {
            start
        };
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = start;
            continue;
        }
        let (end, cut_from) = scan_tag(bytes, name_at);
        if let Some(from) = cut_from {
            cuts.push((from, end));
        }
        i = end;
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (from, to) in cuts {
        out.push_str(&html[at..from]);
        at = to;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// From a tag's name at `at`: where the tag ends (at its `>`, or the end of
/// the input), and where its words past the cap begin, if they do.
fn scan_tag(bytes: &[u8], at: usize) -> (usize, Option<usize>) {
    let mut words = 0;
    let mut in_word = false;
    let mut after_eq = false;
    let mut cut_from = None;
    let mut j = at;
    while j < bytes.len() {
        match bytes[j] {
            b'>' => return (j, cut_from),
            q @ (b'"' | b'\'') if after_eq => {
                // A quoted value: to its closing quote.
                match memchr(q, &bytes[j + 1..]) {
                    Some(k) => j += k + 1,
                    None => return (bytes.len(), cut_from),
                }
                after_eq = false;
                in_word = true;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' => in_word = false,
            b'=' => after_eq = true,
            _ => {
                after_eq = false;
                if !in_word {
                    in_word = true;
                    words += 1;
                    if words == MAX_ATTRIBUTES + 1 && cut_from.is_none() {
                        cut_from = Some(j);
                    }
                }
            }
        }
        j += 1;
    }
    (bytes.len(), cut_from)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_html_is_left_as_it_is() {
        for html in [
            "<p class=\"a\" id='b'>x</p>",
            "<img alt=\"a > b\" src=x>",
            "a < b and c<d",
            "<p a=\"unclosed",
            "text only",
        ] {
            assert!(matches!(cap_attributes(html), Cow::Borrowed(_)), "{html}");
        }
    }

    #[test]
    fn a_tag_is_cut_after_its_cap() {
        let many: Vec<String> = (0..1000).map(|i| format!("a{i}")).collect();
        let html = format!("<img alt=\"kept\" {}>text<p>more", many.join(" "));
        let out = cap_attributes(&html);
        // `img`, `alt` and 254 more kept: " alt", " a0" … " a253".
        assert_eq!(out.matches(" a").count(), MAX_ATTRIBUTES - 1);
        assert!(out.starts_with("<img alt=\"kept\" a0 a1"));
        assert!(out.ends_with(">text<p>more"), "{}", &out[out.len() - 20..]);
        // Quotes that open no value hide nothing from the count.
        let html = format!("<p a\" {} \">x", many.join(" "));
        assert!(cap_attributes(&html).len() < 8 * MAX_ATTRIBUTES);
        // Words inside a quoted value are not attributes.
        let html = format!("<p title=\"{}\">x", many.join(" "));
        assert!(matches!(cap_attributes(&html), Cow::Borrowed(_)));
        // An end tag too, and one the input ends inside.
        let html = format!("</p {}", many.join(" "));
        assert!(cap_attributes(&html).len() < 8 * MAX_ATTRIBUTES);
    }

    #[test]
    fn a_tag_of_200_000_attributes_is_text_at_once() {
        // Quadratic in the tokenizer without the cap: minutes of CPU.
        let many: Vec<String> = (0..200_000).map(|i| format!("a{i}")).collect();
        let html = format!(
            "<p {}>text</p><img alt=\"kept\" {}>",
            many.join(" "),
            many.join(" ")
        );
        assert_eq!(crate::text::html::html_to_text(&html), "text\n\n[kept]");
    }
}
