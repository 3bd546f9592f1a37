//! Render: a time budget for one template render. Tera cannot be interrupted, but every loop
//! that could run for long calls `range()` again on each pass of the loop around it, so our own
//! `range` (the built-in's behaviour, plus a deadline) stops a template that nests loops without
//! end: the render fails with an error naming the template instead of hanging the build, `watch`
//! or `serve`.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one page may take to render; real pages take milliseconds.
pub const PAGE_BUDGET: Duration = Duration::from_secs(10);

/// The most elements one `range()` gives (as Tera's own).
const MAX_RANGE_LEN: i128 = 100_000;

/// Set once the process is asked to stop (Ctrl-C, SIGTERM): every render still running or yet
/// to start fails at its next `range()` or before it begins, so a build ends at once.
static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Makes every render from now on fail (the process is stopping).
pub fn cancel_all() {
    CANCELLED.store(true, Ordering::Relaxed);
}

/// Has [`cancel_all`] been called?
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::Relaxed)
}

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` (one render) with the deadline of one page set for this thread.
pub(super) fn with_deadline<T>(f: impl FnOnce() -> T) -> T {
    DEADLINE.with(|d| d.set(Some(Instant::now() + PAGE_BUDGET)));
    let out = f();
    DEADLINE.with(|d| d.set(None));
    out
}

/// `range(end=…, start=0, step_by=1)` with the render's deadline checked on every call.
pub(super) fn range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    if cancelled() {
        return Err(tera::Error::message("stopped: the build was cancelled"));
    }
    if DEADLINE.with(Cell::get).is_some_and(|d| Instant::now() > d) {
        return Err(tera::Error::message(format!(
            "rendering one page took longer than {} s (loops nested without end?)",
            PAGE_BUDGET.as_secs()
        )));
    }
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `step_by` argument of 0",
        ));
    }
    if start > end && step > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    let overflow =
        || tera::Error::message("Function `range` was called with arguments that overflow");
    let (span, by) = if step > 0 {
        (end.checked_sub(start).ok_or_else(overflow)?, step)
    } else {
        (
            start.checked_sub(end).ok_or_else(overflow)?.max(0),
            step.checked_neg().ok_or_else(overflow)?,
        )
    };
    let len = span.checked_add(by - 1).ok_or_else(overflow)? / by;
    if len > MAX_RANGE_LEN {
        return Err(tera::Error::message(format!(
            "Function `range` would produce {len} elements, which exceeds the limit of {MAX_RANGE_LEN}"
        )));
    }
    Ok((0..len).map(|i| start + i * step).collect())
}
