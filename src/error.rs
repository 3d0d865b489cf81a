//! One error type for the whole tool, and the catalogue of every way it can fail: each
//! failure has a stable snake_case id (scripts match on it in `--json` output), the exit
//! code of design §2 that goes with it, and a one-line meaning. The list below is the only
//! place ids are declared; the README and the man page carry the same table, and a test
//! keeps the three in step.

use std::fmt;
use std::path::{Path, PathBuf};

macro_rules! catalogue {
    ($($variant:ident = $id:literal, $code:literal, $meaning:literal;)*) => {
        /// A failure's stable id. Its exit code and meaning come with it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Id {
            $($variant,)*
        }

        impl Id {
            /// Every id, in catalogue order.
            pub const ALL: &[Id] = &[$(Id::$variant,)*];

            /// The id as scripts see it in `--json` output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Id::$variant => $id,)*
                }
            }

            /// The exit status of a run that fails this way.
            pub fn exit_code(self) -> u8 {
                match self {
                    $(Id::$variant => $code,)*
                }
            }

            /// What the failure means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Id::$variant => $meaning,)*
                }
            }
        }
    };
}

catalogue! {
    Internal = "internal", 1, "an unexpected internal error (a bug, or the system clock before 1970)";
    Usage = "usage", 2, "the command line is not valid";
    NoUser = "no_user", 2, "no account given, and no login name to default to";
    InvalidUser = "invalid_user", 2, "the account id is not 1 to 64 characters without control characters";
    InvalidPath = "invalid_path", 2, "a path cannot be made absolute";
    InputRequired = "input_required", 2, "an answer is needed but cannot be prompted for";
    CannotReadFile = "cannot_read_file", 2, "a file named on the command line cannot be read";
    EnvNotSet = "env_not_set", 2, "a named environment variable is not set";
    StdinUsedTwice = "stdin_used_twice", 2, "standard input was named for more than one value";
    BackupExists = "backup_exists", 2, "the backup path exists and replacing it was not allowed";
    BackupTargetProtected = "backup_target_protected", 2, "the backup path is the database, a journal of it, or not a regular file";
    OtherInstallation = "other_installation", 2, "the snapshot was written on another Nextcloud installation (--other-installation, where its keys open here)";
    NextcloudOnly = "nextcloud_only", 2, "the command or option serves only a Nextcloud installation (the pwaccount file has no server-side keys)";
    UserMismatch = "user_mismatch", 2, "the snapshot holds another account than the one named";
    NoResetPending = "no_reset_pending", 3, "no reset code is pending for the account";
    CodeInvalid = "code_invalid", 3, "the reset code does not match the one issued";
    CodeExpired = "code_expired", 3, "the reset code has expired";
    CodeMismatch = "code_mismatch", 3, "the code typed at the terminal does not match";
    AccountNotBlank = "account_not_blank", 3, "the account has data and replacing it was not allowed";
    NotConfirmed = "not_confirmed", 3, "the restore or rekey was not confirmed (at the terminal, or with --yes)";
    RekeyPartial = "rekey_partial", 3, "some items open with neither the current nor the old secret, and --only-openable was not given";
    ChallengeNotFound = "challenge_not_found", 4, "the account has no challenge";
    NothingToReset = "nothing_to_reset", 4, "the account holds nothing a reset would delete, so no reset code is issued";
    NoSuchUser = "no_such_user", 4, "the Nextcloud installation has no user with exactly this id";
    PassphraseRequired = "passphrase_required", 5, "the current passphrase or secret is needed and was not given";
    PassphraseInvalid = "passphrase_invalid", 5, "the passphrase or secret is wrong";
    OldSecretWrong = "old_secret_wrong", 5, "nothing that fails to open with the installation's secret opens with the old server secret given";
    FeatureDisabled = "feature_disabled", 6, "the feature client-side-encryption is disabled";
    EmptyInput = "empty_input", 7, "a secret, passphrase or salts input is empty";
    NotUtf8 = "not_utf8", 7, "an input is not UTF-8 text";
    InputTooLarge = "input_too_large", 7, "an input file is larger than 64 KiB";
    InvalidData = "invalid_data", 7, "the salts are not a JSON array of three strings";
    InvalidSalt = "invalid_salt", 7, "a salt has the wrong length";
    InvalidHex = "invalid_hex", 7, "a salt is not hexadecimal";
    InvalidSecret = "invalid_secret", 7, "a secret is not 64 hexadecimal characters";
    PassphraseLength = "passphrase_length", 7, "a new passphrase is not 12 to 128 UTF-16 code units long";
    PassphraseUnchanged = "passphrase_unchanged", 7, "the new passphrase (or secret and salts) is the current one";
    DatabaseBusy = "database_busy", 8, "another program held the database's lock past the busy timeout";
    DatabaseReadOnly = "database_read_only", 8, "the database must be changed but is read-only";
    FolderReadOnly = "folder_read_only", 8, "the database's folder is not writable";
    FolderMissing = "folder_missing", 8, "the database's folder does not exist";
    DatabaseIsDirectory = "database_is_directory", 8, "the database path is a folder";
    NotADatabase = "not_a_database", 8, "the file is not an SQLite database";
    PermissionDenied = "permission_denied", 8, "the database file cannot be read";
    CannotOpen = "cannot_open", 8, "the database file cannot be opened";
    DatabaseCorrupt = "database_corrupt", 8, "the database file is corrupt";
    DiskFull = "disk_full", 8, "the disk is full or a file size limit was reached";
    IoError = "io_error", 8, "reading or writing the database failed";
    DatabaseError = "database_error", 8, "another database error";
    ForeignDatabase = "foreign_database", 8, "the file is another application's database";
    DatabaseTooNew = "database_too_new", 8, "the database's schema is newer than this pwaccount";
    NeedsUpgrade = "needs_upgrade", 8, "the schema needs an upgrade, which a read-only command does not do";
    NoDataDirectory = "no_data_directory", 8, "there is no home or data directory for the default database";
    CannotCreateFolder = "cannot_create_folder", 8, "the default database's folder cannot be created";
    ChallengeDamaged = "challenge_damaged", 8, "the stored challenge cannot be read";
    ChallengeMissing = "challenge_missing", 8, "user/challenge/id names a challenge that does not exist";
    ResetCodeDamaged = "reset_code_damaged", 8, "the stored pending reset code cannot be read (withdraw it with reset --cancel, or issue a new one)";
    ChallengeChanged = "challenge_changed", 8, "another program changed the challenge during the command";
    KeychainDamaged = "keychain_damaged", 8, "a keychain cannot be opened with the account key";
    KeysUnreadable = "keys_unreadable", 8, "a key the app's server-side encryption uses cannot be read";
    OrphanKeychains = "orphan_keychains", 8, "the account has keychains but no challenge";
    InvalidSetting = "invalid_setting", 8, "a server setting in the database has a value out of range";
    InvalidSnapshot = "invalid_snapshot", 8, "the snapshot cannot be restored (foreign, damaged, forged or edited)";
    RestoreConflict = "restore_conflict", 8, "a row of the snapshot has the id of another account's row";
    SnapshotTooNew = "snapshot_too_new", 8, "the snapshot's schema is newer than this pwaccount";
    BackupFailed = "backup_failed", 8, "the backup file could not be written";
    CheckFailed = "check_failed", 8, "check found the database or an account damaged (the findings say where and how to repair)";
    NextcloudConfig = "nextcloud_config", 8, "the Nextcloud configuration cannot be read, or names no database";
    ServerUnreachable = "server_unreachable", 8, "the Nextcloud database server cannot be reached";
    ServerLoginFailed = "server_login_failed", 8, "the Nextcloud database server refused the login (user, password or database)";
    ServerTimeout = "server_timeout", 8, "the database server did not answer within --server-timeout (connecting, TLS, logging in, or a statement)";
    ConnectionLost = "connection_lost", 8, "the connection to the database server was lost; the server rolled the command back (lost during the commit: the outcome is unknown, and the message says so)";
    NextcloudMaintenance = "nextcloud_maintenance", 8, "Nextcloud is in maintenance mode or waits for an upgrade, so no change is made";
    NotInstallationOwner = "not_installation_owner", 8, "pwaccount does not run as the owner of the Nextcloud installation's config.php (as occ must not)";
    NextcloudUnsupported = "nextcloud_unsupported", 8, "this Nextcloud installation, or this command on it, is not supported by this build";
    WriteSetTooLarge = "write_set_too_large", 8, "the change is larger than the Galera cluster accepts in one transaction (wsrep_max_ws_rows, wsrep_max_ws_size)";
    ResetSnapshotFailed = "reset_snapshot_failed", 8, "the snapshot before a reset could not be written, so nothing was deleted";
    Interrupted = "interrupted", 130, "interrupted before anything was committed";
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalogue as a Markdown table, as the README carries it.
pub fn catalogue_markdown() -> String {
    let mut out = String::from("| id | exit | meaning |\n| --- | --- | --- |\n");
    for id in Id::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            id.as_str(),
            id.exit_code(),
            id.meaning()
        ));
    }
    out
}

/// The exit statuses for `--help`: each with what it means and the ids that end in it.
pub(crate) fn exit_status_help() -> String {
    const MEANING: &[(u8, &str)] = &[
        (0, "success (also: a reset code was issued)"),
        (1, "unexpected internal error"),
        (
            2,
            "usage error, or an answer is needed and prompting is impossible",
        ),
        (
            3,
            "forbidden: a reset code wrong, expired or not pending; not confirmed",
        ),
        (4, "not found: no challenge, or no such Nextcloud user"),
        (5, "unauthorized: passphrase or secret missing or wrong"),
        (6, "the feature is disabled (client-side-encryption)"),
        (
            7,
            "invalid data: hex, salts, secret, passphrase length, JSON",
        ),
        (
            8,
            "the database or its server: cannot open, read-only, busy, damaged, unreachable",
        ),
        (
            130,
            "interrupted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT, end of input): nothing committed",
        ),
    ];
    let mut out = String::from("EXIT STATUS (with the --json error ids of each):\n");
    for (code, meaning) in MEANING {
        out.push_str(&format!("    {code:<4} {meaning}\n"));
        let ids: Vec<&str> = Id::ALL
            .iter()
            .filter(|id| id.exit_code() == *code)
            .map(|id| id.as_str())
            .collect();
        let mut line = String::from("         ");
        for (i, id) in ids.iter().enumerate() {
            let piece = if i + 1 < ids.len() {
                format!("{id}, ")
            } else {
                (*id).to_owned()
            };
            if line.len() + piece.len() > 90 {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from("         ");
            }
            line.push_str(&piece);
        }
        if !ids.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The catalogue as a man page section (roff), appended to the generated page.
pub fn catalogue_roff() -> String {
    let mut out = String::from(
        ".SH \"ERROR IDS\"\nWith \\fB--json\\fR, a failure prints \
         {\"status\":\"error\",\"id\":ID,...}; the ids, their exit status and meaning:\n",
    );
    for id in Id::ALL {
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR (exit {})\n{}\n",
            id.as_str().replace('_', "\\_"),
            id.exit_code(),
            id.meaning().replace('-', "\\-")
        ));
    }
    out
}

/// A failure as the user sees it. The message never holds a secret: callers build it
/// from field names and public values only.
#[derive(Debug, Clone)]
pub struct Error {
    pub id: Id,
    pub message: String,
    /// The account and the database file the command worked on, once known.
    pub account: Option<String>,
    pub database: Option<PathBuf>,
    /// The database server aborted the transaction as a conflict with another writer (a
    /// deadlock, a serialization or Galera certification failure): running it again from
    /// its start may succeed. Not shown to the user.
    pub retry: bool,
    /// The connection was lost or timed out while the change was being committed: it
    /// may have been committed (on a Galera cluster, the other nodes commit what was
    /// certified), so what the change replaced is kept, not discarded.
    pub outcome_unknown: bool,
    /// What to do about it, where the command line offers something (a flag to raise or
    /// add): kept apart from the message, which says what went wrong, and shown right
    /// after it. Written once per failure id, by the command layer that knows the flags.
    pub hint: Option<&'static str>,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(id: Id, message: impl Into<String>) -> Self {
        Error {
            id,
            message: message.into(),
            account: None,
            database: None,
            retry: false,
            outcome_unknown: false,
            hint: None,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Id::Internal, message)
    }

    /// An interruption at a prompt: nothing had been written.
    pub fn interrupted() -> Self {
        Self::new(
            Id::Interrupted,
            "interrupted at a prompt; nothing was changed",
        )
    }

    /// Work stopped by an interruption before anything was committed.
    pub fn stopped() -> Self {
        Self::new(
            Id::Interrupted,
            "interrupted before anything was committed; nothing was changed",
        )
    }

    /// Another writer holds the database (SQLite's lock, or a server's lock wait given up).
    pub(crate) fn busy() -> Self {
        Self::new(
            Id::DatabaseBusy,
            "the database is busy: another program is writing to it; try again",
        )
    }

    /// A database failure with no more specific id, with the engine's own words.
    pub(crate) fn database(cause: impl fmt::Display) -> Self {
        Self::new(Id::DatabaseError, format!("database error: {cause}"))
    }

    /// Attach the account and file, unless a more specific one was attached already.
    pub fn in_context(mut self, account: &str, database: &Path) -> Self {
        self.account.get_or_insert_with(|| account.to_owned());
        self.database.get_or_insert_with(|| database.to_owned());
        self
    }

    /// The same failure with what to do about it (a hint the layer above knows).
    pub fn with_hint(self, hint: &'static str) -> Self {
        Error {
            hint: Some(hint),
            ..self
        }
    }

    /// The message as the user reads it: what went wrong, then the hint, if any.
    pub fn shown(&self) -> String {
        match self.hint {
            Some(hint) => format!("{}{hint}", self.message),
            None => self.message.clone(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        self.id.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

impl std::error::Error for Error {}

/// SQLite failures are database errors (exit 8) with a message per cause; the store adds
/// which file it was.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            // A statement stopped because an interruption was requested.
            if f.code == C::OperationInterrupted {
                return Error::stopped();
            }
            return match f.code {
                C::DatabaseBusy | C::DatabaseLocked => Error::busy(),
                C::ReadOnly => Error::new(
                    Id::DatabaseReadOnly,
                    "the database file cannot be written (read-only file, folder or file system)",
                ),
                C::DiskFull => Error::new(
                    Id::DiskFull,
                    "the disk is full (or the database reached its size limit)",
                ),
                C::NotADatabase => {
                    Error::new(Id::NotADatabase, "the file is not an SQLite database")
                }
                C::SystemIoFailure => Error::new(
                    Id::IoError,
                    "writing or reading the database failed (disk full, a file size limit, or \
                     an I/O error)",
                ),
                C::DatabaseCorrupt => {
                    Error::new(Id::DatabaseCorrupt, "the database file is corrupt")
                }
                C::CannotOpen | C::PermissionDenied => Error::new(
                    Id::CannotOpen,
                    format!("the database file cannot be opened: {e}"),
                ),
                _ => Error::database(&e),
            };
        }
        Error::database(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case_with_a_spec_exit_code() {
        let mut seen = std::collections::BTreeSet::new();
        for id in Id::ALL {
            assert!(seen.insert(id.as_str()), "{id} twice");
            assert!(
                id.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{id}"
            );
            assert!(
                [1, 2, 3, 4, 5, 6, 7, 8, 130].contains(&id.exit_code()),
                "{id}"
            );
            assert!(!id.meaning().is_empty());
        }
    }

    #[test]
    fn busy_sqlite_error_is_a_database_error() {
        let e = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let e = Error::from(e);
        assert_eq!(e.exit_code(), 8);
        assert_eq!(e.id, Id::DatabaseBusy);
    }
}
