//! Names given on the command line: a topic, party or alert by its id, its
//! name (English or Arabic) or its badge, a feed by its name, in any case and
//! with Arabic letter variants folded. An unknown name is a usage error (exit
//! code 2) that says what the names are and which one was likely meant.

use crate::config::Config;
use crate::text::normalize;

/// A command line that cannot be carried out as written (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// One thing a name may designate: its id and every name it answers to.
struct Entry<'a> {
    id: &'a str,
    names: Vec<&'a str>,
}

fn find(
    (what, plural, flag): (&str, &str, &str),
    arg: &str,
    entries: &[Entry<'_>],
) -> Result<String, UsageError> {
    let want = normalize(arg.trim());
    if let Some(e) = entries
        .iter()
        .find(|e| e.names.iter().any(|n| normalize(n) == want))
    {
        return Ok(e.id.to_string());
    }
    // The closest name: a prefix of one, else the fewest edits.
    let all: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.names.iter().copied())
        .collect();
    let prefixed = all
        .iter()
        .find(|n| !want.is_empty() && normalize(n).starts_with(&want));
    let closest = prefixed.copied().or_else(|| {
        all.iter()
            .map(|n| (strsim::levenshtein(&want, &normalize(n)), *n))
            .filter(|(d, n)| *d <= 2.max(n.chars().count() / 3))
            .min_by_key(|(d, _)| *d)
            .map(|(_, n)| n)
    });
    let ids: Vec<&str> = entries.iter().map(|e| e.id).collect();
    let mut msg = format!("{flag}: no {what} is called `{arg}`");
    if let Some(c) = closest {
        msg.push_str(&format!("; did you mean `{c}`?"));
    }
    msg.push_str(&format!("\n  the {plural} are: {}", ids.join(", ")));
    Err(UsageError(msg))
}

pub fn topic(config: &Config, arg: &str) -> Result<String, UsageError> {
    let entries: Vec<Entry<'_>> = config
        .topics
        .iter()
        .map(|t| Entry {
            id: &t.id,
            names: [
                Some(t.id.as_str()),
                Some(t.name.as_str()),
                t.name_ar.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
        .collect();
    find(("topic", "topics", "--topic"), arg, &entries)
}

pub fn party(config: &Config, arg: &str) -> Result<String, UsageError> {
    let entries: Vec<Entry<'_>> = config
        .parties
        .iter()
        .map(|p| Entry {
            id: &p.id,
            names: [
                Some(p.id.as_str()),
                Some(p.name.as_str()),
                p.name_ar.as_deref(),
                Some(p.badge.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
        .collect();
    find(("party", "parties", "--party"), arg, &entries)
}

pub fn alert(config: &Config, arg: &str) -> Result<String, UsageError> {
    let entries: Vec<Entry<'_>> = config
        .alerts
        .iter()
        .map(|a| Entry {
            id: &a.id,
            names: vec![a.id.as_str(), a.name.as_str()],
        })
        .collect();
    find(("alert", "alerts", "--alert"), arg, &entries)
}

/// A feed among `names` (the config's and the store's).
pub fn feed(names: &[String], arg: &str) -> Result<String, UsageError> {
    let entries: Vec<Entry<'_>> = names
        .iter()
        .map(|n| Entry {
            id: n,
            names: vec![n.as_str()],
        })
        .collect();
    find(("feed", "feeds", "--feed"), arg, &entries)
}

/// An optional topic argument (`--topic`), resolved when given.
pub fn topic_arg(config: &Config, arg: Option<&str>) -> Result<Option<String>, UsageError> {
    arg.map(|t| topic(config, t)).transpose()
}

/// An optional party argument (`--party`), resolved when given.
pub fn party_arg(config: &Config, arg: Option<&str>) -> Result<Option<String>, UsageError> {
    arg.map(|p| party(config, p)).transpose()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_names_and_badges_in_any_case() {
        let c = Config::builtin();
        assert_eq!(topic(&c, "Sanctions").unwrap(), "sanctions");
        assert_eq!(topic(&c, "العقوبات").unwrap(), "sanctions");
        assert_eq!(party(&c, "HO").unwrap(), "houthis");
        assert_eq!(party(&c, "ir").unwrap(), "iran");
        assert_eq!(party(&c, "Saudi Arabia").unwrap(), "saudi");
        assert_eq!(party(&c, "ايران").unwrap(), "iran");
        assert_eq!(alert(&c, "MUSCAT").unwrap(), "muscat");
    }

    #[test]
    fn unknown_names_say_what_was_meant() {
        let c = Config::builtin();
        let e = topic(&c, "sanction").unwrap_err().to_string();
        assert!(e.contains("did you mean `sanctions`?"), "{e}");
        assert!(e.contains("the topics are: nuclear,"), "{e}");
        let e = party(&c, "Iram").unwrap_err().to_string();
        assert!(e.contains("did you mean `iran`?"), "{e}");
        assert!(e.contains("the parties are: us, iran"), "{e}");
        let e = feed(&["BBC Arabic".into()], "bbc arabc")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`BBC Arabic`"), "{e}");
        assert_eq!(
            feed(&["BBC Arabic".into()], "bbc arabic").unwrap(),
            "BBC Arabic"
        );
    }
}
