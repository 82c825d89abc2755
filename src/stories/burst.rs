//! Breaking detection. For each key (a topic, a party, a story), items are
//! counted in 10-minute bins of their publication time and compared with what
//! the previous days brought at the same hour. A key starts breaking when the
//! count of the latest bin, or of the latest two or three, is improbably high under a
//! Poisson law at that rate (tail below `p_on`), is at least `min_items`, and
//! comes from at least `min_sources` distinct sources. It stays breaking while
//! the counts stay high (hysteresis: it ends only after a whole quiet bin with a
//! tail above `p_off`, and never before `hold`), then cannot start again for
//! `cooldown`. State per key: a week of hourly counts and the last bins.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BurstParams {
    pub bin_minutes: u32,
    /// Days of history the baseline is taken from.
    pub baseline_days: u32,
    /// Poisson tail below which a bin is improbably high.
    pub p_on: f64,
    /// Poisson tail above which a bin is ordinary again.
    pub p_off: f64,
    /// Items the last bin needs to break; the last two need two more, the
    /// last three four more.
    pub min_items: u32,
    pub min_sources: usize,
    /// The lowest rate assumed, items per hour (a key with no history, a new story).
    pub floor_per_hour: f64,
    /// A breaking period lasts at least this long.
    pub hold_minutes: u32,
    /// After a breaking period ends, the key cannot break again for this long.
    pub cooldown_minutes: u32,
}

impl Default for BurstParams {
    fn default() -> Self {
        BurstParams {
            bin_minutes: 10,
            baseline_days: 7,
            p_on: 1e-6,
            p_off: 0.05,
            min_items: 5,
            min_sources: 2,
            floor_per_hour: 0.5,
            hold_minutes: 30,
            cooldown_minutes: 120,
        }
    }
}

/// A change of a key's breaking state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    /// When (the publication time that decided it).
    pub at: i64,
    pub breaking: bool,
    /// Items in the deciding window (one or two bins) and what was expected.
    pub count: u32,
    pub expected: f64,
    pub sources: usize,
}

/// Windows looked at, in bins: the last one, two and three bins' time,
/// sliding (ending at the item), so a burst is seen whatever the bin edges.
const WINDOWS: i64 = 3;
/// Recent items kept per key (their times and sources).
const RECENT_CAP: usize = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Series {
    key: String,
    /// Hour index → items, for the last `baseline_days` days (ring by hour).
    hours: Vec<(i64, u32)>,
    first_hour: i64,
    /// (publication time, source) of the items of the last windows.
    recent: std::collections::VecDeque<(i64, u64)>,
    breaking: bool,
    since: i64,
    quiet_until: i64,
    last_seen: i64,
}

/// Breaking state of every key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Breaking {
    params: BurstParams,
    series: FxHashMap<String, Series>,
}

impl Breaking {
    pub fn new(params: BurstParams) -> Breaking {
        Breaking {
            params,
            series: FxHashMap::default(),
        }
    }

    pub fn is_breaking(&self, key: &str) -> bool {
        self.series.get(key).is_some_and(|s| s.breaking)
    }

    /// Keys breaking now.
    pub fn breaking(&self) -> impl Iterator<Item = &str> {
        self.series
            .values()
            .filter(|s| s.breaking)
            .map(|s| s.key.as_str())
    }

    /// Counts one item of `key` published at `t` (unix seconds) by `source`
    /// (any stable hash of its name); a change when this item starts a
    /// breaking period.
    pub fn add(&mut self, key: &str, t: i64, source: u64) -> Option<Change> {
        let p = self.params.clone();
        let bin_secs = i64::from(p.bin_minutes.max(1)) * 60;
        let slots = (p.baseline_days.max(1) * 24) as usize;
        let s = self
            .series
            .entry(key.to_string())
            .or_insert_with(|| Series {
                key: key.to_string(),
                hours: vec![(i64::MIN, 0); slots],
                first_hour: t.div_euclid(3600),
                recent: Default::default(),
                breaking: false,
                since: 0,
                quiet_until: i64::MIN,
                last_seen: t,
            });
        s.last_seen = s.last_seen.max(t);
        let hour = t.div_euclid(3600);
        s.first_hour = s.first_hour.min(hour);
        let h = &mut s.hours[hour.rem_euclid(slots as i64) as usize];
        if h.0 != hour {
            *h = (hour, 0);
        }
        h.1 += 1;
        let newest = s.recent.back().map_or(t, |x| x.0.max(t));
        if t <= newest - WINDOWS * bin_secs {
            return None; // older than the windows: counted in the baseline only
        }
        s.recent.push_back((t, source));
        while s.recent.len() > RECENT_CAP
            || s.recent
                .front()
                .is_some_and(|x| x.0 <= newest - WINDOWS * bin_secs)
        {
            s.recent.pop_front();
        }
        if s.breaking || t < s.quiet_until {
            return None;
        }
        let (count, expected, tail, sources) = window(s, t, bin_secs, &p);
        if tail < p.p_on && count >= p.min_items && sources >= p.min_sources {
            s.breaking = true;
            s.since = t;
            return Some(Change {
                key: s.key.clone(),
                at: t,
                breaking: true,
                count,
                expected,
                sources,
            });
        }
        None
    }

    /// Moves the clock to `now`: breaking periods whose last whole bin was
    /// ordinary end. Keys silent for the whole baseline are forgotten.
    pub fn tick(&mut self, now: i64) -> Vec<Change> {
        let p = self.params.clone();
        let bin_secs = i64::from(p.bin_minutes.max(1)) * 60;
        let mut out = Vec::new();
        for s in self.series.values_mut() {
            if !s.breaking || now - s.since < i64::from(p.hold_minutes) * 60 {
                continue;
            }
            let last = in_window(s, now, bin_secs);
            let (count, expected, _, sources) = window(s, now, bin_secs, &p);
            if poisson_tail(last, expected_per_bin(s, now, &p, bin_secs)) > p.p_off {
                s.breaking = false;
                s.quiet_until = now + i64::from(p.cooldown_minutes) * 60;
                out.push(Change {
                    key: s.key.clone(),
                    at: now,
                    breaking: false,
                    count,
                    expected,
                    sources,
                });
            }
        }
        let forget = i64::from(p.baseline_days) * 86_400;
        self.series
            .retain(|_, s| s.breaking || now - s.last_seen < forget);
        out
    }

    /// Forgets a key (a story that has cooled).
    pub fn remove(&mut self, key: &str) {
        self.series.remove(key);
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// Items of the bin-long window ending at `t`.
fn in_window(s: &Series, t: i64, bin_secs: i64) -> u32 {
    s.recent
        .iter()
        .filter(|x| x.0 > t - bin_secs && x.0 <= t)
        .count() as u32
}

/// The expected items per bin at time `t`: the mean of the same hour on the
/// previous days that the series has seen (at least the floor, and at least
/// half the week's mean, so a quiet hour is not a zero).
fn expected_per_bin(s: &Series, t: i64, p: &BurstParams, bin_secs: i64) -> f64 {
    let per_hour = 3600.0 / bin_secs as f64;
    let hour = t.div_euclid(3600);
    let slots = s.hours.len() as i64;
    let count_at = |h: i64| -> Option<u32> {
        if h < s.first_hour {
            return None;
        }
        let e = s.hours[h.rem_euclid(slots) as usize];
        Some(if e.0 == h { e.1 } else { 0 })
    };
    let days = i64::from(p.baseline_days);
    let same: Vec<u32> = (1..=days).filter_map(|d| count_at(hour - 24 * d)).collect();
    let week: Vec<u32> = (1..=days * 24).filter_map(|k| count_at(hour - k)).collect();
    let mean = |v: &[u32]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64
        }
    };
    let floor = p.floor_per_hour / per_hour;
    (mean(&same) / per_hour)
        .max(0.5 * mean(&week) / per_hour)
        .max(floor)
}

/// The most improbable of the windows of one, two and three bins ending at
/// `t`: (count, expected, Poisson tail, distinct sources in it).
fn window(s: &Series, t: i64, bin_secs: i64, p: &BurstParams) -> (u32, f64, f64, usize) {
    let lambda = expected_per_bin(s, t, p, bin_secs);
    let mut best = (0, lambda, 1.0, 0);
    for k in 1..=WINDOWS {
        let from = t - k * bin_secs;
        let mut sources: Vec<u64> = Vec::new();
        let mut count = 0u32;
        for &(at, src) in s.recent.iter().filter(|x| x.0 > from && x.0 <= t) {
            let _ = at;
            count += 1;
            if sources.len() < 16 && !sources.contains(&src) {
                sources.push(src);
            }
        }
        let expected = lambda * k as f64;
        let tail = poisson_tail(count, expected);
        // A longer window needs more items: news clumps, and a few items
        // of one ordinary story over half an hour are not a burst.
        let enough = count >= p.min_items + 2 * (k as u32 - 1);
        if enough && tail < best.2 {
            best = (count, expected, tail, sources.len());
        }
    }
    best
}

/// P(X ≥ k) for X ~ Poisson(λ).
pub fn poisson_tail(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    // 1 - P(X < k), summed in a stable order.
    let mut term = (-lambda).exp();
    let mut below = term;
    for i in 1..k {
        term *= lambda / f64::from(i);
        below += term;
    }
    (1.0 - below).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_values() {
        assert_eq!(poisson_tail(0, 1.0), 1.0);
        assert!((poisson_tail(1, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!(poisson_tail(10, 0.1) < 1e-12);
        assert!(poisson_tail(3, 10.0) > 0.99);
    }

    #[test]
    fn a_burst_from_one_source_is_not_breaking() {
        let mut b = Breaking::new(BurstParams::default());
        for i in 0..10 {
            assert!(b.add("t", 1_000_000 + i * 30, 1).is_none());
        }
        let mut b = Breaking::new(BurstParams::default());
        let started: Vec<_> = (0..10)
            .filter_map(|i| b.add("t", 1_000_000 + i * 30, i as u64 % 3))
            .collect();
        assert_eq!(started.len(), 1);
        assert!(b.is_breaking("t"));
        // Quiet afterwards: it ends, then cools down.
        let ended = b.tick(1_000_000 + 3 * 3600);
        assert_eq!(ended.len(), 1);
        assert!(!ended[0].breaking);
        assert!(!b.is_breaking("t"));
    }
}
