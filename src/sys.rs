//! The few calls into the operating system that need `unsafe`: keeping the process out
//! of core dumps, saving and restoring the terminal's modes around a prompt, asking
//! whether a process is alive, killing a child's process group. Everything else in the
//! crate is safe Rust.
#![allow(unsafe_code)]

use std::os::fd::AsRawFd;
use std::sync::Mutex;

static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Keep passphrases out of core dumps, as ssh-agent and gpg-agent do: the process is not
/// dumpable (no core file, no ptrace attach by other processes of the same user, its
/// `/proc` files owned by root) and its core size limit is 0 (soft and hard, so nothing it
/// starts can raise it). `run` calls it first, before reading its arguments, as
/// ssh-agent does at the top of `main`; the library's other users are left alone.
pub(crate) fn keep_out_of_core_dumps() {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) and setrlimit with a limit we own change only
    // this process's attributes; failures leave them as they were.
    unsafe {
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
}

/// Remember the terminal's modes, so that an interruption at a passphrase prompt (which
/// turns echo off) can put them back.
pub(crate) fn save_terminal() {
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

/// Put back the modes `save_terminal` saw (echo on again after a passphrase prompt), and
/// show the cursor again.
pub(crate) fn restore_terminal() {
    let _ = console::Term::stderr().show_cursor();
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
pub(crate) fn process_alive(pid: u32) -> bool {
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

/// Kill every process of the process group `leader` leads (a child started in its own
/// group); a group that is gone already is no error.
pub(crate) fn kill_process_group(leader: u32) {
    let Ok(pgid) = libc::pid_t::try_from(leader) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill with a negative id signals the group; it touches no memory of ours.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// The real user id of this process, and its name in the password database (`None` when
/// the system knows no name for it).
pub(crate) fn real_user() -> (u32, Option<String>) {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut entry = std::mem::MaybeUninit::<libc::passwd>::zeroed();
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes the entry into `entry` and its strings into `buf`, both
    // ours and of the sizes given; `found` is set to `entry` on success, or to null.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            entry.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() {
        return (uid, None);
    }
    // SAFETY: the call succeeded, so the entry is initialised and `pw_name` points at a
    // NUL-terminated string inside `buf`, which is still alive.
    let name = unsafe {
        let entry = entry.assume_init();
        if entry.pw_name.is_null() {
            return (uid, None);
        }
        std::ffi::CStr::from_ptr(entry.pw_name)
            .to_string_lossy()
            .into_owned()
    };
    (uid, Some(name))
}

/// The effective user id of this process.
pub(crate) fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Names of environment variables that hold secrets (those named by a `--…-env` option),
/// which no child process may see.
static SECRET_VARIABLES: std::sync::OnceLock<Vec<std::ffi::OsString>> = std::sync::OnceLock::new();

/// Record the variables that hold secrets: the value of every `--…-env` option among the
/// arguments (`--passphrase-env VAR` or `--passphrase-env=VAR`).
pub(crate) fn note_secret_variables(args: &[std::ffi::OsString]) {
    let mut names = Vec::new();
    let mut next_is_name = false;
    for arg in args.iter().skip(1) {
        let bytes = std::os::unix::ffi::OsStrExt::as_bytes(arg.as_os_str());
        if next_is_name {
            names.push(arg.clone());
            next_is_name = false;
        } else if bytes.starts_with(b"--") && bytes.ends_with(b"-env") {
            next_is_name = true;
        } else if let Some(eq) = bytes.iter().position(|b| *b == b'=')
            && bytes.starts_with(b"--")
            && bytes[..eq].ends_with(b"-env")
        {
            names.push(
                <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&bytes[eq + 1..])
                    .to_os_string(),
            );
        }
    }
    let _ = SECRET_VARIABLES.set(names);
}

/// The environment a child process gets: this process's, without the variables that
/// hold secrets.
pub(crate) fn child_environment() -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let secret = SECRET_VARIABLES
        .get()
        .map(Vec::as_slice)
        .unwrap_or_default();
    std::env::vars_os()
        .filter(|(name, _)| !secret.contains(name))
        .collect()
}

/// Whether the file system holding `path` is mounted read-only (`false` when that cannot
/// be told).
pub(crate) fn read_only_file_system(path: &std::path::Path) -> bool {
    let Ok(c_path) =
        std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()))
    else {
        return false;
    };
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
    // SAFETY: `c_path` is a NUL-terminated string that outlives the call, and `stat` is a
    // buffer of the size statvfs writes.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return false;
    }
    // SAFETY: statvfs succeeded, so it filled the buffer.
    let stat = unsafe { stat.assume_init() };
    stat.f_flag & libc::ST_RDONLY != 0
}
