//! Filters saved by name: the dashboard's filter and layout written as JSON
//! for the store to keep (opaque to it), and read back. Topics and parties
//! are written by id, not by their place in the config, so a saved filter
//! still means the same after the config is reordered; ids the config no
//! longer has are dropped when it is read back. Pure: no store, no terminal.

use serde::{Deserialize, Serialize};

use super::items::{Filter, Taxonomy};
use crate::config::Layout;

/// A filter as the store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    /// Topic panes hidden, by topic id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_topics: Vec<String>,
    pub show_other: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed: Option<String>,
    pub unread_only: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The river rather than the grid.
    pub river: bool,
}

/// Longest saved filter read back, in bytes (a hostile store cannot make the
/// dashboard parse megabytes).
const MAX_JSON: usize = 16 * 1024;

impl Saved {
    pub fn new(filter: &Filter, layout: Layout, taxonomy: &Taxonomy) -> Saved {
        Saved {
            hidden_topics: taxonomy
                .topics
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && filter.hidden_topics & (1 << i) != 0)
                .map(|(_, id)| id.clone())
                .collect(),
            show_other: filter.show_other,
            party: filter.party.and_then(|p| taxonomy.parties.get(p)).cloned(),
            feed: filter.feed.clone(),
            unread_only: filter.unread_only,
            text: filter.text.clone(),
            river: layout == Layout::River,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads a saved filter back; an error says what is wrong with it.
    pub fn parse(json: &str) -> Result<Saved, String> {
        if json.len() > MAX_JSON {
            return Err(format!("longer than {MAX_JSON} bytes"));
        }
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// The filter and layout it stands for under `taxonomy` (ids it no longer
    /// has are dropped).
    pub fn apply(&self, taxonomy: &Taxonomy) -> (Filter, Layout) {
        let mut hidden = 0u64;
        for id in &self.hidden_topics {
            if let Some(i) = taxonomy.topics.iter().position(|t| t == id)
                && i < 64
            {
                hidden |= 1 << i;
            }
        }
        // What the store gives back is untrusted: one clean line.
        let text: String = crate::text::sanitize::sanitize(&self.text)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let filter = Filter {
            hidden_topics: hidden,
            show_other: self.show_other,
            party: self
                .party
                .as_ref()
                .and_then(|p| taxonomy.parties.iter().position(|x| x == p)),
            feed: self
                .feed
                .as_deref()
                .map(crate::text::sanitize::sanitize)
                .filter(|f| !f.is_empty()),
            unread_only: self.unread_only,
            text,
        };
        let layout = if self.river {
            Layout::River
        } else {
            Layout::Grid
        };
        (filter, layout)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn taxonomy(topics: &[&str], parties: &[&str]) -> Taxonomy {
        let mut t = Taxonomy::default();
        t.topics = topics.iter().map(|t| t.to_string()).collect();
        t.parties = parties.iter().map(|p| p.to_string()).collect();
        t
    }

    #[test]
    fn a_filter_comes_back_by_ids_after_the_config_is_reordered() {
        let before = taxonomy(&["nuclear", "sanctions", "rights"], &["us", "iran"]);
        let filter = Filter {
            hidden_topics: 0b100,
            show_other: true,
            party: Some(1),
            feed: Some("BBC Arabic".into()),
            unread_only: true,
            text: "مسقط talks".into(),
        };
        let json = Saved::new(&filter, Layout::River, &before).to_json();
        let saved = Saved::parse(&json).unwrap();
        assert_eq!(saved.apply(&before), (filter.clone(), Layout::River));
        // Reordered, and a topic gone: the same topics and party by id.
        let after = taxonomy(&["rights", "nuclear"], &["iran", "oman", "us"]);
        let (f, _) = saved.apply(&after);
        assert_eq!((f.hidden_topics, f.party), (0b1, Some(0)));
    }

    #[test]
    fn what_the_store_gives_back_is_checked() {
        assert!(Saved::parse("not json").is_err());
        assert!(Saved::parse(&"x".repeat(MAX_JSON + 1)).is_err());
        let tax = taxonomy(&["nuclear"], &[]);
        let hostile =
            r#"{"text":"a\u001b]0;pwn\u0007b","feed":"\u001b[2J","hidden_topics":["nope"]}"#;
        let (f, layout) = Saved::parse(hostile).unwrap().apply(&tax);
        assert!(!f.text.chars().any(char::is_control), "{:?}", f.text);
        assert!(
            f.feed
                .as_deref()
                .is_none_or(|x| !x.chars().any(char::is_control))
        );
        assert_eq!((f.hidden_topics, layout), (0, Layout::Grid));
    }
}
