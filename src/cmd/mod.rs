//! One module per subcommand: each reads its arguments, gathers answers (files,
//! environment, prompts), calls the account layer and builds a `Report`. No SQL here.
// Commands print progress and results (clippy.toml keeps printing out of lower layers).
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

mod accounts;
mod backup;
mod backups;
mod challenge;
mod check;
mod completions;
mod feature;
mod log;
mod rekey;
mod reset;
mod secrets;
mod status;

use std::path::PathBuf;
use std::time::Duration;

use crate::account::Accounts;
use crate::cli::{Cli, Command};
use crate::error::{Error, Id, Result};
use crate::output::{Output, Report};
use crate::prompt::Prompter;
use crate::store::file::{self as file_store, AccountStore};
use crate::store::nextcloud::NextcloudStore;
use crate::store::{self, Access, validate_user_id};

/// What every command needs to know about the run.
pub(crate) struct Ctx {
    /// The account id, or why there is none (only commands about an account need it).
    user: Result<String>,
    /// Whether the id was given (--user or PWACCOUNT_USER) rather than the login name.
    pub user_given: bool,
    /// The database as the command line names it: the pwaccount file, or the Nextcloud
    /// installation.
    pub db: PathBuf,
    /// Which kind of store `db` is: what it serves, and how it is opened.
    pub store: &'static StoreKind,
    pub busy_timeout: Duration,
    /// `--server-timeout`.
    pub server_timeout: Duration,
    /// `--accept-unverified-app`: the unverified app version changes may be made on.
    pub accept_unverified_app: Option<String>,
    pub out: Output,
    pub prompt: Prompter,
}

impl Ctx {
    /// A bar over every account of `store` on standard error, for work done account by
    /// account (drawn only at a terminal, not with --quiet or --json). The accounts are
    /// counted first — a read of their ids only, a page at a time — and only when the bar
    /// is drawn.
    pub(crate) fn accounts_bar(
        &self,
        label: &str,
        store: &mut dyn Accounts,
    ) -> Result<indicatif::ProgressBar> {
        if self.out.quiet || self.out.json {
            return Ok(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(0);
        if bar.is_hidden() {
            return Ok(bar);
        }
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} accounts")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_owned());
        let mut total = 0u64;
        crate::account::each_account(store, &mut |_, _| {
            total += 1;
            Ok(true)
        })?;
        bar.set_length(total);
        Ok(bar)
    }

    /// A progress bar on standard error, drawn only at a terminal and without --quiet.
    pub(crate) fn progress(&self, steps: u64, label: &str) -> indicatif::ProgressBar {
        if self.out.quiet {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(steps);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} tables")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_owned());
        bar
    }

    /// What SQLite's own integrity check says of the database file (on Nextcloud, the
    /// SQLite file its configuration names), for a database too damaged to open as a
    /// store; on a database server, why it could not be checked.
    pub(crate) fn file_integrity(&self) -> Vec<String> {
        match (self.store.capabilities.sqlite_file)(&self.db) {
            Ok(Some(file)) => store::integrity_of_file(&file),
            Ok(None) => vec!["the database server reported the database damaged".into()],
            Err(e) => vec![e.message],
        }
    }

    pub(crate) fn user(&self) -> Result<&str> {
        self.user.as_deref().map_err(Clone::clone)
    }

    /// The Nextcloud installation, for what only it serves (`rekey`).
    pub(crate) fn nextcloud_store(&self, access: Access) -> Result<NextcloudStore> {
        NextcloudStore::open(
            &self.db,
            access,
            store::Timeouts {
                busy: self.busy_timeout,
                server: self.server_timeout,
            },
            self.accept_unverified_app.as_deref(),
        )
    }

    /// The account store the command works on, for the flows every store serves.
    pub(crate) fn accounts(&self, access: Access) -> Result<Box<dyn Accounts>> {
        (self.store.open)(self, access)
    }

    /// What the store serves.
    pub(crate) fn capabilities(&self) -> &'static store::Capabilities {
        self.store.capabilities
    }

    pub(crate) fn open(&self, access: Access) -> Result<AccountStore> {
        let store = AccountStore::open(&self.db, access, self.busy_timeout)?;
        if let Some(warning) = file_store::loose_permissions(&self.db) {
            self.out.warn(&warning);
        }
        if let Some(folder) = self.db.parent() {
            self.remove_stale_files(&folder.join("backups").join("x"));
        }
        Ok(store)
    }

    /// Remove temporary snapshot files that interrupted or killed runs left in the folder
    /// of `dest`, and say so (once: they are gone afterwards).
    pub(crate) fn remove_stale_files(&self, dest: &std::path::Path) {
        let folder = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        let removed = store::files::remove_stale(folder);
        if !removed.is_empty() {
            self.out.warn(&format!(
                "note: removed {} temporary file(s) that an interrupted pwaccount run left in {}",
                removed.len(),
                folder.display()
            ));
        }
    }
}

/// A kind of store as the command line names it: what it serves, and how it is opened.
/// `FILE_STORE` and `NEXTCLOUD_STORE` are the only places above the store layer that know
/// the stores apart; a new store is one more of these and one more flag.
pub(crate) struct StoreKind {
    pub capabilities: &'static store::Capabilities,
    open: fn(&Ctx, Access) -> Result<Box<dyn Accounts>>,
}

static FILE_STORE: StoreKind = StoreKind {
    capabilities: &file_store::CAPABILITIES,
    open: |ctx, access| Ok(Box::new(ctx.open(access)?)),
};

static NEXTCLOUD_STORE: StoreKind = StoreKind {
    capabilities: &crate::store::nextcloud::CAPABILITIES,
    open: |ctx, access| {
        let store = ctx.nextcloud_store(access)?;
        if access == Access::Read
            && let Some(note) = store.unverified_note()
        {
            ctx.out.warn(&note);
        }
        Ok(Box::new(store))
    },
};

pub(crate) fn run(cli: Cli, out: Output) -> Result<Report> {
    if let Command::Completions { shell } = cli.command {
        // Needs neither an account nor a database.
        return Ok(completions::run(shell));
    }
    let user_given = cli.user.is_some();
    let user = resolve_user(cli.user);
    let (db, kind) = match (cli.nextcloud, cli.db) {
        (Some(path), _) => (path, &NEXTCLOUD_STORE),
        (None, Some(path)) => (path, &FILE_STORE),
        (None, None) => (
            file_store::default_path().map_err(|e| hint(e, FILE_STORE.capabilities))?,
            &FILE_STORE,
        ),
    };
    let db = std::path::absolute(&db).unwrap_or(db);
    if let Some(why) = not_served(&cli.command, kind.capabilities) {
        return Err(Error {
            database: Some(db),
            ..why
        });
    }
    let ctx = Ctx {
        user,
        user_given,
        db,
        store: kind,
        busy_timeout: Duration::from_millis(cli.busy_timeout),
        server_timeout: Duration::from_secs(cli.server_timeout),
        accept_unverified_app: cli.accept_unverified_app.clone(),
        out,
        prompt: Prompter::new(cli.no_input),
    };
    let account = failure_account(&cli.command, &ctx);
    crate::interrupt::set_context(account.clone(), ctx.db.clone());
    let result = match cli.command {
        Command::Accounts(args) => accounts::run(&ctx, &args),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Rekey(args) => rekey::run(&ctx, &args),
        Command::Log(args) => log::run(&ctx, &args),
        Command::Status => status::run(&ctx),
        Command::Backups => backups::run(&ctx),
        Command::Feature(c) => feature::run(&ctx, c),
        Command::Challenge(c) => challenge::run(&ctx, c),
        Command::Reset(args) => reset::run(&ctx, args),
        Command::Backup(args) => backup::backup(&ctx, args),
        Command::Restore(args) => backup::restore(&ctx, args),
        Command::Completions { shell } => Ok(completions::run(shell)),
    };
    result
        .map_err(|e| hint(e, ctx.store.capabilities))
        .map_err(|e| match &account {
            Some(user) => e.in_context(user, &ctx.db),
            None => Error {
                database: Some(ctx.db.clone()),
                ..e
            },
        })
}

/// The refusal of `command` by a store that does not serve it, if it does not (the
/// store's capabilities list what it does not serve, and why).
fn not_served(command: &Command, store: &store::Capabilities) -> Option<Error> {
    let operation = match command {
        Command::Backup(args) if args.all => "backup --all",
        Command::Feature(_) => "feature",
        _ => return None,
    };
    let why = store.refuses(operation)?;
    Some(Error::new(Id::NextcloudUnsupported, why))
}

/// The account a failure names, if the command is about one: the same for a failure
/// returned by the command and for a run ended from another thread (a server that does
/// not answer, an interruption during a server wait).
fn failure_account(command: &Command, ctx: &Ctx) -> Option<String> {
    // Without --user, a restore works on the snapshot's account, not the login name: its
    // errors name that account themselves, once it is known.
    let login_is_not_the_account = matches!(command, Command::Restore(_)) && !ctx.user_given;
    // `accounts` is about the database, not one account.
    let about_no_account = matches!(command, Command::Accounts(_))
        || matches!(command, Command::Backups if !ctx.user_given)
        || matches!(command, Command::Check(args) if args.all || !ctx.user_given)
        || matches!(command, Command::Rekey(_) if !ctx.user_given)
        || matches!(command, Command::Log(args) if args.all || !ctx.user_given);
    match &ctx.user {
        Ok(user) if !login_is_not_the_account && !about_no_account => Some(user.clone()),
        _ => None,
    }
}

/// The command line's part of a failure's message: which flag does something about it
/// (never `--db` where the store is named by another flag, which `--db` cannot be used
/// with). The layers below name no flags.
fn hint(e: Error, store: &store::Capabilities) -> Error {
    let names_db = matches!(
        e.id,
        Id::DatabaseIsDirectory | Id::FolderMissing | Id::NoDataDirectory | Id::CannotCreateFolder
    );
    if store.flag != "--db" && names_db {
        return e;
    }
    let more = match e.id {
        Id::DatabaseBusy => " (or raise --busy-timeout)",
        Id::DatabaseIsDirectory => "; give the path of a file with --db",
        Id::FolderMissing => "; create it first or choose another --db",
        Id::NoDataDirectory | Id::CannotCreateFolder => "; give the database with --db",
        Id::AccountNotBlank => "; add --replace to replace its data with the snapshot's",
        Id::BackupExists => " with --force",
        Id::PassphraseRequired => {
            "; give it with --old-passphrase-file or --old-passphrase-env (or \
             --old-secret-file / --old-secret-env)"
        }
        _ => return e,
    };
    e.with_hint(more)
}

/// `--user`/`PWACCOUNT_USER`, else the login name from `USER`, then `LOGNAME`.
fn resolve_user(given: Option<String>) -> Result<String> {
    let user = given
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("LOGNAME").ok().filter(|s| !s.is_empty()))
        .ok_or_else(|| {
            Error::new(
                Id::NoUser,
                "no account given: use --user ID or set PWACCOUNT_USER (USER and LOGNAME \
                 are not set either)",
            )
        })?;
    validate_user_id(&user)?;
    Ok(user)
}
