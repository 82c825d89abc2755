//! The real `marsad` binary in a pseudo-terminal, its screen read back with
//! `vt100`, for the dashboard benchmark: spawn, type, wait for what a user
//! would see, and read the process's CPU time and peak memory from /proc.

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Counts the terminal bells rung.
#[derive(Default)]
pub struct Bells(pub usize);

impl vt100::Callbacks for Bells {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0 += 1;
    }
}

pub struct Session {
    pub parser: vt100::Parser<Bells>,
    output: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub started: Instant,
}

impl Session {
    /// `marsad` with `args`, `cols`×`rows`, HOME and XDG folders in `home`.
    pub fn start(bin: &Path, args: &[&str], home: &Path, cols: u16, rows: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        for v in [
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_STATE_HOME",
            "XDG_CACHE_HOME",
        ] {
            cmd.env(v, home.join(v));
        }
        for v in [
            "MARSAD_CONFIG",
            "MARSAD_STORE",
            "VTE_VERSION",
            "KONSOLE_VERSION",
        ] {
            cmd.env_remove(v);
        }
        let started = Instant::now();
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 65536];
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
            started,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Bells rung so far.
    pub fn bells(&self) -> usize {
        self.parser.callbacks().0
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `pred` holds; the time it first held, or `None`
    /// after `limit`.
    pub fn wait_for(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> Option<Instant> {
        let end = Instant::now() + limit;
        loop {
            if pred(&self.screen()) {
                return Some(Instant::now());
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            match self.output.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    // Take everything already there before looking.
                    while let Ok(more) = self.output.try_recv() {
                        self.parser.process(&more);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Reads whatever output comes within `d`.
    pub fn drain(&mut self, d: Duration) {
        let _ = self.wait_for(d, |_| false);
    }

    pub fn send(&mut self, keys: &str) -> Instant {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        Instant::now()
    }

    pub fn quit(mut self) {
        self.send("q");
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            self.drain(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

/// CPU time each thread of a process has used so far, in seconds, by thread
/// name (`/proc/PID/task/*/schedstat`: nanoseconds on the CPU).
pub fn threads(pid: u32) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in dir.flatten() {
        let p = t.path();
        let name = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
        let ns: f64 = std::fs::read_to_string(p.join("schedstat"))
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        out.push((name.trim().to_string(), ns / 1e9));
    }
    out
}

/// CPU time the whole process has used so far, in seconds (its threads
/// alive now).
pub fn cpu(pid: u32) -> f64 {
    threads(pid).iter().map(|t| t.1).sum()
}

/// CPU time of the threads that run the interface (the async runtime's
/// workers and the main thread), in seconds.
pub fn ui_cpu(pid: u32) -> f64 {
    threads(pid)
        .iter()
        .filter(|(n, _)| n.starts_with("tokio-runtime") || n == "marsad")
        .map(|t| t.1)
        .sum()
}

/// A field of /proc/PID/status in kB (VmHWM: peak resident set).
pub fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| {
            v.trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
