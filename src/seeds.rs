//! Seed documents: plain-text news articles in a folder (`seeds/`), with an
//! optional sidecar `seeds.toml` giving source, URL, date and language per file.
//! A document becomes one item: title from its first meaningful line, body from
//! the rest, boilerplate lines and repeated copies of the text removed. The five
//! shipped seeds are also built into the binary.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::pipeline::Incoming;
use crate::text::normalize;

/// The seeds shipped in the repo's `seeds/`, built in for use from any directory.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "000_82b9a9dbb538d179.txt",
        include_str!("../seeds/000_82b9a9dbb538d179.txt"),
    ),
    (
        "001_1849da89ddee526e.txt",
        include_str!("../seeds/001_1849da89ddee526e.txt"),
    ),
    (
        "002_beebdc78c683a32d.txt",
        include_str!("../seeds/002_beebdc78c683a32d.txt"),
    ),
    (
        "003_ffe160eaa71000c4.txt",
        include_str!("../seeds/003_ffe160eaa71000c4.txt"),
    ),
    (
        "004_bd6e4cde66ee021d.txt",
        include_str!("../seeds/004_bd6e4cde66ee021d.txt"),
    ),
];
pub const BUILTIN_SIDECAR: &str = include_str!("../seeds/seeds.toml");

/// Name of the pseudo-feed seed items belong to.
pub const SEED_FEED: &str = "seeds";

/// Longest title taken as is; a longer first line gives its first sentence.
const MAX_TITLE_CHARS: usize = 160;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    #[serde(default)]
    seed: Vec<SeedMeta>,
}

/// What the sidecar says about one file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMeta {
    pub file: String,
    /// The title, for a document whose text has no headline of its own.
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
}

/// One seed document, read and cleaned, ready for the pipeline.
#[derive(Debug, Clone)]
pub struct SeedDoc {
    pub file: String,
    pub lang: Option<String>,
    pub incoming: Incoming,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read the seed folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read the seed {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Sidecar { path: String, message: String },
}

/// Reads every `*.txt` of `dir` (sorted by name) with the sidecar's metadata.
pub fn read_dir(dir: &Path) -> Result<Vec<SeedDoc>, SeedError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SeedError::Folder {
        path: dir.display().to_string(),
        source,
    })?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.is_file())
        .collect();
    files.sort();
    let sidecar_path = dir.join("seeds.toml");
    let sidecar = match std::fs::read_to_string(&sidecar_path) {
        Ok(text) => parse_sidecar(&text, &sidecar_path.display().to_string())?,
        Err(_) => HashMap::new(),
    };
    let mut docs = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|source| SeedError::File {
            path: path.display().to_string(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta = sidecar.get(&name).cloned().unwrap_or_default();
        docs.push(document(&name, &text, &meta));
    }
    Ok(docs)
}

/// The built-in seeds.
pub fn builtin() -> Vec<SeedDoc> {
    let sidecar = parse_sidecar(BUILTIN_SIDECAR, "seeds/seeds.toml").unwrap_or_default();
    BUILTIN
        .iter()
        .map(|(name, text)| document(name, text, &sidecar.get(*name).cloned().unwrap_or_default()))
        .collect()
}

fn parse_sidecar(text: &str, path: &str) -> Result<HashMap<String, SeedMeta>, SeedError> {
    let sidecar: Sidecar = toml::from_str(text).map_err(|e| SeedError::Sidecar {
        path: path.to_string(),
        message: e.to_string().trim().to_string(),
    })?;
    Ok(sidecar
        .seed
        .into_iter()
        .map(|m| (m.file.clone(), m))
        .collect())
}

fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc())
        })
}

/// Turns one document's text into an incoming item.
pub fn document(file: &str, text: &str, meta: &SeedMeta) -> SeedDoc {
    let (title, body) = match meta.title.as_deref().map(str::trim) {
        // The sidecar's title: every line of the text is body.
        Some(t) if !t.is_empty() => (t.to_string(), article_lines(text).join("\n\n")),
        _ => title_and_body(text),
    };
    let title = if title.is_empty() {
        file.trim_end_matches(".txt").to_string()
    } else {
        title
    };
    SeedDoc {
        file: file.to_string(),
        lang: meta.lang.clone(),
        incoming: Incoming {
            guid: Some(format!("seed:{file}")),
            link: meta.url.clone(),
            source: meta.source.clone().unwrap_or_else(|| SEED_FEED.to_string()),
            title,
            body,
            html: false,
            published: meta.published.as_deref().and_then(parse_date),
        },
    }
}

/// Lines that belong to the page around an article, not to the article.
fn is_boilerplate(line: &str) -> bool {
    let n = normalize(line);
    let n = n.trim().trim_end_matches([':', '.', '…']).trim();
    const EXACT: &[&str] = &[
        "محتويات الموضوع",
        "محتويات المقال",
        "التعليقات",
        "تعليقات",
        "اضف تعليق",
        "شارك",
        "شارك المقال",
        "شارك الخبر",
        "ارسال الخبر الي",
        "شاهد النسخه الاصليه",
        "اقرا ايضا",
        "comments",
        "share",
        "share this",
        "share this article",
        "read more",
        "advertisement",
    ];
    const CONTAINS: &[&str] = &[
        "اخلاء المسءوليه",
        "الاراء الوارده في هذا المقال",
        "لا تعكس بالضروره",
        "all rights reserved",
        "جميع الحقوق محفوظه",
        "disclaimer",
    ];
    n.is_empty()
        || !n.chars().any(char::is_alphabetic)
        || EXACT.contains(&n)
        || CONTAINS.iter().any(|c| n.contains(c))
}

/// Whitespace-folded normalized form, for comparing lines.
fn key(line: &str) -> String {
    normalize(line)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lines of the article: boilerplate dropped, repeated lines kept once, and
/// a line that is a copy of the following paragraphs run together dropped.
fn article_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !is_boilerplate(l))
        .collect();
    let keys: Vec<String> = lines.iter().map(|l| key(l)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !seen.insert(keys[i].as_str()) {
            continue;
        }
        // A copy of the article on one line: other lines make up most of it.
        let covered: usize = keys
            .iter()
            .enumerate()
            .filter(|(j, k)| {
                *j != i && k.len() >= 40 && k.len() < keys[i].len() && keys[i].contains(k.as_str())
            })
            .map(|(_, k)| k.len())
            .sum();
        if covered * 10 >= keys[i].len() * 8 {
            continue;
        }
        kept.push(line);
    }
    kept
}

/// A heading made a title: hashtags before it and a colon after it dropped
/// (`#USIranNuclearTalksTurmoil لحظة من …:` → `لحظة من …`).
fn heading(line: &str) -> &str {
    let mut rest = line.trim();
    while let Some(tag) = rest.strip_prefix('#') {
        match tag.split_once(char::is_whitespace) {
            Some((_, after)) if !after.trim().is_empty() => rest = after.trim_start(),
            _ => break,
        }
    }
    rest.trim_end_matches([':', '：']).trim()
}

/// Splits a document into title and body (see [`article_lines`]): the first line
/// is the title, or the first sentence of a lead paragraph.
pub fn title_and_body(text: &str) -> (String, String) {
    let kept = article_lines(text);
    let Some(first) = kept.first() else {
        return (String::new(), String::new());
    };
    let first = heading(first);
    if first.chars().count() <= MAX_TITLE_CHARS {
        return (first.to_string(), kept[1..].join("\n\n"));
    }
    // A lead paragraph, not a headline: its first sentence is the title, and the
    // paragraph stays in the body.
    let sentence_end = first
        .char_indices()
        .find(|(i, c)| matches!(c, '.' | '؟' | '?' | '!') && *i > 20)
        .map(|(i, c)| i + c.len_utf8());
    let title = match sentence_end {
        Some(end) if first[..end].chars().count() <= MAX_TITLE_CHARS => first[..end].to_string(),
        _ => {
            let mut t: String = first.chars().take(MAX_TITLE_CHARS).collect();
            if let Some(space) = t.rfind(' ') {
                t.truncate(space);
            }
            format!("{t}…")
        }
    };
    (title, kept.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_boilerplate_and_repeats() {
        let doc = "عنوان الخبر\nمحتويات الموضوع\nالفقرة الأولى من الخبر.\nالفقرة الأولى من الخبر.\nالتعليقات\nارسال الخبر الى:\n";
        let (t, b) = title_and_body(doc);
        assert_eq!(t, "عنوان الخبر");
        assert_eq!(b, "الفقرة الأولى من الخبر.");
    }

    #[test]
    fn drops_a_line_that_copies_the_paragraphs() {
        let p1 = "هذه هي الفقرة الأولى من المقال وهي طويلة بما يكفي للمقارنة.";
        let p2 = "وهذه هي الفقرة الثانية من المقال وهي أيضا طويلة بما يكفي.";
        let doc = format!("{p1} {p2}\nالعنوان الحقيقي\n{p1}\n{p2}\n");
        let (t, b) = title_and_body(&doc);
        assert_eq!(t, "العنوان الحقيقي");
        assert_eq!(b, format!("{p1}\n\n{p2}"));
    }

    #[test]
    fn hashtags_and_colons_are_not_the_title() {
        assert_eq!(heading("#Tag #Other عنوان الخبر:"), "عنوان الخبر");
        assert_eq!(heading("#OnlyATag"), "#OnlyATag");
        assert_eq!(heading("C# in the news"), "C# in the news");
    }

    #[test]
    fn long_first_line_gives_its_first_sentence() {
        let lead = format!("الجملة الأولى قصيرة وواضحة. {}", "كلام ".repeat(60));
        let (t, b) = title_and_body(&format!("{lead}\nتتمة"));
        assert_eq!(t, "الجملة الأولى قصيرة وواضحة.");
        assert!(b.starts_with("الجملة الأولى"));
    }

    #[test]
    fn builtin_seeds_have_titles_and_metadata() {
        let seeds = builtin();
        assert_eq!(seeds.len(), 5);
        for s in &seeds {
            assert!(
                !s.incoming.title.is_empty()
                    && s.incoming.title.chars().count() <= MAX_TITLE_CHARS + 1
            );
            assert!(s.incoming.published.is_some(), "{}", s.file);
        }
        // 004 repeats its title and a paragraph; 003 holds its article twice.
        let s4 = &seeds[4].incoming;
        assert_eq!(s4.body.matches("قال مسؤول أميركي كبير").count(), 1);
        assert!(!s4.body.contains("التعليقات"));
        let s3 = &seeds[3].incoming;
        assert_eq!(
            s3.title,
            "لحظة من الرهانات العالية والانقسامات العميقة في الدبلوماسية العالمية"
        );
        // 002 has no headline: the sidecar gives one, and its lead stays in the body.
        let s2 = &seeds[2].incoming;
        assert!(s2.title.starts_with("لم تحقق الجولة الأولى"), "{}", s2.title);
        assert!(s2.body.starts_with("ولم تحقق الجولة الأولى"), "{}", s2.body);
        assert_eq!(
            s3.body.matches("دخلت العملية الدبلوماسية الطويلة").count(),
            1
        );
        assert!(!s3.body.contains("شاهد النسخة الأصلية"));
        assert_eq!(seeds[2].incoming.source, "الجزيرة");
    }
}
