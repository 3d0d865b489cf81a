//! Prompts at a terminal (dialoguer), and what happens on Ctrl-C. pwaccount prompts only
//! when standard input and standard error are both terminals and `--no-input` is off;
//! every prompt comes before any write, so an interrupted prompt changes nothing.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use console::Term;
use dialoguer::Password;
use zeroize::Zeroizing;

use crate::error::{Error, Kind, Result};
use crate::output::{error_json, error_text};

#[derive(Debug, Clone, Copy)]
pub struct Prompter {
    enabled: bool,
}

impl Prompter {
    pub fn new(no_input: bool) -> Self {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Prompter {
            enabled: terminal && !no_input,
        }
    }

    pub fn available(&self) -> bool {
        self.enabled
    }

    /// The error for an answer that is needed but cannot be asked for.
    pub fn cannot_ask(what: &str, flags: &str) -> Error {
        Error::new(
            Kind::Usage,
            "input_required",
            format!(
                "{what} is needed, but pwaccount cannot prompt (no terminal, or --no-input); \
                 give it with {flags}"
            ),
        )
    }

    /// Text that belongs to a prompt (shown even with --quiet: it is part of the question).
    pub fn say(&self, text: &str) {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// Ask for a passphrase once, without echo.
    pub fn passphrase(&self, prompt: &str) -> Result<Zeroizing<String>> {
        self.guard(|| {
            Password::new()
                .with_prompt(prompt)
                .allow_empty_password(true)
                .interact_on(&Term::stderr())
        })
        .map(Zeroizing::new)
    }

    /// Ask for a new passphrase twice; `check` explains what is wrong with an answer, and
    /// the question is asked again until an answer passes and both entries match.
    pub fn new_passphrase(
        &self,
        prompt: &str,
        check: impl Fn(&str) -> Option<String>,
    ) -> Result<Zeroizing<String>> {
        self.guard(|| {
            Password::new()
                .with_prompt(prompt)
                .with_confirmation("Repeat it", "The two entries do not match; try again.")
                .validate_with(|s: &String| match check(s) {
                    Some(problem) => Err(problem),
                    None => Ok(()),
                })
                .interact_on(&Term::stderr())
        })
        .map(Zeroizing::new)
    }

    /// Ask for one line of text, echoed, in the terminal's normal line mode: Ctrl-D (end
    /// of input) and Ctrl-C both end the run with exit 130.
    pub fn line(&self, prompt: &str) -> Result<String> {
        self.guard(|| {
            let mut err = std::io::stderr();
            write!(err, "{prompt}: ")?;
            err.flush()?;
            let mut answer = String::new();
            if std::io::stdin().read_line(&mut answer)? == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
            }
            Ok(answer)
        })
    }

    fn guard<T>(&self, ask: impl FnOnce() -> dialoguer::Result<T>) -> Result<T> {
        if !self.enabled {
            return Err(Error::internal("prompted without a terminal"));
        }
        save_terminal();
        PROMPTING.store(true, Ordering::SeqCst);
        // Any failure to read an answer (Ctrl-C, end of input, a closed terminal) ends
        // the run as an interruption: nothing has been written yet. The flag stays set
        // on failure, so that a SIGINT raised by the prompt itself is reported the same.
        let answer = ask().map_err(|_| Error::interrupted())?;
        PROMPTING.store(false, Ordering::SeqCst);
        Ok(answer)
    }
}

static PROMPTING: AtomicBool = AtomicBool::new(false);
static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);

fn save_terminal() {
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return;
    };
    let mut attrs = std::mem::MaybeUninit::<libc::termios>::zeroed();
    // SAFETY: tcgetattr writes a termios into the buffer we own; we read it only when
    // the call reports success.
    #[allow(unsafe_code)]
    let ok =
        unsafe { libc::tcgetattr(std::os::fd::AsRawFd::as_raw_fd(&tty), attrs.as_mut_ptr()) == 0 };
    if ok {
        // SAFETY: initialised by the successful tcgetattr above.
        #[allow(unsafe_code)]
        let attrs = unsafe { attrs.assume_init() };
        if let Ok(mut saved) = SAVED_TERMINAL.lock() {
            *saved = Some(attrs);
        }
    }
}

fn restore_terminal() {
    let attrs = SAVED_TERMINAL.lock().ok().and_then(|s| *s);
    if let (Some(attrs), Ok(tty)) = (attrs, std::fs::File::open("/dev/tty")) {
        // SAFETY: passes a valid termios and an open descriptor; a failure only leaves
        // the terminal as it is.
        #[allow(unsafe_code)]
        unsafe {
            libc::tcsetattr(std::os::fd::AsRawFd::as_raw_fd(&tty), libc::TCSANOW, &attrs);
        }
    }
    let _ = Term::stderr().show_cursor();
}

/// On Ctrl-C, exit with status 130. At a prompt nothing has been written yet; elsewhere
/// an unfinished transaction is rolled back by SQLite, so either way the database is
/// consistent. Echo is turned back on if a passphrase prompt had turned it off.
pub fn install_interrupt_handler(json: bool) {
    let _ = ctrlc::set_handler(move || {
        let error = if PROMPTING.load(Ordering::SeqCst) {
            restore_terminal();
            Error::interrupted()
        } else {
            Error::new(
                Kind::Interrupted,
                "interrupted",
                "interrupted; a change that was not yet committed was rolled back",
            )
        };
        if json {
            let _ = writeln!(std::io::stdout(), "{}", error_json(&error));
        } else {
            let _ = write!(std::io::stderr(), "\n{}", error_text(&error));
        }
        std::process::exit(130);
    });
}
