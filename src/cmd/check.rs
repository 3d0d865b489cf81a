//! `check`: the database's integrity and every account's (or one account's) soundness.

use serde_json::json;

use super::Ctx;
use crate::account::check::{self, Finding};
use crate::cli::CheckArgs;
use crate::error::{Id, Result};
use crate::output::Report;
use crate::store::Access;
use crate::text::thousands;

pub(super) fn run(ctx: &Ctx, args: &CheckArgs) -> Result<Report> {
    let mut store = ctx.accounts(Access::Read)?;
    let integrity = store.integrity()?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut checked = 0u64;
    if ctx.user_given && !args.all {
        findings.extend(check::account(store.as_mut(), ctx.user()?)?);
        checked = 1;
    } else {
        let bar = ctx.accounts_bar("checking", store.as_mut())?;
        crate::account::each_account(store.as_mut(), &mut |store, user| {
            findings.extend(check::account(store, user)?);
            checked += 1;
            // Accounts that appeared since they were counted lengthen the bar.
            if bar.length().is_some_and(|len| checked > len) {
                bar.set_length(checked);
            }
            bar.inc(1);
            Ok(true)
        })?;
        bar.finish_and_clear();
    }
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
    let mut value = json!({
        "status": if sound { "ok" } else { "damaged" },
        "accounts_checked": checked,
        "integrity": if integrity.is_empty() { json!("ok") } else { json!(integrity) },
        "findings": findings,
    });
    let report = if sound {
        Report::new(value).stdout(summary)
    } else {
        // A failure, in the error envelope's shape, with the findings added.
        value["status"] = json!("error");
        value["id"] = json!(Id::CheckFailed.as_str());
        value["message"] = json!(summary);
        value["exit_code"] = json!(Id::CheckFailed.exit_code());
        let mut r = Report::new(value).stdout(text).note(summary);
        r.exit_code = Id::CheckFailed.exit_code();
        r
    };
    Ok(report)
}
