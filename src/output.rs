//! Rendering results: human text (data on stdout, notes on stderr) or exactly one JSON
//! object on stdout (`--json`), including the one error envelope of design §3.
// Output is where results are printed (clippy.toml keeps printing out of other layers).
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::error::Error;
use crate::text::{escape_controls, thousands};

/// Whether a streamed JSON object (`accounts`) is open on stdout: a failure then closes it
/// with its envelope's fields, so stdout still holds exactly one JSON object.
static JSON_STREAM_OPEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A listing printed item by item as it is read (`accounts`, `log`), so that memory does
/// not grow with it: in JSON the array `key` of one object, `{"key":[…],<fields>}`; in
/// text a header line, then each item's text.
pub(crate) struct Listing {
    out: Output,
    listed: u64,
    /// Output could not be written: the listing stops, and the run ends as any unwritable
    /// result does.
    failed: Option<io::Error>,
}

impl Listing {
    pub(crate) fn open(out: Output, key: &str, header: &str) -> Self {
        let opened = if out.json {
            out.open_stream(&format!("{{\"{key}\":["))
        } else {
            out.stream(&format!("{header}\n"))
        };
        Listing {
            out,
            listed: 0,
            failed: opened.err(),
        }
    }

    /// Whether items can still be printed.
    pub(crate) fn writable(&self) -> bool {
        self.failed.is_none()
    }

    /// Print one item: `json` with `--json`, else `text` as it is. `false` once output can
    /// no longer be written (the caller stops reading).
    pub(crate) fn push(
        &mut self,
        json: impl FnOnce() -> String,
        text: impl FnOnce() -> String,
    ) -> bool {
        if self.failed.is_some() {
            return false;
        }
        let item = if self.out.json {
            let comma = if self.listed == 0 { "" } else { "," };
            format!("{comma}{}", json())
        } else {
            text()
        };
        match self.out.stream(&item) {
            Ok(()) => {
                self.listed += 1;
                true
            }
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    /// How many items were printed.
    pub(crate) fn listed(&self) -> u64 {
        self.listed
    }

    /// End the listing: in JSON the array, then `fields` (`"name":value,…`) and the object.
    /// The run's report: streamed, with `note` for people; or the write failure.
    pub(crate) fn finish(mut self, fields: &str, note: String) -> Report {
        let notes = take_notes();
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(",\"notes\":{}", json!(notes))
        };
        if self.failed.is_none()
            && self.out.json
            && let Err(e) = self.out.close_stream(&format!("],{fields}{notes}}}\n"))
        {
            self.failed = Some(e);
        }
        match self.failed {
            Some(e) => Report {
                stream_error: Some(e),
                ..Report::streamed()
            },
            None => Report::streamed().note(note),
        }
    }
}

/// What a command produced, in both renderings.
#[derive(Debug)]
pub(crate) struct Report {
    /// The JSON object printed with `--json` (nothing, when the command streamed it).
    pub json: Value,
    /// The command printed its result as it went (`Output::stream`).
    pub streamed: bool,
    /// Writing a streamed result failed (reported as any unwritable result is).
    pub stream_error: Option<io::Error>,
    /// The exit status of a result that is not a success (`check` finding damage).
    pub exit_code: u8,
    /// Text mode: what goes to standard output (data), if anything.
    pub stdout: Option<String>,
    /// Text mode: lines for people on standard error (not with `--quiet`).
    pub notes: Vec<String>,
}

impl Report {
    pub(crate) fn new(json: Value) -> Self {
        Report {
            json,
            streamed: false,
            stream_error: None,
            exit_code: 0,
            stdout: None,
            notes: Vec::new(),
        }
    }

    /// The result of a command that printed its data itself, as it went.
    pub(crate) fn streamed() -> Self {
        Report {
            streamed: true,
            ..Report::new(Value::Null)
        }
    }

    pub(crate) fn stdout(mut self, text: impl Into<String>) -> Self {
        self.stdout = Some(text.into());
        self
    }

    pub(crate) fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub json: bool,
    pub quiet: bool,
}

impl Output {
    /// Print a successful result. The result is part of the outcome: a failure to write
    /// it is returned (a closed pipe included), never ignored.
    pub(crate) fn emit(&self, report: &Report) -> io::Result<()> {
        if let Some(e) = &report.stream_error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        if report.streamed {
            if !self.json {
                for note in &report.notes {
                    self.note(note);
                }
            }
            return Ok(());
        }
        if self.json {
            let mut json = report.json.clone();
            with_notes(&mut json);
            return print_stdout(&format!("{json}\n"));
        }
        if let Some(text) = &report.stdout {
            print_stdout(&with_newline(&escape_controls(text)))?;
        }
        for note in &report.notes {
            self.note(note);
        }
        Ok(())
    }

    /// A line for people on standard error, unless quiet or in JSON mode.
    pub(crate) fn note(&self, text: &str) {
        if !self.quiet && !self.json {
            to_stderr(text);
        }
    }

    /// A warning for people: on standard error (not with --quiet); with --json, in the
    /// result object's `notes` instead, so that a script sees it.
    pub(crate) fn warn(&self, text: &str) {
        if self.json {
            NOTES
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(text.to_owned());
        } else if !self.quiet {
            to_stderr(text);
        }
    }

    /// Part of a result printed as it is produced (text: control characters escaped).
    fn stream(&self, text: &str) -> io::Result<()> {
        if self.json {
            print_stdout(text)
        } else {
            print_stdout(&escape_controls(text))
        }
    }

    /// Begin a JSON object printed in parts (`stream`), ended by `close_stream`.
    fn open_stream(&self, text: &str) -> io::Result<()> {
        JSON_STREAM_OPEN.store(true, std::sync::atomic::Ordering::SeqCst);
        print_stdout(text)
    }

    /// End the JSON object `open_stream` began.
    fn close_stream(&self, text: &str) -> io::Result<()> {
        JSON_STREAM_OPEN.store(false, std::sync::atomic::Ordering::SeqCst);
        print_stdout(text)
    }

    /// Print a failure once: the JSON envelope on stdout, or the message on stderr. In
    /// the middle of a streamed object, the envelope's fields close that object.
    pub(crate) fn fail(&self, error: &Error) -> io::Result<()> {
        if self.json && JSON_STREAM_OPEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
            let envelope = error_json(error).to_string();
            return print_stdout(&format!("],{}\n", &envelope[1..]));
        }
        if self.json {
            let mut json = error_json(error);
            with_notes(&mut json);
            print_stdout(&format!("{json}\n"))
        } else {
            std::io::stderr().write_all(escape_controls(&error_text(error)).as_bytes())
        }
    }
}

/// The warnings of a `--json` run, for the result object's `notes`.
static NOTES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn take_notes() -> Vec<String> {
    std::mem::take(&mut *NOTES.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Add the run's warnings to a JSON object as `notes` (none: no key).
fn with_notes(json: &mut Value) {
    let notes = take_notes();
    if let (false, Some(object)) = (notes.is_empty(), json.as_object_mut()) {
        object.insert("notes".into(), json!(notes));
    }
}

/// Text for people on standard error, control characters from data escaped. Standard
/// error is where failures are reported, so a failure to write there has no place to go.
pub(crate) fn to_stderr(text: &str) {
    let _ = std::io::stderr().write_all(with_newline(&escape_controls(text)).as_bytes());
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

fn print_stdout(text: &str) -> io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

pub fn error_json(error: &Error) -> Value {
    let mut v = json!({
        "status": "error",
        "id": error.id.as_str(),
        "message": error.shown(),
        "exit_code": error.exit_code(),
    });
    if let Some(account) = &error.account {
        v["account"] = json!(account);
    }
    if let Some(db) = &error.database {
        v["database"] = json!(crate::text::path_text(db));
    }
    v
}

pub(crate) fn error_text(error: &Error) -> String {
    let mut text = format!("pwaccount: error: {}\n", error.shown());
    match (&error.account, &error.database) {
        (Some(a), Some(d)) => {
            text.push_str(&format!("  account '{a}', database {}\n", d.display()))
        }
        (None, Some(d)) => text.push_str(&format!("  database {}\n", d.display())),
        _ => {}
    }
    if error.exit_code() != 130 {
        text.push_str("  Nothing was changed.\n");
    }
    text
}

/// Counts in words, for people: "1,204 passwords with 3,611 revisions, 58 folders, …".
/// Tokens are left out: a reset keeps them.
pub fn describe_counts(c: &crate::store::Counts) -> String {
    fn n(count: u64, one: &str, many: &str) -> String {
        format!(
            "{} {}",
            thousands(count),
            if count == 1 { one } else { many }
        )
    }
    fn with_revisions(count: u64, one: &str, many: &str, revisions: u64) -> String {
        format!(
            "{} with {}",
            n(count, one, many),
            n(revisions, "revision", "revisions")
        )
    }
    let parts = [
        (
            c.passwords + c.password_revisions,
            with_revisions(c.passwords, "password", "passwords", c.password_revisions),
        ),
        (
            c.folders + c.folder_revisions,
            with_revisions(c.folders, "folder", "folders", c.folder_revisions),
        ),
        (
            c.tags + c.tag_revisions,
            with_revisions(c.tags, "tag", "tags", c.tag_revisions),
        ),
        (
            c.password_tags,
            n(c.password_tags, "tag assignment", "tag assignments"),
        ),
        (c.shares, n(c.shares, "share", "shares")),
        (c.settings, n(c.settings, "setting", "settings")),
        (
            c.user_config,
            n(
                c.user_config,
                "configuration entry",
                "configuration entries",
            ),
        ),
        (c.keychains, n(c.keychains, "keychain", "keychains")),
        (c.sessions, n(c.sessions, "session", "sessions")),
    ];
    let words: Vec<String> = parts
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(_, text)| text)
        .collect();
    if words.is_empty() {
        "nothing (the account is blank)".to_owned()
    } else {
        words.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Id;

    #[test]
    fn error_envelope_has_the_spec_keys() {
        let e = Error::new(Id::InvalidUser, "no").in_context("alice", "/x.db".as_ref());
        let v = error_json(&e);
        assert_eq!(v["status"], "error");
        assert_eq!(v["id"], "invalid_user");
        assert_eq!(v["message"], "no");
        assert_eq!(v["account"], "alice");
    }
}
