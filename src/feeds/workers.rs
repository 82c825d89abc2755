//! The threads that do a poll's CPU work (parsing, the text pipeline, the
//! store's keys): one per core, at a lower scheduling priority than the rest of
//! marsad. The store's single writer thread is what every poll waits on; with
//! three busy threads on two cores the kernel gave each a fair share and
//! preempted the writer for about a fifth of its time. At a lower priority the
//! workers take the cores the writer and the interface leave, and never the
//! other way round.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// How much lower than the rest of marsad the workers run (a nice value: each
/// step is about 1.25 times less CPU under contention; 10 is about a tenth).
const NICENESS: i32 = 10;

/// The workers' thread names start with this.
const THREAD_NAME: &str = "marsad-worker";

/// Whether the calling thread is one of the workers. A panic there (a hostile
/// feed tripping the parser) is caught and becomes that feed's error, so the
/// dashboard's panic hook leaves the terminal alone for it.
pub fn is_worker_thread() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with(THREAD_NAME))
}

/// A fixed set of worker threads fed from one queue. Dropping it lets the
/// threads finish what is queued and exit.
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    /// Starts `n` workers (at least one).
    pub fn new(n: usize) -> std::io::Result<Workers> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..n.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("{THREAD_NAME}-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Workers { jobs: tx })
    }

    /// Runs `f` on a worker and waits for it; `Err` if it panicked (the worker
    /// itself lives on).
    pub async fn run<T, F>(&self, f: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        // The job sees the caller's runtime (its clock, paused in tests).
        let runtime = tokio::runtime::Handle::try_current().ok();
        let job: Job = Box::new(move || {
            let _entered = runtime.as_ref().map(|r| r.enter());
            let r = catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "it panicked".into())
            });
            let _ = tx.send(r);
        });
        if self.jobs.send(job).is_err() {
            return Err("the worker threads have stopped".into());
        }
        rx.await
            .unwrap_or_else(|_| Err("the worker threads have stopped".into()))
    }
}

/// Lowers the calling thread's priority (Linux sets it per thread; elsewhere
/// the call would reach the whole process, so it is left alone).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // Relative to the thread's own nice value (a worker inherits the process's),
        // so a marsad started under `nice` keeps its workers below its writer.
        let tid = rustix::thread::gettid();
        let now = rustix::process::getpriority_process(Some(tid)).unwrap_or(0);
        if let Err(e) = rustix::process::setpriority_process(Some(tid), (now + NICENESS).min(19)) {
            tracing::debug!(error = %e, "could not lower a worker's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panic() {
        let w = Workers::new(2).expect("threads");
        assert_eq!(w.run(|| 6 * 7).await, Ok(42));
        let panicked = w.run(|| -> u8 { panic!("bad feed") }).await;
        assert_eq!(panicked, Err("bad feed".to_string()));
        // Both workers still take jobs.
        let (a, b) = tokio::join!(w.run(|| 1), w.run(|| 2));
        assert_eq!((a, b), (Ok(1), Ok(2)));
    }

    #[tokio::test]
    async fn workers_know_they_are_workers() {
        let w = Workers::new(1).expect("threads");
        assert_eq!(w.run(is_worker_thread).await, Ok(true));
        assert!(!is_worker_thread());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn workers_run_at_a_lower_priority() {
        let w = Workers::new(1).expect("threads");
        let nice = w
            .run(|| rustix::process::getpriority_process(Some(rustix::thread::gettid())))
            .await
            .expect("ran")
            .expect("getpriority");
        let mine = rustix::process::getpriority_process(Some(rustix::thread::gettid()))
            .expect("getpriority");
        assert_eq!(nice, (mine + NICENESS).min(19));
    }
}
