use serde_json::json;

use super::Ctx;
use crate::account::Accounts;
use crate::account::reset::Done;
use crate::cli::ResetArgs;
use crate::crypto::reset_code;
use crate::error::{Error, Id, Result};
use crate::output::{Report, describe_counts};
use crate::store::Access;
use crate::text::{thousands, utc_time};

pub(super) fn run(ctx: &Ctx, args: ResetArgs) -> Result<Report> {
    let user = ctx.user()?;
    let mut store = ctx.accounts(Access::Write)?;
    // Unless --no-backup, a snapshot of the account is written inside the reset's
    // transaction before anything is deleted; if it fails, nothing is deleted.
    let backup = !args.no_backup;
    if args.cancel {
        return Ok(match store.reset_cancel(user)? {
            Some(withdrawn) => Report::new(
                json!({"status": "ok", "cancelled": true, "expires": withdrawn.expires}),
            )
            .note(match withdrawn.expires {
                Some(expires) => format!(
                    "Withdrew the reset code of account '{user}' (it was valid until {}); \
                     nothing else was changed.",
                    utc_time(expires)
                ),
                None => format!(
                    "Withdrew the damaged reset code of account '{user}'; nothing else was \
                     changed."
                ),
            }),
            None => Report::new(json!({"status": "ok", "cancelled": false})).note(format!(
                "No reset code is pending for account '{user}'; nothing was changed."
            )),
        });
    }
    if let Some(code) = &args.code {
        let done = store.reset(user, Some(code), backup)?;
        return Ok(finished(user, &done));
    }
    if ctx.prompt.available() {
        return interactive(ctx, user, store.as_mut(), backup);
    }
    let issued = store.reset_issue(user)?;
    let json = json!({
        "status": "accepted",
        "code": issued.code,
        "expires": issued.expires,
        "will_delete": issued.counts.json_without_tokens(),
        "kept": { "tokens": issued.counts.tokens, "audit_trail": true },
    });
    Ok(Report::new(json).stdout(issued.code.clone()).note(format!(
        "Reset code issued for account '{user}'; nothing was deleted. It is valid until {}.\n\
             A reset would delete: {}; it keeps {} tokens and the account's audit records.\n\
             To reset, run: pwaccount reset --code <the code above>",
        utc_time(issued.expires),
        describe_counts(&issued.counts),
        thousands(issued.counts.tokens),
    )))
}

/// At a terminal: show what would be deleted and a fresh code, and reset only if the user
/// types the code back. The code lives in memory only: it never leaves this terminal, so
/// an abandoned prompt leaves the database as it was (a code pending for a script stays).
fn interactive(ctx: &Ctx, user: &str, store: &mut dyn Accounts, backup: bool) -> Result<Report> {
    let counts = store.reset_preview(user)?;
    let code = reset_code::generate()?;
    ctx.prompt.say(&format!(
        "Resetting account '{user}' in {db}\n\
         \n\
         This deletes: {what}.\n\
         It keeps the account, its {tokens} app and device tokens and its audit records\n\
         (pwaccount log).\n\
         This cannot be undone except from a backup.\n\
         \n\
         To confirm, type this code: {code}\n",
        db = ctx.db.display(),
        what = describe_counts(&counts),
        tokens = thousands(counts.tokens),
    ));
    let typed = ctx.prompt.line("Code")?;
    if typed.trim().is_empty() || !reset_code::matches(&typed, &reset_code::hash(&code)) {
        return Err(Error::new(
            Id::CodeMismatch,
            "the typed code does not match; nothing was deleted (run `pwaccount reset` again to retry)",
        ));
    }
    let done = store.reset(user, None, backup)?;
    Ok(finished(user, &done))
}

fn finished(user: &str, done: &Done) -> Report {
    let backup = done.backup.as_ref().map(|p| crate::text::path_text(p));
    Report::new(json!({
        "status": "ok",
        "backup": backup,
        "deleted": done.deleted.json_without_tokens(),
        "kept": { "tokens": done.deleted.tokens, "audit_trail": true },
    }))
    .note(format!(
        "Reset account '{user}': deleted {}. Kept {} tokens and the audit records.\n{}",
        describe_counts(&done.deleted),
        thousands(done.deleted.tokens),
        match &backup {
            Some(path) => format!(
                "A snapshot of what was deleted is in {path}\n(undo with: pwaccount restore {path})"
            ),
            None => "No snapshot was written.".to_owned(),
        }
    ))
}
