//! The few calls into the operating system that need `unsafe`: saving and restoring the
//! terminal's modes around a prompt, and asking whether a process is alive. Everything
//! else in the crate is safe Rust.
#![allow(unsafe_code)]

use std::os::fd::AsRawFd;
use std::sync::Mutex;

static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Remember the terminal's modes, so that an interruption at a passphrase prompt (which
/// turns echo off) can put them back.
pub fn save_terminal() {
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return;
    };
    let mut attrs = std::mem::MaybeUninit::<libc::termios>::zeroed();
    // SAFETY: tcgetattr writes a termios into the buffer we own; it is read only when the
    // call reports success.
    let ok = unsafe { libc::tcgetattr(tty.as_raw_fd(), attrs.as_mut_ptr()) == 0 };
    if ok {
        // SAFETY: initialised by the successful tcgetattr above.
        let attrs = unsafe { attrs.assume_init() };
        if let Ok(mut saved) = SAVED_TERMINAL.lock() {
            *saved = Some(attrs);
        }
    }
}

/// Put back the modes `save_terminal` saw (echo on again after a passphrase prompt).
pub fn restore_terminal() {
    let attrs = SAVED_TERMINAL.lock().ok().and_then(|s| *s);
    if let (Some(attrs), Ok(tty)) = (attrs, std::fs::File::open("/dev/tty")) {
        // SAFETY: passes a valid termios and an open descriptor; a failure only leaves
        // the terminal as it is.
        unsafe {
            libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &attrs);
        }
    }
}

/// Whether a process with this id exists (signal 0 checks without sending anything). A
/// process of another user counts as alive.
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the id exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Reinterpret a zero-filled, suitably aligned byte mapping as a slice of `T`.
///
/// # Safety
/// `bytes` must be aligned for `T`, its length a multiple of `size_of::<T>()`, and every
/// bit pattern (in particular all zeros) a valid `T`.
pub unsafe fn cast_slice_mut<T>(bytes: &mut [u8]) -> &mut [T] {
    let count = bytes.len() / std::mem::size_of::<T>();
    // SAFETY: the caller guarantees alignment, length and validity; the new slice
    // borrows `bytes`, so it cannot outlive it.
    unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<T>(), count) }
}
