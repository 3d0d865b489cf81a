//! One error type for the whole tool: every failure knows its exit code (SPEC §2) and a
//! stable snake_case id for `--json`, and carries a message meant for people.

use std::fmt;
use std::path::{Path, PathBuf};

/// The categories of SPEC §2; each maps to exactly one exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    Usage,
    Forbidden,
    NotFound,
    Unauthorized,
    FeatureDisabled,
    InvalidData,
    Database,
    Interrupted,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::Forbidden => 3,
            Kind::NotFound => 4,
            Kind::Unauthorized => 5,
            Kind::FeatureDisabled => 6,
            Kind::InvalidData => 7,
            Kind::Database => 8,
            Kind::Interrupted => 130,
        }
    }
}

/// A failure as the user sees it. The message never holds a secret: callers build it
/// from field names and public values only.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub id: &'static str,
    pub message: String,
    /// The account and the database file the command worked on, once known.
    pub account: Option<String>,
    pub database: Option<PathBuf>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, id: &'static str, message: impl Into<String>) -> Self {
        Error {
            kind,
            id,
            message: message.into(),
            account: None,
            database: None,
        }
    }

    pub fn usage(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, id, message)
    }

    pub fn invalid(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidData, id, message)
    }

    pub fn database(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::Database, id, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, "internal", message)
    }

    pub fn interrupted() -> Self {
        Self::new(
            Kind::Interrupted,
            "interrupted",
            "interrupted at a prompt; nothing was changed",
        )
    }

    /// Attach the account and file, unless a more specific one was attached already.
    pub fn in_context(mut self, account: &str, database: &Path) -> Self {
        self.account.get_or_insert_with(|| account.to_owned());
        self.database.get_or_insert_with(|| database.to_owned());
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// SQLite failures are database errors (exit 8) with a message per cause; the store adds
/// which file it was.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            // A statement stopped by an interruption, or a lock wait given up for one.
            let stopped = matches!(f.code, C::OperationInterrupted)
                || matches!(f.code, C::DatabaseBusy | C::DatabaseLocked)
                    && crate::interrupt::should_stop();
            if stopped {
                return crate::interrupt::stopped();
            }
            return match f.code {
                C::DatabaseBusy | C::DatabaseLocked => Error::database(
                    "database_busy",
                    "the database is busy: another program is writing to it; try again \
                     (or raise --busy-timeout)",
                ),
                C::ReadOnly => Error::database(
                    "database_read_only",
                    "the database file cannot be written (read-only file, folder or file system)",
                ),
                C::DiskFull => Error::database(
                    "disk_full",
                    "the disk is full (or the database reached its size limit)",
                ),
                C::NotADatabase => {
                    Error::database("not_a_database", "the file is not an SQLite database")
                }
                C::SystemIoFailure => Error::database(
                    "io_error",
                    "writing or reading the database failed (disk full, a file size limit, or \
                     an I/O error)",
                ),
                C::DatabaseCorrupt => {
                    Error::database("database_corrupt", "the database file is corrupt")
                }
                C::CannotOpen | C::PermissionDenied => Error::database(
                    "cannot_open",
                    format!("the database file cannot be opened: {e}"),
                ),
                _ => Error::database("database_error", format!("database error: {e}")),
            };
        }
        Error::database("database_error", format!("database error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_spec_table() {
        let table = [
            (Kind::Internal, 1),
            (Kind::Usage, 2),
            (Kind::Forbidden, 3),
            (Kind::NotFound, 4),
            (Kind::Unauthorized, 5),
            (Kind::FeatureDisabled, 6),
            (Kind::InvalidData, 7),
            (Kind::Database, 8),
            (Kind::Interrupted, 130),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
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
        assert_eq!(e.id, "database_busy");
    }
}
