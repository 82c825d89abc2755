//! The parts of an item that say where it comes from, not what it is about: the
//! dateline opening a body ("TEHRAN, Aug. 12 (MNA) –", «طهران - إرنا -»), the
//! source at the end of a title ("… - Al Masry Al Youm", "… | مصراوي") and an
//! agency in parentheses («(إرنا)»). A party named only there is not in the
//! news. Pure: original text in, byte offsets out.

/// Dashes that close a dateline or open a source credit (tatweel is used as a
/// dash in Arabic datelines: «طهران ـ «القدس العربي»:»).
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‒' | '―' | 'ـ')
}

fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || ('\u{066E}'..='\u{06D3}').contains(&c)
}

/// The most words a place or an agency of a dateline has.
const MAX_NAME_WORDS: usize = 3;

/// The byte offset where the text after a dateline at the start of `body`
/// begins, or None when the body opens with no dateline.
///
/// A dateline is a place, maybe a date and an agency, then a dash:
/// "TEHRAN –", "TEHRAN-The …", "Tehran – Construction …", "TEHRAN, Aug. 12
/// (MNA) –", "WASHINGTON (AP) —", «طهران - إرنا -», «بيروت (رويترز) -»,
/// «طهران ـ «القدس العربي»:». A Latin place is in capitals, or one capitalized
/// word followed by a spaced dash; what follows a Latin dateline begins with a
/// capital, a digit or a quote, so "US-Iran talks" and "Iran-backed" are no
/// datelines.
pub fn dateline_end(body: &str) -> Option<usize> {
    let lead = body.len() - body.trim_start().len();
    let text = &body[lead..];
    let first = text.chars().next()?;
    let end = if is_arabic_letter(first) {
        arabic_dateline(text)?
    } else if first.is_ascii_uppercase() {
        latin_dateline(text)?
    } else {
        return None;
    };
    Some(lead + end)
}

/// Words of `text` from its start: (start, end) byte ranges of runs of
/// characters that are neither white space nor one of `stops`.
fn words_until<'a>(
    text: &'a str,
    stops: impl Fn(char) -> bool + 'a,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let skip = rest.len() - rest.trim_start().len();
        let from = at + skip;
        let word_len = text[from..]
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || stops(c))
            .map_or(text.len() - from, |(i, _)| i);
        if word_len == 0 {
            return None;
        }
        at = from + word_len;
        Some((from, at))
    })
}

fn latin_dateline(text: &str) -> Option<usize> {
    // The place: up to three words in capitals ("NEW YORK"), or one
    // capitalized word ("Tehran").
    let stop = |c: char| c == ',' || c == '(' || is_dash(c);
    let mut place_end = 0;
    let mut words = 0;
    let mut letters = 0;
    let mut capitals = true;
    for (from, to) in words_until(text, stop) {
        let w = &text[from..to];
        let n = w.chars().filter(|c| c.is_alphabetic()).count();
        let upper = n >= 2
            && w.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        if words == 0 && !w.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        if !upper && words > 0 {
            break;
        }
        capitals &= upper;
        words += 1;
        letters += n;
        place_end = to;
        if !capitals || words == MAX_NAME_WORDS {
            break;
        }
    }
    // A single word in capitals shorter than four letters is an acronym.
    if words == 0 || (capitals && words == 1 && letters < 4) {
        return None;
    }
    let mut at = place_end;
    let mut decorated = false;
    // ", Aug. 12" or ", Iran": a short run up to the agency or the dash.
    if text[at..].starts_with(',') {
        let rest = &text[at + 1..];
        let stop = rest.find(|c: char| c == '(' || is_dash(c))?;
        if stop > 30 {
            return None;
        }
        at += 1 + stop;
        decorated = true;
    }
    // "(MNA)", "(AP)".
    let spaced = text[at..].trim_start();
    if spaced.starts_with('(') {
        let close = spaced.find(')')?;
        if close > 30 {
            return None;
        }
        at = text.len() - spaced.len() + close + 1;
        decorated = true;
    }
    // The dash, then what is told: a capital, a digit or a quote.
    let before_dash = text[at..].len() - text[at..].trim_start().len();
    let dash_at = at + before_dash;
    let dash = text[dash_at..].chars().next().filter(|&c| is_dash(c))?;
    let after = &text[dash_at + dash.len_utf8()..];
    let space_after = after.len() - after.trim_start().len();
    let mut next = after.trim_start().chars();
    let first = next.next()?;
    if !(first.is_uppercase() || first.is_ascii_digit() || "\"“‘'«".contains(first)) {
        return None;
    }
    if !decorated && (before_dash == 0 || space_after == 0) {
        // "TEHRAN-The …", "TEHRAN -According": a place in capitals and a
        // capitalized word (not "IRAN-US", not "Iran-Iraq").
        let second = next.next();
        let word = first.is_uppercase() && second.is_some_and(char::is_lowercase);
        if !(capitals && (word || !first.is_alphabetic())) {
            return None;
        }
    }
    Some(dash_at + dash.len_utf8() + space_after)
}

fn arabic_dateline(text: &str) -> Option<usize> {
    // The place: one to three Arabic words before a dash or an agency.
    let stop = |c: char| c == '(' || c == '/' || c == ':' || is_dash(c);
    let mut at = 0;
    let mut words = 0;
    for (from, to) in words_until(text, stop) {
        if !text[from..to]
            .chars()
            .all(|c| is_arabic_letter(c) || c == 'ـ')
        {
            return None;
        }
        words += 1;
        at = to;
        let next = text[to..].trim_start().chars().next();
        if next.is_some_and(stop) || words == MAX_NAME_WORDS {
            break;
        }
    }
    if words == 0 {
        return None;
    }
    // Then the separators and at most one agency: «- إرنا -», «(رويترز) -»,
    // «/ مهر /», «ـ «القدس العربي»:».
    let mut agency = false;
    let mut closed = false;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        let here = at + rest.len() - trimmed.len();
        let c = trimmed.chars().next()?;
        if is_dash(c) || c == '/' || (c == ':' && agency) {
            at = here + c.len_utf8();
            closed = true;
            if agency {
                break;
            }
            continue;
        }
        if agency {
            break;
        }
        if c == '(' {
            let close = trimmed.find(')')?;
            if close > 40 {
                return None;
            }
            at = here + close + 1;
            agency = true;
            closed = false;
            continue;
        }
        if !closed {
            return None;
        }
        // An agency: up to three words (maybe in «» quotes) then a separator.
        let mut end = here;
        let mut n = 0;
        for (from, to) in words_until(&text[here..], |c| is_dash(c) || c == '/' || c == ':') {
            n += 1;
            end = here + to;
            let after = text[end..].trim_start().chars().next();
            if after.is_some_and(|c| is_dash(c) || c == '/' || c == ':') {
                break;
            }
            if n == MAX_NAME_WORDS || from > 60 {
                return if closed {
                    Some(dash_end(text, here))
                } else {
                    None
                };
            }
        }
        let after = text[end..].trim_start().chars().next();
        if !after.is_some_and(|c| is_dash(c) || c == '/' || c == ':') {
            // «بيروت - أعلن الجيش …»: the place alone, then the news.
            return Some(dash_end(text, here));
        }
        at = end;
        agency = true;
        closed = false;
    }
    closed.then(|| dash_end(text, at))
}

/// `at`, past any white space.
fn dash_end(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    at + rest.len() - rest.trim_start().len()
}

/// The byte offset where a source credit closing `text` begins: the last
/// segment after " - ", " – ", " — " or " | ", when it has at most five words
/// (and no colon) and what precedes it at least four ("Gold falls after US data
/// - Investing.com", "… | مصراوى"). None when the text ends with no credit.
pub fn credit_start(text: &str) -> Option<usize> {
    let trimmed = text.trim_end();
    let (sep_at, start) = last_separator(trimmed)?;
    let credit = &trimmed[start..];
    let words = credit.split_whitespace().count();
    let before = trimmed[..sep_at].split_whitespace().take(4).count();
    ((1..=5).contains(&words) && before >= 4 && !credit.contains(':')).then_some(start)
}

/// How far from the end of a title a source credit is looked for, in bytes:
/// a credit of five words ("Sky News Arabia سكاي نيوز عربية") fits.
const CREDIT_BYTES: usize = 96;

/// The last " - ", " – ", " — " or " | " within [`CREDIT_BYTES`] of the end of
/// `text`: (where it begins, where the text after it begins). One pass over the
/// bytes, from the end.
fn last_separator(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let low = b.len().saturating_sub(CREDIT_BYTES);
    let mut i = b.len().checked_sub(2)?;
    while i > low {
        // b[i] is the space after the dash (or bar).
        if b[i] == b' ' {
            let dash = match (i.checked_sub(2).map(|j| b[j]), b[i - 1]) {
                (Some(b' '), b'-' | b'|') => Some(i - 2),
                _ if i >= 4 && b[i - 4] == b' ' && b[i - 3..i] == *"–".as_bytes() => Some(i - 4),
                _ if i >= 4 && b[i - 4] == b' ' && b[i - 3..i] == *"—".as_bytes() => Some(i - 4),
                _ => None,
            };
            if let Some(at) = dash {
                return Some((at, i + 1));
            }
        }
        i -= 1;
    }
    None
}

/// Whether the key word at `start..end` of `key` stands alone in parentheses:
/// «(إرنا)», "(IRNA)" credit an agency.
pub fn in_parentheses(key: &str, start: usize, end: usize) -> bool {
    let before = key[..start].trim_end_matches(' ').ends_with('(');
    let after = key[end..].trim_start_matches(' ').starts_with(')');
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(body: &str) -> Option<&str> {
        dateline_end(body).map(|i| &body[i..])
    }

    #[test]
    fn latin_datelines() {
        for (body, rest) in [
            ("TEHRAN – Iran said", "Iran said"),
            ("TEHRAN - In a note", "In a note"),
            ("TEHRAN -According to", "According to"),
            ("TEHRAN-The Persian translation", "The Persian translation"),
            ("TEHRAN- “Here”, a movie", "“Here”, a movie"),
            ("Tehran – Construction of boats", "Construction of boats"),
            ("TEHRAN, Aug. 12 (MNA) – Iran's", "Iran's"),
            ("WASHINGTON (AP) — The", "The"),
            ("NEW YORK – Talks", "Talks"),
            ("BEIRUT — Those who", "Those who"),
            ("  LONDON – Amid", "Amid"),
            ("DUBAI, June 5 (Reuters) - Oil", "Oil"),
        ] {
            assert_eq!(after(body), Some(rest), "{body}");
        }
        for body in [
            "US-Israel-Iran conflict: key events",
            "Iran-backed groups said",
            "Iran – a country of 90 million – said",
            "The army says it completed the corridor",
            "IRAN-US relations have",
            "Iran said on Monday - officials",
            "",
            "Tehran said talks would go on",
            "A Russian missile attack",
        ] {
            assert_eq!(after(body), None, "{body}");
        }
    }

    #[test]
    fn arabic_datelines() {
        for (body, rest) in [
            ("طهران - إرنا - أعلن", "أعلن"),
            ("طهران-إرنا- أعلن", "أعلن"),
            ("بيروت (رويترز) - قال", "قال"),
            ("طهران / مهر / قال", "قال"),
            ("بيروت - أعلن الجيش", "أعلن الجيش"),
            ("طهران ـ «القدس العربي»: قال", "قال"),
        ] {
            assert_eq!(after(body), Some(rest), "{body}");
        }
        for body in [
            "قال وزير الخارجية الإيراني إن",
            "عراقجي: لا تفاوض على برنامجنا",
            "إيران تختبر صاروخاً",
        ] {
            assert_eq!(after(body), None, "{body}");
        }
    }

    #[test]
    fn credits_at_the_end() {
        let t = "اعرف سعر الدولار اليوم أمام الجنيه - المستقبل";
        assert_eq!(&t[credit_start(t).unwrap_or(0)..], "المستقبل");
        let t = "Gold slips after US jobs data - Investing.com Saudi Arabia";
        assert_eq!(
            &t[credit_start(t).unwrap_or(0)..],
            "Investing.com Saudi Arabia"
        );
        assert_eq!(credit_start("إيران - الولايات المتحدة: جولة جديدة"), None);
        assert_eq!(credit_start("Iran, US - talks"), None);
        assert_eq!(credit_start("No credit in this title at all"), None);
        assert_eq!(
            credit_start("Talks end - what the two sides said about the next round"),
            None
        );
        let t = "Israel and Iran trade fire as truce talks stall — Al Jazeera";
        assert_eq!(&t[credit_start(t).unwrap_or(0)..], "Al Jazeera");
        let t = "Israel and Iran trade fire as truce talks stall – Al Jazeera";
        assert_eq!(&t[credit_start(t).unwrap_or(0)..], "Al Jazeera");
        let t = "أظهر رد فعل رباعي بيراميدز التحقيق في مدى حيادية | مصراوى";
        assert_eq!(&t[credit_start(t).unwrap_or(0)..], "مصراوى");
    }

    #[test]
    fn agency_in_parentheses() {
        let k = "قال المتحدث (ارنا) ان";
        let s = k.find("ارنا").unwrap_or(0);
        assert!(in_parentheses(k, s, s + "ارنا".len()));
        let k = "revolutionary guard corps (irgc) said";
        let s = k.find("irgc").unwrap_or(0);
        assert!(in_parentheses(k, s, s + 4));
        let k = "the irgc said";
        let s = k.find("irgc").unwrap_or(0);
        assert!(!in_parentheses(k, s, s + 4));
    }
}
