//! The one path every item takes before the store, whether it comes from a feed or
//! a seed document: HTML to text, sanitizing, then classification.

use chrono::{DateTime, Utc};

use crate::classify::{Classifier, Doc};
use crate::model::NewItem;
use crate::text::{html::html_to_text, sanitize};

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
        let (title, body) = if inc.html {
            (html_to_text(&inc.title), html_to_text(&inc.body))
        } else {
            (inc.title, inc.body)
        };
        let title = one_line(&sanitize(&title));
        let text = sanitize(&body).trim().to_string();
        let labels = self.classifier.classify(&Doc {
            title: &title,
            body: &text,
            lang_hint,
            feed: Some(feed),
        });
        let clean =
            |s: Option<String>| s.map(|s| one_line(&sanitize(&s))).filter(|s| !s.is_empty());
        NewItem {
            guid: clean(inc.guid),
            link: clean(inc.link),
            source: one_line(&sanitize(&inc.source)),
            date_is_fetch_time: inc.published.is_none(),
            published: Some(inc.published.unwrap_or(fetched)),
            fetched,
            title,
            text,
            labels,
        }
    }
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
