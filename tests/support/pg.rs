//! A real PostgreSQL server for the tests: one cluster per test binary,
//! made by `initdb` in a temp folder and reached through a Unix socket there
//! (no port to collide on), and a fresh database per test.
//!
//! The server binaries are looked for in `$MARSAD_PG_BIN`, on the `PATH`,
//! then in `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package). With
//! none, the tests say they are skipped and why, unless `MARSAD_REQUIRE_PG=1`
//! (CI), where that is a failure. `$MARSAD_TEST_PG`, a URL of a superuser on
//! a server already running, is used instead of starting one.
//!
//! As root (CI containers), the cluster runs as the `postgres` user the
//! package creates (`initdb` refuses root). The server is started by a shell
//! that holds a pipe from the test process: when the test process ends, even
//! killed, the pipe closes and the shell stops the server and removes its
//! folder.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The cluster of this test binary.
pub struct Server {
    /// A superuser's URL, without a database.
    admin: String,
    /// Keeps the watcher's pipe open while the tests run.
    _keepalive: Option<Mutex<ChildStdin>>,
    /// The cluster's folder (its socket, `data/`), when this process
    /// started it.
    dir: Option<PathBuf>,
}

/// A database of its own for one test, on the shared server.
pub struct Db {
    pub url: String,
    pub name: String,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);
static DURABLE: AtomicBool = AtomicBool::new(false);

/// Makes the cluster, once started, as durable as a real one (fsync and
/// synchronous commit on): for benchmarks. Call before the first [`db`].
pub fn durable() {
    DURABLE.store(true, Ordering::SeqCst);
}

/// A fresh, empty database, or None (after saying why) when no PostgreSQL
/// server can be had here. Panics when `MARSAD_REQUIRE_PG=1` and none can.
pub fn db(test: &str) -> Option<Db> {
    let server = SERVER.get_or_init(Server::start);
    let server = match server {
        Ok(s) => s,
        Err(why) => {
            if std::env::var("MARSAD_REQUIRE_PG").is_ok_and(|v| v == "1") {
                panic!("MARSAD_REQUIRE_PG=1 but no PostgreSQL server for the tests: {why}");
            }
            // Straight to stderr, past the test harness's capture, so that a
            // run that skipped says so.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no PostgreSQL server for the tests: {why}"
            );
            return None;
        }
    };
    let n = NEXT_DB.fetch_add(1, Ordering::Relaxed);
    let name = format!("marsad_t{}_{n}", std::process::id());
    let mut c = postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
        .expect("connect to the test server");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .expect("drop an old test database");
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(Db {
        url: server.url(&name),
        name,
    })
}

/// The folder of the cluster this process started (its socket, `data/`).
pub fn socket_dir() -> Option<String> {
    match SERVER.get() {
        Some(Ok(s)) => s.dir.as_ref().and_then(|d| d.to_str()).map(str::to_string),
        _ => None,
    }
}

/// Where `initdb` and `postgres` are, if anywhere.
pub fn find_bin() -> Result<PathBuf, String> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Ok(dir) = std::env::var("MARSAD_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if has(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "$MARSAD_PG_BIN={} holds no initdb and postgres",
                dir.display()
            ))
        };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has(&dir) {
                return Ok(dir);
            }
        }
    }
    // Debian: /usr/lib/postgresql/VERSION/bin, the newest first.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, dir)| has(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d).ok_or_else(|| {
        "initdb and postgres are neither in $MARSAD_PG_BIN, on the PATH nor in \
         /usr/lib/postgresql/*/bin (install the postgresql package, or set \
         $MARSAD_TEST_PG to a superuser's URL)"
            .to_string()
    })
}

impl Server {
    fn url(&self, db: &str) -> String {
        match self.admin.split_once('?') {
            Some((base, query)) => format!("{}/{db}?{query}", base.trim_end_matches('/')),
            None => format!("{}/{db}", self.admin.trim_end_matches('/')),
        }
    }

    fn start() -> Result<Server, String> {
        if let Ok(url) = std::env::var("MARSAD_TEST_PG") {
            return Ok(Server {
                admin: url,
                _keepalive: None,
                dir: None,
            });
        }
        let bin = find_bin()?;
        let root = rustix::process::geteuid().is_root();
        // As root, the server's user must reach the folder: /tmp, not a
        // $TMPDIR under root's home.
        let builder = {
            let mut b = tempfile::Builder::new();
            b.prefix("marsad-pg");
            b
        };
        let dir = if root {
            builder.tempdir_in("/tmp")
        } else {
            builder.tempdir()
        }
        .map_err(|e| e.to_string())?
        .keep();
        let data = dir.join("data");
        // initdb refuses root: the cluster is the postgres user's then.
        let run_as = if root {
            let user = ["postgres", "nobody"]
                .into_iter()
                .find(|u| {
                    Command::new("id")
                        .arg("-u")
                        .arg(u)
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .ok_or("running as root and there is no postgres user to run the server")?;
            chown_to(&dir, user)?;
            Some(user)
        } else {
            None
        };
        let as_user = |program: &Path| {
            let mut cmd = match run_as {
                Some(user) => {
                    let mut c = Command::new("runuser");
                    c.arg("-u").arg(user).arg("--").arg(program);
                    c
                }
                None => Command::new(program),
            };
            cmd.env("LC_ALL", "C.UTF-8");
            cmd
        };
        let out = as_user(&bin.join("initdb"))
            .args([
                "--auth=trust",
                "--username=marsad",
                "--encoding=UTF8",
                "--no-sync",
            ])
            .arg("--locale=C.UTF-8")
            .arg("-D")
            .arg(&data)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", bin.join("initdb").display()))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        // The server, under a shell that stops it (fast shutdown) and removes
        // its folder when the test process's end closes the pipe.
        let postgres = bin.join("postgres");
        // Tests need no durability; a benchmark ($MARSAD_PG_DURABLE=1) does.
        let durable = DURABLE.load(Ordering::SeqCst)
            || std::env::var("MARSAD_PG_DURABLE").is_ok_and(|v| v == "1");
        let speed = if durable {
            ""
        } else {
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let script = r#"
            "$1" -D "$2/data" -k "$2" -c listen_addresses= $3 \
                -c max_connections=200 >"$2/server.log" 2>&1 &
            pid=$!
            cat >/dev/null
            kill -INT "$pid"
            wait "$pid"
            rm -rf "$2"
        "#;
        let mut cmd = as_user(Path::new("sh"));
        cmd.arg("-c")
            .arg(script)
            .arg("sh")
            .arg(&postgres)
            .arg(&dir)
            .arg(speed)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start postgres: {e}"))?;
        // Never waited for: the shell outlives this process by design, for
        // the moment it takes to stop the server.
        let stdin = child.stdin.take().expect("piped");
        let socket_dir = dir.to_str().ok_or("the temp folder is not UTF-8")?;
        let admin = format!(
            "postgres://marsad@{}",
            url::form_urlencoded::byte_serialize(socket_dir.as_bytes()).collect::<String>()
        );
        let server = Server {
            admin,
            _keepalive: Some(Mutex::new(stdin)),
            dir: Some(dir.clone()),
        };
        let started = Instant::now();
        loop {
            match postgres::Client::connect(&server.url("postgres"), postgres::NoTls) {
                Ok(_) => return Ok(server),
                Err(e) if started.elapsed() > Duration::from_secs(60) => {
                    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                    return Err(format!("the server did not answer: {e}\n{log}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

fn chown_to(dir: &Path, user: &str) -> Result<(), String> {
    let out = Command::new("chown")
        .arg(user)
        .arg(dir)
        .output()
        .map_err(|e| format!("chown: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "chown {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // Leave nothing behind on a shared server ($MARSAD_TEST_PG); the
        // cluster of this binary goes with it anyway.
        if let Some(Ok(server)) = SERVER.get()
            && server._keepalive.is_none()
            && let Ok(mut c) = postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
        {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
