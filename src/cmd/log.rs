//! `log`: the audit trail, oldest first, printed as it is read.

use serde_json::Value;

use super::Ctx;
use crate::cli::LogArgs;
use crate::error::Result;
use crate::output::{Listing, Report, describe_counts};
use crate::store::audit::{Entry, Filter};
use crate::store::{Access, Counts};
use crate::text::{escape_field, thousands, utc_time};

const HEADER: &str = "time                     account           action         outcome    by";

/// The record's details in words, for people (JSON has them as they are).
fn summary(e: &Entry) -> String {
    let d = &e.details;
    let counts = |key: &str| -> Option<Counts> { serde_json::from_value(d.get(key)?.clone()).ok() };
    let text = |key: &str| d.get(key).and_then(Value::as_str);
    let time = |key: &str| d.get(key).and_then(Value::as_i64).map(utc_time);
    match e.action.as_str() {
        "reset" => {
            let mut s = match counts("deleted") {
                Some(c) => format!("deleted {}", describe_counts(&c)),
                None => String::new(),
            };
            if let Some(tokens) = d.pointer("/kept/tokens").and_then(Value::as_u64) {
                s.push_str(&format!("; kept {} tokens", thousands(tokens)));
            }
            match text("backup") {
                Some(path) => s.push_str(&format!("; snapshot {path}")),
                None => s.push_str("; no snapshot"),
            }
            s
        }
        "reset-code" => time("expires")
            .map(|t| format!("valid until {t}"))
            .unwrap_or_default(),
        "challenge-set" => text("type").unwrap_or_default().to_owned(),
        "restore" => {
            let mut s = format!("from {}", text("snapshot").unwrap_or("?"));
            if let Some(t) = time("snapshot_created") {
                s.push_str(&format!(" (written {t})"));
            }
            if let Some(c) = counts("restored") {
                s.push_str(&format!(": {}", describe_counts(&c)));
            }
            s
        }
        "feature" => {
            let name = text("feature").unwrap_or_default();
            match d.get("changed").and_then(Value::as_bool) {
                Some(false) => format!("{name} (it already was)"),
                _ => name.to_owned(),
            }
        }
        _ => d.to_string(),
    }
}

/// A record as two lines of text. Every field comes from the database, where any program
/// may have written it: each is escaped, so that none can break the lines or drive the
/// terminal.
fn text_line(e: &Entry) -> String {
    let by = if e.host.is_empty() {
        escape_field(&e.os_user).into_owned()
    } else {
        format!("{} on {}", escape_field(&e.os_user), escape_field(&e.host))
    };
    format!(
        "{}  {:<16}  {:<13}  {:<9}  {by}\n    {}\n",
        utc_time(e.time),
        escape_field(e.account.as_deref().unwrap_or("(database)")),
        escape_field(&e.action),
        escape_field(&e.outcome),
        escape_field(&summary(e)),
    )
}

pub(super) fn run(ctx: &Ctx, args: &LogArgs) -> Result<Report> {
    let user = if ctx.user_given && !args.all {
        Some(ctx.user()?.to_owned())
    } else {
        None
    };
    let filter = Filter {
        user,
        since: args.since,
    };
    let mut store = ctx.accounts(Access::Read)?;
    let mut listing = Listing::open(ctx.out, "entries", HEADER);
    if !listing.writable() {
        return Ok(listing.finish("", String::new()));
    }
    let has_trail = store.audit_entries(&filter, &mut |entry| {
        Ok(listing.push(
            || serde_json::json!(entry).to_string(),
            || text_line(&entry),
        ))
    })?;
    let whose = match &filter.user {
        Some(user) => format!(" of account '{user}'"),
        None => String::new(),
    };
    let listed = listing.listed();
    let note = if has_trail {
        format!("{} record(s){whose}", thousands(listed))
    } else {
        "no audit trail yet: pwaccount has made no change here since it began keeping one"
            .to_owned()
    };
    Ok(listing.finish(&format!("\"listed\":{listed},\"trail\":{has_trail}"), note))
}
