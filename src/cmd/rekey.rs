//! `rekey`: re-encrypt under a Nextcloud installation's current server secret what the
//! Passwords app encrypted under a former one (see `account::keys`).

use serde_json::json;

use super::Ctx;
use super::secrets::{OLD_SECRET, Reader};
use crate::account::keys::{self, SecretUse, UserRekey};
use crate::cli::{OldServerSecret, RekeyArgs};
use crate::crypto::SecretText;
use crate::error::{Error, Id, Result};
use crate::output::Report;
use crate::prompt::Prompter;
use crate::store::Access;

/// The former server secret given with `--old-secret-file`/`--old-secret-env`, if any;
/// refused where there is no server secret (the pwaccount file).
pub(super) fn old_secret(ctx: &Ctx, given: &OldServerSecret) -> Result<Option<SecretText>> {
    let Some(text) = Reader::default().read_from(&OLD_SECRET, given.given())? else {
        return Ok(None);
    };
    if !ctx.capabilities().server_secret {
        return Err(nextcloud_only(
            "--old-secret-file and --old-secret-env",
            ctx.capabilities(),
        ));
    }
    Ok(Some(SecretText::new(text.as_str())))
}

/// The refusal of what serves only a store with a server secret (a Nextcloud
/// installation) on `store`, which has none.
pub(super) fn nextcloud_only(what: &str, store: &crate::store::Capabilities) -> Error {
    Error::new(
        Id::NextcloudOnly,
        format!(
            "{what} serve only a Nextcloud installation (--nextcloud PATH): {} has no server \
             secret or server-side keys; nothing was changed",
            store.name
        ),
    )
}

pub(super) fn run(ctx: &Ctx, args: &RekeyArgs) -> Result<Report> {
    if !ctx.capabilities().server_secret {
        return Err(nextcloud_only("rekey", ctx.capabilities()));
    }
    let old = old_secret(ctx, &args.old)?.ok_or_else(|| {
        Error::new(
            Id::Usage,
            "rekey needs --old-secret-file or --old-secret-env",
        )
    })?;
    let one = if ctx.user_given {
        Some(ctx.user()?)
    } else {
        None
    };
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Write
    };
    let mut store = ctx.nextcloud_store(access)?;
    let users = keys::users(&mut store, one)?;
    if args.dry_run {
        let (plan, secret) = keys::preview(&mut store, &users, &old, args.only_openable)?;
        return Ok(report(&plan, secret, true));
    }
    let shown = if args.yes {
        None
    } else {
        if !ctx.prompt.available() {
            return Err(Prompter::cannot_ask("confirmation of the rekey", "--yes"));
        }
        let (plan, secret) = keys::preview(&mut store, &users, &old, args.only_openable)?;
        if total(&plan) == 0 {
            return Ok(report(&plan, secret, false));
        }
        ctx.prompt.say(&format!(
            "Re-encrypting under the current server secret ({}) in {}:\n{}",
            secret.name,
            ctx.db.display(),
            plan_lines(&plan)
        ));
        let answer = ctx.prompt.line("Rekey? Type yes to continue")?;
        if !answer.trim().eq_ignore_ascii_case("yes") {
            return Err(Error::new(
                Id::NotConfirmed,
                "the rekey was not confirmed; nothing was changed",
            ));
        }
        Some(plan)
    };
    let (done, secret) = keys::rekey(
        &mut store,
        &users,
        &old,
        args.only_openable,
        shown.as_deref(),
    )?;
    Ok(report(&done, secret, false))
}

fn total(plan: &[UserRekey]) -> u64 {
    plan.iter().map(UserRekey::total).sum()
}

/// One line per user with something to re-encrypt or left unopenable.
fn plan_lines(plan: &[UserRekey]) -> String {
    let mut text = String::new();
    for u in plan.iter().filter(|u| u.total() > 0 || u.unopenable > 0) {
        let mut kinds: Vec<String> = ["password", "folder", "tag"]
            .iter()
            .filter_map(|k| u.revisions.get(k).map(|n| format!("{n} {k} revision(s)")))
            .collect();
        if kinds.is_empty() {
            kinds.push("nothing".into());
        }
        text.push_str(&format!("  {}: {}", u.user, kinds.join(", ")));
        if u.unopenable > 0 {
            text.push_str(&format!(
                "; {} open with neither secret (left)",
                u.unopenable
            ));
        }
        if let Some(path) = &u.snapshot {
            text.push_str(&format!("; snapshot {}", path.display()));
        }
        text.push('\n');
    }
    text
}

fn report(plan: &[UserRekey], used: SecretUse, dry_run: bool) -> Report {
    let secret = used.name;
    let rekeyed = total(plan);
    let users = plan.iter().filter(|u| u.total() > 0).count();
    let keychains: u64 = plan
        .iter()
        .filter(|u| u.total() > 0)
        .map(|u| u.keychains)
        .sum();
    let summary = if rekeyed == 0 {
        "nothing to re-encrypt: every server-encrypted item opens with the current secret; \
         nothing was changed"
            .to_owned()
    } else if dry_run {
        format!(
            "would re-encrypt {rekeyed} item revision(s) of {users} user(s) under the current \
             secret ({secret}); nothing was changed (--dry-run)"
        )
    } else {
        format!(
            "re-encrypted {rekeyed} item revision(s) of {users} user(s) under the current secret \
             ({secret})"
        )
    };
    let mut text = plan_lines(plan);
    text.push_str(&summary);
    text.push('\n');
    if keychains > 0 {
        text.push_str(&format!(
            "note: {keychains} SSEv2 keychain(s) of these users are encrypted under the server \
             secret and each user's passphrase-derived key; pwaccount cannot open them without \
             the passphrase, so they were left as they are (only items of type SSEv2r1 and \
             client-side encryption use them)\n"
        ));
    }
    if rekeyed > 0 && dry_run && used.passwords_secret_read {
        text.push_str(
            "note: this release of the app reads `passwords.secret`: instead of a rekey, occ \
             config:system:set passwords.secret --value=<the old secret> makes it read these \
             items as they are, changing nothing in the database (what was written under the \
             current secret since would then no longer open)\n",
        );
    }
    Report::new(json!({
        "status": "ok",
        "dry_run": dry_run,
        "secret": secret,
        "passwords_secret_read": used.passwords_secret_read,
        "revisions": rekeyed,
        "users": plan,
    }))
    .stdout(text)
}
