//! Interruption (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) as a request the main flow honours,
//! never an exit from the signal thread in the middle of work. SIGQUIT (Ctrl-\\) is
//! treated as SIGINT: its default action would dump core, with the passphrases in it.
//!
//! The handler only records the request. Every SQLite statement pwaccount runs checks it
//! (a progress handler) and stops with `SQLITE_INTERRUPT`, which rolls the transaction
//! back; a commit checks it before it starts. Once a commit has begun, the request is
//! ignored: the commit finishes and the command reports what the database now holds.
//! A temporary snapshot file is removed as the failed write unwinds.
//!
//! Two exceptions end the run from another thread, where the main thread is blocked and
//! cannot look:
//! - a prompt: the main thread is blocked reading the terminal (the standard library
//!   retries reads a signal interrupts), nothing has been written, and the handler ends
//!   the run with exit 130, but only while holding the lock that the main thread must
//!   take to leave the prompt, so no write can have started;
//! - a wait on a database server (`network`): connecting, the handshake, TLS, each
//!   statement. A watchdog ends the run when an interruption comes (exit 130; the server
//!   rolls back the transaction of a connection that went away) or when the server has not
//!   answered within the wait's limit (`server_timeout`). During a commit an interruption
//!   is not honoured (the commit's outcome is reported), but the limit still holds: the
//!   message then says that the outcome is unknown. A snapshot a reset wrote first is
//!   removed when the run is ended before its commit (`discard_if_ended`).
// The interrupt handler is the one place that ends the process (clippy.toml).
#![allow(clippy::disallowed_methods)]
// The server waits exist only with the database server drivers (the `servers` feature).
#![cfg_attr(not(feature = "servers"), allow(dead_code))]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::error::{Error, Id, Result};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static COMMITTED: AtomicBool = AtomicBool::new(false);
static STATE: Mutex<Phase> = Mutex::new(Phase::Working);
/// How a run ended from another thread reports its error (set by `install`).
static REPORT: OnceLock<Box<Report>> = OnceLock::new();
type Report = dyn Fn(&Error) + Send + Sync;
/// The wait on a database server in progress, if any, and the watchdog's wake-up call.
static WATCH: Mutex<Option<Watch>> = Mutex::new(None);
static WAKE: Condvar = Condvar::new();
static WATCHDOG: std::sync::Once = std::sync::Once::new();
/// The account and database of the run, for an error that ends it from another thread.
static CONTEXT: Mutex<Option<(Option<String>, PathBuf)>> = Mutex::new(None);

/// Record the run's account (when it is about one) and database.
pub(crate) fn set_context(account: Option<String>, database: PathBuf) {
    *CONTEXT.lock().unwrap_or_else(|p| p.into_inner()) = Some((account, database));
}

/// Files to remove when the run is ended from another thread before its commit.
static DISCARD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A wait on a database server: until when, and on what (for the message).
struct Watch {
    deadline: Instant,
    limit: Duration,
    what: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Working,
    Prompting,
    Committing,
}

/// Install the handler for SIGINT, SIGTERM, SIGHUP and SIGQUIT. `report` prints an
/// error that ends the run from another thread (at a prompt, during a server wait).
pub(crate) fn install(report: impl Fn(&Error) + Send + Sync + 'static) {
    let _ = REPORT.set(Box::new(report));
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                on_signal();
            }
        });
}

fn on_signal() {
    {
        let phase = STATE.lock().unwrap_or_else(|p| p.into_inner());
        REQUESTED.store(true, Ordering::SeqCst);
        if *phase == Phase::Prompting {
            crate::sys::restore_terminal();
            report(&Error::interrupted());
            // The lock is still held: the main thread cannot leave the prompt.
            std::process::exit(130);
        }
    }
    // A server wait in progress: the watchdog ends it.
    let _watch = WATCH.lock().unwrap_or_else(|p| p.into_inner());
    WAKE.notify_all();
}

fn report(error: &Error) {
    if let Some(report) = REPORT.get() {
        report(error);
    }
}

/// End the run now, from a thread other than the main one: remove what a change wrote
/// first (unless a commit may have happened), print `error`, exit with its code.
fn end_run(error: &Error, may_have_committed: bool) -> ! {
    if !may_have_committed {
        for path in DISCARD.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = std::fs::remove_file(path);
        }
    }
    let mut error = error.clone();
    if let Some((account, database)) = CONTEXT.lock().unwrap_or_else(|p| p.into_inner()).clone() {
        error.account = error.account.or(account);
        error.database.get_or_insert(database);
    }
    report(&error);
    std::process::exit(i32::from(error.exit_code()));
}

/// Remove `path` (a snapshot written before a change) if the run is ended from another
/// thread before the change commits; the returned guard stops that when dropped.
pub(crate) fn discard_if_ended(path: &Path) -> DiscardGuard {
    DISCARD
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(path.to_owned());
    DiscardGuard(path.to_owned())
}

pub(crate) struct DiscardGuard(PathBuf);

impl Drop for DiscardGuard {
    fn drop(&mut self) {
        DISCARD
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| *p != self.0);
    }
}

/// Run `wait`, a call that waits on a database server (`what` names the server and the
/// step), ending the run if an interruption comes or if it has not returned within
/// `limit`.
pub(crate) fn network<T>(
    limit: Duration,
    what: &dyn Fn() -> String,
    wait: impl FnOnce() -> T,
) -> T {
    WATCHDOG.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(watchdog);
    });
    {
        let mut watch = WATCH.lock().unwrap_or_else(|p| p.into_inner());
        *watch = Some(Watch {
            deadline: Instant::now() + limit,
            limit,
            what: what(),
        });
        WAKE.notify_all();
    }
    let out = wait();
    *WATCH.lock().unwrap_or_else(|p| p.into_inner()) = None;
    out
}

/// Ends a server wait that an interruption or its limit cut short.
fn watchdog() {
    let mut watch = WATCH.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let Some(w) = watch.as_ref() else {
            watch = WAKE.wait(watch).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        let committing = *STATE.lock().unwrap_or_else(|p| p.into_inner()) == Phase::Committing;
        if requested() && !committed() && !committing {
            end_run(&Error::stopped(), false);
        }
        let now = Instant::now();
        if now >= w.deadline {
            end_run(&timed_out(w, committing), committing);
        }
        let left = w.deadline - now;
        watch = WAKE
            .wait_timeout(watch, left)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

fn timed_out(w: &Watch, committing: bool) -> Error {
    let outcome = if w.what.ends_with("(connecting)") {
        "nothing was changed"
    } else if committing {
        "while the change was being committed, so whether it was committed is unknown: \
         look with `status` before running it again"
    } else {
        "nothing was committed; the server rolls the transaction back"
    };
    Error::new(
        Id::ServerTimeout,
        format!(
            "the {} did not answer within {} (--server-timeout): {outcome}",
            w.what,
            crate::text::seconds(w.limit)
        ),
    )
}

fn set_phase(phase: Phase) {
    *STATE.lock().unwrap_or_else(|p| p.into_inner()) = phase;
}

/// Whether an interruption was requested.
pub(crate) fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Whether this run committed its change (after which an interruption is not reported).
pub(crate) fn committed() -> bool {
    COMMITTED.load(Ordering::SeqCst)
}

/// For SQLite's progress handler: stop the statement now? Never during a commit, and
/// never once the command's change is committed.
pub(crate) fn should_stop() -> bool {
    requested()
        && !committed()
        && *STATE.lock().unwrap_or_else(|p| p.into_inner()) == Phase::Working
}

/// A safe point: fail if an interruption was requested.
pub(crate) fn check() -> Result<()> {
    if should_stop() {
        Err(Error::stopped())
    } else {
        Ok(())
    }
}

/// Whether a commit is the command's change (its outcome is then the command's), or an
/// earlier step that the command may still undo (a schema upgrade, a snapshot file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    TheChange,
    Preparation,
}

/// Run `commit`, unless an interruption came first (then nothing is run and the error is
/// returned). While it runs, interruptions are ignored: a commit that has begun is
/// finished, and its own outcome is reported.
pub(crate) fn commit<T>(step: Step, commit: impl FnOnce() -> Result<T>) -> Result<T> {
    {
        let mut phase = STATE.lock().unwrap_or_else(|p| p.into_inner());
        if requested() && !committed() {
            return Err(Error::stopped());
        }
        *phase = Phase::Committing;
    }
    let outcome = commit();
    let mut phase = STATE.lock().unwrap_or_else(|p| p.into_inner());
    if outcome.is_ok() && step == Step::TheChange {
        COMMITTED.store(true, Ordering::SeqCst);
    }
    *phase = Phase::Working;
    outcome
}

/// Run a prompt. An interruption while it waits ends the run (exit 130) from the handler;
/// one that came before it is reported without asking.
pub(crate) fn prompting<T>(ask: impl FnOnce() -> T) -> Result<T> {
    {
        let mut phase = STATE.lock().unwrap_or_else(|p| p.into_inner());
        if requested() {
            return Err(Error::interrupted());
        }
        *phase = Phase::Prompting;
    }
    crate::sys::save_terminal();
    let answer = ask();
    set_phase(Phase::Working);
    Ok(answer)
}
