//! When a feed is next due: its interval, lengthened (never shortened) by the
//! feed's `<ttl>`, the server's `Cache-Control: max-age` and `Retry-After`, spread
//! by a small deterministic jitter, and backed off exponentially on failure. A 410
//! Gone stops the feed. Pure: time is an argument.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The longest any hint may push a feed back, and the cap of the backoff.
pub const MAX_DELAY: Duration = Duration::from_secs(24 * 3600);
/// Jitter adds up to this share of the delay.
pub const JITTER: f64 = 0.1;

/// How a poll ended, as far as scheduling cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A feed was fetched and parsed, or the server said 304.
    Ok,
    /// Anything else that went wrong; `streak` counts failures in a row,
    /// this one included (so at least 1).
    Failed { streak: u32 },
    /// 410 Gone: stop polling.
    Gone,
}

/// What the feed and the server said about polling again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// The feed's `<ttl>`.
    pub ttl: Option<Duration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Retry-After`, as a delay from now.
    pub retry_after: Option<Duration>,
}

/// The delay before the next poll, or `None` when the feed must stop. `seed`
/// picks the jitter (use something stable per feed and attempt).
pub fn next_delay(
    interval: Duration,
    outcome: Outcome,
    hints: Hints,
    seed: u64,
) -> Option<Duration> {
    let base = match outcome {
        Outcome::Gone => return None,
        Outcome::Ok => [hints.ttl, hints.max_age]
            .into_iter()
            .flatten()
            .map(|d| d.min(MAX_DELAY))
            .fold(interval, Duration::max),
        Outcome::Failed { streak } => {
            let factor = 1u32 << streak.saturating_sub(1).min(16);
            interval.saturating_mul(factor).min(MAX_DELAY.max(interval))
        }
    };
    let base = match hints.retry_after {
        Some(r) => base.max(r.min(MAX_DELAY)),
        None => base,
    };
    Some(base + base.mul_f64(JITTER * unit(seed)))
}

/// The next due time from `now`; `None` when the feed must stop.
pub fn next_due(
    now: DateTime<Utc>,
    interval: Duration,
    outcome: Outcome,
    hints: Hints,
    seed: u64,
) -> Option<DateTime<Utc>> {
    let d = next_delay(interval, outcome, hints, seed)?;
    Some(now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX))
}

/// A number in [0, 1) from a seed (splitmix64).
fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// `max-age` of a Cache-Control header (`no-cache`/`no-store` give none).
pub fn max_age(cache_control: &str) -> Option<Duration> {
    cache_control.split(',').find_map(|d| {
        let (k, v) = d.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

/// `Retry-After`: seconds, or an HTTP date (taken relative to `now`).
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn within(d: Duration, base: Duration) -> bool {
        d >= base && d <= base + base.mul_f64(JITTER)
    }

    #[test]
    fn hints_only_lengthen() {
        let i = 10 * MIN;
        let ok = |h| next_delay(i, Outcome::Ok, h, 7).unwrap();
        assert!(within(ok(Hints::default()), i));
        let short = Hints {
            ttl: Some(MIN),
            max_age: Some(MIN),
            retry_after: Some(MIN),
        };
        assert!(within(ok(short), i));
        let long = Hints {
            ttl: Some(60 * MIN),
            ..Default::default()
        };
        assert!(within(ok(long), 60 * MIN));
        let cc = Hints {
            max_age: Some(30 * MIN),
            ..Default::default()
        };
        assert!(within(ok(cc), 30 * MIN));
        let absurd = Hints {
            retry_after: Some(Duration::from_secs(10 * 365 * 86400)),
            ..Default::default()
        };
        assert!(within(ok(absurd), MAX_DELAY));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let i = 10 * MIN;
        let f = |streak| next_delay(i, Outcome::Failed { streak }, Hints::default(), 1).unwrap();
        assert!(within(f(1), i));
        assert!(within(f(2), 2 * i));
        assert!(within(f(3), 4 * i));
        assert!(within(f(40), MAX_DELAY));
        let ra = Hints {
            retry_after: Some(120 * MIN),
            ..Default::default()
        };
        assert!(within(
            next_delay(i, Outcome::Failed { streak: 1 }, ra, 1).unwrap(),
            120 * MIN
        ));
    }

    #[test]
    fn gone_stops() {
        assert_eq!(next_delay(MIN, Outcome::Gone, Hints::default(), 0), None);
    }

    #[test]
    fn jitter_is_deterministic_and_spread() {
        let a = next_delay(MIN * 10, Outcome::Ok, Hints::default(), 42);
        assert_eq!(a, next_delay(MIN * 10, Outcome::Ok, Hints::default(), 42));
        let all: std::collections::HashSet<_> = (0..50)
            .map(|s| next_delay(MIN * 10, Outcome::Ok, Hints::default(), s))
            .collect();
        assert!(all.len() > 40);
    }

    #[test]
    fn header_values() {
        assert_eq!(
            max_age("public, max-age=600"),
            Some(600 * Duration::from_secs(1))
        );
        assert_eq!(max_age("no-cache"), None);
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(2 * MIN));
        assert_eq!(
            retry_after("Wed, 01 Jan 2025 00:05:00 GMT", now),
            Some(5 * MIN)
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
