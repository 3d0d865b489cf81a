//! Interruption (Ctrl-C, SIGTERM, SIGHUP) as a request the main flow honours, never an
//! exit from the signal thread in the middle of work.
//!
//! The handler only records the request. Every SQLite statement pwaccount runs checks it
//! (a progress handler) and stops with `SQLITE_INTERRUPT`, which rolls the transaction
//! back; a commit checks it before it starts. Once a commit has begun, the request is
//! ignored: the commit finishes and the command reports what the database now holds.
//! A temporary snapshot file is removed as the failed write unwinds.
//!
//! The one exception is a prompt: the main thread is blocked reading the terminal (the
//! standard library retries reads a signal interrupts), nothing has been written, and the
//! handler ends the run with exit 130 — but only while holding the lock that the main
//! thread must take to leave the prompt, so no write can have started.
// The interrupt handler is the one place that ends the process (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static COMMITTED: AtomicBool = AtomicBool::new(false);
static STATE: Mutex<Phase> = Mutex::new(Phase::Working);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Working,
    Prompting,
    Committing,
}

/// Install the handler for SIGINT, SIGTERM and SIGHUP. `at_prompt` reports an
/// interruption that ends the run at a prompt (the caller knows how to print it).
pub(crate) fn install(at_prompt: impl Fn(&Error) + Send + 'static) {
    let _ = ctrlc::set_handler(move || {
        let phase = STATE.lock().unwrap_or_else(|p| p.into_inner());
        REQUESTED.store(true, Ordering::SeqCst);
        if *phase == Phase::Prompting {
            crate::sys::restore_terminal();
            at_prompt(&Error::interrupted());
            // The lock is still held: the main thread cannot leave the prompt.
            std::process::exit(130);
        }
    });
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
