//! Keys that decide when two items are the same: the canonical form of a link
//! (scheme and host case folded, fragment and tracking parameters removed) and a
//! hash of the normalized content; and the item's full-text search key, made
//! from the same normalized text.

use url::Url;

/// Query parameters that only track the reader.
fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "ocid"
                | "at_medium"
                | "at_campaign"
                | "at_link_id"
                | "at_ptr_name"
                | "at_bbc_team"
                | "at_link_origin"
                | "at_format"
                | "at_link_type"
                | "_ga"
                | "yclid"
                | "cmpid"
                | "smid"
                | "xtor"
        )
}

/// The canonical form of an http(s) link; `None` for anything else.
pub fn canonical_link(link: &str) -> Option<String> {
    let link = link.trim();
    match plain_link(link) {
        Some(plain) => Some(plain.to_string()),
        None => parsed_canonical_link(link),
    }
}

/// [`canonical_link`] by parsing the link.
fn parsed_canonical_link(link: &str) -> Option<String> {
    let mut url = Url::parse(link).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_none() {
        return Some(without_scheme(url));
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(without_scheme(url))
}

/// The canonical form of a link that parsing would hand back as it is, less
/// its scheme, found without parsing it: most links come from a feed parser
/// that has already written them out in URL form. That is an `http://` or
/// `https://` link in printable ASCII with a lowercase host name (letters,
/// digits, `-`; not numeric at its end, not punycode), no user, port, query
/// or fragment, and a path with no dot segments and nothing to escape. Any
/// other link is parsed (the tests check both ways agree).
fn plain_link(link: &str) -> Option<&str> {
    let rest = link
        .strip_prefix("http://")
        .or_else(|| link.strip_prefix("https://"))?;
    let (host, path) = rest.split_at(rest.find('/')?);
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with("xn--")
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last = host.rsplit('.').next()?;
    if !host.split('.').all(label_ok) || last.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%".contains(&b))
        && !path.split('/').any(|seg| {
            seg == "."
                || seg == ".."
                || seg.contains('%') && seg.to_ascii_lowercase().contains("%2e")
        });
    path_ok.then(|| &link[link.len() - rest.len() - 2..])
}

/// http and https of the same page are one page: both become `//host/...`.
fn without_scheme(url: Url) -> String {
    let mut s: String = url.into();
    let scheme = if s.starts_with("https:") { 6 } else { 5 };
    s.replace_range(..scheme, "");
    s
}

/// A hash of the item's normalized title and text.
pub fn content_hash(title: &str, text: &str) -> [u8; 16] {
    hash_normalized(
        &crate::text::normalize(title),
        &crate::text::normalize(text),
    )
}

/// [`content_hash`] of a title and text already normalized.
pub(super) fn hash_normalized(title: &str, text: &str) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    h.update(title.trim().as_bytes());
    h.update(b"\n");
    h.update(text.trim().as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// What the store deduplicates and indexes an item by, computed from its
/// normalized title and text: a content hash and the full-text search key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys {
    pub hash: [u8; 16],
    pub search: String,
    /// The normalized title and text, which story clustering reads.
    pub title_key: String,
    pub text_key: String,
    /// Lengths of the title and text the keys were made from.
    of: (usize, usize),
}

impl ItemKeys {
    /// The keys of a title and text already normalized (`title` and `text` are
    /// the texts they came from).
    pub fn new(title: &str, text: &str, title_key: &str, text_key: &str) -> ItemKeys {
        ItemKeys {
            hash: hash_normalized(title_key, text_key),
            search: crate::text::search::index_key_normalized(&[title_key, text_key]),
            title_key: title_key.to_string(),
            text_key: text_key.to_string(),
            of: (title.len(), text.len()),
        }
    }

    /// The keys of a title and text.
    pub fn of(title: &str, text: &str) -> ItemKeys {
        let (t, x) = (crate::text::normalize(title), crate::text::normalize(text));
        ItemKeys::new(title, text, &t, &x)
    }

    /// Whether these can be the keys of this title and text (made from texts
    /// of their lengths).
    pub fn fit(&self, title: &str, text: &str) -> bool {
        self.of == (title.len(), text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_fragment_and_tracking() {
        let a = canonical_link("HTTPS://WWW.Example.COM:443/News/1?utm_source=x&id=5&fbclid=y#top");
        assert_eq!(a.as_deref(), Some("//www.example.com/News/1?id=5"));
        assert_eq!(canonical_link("http://www.example.com/News/1?id=5"), a);
        assert_eq!(
            canonical_link("https://e.com/a?utm_medium=rss").as_deref(),
            Some("//e.com/a")
        );
        assert_eq!(canonical_link("javascript:alert(1)"), None);
        assert_eq!(canonical_link("not a url"), None);
    }

    #[test]
    fn plain_links_are_taken_as_parsing_writes_them() {
        let taken = [
            "http://e.com/",
            "https://www.example.com/news/2025/04/12/item-1.html",
            "http://farm.invalid/0/item/12",
            "https://a-b.c0.org/%D8%B9/x;y=1/@me/~u/a+b,c!$&'()*",
            "http://e.com/a.b/.c/..d/",
        ];
        for l in taken {
            assert!(plain_link(l).is_some(), "{l}");
            assert_eq!(canonical_link(l), parsed_canonical_link(l), "{l}");
        }
        let parsed = [
            "HTTP://e.com/",
            "http://E.com/",
            "http://e.com",
            "http://e.com:80/",
            "http://e.com:8080/",
            "http://u@e.com/",
            "http://127.0.0.1/a",
            "http://1.2.3/a",
            "http://e.0x10/a",
            "http://xn--mgbh0fb.com/",
            "http://e..com/",
            "http://e.com./",
            "http://e.com/a/../b",
            "http://e.com/a/./b",
            "http://e.com/a/%2E%2e/b",
            "http://e.com/a b",
            "http://e.com/a\\b",
            "http://e.com/é",
            "http://e.com/a#f",
            "http://e.com/a?q=1",
            "http://e.com/a\tb",
            "http://e.com/<a>",
            "http://e.com/a`{}|^\"",
            "ftp://e.com/",
        ];
        for l in parsed {
            assert!(plain_link(l).is_none(), "{l}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_links_agree_with_parsing(
            l in "https?://[a-z0-9.\\-]{0,12}(:[0-9]{1,5})?(/[a-zA-Z0-9%.~_!$&'()*+,;=:@\\-]{0,6}){0,4}[/#?]?[a-z]{0,3}"
        ) {
            if plain_link(&l).is_some() {
                proptest::prop_assert_eq!(canonical_link(&l), parsed_canonical_link(&l));
            }
        }
    }

    #[test]
    fn hash_ignores_diacritics_and_case() {
        assert_eq!(
            content_hash("التَّخْصِيب", "Body"),
            content_hash("التخصيب", "body")
        );
        assert_ne!(content_hash("a", "b"), content_hash("a", "c"));
    }
}
