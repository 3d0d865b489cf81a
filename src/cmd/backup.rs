use serde_json::json;

use super::Ctx;
use crate::account::backup;
use crate::cli::{BackupArgs, RestoreArgs};
use crate::error::{Error, Kind, Result};
use crate::output::{Report, describe_counts, utc_time};
use crate::prompt::Prompter;
use crate::store::Access;
use crate::store::snapshot::{restored_tables, snapshot_tables};

pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<Report> {
    if args.all {
        let dest = args
            .path
            .ok_or_else(|| Error::usage("missing_path", "backup --all needs a PATH to write to"))?;
        let store = ctx.open(Access::Read)?;
        backup::backup_all(&store, &dest, args.force)?;
        let path = dest.display().to_string();
        return Ok(Report::new(json!({ "success": true, "path": path }))
            .stdout(path.clone())
            .note(format!("Wrote a copy of the whole database to {path}.")));
    }
    let user = ctx.user()?;
    let store = ctx.open(Access::Read)?;
    let bar = ctx.progress(snapshot_tables().count() as u64, "Backing up");
    let (path, counts) = backup::backup(&store, user, args.path.as_deref(), args.force, &|_| {
        bar.inc(1)
    })?;
    bar.finish_and_clear();
    let path = path.display().to_string();
    Ok(
        Report::new(json!({ "success": true, "path": path, "counts": counts }))
            .stdout(path.clone())
            .note(format!(
                "Wrote a snapshot of account '{user}' to {path}: {}.",
                describe_counts(&counts)
            )),
    )
}

pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<Report> {
    let target = if ctx.user_given {
        Some(ctx.user()?)
    } else {
        None
    };
    let mut store = ctx.open(Access::Write)?;
    let (info, current) = backup::check_restore(&mut store, &args.path, target, args.replace)?;
    let user = info.user.clone();
    if !args.yes {
        if !ctx.prompt.available() {
            return Err(Prompter::cannot_ask("confirmation of the restore", "--yes"));
        }
        ctx.prompt.say(&format!(
            "Restoring account '{user}' in {db}\nfrom the snapshot {snap} (written {when}).\n\n\
             The snapshot holds: {holds}.\n\
             The account now holds: {now}; this will be replaced.\n\
             Tokens are left as they are.\n",
            db = ctx.db.display(),
            snap = args.path.display(),
            when = utc_time(info.created),
            holds = describe_counts(&info.counts),
            now = describe_counts(&current),
        ));
        let answer = ctx.prompt.line("Restore? Type yes to continue")?;
        if !answer.trim().eq_ignore_ascii_case("yes") {
            return Err(Error::new(
                Kind::Forbidden,
                "not_confirmed",
                "the restore was not confirmed; nothing was changed",
            ));
        }
    }
    let bar = ctx.progress(restored_tables().count() as u64, "Restoring");
    backup::restore(&mut store, &info, &args.path, args.replace, &|_| bar.inc(1))?;
    bar.finish_and_clear();
    Ok(Report::new(json!({
        "success": true,
        "user": user,
        "path": args.path.display().to_string(),
        "counts": info.counts,
    }))
    .note(format!(
        "Restored account '{user}' from {}: {}.",
        args.path.display(),
        describe_counts(&info.counts)
    )))
}
