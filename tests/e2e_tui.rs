//! End to end: the real `marsad` binary in a real pseudo-terminal, the screen
//! read back with `vt100`. A temp store (seeded on first open), a test config,
//! and HOME/XDG folders in a temp dir. Waits poll the screen with a deadline.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const DEADLINE: Duration = Duration::from_secs(30);

/// The shipped watch with its feeds replaced by `feeds`.
fn config(dir: &Path, feeds: &str) -> std::path::PathBuf {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&shipped).unwrap();
    table.remove("feed");
    let mut text = toml::to_string(&table).unwrap();
    text.push_str(feeds);
    let path = dir.join("watch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Counts the terminal bells rung.
#[derive(Default)]
struct Bells(usize);

impl vt100::Callbacks for Bells {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0 += 1;
    }
}

struct Session {
    parser: vt100::Parser<Bells>,
    output: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Every byte the program wrote (what vt100 does not keep: OSC 52).
    raw: Vec<u8>,
    dir: tempfile::TempDir,
}

impl Session {
    fn start(cols: u16, rows: u16, feeds: &str) -> Session {
        Session::start_in(tempfile::tempdir().unwrap(), cols, rows, feeds)
    }

    /// Starts marsad with its store, config and home in `dir` (a second
    /// start on the same `dir` is a restart).
    fn start_in(dir: tempfile::TempDir, cols: u16, rows: u16, feeds: &str) -> Session {
        let cfg = config(dir.path(), feeds);
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_marsad"));
        cmd.arg("--store");
        cmd.arg(dir.path().join("store.db"));
        cmd.arg("--config");
        cmd.arg(&cfg);
        cmd.cwd(dir.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir.path());
        for v in [
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_STATE_HOME",
            "XDG_CACHE_HOME",
        ] {
            cmd.env(v, dir.path().join(v));
        }
        cmd.env_remove("MARSAD_CONFIG");
        cmd.env_remove("MARSAD_STORE");
        cmd.env_remove("VTE_VERSION");
        cmd.env_remove("KONSOLE_VERSION");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep the master alive as long as the reader runs.
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Session {
            parser: vt100::Parser::new_with_callbacks(
                rows.try_into().unwrap(),
                cols.try_into().unwrap(),
                0,
                Bells::default(),
            ),
            output,
            writer,
            child,
            raw: Vec::new(),
            dir,
        }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn bells(&self) -> usize {
        self.parser.callbacks().0
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `pred` holds for the screen, or fails at the deadline.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !pred(self.parser.screen()) {
            let left = end.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.screen()),
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Reads until the program has exited and its output is drained.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(200)) {
                    self.parser.process(&bytes);
                }
                return status;
            }
            let left = end.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "marsad did not exit; screen:\n{}",
                self.screen()
            );
            if let Ok(bytes) = self
                .output
                .recv_timeout(left.min(Duration::from_millis(50)))
            {
                self.parser.process(&bytes);
            }
        }
    }
}

#[test]
fn panes_show_seeds_a_key_filters_and_q_restores_the_terminal() {
    let mut s = Session::start(
        100,
        30,
        "\n[[feed]]\nname = \"Loopback\"\nurl = \"http://127.0.0.1:9/feed.xml\"\n",
    );
    // The seeds fill the panes of the shipped watch.
    s.wait_for("the panes", |sc| {
        let c = sc.contents();
        c.contains("1 Nuclear") && c.contains("Diplomacy") && c.contains("●")
    });
    assert!(s.parser.screen().alternate_screen());
    assert!(s.parser.screen().hide_cursor());

    // `/` then a word filters every pane; the header shows the filter.
    s.send("/zzqx");
    s.wait_for("the text filter", |sc| {
        sc.contents().contains("filter: /zzqx")
    });
    s.wait_for("emptied panes", |sc| {
        sc.contents().matches("nothing yet").count() >= 7
    });
    // Esc clears it; `a` opens the alerts list.
    s.send("\x1b");
    s.wait_for("the filter cleared", |sc| {
        !sc.contents().contains("filter:")
    });
    s.send("a");
    s.wait_for("the alerts list", |sc| sc.contents().contains("alerts ·"));
    s.send("\x1b");
    s.wait_for("the grid again", |sc| sc.contents().contains("1 Nuclear"));

    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    let sc = s.parser.screen();
    assert!(!sc.alternate_screen(), "alternate screen left");
    assert!(!sc.hide_cursor(), "cursor shown again");
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = Session::start(80, 24, "");
    s.wait_for("the panes", |sc| sc.contents().contains("1 Nuclear"));
    let pid = s.child.process_id().unwrap();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    s.wait_exit();
    let sc = s.parser.screen();
    assert!(!sc.alternate_screen());
    assert!(!sc.hide_cursor());
}

/// A loopback feed server with one item naming Muscat.
fn serve_feed() -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback</title><link>http://127.0.0.1/</link><description>test</description>
<item><title>Iran and US envoys meet in Muscat for nuclear talks</title><link>http://127.0.0.1/a1</link>
<guid>a1</guid><description>Talks on enrichment resumed in Muscat, Oman.</description></item>
</channel></rss>"#;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/feed.xml",
                axum::routing::get(|| async { ([("content-type", "application/rss+xml")], RSS) }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (addr, handle)
}

#[test]
fn a_new_item_with_muscat_raises_an_alert() {
    let (addr, _server) = serve_feed();
    let mut s = Session::start(
        120,
        30,
        &format!("\n[[feed]]\nname = \"Loopback\"\nurl = \"http://{addr}/feed.xml\"\n"),
    );
    s.wait_for("the alert strip", |sc| {
        let c = sc.contents();
        c.contains("⚑") && c.contains("Iran and US envoys meet in Muscat")
    });
    s.send("q");
    s.wait_exit();
}

/// A collector in another process (`marsad fetch --once`, as from cron)
/// stores an item that fires an alert while a dashboard that polls no feed
/// is open: the item shows in its pane and the alert in the strip, and the
/// bell rings, with no key pressed.
#[test]
fn what_another_process_stores_shows_and_rings_without_a_key() {
    let (addr, _server) = serve_feed();
    let mut s = Session::start(120, 30, "");
    s.wait_for("the panes", |sc| sc.contents().contains("1 Nuclear"));
    let title = "Iran and US envoys meet in Muscat";
    assert!(!s.screen().contains(title));
    let bells = s.bells();
    let collector = s.dir().join("collector");
    std::fs::create_dir_all(&collector).unwrap();
    let fetch = config(
        &collector,
        &format!("\n[[feed]]\nname = \"Loopback\"\nurl = \"http://{addr}/feed.xml\"\n"),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["fetch", "--once", "--config"])
        .arg(&fetch)
        .arg("--store")
        .arg(s.dir().join("store.db"))
        .env("HOME", s.dir())
        .env("XDG_DATA_HOME", s.dir().join("XDG_DATA_HOME"))
        .env("XDG_STATE_HOME", s.dir().join("XDG_STATE_HOME"))
        .env("XDG_CONFIG_HOME", s.dir().join("XDG_CONFIG_HOME"))
        .env_remove("MARSAD_CONFIG")
        .env_remove("MARSAD_STORE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stored = Instant::now();
    // In the Nuclear pane (a row with the fetched item's title) and in the
    // strip (the ⚑ line), and the bell.
    s.wait_for("the item in its pane and the strip", |sc| {
        let c = sc.contents();
        c.matches(title).count() >= 2 && c.contains("⚑")
    });
    while s.bells() == bells {
        let left = DEADLINE.saturating_sub(stored.elapsed());
        match s.output.recv_timeout(left) {
            Ok(bytes) => s.parser.process(&bytes),
            Err(_) => panic!("no bell; screen:\n{}", s.screen()),
        }
    }
    eprintln!(
        "shown and rung {:?} after the collector exited",
        stored.elapsed()
    );
    s.send("q");
    assert!(s.wait_exit().success());
}

/// A local feed of three items with links, the newest first.
const READING_FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk</title><link>https://example.org/</link><description>test</description>
<item><title>Oman hosts a regional water summit in Salalah</title><link>https://example.org/r1</link>
<guid>r1</guid><pubDate>Tue, 10 Mar 2026 11:00:00 GMT</pubDate><description>Water ministers meet.</description></item>
<item><title>Zanzibar shipping insurers raise Gulf premiums again</title><link>https://example.org/r2</link>
<guid>r2</guid><pubDate>Tue, 10 Mar 2026 10:00:00 GMT</pubDate><description>Premiums rise.</description></item>
<item><title>Fishermen of Sur welcome the early monsoon rains</title><link>https://example.org/r3</link>
<guid>r3</guid><pubDate>Tue, 10 Mar 2026 09:00:00 GMT</pubDate><description>Rain came.</description></item>
</channel></rss>"#;

/// Finding 6, as a person reads: the river, next unread, a bookmark, a
/// filter saved and recalled after a restart, a link copied (OSC 52).
#[test]
fn river_next_unread_bookmark_saved_filter_and_copy_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desk.xml"), READING_FEED).unwrap();
    let feed = "\n[[feed]]\nname = \"Desk\"\nurl = \"file:desk.xml\"\n";
    let mut s = Session::start_in(dir, 120, 30, feed);
    s.wait_for("the grid", |sc| sc.contents().contains("1 Nuclear"));

    // `v`: the river, every item newest first, those in no topic too.
    s.send("v");
    s.wait_for("the river with the feed's items", |sc| {
        let c = sc.contents();
        c.contains("River · every item")
            && c.contains("Oman hosts a regional water summit")
            && c.contains("Fishermen of Sur welcome the early monsoon rains")
    });
    // Items that came after the river opened did not move its selection
    // (still on the newest seed): up to the top.
    s.send("kkkkkkkk");
    s.wait_for("the top of the river", |sc| sc.contents().contains("1/8"));
    // `n`: the next unread item (every item is unread: the second row).
    s.send("n");
    s.wait_for("the next unread item selected", |sc| {
        sc.contents().contains("2/8")
    });
    // `s` bookmarks it; `S` lists the bookmarks.
    s.send("s");
    s.wait_for("the bookmark said", |sc| {
        sc.contents().contains("bookmarked")
    });
    s.send("S");
    s.wait_for("the bookmarks list", |sc| {
        let c = sc.contents();
        c.contains("Bookmarks") && c.contains("Zanzibar shipping insurers")
    });
    s.send("\x1b");
    s.wait_for("the river again", |sc| {
        sc.contents().contains("River · every item")
    });

    // `/` then a word, Enter keeps it; `F` saves the filter as "gulf".
    s.send("/zanzibar\r");
    s.wait_for("the filter", |sc| {
        let c = sc.contents();
        c.contains("filter: /zanzibar") && !c.contains("Fishermen of Sur")
    });
    s.send("F");
    s.wait_for("the name asked", |sc| {
        sc.contents().contains("save the filter as:")
    });
    s.send("gulf\r");
    s.wait_for("the filter saved", |sc| {
        sc.contents().contains("filter «gulf» saved")
    });
    s.send("q");
    assert!(s.wait_exit().success());

    // A restart: the grid, no filter; `'` lists the saved filters, `1`
    // recalls the first.
    let mut s = Session::start_in(s.dir, 120, 30, feed);
    s.wait_for("the grid", |sc| sc.contents().contains("1 Nuclear"));
    assert!(!s.screen().contains("filter:"));
    s.send("'");
    s.wait_for("the saved filters", |sc| {
        let c = sc.contents();
        c.contains("saved filters") && c.contains("1 gulf")
    });
    s.send("1");
    s.wait_for("the filter recalled, in the river", |sc| {
        let c = sc.contents();
        c.contains("filter: /zanzibar")
            && c.contains("River · every item")
            && c.contains("Zanzibar shipping insurers")
            && !c.contains("Fishermen of Sur")
    });
    // `y` copies the selected item's link through the terminal.
    s.send("y");
    s.wait_for("the copy said", |sc| {
        sc.contents()
            .contains("link copied (OSC 52): https://example.org/r2")
    });
    let (_, seq) = marsad::link::osc52("https://example.org/r2").unwrap();
    assert!(
        s.raw.windows(seq.len()).any(|w| w == seq.as_slice()),
        "the OSC 52 sequence reached the terminal"
    );
    s.send("q");
    assert!(s.wait_exit().success());
}
