//! The command line, as clap types only. Doc comments are the help text.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

/// The long help's last part: the exit statuses, made from the error catalogue (each
/// status with the ids that end in it), then the environment and where secrets come from.
fn after_help() -> String {
    format!("{}\n{AFTER_HELP}", crate::error::exit_status_help())
}

const AFTER_HELP: &str = "\
ENVIRONMENT:
    PWACCOUNT_DB            database file (as --db)
    PWACCOUNT_NEXTCLOUD     Nextcloud installation (as --nextcloud)
    PWACCOUNT_USER          account id (as --user)
    PWACCOUNT_BUSY_TIMEOUT  milliseconds to wait for a busy database (as --busy-timeout)
    PWACCOUNT_SERVER_TIMEOUT
                            seconds a database server may take to answer (as
                            --server-timeout)
    USER, LOGNAME           the default account id when neither --user nor
                            PWACCOUNT_USER is given

Secrets are never taken from the command line: they come from a prompt, a file
(--...-file F, where F may be - for standard input, for one secret at most), or an
environment variable whose name you give (--...-env VAR).";

/// The longest --busy-timeout: one hour, in milliseconds.
pub(crate) const MAX_BUSY_TIMEOUT_MS: u64 = 3_600_000;

/// Administer the account database of a password manager: pwaccount's own SQLite file, or
/// a Nextcloud installation's Passwords app (--nextcloud).
///
/// pwaccount runs the account API's flows (reset, challenge get, challenge set) directly
/// on the database (the SQLite file, or Nextcloud's on SQLite, PostgreSQL or
/// MySQL/MariaDB), for administrators at a terminal and for scripts. Every
/// command either completes or leaves the database exactly as it was, and says which.
/// With --json, exactly one JSON object is printed on standard output, errors included;
/// messages for people go to standard error.
#[derive(Debug, Parser)]
#[command(name = "pwaccount", version, after_long_help = after_help(), max_term_width = 100)]
pub struct Cli {
    /// The account database file. Created (mode 0600) if it does not exist. [default:
    /// accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]
    #[arg(long, env = "PWACCOUNT_DB", value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,

    /// A Nextcloud installation to work on instead: its folder or its config/config.php.
    /// pwaccount reads its configuration as Nextcloud does and uses the Passwords app's
    /// own tables, as the app does, through its database (SQLite, PostgreSQL or
    /// MySQL/MariaDB; not for backup --all or feature).
    #[arg(long, env = "PWACCOUNT_NEXTCLOUD", value_name = "PATH", global = true)]
    pub nextcloud: Option<PathBuf>,

    /// The account to work on: 1 to 64 characters, no control characters. [default: the
    /// login name from USER, then LOGNAME]
    #[arg(short, long, env = "PWACCOUNT_USER", value_name = "ID", global = true)]
    pub user: Option<String>,

    /// Print exactly one JSON object on standard output, also on failure.
    #[arg(long, global = true)]
    pub json: bool,

    /// Never prompt. A command that needs an answer fails with exit status 2 and names the
    /// flag that supplies it. Prompts are also skipped when standard input or standard
    /// error is not a terminal.
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Print only errors on standard error; no notes or summaries.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// How long to wait, in milliseconds (0 to 3600000, one hour), for another program that
    /// holds the database's write lock before giving up with exit status 8.
    #[arg(
        long,
        env = "PWACCOUNT_BUSY_TIMEOUT",
        value_name = "MS",
        default_value_t = 5000,
        value_parser = clap::value_parser!(u64).range(0..=MAX_BUSY_TIMEOUT_MS),
        global = true
    )]
    pub busy_timeout: u64,

    /// Nextcloud on a database server: how long, in seconds (1 to 3600), the server may
    /// take to answer: to accept the connection, TLS and the login together, and each
    /// statement (plus --busy-timeout, as a statement may wait for a lock). A server that
    /// does not answer in time ends the command with exit status 8; nothing is committed.
    #[arg(
        long,
        env = "PWACCOUNT_SERVER_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub server_timeout: u64,

    /// Nextcloud: allow changes on a Passwords app version this build was not verified
    /// with, naming that installed version exactly (as `status` shows it); only where the
    /// tables pwaccount writes have exactly the columns of a verified version. Every such
    /// change's audit record says so.
    #[arg(long, value_name = "VERSION", global = true)]
    pub accept_unverified_app: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Delete all of an account's data, after a typed-code confirmation.
    ///
    /// Without --code, a fresh reset code is issued (replacing any earlier one). At a
    /// terminal, pwaccount shows what the account holds and what will be kept, shows the
    /// code and asks you to type it back; the reset happens only if the typed code matches.
    /// Without a terminal (or with --no-input) the code is printed on standard output and
    /// nothing is deleted: run `pwaccount reset --code CODE` within its lifetime (10 minutes
    /// unless the server setting reset.code_ttl_seconds says otherwise) to confirm.
    ///
    /// A reset deletes, in one transaction, the account's passwords, folders and tags with
    /// their revisions, password-tag relations, shares it owns or receives, settings,
    /// configuration, challenge, keychains, sessions and reset codes. It keeps the account
    /// itself, its app and device tokens and its audit records. No passphrase is needed.
    /// On Nextcloud it does what the Passwords app's own reset does: the items are flagged
    /// deleted, the app's keys, challenge and client settings go, and the user's other app
    /// settings are kept.
    Reset(ResetArgs),

    /// Read, set or check the account's login challenge (PWDv1r1).
    #[command(subcommand)]
    Challenge(ChallengeCommand),

    /// Write a snapshot of the account (or, with --all, of the whole database).
    ///
    /// The snapshot is a pwaccount database file holding only this account's rows, from
    /// every table, with a digest of its contents. It is written to a temporary file,
    /// synced and then renamed, with mode 0600, and never replaces an existing file unless
    /// --force is given. PATH defaults to backups/ beside the database file (on Nextcloud:
    /// appdata_<instance id>/pwaccount/backups/ in its data directory), named with the
    /// account id and a UTC timestamp. With --all, PATH is required and receives a
    /// consistent copy of the whole database while other programs keep using it.
    Backup(BackupArgs),

    /// Put an account back as a snapshot or, on Nextcloud, one of the Passwords app's own
    /// backups holds it.
    ///
    /// SOURCE is a pwaccount snapshot (a file written by `backup` or by a reset) or, on
    /// Nextcloud, an app backup (its label as `occ passwords:backup:list` shows it, or the
    /// path of a `.json.gz`/`.json` file from `occ passwords:backup:export`) or a copy of
    /// the whole database (a configuration, folder or config.php, naming a scratch database
    /// a dump was loaded into; or a copy of the SQLite file). The kind is recognised from
    /// the content. Everything is checked before anything changes: a
    /// snapshot's schema, digest and rows; an app backup's format (106), its keys against
    /// this installation's, and the user (--user is required: a backup holds every user).
    /// An account that is not blank is replaced only with --replace. The account as it is
    /// is first written to a snapshot (so every restore can be undone), then its rows are
    /// replaced in one transaction; its sessions are closed and a pending reset code is
    /// cancelled. --dry-run shows per table what would be deleted
    /// and written. At a terminal you are shown what the source holds and asked to confirm;
    /// scripts pass --yes.
    Restore(RestoreArgs),

    /// List the backups a restore can use: on Nextcloud the Passwords app's own (manual
    /// and automatic) and pwaccount's snapshots; on the pwaccount file its snapshots.
    ///
    /// For each app backup: its label, manual or automatic, when it was written, its size,
    /// its format and how many users it holds; with --user, what it holds of that user (and
    /// only that user's snapshots are listed). A backup file that anyone but its owner can
    /// read is warned about: it holds the installation's server secret and every user's
    /// key in clear. A file that cannot be read is listed with the reason.
    Backups,

    /// List every account in the database, with what it holds.
    ///
    /// One line (or, with --json, one object in {"accounts":[…]}) per account, in byte
    /// order of the id: item counts, challenge, encryption, pending reset and the time of
    /// its last change (its newest row or audit record). An account is any id that owns a row of the database (on a Nextcloud
    /// installation: a row of the Passwords app's tables or one of its preferences). Rows
    /// are printed as they are read, so memory does not grow with the number of accounts.
    /// Filters combine: an account is listed when it passes all of them.
    Accounts(AccountsArgs),

    /// Check the database: the engine's own integrity check, then every account (or the
    /// one given with --user) for damage.
    ///
    /// Reported: a challenge pointer without its challenge, keychains without a challenge,
    /// a challenge that cannot be read, rows pointing at rows that are not there
    /// (revisions, tag assignments, shares), and reset codes that expired unused. On
    /// Nextcloud, a sample of each user's server-encrypted items (3 live revisions of each
    /// kind) is opened with the installation's keys, with no passphrase: a changed
    /// `secret` or `passwords.secret`, a missing user key or a replaced server key is named
    /// per user; with --old-secret-file or --old-secret-env, a former secret is tried too.
    /// Each finding names the account and the command that repairs it. Exit 0 when
    /// everything is sound, 8 (`check_failed`) with the findings when not. Nothing is ever
    /// changed.
    Check(CheckArgs),

    /// Nextcloud: re-encrypt under the installation's current server secret what the app
    /// encrypted under a former one.
    ///
    /// When the `secret` (or `passwords.secret`) of config.php changes, the items the app
    /// encrypted on the server (SSEv1) no longer open: the app answers "Unable to complete
    /// request" and logs "HMAC does not match". `check` names the users. rekey opens every
    /// password, folder and tag revision of every user (or the one given with --user)
    /// that does not open with the current secret but does with the old one
    /// (--old-secret-file or --old-secret-env; never on the command line), and encrypts
    /// its fields again under the current secret, in one transaction. A snapshot of each
    /// user it changes is written first (`restore --replace` undoes it), and each user gets
    /// an audit record. Refused, with nothing changed: an old secret that opens nothing, and
    /// items that open with neither secret (unless --only-openable). --dry-run shows the
    /// plan. At a terminal you confirm by typing yes; scripts pass --yes. The app's SSEv2
    /// keychains are encrypted under the secret and the user's passphrase-derived key, which
    /// pwaccount cannot open without the passphrase: they are counted, not changed.
    #[command(group(
        clap::ArgGroup::new("old_server_secret")
            .args(["old_secret_file", "old_secret_env"])
            .required(true)
    ))]
    Rekey(RekeyArgs),

    /// Show the audit trail: every change pwaccount made, oldest first.
    ///
    /// Each reset, reset code, challenge set, restore and feature change appends one
    /// record in the transaction of the change itself: its time, the operating-system user
    /// who ran pwaccount and the host, the account, the action, its outcome and what it
    /// touched. A change that did not happen left no record; one that happened has one. A
    /// reset keeps the account's records. Without --user (or PWACCOUNT_USER), or with
    /// --all, every record is shown, changes to the whole database (features) included.
    Log(LogArgs),

    /// Show what the account holds: counts, challenge, encryption, pending reset.
    ///
    /// A never-seen account is blank: every count is 0.
    Status,

    /// List, enable or disable server features.
    #[command(subcommand)]
    Feature(FeatureCommand),

    /// Print a shell completion script on standard output.
    ///
    /// For example: `pwaccount completions bash > ~/.local/share/bash-completion/completions/pwaccount`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// Only accounts that have a challenge.
    #[arg(long, conflicts_with = "without_challenge")]
    pub with_challenge: bool,

    /// Only accounts without a challenge.
    #[arg(long)]
    pub without_challenge: bool,

    /// Only blank accounts: no passwords, folders, tags, shares or keychains, and no
    /// challenge.
    #[arg(long)]
    pub blank: bool,

    /// Only accounts with a reset code pending.
    #[arg(long)]
    pub pending_reset: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check every account (the default unless --user or PWACCOUNT_USER names one).
    #[arg(long)]
    pub all: bool,

    #[command(flatten)]
    pub old: OldServerSecret,
}

#[derive(Debug, Args)]
pub struct RekeyArgs {
    #[command(flatten)]
    pub old: OldServerSecret,

    /// Show what would be re-encrypted, per user and kind of item; change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Re-encrypt what opens with the old secret even when some items open with neither
    /// secret (those are left as they are and listed).
    #[arg(long)]
    pub only_openable: bool,

    /// Confirm without a terminal (scripts). At a terminal, the plan is shown and you are
    /// asked to type yes.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Every account's records (the default unless --user or PWACCOUNT_USER names one).
    #[arg(long)]
    pub all: bool,

    /// Only records from this time on: Unix seconds, a UTC date or date and time
    /// (2026-11-28, 2026-11-28T19:30:00Z), or a span before now (30m, 12h, 7d, 2w).
    #[arg(long, value_name = "TIME", value_parser = since)]
    pub since: Option<i64>,
}

fn since(text: &str) -> Result<i64, String> {
    let now = crate::text::now().map_err(|e| e.message)?;
    crate::text::parse_time(text, now)
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Confirm a reset with the code an earlier `pwaccount reset` issued (any case;
    /// surrounding spaces are ignored). It is single use.
    #[arg(long, value_name = "CODE", conflicts_with = "cancel")]
    pub code: Option<String>,

    /// Withdraw the pending reset code instead (nothing else changes; recorded in the
    /// audit trail). Without a pending code this changes nothing and says so.
    #[arg(long)]
    pub cancel: bool,

    /// Do not write a snapshot of the account before deleting it (by default one is written
    /// to backups/ beside the database file, on Nextcloud to appdata_<instance
    /// id>/pwaccount/backups/ in its data directory, and the reset is refused if that
    /// fails).
    #[arg(long)]
    pub no_backup: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the snapshot (default: backups/ beside the database file; on
    /// Nextcloud appdata_<instance id>/pwaccount/backups/ in its data directory).
    #[arg(value_name = "PATH", required_if_eq("all", "true"))]
    pub path: Option<PathBuf>,

    /// Copy the whole database, every account, instead of one account.
    #[arg(long)]
    pub all: bool,

    /// Replace PATH if it is an existing regular file. Never the database itself or its
    /// journal files (by any name or link), and never anything but a regular file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A snapshot file (from `backup` or a reset) or, on Nextcloud, an app backup (its
    /// label, or the path of its `.json.gz`/`.json` file) or a database copy (a
    /// configuration naming it, or the SQLite file).
    #[arg(value_name = "SOURCE")]
    pub path: PathBuf,

    /// Show per table what the restore would delete and write; change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Replace the data of an account that is not blank.
    #[arg(long)]
    pub replace: bool,

    /// Do not ask for confirmation (for scripts; never implied without a terminal).
    #[arg(long)]
    pub yes: bool,

    /// Nextcloud: restore a snapshot written on another installation (another instance
    /// id). Allowed only where that installation had the same secrets, so that the keys in
    /// the snapshot still open here; otherwise the restore is refused with the reason.
    #[arg(long)]
    pub other_installation: bool,
}

#[derive(Debug, Subcommand)]
pub enum ChallengeCommand {
    /// Print the account's challenge: {"salts":[…],"type":"PWDv1r1"}.
    ///
    /// Pretty-printed at a terminal, compact on a pipe or with --json. Exit status 4 when
    /// the account has no challenge. No passphrase is needed: the salts are public.
    Get,

    /// Create or change the passphrase challenge; enables client-side encryption.
    ///
    /// Passphrase mode (the default): pwaccount derives the secret as a PWDv1r1 client
    /// would. The new passphrase (12 to 128 characters) comes from a prompt (asked twice),
    /// --passphrase-file or --passphrase-env. If the account already has a challenge, the
    /// current passphrase is needed as well (prompt, --old-passphrase-file or
    /// --old-passphrase-env).
    ///
    /// Raw mode, for clients that derive the secret themselves: --secret-file or
    /// --secret-env with --data or --data-file (the JSON array of the three salts), and for
    /// an existing challenge --old-secret-file or --old-secret-env (or the old passphrase).
    ///
    /// Changing the challenge re-encrypts every keychain under a new account key in the
    /// same transaction, so nothing sealed under an earlier challenge is lost.
    #[command(
        group(ArgGroup::new("new_source").args(["passphrase_file", "passphrase_env", "secret_file", "secret_env"])),
        group(ArgGroup::new("old_source").args(["old_passphrase_file", "old_passphrase_env", "old_secret_file", "old_secret_env"])),
        group(ArgGroup::new("raw_secret").args(["secret_file", "secret_env"]).requires("data_source")),
        group(ArgGroup::new("data_source").args(["data", "data_file"]).requires("raw_secret")),
    )]
    Set(ChallengeSetArgs),

    /// Check a passphrase or secret against the challenge; change nothing.
    ///
    /// Exit status 0 when it is right, 5 when it is wrong, 4 when there is no challenge.
    #[command(group(ArgGroup::new("source").args(["passphrase_file", "passphrase_env", "secret_file", "secret_env"])))]
    Verify(ChallengeVerifyArgs),
}

/// Declares the `Args` of one secret that comes from a file or from an environment
/// variable, with the help text of each flag.
macro_rules! secret_source {
    ($name:ident, $file:ident, $env:ident, $file_help:literal, $env_help:literal) => {
        #[derive(Debug, Args)]
        pub struct $name {
            #[doc = $file_help]
            #[arg(long, value_name = "FILE")]
            pub $file: Option<PathBuf>,
            #[doc = $env_help]
            #[arg(long, value_name = "VAR")]
            pub $env: Option<String>,
        }

        impl $name {
            /// The file and the variable given, if any.
            pub fn given(&self) -> (Option<&std::path::Path>, Option<&str>) {
                (self.$file.as_deref(), self.$env.as_deref())
            }
        }
    };
}

secret_source!(
    NewPassphrase,
    passphrase_file,
    passphrase_env,
    "Read the new passphrase from FILE (- for standard input).",
    "Read the new passphrase from the environment variable VAR."
);
secret_source!(
    OldPassphrase,
    old_passphrase_file,
    old_passphrase_env,
    "Read the current passphrase from FILE (- for standard input).",
    "Read the current passphrase from the environment variable VAR."
);
secret_source!(
    NewSecret,
    secret_file,
    secret_env,
    "Raw mode: read the new secret (64 hex characters) from FILE.",
    "Raw mode: read the new secret from the environment variable VAR."
);
secret_source!(
    OldSecret,
    old_secret_file,
    old_secret_env,
    "Raw mode: read the current secret from FILE (- for standard input).",
    "Raw mode: read the current secret from the environment variable VAR."
);
secret_source!(
    OldServerSecret,
    old_secret_file,
    old_secret_env,
    "Nextcloud: the installation's former server secret (the `secret`, or `passwords.secret`, of the config.php the items were written under), read from FILE (- for standard input).",
    "Nextcloud: the installation's former server secret, read from the environment variable VAR."
);
secret_source!(
    Passphrase,
    passphrase_file,
    passphrase_env,
    "Read the passphrase from FILE (- for standard input).",
    "Read the passphrase from the environment variable VAR."
);
secret_source!(
    DerivedSecret,
    secret_file,
    secret_env,
    "Check a derived secret (64 hex characters) read from FILE instead.",
    "Check a derived secret read from the environment variable VAR instead."
);

#[derive(Debug, Args)]
pub struct ChallengeSetArgs {
    #[command(flatten)]
    pub new: NewPassphrase,
    #[command(flatten)]
    pub old: OldPassphrase,
    #[command(flatten)]
    pub raw: NewSecret,
    /// Raw mode: the salts, as a JSON array of three hex strings.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// Raw mode: read the salts' JSON array from FILE (- for standard input).
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    #[command(flatten)]
    pub old_raw: OldSecret,
}

#[derive(Debug, Args)]
pub struct ChallengeVerifyArgs {
    #[command(flatten)]
    pub passphrase: Passphrase,
    #[command(flatten)]
    pub secret: DerivedSecret,
}

#[derive(Debug, Subcommand)]
pub enum FeatureCommand {
    /// List the features and whether each is enabled.
    List,
    /// Enable a feature.
    Enable {
        #[arg(value_enum)]
        name: Feature,
    },
    /// Disable a feature. Disabling client-side-encryption makes `challenge set` fail.
    Disable {
        #[arg(value_enum)]
        name: Feature,
    },
}

/// The server features pwaccount knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Feature {
    /// Client-side encryption: needed to set a challenge (enabled unless disabled).
    ClientSideEncryption,
}

impl Feature {
    pub const ALL: [Feature; 1] = [Feature::ClientSideEncryption];

    pub fn name(self) -> &'static str {
        match self {
            Feature::ClientSideEncryption => "client-side-encryption",
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
