//! Time zones and the forms times are shown in: the watch's zone
//! (`settings.timezone`: the system's, UTC, or an IANA name such as
//! "Asia/Muscat"), a compact time for list rows, and full dates that read one
//! way only (`2026-12-04 22:26`, year first, 24-hour clock).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};

/// Where times are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The system's zone (`TZ`, else `/etc/localtime`).
    #[default]
    Local,
    Utc,
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `"local"` (or empty) for the system's zone, `"UTC"`, or an IANA name;
    /// names are matched without regard to case.
    pub fn parse(s: &str) -> Result<Zone, String> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("local") || s.eq_ignore_ascii_case("system") {
            return Ok(Zone::Local);
        }
        if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") {
            return Ok(Zone::Utc);
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|z| z.name().eq_ignore_ascii_case(s))
            .map(|z| Zone::Named(*z))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a time zone; write \"local\", \"UTC\" or an IANA name such as \"Asia/Muscat\""
                )
            })
    }

    /// The offset from UTC at `t`.
    pub fn offset(self, t: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Local => chrono::Local.offset_from_utc_datetime(&t.naive_utc()).fix(),
            Zone::Utc => Utc.fix(),
            Zone::Named(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).fix(),
        }
    }

    /// The wall-clock time at `t` in this zone.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.offset(t)).naive_local()
    }

    /// A short name for the zone at `t`: `UTC`, `+04`, `+05:30`, or the zone
    /// database's abbreviation (`EST`).
    pub fn label(self, t: DateTime<Utc>) -> String {
        if let Zone::Named(tz) = self {
            let abbr = t.with_timezone(&tz).format("%Z").to_string();
            if abbr.chars().any(|c| c.is_ascii_alphabetic()) {
                return abbr;
            }
        }
        let secs = self.offset(t).local_minus_utc();
        if secs == 0 {
            return "UTC".into();
        }
        let sign = if secs < 0 { '-' } else { '+' };
        let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
        if m == 0 {
            format!("{sign}{h:02}")
        } else {
            format!("{sign}{h:02}:{m:02}")
        }
    }
}

/// A full date and time, `2026-12-04 22:26`: year first, so it reads one way
/// beside Arabic text as beside English.
pub fn full(t: DateTime<Utc>, zone: Zone) -> String {
    zone.local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// A list row's time, as short as it can be and still clear: `22:26` on the
/// day of `now`, `06 Feb` earlier in the same year, `2024-01-13` before.
pub fn compact(t: DateTime<Utc>, now: DateTime<Utc>, zone: Zone) -> String {
    let (lt, ln) = (zone.local(t), zone.local(now));
    if lt.date() == ln.date() {
        lt.format("%H:%M").to_string()
    } else if lt.year() == ln.year() {
        lt.format("%d %b").to_string()
    } else {
        lt.format("%Y-%m-%d").to_string()
    }
}

/// The clock of the header: `22:26 UTC`, `02:26 +04`.
pub fn clock(now: DateTime<Utc>, zone: Zone) -> String {
    format!("{} {}", zone.local(now).format("%H:%M"), zone.label(now))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn zones_parse_by_name_any_case() {
        assert_eq!(Zone::parse("UTC"), Ok(Zone::Utc));
        assert_eq!(Zone::parse("local"), Ok(Zone::Local));
        assert_eq!(
            Zone::parse("asia/muscat"),
            Ok(Zone::Named(chrono_tz::Asia::Muscat))
        );
        let e = Zone::parse("Asia/Muskat").unwrap_err();
        assert!(e.contains("Asia/Muskat") && e.contains("IANA"), "{e}");
    }

    #[test]
    fn full_dates_are_year_first_in_the_zone() {
        let t = at(2026, 12, 4, 22, 26);
        assert_eq!(full(t, Zone::Utc), "2026-12-04 22:26");
        let muscat = Zone::Named(chrono_tz::Asia::Muscat);
        assert_eq!(full(t, muscat), "2026-12-05 02:26");
        assert_eq!(clock(t, muscat), "02:26 +04");
        assert_eq!(clock(t, Zone::Utc), "22:26 UTC");
        let ny = Zone::Named(chrono_tz::America::New_York);
        assert_eq!(clock(t, ny), "17:26 EST");
    }

    #[test]
    fn compact_times_carry_the_year_when_not_this_year() {
        let now = at(2026, 3, 10, 12, 0);
        assert_eq!(compact(at(2026, 3, 10, 9, 5), now, Zone::Utc), "09:05");
        assert_eq!(compact(at(2026, 2, 6, 0, 0), now, Zone::Utc), "06 Feb");
        assert_eq!(compact(at(2024, 1, 13, 0, 0), now, Zone::Utc), "2024-01-13");
        // The day is the zone's: 22:30 UTC on the 9th is the 10th in Muscat.
        let muscat = Zone::Named(chrono_tz::Asia::Muscat);
        assert_eq!(compact(at(2026, 3, 9, 22, 30), now, muscat), "02:30");
        assert_eq!(compact(at(2026, 3, 9, 22, 30), now, Zone::Utc), "09 Mar");
    }
}
