//! The one path every item takes before the store, whether it comes from a feed or
//! a seed document: HTML to text (by a deadline), sanitizing, then
//! classification.

use chrono::{DateTime, Utc};

use crate::classify::{Classifier, Doc};
use crate::model::NewItem;
use crate::store::ItemKeys;
use crate::text::html::html_to_text_by;
use crate::text::sanitize_owned;

/// The text of an item whose HTML could not be made into text in time: it is
/// stored with its title and this note (and so never processed again).
pub const TEXT_NOTE: &str =
    "[marsad could not make this item's text within its time limit: the link has the whole item]";

/// The longest title kept, in bytes; a longer one is cut with "…".
pub const MAX_TITLE: usize = 2048;
/// The most of a title's HTML made into text.
const MAX_TITLE_HTML: usize = 64 * 1024;

/// An item as a source delivers it, before any cleaning.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub guid: Option<String>,
    pub link: Option<String>,
    pub source: String,
    pub title: String,
    pub body: String,
    /// `title` and `body` are HTML (feed content), not plain text (seeds).
    pub html: bool,
    pub published: Option<DateTime<Utc>>,
}

/// Cleans and classifies incoming items.
pub struct Pipeline {
    classifier: Classifier,
}

impl Pipeline {
    pub fn new(classifier: Classifier) -> Pipeline {
        Pipeline { classifier }
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// Turns an incoming item of `feed` into a stored-to-be item.
    pub fn process(
        &self,
        inc: Incoming,
        feed: &str,
        lang_hint: Option<&str>,
        fetched: DateTime<Utc>,
    ) -> NewItem {
        self.process_by(inc, feed, lang_hint, fetched, &|| false)
    }

    /// As [`Pipeline::process`], with the item's HTML made into text until
    /// `out_of_time` says so: then the item keeps its title (its tags
    /// stripped) and [`TEXT_NOTE`] stands for its text.
    pub fn process_by(
        &self,
        inc: Incoming,
        feed: &str,
        lang_hint: Option<&str>,
        fetched: DateTime<Utc>,
        out_of_time: &dyn Fn() -> bool,
    ) -> NewItem {
        let (title, body) = if inc.html {
            let title = &inc.title[..inc.title.floor_char_boundary(MAX_TITLE_HTML)];
            (
                html_to_text_by(title, out_of_time).unwrap_or_else(|_| strip_tags(title)),
                html_to_text_by(&inc.body, out_of_time).unwrap_or_else(|_| TEXT_NOTE.to_string()),
            )
        } else {
            (inc.title, inc.body)
        };
        let title = cut_title(one_line_owned(sanitize_owned(title)));
        let text = trim_owned(sanitize_owned(body));
        // The store's keys from the same normalized text the classifier reads.
        let (labels, keys) = self.classifier.classify_then(
            &Doc {
                title: &title,
                body: &text,
                lang_hint,
                feed: Some(feed),
            },
            |t, b| ItemKeys::new(&title, &text, &t.key, &b.key),
        );
        NewItem {
            guid: clean_key(inc.guid),
            link: clean_key(inc.link),
            source: one_line_owned(sanitize_owned(inc.source)),
            date_is_fetch_time: inc.published.is_none(),
            published: Some(inc.published.unwrap_or(fetched)),
            fetched,
            title,
            text,
            labels,
            keys: Some(keys),
        }
    }
}

/// A guid or a link as stored: sanitized, on one line, `None` when empty.
/// The store's lookup of known items uses the same form.
pub fn clean_key(s: Option<String>) -> Option<String> {
    s.map(|s| one_line_owned(sanitize_owned(s)))
        .filter(|s| !s.is_empty())
}

/// A title cut at [`MAX_TITLE`] bytes, with "…".
fn cut_title(mut title: String) -> String {
    if title.len() > MAX_TITLE {
        title.truncate(title.floor_char_boundary(MAX_TITLE - '…'.len_utf8()));
        title.push('…');
    }
    title
}

/// Text without what looks like tags, in one pass: the title of an item whose
/// HTML could not be made into text in time.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// [`one_line`] of a text the caller owns: handed back as it is when it is on
/// one line already (no line break, tab or double space, nothing to trim).
pub fn one_line_owned(s: String) -> String {
    let mut space = true; // at the start, a space would be leading
    let folded = s.chars().all(|c| {
        let ok = if c == ' ' { !space } else { !c.is_whitespace() };
        space = c == ' ';
        ok
    }) && !space;
    if folded || s.is_empty() {
        s
    } else {
        one_line(&s)
    }
}

/// Removes leading and trailing white space in place.
fn trim_owned(mut s: String) -> String {
    s.truncate(s.trim_end().len());
    let lead = s.len() - s.trim_start().len();
    s.drain(..lead);
    s
}

/// Folds a text onto one line (titles, names, links).
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_stores_own() {
        let config = crate::config::Config::builtin();
        let pipeline = Pipeline::new(Classifier::new(&config).expect("builtin rules"));
        let item = pipeline.process(
            Incoming {
                title: "<b>التَّخْصِيب</b> في  مسقط".into(),
                body: "<p>Iran's   talks\u{0640}</p><p>وبالهجوم</p>".into(),
                html: true,
                ..Incoming::default()
            },
            "feed",
            None,
            Utc::now(),
        );
        assert_eq!(item.keys, Some(ItemKeys::of(&item.title, &item.text)));
        assert!(item.keys.is_some_and(|k| k.fit(&item.title, &item.text)));
    }

    #[test]
    fn owned_forms_equal_the_borrowing_ones() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "a b",
            "a  b",
            "a\tb",
            "a\nb",
            "عمان  مسقط",
            "x\u{a0}y",
            "\u{2003}",
            "one two three",
        ] {
            assert_eq!(one_line_owned(s.to_string()), one_line(s), "{s:?}");
            assert_eq!(trim_owned(s.to_string()), s.trim(), "{s:?}");
        }
    }
}
