use serde_json::json;

use super::Ctx;
use crate::account::status::Status;
use crate::error::Result;
use crate::output::{Report, describe_counts};
use crate::store::Counts;
use crate::text::{thousands, utc_time};

pub(super) fn run(ctx: &Ctx) -> Result<Report> {
    let user = ctx.user()?;
    let s = ctx.accounts(crate::store::Access::Read)?.status(user)?;
    let mut text: String = rows(&s)
        .iter()
        .map(|(k, v)| format!("{k:<11} {v}\n"))
        .collect();
    for problem in &s.problems {
        text.push_str(&format!("problem     {problem}\n"));
    }
    text.push_str(&format!(
        "\nA reset would delete: {}.\n",
        describe_counts(s.would_delete.as_ref().unwrap_or(&s.counts))
    ));
    Ok(Report::new(json!(s)).stdout(text))
}

/// The lines of the text form, as (label, value).
fn rows(s: &Status) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&str, String)> = vec![
        ("account", s.user.clone()),
        ("database", s.database.clone()),
    ];
    rows.extend(s.store_lines.iter().cloned());
    rows.extend(count_rows(&s.counts));
    rows.extend(state_rows(s));
    rows
}

/// The text form's lines of what the account holds.
fn count_rows(c: &Counts) -> [(&'static str, String); 8] {
    [
        (
            "passwords",
            format!(
                "{} ({} revisions)",
                thousands(c.passwords),
                thousands(c.password_revisions)
            ),
        ),
        (
            "folders",
            format!(
                "{} ({} revisions)",
                thousands(c.folders),
                thousands(c.folder_revisions)
            ),
        ),
        (
            "tags",
            format!(
                "{} ({} revisions, {} assignments)",
                thousands(c.tags),
                thousands(c.tag_revisions),
                thousands(c.password_tags)
            ),
        ),
        ("shares", thousands(c.shares)),
        (
            "settings",
            format!(
                "{} (+ {} configuration entries)",
                thousands(c.settings),
                thousands(c.user_config)
            ),
        ),
        ("keychains", thousands(c.keychains)),
        ("sessions", thousands(c.sessions)),
        (
            "tokens",
            format!("{} (kept by a reset)", thousands(c.tokens)),
        ),
    ]
}

/// The text form's lines of the account's challenge, encryption and reset.
fn state_rows(s: &Status) -> [(&'static str, String); 3] {
    [
        (
            "challenge",
            match &s.challenge {
                Some(ch) => format!("{}, set {}", ch.kind, utc_time(ch.created)),
                None => "none".to_owned(),
            },
        ),
        (
            "encryption",
            format!(
                "client-side {}, server-side {}",
                if s.encryption.cse { "on" } else { "off" },
                s.encryption.sse.as_deref().unwrap_or("off")
            ),
        ),
        (
            "reset",
            match &s.reset_pending {
                Some(p) => format!("a code is pending until {}", utc_time(p.expires)),
                None => "none pending".to_owned(),
            },
        ),
    ]
}
