//! `check`: the database's integrity and every account's (or one account's) soundness.

use serde_json::json;

use super::Ctx;
use crate::account::check::{self, Finding};
use crate::cli::CheckArgs;
use crate::crypto::SecretText;
use crate::error::{Error, Id, Result};
use crate::output::Report;
use crate::store::Access;
use crate::text::thousands;

pub(super) fn run(ctx: &Ctx, args: &CheckArgs) -> Result<Report> {
    let old = super::rekey::old_secret(ctx, &args.old)?;
    let opened = ctx.accounts(Access::Read).and_then(|mut store| {
        let integrity = store.integrity()?;
        Ok((store, integrity))
    });
    let (mut store, integrity) = match opened {
        Ok(opened) => opened,
        // Too damaged to open as a store: the engine's own check says where.
        Err(e) if e.id == Id::DatabaseCorrupt => {
            return Ok(report(ctx.file_integrity(), Vec::new(), 0));
        }
        Err(e) => return Err(e),
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut checked = 0u64;
    let accounts = check_accounts(
        ctx,
        args,
        old.as_ref(),
        store.as_mut(),
        &mut findings,
        &mut checked,
    );
    match accounts {
        Ok(()) => {}
        // A damaged page met while reading an account: what the integrity check found
        // says where, and the accounts checked so far stand.
        Err(e) if e.id == Id::DatabaseCorrupt && !integrity.is_empty() => {}
        Err(e) => return Err(e),
    }
    Ok(report(integrity, findings, checked))
}

fn check_accounts(
    ctx: &Ctx,
    args: &CheckArgs,
    old: Option<&SecretText>,
    store: &mut dyn crate::account::Accounts,
    findings: &mut Vec<Finding>,
    checked: &mut u64,
) -> Result<()> {
    if ctx.user_given && !args.all {
        findings.extend(check::account(store, ctx.user()?, old)?);
        *checked = 1;
    } else {
        let bar = ctx.accounts_bar("checking", store)?;
        let walked = crate::account::each_account(store, &mut |store, listed| {
            match listed {
                crate::account::Listed::Account(user) => {
                    findings.extend(check::account(store, user, old)?);
                }
                crate::account::Listed::Unreadable { shown, what } => {
                    findings.push(check::unreadable_finding(shown, what));
                }
            }
            *checked += 1;
            // Accounts that appeared since they were counted lengthen the bar.
            if bar.length().is_some_and(|len| *checked > len) {
                bar.set_length(*checked);
            }
            bar.inc(1);
            Ok(true)
        });
        bar.finish_and_clear();
        walked?;
    }
    Ok(())
}

/// The result: sound, or `check_failed` with the integrity check's lines and the findings.
fn report(integrity: Vec<String>, findings: Vec<Finding>, checked: u64) -> Report {
    let sound = integrity.is_empty() && findings.is_empty();
    let mut text = String::new();
    for line in &integrity {
        text.push_str(&format!("database: {line}\n"));
    }
    for f in &findings {
        text.push_str(&format!(
            "{}: {}\n  repair: {}\n",
            f.account, f.problem, f.repair
        ));
    }
    let summary = format!(
        "{} account(s) checked: {}",
        thousands(checked),
        if sound {
            "the database and every account are sound".to_owned()
        } else {
            format!(
                "{} finding(s){}",
                findings.len(),
                if integrity.is_empty() {
                    ""
                } else {
                    ", and the database's integrity check failed"
                }
            )
        }
    );
    let details = json!({
        "accounts_checked": checked,
        "integrity": if integrity.is_empty() { json!("ok") } else { json!(integrity) },
        "findings": findings,
    });
    if sound {
        let mut value = json!({ "status": "ok" });
        extend(&mut value, details);
        Report::new(value).stdout(summary)
    } else {
        // A failure: the one error envelope, with the findings added.
        let failure = Error::new(Id::CheckFailed, summary.clone());
        let mut value = crate::output::error_json(&failure);
        extend(&mut value, details);
        let mut r = Report::new(value).stdout(text).note(summary);
        r.exit_code = failure.exit_code();
        r
    }
}

/// `into` (an object) with the keys of `more` added after its own.
fn extend(into: &mut serde_json::Value, more: serde_json::Value) {
    if let (Some(into), serde_json::Value::Object(more)) = (into.as_object_mut(), more) {
        into.extend(more);
    }
}
