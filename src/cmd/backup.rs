use serde_json::json;

use super::Ctx;
use crate::account::{Job, RestoreCheck};
use crate::cli::{BackupArgs, RestoreArgs};
use crate::error::{Error, Id, Result};
use crate::output::{Report, describe_counts};
use crate::prompt::Prompter;
use crate::store::Access;
use crate::store::file::snapshot::{restored_tables, snapshot_tables};
use crate::text::utc_time;

pub(super) fn backup(ctx: &Ctx, args: BackupArgs) -> Result<Report> {
    // A snapshot is a database file, written beside its destination and renamed into
    // place: it cannot be streamed to standard output, and a file named "-" is surely
    // not what was meant.
    if args.path.as_deref() == Some(std::path::Path::new("-")) {
        return Err(Error::new(
            Id::Usage,
            "backup writes a database file and cannot write to standard output ('-'); give \
             a file path (./- for a file of that name); nothing was written",
        ));
    }
    if args.all {
        let dest = args
            .path
            .ok_or_else(|| Error::new(Id::Usage, "backup --all needs a PATH to write to"))?;
        let store = ctx.open(Access::Read)?;
        ctx.remove_stale_files(&dest);
        store.copy_all(&dest, args.force)?;
        let path = crate::text::path_text(&dest);
        return Ok(Report::new(json!({ "success": true, "path": path }))
            .stdout(path.clone())
            .note(format!("Wrote a copy of the whole database to {path}.")));
    }
    let user = ctx.user()?;
    let mut store = ctx.accounts(Access::Read)?;
    if let Some(dest) = &args.path {
        ctx.remove_stale_files(dest);
    }
    let bar = ctx.progress(snapshot_tables().count() as u64, "Backing up");
    let job = Job {
        replace: args.force,
        progress: &|_| bar.inc(1),
    };
    let (path, counts) = store.backup(user, args.path.as_deref(), job)?;
    bar.finish_and_clear();
    let path = crate::text::path_text(&path);
    Ok(
        Report::new(json!({ "success": true, "path": path, "counts": counts }))
            .stdout(path.clone())
            .note(format!(
                "Wrote a snapshot of account '{user}' to {path}: {}.",
                describe_counts(&counts)
            )),
    )
}

pub(super) fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<Report> {
    let target = if ctx.user_given {
        Some(ctx.user()?)
    } else {
        None
    };
    let mut store = ctx.accounts(Access::Write)?;
    let (info, current) = store.check_restore(&RestoreCheck {
        path: &args.path,
        target,
        // A dry run shows the plan for an account with data too, and says that the
        // restore needs --replace.
        replace: args.replace || args.dry_run,
        other_installation: args.other_installation,
    })?;
    let user = info.user.clone();
    if args.dry_run {
        let needs_replace = !current.is_blank() && !args.replace;
        return dry_run(store.as_mut(), &info, needs_replace)
            .map_err(|e| e.in_context(&user, &ctx.db));
    }
    restore_checked(ctx, store.as_mut(), &args, &info, &current)
        .map_err(|e| e.in_context(&user, &ctx.db))
}

/// `restore --dry-run`: per table, what the restore would delete and write.
fn dry_run(
    store: &mut dyn crate::account::Accounts,
    info: &crate::store::snapshot::SnapshotInfo,
    needs_replace: bool,
) -> Result<Report> {
    let plan = store.restore_plan(info)?;
    let mut text = format!(
        "A restore of account '{}' from the {} {} would change, per table:\n\n{:<24} {:>9} {:>9}\n",
        info.user,
        info.kind.noun(),
        info.source.display(),
        "table",
        "delete",
        "write"
    );
    for t in &plan {
        text.push_str(&format!(
            "{:<24} {:>9} {:>9}\n",
            t.table,
            crate::text::thousands(t.delete),
            crate::text::thousands(t.write)
        ));
    }
    if needs_replace {
        text.push_str("\nThe account is not blank: the restore needs --replace.\n");
    }
    text.push_str("\nNothing was changed (--dry-run).\n");
    Ok(Report::new(json!({
        "success": true,
        "dry_run": true,
        "user": info.user,
        "path": crate::text::path_text(&info.source),
        "source": info.kind,
        "tables": plan,
        "needs_replace": needs_replace,
    }))
    .stdout(text))
}

/// Show what the restore replaces with what, and ask for "yes" (never without a
/// terminal).
fn confirm(
    ctx: &Ctx,
    info: &crate::store::snapshot::SnapshotInfo,
    current: &crate::store::Counts,
    received: &str,
) -> Result<()> {
    let user = &info.user;
    if !ctx.prompt.available() {
        return Err(Prompter::cannot_ask("confirmation of the restore", "--yes"));
    }
    ctx.prompt.say(&format!(
        "Restoring account '{user}' in {db}\nfrom the {what} {snap} (written {when}).\n\n\
         The {what} holds: {holds}.\n\
         The account now holds: {now}; this will be replaced (and first saved to a \
         snapshot, so the restore can be undone).\n\
         Its sessions are closed; its tokens are left as they are.{received}\n",
        db = ctx.db.display(),
        what = info.kind.noun(),
        snap = info.source.display(),
        when = utc_time(info.created),
        holds = describe_counts(&info.counts),
        now = describe_counts(current),
    ));
    let answer = ctx.prompt.line("Restore? Type yes to continue")?;
    if !answer.trim().eq_ignore_ascii_case("yes") {
        return Err(Error::new(
            Id::NotConfirmed,
            "the restore was not confirmed; nothing was changed",
        ));
    }
    Ok(())
}

fn restore_checked(
    ctx: &Ctx,
    store: &mut dyn crate::account::Accounts,
    args: &RestoreArgs,
    info: &crate::store::snapshot::SnapshotInfo,
    current: &crate::store::Counts,
) -> Result<Report> {
    let user = info.user.clone();
    let received = if info.received_shares > 0 {
        format!(
            "\n{} shares that other accounts own with '{user}' as receiver are recorded in \
             the snapshot but not restored: they belong to their owners' accounts.",
            info.received_shares
        )
    } else {
        String::new()
    };
    if !args.yes {
        confirm(ctx, info, current, &received)?;
    }
    let bar = ctx.progress(restored_tables().count() as u64, "Restoring");
    let job = Job {
        replace: args.replace,
        progress: &|_| bar.inc(1),
    };
    let done = store.restore(info, &args.path, job)?;
    bar.finish_and_clear();
    let restored = info.restored();
    if let Some(warning) = done.warning {
        ctx.out.warn(&warning);
    }
    let undo = crate::text::path_text(&done.undo);
    Ok(Report::new(json!({
        "success": true,
        "user": user,
        "path": crate::text::path_text(&args.path),
        "file": crate::text::path_text(&info.source),
        "source": info.kind,
        "counts": info.counts,
        "restored": restored,
        "not_restored": {
            "received_shares": info.received_shares,
            "tokens": info.counts.tokens,
            "sessions": info.counts.sessions,
        },
        "undo": undo,
    }))
    .note(format!(
        "Restored account '{user}' from {}: {}.{received}\nThe account as it was is in \
         {undo}.",
        args.path.display(),
        describe_counts(&restored)
    )))
}
