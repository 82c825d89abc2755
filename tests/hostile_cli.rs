//! Hostile text at the command line's edges, with the real binary: a store
//! crafted to hold escape sequences and bidi controls is printed clean by
//! `list`, `export` and `feeds`; a feed error that quotes such text is printed
//! clean by `fetch --once`, in JSON too; configuration and OPML files are read
//! within a bound; an empty configuration fails `check`.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

#[path = "support/home.rs"]
mod support;

fn marsad(dir: &Path, args: &[&str]) -> Output {
    support::command(dir).args(args).output().unwrap()
}

/// What must never be printed: ESC and the other C0/C1 controls but line
/// breaks and tabs, bidi overrides and isolates, BOM, invisible characters;
/// nor an escaped ESC in JSON (`jq -r` would print it raw).
fn assert_clean(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    for (i, c) in s.char_indices() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || marsad::text::sanitize::is_invisible(c);
        assert!(!bad, "{what}: U+{:04X} at {i} in {s}", c as u32);
    }
    for escaped in ["\\u001b", "\\u001B", "\\u009b", "\\u0007"] {
        assert!(!s.contains(escaped), "{what}: {escaped} in {s}");
    }
}

const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{202E}evil\u{2066}\u{FEFF}\u{200B}";

#[test]
fn stored_text_is_sanitized_again_on_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = marsad(d, &["--store", "s.db", "seed"]);
    assert!(o.status.success(), "{o:?}");
    {
        // A store changed by something else than marsad.
        let c = rusqlite::Connection::open(d.join("s.db")).unwrap();
        c.execute(
            "UPDATE items SET title = title || ?1, source = ?1, text = ?1 || text,
                 link = 'https://example.org/' || ?1",
            [HOSTILE],
        )
        .unwrap();
        c.execute(
            "UPDATE feeds SET name = name || ?1, last_error = ?1, url = ?1",
            [HOSTILE],
        )
        .unwrap();
    }
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["export"],
        &["export", "--format", "csv"],
        &["feeds"],
        &["feeds", "--json"],
        &["watch"],
    ] {
        let mut all = vec!["--store", "s.db"];
        all.extend_from_slice(args);
        let o = marsad(d, &all);
        assert!(o.status.success(), "{args:?}: {o:?}");
        assert!(!o.stdout.is_empty(), "{args:?}");
        assert_clean(&format!("{args:?}"), &o.stdout);
    }
}

#[test]
fn feed_errors_are_printed_sanitized() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The error names the file, and the file's name is hostile.
    std::fs::write(
        d.join("watch.toml"),
        "[[feed]]\nname = \"Bad\"\nurl = \"file:missing\\u001b]0;pwned\\u0007\\u202Efeed.xml\"\n\n\
         [[topic]]\nid = \"t\"\nname = \"T\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    for args in [
        &["fetch", "--once"][..],
        &["fetch", "--once", "--force", "--json"],
        &["feeds"],
        &["feeds", "--json"],
    ] {
        let mut all = vec!["--config", "watch.toml", "--store", "s.db"];
        all.extend_from_slice(args);
        let o = marsad(d, &all);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("missing"),
            "{args:?}: the error is shown: {out}"
        );
        assert_clean(&format!("{args:?}"), &o.stdout);
    }
}

#[test]
fn an_empty_configuration_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, text) in [
        ("empty.toml", ""),
        ("comments.toml", "# nothing here yet\n\n"),
    ] {
        std::fs::write(d.join(name), text).unwrap();
        let o = marsad(d, &["--config", name, "check"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{name} passed check");
        assert!(err.contains("the configuration is empty"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn configuration_and_opml_reads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = marsad(d, &["--config", "/dev/zero", "check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("larger than"), "{err}");
    let o = marsad(d, &["--store", "s.db", "opml", "import", "/dev/zero"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("larger than"), "{err}");
}
