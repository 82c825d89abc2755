//! The reading workflow, as a newsreader's user expects it: the river (every
//! item in one list) beside the grid, next and previous unread across the
//! panes, a pane or everything marked read (asking first when that is many),
//! unread only, a feed's own items, bookmarks and filters saved by name. What
//! it needs from the store it asks for (`Effect::Query`) and what it changes
//! there it asks the loop to write; the answers come back as actions.

use super::items::Item;
use super::saved::Saved;
use super::search::{Found, Reply, Request};
use super::state::{Picker, State, View};
use super::window::Keyed;
use super::{Action, Effect};
use crate::config::Layout;
use crate::store::{Cursor, FILTER_NAME_MAX, ItemQuery, SavedFilter, Toward};

/// A pane with more unread items than this is marked read only once the
/// user says yes.
pub const CONFIRM_OVER: u64 = 20;
/// The most bookmarks the list loads.
pub const BOOKMARKS_MAX: usize = 1000;

/// A question in the footer waiting for its answer; keys go to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// Mark read what `query` selects? `what` says it in words.
    MarkRead { what: String, query: ItemQuery },
    /// The name to save the filter under, as typed so far.
    FilterName(String),
    /// Forget the filter saved under this name?
    DeleteFilter(String),
}

impl State {
    /// The river or the grid; from any other view, back to it.
    pub(super) fn toggle_river(&mut self) {
        self.layout = match self.layout {
            Layout::Grid => Layout::River,
            Layout::River => Layout::Grid,
        };
        if self.view != View::Grid {
            self.back.clear();
            self.detail = None;
            self.view = View::Grid;
        }
        self.focus = 0;
        self.reload(false);
    }

    /// Asks for the nearest unread item toward `toward`: down (or up) the
    /// focused pane from its selection, then through the other panes in
    /// turn, each from its end, and last the focused pane from its end.
    pub(super) fn unread_step(&mut self, toward: Toward) {
        let n = self.panes.len();
        if n == 0 {
            return;
        }
        let f = self.focus.min(n - 1);
        let from = |p: usize| -> Option<Cursor> {
            self.panes
                .get(p)
                .and_then(|p| p.window.selected_row())
                .map(Keyed::key)
        };
        let order: Vec<usize> = match toward {
            Toward::Older => (1..n).map(|i| (f + i) % n).collect(),
            Toward::Newer => (1..n).map(|i| (f + n - i) % n).collect(),
        };
        let mut panes = vec![(f, self.panes[f].query.clone(), from(f))];
        panes.extend(
            order
                .into_iter()
                .map(|p| (p, self.panes[p].query.clone(), None)),
        );
        if panes[0].2.is_some() {
            // Round again to the part of the focused pane before the selection.
            panes.push((f, self.panes[f].query.clone(), None));
        }
        self.effects.push(Effect::Query(Request::Unread {
            epoch: self.epoch,
            panes,
            toward,
        }));
    }

    /// The unread item `n`/`N` asked for: the pane it is in gets the focus
    /// and selects it (the detail view, if open, shows it).
    pub(super) fn unread_reply(&mut self, epoch: u64, toward: Toward, found: Option<Found>) {
        if epoch != self.epoch {
            return;
        }
        let Some(found) = found else {
            self.status = Some(match toward {
                Toward::Older => "no unread item below".into(),
                Toward::Newer => "no unread item above".into(),
            });
            return;
        };
        let rows = self.items_of(found.rows);
        let Some(pane) = self.panes.get_mut(found.pane) else {
            return;
        };
        pane.window
            .jump(&found.at, rows, found.above, found.more_below);
        self.focus = found.pane;
        self.ask_page(found.pane);
        if self.view == View::Detail {
            self.back.retain(|v| *v != View::Detail);
            self.view = self.back.pop().unwrap_or(View::Grid);
            self.open_detail(found.at.id);
        }
    }

    /// Marks the focused pane read, asking first when it has many unread.
    pub(super) fn mark_pane_read(&mut self) {
        let Some(pane) = self.panes.get(self.focus) else {
            return;
        };
        let name = crate::ui::pane::name(self, &pane.kind);
        let query = pane.query.clone();
        match pane.count {
            Some(c) if c.unread == 0 && !c.capped => {
                self.status = Some(format!("nothing unread in {name}"));
            }
            Some(c) if c.unread <= CONFIRM_OVER && !c.capped => self.mark_where(query),
            count => {
                let n = match count {
                    Some(c) if c.capped => format!("{}+", c.unread),
                    Some(c) => c.unread.to_string(),
                    None => "every".into(),
                };
                self.prompt = Some(Prompt::MarkRead {
                    what: format!("mark {n} unread items of {name} read?"),
                    query,
                });
            }
        }
    }

    /// Marks every item of the store read, once the user says yes.
    pub(super) fn mark_all_read(&mut self) {
        self.prompt = Some(Prompt::MarkRead {
            what: "mark every item read, in every pane and feed?".into(),
            query: ItemQuery::default(),
        });
    }

    fn mark_where(&mut self, query: ItemQuery) {
        self.status = Some("marking read…".into());
        self.effects.push(Effect::MarkReadWhere(query));
    }

    pub(super) fn toggle_unread_only(&mut self) {
        self.filter.unread_only = !self.filter.unread_only;
        self.status = Some(if self.filter.unread_only {
            "unread items only".into()
        } else {
            "read items shown again".into()
        });
        self.reload(false);
    }

    /// Bookmarks the current item, or takes the bookmark away (in the
    /// bookmarks list, where every item has one, it goes).
    pub(super) fn bookmark(&mut self) {
        if self.view == View::Bookmarks {
            if let Some(it) = self.bookmarks.get(self.bookmark_cursor) {
                let id = it.id;
                self.effects.push(Effect::Bookmark(id, Some(false)));
            }
            return;
        }
        if let Some(id) = self.current_item() {
            self.effects.push(Effect::Bookmark(id, None));
        }
    }

    pub(super) fn bookmarked(&mut self, on: bool) {
        self.status = Some(if on {
            "bookmarked (S lists bookmarks)".into()
        } else {
            "bookmark removed".into()
        });
        if self.view == View::Bookmarks {
            self.load_bookmarks();
        }
    }

    pub(super) fn open_bookmarks(&mut self) {
        if self.view == View::Bookmarks {
            self.go_back();
            return;
        }
        self.go(View::Bookmarks);
        self.load_bookmarks();
    }

    fn load_bookmarks(&mut self) {
        self.effects.push(Effect::Query(Request::Bookmarks {
            limit: BOOKMARKS_MAX,
        }));
    }

    /// Moves the bookmarks list's cursor.
    pub(super) fn move_bookmark(&mut self, delta: isize) {
        let max = self.bookmarks.len().saturating_sub(1) as isize;
        self.bookmark_cursor = (self.bookmark_cursor as isize + delta).clamp(0, max) as usize;
    }

    /// Asks for the saved filters (the picker opens with them).
    pub(super) fn ask_filters(&mut self) {
        self.effects.push(Effect::Query(Request::SavedFilters));
    }

    fn filters_reply(&mut self, filters: Vec<SavedFilter>) {
        self.saved = filters;
        if self.saved.is_empty() {
            let key = self.keymap.label("save_filter");
            self.status = Some(format!("no saved filters yet: {key} saves the one in use"));
        } else {
            self.picker = Some((Picker::Filters, 0));
        }
    }

    /// Recalls the `i`-th saved filter.
    pub(super) fn recall_filter(&mut self, i: usize) {
        self.picker = None;
        let Some(f) = self.saved.get(i) else {
            return;
        };
        let name = crate::text::sanitize::sanitize(&f.name);
        match Saved::parse(&f.filter) {
            Ok(saved) => {
                let (filter, layout) = saved.apply(&self.taxonomy);
                self.filter = filter;
                self.layout = layout;
                self.feed_return = None;
                self.focus = 0;
                if self.view != View::Grid {
                    self.back.clear();
                    self.detail = None;
                    self.view = View::Grid;
                }
                self.status = Some(format!("filter «{name}»"));
                self.reload(false);
            }
            Err(e) => self.status = Some(format!("the filter «{name}» cannot be read: {e}")),
        }
    }

    /// Takes a reply about bookmarks, saved filters or unread items out of
    /// `reply`, leaving any other there.
    pub(super) fn reading_reply(&mut self, reply: &mut Option<Reply>) {
        match reply.take() {
            Some(Reply::Unread {
                epoch,
                toward,
                found,
            }) => self.unread_reply(epoch, toward, found),
            Some(Reply::Bookmarks { items }) => {
                self.bookmarks = items
                    .iter()
                    .map(|s| Item {
                        fresh: false,
                        ..self.taxonomy.item_from_stored(s)
                    })
                    .collect();
                self.move_bookmark(0);
            }
            Some(Reply::SavedFilters { filters }) => self.filters_reply(filters),
            other => *reply = other,
        }
    }

    /// Opens a feed's items: the river, under the feed's filter; Esc goes
    /// back to the feeds.
    pub(super) fn open_feed(&mut self) {
        let Some(feed) = self.feeds.get(self.feed_cursor) else {
            return;
        };
        self.filter.feed = Some(feed.name.clone());
        if self.feed_return.is_none() {
            self.feed_return = Some(self.layout);
        }
        self.layout = Layout::River;
        self.focus = 0;
        self.go(View::Grid);
        self.reload(false);
    }

    /// Leaves a feed's items for the feeds list, if that is where they were
    /// opened from; true if it did.
    pub(super) fn close_feed(&mut self) -> bool {
        let Some(layout) = self.feed_return.take() else {
            return false;
        };
        self.filter.feed = None;
        self.layout = layout;
        self.focus = 0;
        self.go_back();
        self.reload(false);
        true
    }

    /// A key while a prompt is open: the prompt takes it.
    pub(super) fn prompt_key(&mut self, action: Action) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match (prompt, action) {
            (Prompt::MarkRead { query, .. }, Action::Type('y' | 'Y')) => self.mark_where(query),
            (Prompt::MarkRead { .. }, _) => self.status = Some("nothing marked".into()),
            (Prompt::FilterName(mut name), Action::Type(c)) => {
                if name.chars().count() < FILTER_NAME_MAX && !c.is_control() {
                    name.push(c);
                }
                self.prompt = Some(Prompt::FilterName(name));
            }
            (Prompt::FilterName(mut name), Action::Backspace) => {
                name.pop();
                self.prompt = Some(Prompt::FilterName(name));
            }
            (Prompt::FilterName(name), Action::Open) => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    self.status = Some("not saved: a filter needs a name".into());
                } else {
                    let filter = Saved::new(&self.filter, self.layout, &self.taxonomy).to_json();
                    self.status = Some(format!("filter «{name}» saved"));
                    self.effects.push(Effect::SaveFilter { name, filter });
                }
            }
            (Prompt::DeleteFilter(name), Action::Type('y' | 'Y')) => {
                self.saved.retain(|f| f.name != name);
                let shown = crate::text::sanitize::sanitize(&name);
                self.status = Some(format!("filter «{shown}» deleted"));
                self.effects.push(Effect::DeleteFilter(name));
            }
            (Prompt::DeleteFilter(_), _) => self.status = Some("nothing deleted".into()),
            (Prompt::FilterName(_), Action::Back) => self.status = Some("not saved".into()),
            (p @ Prompt::FilterName(_), _) => self.prompt = Some(p),
        }
    }

    /// Asks whether to forget the `i`-th saved filter (the picker closes).
    pub(super) fn ask_delete_filter(&mut self, i: usize) {
        self.picker = None;
        if let Some(f) = self.saved.get(i) {
            self.prompt = Some(Prompt::DeleteFilter(f.name.clone()));
        }
    }

    /// Asks for a name to save the filter in use under.
    pub(super) fn save_filter(&mut self) {
        if !self.filter.is_active() && self.layout == Layout::Grid {
            self.status = Some("no filter in use to save".into());
            return;
        }
        self.prompt = Some(Prompt::FilterName(String::new()));
    }
}
