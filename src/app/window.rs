//! A pane's page over the store: the stretch of a query's rows that the pane
//! shows, with a page either side, newest first, never the whole of it. As
//! the selection nears either end of what is loaded, the next page is asked
//! for by keyset (just past the first or last row); rows beyond [`CAP`] are
//! let go on the far side. New rows are merged where they fall (no rebuild,
//! no re-sort). The same window lists items in a pane and fired alerts in the
//! alerts view.

use std::collections::VecDeque;

use crate::store::Toward;

/// The most rows a window keeps (a few screens of the tallest pane).
pub const CAP: usize = 400;
/// Rows asked for at a time past the first page.
pub const PAGE: usize = 100;
/// How near an end of the loaded rows the selection may come before the next
/// page is asked for.
pub const MARGIN: usize = 40;

/// A row a window holds: its place in the query's order (newest first is the
/// highest key first).
pub trait Keyed {
    type Key: Ord + Clone + std::fmt::Debug;
    fn key(&self) -> Self::Key;
}

/// A page the window wants: the rows just past `from`, toward `toward`.
#[derive(Debug, Clone, PartialEq)]
pub struct Want<K> {
    pub from: K,
    pub toward: Toward,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct Window<R: Keyed> {
    /// A stretch of the query's rows, newest first, without gaps.
    pub rows: VecDeque<R>,
    /// There are rows newer than the first (let go, or not yet loaded).
    pub more_above: bool,
    /// There are rows older than the last.
    pub more_below: bool,
    /// A page asked for and not come back, above and below.
    asked: (bool, bool),
    /// The first page of the current query has come; until then `rows` are
    /// those of the query before, shown meanwhile.
    pub loaded: bool,
    /// The selected row, by key: it stays on its row as others come and go.
    pub selected: Option<R::Key>,
    /// Rows let go above the first (for the position shown).
    pub above: usize,
}

impl<R: Keyed> Default for Window<R> {
    fn default() -> Self {
        Window {
            rows: VecDeque::new(),
            more_above: false,
            more_below: false,
            asked: (false, false),
            loaded: false,
            selected: None,
            above: 0,
        }
    }
}

impl<R: Keyed> Window<R> {
    /// The query changed: its first page will replace the rows.
    pub fn reset(&mut self) {
        self.asked = (false, false);
        self.loaded = false;
    }

    /// The first page of the query (`asked` rows were asked for).
    pub fn first(&mut self, rows: Vec<R>, asked: usize) {
        self.more_below = rows.len() >= asked;
        self.rows = rows.into();
        self.more_above = false;
        self.above = 0;
        self.asked = (false, false);
        self.loaded = true;
        if self
            .selected
            .as_ref()
            .is_some_and(|k| self.find(k).is_none())
        {
            self.selected = None;
        }
    }

    fn find(&self, key: &R::Key) -> Option<usize> {
        // Newest first: keys descend.
        let i = self.rows.partition_point(|r| r.key() > *key);
        (i < self.rows.len() && self.rows[i].key() == *key).then_some(i)
    }

    /// Where the selection is (the first row when none is chosen or its row
    /// went).
    pub fn selected_pos(&self) -> usize {
        self.selected
            .as_ref()
            .and_then(|k| self.find(k))
            .unwrap_or(0)
    }

    pub fn selected_row(&self) -> Option<&R> {
        self.rows.get(self.selected_pos())
    }

    /// Moves the selection by `delta` rows within what is loaded; then
    /// [`Window::want`] says which page to ask for.
    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let pos = self.selected_pos() as isize;
        let new = (pos + delta).clamp(0, self.rows.len() as isize - 1) as usize;
        self.selected = self.rows.get(new).map(Keyed::key);
    }

    /// The page to ask for, if the selection is near an end with more beyond
    /// and none is on its way.
    pub fn want(&mut self) -> Option<Want<R::Key>> {
        if !self.loaded {
            return None;
        }
        let pos = self.selected_pos();
        if self.more_below && !self.asked.1 && pos + MARGIN >= self.rows.len() {
            let from = self.rows.back()?.key();
            self.asked.1 = true;
            return Some(Want {
                from,
                toward: Toward::Older,
                limit: PAGE,
            });
        }
        if self.more_above && !self.asked.0 && pos < MARGIN {
            let from = self.rows.front()?.key();
            self.asked.0 = true;
            return Some(Want {
                from,
                toward: Toward::Newer,
                limit: PAGE,
            });
        }
        None
    }

    /// A page asked for by [`Window::want`] has come (`asked` rows were asked
    /// for, newest first). Rows past [`CAP`] are let go on the far side.
    pub fn page(&mut self, from: &R::Key, toward: Toward, rows: Vec<R>, asked: usize) {
        let full = rows.len() >= asked;
        match toward {
            Toward::Older => {
                self.asked.1 = false;
                // Only if it continues what is loaded.
                if self.rows.back().map(Keyed::key).as_ref() != Some(from) {
                    return;
                }
                self.more_below = full;
                self.rows.extend(rows);
                while self.rows.len() > CAP {
                    self.rows.pop_front();
                    self.above += 1;
                    self.more_above = true;
                }
            }
            Toward::Newer => {
                self.asked.0 = false;
                if self.rows.front().map(Keyed::key).as_ref() != Some(from) {
                    return;
                }
                self.more_above = full;
                self.above = self.above.saturating_sub(rows.len());
                if !full {
                    self.above = 0;
                }
                for r in rows.into_iter().rev() {
                    self.rows.push_front(r);
                }
                while self.rows.len() > CAP {
                    self.rows.pop_back();
                    self.more_below = true;
                }
            }
        }
    }

    /// Merges new rows where they fall among those loaded; a row newer than
    /// the first is put on top only when nothing is let go above, one older
    /// than the last only when nothing is below. Returns how many went in.
    pub fn merge(&mut self, new: impl IntoIterator<Item = R>) -> usize {
        if !self.loaded {
            return 0;
        }
        let mut added = 0;
        for r in new {
            let key = r.key();
            let i = self.rows.partition_point(|x| x.key() > key);
            let known = i < self.rows.len() && self.rows[i].key() == key;
            let outside = (i == 0 && self.more_above) || (i == self.rows.len() && self.more_below);
            if known || outside {
                continue;
            }
            self.rows.insert(i, r);
            added += 1;
        }
        while self.rows.len() > CAP {
            // Let go of the far end from the selection.
            if self.selected_pos() < self.rows.len() / 2 {
                self.rows.pop_back();
                self.more_below = true;
            } else {
                self.rows.pop_front();
                self.above += 1;
                self.more_above = true;
            }
        }
        added
    }

    /// Selects the row of `key`: where it is loaded, there; else the
    /// window moves to `rows` (a stretch of the query, newest first, with
    /// `above` rows newer than its first and more older if `more_below`).
    pub fn jump(&mut self, key: &R::Key, rows: Vec<R>, above: usize, more_below: bool) {
        if self.find(key).is_none() {
            self.rows = rows.into();
            self.above = above;
            self.more_above = above > 0;
            self.more_below = more_below;
            self.asked = (false, false);
            self.loaded = true;
        }
        if self.find(key).is_some() {
            self.selected = Some(key.clone());
        }
    }

    /// Keeps only the rows `keep` says to (items gone from the store).
    pub fn retain(&mut self, keep: impl FnMut(&R) -> bool) {
        self.rows.retain(keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for u32 {
        type Key = u32;
        fn key(&self) -> u32 {
            *self
        }
    }

    /// The store's rows: 1..=n, the highest newest.
    fn page(n: u32, from: Option<u32>, toward: Toward, limit: usize) -> Vec<u32> {
        match toward {
            Toward::Older => (1..=n)
                .rev()
                .filter(|k| from.is_none_or(|f| *k < f))
                .take(limit)
                .collect(),
            Toward::Newer => {
                let mut v: Vec<u32> = (1..=n)
                    .filter(|k| from.is_none_or(|f| *k > f))
                    .take(limit)
                    .collect();
                v.reverse();
                v
            }
        }
    }

    #[test]
    fn scrolling_down_and_back_up_loads_pages_in_order() {
        let n = 2000;
        let mut w: Window<u32> = Window::default();
        w.first(page(n, None, Toward::Older, 60), 60);
        let mut seen = vec![w.rows[0]];
        for _ in 0..1999 {
            w.move_by(1);
            if let Some(want) = w.want() {
                let p = page(n, Some(want.from), want.toward, want.limit);
                w.page(&want.from, want.toward, p, want.limit);
            }
            let now = *w.selected_row().unwrap();
            assert_eq!(now, seen.last().unwrap() - 1, "no gap, no repeat");
            seen.push(now);
            assert!(w.rows.len() <= CAP);
            assert_eq!(w.above + w.selected_pos(), (n - now) as usize);
        }
        assert_eq!(*w.selected_row().unwrap(), 1);
        assert!(!w.more_below);
        for _ in 0..1999 {
            w.move_by(-1);
            if let Some(want) = w.want() {
                let p = page(n, Some(want.from), want.toward, want.limit);
                w.page(&want.from, want.toward, p, want.limit);
            }
            let now = *w.selected_row().unwrap();
            assert_eq!(now, seen.pop().unwrap() + 1);
        }
        assert_eq!(*w.selected_row().unwrap(), n);
        assert!(!w.more_above);
        assert_eq!(w.above, 0);
    }

    #[test]
    fn new_rows_go_where_they_fall_and_the_selection_stays() {
        let mut w: Window<u32> = Window::default();
        w.first(vec![50, 40, 30], 10);
        w.move_by(1);
        assert_eq!(w.merge([60, 45, 40, 10]), 3);
        assert_eq!(Vec::from(w.rows.clone()), [60, 50, 45, 40, 30, 10]);
        assert_eq!(w.selected_row(), Some(&40));
        // Above a window scrolled down, the new rows wait for the page above.
        w.more_above = true;
        assert_eq!(w.merge([70]), 0);
    }
}
