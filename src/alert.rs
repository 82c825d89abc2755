//! Alert actions and flood control. [`Gate::decide`] is pure: given the alerts
//! a batch of new items fired, it says whether the bell rings, which desktop
//! notifications go out and which commands run; quiet fires (seed imports,
//! backfilled old items) never ring, and a burst of one alert is summarized
//! ("12 new items match Muscat") instead of ringing twelve times. The actions
//! themselves ([`run_command`], [`notify`]) run programs without a shell, with
//! a time limit; they block, so async callers use `spawn_blocking`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Alert;
use crate::model::{FiredAlert, ItemId, StoredItem};

/// More new items than this for one alert in one batch are summarized.
pub const DEFAULT_BURST: usize = 3;
/// The bell rings at most once in this span, however many batches arrive.
pub const DEFAULT_BELL_GAP: Duration = Duration::from_secs(10);

/// One desktop notification (or dashboard toast) to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub alert: String,
    pub summary: String,
    pub body: String,
    pub items: Vec<ItemId>,
    /// The alert asks for a desktop notification.
    pub desktop: bool,
}

/// One run of an alert's command, with what goes on its standard input.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandRun {
    pub alert: String,
    pub argv: Vec<String>,
    pub stdin: String,
    pub timeout: Duration,
}

/// What a batch of fired alerts should do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub bell: bool,
    pub notices: Vec<Notice>,
    pub commands: Vec<CommandRun>,
}

/// The JSON a command gets for a single item.
#[derive(Serialize)]
struct ItemPayload<'a> {
    alert: &'a str,
    alert_name: &'a str,
    item: &'a StoredItem,
}

/// The JSON a command gets for a summarized burst.
#[derive(Serialize)]
struct BurstPayload<'a> {
    alert: &'a str,
    alert_name: &'a str,
    summary: &'a str,
    items: Vec<&'a StoredItem>,
}

/// Flood control across batches: remembers when the bell last rang.
#[derive(Debug, Clone)]
pub struct Gate {
    pub burst: usize,
    pub bell_gap: Duration,
    last_bell: Option<DateTime<Utc>>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new(DEFAULT_BURST, DEFAULT_BELL_GAP)
    }
}

impl Gate {
    pub fn new(burst: usize, bell_gap: Duration) -> Gate {
        Gate {
            burst: burst.max(1),
            bell_gap,
            last_bell: None,
        }
    }

    /// Decides what the alerts `fired` on `items` (the batch's new items) do at
    /// `now`. Quiet or acknowledged fires do nothing; fires of alerts no longer
    /// in `alerts` are ignored.
    pub fn decide(
        &mut self,
        now: DateTime<Utc>,
        alerts: &[Alert],
        fired: &[FiredAlert],
        items: &[StoredItem],
    ) -> Decision {
        let mut d = Decision::default();
        let mut wants_bell = false;
        for alert in alerts {
            let hits: Vec<&StoredItem> = fired
                .iter()
                .filter(|f| f.alert == alert.id && !f.quiet && !f.acknowledged)
                .filter_map(|f| items.iter().find(|i| i.id == f.item))
                .fold(Vec::new(), |mut v, i| {
                    if !v.iter().any(|x: &&StoredItem| x.id == i.id) {
                        v.push(i);
                    }
                    v
                });
            if hits.is_empty() {
                continue;
            }
            wants_bell |= alert.bell;
            if hits.len() > self.burst {
                let summary = format!("{} new items match {}", hits.len(), alert.name);
                let body = hits
                    .iter()
                    .take(3)
                    .map(|i| i.title.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                d.notices.push(Notice {
                    alert: alert.id.clone(),
                    summary: summary.clone(),
                    body,
                    items: hits.iter().map(|i| i.id).collect(),
                    desktop: alert.notify,
                });
                if !alert.command.is_empty() {
                    let payload = BurstPayload {
                        alert: &alert.id,
                        alert_name: &alert.name,
                        summary: &summary,
                        items: hits.clone(),
                    };
                    d.commands.push(CommandRun {
                        alert: alert.id.clone(),
                        argv: alert.command.clone(),
                        stdin: serde_json::to_string(&payload).unwrap_or_default(),
                        timeout: alert.timeout,
                    });
                }
            } else {
                for i in hits {
                    d.notices.push(Notice {
                        alert: alert.id.clone(),
                        summary: alert.name.clone(),
                        body: i.title.clone(),
                        items: vec![i.id],
                        desktop: alert.notify,
                    });
                    if !alert.command.is_empty() {
                        let payload = ItemPayload {
                            alert: &alert.id,
                            alert_name: &alert.name,
                            item: i,
                        };
                        d.commands.push(CommandRun {
                            alert: alert.id.clone(),
                            argv: alert.command.clone(),
                            stdin: serde_json::to_string(&payload).unwrap_or_default(),
                            timeout: alert.timeout,
                        });
                    }
                }
            }
        }
        if wants_bell {
            let recent = self.last_bell.is_some_and(|t| {
                now.signed_duration_since(t)
                    .to_std()
                    .is_ok_and(|gap| gap < self.bell_gap)
            });
            if !recent {
                d.bell = true;
                self.last_bell = Some(now);
            }
        }
        d
    }
}

/// How a command run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exited by itself (code, if any).
    Exited(Option<i32>),
    /// Ran past its time limit and was killed.
    TimedOut,
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("the alert command is empty")]
    EmptyCommand,
    #[error("cannot start `{program}`")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("waiting for `{program}`")]
    Wait {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// Runs `argv` without a shell, `stdin` on its standard input, its output
/// discarded; killed when it runs longer than `timeout`.
pub fn run_command(
    argv: &[String],
    stdin: &str,
    timeout: Duration,
) -> Result<Outcome, ActionError> {
    let (program, args) = argv.split_first().ok_or(ActionError::EmptyCommand)?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| ActionError::Spawn {
            program: program.clone(),
            source,
        })?;
    // Feed stdin from a thread: a command that does not read must not block us.
    let writer = child.stdin.take().map(|mut pipe| {
        let data = stdin.as_bytes().to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })
    });
    let deadline = Instant::now() + timeout;
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Outcome::Exited(status.code()),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break Outcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(source) => {
                let _ = child.kill();
                return Err(ActionError::Wait {
                    program: program.clone(),
                    source,
                });
            }
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    Ok(outcome)
}

/// Where `program` is on `PATH`, if anywhere.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Shows a desktop notification with `notify-send` when it is installed;
/// silently does nothing otherwise. True when one was sent.
pub fn notify(summary: &str, body: &str) -> bool {
    let Some(prog) = find_on_path("notify-send") else {
        return false;
    };
    matches!(
        run_command(
            &notify_argv(&prog.display().to_string(), summary, body),
            "",
            Duration::from_secs(5)
        ),
        Ok(Outcome::Exited(Some(0)))
    )
}

/// The link to hand to the desktop's opener (`xdg-open`, `open`), or `None`
/// when it is not one to open: only an absolute http(s) URL, re-serialized by
/// the URL parser, so a stored link cannot bring a control character, a bidi
/// override or white space with it (they are dropped or percent-encoded), and
/// since it starts with its scheme it can never be read as an option. (`--`
/// cannot mark that instead: `xdg-open` refuses `--` as an unknown option.)
pub fn openable_link(link: &str) -> Option<String> {
    let clean = crate::text::sanitize(link.trim());
    let url = url::Url::parse(&clean).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some()).then(|| url.into())
}

/// `notify-send`'s command line: its options, then `--`, then the summary and
/// body, so that a title such as "--action=Muscat" stays a title (GLib's
/// option parser takes everything after `--` as positional). Alert commands
/// need no such care: the item reaches them on standard input, never as an
/// argument.
pub fn notify_argv(program: &str, summary: &str, body: &str) -> Vec<String> {
    vec![
        program.to_string(),
        "--app-name=marsad".to_string(),
        "--".to_string(),
        crate::pipeline::one_line(&crate::text::sanitize(summary)),
        crate::text::sanitize(body),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::rules::{Matching, Scope};
    use crate::model::Classification;

    fn alert(id: &str, bell: bool, command: &[&str]) -> Alert {
        Alert {
            id: id.into(),
            name: id.to_uppercase(),
            rule: Matching::default(),
            scope: Scope::default(),
            bell,
            notify: true,
            command: command.iter().map(|s| s.to_string()).collect(),
            timeout: Duration::from_secs(5),
        }
    }

    fn item(id: i64) -> StoredItem {
        StoredItem {
            id: ItemId(id),
            feed: "f".into(),
            source: "s".into(),
            guid: None,
            link: None,
            title: format!("title {id}"),
            text: String::new(),
            published: None,
            fetched: Utc::now(),
            read: false,
            labels: Classification::default(),
        }
    }

    fn fire(alert: &str, id: i64, quiet: bool) -> FiredAlert {
        FiredAlert {
            alert: alert.into(),
            item: ItemId(id),
            fired_at: Utc::now(),
            quiet,
            acknowledged: false,
        }
    }

    #[test]
    fn quiet_fires_never_ring() {
        let mut g = Gate::default();
        let items: Vec<_> = (1..=5).map(item).collect();
        let fired: Vec<_> = (1..=5).map(|i| fire("muscat", i, true)).collect();
        let d = g.decide(Utc::now(), &[alert("muscat", true, &["x"])], &fired, &items);
        assert_eq!(d, Decision::default());
    }

    #[test]
    fn few_items_notify_one_by_one() {
        let mut g = Gate::default();
        let items: Vec<_> = (1..=2).map(item).collect();
        let fired = vec![fire("muscat", 1, false), fire("muscat", 2, false)];
        let d = g.decide(
            Utc::now(),
            &[alert("muscat", true, &["cat"])],
            &fired,
            &items,
        );
        assert!(d.bell);
        assert_eq!(d.notices.len(), 2);
        assert_eq!(d.notices[0].body, "title 1");
        assert_eq!(d.commands.len(), 2);
        let v: serde_json::Value = serde_json::from_str(&d.commands[1].stdin).unwrap();
        assert_eq!(v["alert"], "muscat");
        assert_eq!(v["item"]["title"], "title 2");
    }

    #[test]
    fn a_burst_is_summarized_and_rings_once() {
        let mut g = Gate::new(3, Duration::from_secs(10));
        let items: Vec<_> = (1..=12).map(item).collect();
        let mut fired: Vec<_> = (1..=12).map(|i| fire("muscat", i, false)).collect();
        fired.push(fire("muscat", 13, true));
        let alerts = [
            alert("muscat", true, &["cat"]),
            alert("enrichment", false, &[]),
        ];
        let now = Utc::now();
        let d = g.decide(now, &alerts, &fired, &items);
        assert!(d.bell);
        assert_eq!(d.notices.len(), 1);
        assert_eq!(d.notices[0].summary, "12 new items match MUSCAT");
        assert_eq!(d.notices[0].items.len(), 12);
        assert_eq!(d.commands.len(), 1);
        let v: serde_json::Value = serde_json::from_str(&d.commands[0].stdin).unwrap();
        assert_eq!(v["items"].as_array().map(Vec::len), Some(12));
        // The next batch two seconds later does not ring again.
        let d2 = g.decide(
            now + chrono::Duration::seconds(2),
            &alerts,
            &[fire("muscat", 1, false)],
            &items,
        );
        assert!(!d2.bell);
        assert_eq!(d2.notices.len(), 1);
        let d3 = g.decide(
            now + chrono::Duration::seconds(20),
            &alerts,
            &[fire("muscat", 1, false)],
            &items,
        );
        assert!(d3.bell);
    }

    #[test]
    fn alerts_without_bell_do_not_ring() {
        let mut g = Gate::default();
        let items = vec![item(1)];
        let d = g.decide(
            Utc::now(),
            &[alert("enrichment", false, &[])],
            &[fire("enrichment", 1, false)],
            &items,
        );
        assert!(!d.bell);
        assert_eq!(d.notices.len(), 1);
        assert!(d.commands.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn command_gets_stdin_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        // `tee FILE` copies stdin into FILE; `;` would be an argument, not a shell operator.
        let argv = vec!["tee".to_string(), out.display().to_string()];
        let r = run_command(&argv, "{\"a\": 1}", Duration::from_secs(10)).unwrap();
        assert_eq!(r, Outcome::Exited(Some(0)));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"a\": 1}");
        let argv = vec!["echo".to_string(), "x;".to_string(), "touch".to_string()];
        assert_eq!(
            run_command(&argv, "", Duration::from_secs(10)).unwrap(),
            Outcome::Exited(Some(0))
        );
    }

    #[cfg(unix)]
    #[test]
    fn command_over_time_is_killed() {
        let argv = vec!["sleep".to_string(), "30".to_string()];
        let started = Instant::now();
        let r = run_command(&argv, "", Duration::from_millis(200)).unwrap();
        assert_eq!(r, Outcome::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn only_clean_http_links_reach_the_opener() {
        assert_eq!(
            openable_link(" https://example.org/a b?q=\u{1b}[31m\u{202E}x ").as_deref(),
            Some("https://example.org/a%20b?q=x")
        );
        assert_eq!(
            openable_link("http://example.org/\u{1b}]0;title\u{7}p").as_deref(),
            Some("http://example.org/p")
        );
        for bad in [
            "--help",
            "-e http://example.org/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://example.org/",
            "example.org/no-scheme",
            "http://",
        ] {
            assert_eq!(openable_link(bad), None, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn notify_send_reads_a_hostile_title_as_a_title() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("args");
        // A stand-in for notify-send that parses its command line as GLib
        // does: arguments before `--` that start with `-` are options.
        let script = dir.path().join("notify-send");
        std::fs::write(
            &script,
            format!(
                "opts=\nwhile [ $# -gt 0 ]; do\n  case \"$1\" in\n    --) shift; break;;\n    -*) opts=\"$opts[$1]\";;\n    *) break;;\n  esac\n  shift\ndone\nprintf '%s\\n' \"$opts\" \"$@\" > '{}'\n",
                out.display()
            ),
        )
        .unwrap();
        let argv = notify_argv("notify-send", "--action=Muscat", "-u critical\u{1b}[31m");
        let mut run = vec!["sh".to_string(), script.display().to_string()];
        run.extend(argv.into_iter().skip(1));
        let r = run_command(&run, "", Duration::from_secs(10)).unwrap();
        assert_eq!(r, Outcome::Exited(Some(0)));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "[--app-name=marsad]\n--action=Muscat\n-u critical\n"
        );
    }

    #[test]
    fn missing_program_is_an_error_and_notify_is_silent() {
        let argv = vec!["marsad-no-such-program-xyz".to_string()];
        assert!(matches!(
            run_command(&argv, "", Duration::from_secs(1)),
            Err(ActionError::Spawn { .. })
        ));
        assert!(matches!(
            run_command(&[], "", Duration::from_secs(1)),
            Err(ActionError::EmptyCommand)
        ));
        assert!(find_on_path("marsad-no-such-program-xyz").is_none());
        if find_on_path("notify-send").is_none() {
            assert!(!notify("x", "y"));
        }
    }
}
