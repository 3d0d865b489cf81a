//! The schema, as append-only migrations. Migration N brings `user_version` from N-1 to N;
//! a released step is never edited, only followed by a new one.
//!
//! Other programs (the server) write this file too, so every column beyond SPEC §4's key
//! columns has a default, and the key columns other than `user_id` may be left out as well.

pub const APPLICATION_ID: i32 = 0x5057_4143; // "PWAC"

pub const MIGRATIONS: &[&str] = &[V1];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

const V1: &str = r#"
CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY NOT NULL,
    created INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE passwords (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    revision TEXT,
    folder   TEXT,
    created  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX passwords_user_id ON passwords (user_id);

CREATE TABLE password_revisions (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    model    TEXT,
    label    TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL DEFAULT '',
    url      TEXT NOT NULL DEFAULT '',
    notes    TEXT NOT NULL DEFAULT '',
    cse_type TEXT NOT NULL DEFAULT 'none',
    sse_type TEXT NOT NULL DEFAULT 'none',
    created  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX password_revisions_user_id ON password_revisions (user_id);

CREATE TABLE folders (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    revision TEXT,
    created  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX folders_user_id ON folders (user_id);

CREATE TABLE folder_revisions (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    model    TEXT,
    label    TEXT NOT NULL DEFAULT '',
    parent   TEXT,
    cse_type TEXT NOT NULL DEFAULT 'none',
    sse_type TEXT NOT NULL DEFAULT 'none',
    created  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX folder_revisions_user_id ON folder_revisions (user_id);

CREATE TABLE tags (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    revision TEXT,
    created  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX tags_user_id ON tags (user_id);

CREATE TABLE tag_revisions (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    model    TEXT,
    label    TEXT NOT NULL DEFAULT '',
    color    TEXT NOT NULL DEFAULT '',
    cse_type TEXT NOT NULL DEFAULT 'none',
    sse_type TEXT NOT NULL DEFAULT 'none',
    created  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX tag_revisions_user_id ON tag_revisions (user_id);

CREATE TABLE password_tags (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    password TEXT,
    tag      TEXT,
    created  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX password_tags_user_id ON password_tags (user_id);

CREATE TABLE shares (
    uuid     TEXT PRIMARY KEY NOT NULL,
    user_id  TEXT NOT NULL,
    receiver TEXT NOT NULL DEFAULT '',
    password TEXT,
    editable INTEGER NOT NULL DEFAULT 0,
    shareable INTEGER NOT NULL DEFAULT 0,
    created  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX shares_user_id ON shares (user_id);
CREATE INDEX shares_receiver ON shares (receiver);

CREATE TABLE settings (
    user_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    value   TEXT,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX settings_user_id ON settings (user_id);

CREATE TABLE user_config (
    user_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    value   TEXT,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX user_config_user_id ON user_config (user_id);

CREATE TABLE challenges (
    uuid        TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL,
    type        TEXT NOT NULL DEFAULT 'PWDv1r1',
    client_data TEXT,
    server_data TEXT,
    secret      TEXT,
    created     INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX challenges_user_id ON challenges (user_id);

CREATE TABLE keychains (
    uuid    TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL,
    type    TEXT NOT NULL DEFAULT '',
    scope   TEXT NOT NULL DEFAULT 'server',
    data    TEXT,
    created INTEGER NOT NULL DEFAULT (unixepoch()),
    updated INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX keychains_user_id ON keychains (user_id);

CREATE TABLE sessions (
    uuid       TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL,
    authorized INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL DEFAULT (unixepoch()),
    updated    INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE reset_codes (
    user_id   TEXT PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL DEFAULT '',
    created   INTEGER NOT NULL DEFAULT (unixepoch()),
    expires   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
    uuid    TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL DEFAULT 'app' CHECK (kind IN ('app', 'device')),
    label   TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX tokens_user_id ON tokens (user_id);

CREATE TABLE server_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT
);
"#;
