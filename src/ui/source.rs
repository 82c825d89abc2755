//! Short source names for list rows. A name that fits is shown whole; a longer
//! one loses its generic words first ("وكالة الأنباء", "news agency", "تقرير عن"),
//! so the word that tells agencies apart is what is kept, then is cut to the
//! column. Names that would still look the same on one screen are told apart
//! by their initials, then by a number.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::bidi;

/// Words that name a kind of outlet rather than the outlet, normalized.
const GENERIC: &[&str] = &[
    "وكاله",
    "الوكاله",
    "انباء",
    "الانباء",
    "تقرير",
    "عن",
    "قناه",
    "صحيفه",
    "موقع",
    "شبكه",
    "اخبار",
    "الاخباريه",
    "اخباريه",
    "news",
    "agency",
    "the",
    "al",
    "press",
    "wire",
    "daily",
    "online",
];

fn generic(word: &str) -> bool {
    let n = crate::text::normalize(word);
    GENERIC.contains(&n.as_str())
}

/// The longest prefix of `s` that fits in `width` cells, cut between graphemes,
/// without an ellipsis (the column's width says it is short). A cut inside a
/// word goes back to the word's start when what is before it is 3 cells or more
/// (`عربي`, not `عربي ب`).
fn cut(s: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    let mut whole = true;
    for g in s.graphemes(true) {
        let w = bidi::width(g);
        if used + w > width {
            whole = false;
            break;
        }
        used += w;
        out.push_str(g);
    }
    let in_word = !whole && !out.ends_with(' ') && !s[out.len()..].starts_with(' ');
    if in_word
        && let Some(sp) = out.rfind(' ')
        && bidi::width(out[..sp].trim_end()) >= 3
    {
        out.truncate(sp);
    }
    out.trim_end().to_string()
}

/// The significant words of a name: all but the generic ones (all when every
/// word is generic).
fn words(name: &str) -> Vec<&str> {
    let all: Vec<&str> = name.split_whitespace().collect();
    let kept: Vec<&str> = all.iter().copied().filter(|w| !generic(w)).collect();
    if kept.is_empty() { all } else { kept }
}

/// One name's short form in `width` cells. Arabic words too long for it also
/// lose the article (`الجزيرة` → `جزيرة`).
pub fn code(name: &str, width: usize) -> String {
    let name = name.trim();
    if bidi::width(name) <= width {
        return name.to_string();
    }
    let kept = words(name).join(" ");
    if bidi::width(&kept) <= width {
        return kept;
    }
    let bare: Vec<&str> = kept
        .split(' ')
        .map(|w| match w.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 3 => rest,
            _ => w,
        })
        .collect();
    cut(&bare.join(" "), width)
}

/// The first word cut short and the initials of the others: `BBC ME`.
fn initials(name: &str, width: usize) -> String {
    let w = words(name);
    let Some((first, rest)) = w.split_first() else {
        return String::new();
    };
    let tail: String = rest
        .iter()
        .filter_map(|w| w.graphemes(true).next())
        .collect();
    if tail.is_empty() {
        return cut(first, width);
    }
    let room = width.saturating_sub(bidi::width(&tail) + 1);
    format!("{} {tail}", cut(first, room.max(1)))
}

/// Short forms of `names` in `width` cells, distinct for distinct names.
pub fn codes<'a>(
    names: impl IntoIterator<Item = &'a str>,
    width: usize,
) -> HashMap<&'a str, String> {
    let mut out: HashMap<&str, String> = HashMap::new();
    for n in names {
        out.entry(n).or_insert_with(|| code(n, width));
    }
    for round in 0..2 {
        let mut seen: HashMap<String, Vec<&str>> = HashMap::new();
        for (name, c) in &out {
            seen.entry(c.clone()).or_default().push(name);
        }
        let mut clashes: Vec<Vec<&str>> = seen.into_values().filter(|v| v.len() > 1).collect();
        if clashes.is_empty() {
            break;
        }
        for group in &mut clashes {
            group.sort_unstable();
            for (i, name) in group.iter().enumerate() {
                let c = if round == 0 {
                    initials(name, width)
                } else {
                    let n = (i + 1).to_string();
                    let base = out.get(name).map_or("", String::as_str);
                    format!("{}{n}", cut(base, width.saturating_sub(n.len())))
                };
                out.insert(name, c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_fit_are_whole() {
        assert_eq!(code("Reuters", 8), "Reuters");
        assert_eq!(code("الجزيرة", 8), "الجزيرة");
    }

    #[test]
    fn generic_words_go_first() {
        assert_eq!(code("وكالة الأنباء التجريبية", 8), "تجريبية");
        assert_eq!(code("الجزيرة", 6), "جزيرة");
        assert_eq!(code("عربي بوست", 6), "عربي");
        assert_eq!(code("تقرير عن نيويورك تايمز", 8), "نيويورك");
        assert_eq!(code("Al Jazeera English", 8), "Jazeera");
    }

    #[test]
    fn arabic_agencies_stay_distinguishable() {
        let names = [
            "وكالة الأنباء العمانية",
            "وكالة الأنباء الإيرانية",
            "وكالة الأنباء القطرية",
            "وكالة الأنباء الأردنية",
        ];
        let c = codes(names, 6);
        let mut shown: Vec<&String> = c.values().collect();
        shown.sort();
        shown.dedup();
        assert_eq!(shown.len(), 4, "{c:?}");
        assert!(c.values().all(|v| bidi::width(v) <= 6), "{c:?}");
    }

    #[test]
    fn clashes_fall_back_to_initials_then_numbers() {
        let c = codes(["BBC Middle East", "BBC Mideast"], 6);
        assert_eq!(c["BBC Middle East"], "BBC ME");
        assert_eq!(c["BBC Mideast"], "BBC M");
        let c = codes(["Gulf Desk One", "Gulf Desk Two", "Gulf Desk Three"], 5);
        let mut v: Vec<&String> = c.values().collect();
        v.sort();
        v.dedup();
        assert_eq!(v.len(), 3, "{c:?}");
    }
}
