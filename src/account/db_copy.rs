//! One user back from a copy of the whole database: a dump (pg_dump, mariadb-dump)
//! loaded into a scratch database, or a copy of the SQLite file. The copy is opened as
//! another installation, read only, and the user's rows in it are written to a pwaccount
//! snapshot (`…-from-copy.sqlite`, kept beside the other snapshots); from there the
//! restore is a snapshot's, checked and written as every snapshot is. A new source of
//! snapshots, not a third restore.

use std::path::{Path, PathBuf};

use crate::error::{Error, Id, Result};
use crate::store::Access;
use crate::store::nextcloud::NextcloudStore;
use crate::store::snapshot::{SnapshotInfo, SourceKind};

/// A database copy a restore was given.
pub(crate) enum Copy {
    /// A Nextcloud configuration (its folder, or a `config.php`) naming the scratch
    /// database the dump was loaded into.
    Configuration(PathBuf),
    /// A copy of an installation's SQLite database file.
    SqliteFile(PathBuf),
}

/// Whether `path` is a database copy: a folder or a `.php` file, or an SQLite file that
/// is a Nextcloud database (it has `<prefix>appconfig`), not a pwaccount snapshot.
pub(crate) fn copy_at(path: &Path, prefix: &str) -> Result<Option<Copy>> {
    if path.is_dir() || path.extension().is_some_and(|e| e == "php") {
        return Ok(Some(Copy::Configuration(path.to_path_buf())));
    }
    if crate::store::snapshot::kind_of(path)? == crate::store::snapshot::Kind::Sqlite
        && path.is_file()
        && crate::store::snapshot::has_table(path, &format!("{prefix}appconfig"))?
    {
        return Ok(Some(Copy::SqliteFile(path.to_path_buf())));
    }
    Ok(None)
}

/// A scratch installation that opens the SQLite file `db` with the configuration of
/// `live` (its secrets, prefix, instance id): its own folder with the live configuration
/// files, one more file naming the copy, and the copy linked in. Removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch_for(live: &NextcloudStore, db: &Path) -> Result<Scratch> {
    let failed = |e: std::io::Error| {
        Error::new(
            Id::BackupFailed,
            format!("cannot prepare the reading of the database copy: {e}; nothing was changed"),
        )
    };
    let base = live.default_backups()?;
    crate::store::files::prepare_folder(&base.join("x"), live.path(), false, true)?;
    let dir = base.join(format!(".copy-{}", std::process::id()));
    let scratch = Scratch(dir.clone());
    std::fs::create_dir_all(dir.join("config")).map_err(failed)?;
    std::fs::create_dir_all(dir.join("data")).map_err(failed)?;
    let config_dir = live
        .config_file()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for entry in std::fs::read_dir(&config_dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text == "config.php" || (text.ends_with(".config.php") && !text.starts_with('.')) {
            std::fs::copy(entry.path(), dir.join("config").join(&name)).map_err(failed)?;
        }
    }
    let data = dir.join("data");
    std::fs::write(
        dir.join("config/zz-pwaccount-copy.config.php"),
        format!(
            "<?php\n$CONFIG = array (\n  'dbtype' => 'sqlite3',\n  'dbname' => 'copy',\n  \
             'datadirectory' => '{}',\n);\n",
            crate::text::path_text(&data)
                .replace('\\', "\\\\")
                .replace('\'', "\\'")
        ),
    )
    .map_err(failed)?;
    let target = std::path::absolute(db).map_err(failed)?;
    std::os::unix::fs::symlink(&target, data.join("copy.db")).map_err(failed)?;
    Ok(scratch)
}

/// Read `user` from the database copy `copy` into a pwaccount snapshot of this
/// installation, and check that snapshot for the restore.
pub(crate) fn inspect(
    store: &mut NextcloudStore,
    copy: Copy,
    user: Option<&str>,
    other_installation: bool,
) -> Result<SnapshotInfo> {
    let Some(user) = user else {
        return Err(Error::new(
            Id::Usage,
            "a database copy holds every user: name the one to restore with --user; nothing \
             was changed",
        ));
    };
    store.require_user(user)?;
    let (root, _scratch) = match copy {
        Copy::Configuration(root) => (root, None),
        Copy::SqliteFile(file) => {
            let scratch = scratch_for(store, &file)?;
            (scratch.0.clone(), Some(scratch))
        }
    };
    let mut copy = NextcloudStore::open(&root, Access::Read, store.timeouts(), None)?;
    if copy.location() == store.location() {
        return Err(Error::new(
            Id::Usage,
            format!(
                "{} names this installation's own database ({}), not a copy of it; nothing \
                 was changed",
                root.display(),
                store.location()
            ),
        ));
    }
    let dest = crate::account::Store::default_snapshot(store, user, "-from-copy")?;
    crate::store::files::prepare_folder(&dest, store.path(), false, true)?;
    let job = super::Job {
        replace: false,
        progress: &|_| {},
    };
    crate::account::Store::write_snapshot(&mut copy, user, &dest, job)?;
    drop(copy);
    let info = store.inspect_snapshot(&dest, other_installation)?;
    Ok(SnapshotInfo {
        user: info.user,
        created: info.created,
        source: dest,
        kind: SourceKind::DatabaseCopy,
        counts: info.counts,
        received_shares: 0,
    })
}
