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
        replace: args.replace,
        other_installation: args.other_installation,
    })?;
    let user = info.user.clone();
    restore_checked(ctx, store.as_mut(), &args, &info, &current)
        .map_err(|e| e.in_context(&user, &ctx.db))
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
        if !ctx.prompt.available() {
            return Err(Prompter::cannot_ask("confirmation of the restore", "--yes"));
        }
        ctx.prompt.say(&format!(
            "Restoring account '{user}' in {db}\nfrom the snapshot {snap} (written {when}).\n\n\
             The snapshot holds: {holds}.\n\
             The account now holds: {now}; this will be replaced.\n\
             Tokens are left as they are.{received}\n",
            db = ctx.db.display(),
            snap = args.path.display(),
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
    }
    let bar = ctx.progress(restored_tables().count() as u64, "Restoring");
    let job = Job {
        replace: args.replace,
        progress: &|_| bar.inc(1),
    };
    let warning = store.restore(info, &args.path, job)?;
    bar.finish_and_clear();
    let restored = info.restored();
    if let Some(warning) = warning {
        ctx.out.warn(&warning);
    }
    Ok(Report::new(json!({
        "success": true,
        "user": user,
        "path": crate::text::path_text(&args.path),
        "counts": info.counts,
        "restored": restored,
        "not_restored": { "received_shares": info.received_shares, "tokens": info.counts.tokens },
    }))
    .note(format!(
        "Restored account '{user}' from {}: {}.{received}",
        args.path.display(),
        describe_counts(&restored)
    )))
}
