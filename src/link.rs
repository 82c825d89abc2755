//! Handing a link marsad has checked (`alert::openable_link`: an absolute
//! http(s) URL, re-serialized) to the world: to a browser — each command of
//! `$BROWSER` in turn, then the desktop's opener — run without a shell, and to
//! the clipboard through the terminal (OSC 52, which works over SSH).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// The desktop's opener, tried after `$BROWSER`.
pub const OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else if cfg!(windows) {
    "explorer"
} else {
    "xdg-open"
};

/// How long a browser has to fail before it is taken as started (one that
/// stays open, as a console browser or a first Firefox window, has started).
const START: Duration = Duration::from_secs(2);

/// The commands to try for `url`, as argument lists: those of `$BROWSER`
/// (colon-separated, each split at spaces, `%s` replaced by the link or the
/// link added at the end), then the desktop's opener.
pub fn commands(browser: Option<&str>, url: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = browser
        .unwrap_or("")
        .split(':')
        .filter_map(|cmd| {
            let mut argv: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
            if argv.is_empty() {
                return None;
            }
            if argv.iter().any(|a| a.contains("%s")) {
                for a in argv.iter_mut().skip(1) {
                    *a = a.replace("%s", url);
                }
            } else {
                argv.push(url.to_string());
            }
            Some(argv)
        })
        .collect();
    out.push(vec![OPENER.to_string(), url.to_string()]);
    out
}

/// Opens `link` (checked first) with the first command of [`commands`] that
/// starts; says which one did, or why none did.
pub fn open(link: &str, browser: Option<&str>) -> Result<String, String> {
    let url = crate::alert::openable_link(link)
        .ok_or_else(|| "only http(s) links are opened".to_string())?;
    let mut failures = Vec::new();
    for argv in commands(browser, &url) {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        match try_start(program, args) {
            Ok(()) => return Ok(format!("opened with {program}: {url}")),
            Err(why) => failures.push(format!("{program} {why}")),
        }
    }
    Err(format!(
        "could not open the link ({}); y copies it",
        failures.join(", ")
    ))
}

/// Runs a browser; fine if it is still running after [`START`] or has ended well.
fn try_start(program: &str, args: &[String]) -> Result<(), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "is not installed".to_string(),
            _ => format!("cannot start: {e}"),
        })?;
    let end = Instant::now() + START;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("failed ({status})")),
            Ok(None) if Instant::now() >= end => {
                // Still running: a browser that stays open. Reap it when it ends.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot be waited for: {e}")),
        }
    }
}

/// The OSC 52 sequence that asks the terminal to put `link` (checked first) on
/// the clipboard: `ESC ] 52 ; c ; base64 BEL`. Only a checked link is sent, so
/// nothing in it can end the sequence early.
pub fn osc52(link: &str) -> Option<(String, Vec<u8>)> {
    let url = crate::alert::openable_link(link)?;
    let mut seq = b"\x1b]52;c;".to_vec();
    seq.extend(
        base64::engine::general_purpose::STANDARD
            .encode(url.as_bytes())
            .bytes(),
    );
    seq.push(0x07);
    Some((url, seq))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn browser_commands_in_order_then_the_opener() {
        let c = commands(Some("w3m:firefox --new-tab %s"), "https://e.example/a");
        assert_eq!(c[0], vec!["w3m", "https://e.example/a"]);
        assert_eq!(c[1], vec!["firefox", "--new-tab", "https://e.example/a"]);
        assert_eq!(c[2], vec![OPENER, "https://e.example/a"]);
        assert_eq!(commands(None, "u").len(), 1);
        assert_eq!(commands(Some(" : "), "u").len(), 1);
    }

    #[test]
    fn a_missing_browser_is_said_and_the_next_is_tried() {
        let e = open(
            "https://e.example/a",
            Some("marsad-no-such-browser:marsad-no-such-either"),
        );
        // The opener may or may not exist here; either way the first two are named.
        if let Err(e) = e {
            assert!(e.contains("marsad-no-such-browser is not installed"), "{e}");
            assert!(e.contains("marsad-no-such-either is not installed"), "{e}");
        }
        let ok = open("https://e.example/a", Some("true")).unwrap();
        assert_eq!(ok, "opened with true: https://e.example/a");
        match open("https://e.example/a", Some("false")) {
            Err(e) => assert!(
                e.starts_with("could not open the link (false failed"),
                "{e}"
            ),
            Ok(m) => assert!(m.starts_with(&format!("opened with {OPENER}")), "{m}"),
        }
        assert!(open("javascript:alert(1)", Some("true")).is_err());
    }

    #[test]
    fn osc52_carries_only_a_checked_link() {
        let (url, seq) = osc52("https://e.example/a b\u{1b}]0;x\u{7}").unwrap();
        assert_eq!(url, "https://e.example/a%20b");
        let text = String::from_utf8(seq).unwrap();
        assert!(text.starts_with("\u{1b}]52;c;") && text.ends_with('\u{7}'));
        let b64 = &text[7..text.len() - 1];
        let back = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(back, url.as_bytes());
        assert!(osc52("file:///etc/passwd").is_none());
    }
}
