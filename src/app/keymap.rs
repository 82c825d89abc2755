//! Keys to actions: a pure function of the key and whether the user is typing.
//! Defaults as the help screen lists them; feeds.toml's `[keys]` table replaces
//! an action's keys (`quit = ["q", "ctrl-c"]`).

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Action;
use crate::config::keys::{self, Code, Key, NAMED};

/// Every remappable action: its name in `[keys]`, what the help says, and its
/// default keys.
pub use crate::config::keys::ACTIONS as BINDINGS;

fn action_named(name: &str) -> Option<Action> {
    Some(match name {
        "up" => Action::Up,
        "down" => Action::Down,
        "left" => Action::Left,
        "right" => Action::Right,
        "page_up" => Action::PageUp,
        "page_down" => Action::PageDown,
        "next_pane" => Action::NextPane,
        "prev_pane" => Action::PrevPane,
        "open" => Action::Open,
        "back" => Action::Back,
        "zoom" => Action::Zoom,
        "river" => Action::River,
        "next_unread" => Action::NextUnread,
        "prev_unread" => Action::PrevUnread,
        "mark_pane_read" => Action::MarkPaneRead,
        "mark_all_read" => Action::MarkAllRead,
        "unread_only" => Action::UnreadOnly,
        "bookmark" => Action::Bookmark,
        "bookmarks" => Action::Bookmarks,
        "save_filter" => Action::SaveFilter,
        "filters" => Action::Filters,
        "delete_filter" => Action::DeleteFilter,
        "topics" => Action::PickTopics,
        "party" => Action::PickParty,
        "search" => Action::Search,
        "clear" => Action::ClearFilters,
        "alerts" => Action::Alerts,
        "feeds" => Action::Feeds,
        "open_link" => Action::OpenLink,
        "copy_link" => Action::CopyLink,
        "refresh" => Action::Refresh,
        "mark_read" => Action::MarkRead,
        "acknowledge" => Action::Acknowledge,
        "acknowledge_all" => Action::AcknowledgeAll,
        "bidi" => Action::ToggleBidi,
        "utc" => Action::ToggleUtc,
        "help" => Action::Help,
        "quit" => Action::Quit,
        _ => return None,
    })
}

/// The key codes of the keys written by name, in the order of `keys::NAMED`.
const NAMED_CODES: [KeyCode; 15] = [
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::Insert,
];

fn from_event(k: &KeyEvent) -> Option<Key> {
    let code = match k.code {
        KeyCode::Char(c) => Code::Char(c),
        KeyCode::F(n) => Code::F(n),
        other => Code::Named(NAMED_CODES.iter().position(|c| *c == other)? as u8),
    };
    Some(Key {
        code,
        ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
        alt: k.modifiers.contains(KeyModifiers::ALT),
    })
}

/// The key as the footer shows it.
fn label(k: &Key) -> String {
    let base = match k.code {
        Code::Char(' ') => "Space".to_string(),
        Code::Char(c) => c.to_string(),
        Code::F(n) => format!("F{n}"),
        Code::Named(i) => match NAMED.get(i as usize).copied() {
            Some("up") => "↑".into(),
            Some("down") => "↓".into(),
            Some("left") => "←".into(),
            Some("right") => "→".into(),
            Some("enter") => "Enter".into(),
            Some("esc") => "Esc".into(),
            Some("tab") => "Tab".into(),
            Some("backtab") => "S-Tab".into(),
            Some(n) => n.to_string(),
            None => "?".into(),
        },
    };
    match (k.ctrl, k.alt) {
        (true, _) => format!("C-{base}"),
        (_, true) => format!("M-{base}"),
        _ => base,
    }
}

/// The active bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Key, &'static str>,
    /// Action name to its keys, in binding order, for the footer and help.
    keys: BTreeMap<&'static str, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The defaults are all valid names (checked by a test).
        Keymap::new(&BTreeMap::new()).unwrap_or_else(|_| Keymap {
            bindings: BTreeMap::new(),
            keys: BTreeMap::new(),
        })
    }
}

impl Keymap {
    /// The default keys with the config's `[keys]` overrides; errors name every
    /// unknown action or key.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, Vec<String>> {
        let problems = keys::check(overrides);
        if !problems.is_empty() {
            return Err(problems
                .iter()
                .map(|p| match p {
                    keys::Problem::UnknownAction(_) => format!("[keys] {p}; {}", p.hint()),
                    _ => format!("[keys] {}: {p}; {}", p.action(), p.hint()),
                })
                .collect());
        }
        let mut keys: BTreeMap<&'static str, Vec<Key>> = BTreeMap::new();
        for (name, _, default) in BINDINGS {
            let names: Vec<&str> = match overrides.get(*name) {
                Some(list) => list.iter().map(String::as_str).collect(),
                None => default.to_vec(),
            };
            keys.insert(name, names.into_iter().filter_map(Key::parse).collect());
        }
        let mut bindings = BTreeMap::new();
        // Overridden actions win a key over defaults that also use it.
        let order = BINDINGS
            .iter()
            .filter(|(n, _, _)| !overrides.contains_key(*n))
            .chain(
                BINDINGS
                    .iter()
                    .filter(|(n, _, _)| overrides.contains_key(*n)),
            );
        for (name, _, _) in order {
            for k in keys.get(name).into_iter().flatten() {
                bindings.insert(*k, *name);
            }
        }
        Ok(Keymap { bindings, keys })
    }

    /// The action for a key; `typing` is true while the search box has focus.
    pub fn action(&self, key: &KeyEvent, typing: bool) -> Option<Action> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if typing {
            match key.code {
                KeyCode::Esc => return Some(Action::Back),
                KeyCode::Enter => return Some(Action::Open),
                KeyCode::Backspace => return Some(Action::Backspace),
                KeyCode::Up => return Some(Action::Up),
                KeyCode::Down => return Some(Action::Down),
                KeyCode::Char('c') if ctrl => return Some(Action::Quit),
                KeyCode::Char(c) if !ctrl && !c.is_control() => return Some(Action::Type(c)),
                _ => return None,
            }
        }
        if let Some(name) = from_event(key).and_then(|k| self.bindings.get(&k)) {
            return action_named(name);
        }
        // Digits jump to a topic unless rebound.
        match key.code {
            KeyCode::Char(c @ '1'..='9') if !ctrl => Some(Action::Jump(c as usize - '1' as usize)),
            _ => None,
        }
    }

    /// The keys of an action, as labels ("q/C-c").
    pub fn label(&self, action: &str) -> String {
        self.keys
            .get(action)
            .map(|ks| ks.iter().map(label).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// The help text of an action name.
    pub fn describe(action: &str) -> &'static str {
        BINDINGS
            .iter()
            .find(|(n, _, _)| *n == action)
            .map_or("", |(_, d, _)| d)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_map_the_documented_keys() {
        let km = Keymap::new(&BTreeMap::new()).unwrap();
        assert_eq!(
            km.action(&key(KeyCode::Char('q')), false),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('j')), false),
            Some(Action::Down)
        );
        assert_eq!(km.action(&key(KeyCode::Down), false), Some(Action::Down));
        assert_eq!(km.action(&key(KeyCode::Tab), false), Some(Action::NextPane));
        assert_eq!(
            km.action(&key(KeyCode::BackTab), false),
            Some(Action::PrevPane)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char(' ')), false),
            Some(Action::MarkRead)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('3')), false),
            Some(Action::Jump(2))
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('/')), false),
            Some(Action::Search)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(km.action(&ctrl_c, false), Some(Action::Quit));
        assert_eq!(
            km.action(&key(KeyCode::Char('c')), false),
            Some(Action::ClearFilters)
        );
        assert_eq!(km.label("quit"), "q/C-c");
    }

    #[test]
    fn typing_sends_characters_not_actions() {
        let km = Keymap::default();
        assert_eq!(
            km.action(&key(KeyCode::Char('q')), true),
            Some(Action::Type('q'))
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('ه')), true),
            Some(Action::Type('ه'))
        );
        assert_eq!(km.action(&key(KeyCode::Esc), true), Some(Action::Back));
        assert_eq!(
            km.action(&key(KeyCode::Backspace), true),
            Some(Action::Backspace)
        );
    }

    #[test]
    fn config_rebinds_an_action() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["ctrl-q".to_string()]);
        o.insert("zoom".to_string(), vec!["q".to_string()]);
        let km = Keymap::new(&o).unwrap();
        assert_eq!(
            km.action(&key(KeyCode::Char('q')), false),
            Some(Action::Zoom)
        );
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(km.action(&ctrl_q, false), Some(Action::Quit));
        assert_eq!(km.label("quit"), "C-q");
    }

    #[test]
    fn unknown_names_are_reported() {
        let mut o = BTreeMap::new();
        o.insert("quitt".to_string(), vec!["q".to_string()]);
        o.insert("zoom".to_string(), vec!["hyper-z".to_string()]);
        let errs = Keymap::new(&o).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("unknown action `quitt`")));
        assert!(errs.iter().any(|e| e.contains("unknown key `hyper-z`")));
    }
}
