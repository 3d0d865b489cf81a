//! The schema, as append-only migrations. Migration N brings `user_version` from N-1 to N;
//! a released step is never edited, only followed by a new one.
//!
//! Other programs (the server) write this file too, so every column beyond design §4's key
//! columns has a default, and the key columns other than `user_id` may be left out as well.

pub(crate) const APPLICATION_ID: i32 = 0x5057_4143; // "PWAC"

pub(crate) const MIGRATIONS: &[&str] = &[V1, V2];

/// The oldest schema version the read-only commands work on without an upgrade: version 2
/// only added a table, so version 1 files are read as they are (`log` finds no trail in
/// them), and version 1 snapshots are restored as they are.
pub(crate) const OLDEST_READABLE: i64 = 1;

/// The schema version this build writes.
pub(crate) fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// `CREATE TABLE name (columns)` and the index on its owner column, `user_id`.
macro_rules! table {
    ($name:literal, $($columns:expr),+) => {
        concat!("CREATE TABLE ", $name, " (\n", $($columns,)+ ");\nCREATE INDEX ", $name, "_user_id ON ", $name, " (user_id);")
    };
}

/// A per-user key/value table (settings, user configuration).
macro_rules! kv_table {
    ($name:literal) => {
        table!($name, "    user_id TEXT NOT NULL,\n    key     TEXT NOT NULL,\n    value   TEXT,\n    PRIMARY KEY (user_id, key)\n")
    };
}

/// A per-user table: the `uuid` key and the `user_id` owner, padded with `pad` to line up
/// with the table's longest column name, then `columns`.
macro_rules! owned_table {
    ($name:literal, $pad:literal, $columns:literal) => {
        table!(
            $name,
            "    uuid   ",
            $pad,
            " TEXT PRIMARY KEY NOT NULL,\n    user_id",
            $pad,
            " TEXT NOT NULL,\n",
            $columns
        )
    };
}

/// Version 1. Its text is what SQLite keeps in `sqlite_master` and what snapshots are
/// compared against, so it must never change (a test pins its digest); the macros above
/// only spare writing the same table shape several times.
const V1: &str = concat!(
    "\n",
    r#"CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY NOT NULL,
    created INTEGER NOT NULL DEFAULT (unixepoch())
);"#,
    "\n\n",
    owned_table!(
        "passwords",
        " ",
        "    revision TEXT,\n    folder   TEXT,\n    created  INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "password_revisions",
        " ",
        "    model    TEXT,\n    label    TEXT NOT NULL DEFAULT '',\n    username TEXT NOT NULL DEFAULT '',\n    password TEXT NOT NULL DEFAULT '',\n    url      TEXT NOT NULL DEFAULT '',\n    notes    TEXT NOT NULL DEFAULT '',\n    cse_type TEXT NOT NULL DEFAULT 'none',\n    sse_type TEXT NOT NULL DEFAULT 'none',\n    created  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "folders",
        " ",
        "    revision TEXT,\n    created  INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "folder_revisions",
        " ",
        "    model    TEXT,\n    label    TEXT NOT NULL DEFAULT '',\n    parent   TEXT,\n    cse_type TEXT NOT NULL DEFAULT 'none',\n    sse_type TEXT NOT NULL DEFAULT 'none',\n    created  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "tags",
        " ",
        "    revision TEXT,\n    created  INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "tag_revisions",
        " ",
        "    model    TEXT,\n    label    TEXT NOT NULL DEFAULT '',\n    color    TEXT NOT NULL DEFAULT '',\n    cse_type TEXT NOT NULL DEFAULT 'none',\n    sse_type TEXT NOT NULL DEFAULT 'none',\n    created  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "password_tags",
        " ",
        "    password TEXT,\n    tag      TEXT,\n    created  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "shares",
        " ",
        "    receiver TEXT NOT NULL DEFAULT '',\n    password TEXT,\n    editable INTEGER NOT NULL DEFAULT 0,\n    shareable INTEGER NOT NULL DEFAULT 0,\n    created  INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated  INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\nCREATE INDEX shares_receiver ON shares (receiver);",
    "\n\n",
    kv_table!("settings"),
    "\n\n",
    kv_table!("user_config"),
    "\n\n",
    owned_table!(
        "challenges",
        "    ",
        "    type        TEXT NOT NULL DEFAULT 'PWDv1r1',\n    client_data TEXT,\n    server_data TEXT,\n    secret      TEXT,\n    created     INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "keychains",
        "",
        "    type    TEXT NOT NULL DEFAULT '',\n    scope   TEXT NOT NULL DEFAULT 'server',\n    data    TEXT,\n    created INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    owned_table!(
        "sessions",
        "   ",
        "    authorized INTEGER NOT NULL DEFAULT 0,\n    created    INTEGER NOT NULL DEFAULT (unixepoch()),\n    updated    INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    r#"CREATE TABLE reset_codes (
    user_id   TEXT PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL DEFAULT '',
    created   INTEGER NOT NULL DEFAULT (unixepoch()),
    expires   INTEGER NOT NULL DEFAULT 0
);"#,
    "\n\n",
    owned_table!(
        "tokens",
        "",
        "    kind    TEXT NOT NULL DEFAULT 'app' CHECK (kind IN ('app', 'device')),\n    label   TEXT NOT NULL DEFAULT '',\n    created INTEGER NOT NULL DEFAULT (unixepoch())\n"
    ),
    "\n\n",
    r#"CREATE TABLE server_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT
);
"#
);

/// Version 2: the audit trail (see `store::audit`). Not per account in the sense of a
/// reset: a reset keeps the account's records. `user_id` is NULL for a change to the whole
/// database.
const V2: &str = r#"
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    time    INTEGER NOT NULL,
    user_id TEXT,
    action  TEXT NOT NULL,
    outcome TEXT NOT NULL,
    os_user TEXT NOT NULL DEFAULT '',
    os_uid  INTEGER,
    host    TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_user_id ON audit (user_id, id);
CREATE INDEX audit_time ON audit (time);
"#;

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    /// Released migrations are never edited: their text is pinned.
    #[test]
    fn released_migrations_are_unchanged() {
        assert_eq!(
            hex::encode(Sha256::digest(super::V1.as_bytes())),
            "7b3a9564b000f9ad4d0bd48bc9e1d0a877cb22945afcd5ca5741277996c39474"
        );
        assert_eq!(
            hex::encode(Sha256::digest(super::V2.as_bytes())),
            "8239f4ed315d0a7f1d69454c0ee4830658e8fb038efd6c12bacdf109243fac58"
        );
    }
}
