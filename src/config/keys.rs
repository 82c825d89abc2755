//! The `[keys]` table: the actions a key can be bound to and how a key is
//! written (`q`, `X`, `ctrl-c`, `enter`, `f5`, `space`). The dashboard's keymap
//! is built from these, and the same checks run in `marsad check`, so a table
//! the dashboard would refuse never passes the check.

use std::collections::BTreeMap;

/// Every action: its name in `[keys]`, what the help says, and its default keys.
pub const ACTIONS: &[(&str, &str, &[&str])] = &[
    ("up", "up", &["up", "k"]),
    ("down", "down", &["down", "j"]),
    ("left", "pane left", &["left", "h"]),
    ("right", "pane right", &["right", "l"]),
    ("page_up", "page up", &["pageup"]),
    ("page_down", "page down", &["pagedown"]),
    ("next_pane", "next pane", &["tab"]),
    ("prev_pane", "previous pane", &["backtab"]),
    ("open", "open", &["enter"]),
    ("back", "back", &["esc"]),
    ("zoom", "zoom", &["z"]),
    ("river", "river / grid", &["v"]),
    ("next_unread", "next unread", &["n"]),
    ("prev_unread", "previous unread", &["N"]),
    ("topics", "topics", &["t"]),
    ("party", "party", &["p"]),
    ("search", "search", &["/"]),
    ("clear", "clear filters", &["c"]),
    ("alerts", "alerts", &["a"]),
    ("feeds", "feeds", &["f"]),
    ("open_link", "open link", &["o"]),
    ("copy_link", "copy link", &["y"]),
    ("refresh", "refresh", &["r"]),
    ("mark_read", "mark read", &["m", "space"]),
    ("mark_pane_read", "mark pane read", &["A"]),
    ("mark_all_read", "mark all read", &["C"]),
    ("unread_only", "unread only", &["U"]),
    ("bookmark", "bookmark", &["s"]),
    ("bookmarks", "bookmarks", &["S"]),
    ("save_filter", "save filter", &["F"]),
    ("filters", "saved filters", &["'"]),
    ("delete_filter", "delete saved filter", &["d", "delete"]),
    ("acknowledge", "acknowledge", &["x"]),
    ("acknowledge_all", "acknowledge all", &["X"]),
    ("bidi", "bidi mode", &["b"]),
    ("utc", "UTC / local time", &["u"]),
    ("help", "help", &["?"]),
    ("quit", "quit", &["q", "ctrl-c"]),
];

/// Keys written by name, in a fixed order (the keymap maps each to its key code).
pub const NAMED: &[&str] = &[
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "delete",
    "insert",
];

/// A key as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Char(char),
    F(u8),
    /// An index into [`NAMED`].
    Named(u8),
}

impl Key {
    /// Parses a key name; `None` if it is not one.
    pub fn parse(name: &str) -> Option<Key> {
        let mut rest = name;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => Code::Char(c),
            _ if rest == "space" => Code::Char(' '),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some(i) = NAMED.iter().position(|n| *n == lower) {
                    Code::Named(i as u8)
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    if !(1..=12).contains(&n) {
                        return None;
                    }
                    Code::F(n)
                } else {
                    return None;
                }
            }
        };
        Some(Key { code, ctrl, alt })
    }
}

/// What is wrong with a `[keys]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    UnknownAction(String),
    UnknownKey {
        action: String,
        key: String,
    },
    /// Two actions the table binds take the same key.
    Twice {
        key: String,
        first: String,
        second: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::UnknownAction(name) => write!(f, "unknown action `{name}`"),
            Problem::UnknownKey { key, .. } => write!(f, "unknown key `{key}`"),
            Problem::Twice { key, first, second } => {
                write!(
                    f,
                    "the key `{key}` is given to both `{first}` and `{second}`"
                )
            }
        }
    }
}

impl Problem {
    /// The action whose keys are at fault.
    pub fn action(&self) -> &str {
        match self {
            Problem::UnknownAction(a) => a,
            Problem::UnknownKey { action, .. } => action,
            Problem::Twice { second, .. } => second,
        }
    }

    /// How to put it right.
    pub fn hint(&self) -> String {
        match self {
            Problem::UnknownAction(name) => {
                crate::config::error::did_you_mean(name, ACTIONS.iter().map(|(n, _, _)| *n))
                    .unwrap_or_else(|| {
                        let names: Vec<&str> = ACTIONS.iter().map(|(n, _, _)| *n).collect();
                        format!("the actions are: {}", names.join(", "))
                    })
            }
            Problem::UnknownKey { .. } => format!(
                "write a character (`q`, `X`, `/`), `ctrl-x`, `alt-x`, `f1`…`f12`, `space` or one of: {}",
                NAMED.join(", ")
            ),
            Problem::Twice { .. } => "give each action keys of its own".into(),
        }
    }
}

/// Every problem of a `[keys]` table (action name to keys), in table order.
pub fn check(table: &BTreeMap<String, Vec<String>>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut taken: BTreeMap<Key, &str> = BTreeMap::new();
    for (action, keys) in table {
        if !ACTIONS.iter().any(|(n, _, _)| n == action) {
            out.push(Problem::UnknownAction(action.clone()));
            continue;
        }
        for k in keys {
            match Key::parse(k) {
                None => out.push(Problem::UnknownKey {
                    action: action.clone(),
                    key: k.clone(),
                }),
                Some(key) => {
                    if let Some(first) = taken.insert(key, action)
                        && first != action
                    {
                        out.push(Problem::Twice {
                            key: k.clone(),
                            first: first.to_string(),
                            second: action.clone(),
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(a, ks)| (a.to_string(), ks.iter().map(|k| k.to_string()).collect()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_keys() {
        for (name, _, keys) in ACTIONS {
            for k in *keys {
                assert!(Key::parse(k).is_some(), "{name}: {k}");
            }
        }
    }

    #[test]
    fn every_problem_of_a_table_is_found() {
        let t = table(&[
            ("quitt", &["q"]),
            ("zoom", &["hyper-z", "Z"]),
            ("help", &["Z"]),
        ]);
        let p = check(&t);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0].to_string(), "unknown action `quitt`");
        assert!(p[0].hint().contains("`quit`"), "{}", p[0].hint());
        assert!(p.iter().any(|x| x.to_string().contains("`hyper-z`")));
        assert!(
            p.iter()
                .any(|x| x.to_string() == "the key `Z` is given to both `help` and `zoom`"),
            "{p:?}"
        );
    }
}
