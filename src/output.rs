//! Rendering results: human text (data on stdout, notes on stderr) or exactly one JSON
//! object on stdout (`--json`), including the one error envelope of SPEC §3.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::error::Error;

/// What a command produced, in both renderings.
#[derive(Debug)]
pub struct Report {
    /// The JSON object printed with `--json`.
    pub json: Value,
    /// Text mode: what goes to standard output (data), if anything.
    pub stdout: Option<String>,
    /// Text mode: lines for people on standard error (not with `--quiet`).
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(json: Value) -> Self {
        Report {
            json,
            stdout: None,
            notes: Vec::new(),
        }
    }

    pub fn stdout(mut self, text: impl Into<String>) -> Self {
        self.stdout = Some(text.into());
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
}

impl Output {
    /// Print a successful result. The result is part of the outcome: a failure to write
    /// it is returned (a closed pipe included), never ignored.
    pub fn emit(&self, report: &Report) -> io::Result<()> {
        if self.json {
            return print_stdout(&format!("{}\n", report.json));
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
    pub fn note(&self, text: &str) {
        if !self.quiet && !self.json {
            to_stderr(text);
        }
    }

    /// A warning on standard error: shown in JSON mode too (stdout stays one object),
    /// but not with --quiet.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            to_stderr(text);
        }
    }

    /// Print a failure once: the JSON envelope on stdout, or the message on stderr.
    pub fn fail(&self, error: &Error) -> io::Result<()> {
        if self.json {
            print_stdout(&format!("{}\n", error_json(error)))
        } else {
            std::io::stderr().write_all(escape_controls(&error_text(error)).as_bytes())
        }
    }
}

/// Text for people on standard error, control characters from data escaped. Standard
/// error is where failures are reported, so a failure to write there has no place to go.
pub fn to_stderr(text: &str) {
    let _ = std::io::stderr().write_all(with_newline(&escape_controls(text)).as_bytes());
}

/// `text` with every control character but the line feed shown as an escape (`\u{1b}`),
/// so that text from a file or database can never drive the terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
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
        "message": error.message,
        "exit_code": error.exit_code(),
    });
    if let Some(account) = &error.account {
        v["account"] = json!(account);
    }
    if let Some(db) = &error.database {
        v["database"] = json!(db.display().to_string());
    }
    v
}

pub fn error_text(error: &Error) -> String {
    let mut text = format!("pwaccount: error: {}\n", error.message);
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

/// `1234567` → `1,234,567`, for counts people read.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
pub fn utc_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_time(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_time(1_795_768_496), "2026-11-27 08:34:56 UTC");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain\ntext"), "plain\ntext");
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_controls("x\ry\tz\u{7}"), "x\\ry\\tz\\u{7}");
        assert_eq!(escape_controls("\u{9b}2J"), "\\u{9b}2J");
    }

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
