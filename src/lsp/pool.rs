//! The language server's worker threads: a few threads taking jobs from a bounded queue (a
//! client that floods the server waits for the queue, it does not grow it), each job run under
//! `catch_unwind` so that a panic ends the job, never the thread or the server; joined when the
//! server stops.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread::JoinHandle;

use crossbeam_channel::{Sender, bounded};

/// A job for a worker.
pub(super) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Jobs waiting for a worker, at most, before [`Pool::spawn`] waits.
const QUEUE: usize = 32;

/// A fixed set of worker threads.
pub(super) struct Pool {
    jobs: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// `n` threads (at least one) named `name`.
    pub(super) fn new(name: &str, n: usize) -> Pool {
        let (tx, rx) = bounded::<Job>(QUEUE);
        let threads = (0..n.max(1))
            .filter_map(|i| {
                let rx = rx.clone();
                std::thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .spawn(move || {
                        for job in rx.iter() {
                            // The job answers its own panics (an error to the editor); this
                            // only keeps the thread alive if it did not.
                            let _ = catch_unwind(AssertUnwindSafe(job));
                        }
                    })
                    .ok()
            })
            .collect();
        Pool {
            jobs: Some(tx),
            threads,
        }
    }

    /// Runs `job` on a worker (waiting while the queue is full); with no worker (none could
    /// be started) on this thread.
    pub(super) fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        let job: Job = Box::new(job);
        let job = match &self.jobs {
            Some(tx) if !self.threads.is_empty() => match tx.send(job) {
                Ok(()) => return,
                Err(e) => e.into_inner(),
            },
            _ => job,
        };
        let _ = catch_unwind(AssertUnwindSafe(job));
    }

    /// Lets the workers finish the jobs they have (queued ones too) and waits for them.
    pub(super) fn join(mut self) {
        self.jobs = None;
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }
}

/// The number of workers for a kind of job: between 2 (so one long job leaves another worker)
/// and `max`, by the machine's cores.
pub(super) fn workers(max: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, max.max(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_panicking_job_leaves_the_pool_working_and_join_waits_for_all() {
        let pool = Pool::new("t", 2);
        let done = Arc::new(AtomicUsize::new(0));
        pool.spawn(|| panic!("a bug"));
        for _ in 0..100 {
            let done = done.clone();
            pool.spawn(move || {
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        pool.join();
        assert_eq!(done.load(Ordering::SeqCst), 100);
    }
}
