//! Where the store is: a SQLite file (a path, the default) or a PostgreSQL
//! database (a `postgres://` or `postgresql://` URL), as `--store`,
//! `$MARSAD_STORE` or `settings.store` give it. A URL's password stays inside
//! [`PgUrl`]: its `Display` and `Debug` (and so every log line and error that
//! names the store) show it as `***`.

use std::path::{Path, PathBuf};

/// The store a command opens.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(PgUrl),
}

/// A PostgreSQL connection URL. The whole URL, password included, is only
/// handed to the driver ([`PgUrl::secret`]); everything else sees
/// [`PgUrl::redacted`].
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    url: String,
}

/// Why a `postgres://` URL was refused. Never holds the URL itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a usable PostgreSQL URL ({redacted}): {why}")]
pub struct BadUrl {
    redacted: String,
    why: String,
}

impl Location {
    /// A URL with a `postgres` or `postgresql` scheme (any case) is a
    /// PostgreSQL store; anything else is a path to a SQLite file.
    pub fn parse(s: &str) -> Result<Location, BadUrl> {
        if is_postgres_url(s) {
            PgUrl::parse(s).map(Location::Postgres)
        } else {
            Ok(Location::Sqlite(PathBuf::from(s)))
        }
    }

    pub fn sqlite(path: impl Into<PathBuf>) -> Location {
        Location::Sqlite(path.into())
    }

    /// The SQLite file, if the store is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

/// Whether `s` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(s: &str) -> bool {
    let s = s.trim_start();
    ["postgres://", "postgresql://"].iter().any(|scheme| {
        s.get(..scheme.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
    })
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(u) => write!(f, "{u}"),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            Location::Postgres(u) => f.debug_tuple("Postgres").field(u).finish(),
        }
    }
}

impl PgUrl {
    /// Checks the URL as the driver reads it; the error names the URL only
    /// redacted, and the driver's own message is left out when it might
    /// quote a value of the URL.
    pub fn parse(s: &str) -> Result<PgUrl, BadUrl> {
        // The driver reads the scheme in lower case only.
        let s = s.trim();
        let scheme_end = s.find("://").map_or(0, |i| i + 3);
        let url = PgUrl {
            url: format!(
                "{}{}",
                s[..scheme_end].to_ascii_lowercase(),
                &s[scheme_end..]
            ),
        };
        let bad = |why: &str| BadUrl {
            redacted: url.redacted(),
            why: why.to_string(),
        };
        let config: postgres::Config = url.url.parse().map_err(|e: postgres::Error| {
            let msg = e.to_string();
            // The driver's messages name the option, not its value; if one
            // ever quoted the password, say less.
            if url
                .password()
                .is_some_and(|p| !p.is_empty() && msg.contains(&p))
            {
                bad("the driver could not read it")
            } else {
                bad(&msg)
            }
        })?;
        if config.get_hosts().is_empty() {
            return Err(bad("it names no host (postgres://user@HOST/database)"));
        }
        Ok(url)
    }

    /// The URL with its password, for the driver only.
    pub(crate) fn secret(&self) -> &str {
        &self.url
    }

    /// The password the URL carries (in its user part or as `password=`).
    fn password(&self) -> Option<String> {
        let u = url::Url::parse(&self.url).ok()?;
        if let Some(p) = u.password() {
            return Some(percent_decode(p));
        }
        u.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("password"))
            .map(|(_, v)| v.into_owned())
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }

    /// Whether the URL asks for TLS (`sslmode=require` or `prefer`); without
    /// `sslmode`, marsad connects without TLS (a server on this machine or a
    /// trusted network), where the driver alone would try TLS first.
    pub fn wants_tls(&self) -> bool {
        url::Url::parse(&self.url).is_ok_and(|u| {
            u.query_pairs().any(|(k, v)| {
                k.eq_ignore_ascii_case("sslmode")
                    && (v.eq_ignore_ascii_case("require") || v.eq_ignore_ascii_case("prefer"))
            })
        })
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `s` with the password of its user part and any `password=` parameter
/// replaced by `***`. Works on text, so a URL the `url` crate cannot read is
/// redacted too.
pub fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The user part: between "://" and the last '@' before the path.
    let (head, rest) = match s.find("://") {
        Some(i) => s.split_at(i + 3),
        None => ("", s),
    };
    out.push_str(head);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    // Parameters: password=… up to the next '&' or '#'.
    let mut rest = tail;
    while let Some(i) = find_param(rest, "password=") {
        let start = i + "password=".len();
        out.push_str(&rest[..start]);
        out.push_str("***");
        let end = rest[start..]
            .find(['&', '#'])
            .map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where a `name` parameter starts in a URL's tail (after `?` or `&`, any case).
fn find_param(s: &str, name: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..)?.find(name) {
        let at = from + i;
        if at > 0 && matches!(s.as_bytes()[at - 1], b'?' | b'&') {
            return Some(at);
        }
        from = at + name.len();
    }
    None
}

impl std::fmt::Display for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgUrl({:?})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_picks_the_backend() {
        for s in [
            "postgres://u@h/db",
            "postgresql://u@h/db",
            "POSTGRES://u@h/db",
            " postgresql://h:5433/db",
        ] {
            assert!(
                matches!(Location::parse(s), Ok(Location::Postgres(_))),
                "{s}"
            );
        }
        for s in ["marsad.db", "/tmp/x.db", "postgres:/x.db", "./postgres//x"] {
            assert_eq!(Location::parse(s), Ok(Location::sqlite(s)), "{s}");
        }
    }

    #[test]
    fn passwords_never_shown() {
        let cases = [
            (
                "postgres://ana:s3cret@db.example:5432/marsad",
                "postgres://ana:***@db.example:5432/marsad",
            ),
            (
                "postgresql://ana:p%40ss%3Aw@h/db?sslmode=require",
                "postgresql://ana:***@h/db?sslmode=require",
            ),
            (
                "postgres://h/db?user=ana&password=s3cret&sslmode=prefer",
                "postgres://h/db?user=ana&password=***&sslmode=prefer",
            ),
            ("postgres://ana@h/db", "postgres://ana@h/db"),
        ];
        for (url, shown) in cases {
            let loc = Location::parse(url).unwrap();
            assert_eq!(loc.to_string(), shown);
            let debug = format!("{loc:?}");
            assert!(debug.contains(shown), "{debug}");
            for secret in ["s3cret", "p%40ss", "a@b"] {
                assert!(!debug.contains(secret) && !loc.to_string().contains(secret));
            }
        }
    }

    #[test]
    fn redaction_works_on_text() {
        assert_eq!(
            redact("postgres://ana:a@b@h/db?PASSWORD=x#f"),
            "postgres://ana:***@h/db?PASSWORD=***#f"
        );
        assert_eq!(
            redact("postgres://h/db?apassword=x"),
            "postgres://h/db?apassword=x"
        );
    }

    #[test]
    fn bad_urls_are_named_redacted() {
        for url in [
            "postgres://ana:s3cret@h/db?nonsense=1",
            "postgres://ana:s3cret@h:notaport/db",
        ] {
            let e = Location::parse(url).unwrap_err();
            assert!(!e.to_string().contains("s3cret"), "{e}");
            assert!(e.to_string().contains("ana:***@h"), "{e}");
        }
    }

    #[test]
    fn tls_only_when_asked() {
        let tls = |s: &str| match Location::parse(s).unwrap() {
            Location::Postgres(u) => u.wants_tls(),
            Location::Sqlite(_) => unreachable!(),
        };
        assert!(!tls("postgres://h/db"));
        assert!(tls("postgres://h/db?sslmode=require"));
        assert!(!tls("postgres://h/db?sslmode=disable"));
    }
}
