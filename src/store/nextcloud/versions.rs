//! Which Passwords app versions this build was verified against, as data: each entry is a
//! version as installations store it (`installed_version` in `<prefix>appconfig`), the
//! Nextcloud majors it was checked on, and the columns of every table pwaccount writes in
//! that version. Everything else about a version is decided here, not in the flows.
//!
//! Releases stamp their version: `x.y.z` of the app's package becomes `x.y.2z` on the
//! stable channel (2026.7.0 is stored as `2026.7.20`), `x.y.1z` on the legacy-support
//! channel, with `-buildN` on nightlies; the development tree says `2026.2.0-BUILD`.

/// A verified app version.
pub(crate) struct Verified {
    /// The version as stored in `installed_version`.
    pub(crate) stored: &'static str,
    /// The Nextcloud majors it was checked on.
    pub(crate) nextcloud: &'static [u32],
    /// What this entry is.
    pub(crate) about: &'static str,
    /// Every table pwaccount writes, with its columns in order, in groups.
    pub(crate) tables: &'static [&'static [Table]],
    /// How this release behaves where pwaccount acts in its place.
    pub(crate) rules: Rules,
}

/// What differs between releases in the parts of the app pwaccount does itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// The server half of the SSEv2r1 keychain password: from 2025.7 the app takes
    /// `passwords.secret` when the configuration has it, else `secret`
    /// (`ConfigurationService::getServerSecret`); before, `secret` alone.
    pub(crate) keychain_secret: KeychainSecret,
    /// Before 2025.10 the app's SSEv1 code makes `SSEv1ServerKey` (1,024 random
    /// characters, in `<prefix>appconfig`) the first time it encrypts, and replaces one
    /// shorter than that; from 2025.10 it uses the stored value as it is, empty when
    /// there is none.
    pub(crate) makes_server_key: bool,
}

/// Where the server half of the keychain password comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeychainSecret {
    /// `passwords.secret`, else `secret`.
    PasswordsSecretFirst,
    /// `secret` alone.
    SystemSecret,
}

/// The rules of 2025.10.0 and later releases (and of the development tree).
const RULES_2025_10: Rules = Rules {
    keychain_secret: KeychainSecret::PasswordsSecretFirst,
    makes_server_key: false,
};

/// The rules of 2024.12.1 (read in its `SseV1Encryption`, `SseV2KeychainEncryption`
/// and `ConfigurationService`).
const RULES_2024_12: Rules = Rules {
    keychain_secret: KeychainSecret::SystemSecret,
    makes_server_key: true,
};

/// A table pwaccount writes (without the prefix) and its columns in order.
pub(crate) type Table = (&'static str, &'static [&'static str]);

/// The columns of the app's tables pwaccount writes, the same in every verified release
/// from 2024.12.1 to the development tree (commit 2759a21), as their databases on
/// SQLite, PostgreSQL and MariaDB hold them (`tests/data/nextcloud/`; a test compares).
const APP_TABLES: &[Table] = &[
    (
        "passwords_challenge",
        &[
            "id",
            "user_id",
            "uuid",
            "type",
            "secret",
            "server_data",
            "client_data",
            "created",
            "updated",
            "deleted",
        ],
    ),
    (
        "passwords_keychain",
        &[
            "id", "user_id", "uuid", "type", "scope", "data", "created", "updated", "deleted",
        ],
    ),
    (
        "passwords_password",
        &[
            "id",
            "user_id",
            "uuid",
            "revision",
            "share_id",
            "has_shares",
            "editable",
            "suspended",
            "deleted",
            "created",
            "updated",
        ],
    ),
    (
        "passwords_password_rv",
        &[
            "id",
            "user_id",
            "uuid",
            "model",
            "folder",
            "hidden",
            "trashed",
            "cse_type",
            "cse_key",
            "sse_type",
            "sse_key",
            "username",
            "password",
            "label",
            "url",
            "notes",
            "custom_fields",
            "hash",
            "favorite",
            "status",
            "status_code",
            "deleted",
            "edited",
            "created",
            "updated",
            "client",
        ],
    ),
    (
        "passwords_folder",
        &[
            "id",
            "user_id",
            "uuid",
            "revision",
            "suspended",
            "deleted",
            "created",
            "updated",
        ],
    ),
    (
        "passwords_folder_rv",
        &[
            "id", "user_id", "uuid", "model", "parent", "label", "cse_type", "cse_key", "sse_type",
            "sse_key", "favorite", "hidden", "trashed", "deleted", "edited", "created", "updated",
            "client",
        ],
    ),
    (
        "passwords_tag",
        &[
            "id", "user_id", "uuid", "revision", "deleted", "created", "updated",
        ],
    ),
    (
        "passwords_tag_rv",
        &[
            "id", "user_id", "uuid", "model", "cse_type", "cse_key", "sse_type", "sse_key",
            "label", "color", "favorite", "hidden", "trashed", "deleted", "edited", "created",
            "updated", "client",
        ],
    ),
    (
        "passwords_pw_tag_rel",
        &[
            "id",
            "user_id",
            "uuid",
            "password",
            "password_revision",
            "tag",
            "tag_revision",
            "hidden",
            "deleted",
            "created",
            "updated",
            "client",
        ],
    ),
    (
        "passwords_share",
        &[
            "id",
            "user_id",
            "uuid",
            "receiver",
            "source_password",
            "target_password",
            "source_updated",
            "target_updated",
            "type",
            "editable",
            "shareable",
            "expires",
            "deleted",
            "created",
            "updated",
            "client",
        ],
    ),
    (
        "passwords_session",
        &[
            "id",
            "user_id",
            "uuid",
            "login_type",
            "created",
            "updated",
            "deleted",
            "authorized",
            "data",
            "shadow_data",
            "client",
        ],
    ),
];

/// Nextcloud 31 and later: user preferences gained `lazy`, `type`, `flags` and `indexed`.
const NEXTCLOUD_31: &[Table] = &[(
    "preferences",
    &[
        "userid",
        "appid",
        "configkey",
        "configvalue",
        "lazy",
        "type",
        "flags",
        "indexed",
    ],
)];

/// Nextcloud 28 to 30: preferences with the four columns of old; and the app config,
/// which pwaccount writes only where the release makes `SSEv1ServerKey` (2024.12.1).
const NEXTCLOUD_28: &[Table] = &[
    (
        "preferences",
        &["userid", "appid", "configkey", "configvalue"],
    ),
    (
        "appconfig",
        &["appid", "configkey", "configvalue", "type", "lazy"],
    ),
];

const TABLES_2759A21: &[&[Table]] = &[APP_TABLES, NEXTCLOUD_31];
const TABLES_2024_12: &[&[Table]] = &[APP_TABLES, NEXTCLOUD_28];

/// The verified versions. A release is here once it was checked against its own running
/// app (tests/data/nextcloud/README.md says how) and its source compared with the tree
/// the flows were written from: 2026.5.0, 2026.6.0 and 2026.7.0 differ from commit 2759a21
/// only in sharing recipients, notifications and messages, 2025.10.0 to 2026.3.0 also in how the app
/// refreshes its own sessions' lifetime — none of which pwaccount touches — and all have
/// the same migrations, so the same tables.
pub(crate) const VERIFIED: &[Verified] = &[
    // The tree the flows were written from.
    Verified {
        stored: "2026.2.0-BUILD",
        nextcloud: &[34],
        about: "the development tree, commit 2759a21",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: sharing recipient search, two exception messages; the same migrations.
    Verified {
        stored: "2026.7.20",
        nextcloud: &[34],
        about: "release 2026.7.0",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: as 2026.7.0, and notifications and a security check.
    Verified {
        stored: "2026.6.20",
        nextcloud: &[34],
        about: "release 2026.6.0",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: as 2026.6.0, and the nightly fetcher and CSP; Nextcloud 33 tables as 34.
    Verified {
        stored: "2026.5.20",
        nextcloud: &[33],
        about: "release 2026.5.0",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: as 2026.5.0, and the app's session lifetime and token refresh.
    Verified {
        stored: "2026.3.20",
        nextcloud: &[32],
        about: "release 2026.3.0",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: as 2026.3.0.
    Verified {
        stored: "2025.12.21",
        nextcloud: &[32],
        about: "release 2025.12.1",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21: as 2025.12.1, and the app's backup-restore repair step; Nextcloud 31 tables as 34.
    Verified {
        stored: "2025.10.20",
        nextcloud: &[31],
        about: "release 2025.10.0",
        tables: TABLES_2759A21,
        rules: RULES_2025_10,
    },
    // Differs from 2759a21 where pwaccount acts: the keychain's server secret and the
    // server key it makes (see `RULES_2024_12`); Nextcloud 28-30 preferences.
    Verified {
        stored: "2024.12.21",
        nextcloud: &[28, 29, 30],
        about: "release 2024.12.1",
        tables: TABLES_2024_12,
        rules: RULES_2024_12,
    },
];

impl Verified {
    /// Every table this version writes, with its columns.
    pub(crate) fn tables(&self) -> impl Iterator<Item = &'static Table> {
        self.tables.iter().flat_map(|group| group.iter())
    }
}

/// The entry for a stored version on a Nextcloud major version, if that pair was
/// verified.
pub(crate) fn verified(stored: &str, nextcloud: Option<u32>) -> Option<&'static Verified> {
    VERIFIED
        .iter()
        .find(|v| v.stored == stored && nextcloud.is_some_and(|major| v.nextcloud.contains(&major)))
}

/// The verified versions, for messages.
pub(crate) fn verified_list() -> String {
    VERIFIED
        .iter()
        .map(|v| {
            let majors: Vec<String> = v.nextcloud.iter().map(u32::to_string).collect();
            format!(
                "{} ({}, on Nextcloud {})",
                v.stored,
                v.about,
                majors.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a stored version reads: the app's own version and the channel, for messages
/// (`2026.7.20` is release 2026.7.0, stable).
pub(crate) fn describe(stored: &str) -> String {
    let (base, nightly) = match stored.split_once("-build") {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
            (base, Some(n))
        }
        _ => (stored, None),
    };
    let parts: Vec<&str> = base.split('.').collect();
    let release = match parts.as_slice() {
        [year, month, stamp] if stamp.len() == 2 && stamp.bytes().all(|c| c.is_ascii_digit()) => {
            let channel = match &stamp[..1] {
                "2" => "stable",
                "1" => "legacy support",
                _ => return stored.to_owned(),
            };
            format!("release {year}.{month}.{}, {channel}", &stamp[1..])
        }
        _ => return stored.to_owned(),
    };
    match nightly {
        Some(n) => format!("{stored} ({release}, nightly build {n})"),
        None => format!("{stored} ({release})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamped_versions_are_read_as_releases() {
        assert_eq!(
            describe("2026.7.20"),
            "2026.7.20 (release 2026.7.0, stable)"
        );
        assert_eq!(
            describe("2024.12.21"),
            "2024.12.21 (release 2024.12.1, stable)"
        );
        assert_eq!(
            describe("2024.12.11"),
            "2024.12.11 (release 2024.12.1, legacy support)"
        );
        assert_eq!(
            describe("2026.7.20-build4711"),
            "2026.7.20-build4711 (release 2026.7.0, stable, nightly build 4711)"
        );
        assert_eq!(describe("2026.2.0-BUILD"), "2026.2.0-BUILD");
        assert!(verified("2026.2.0-BUILD", Some(34)).is_some());
        assert!(verified("2026.7.20", Some(34)).is_some());
        assert!(verified("2026.7.20", Some(33)).is_none());
        assert!(verified("2026.7.20", None).is_none());
        assert!(verified("2026.7.10", Some(34)).is_none());
        assert!(verified("2024.12.21", Some(30)).is_some());
        assert!(verified("2024.12.21", Some(31)).is_none());
        assert!(verified("2024.12.11", Some(28)).is_none());
    }
}
