//! Bytes to text: the encoding is taken from the byte-order mark, then the HTTP
//! charset, then the XML declaration, then detected (chardetng). The text handed on
//! is UTF-8 with its XML declaration rewritten to say so, so the parser never
//! decodes twice.

use encoding_rs::{Encoding, UTF_8};

/// The decoded text and the encoding it was read as.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// The `charset` parameter of a Content-Type header value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The `encoding` pseudo-attribute of a leading `<?xml ...?>` declaration.
fn xml_declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.windows(5).position(|w| w == b"<?xml")?;
    if head[..start].iter().any(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    let end = start + head[start..].windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[start..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let label = rest[1..].split(quote).next()?;
    Encoding::for_label(label.trim().as_bytes())
}

/// Decodes a feed's bytes; `http_charset` is the Content-Type's charset, if any.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> Decoded {
    let (encoding, body) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, &bytes[bom_len..])
    } else if bytes.starts_with(&[0, b'<', 0]) {
        (encoding_rs::UTF_16BE, bytes)
    } else if bytes.starts_with(&[b'<', 0]) {
        (encoding_rs::UTF_16LE, bytes)
    } else {
        let labeled = http_charset
            .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
            .or_else(|| xml_declared(bytes));
        // A UTF-16 label without a BOM is almost always a lie about an ASCII-
        // compatible body (the declaration itself was readable as ASCII).
        let labeled = labeled.map(|e| e.output_encoding());
        let enc = match labeled {
            Some(e) => e,
            None if std::str::from_utf8(bytes).is_ok() => UTF_8,
            None => {
                let mut det = chardetng::EncodingDetector::new();
                det.feed(bytes, true);
                det.guess(None, true)
            }
        };
        (enc, bytes)
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    Decoded {
        text: rewrite_declaration(text.into_owned()),
        encoding,
    }
}

const UTF8_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// Replaces a leading XML declaration by one that says UTF-8, and drops any
/// later one (invalid XML, and the parser would switch encodings mid-stream).
fn rewrite_declaration(text: String) -> String {
    // The usual case, kept without a copy: nothing after a leading UTF-8
    // declaration (or no declaration at all) that starts a processing instruction.
    let rest = text.strip_prefix(UTF8_DECL).unwrap_or(&text);
    if !rest.contains("<?") {
        return text;
    }
    let is_decl = |rest: &str| {
        rest.get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("<?xml"))
            && rest[5..].starts_with(|c: char| c.is_ascii_whitespace() || c == '?')
    };
    let trimmed = text.trim_start();
    let mut out = String::with_capacity(text.len() + 40);
    let mut rest = &text[..];
    if is_decl(trimmed) {
        let offset = text.len() - trimmed.len();
        match trimmed.find("?>") {
            Some(end) => {
                out.push_str(UTF8_DECL);
                rest = &text[offset + end + 2..];
            }
            None => return text,
        }
    }
    while let Some(i) = rest.find("<?") {
        if is_decl(&rest[i..]) {
            out.push_str(&rest[..i]);
            rest = match rest[i..].find("?>") {
                Some(end) => &rest[i + end + 2..],
                None => "",
            };
        } else {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn enc(name: &str) -> &'static Encoding {
        Encoding::for_label(name.as_bytes()).unwrap()
    }

    #[test]
    fn bom_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(
            "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss>سلام</rss>".as_bytes(),
        );
        let d = decode(&b, Some("iso-8859-6"));
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("سلام"));
        assert!(
            d.text
                .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        );
    }

    #[test]
    fn http_charset_then_declaration() {
        let (bytes, _, _) = enc("windows-1256").encode("<rss><title>إيران</title></rss>");
        let d = decode(&bytes, Some("windows-1256"));
        assert!(d.text.contains("إيران"), "{}", d.text);
        let mut decl = b"<?xml version='1.0' encoding='windows-1256'?>".to_vec();
        decl.extend_from_slice(&bytes);
        let d = decode(&decl, None);
        assert_eq!(d.encoding, enc("windows-1256"));
        assert!(d.text.contains("إيران"));
        assert!(!d.text.contains("1256"));
    }

    #[test]
    fn iso_8859_6_declared() {
        let (bytes, _, _) = enc("iso-8859-6").encode("<rss><title>مسقط</title></rss>");
        let mut decl = b"<?xml version=\"1.0\" encoding=\"ISO-8859-6\"?>".to_vec();
        decl.extend_from_slice(&bytes);
        assert!(decode(&decl, None).text.contains("مسقط"));
    }

    #[test]
    fn undeclared_arabic_is_detected() {
        let text = "<rss><channel><title>أخبار اليوم</title><item><title>المفاوضات النووية بين إيران والولايات المتحدة في مسقط تستأنف الأسبوع المقبل</title></item></channel></rss>";
        let (bytes, _, _) = enc("windows-1256").encode(text);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, enc("windows-1256"));
        assert!(d.text.contains("المفاوضات"));
        assert_eq!(decode(text.as_bytes(), None).encoding, UTF_8);
    }

    #[test]
    fn later_declarations_are_dropped() {
        let d = decode(b"<!-- c --><?xml version='1.0' encoding='iso-8859-1'?><rss/><?xml-stylesheet href='x'?>", None);
        assert_eq!(d.text, "<!-- c --><rss/><?xml-stylesheet href='x'?>");
        let d = decode(b"<?xml version='1.0'?>\n<rss/>", None);
        assert_eq!(d.text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss/>");
    }

    #[test]
    fn charset_param() {
        assert_eq!(
            charset_of("application/rss+xml; Charset=\"UTF-8\""),
            Some("UTF-8")
        );
        assert_eq!(charset_of("text/xml"), None);
    }
}
