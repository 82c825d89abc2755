//! Every signal that ends the dashboard (SIGINT, SIGQUIT, SIGTERM, SIGHUP),
//! sent with `kill` to the real binary in a real pseudo-terminal while polls
//! are under way (a server that never answers, a `file:` feed on a FIFO nobody
//! writes): marsad exits, and leaves the terminal as it found it: the main
//! screen, mouse reporting off, the cursor shown, and the line discipline out
//! of raw mode (read back with `stty -a` on the same terminal afterwards).

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, SlavePty, native_pty_system};

/// Far longer than marsad takes; far shorter than the 60 s fetch timeout a
/// shutdown that waited for its polls would take.
const DEADLINE: Duration = Duration::from_secs(25);

struct Session {
    parser: vt100::Parser,
    output: mpsc::Receiver<Vec<u8>>,
    slave: Box<dyn SlavePty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(dir: &Path, config: &Path) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_marsad"));
        cmd.args(["--store", "store.db", "--config"]);
        cmd.arg(config);
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        cmd.env("XDG_DATA_HOME", dir.join("data"));
        cmd.env_remove("MARSAD_CONFIG");
        cmd.env_remove("MARSAD_STORE");
        let child = pty.slave.spawn_command(cmd).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (tx, output) = mpsc::channel();
        let master = pty.master;
        std::thread::spawn(move || {
            let _master = master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            parser: vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0),
            output,
            slave: pty.slave,
            child,
        }
    }

    fn pump(&mut self, wait: Duration) -> bool {
        match self.output.recv_timeout(wait) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    fn wait_for(&mut self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !pred(self.parser.screen()) {
            let left = end.saturating_duration_since(Instant::now());
            assert!(
                self.pump(left),
                "timed out waiting for {what}:\n{}",
                self.parser.screen().contents()
            );
        }
    }

    fn wait_exit(&mut self, signal: &str) {
        let end = Instant::now() + DEADLINE;
        loop {
            if self.child.try_wait().unwrap().is_some() {
                while self.pump(Duration::from_millis(200)) {}
                return;
            }
            assert!(
                Instant::now() < end,
                "marsad did not exit on {signal}:\n{}",
                self.parser.screen().contents()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    /// `stty -a` run on the same terminal, after marsad has gone.
    fn stty(&mut self) -> String {
        let mut cmd = CommandBuilder::new("stty");
        cmd.arg("-a");
        let mut child = self.slave.spawn_command(cmd).unwrap();
        child.wait().unwrap();
        let mut text = Vec::new();
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end && !String::from_utf8_lossy(&text).contains("icanon") {
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(100)) {
                text.extend(bytes);
            }
        }
        String::from_utf8_lossy(&text).into_owned()
    }
}

/// A config with the shipped taxonomy, a feed whose server accepts and never
/// answers, and a `file:` feed on a FIFO; the fetch timeout is 60 s.
fn watch(dir: &Path, server: std::net::SocketAddr) -> std::path::PathBuf {
    let fifo = dir.join("feed.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&shipped).unwrap();
    table.remove("feed");
    let settings = table
        .get_mut("settings")
        .and_then(|s| s.as_table_mut())
        .unwrap();
    settings.insert("timeout".into(), "60s".into());
    let mut text = toml::to_string(&table).unwrap();
    text.push_str(&format!(
        "\n[[feed]]\nname = \"Silent\"\nurl = \"http://{server}/feed.xml\"\n\
         \n[[feed]]\nname = \"Fifo\"\nurl = \"file:{}\"\n",
        fifo.display()
    ));
    let path = dir.join("watch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn ends_and_restores(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap();
    let (accepted_tx, accepted) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
            let _ = accepted_tx.send(());
        }
    });
    let config = watch(dir.path(), server);
    let mut s = Session::start(dir.path(), &config);
    s.wait_for("the panes", |sc| sc.contents().contains("1 Nuclear"));
    assert!(s.parser.screen().alternate_screen());
    // A poll is under way: the server has the request and says nothing.
    accepted.recv_timeout(DEADLINE).unwrap();
    let pid = s.child.process_id().unwrap();
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    s.wait_exit(signal);
    let sc = s.parser.screen();
    assert!(!sc.alternate_screen(), "{signal}: alternate screen left on");
    assert!(!sc.hide_cursor(), "{signal}: cursor left hidden");
    assert_eq!(
        sc.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "{signal}: mouse reporting left on"
    );
    let stty = s.stty();
    assert!(
        stty.contains(" icanon") && stty.contains(" echo"),
        "{signal}: the terminal is left raw: {stty}"
    );
}

#[test]
fn sigint_ends_the_dashboard_and_restores_the_terminal() {
    ends_and_restores("INT");
}

#[test]
fn sigquit_ends_the_dashboard_and_restores_the_terminal() {
    ends_and_restores("QUIT");
}

#[test]
fn sigterm_ends_the_dashboard_and_restores_the_terminal() {
    ends_and_restores("TERM");
}

#[test]
fn sighup_ends_the_dashboard_and_restores_the_terminal() {
    ends_and_restores("HUP");
}
