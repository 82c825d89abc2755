//! `update`: one flat match from an action to the new state. The keys' actions
//! move selections and views, change filters (each change a new generation
//! of pane queries) and ask for writes; the world's actions (the clock, the
//! collector, the store's answers and what its watcher saw) are merged in.

use chrono::Timelike;

use super::items::Filter;
use super::state::{FeedHealth, Picker, STATUS_TTL, State, View, is_web};
use super::{Action, Effect};

impl State {
    pub fn update(&mut self, action: Action) {
        let status = self.status.clone();
        self.update_action(action);
        if self.status != status {
            self.status_at = self.now;
        }
    }

    fn update_action(&mut self, action: Action) {
        self.dirty = true;
        if self.prompt.is_some() {
            match action {
                Action::Quit => self.quit = true,
                a if is_event(&a) => self.update_inner(a),
                a => self.prompt_key(a),
            }
            return;
        }
        if let Some((picker, cursor)) = self.picker {
            let len = self.picker_len(picker);
            match action {
                Action::Up => self.picker = Some((picker, cursor.saturating_sub(1))),
                Action::Down => self.picker = Some((picker, (cursor + 1).min(len - 1))),
                Action::Open | Action::MarkRead => self.picker_choose(picker, cursor),
                Action::Back | Action::PickTopics | Action::PickParty | Action::Filters => {
                    self.picker = None;
                }
                Action::Jump(i) if picker == Picker::Filters && i < len => {
                    self.picker_choose(picker, i);
                }
                Action::DeleteFilter if picker == Picker::Filters => self.ask_delete_filter(cursor),
                Action::Quit => self.quit = true,
                other => {
                    if is_event(&other) {
                        self.update_inner(other);
                    }
                }
            }
            return;
        }
        self.update_inner(action);
    }

    fn update_inner(&mut self, action: Action) {
        let page = (self.size.1 / 2).max(1) as isize;
        match action {
            Action::Quit => self.quit = true,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    _ => page,
                };
                match self.view {
                    View::Grid | View::Zoom => self.move_selection(delta),
                    View::Detail => {
                        let max = crate::ui::detail::max_scroll(self) as isize;
                        if let Some(d) = &mut self.detail {
                            d.scroll = (d.scroll as isize + delta).clamp(0, max) as u16;
                        }
                    }
                    View::Alerts => self.move_alert(delta),
                    View::Bookmarks => self.move_bookmark(delta),
                    View::Feeds => {
                        let max = self.feeds.len().saturating_sub(1) as isize;
                        self.feed_cursor =
                            (self.feed_cursor as isize + delta).clamp(0, max) as usize;
                    }
                    View::Help => {
                        let max = crate::ui::help::max_scroll(self) as isize;
                        self.help_scroll = (self.help_scroll as isize + delta).clamp(0, max) as u16;
                    }
                }
            }
            Action::Left | Action::PrevPane => {
                let n = self.panes.len().max(1);
                self.focus = (self.focus + n - 1) % n;
            }
            Action::Right | Action::NextPane => {
                let n = self.panes.len().max(1);
                self.focus = (self.focus + 1) % n;
            }
            Action::Jump(i) => {
                if i < self.panes.len() {
                    self.focus = i;
                    if !matches!(self.view, View::Grid | View::Zoom) {
                        self.back.clear();
                        self.view = View::Grid;
                    }
                }
            }
            Action::Open => {
                if self.typing {
                    self.typing = false;
                    return;
                }
                match self.view {
                    View::Grid | View::Zoom | View::Alerts | View::Bookmarks => {
                        if let Some(id) = self.current_item() {
                            self.open_detail(id);
                        }
                    }
                    View::Feeds => self.open_feed(),
                    _ => {}
                }
            }
            Action::Back => {
                if self.typing {
                    self.typing = false;
                    self.filter.text.clear();
                    self.text_changed();
                } else if self.view == View::Grid && self.close_feed() {
                } else if self.view != View::Grid {
                    self.go_back();
                } else if self.filter.is_active() {
                    self.update_inner(Action::ClearFilters);
                }
            }
            Action::Zoom => match self.view {
                View::Zoom => self.go_back(),
                View::Grid if self.layout == crate::config::Layout::Grid => self.go(View::Zoom),
                _ => {}
            },
            Action::River => self.toggle_river(),
            Action::NextUnread | Action::PrevUnread => {
                if matches!(self.view, View::Grid | View::Zoom | View::Detail) {
                    let toward = if action == Action::NextUnread {
                        crate::store::Toward::Older
                    } else {
                        crate::store::Toward::Newer
                    };
                    self.unread_step(toward);
                }
            }
            Action::MarkPaneRead => {
                if matches!(self.view, View::Grid | View::Zoom) {
                    self.mark_pane_read();
                }
            }
            Action::MarkAllRead => self.mark_all_read(),
            Action::UnreadOnly => self.toggle_unread_only(),
            Action::Bookmark => self.bookmark(),
            Action::Bookmarks => self.open_bookmarks(),
            Action::Bookmarked(_, on) => self.bookmarked(on),
            Action::SaveFilter => self.save_filter(),
            Action::Filters => self.ask_filters(),
            // Only in the saved filters' picker (above).
            Action::DeleteFilter => {}
            Action::PickTopics => self.picker = Some((Picker::Topics, 0)),
            Action::PickParty => {
                self.picker = Some((Picker::Party, self.filter.party.map_or(0, |p| p + 1)));
            }
            Action::Search => {
                self.typing = true;
                if !matches!(self.view, View::Grid | View::Zoom) {
                    self.back.clear();
                    self.view = View::Grid;
                }
            }
            Action::Type(c) => {
                self.filter.text.push(c);
                self.text_changed();
            }
            Action::Backspace => {
                self.filter.text.pop();
                self.text_changed();
            }
            Action::ClearFilters => {
                self.filter = Filter {
                    show_other: self.filter.show_other,
                    ..Filter::default()
                };
                if let Some(layout) = self.feed_return.take() {
                    self.layout = layout;
                }
                self.typing = false;
                self.reload(false);
            }
            Action::Alerts => {
                if self.view == View::Alerts {
                    self.go_back();
                } else {
                    self.go(View::Alerts);
                }
            }
            Action::Feeds => {
                if self.view == View::Feeds {
                    self.go_back();
                } else {
                    self.go(View::Feeds);
                }
            }
            Action::Help => {
                if self.view == View::Help {
                    self.go_back();
                } else {
                    self.help_scroll = 0;
                    self.go(View::Help);
                }
            }
            Action::ToggleUtc => {
                self.zone = if self.zone == crate::zone::Zone::Utc {
                    self.zone_home
                } else {
                    crate::zone::Zone::Utc
                };
                self.status = Some(format!("times in {}", self.zone.label(self.now)));
            }
            Action::OpenLink | Action::CopyLink => {
                let copy = action == Action::CopyLink;
                // Links are not kept in memory: the detail view has its item's,
                // elsewhere the loop reads it from the store.
                let loaded = self.detail.as_ref().and_then(|d| d.item.as_ref());
                match (self.view, loaded) {
                    (View::Detail, Some(item)) => match &item.link {
                        Some(l) if is_web(l) && copy => {
                            let l = l.clone();
                            self.update_inner(Action::Copy(l));
                        }
                        Some(l) if is_web(l) => {
                            self.status = Some(format!("opening {l}"));
                            self.effects.push(Effect::OpenLink(l.clone()));
                        }
                        Some(_) => {
                            let verb = if copy { "copied" } else { "opened" };
                            self.status = Some(format!("only http(s) links are {verb}"));
                        }
                        None => self.status = Some("this item has no link".into()),
                    },
                    _ => {
                        if let Some(id) = self.current_item() {
                            self.effects.push(if copy {
                                Effect::CopyItemLink(id)
                            } else {
                                Effect::OpenItemLink(id)
                            });
                        }
                    }
                }
            }
            Action::Copy(link) => {
                self.status = Some(format!("link copied (OSC 52): {link}"));
                self.effects.push(Effect::CopyLink(link));
            }
            Action::Notice(msg) => self.status = Some(msg),
            Action::Refresh => {
                if self.polling {
                    self.effects.push(Effect::Refresh);
                    self.status = Some("refreshing all feeds".into());
                } else {
                    self.status = Some("feeds are not polled in this session".into());
                }
            }
            Action::MarkRead => {
                if let Some(id) = self.current_item() {
                    let read = !self.is_read(id);
                    self.set_read(id, read || self.view == View::Detail);
                }
            }
            Action::Acknowledge => {
                let item = match self.view {
                    View::Alerts => self.alerts.selected_row().map(|a| a.row.item),
                    _ => self.current_item(),
                };
                if let Some(id) = item {
                    self.acknowledge(Some(id));
                }
            }
            Action::AcknowledgeAll => self.acknowledge(None),
            Action::ToggleBidi => {
                self.display = self.display.toggled();
                self.effects.push(Effect::Bidi(self.display));
                self.status = Some(format!("bidi: {}", self.display.name()));
            }
            Action::Scroll(n) => {
                let a = if n < 0 { Action::Up } else { Action::Down };
                for _ in 0..n.unsigned_abs().min(50) {
                    self.update_inner(a.clone());
                }
            }
            Action::Click(col, row) => {
                if matches!(self.view, View::Grid) {
                    let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
                    let rects = crate::ui::layout::pane_rects(
                        crate::ui::layout::body(area),
                        self.panes.len(),
                        self.focus,
                    );
                    if let Some(i) = rects.iter().position(|r| r.contains((col, row).into())) {
                        self.focus = i;
                    }
                }
            }
            Action::Resize(w, h) => self.size = (w, h),
            Action::Tick(now) => {
                let before = self.now;
                self.now = now;
                let flashing = !self.ringing.is_empty();
                self.flash = flashing && !self.flash;
                let new_hour =
                    before.hour() != now.hour() || before.date_naive() != now.date_naive();
                let expired = self.status.is_some() && now - self.status_at >= STATUS_TTL;
                if expired {
                    self.status = None;
                }
                if new_hour {
                    // The sparklines move on an hour.
                    self.recount();
                }
                self.dirty = flashing || new_hour || expired || before.minute() != now.minute();
            }
            Action::Polled(o) => self.polled(*o),
            Action::Reply(r) => {
                let mut r = Some(*r);
                self.reading_reply(&mut r);
                match r {
                    Some(r @ super::search::Reply::Alerts { .. }) => self.alerts_reply(r),
                    Some(r) => self.pane_reply(r),
                    None => {}
                }
            }
            Action::Changed(c) => self.changed(*c),
            Action::Loaded(item) => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.id == item.id) {
                    d.item = Some(item);
                }
            }
            Action::Stored(r) => {
                // A write of ours committed: the watcher shows what it changed.
                self.effects.push(Effect::Nudge);
                match r {
                    Ok(_) => self.dirty = false,
                    Err(e) => self.status = Some(e),
                }
            }
        }
    }

    /// What the store's watcher saw change.
    fn changed(&mut self, c: super::live::Changes) {
        if !c.feeds.is_empty() {
            self.feeds = c.feeds.iter().cloned().map(FeedHealth::from).collect();
        }
        self.alerts_changed(&c);
        if c.marks {
            self.refresh_marks();
        }
        self.new_items(c.rows, c.overflow);
        self.recount();
        self.dirty = true;
    }
}

/// Actions that come from the world, not the keyboard: they pass a picker.
fn is_event(a: &Action) -> bool {
    matches!(
        a,
        Action::Tick(_)
            | Action::Polled(_)
            | Action::Loaded(_)
            | Action::Reply(_)
            | Action::Changed(_)
            | Action::Stored(_)
            | Action::Notice(_)
            | Action::Copy(_)
            | Action::Bookmarked(..)
            | Action::Resize(..)
    )
}
