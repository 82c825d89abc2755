//! Names across scripts: a consonant skeleton that an Arabic spelling and a Latin
//! transliteration of one name share (عراقجي and Araghchi are both R K J,
//! ويتكوف and Witkoff W T K F), and the numbers an item gives.
//!
//! Sounds that transliterations confuse share a class (t d ط ض ث ذ; s z sh ص ش
//! ز; k q g gh kh ق غ خ; b p v?…), vowels and long-vowel letters are dropped
//! except a word-initial w/y, a final h is dropped (taa marbuta, "-ah"), and
//! repeated classes collapse. Skeletons shorter than three classes say too
//! little and are not used.

/// The most classes a skeleton keeps.
const MAX: usize = 8;
/// The fewest classes a skeleton needs to count as a name.
pub const MIN: usize = 3;

/// A skeleton being built: classes in order, repeats collapsed.
#[derive(Default)]
struct Skel {
    c: [u8; MAX],
    n: usize,
}

impl Skel {
    #[inline]
    fn push(&mut self, class: u8) {
        if self.n < MAX && (self.n == 0 || self.c[self.n - 1] != class) {
            self.c[self.n] = class;
            self.n += 1;
        }
    }

    fn finish(mut self) -> Option<u64> {
        if self.n > 0 && self.c[self.n - 1] == b'H' {
            self.n -= 1;
        }
        if self.n < MIN {
            return None;
        }
        let s = std::str::from_utf8(&self.c[..self.n]).ok()?;
        Some(super::terms::hash(b'n', s))
    }

    #[cfg(test)]
    fn text(mut self) -> String {
        if self.n > 0 && self.c[self.n - 1] == b'H' {
            self.n -= 1;
        }
        String::from_utf8_lossy(&self.c[..self.n]).into_owned()
    }
}

/// The skeleton of a Latin word (any case).
pub fn latin(w: &str) -> Option<u64> {
    latin_skel(w).finish()
}

fn latin_skel(w: &str) -> Skel {
    let mut buf = [0u8; 32];
    let mut len = 0;
    for c in w.bytes().filter(u8::is_ascii_alphabetic).take(buf.len()) {
        buf[len] = c.to_ascii_lowercase();
        len += 1;
    }
    let b = &buf[..len];
    let mut s = Skel::default();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        let two = |x: u8| next == x;
        let (class, step): (Option<u8>, usize) = match c {
            b's' | b'z' if two(b'h') => (Some(b'S'), 2),
            b'c' if two(b'h') => (Some(b'J'), 2),
            b'c' if two(b'k') => (Some(b'K'), 2),
            b'g' | b'k' if two(b'h') => (Some(b'K'), 2),
            b't' | b'd' if two(b'h') => (Some(b'T'), 2),
            b'd' if two(b'j') => (Some(b'J'), 2),
            b'p' if two(b'h') => (Some(b'F'), 2),
            b'b' | b'p' => (Some(b'B'), 1),
            b'f' | b'v' => (Some(b'F'), 1),
            b't' | b'd' => (Some(b'T'), 1),
            b's' | b'z' => (Some(b'S'), 1),
            b'c' if matches!(next, b'e' | b'i' | b'y') => (Some(b'S'), 1),
            // A soft g (Geneva, George) is written ج.
            b'g' if matches!(next, b'e' | b'i' | b'y') && i == 0 => (Some(b'J'), 1),
            b'c' | b'k' | b'q' | b'g' => (Some(b'K'), 1),
            b'x' => {
                s.push(b'K');
                (Some(b'S'), 1)
            }
            b'j' => (Some(b'J'), 1),
            b'h' => (Some(b'H'), 1),
            b'l' => (Some(b'L'), 1),
            b'm' => (Some(b'M'), 1),
            b'n' => (Some(b'N'), 1),
            b'r' => (Some(b'R'), 1),
            b'w' if i == 0 => (Some(b'W'), 1),
            b'y' if i == 0 => (Some(b'Y'), 1),
            _ => (None, 1),
        };
        if let Some(k) = class {
            s.push(k);
        }
        i += step;
    }
    s
}

/// The skeleton of a normalized Arabic word as written, with nothing cut.
fn arabic_skel(w: &str) -> Skel {
    let mut s = Skel::default();
    let mut chars = w.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let (class, step) = match c {
            'ت' if next == Some('ش') => (Some(b'J'), 2),
            'ب' | 'پ' => (Some(b'B'), 1),
            'ت' | 'ط' | 'د' | 'ض' | 'ث' | 'ذ' | 'ظ' => (Some(b'T'), 1),
            'ج' | 'چ' => (Some(b'J'), 1),
            'ح' | 'ه' => (Some(b'H'), 1),
            'خ' | 'غ' | 'ق' | 'ك' | 'گ' => (Some(b'K'), 1),
            'س' | 'ص' | 'ز' | 'ش' | 'ژ' => (Some(b'S'), 1),
            'ف' | 'ڤ' => (Some(b'F'), 1),
            'ر' => (Some(b'R'), 1),
            'ل' => (Some(b'L'), 1),
            'م' => (Some(b'M'), 1),
            'ن' => (Some(b'N'), 1),
            'و' if i == 0 => (Some(b'W'), 1),
            'ي' if i == 0 => (Some(b'Y'), 1),
            _ => (None, 1),
        };
        if let Some(k) = class {
            s.push(k);
        }
        if step == 2 {
            chars.next();
        }
        i += step;
    }
    s
}

const AR_ARTICLES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];

/// The skeletons of a normalized Arabic word: as written, without its article
/// (الحديدة → حديدة), and without a one-letter proclitic (وعراقجي → عراقجي);
/// each different one once. A Latin name matches any of them.
pub fn arabic(w: &str, mut f: impl FnMut(u64)) {
    let mut seen = [0u64; 3];
    let mut n = 0;
    let mut emit = |h: Option<u64>| {
        if let Some(h) = h
            && !seen[..n].contains(&h)
        {
            seen[n] = h;
            n += 1;
            f(h);
        }
    };
    emit(arabic_skel(w).finish());
    if let Some(rest) = AR_ARTICLES.iter().find_map(|a| w.strip_prefix(a))
        && rest.chars().count() >= 3
    {
        emit(arabic_skel(rest).finish());
    } else if let Some(rest) = w
        .strip_prefix(['و', 'ب', 'ل', 'ف', 'ك'])
        .filter(|r| r.chars().count() >= 3)
    {
        emit(arabic_skel(rest).finish());
    }
}

/// The number a word starts with (`14`, `440kg`), if it starts with a digit and
/// is not absurdly long.
pub fn number(w: &str) -> Option<u64> {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    w[..digits].parse().ok()
}

/// Whether a word of an original (not normalized) Latin text looks like a name:
/// capitalized, not all capitals (acronyms carry no sound), not a stop word.
pub fn looks_like_name(w: &str) -> bool {
    let mut cs = w.chars();
    let Some(first) = cs.next() else {
        return false;
    };
    if !first.is_ascii_uppercase() || w.len() < 3 {
        return false;
    }
    if w.bytes().all(|b| !b.is_ascii_lowercase()) {
        return false;
    }
    let mut buf = [0u8; 24];
    if w.len() > buf.len() {
        return true;
    }
    let lower = &mut buf[..w.len()];
    lower.copy_from_slice(w.as_bytes());
    lower.make_ascii_lowercase();
    let Ok(lower) = std::str::from_utf8(lower) else {
        return false;
    };
    !super::terms::is_stop(lower) && !COMMON_CAPITALIZED.contains(&lower)
}

/// Capitalized words in headlines and at sentence starts that name nothing.
const COMMON_CAPITALIZED: &[&str] = &[
    "says",
    "after",
    "amid",
    "over",
    "new",
    "first",
    "second",
    "minister",
    "president",
    "foreign",
    "ministry",
    "officials",
    "official",
    "report",
    "reports",
    "news",
    "state",
    "media",
    "sources",
    "source",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "breaking",
    "live",
    "update",
    "analysis",
    "opinion",
    "watch",
    "video",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ar_all(w: &str) -> Vec<String> {
        let w = crate::text::normalize(w);
        let mut v = vec![arabic_skel(&w).text()];
        if let Some(rest) = AR_ARTICLES.iter().find_map(|a| w.strip_prefix(a)) {
            v.push(arabic_skel(rest).text());
        } else if let Some(rest) = w.strip_prefix(['و', 'ب', 'ل', 'ف', 'ك']) {
            v.push(arabic_skel(rest).text());
        }
        v
    }

    #[test]
    fn transliterations_share_a_skeleton() {
        for (ar, en) in [
            ("عراقجي", "Araghchi"),
            ("ويتكوف", "Witkoff"),
            ("مسقط", "Muscat"),
            ("ترامب", "Trump"),
            ("خامنئي", "Khamenei"),
            ("بزشكيان", "Pezeshkian"),
            ("غروسي", "Grossi"),
            ("نتنياهو", "Netanyahu"),
            ("بوشهر", "Bushehr"),
            ("جيبوتي", "Djibouti"),
            ("فراهاني", "Farahani"),
            ("مشهد", "Mashhad"),
            ("تشابهار", "Chabahar"),
            ("قشم", "Qeshm"),
            ("هرمز", "Hormuz"),
            ("البوسعيدي", "Albusaidi"),
            ("فالكون", "Falcon"),
            ("نورديك", "Nordic"),
            ("لينكولن", "Lincoln"),
            ("وعراقجي", "Araghchi"),
            ("جنيف", "Geneva"),
        ] {
            let en_s = latin_skel(en).text();
            assert!(
                ar_all(ar).contains(&en_s),
                "{ar} {:?} vs {en} {en_s}",
                ar_all(ar)
            );
            let mut hs = Vec::new();
            arabic(&crate::text::normalize(ar), |h| hs.push(h));
            assert!(hs.contains(&latin(en).unwrap_or(0)), "{ar} / {en}");
        }
    }

    #[test]
    fn different_names_differ() {
        assert_ne!(latin("Grossi"), latin("Rubio"));
        assert_ne!(latin("Khamenei"), latin("Pezeshkian"));
        assert_eq!(latin("Iran"), None, "two classes are too few");
    }

    #[test]
    fn numbers_and_names() {
        assert_eq!(number("440kg"), Some(440));
        assert_eq!(number("kg440"), None);
        assert!(looks_like_name("Araghchi"));
        assert!(!looks_like_name("IAEA"));
        assert!(!looks_like_name("The"));
        assert!(!looks_like_name("talks"));
    }
}
