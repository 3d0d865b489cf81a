//! Prompts at a terminal (dialoguer), and what happens on Ctrl-C. pwaccount prompts only
//! when standard input and standard error are both terminals and `--no-input` is off;
//! every prompt comes before any write, so an interrupted prompt changes nothing.
// The prompts talk to the terminal (clippy.toml keeps that out of every other module).
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_macros,
    clippy::disallowed_methods
)]

use std::io::{IsTerminal, Write};

use console::Term;
use dialoguer::Password;
use zeroize::Zeroizing;

use crate::error::{Error, Id, Result};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Prompter {
    enabled: bool,
}

impl Prompter {
    pub(crate) fn new(no_input: bool) -> Self {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Prompter {
            enabled: terminal && !no_input,
        }
    }

    pub(crate) fn available(&self) -> bool {
        self.enabled
    }

    /// The error for an answer that is needed but cannot be asked for.
    pub(crate) fn cannot_ask(what: &str, flags: &str) -> Error {
        Error::new(
            Id::InputRequired,
            format!(
                "{what} is needed, but pwaccount cannot prompt (no terminal, or --no-input); \
                 give it with {flags}"
            ),
        )
    }

    /// Text that belongs to a prompt (shown even with --quiet: it is part of the question).
    pub(crate) fn say(&self, text: &str) {
        let text = crate::text::escape_controls(text);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// Ask for a passphrase once, without echo.
    pub(crate) fn passphrase(&self, prompt: &str) -> Result<Zeroizing<String>> {
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
    pub(crate) fn new_passphrase(
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
    pub(crate) fn line(&self, prompt: &str) -> Result<String> {
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
        // Any failure to read an answer (end of input, a closed terminal) ends the run as
        // an interruption: nothing has been written yet.
        let answer = crate::interrupt::prompting(ask)?.map_err(|_| Error::interrupted());
        if answer.is_err() {
            crate::sys::restore_terminal();
        }
        answer
    }
}
