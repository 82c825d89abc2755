//! Feed dates as they really come: RFC 822 and RFC 3339 and their common broken
//! variants (named zones, missing seconds, two-digit years, no zone at all), Arabic
//! month names (Egyptian, Levantine and Maghrebi), Arabic day names and
//! Arabic-Indic digits. Pure; a missing zone means the given default offset.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Arabic month names (alef-folded) to month numbers; two-word names first.
const ARABIC_MONTHS: &[(&str, u32)] = &[
    ("كانون الثاني", 1),
    ("تشرين الاول", 10),
    ("تشرين الثاني", 11),
    ("كانون الاول", 12),
    ("يناير", 1),
    ("جانفي", 1),
    ("فبراير", 2),
    ("فيفري", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("اذار", 3),
    ("ابريل", 4),
    ("افريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("ايار", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("جوان", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("يوليوز", 7),
    ("جويلية", 7),
    ("جويليه", 7),
    ("تموز", 7),
    ("اغسطس", 8),
    ("اوت", 8),
    ("غشت", 8),
    ("اب", 8),
    ("سبتمبر", 9),
    ("شتنبر", 9),
    ("ايلول", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("نونبر", 11),
    ("ديسمبر", 12),
    ("دجنبر", 12),
];

const ENGLISH_MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Named zones seen in feeds, in minutes east of UTC.
fn named_zone(z: &str) -> Option<i32> {
    Some(match z.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" | "WET" => 0,
        "EST" => -5 * 60,
        "EDT" => -4 * 60,
        "CST" => -6 * 60,
        "CDT" => -5 * 60,
        "MST" => -7 * 60,
        "MDT" => -6 * 60,
        "PST" => -8 * 60,
        "PDT" => -7 * 60,
        "BST" | "CET" | "WEST" => 60,
        "CEST" | "EET" => 120,
        "EEST" | "AST" | "MSK" | "IDT" => 180,
        "IST" => 330,
        "IRST" => 210,
        "GST" => 240,
        "JST" => 540,
        _ => return None,
    })
}

/// Parses a date with UTC as the default zone.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    parse_with_default(s, FixedOffset::east_opt(0)?)
}

/// Parses a date; a date without a zone is taken in `default`.
pub fn parse_with_default(s: &str, default: FixedOffset) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    let norm = normalize(s);
    if let Some(d) = iso_like(&norm, default) {
        return Some(d);
    }
    tokens(&norm, default)
}

/// Arabic-Indic digits to ASCII, Arabic punctuation to ASCII, alef folded, and
/// Arabic month names replaced by English abbreviations.
fn normalize(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '،' | '٬' => ',',
            '٫' => '.',
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            '\u{064B}'..='\u{065F}' | '\u{0640}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => '\0',
            _ => c,
        })
        .filter(|c| *c != '\0')
        .collect();
    if out.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        for (name, m) in ARABIC_MONTHS {
            if let Some(at) = find_word(&out, name) {
                out.replace_range(
                    at..at + name.len(),
                    &format!(" {} ", ENGLISH_MONTHS[(*m - 1) as usize]),
                );
                break;
            }
        }
    }
    out
}

/// The byte offset of `word` in `s` where it stands as a whole word.
fn find_word(s: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before = s[..at].chars().next_back();
        let after = s[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphabetic());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = end;
    }
    None
}

/// ISO 8601 shapes chrono's RFC 3339 parser refuses: a space for `T`, no zone,
/// no seconds, a zone without a colon, a date alone.
fn iso_like(s: &str, default: FixedOffset) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || !(b[4] == b'-' && b[7] == b'-') {
        return None;
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M:%S%.f %#z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let s2 = s.trim_end_matches('Z');
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s2, f) {
            let zone = if s2.len() < s.len() {
                FixedOffset::east_opt(0)?
            } else {
                default
            };
            return local(d, zone);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s2, "%Y-%m-%d") {
        return local(d.and_time(NaiveTime::MIN), default);
    }
    None
}

fn local(d: NaiveDateTime, zone: FixedOffset) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&d)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// A free-order reading: day, month name, year, time, zone, AM/PM, in any order
/// (RFC 822 with mistakes, "January 2, 2006 3:04 PM", Arabic forms).
fn tokens(s: &str, default: FixedOffset) -> Option<DateTime<Utc>> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time: Option<(u32, u32, u32)> = None;
    let mut zone: Option<i32> = None;
    let mut pm: Option<bool> = None;
    let mut numbers = Vec::new();
    let parts = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty());
    for raw in parts {
        let t = raw.trim_matches(|c: char| c == '.' || c == '(' || c == ')');
        if t.is_empty() {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if t.contains(':') && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            // 15:04, 15:04:05, 15:04:05.123, 15:04:05+0300
            let (clock, tz) = match t.find(['+', '-']) {
                Some(i) => (&t[..i], Some(&t[i..])),
                None => (t, None),
            };
            let mut f = clock.split(':');
            let h = f.next()?.parse().ok()?;
            let m = f.next()?.parse().ok()?;
            let sec = f
                .next()
                .map(|x| x.split('.').next().unwrap_or("0").parse().unwrap_or(0))
                .unwrap_or(0);
            time = Some((h, m, sec));
            if let Some(tz) = tz {
                zone = offset(tz).or(zone);
            }
        } else if let Some(i) = ENGLISH_MONTHS
            .iter()
            .position(|m| lower.len() >= 3 && lower.starts_with(m))
            .filter(|_| lower.chars().all(|c| c.is_ascii_alphabetic()))
        {
            month = Some(i as u32 + 1);
        } else if lower == "am" || lower == "a.m" || t == "ص" || t.starts_with("صباح") {
            pm = Some(false);
        } else if lower == "pm"
            || lower == "p.m"
            || t.starts_with("مساء")
            || t == "م" && time.is_some()
        {
            pm = Some(true);
        } else if t.starts_with(['+', '-']) && t.len() >= 3 {
            zone = offset(t).or(zone);
        } else if let Some(z) = named_zone(t) {
            zone = Some(z);
        } else if let Some(z) = t
            .strip_prefix("GMT")
            .or_else(|| t.strip_prefix("UTC"))
            .filter(|r| r.starts_with(['+', '-']))
        {
            zone = offset(z).or(zone);
        } else if let Ok(n) = t.trim_end_matches(['م', 'h']).parse::<u32>() {
            numbers.push((n, t.len()));
        }
    }
    for (n, len) in numbers {
        if len == 4 || n > 31 {
            year.get_or_insert(n as i32);
        } else if month.is_none() && day.is_some() && n <= 12 {
            month = Some(n);
        } else if day.is_none() && (1..=31).contains(&n) {
            day = Some(n);
        } else if year.is_none() {
            year = Some(n as i32);
        }
    }
    let mut year = year?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let date = NaiveDate::from_ymd_opt(year, month?, day?)?;
    let (mut h, m, sec) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let t = NaiveTime::from_hms_opt(h, m, sec.min(59))?;
    let zone = match zone {
        Some(minutes) => FixedOffset::east_opt(minutes * 60)?,
        None => default,
    };
    local(date.and_time(t), zone)
}

/// "+0300", "+03:00", "-05", "+3" as minutes east of UTC.
fn offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != rest.len() - rest.matches(':').count() {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn standard_forms() {
        let want = utc("2025-04-12T10:30:00Z");
        for s in [
            "Sat, 12 Apr 2025 10:30:00 GMT",
            "Sat, 12 Apr 2025 10:30:00 +0000",
            "2025-04-12T10:30:00Z",
            "2025-04-12T13:30:00+03:00",
            "2025-04-12T13:30:00+0300",
            "2025-04-12 10:30:00",
            "Sat, 12 Apr 2025 10:30 GMT",
            "12 Apr 2025 10:30:00 UT",
            "Sat, 12 April 2025 10:30:00 Z",
            "Sun, 12 Apr 2025 10:30:00 GMT",
            "Sat, 12 Apr 25 10:30:00 GMT",
            "Sat, 12 Apr 2025 06:30:00 EDT",
            "Sat, 12 Apr 2025 13:30:00 +03:00",
            "April 12, 2025 10:30 AM",
            "Saturday, April 12, 2025 10:30:00 AM GMT",
            "2025-04-12T10:30:00.000Z",
        ] {
            assert_eq!(parse(s), Some(want), "{s}");
        }
    }

    #[test]
    fn arabic_months_and_digits() {
        let want = utc("2025-01-12T10:30:00Z");
        for s in [
            "12 يناير 2025 10:30",
            "١٢ يناير ٢٠٢٥ ١٠:٣٠",
            "السبت، 12 كانون الثاني 2025 10:30:00 GMT",
            "12 جانفي 2025 10:30",
            "الأحد ١٢ كانون الثاني ٢٠٢٥ - ١٠:٣٠",
            "12 يناير 2025 - 01:30 م +0300",
        ] {
            assert_eq!(parse(s), Some(want), "{s}");
        }
        assert_eq!(
            parse("5 تشرين الأول 2024").map(|d| d.date_naive()),
            NaiveDate::from_ymd_opt(2024, 10, 5)
        );
        assert_eq!(
            parse("3 أغسطس 2024").map(|d| d.date_naive()),
            NaiveDate::from_ymd_opt(2024, 8, 3)
        );
        assert_eq!(
            parse("3 آب 2024").map(|d| d.date_naive()),
            NaiveDate::from_ymd_opt(2024, 8, 3)
        );
        assert_eq!(
            parse("3 جوان 2024").map(|d| d.date_naive()),
            NaiveDate::from_ymd_opt(2024, 6, 3)
        );
    }

    #[test]
    fn missing_zone_uses_default() {
        let tehran = FixedOffset::east_opt(3 * 3600 + 1800).unwrap();
        assert_eq!(
            parse_with_default("2025-04-12 14:00", tehran),
            Some(utc("2025-04-12T10:30:00Z"))
        );
        assert_eq!(
            parse_with_default("12 Apr 2025 14:00:00", tehran),
            Some(utc("2025-04-12T10:30:00Z"))
        );
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "yesterday",
            "32 Foo 2025",
            "٢٠٢٥",
            "Sat, 45 Apr 2025",
            "2025-13-45",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
