//! The Passwords app's own backups (`occ passwords:backup:create` and the daily cron
//! job): one JSON object, gzip-compressed (`<label>.json.gz`) or not (`<label>.json`), not
//! encrypted, without a checksum, in `appdata_<instance id>/passwords/backups/` (made by
//! hand or imported) and `…/autoBackups/` (the cron job's). Format 106 in every release
//! from 2024.12 on: `passwords`, `folders` and `tags` (each entity with its `revisions`),
//! `shares`, `keychains`, `challenges`, `passwordTagRelations` (each entity a JSON object
//! of its properties, camelCase), `keys.server.{secret, SSEv1ServerKey}`,
//! `keys.users.<uid>.{SSEv1UserKey, ChallengeId}` and `settings.{application, users,
//! clients}`. The file holds the installation's server secret and every user's key in
//! clear.
//!
//! A backup is read as a stream: memory holds one entity at a time, and the rows of the
//! one user a restore or a listing asks for, whatever the size of the file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use crate::crypto::SecretText;
use crate::error::{Error, Id, Result};
use crate::store::snapshot::cannot_read;

/// The one format the app writes (and restores without converting) in every release
/// pwaccount serves.
pub(crate) const FORMAT: i64 = 106;

/// The most JSON a backup may hold to be read into memory whole (256 MiB); a larger one
/// is read as a stream.
const IN_MEMORY: u64 = 256 << 20;

/// One entity as the backup holds it: its properties by name.
pub(crate) type Entity = Map<String, Json>;

/// How many bytes of JSON the backup at `path` holds, as far as cheaply known (the
/// gzip trailer's size, or the file's), at most `IN_MEMORY`.
fn expected_size(path: &Path, gz: bool) -> usize {
    use std::io::{Seek, SeekFrom};
    let size = (|| -> std::io::Result<u64> {
        let mut f = std::fs::File::open(path)?;
        if !gz {
            return Ok(f.metadata()?.len());
        }
        let mut tail = [0u8; 4];
        f.seek(SeekFrom::End(-4))?;
        f.read_exact(&mut tail)?;
        Ok(u64::from(u32::from_le_bytes(tail)))
    })()
    .unwrap_or(0);
    size.min(IN_MEMORY + 1) as usize
}

/// A reader that stops at an interrupt (Ctrl-C, a signal): a large backup is read in
/// many small pieces, and each piece is a point to stop at.
struct Stoppable<R>(R);

impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if crate::interrupt::should_stop() {
            return Err(std::io::Error::other("interrupted"));
        }
        self.0.read(buf)
    }
}

/// The app's tables a backup's lists go to (without the prefix): the models, their
/// revisions, then the other entities, in the order the app restores them.
pub(crate) const RESTORED: [&str; 10] = [
    "passwords_password_rv",
    "passwords_password",
    "passwords_folder_rv",
    "passwords_folder",
    "passwords_tag_rv",
    "passwords_tag",
    "passwords_pw_tag_rel",
    "passwords_share",
    "passwords_keychain",
    "passwords_challenge",
];

/// The backup's list of models (with revisions) or entities: its name, and the table(s)
/// it fills.
fn list_of(key: &str) -> Option<(&'static str, &'static str, Option<&'static str>)> {
    const LISTS: [(&str, &str, Option<&str>); 7] = [
        (
            "passwords",
            "passwords_password",
            Some("passwords_password_rv"),
        ),
        ("folders", "passwords_folder", Some("passwords_folder_rv")),
        ("tags", "passwords_tag", Some("passwords_tag_rv")),
        ("passwordTagRelations", "passwords_pw_tag_rel", None),
        ("shares", "passwords_share", None),
        ("keychains", "passwords_keychain", None),
        ("challenges", "passwords_challenge", None),
    ];
    LISTS.into_iter().find(|(name, _, _)| *name == key)
}

/// The keys of one user in a backup.
pub(crate) struct UserKeys {
    pub sse_user_key: Option<SecretText>,
    pub challenge_id: Option<String>,
}

/// What a backup holds for one user (or, without one, only its summary).
#[derive(Default)]
pub(crate) struct Backup {
    pub version: Option<i64>,
    /// The user's rows, by table (see `RESTORED`).
    pub rows: BTreeMap<&'static str, Vec<Entity>>,
    pub server_secret: Option<SecretText>,
    pub server_key: Option<SecretText>,
    /// `keys.users.<user>`, when the backup has it.
    pub keys: Option<UserKeys>,
    /// `settings.users.<user>`, when the backup has it.
    pub settings: Option<Entity>,
    /// `settings.clients.<user>`, when the backup has it.
    pub client: Option<Json>,
    /// Every user the backup names (as an owner of an entity, in its keys or settings).
    pub users: BTreeSet<String>,
    /// Read without a user (`summarize`): every user's rows not flagged deleted, per
    /// table (in the order of `RESTORED`).
    pub per_user: BTreeMap<String, [u64; 10]>,
    /// Whether this is a summary (no user's rows kept).
    summary: bool,
    /// The top-level lists and objects it has.
    seen: BTreeSet<&'static str>,
}

impl fmt::Debug for Backup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backup")
            .field("version", &self.version)
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl Backup {
    /// How many rows of `table` the backup holds for the user.
    pub(crate) fn count(&self, table: &str) -> u64 {
        self.rows.get(table).map_or(0, |r| r.len() as u64)
    }

    /// The rows of the user not flagged deleted (the app writes no others), by table.
    pub(crate) fn live(&self, table: &str) -> u64 {
        self.rows.get(table).map_or(0, |rows| {
            rows.iter()
                .filter(|r| !matches!(r.get("deleted"), Some(Json::Bool(true))))
                .count() as u64
        })
    }
}

/// What identifies one version of a file: a backup read once is used again only while
/// its file is the same (device, inode, size, modification time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FileVersion {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
}

impl FileVersion {
    pub(crate) fn of(path: &Path) -> Result<FileVersion> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).map_err(|e| cannot_read(path, &e))?;
        Ok(FileVersion {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        })
    }
}

/// A backup read for one user, kept between a restore's check and its writing so the
/// file is read once (and read again if it changed in between).
pub(crate) struct Kept {
    pub version: FileVersion,
    pub user: String,
    pub backup: Backup,
}

/// A file that is not a backup the app wrote in a format pwaccount reads.
pub(crate) fn not_a_backup(path: &Path, why: &str) -> Error {
    Error::new(
        Id::InvalidSnapshot,
        format!(
            "{} is not a usable Passwords app backup: {why}; nothing was changed",
            path.display()
        ),
    )
}

/// Read the backup at `path` for its summary: format, users, and every user's rows per
/// table (`Backup::per_user`); no rows are kept.
pub(crate) fn summarize(path: &Path) -> Result<Backup> {
    read_as(path, None, true)
}

/// Read the backup at `path`, keeping the rows, keys and settings of `user` (none without
/// one); refused if it is not a complete backup of format 106.
pub(crate) fn read(path: &Path, user: Option<&str>) -> Result<Backup> {
    read_as(path, user, false)
}

fn read_as(path: &Path, user: Option<&str>, summary: bool) -> Result<Backup> {
    read_within(path, user, summary, IN_MEMORY)
}

/// `read_as`, reading into memory up to `in_memory` bytes of JSON.
fn read_within(path: &Path, user: Option<&str>, summary: bool, in_memory: u64) -> Result<Backup> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, &e))?;
    let mut head = [0u8; 2];
    let gz = {
        let mut f = &file;
        f.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b]
    };
    let open = || -> Result<Box<dyn Read>> {
        let file = std::fs::File::open(path).map_err(|e| cannot_read(path, &e))?;
        Ok(if gz {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
        } else {
            Box::new(file)
        })
    };
    let mut backup = Backup {
        summary,
        ..Backup::default()
    };
    // A backup up to IN_MEMORY bytes of JSON is read into memory first (JSON is read
    // from memory several times faster than from a stream); a larger one is read as a
    // stream, so memory never holds more than that.
    // The text holds the server secret and every user's key in clear: wiped when
    // dropped, and sized once from the gzip trailer so no copy is left behind in freed
    // memory by its growth (the trailer is a hint; a wrong one costs only copies).
    let capacity = expected_size(path, gz).min(in_memory as usize + 1);
    let mut text = zeroize::Zeroizing::new(Vec::with_capacity(capacity));
    let whole = Stoppable(open()?)
        .take(in_memory + 1)
        .read_to_end(&mut text)
        .map(|n| n as u64 <= in_memory);
    let parsed = match whole {
        Ok(true) => {
            let mut de = serde_json::Deserializer::from_slice(&text);
            Top {
                user,
                out: &mut backup,
            }
            .deserialize(&mut de)
            .and_then(|()| de.end())
        }
        Ok(false) | Err(_) => {
            drop(text);
            let mut de = serde_json::Deserializer::from_reader(Stoppable(BufReader::new(open()?)));
            Top {
                user,
                out: &mut backup,
            }
            .deserialize(&mut de)
            .and_then(|()| de.end())
        }
    };
    if let Err(e) = parsed {
        crate::interrupt::check()?;
        return Err(not_a_backup(path, &json_words(&e)));
    }
    validated(path, backup)
}

/// A backup read to its end, if it is complete and of the format pwaccount reads.
fn validated(path: &Path, backup: Backup) -> Result<Backup> {
    for key in ["passwords", "folders", "tags", "keys", "settings"] {
        if !backup.seen.contains(key) {
            return Err(not_a_backup(path, &format!("it has no '{key}'")));
        }
    }
    match backup.version {
        Some(FORMAT) => Ok(backup),
        Some(v @ 100..=105) => Err(not_a_backup(
            path,
            &format!(
                "it is in the app's format {v}, of releases before 2021, which pwaccount does \
                 not convert (this one reads {FORMAT}); restore it with occ \
                 passwords:backup:restore, or make a new backup"
            ),
        )),
        Some(v) => Err(not_a_backup(
            path,
            &format!("its format {v} is not one the app writes (pwaccount reads {FORMAT})"),
        )),
        None => Err(not_a_backup(path, "it has no 'version'")),
    }
}

/// A reading error in words: what went wrong, and where when the file is damaged.
fn json_words(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => {
            let text = e.to_string();
            let cut = e.io_error_kind() == Some(std::io::ErrorKind::UnexpectedEof)
                || text.contains("incomplete");
            if cut {
                "it ends early (truncated)".into()
            } else if text.contains("interrupted") {
                "reading it was interrupted".into()
            } else {
                format!("its gzip stream is damaged ({text})")
            }
        }
        Category::Eof => "it ends early (truncated)".into(),
        Category::Syntax => format!("it is not valid JSON ({e})"),
        Category::Data => format!("its JSON has the wrong shape ({e})"),
    }
}

/// The whole backup object.
struct Top<'a> {
    user: Option<&'a str>,
    out: &'a mut Backup,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Passwords backup object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(key) = map.next_key::<String>()? {
            if let Some((name, table, revisions)) = list_of(&key) {
                self.out.seen.insert(name);
                map.next_value_seed(Entities {
                    name,
                    table,
                    revisions,
                    user: self.user,
                    out: self.out,
                })?;
                continue;
            }
            match key.as_str() {
                "version" => {
                    self.out.seen.insert("version");
                    self.out.version = Some(
                        map.next_value::<i64>()
                            .map_err(|_| A::Error::custom("'version' is not a whole number"))?,
                    );
                }
                "keys" => {
                    self.out.seen.insert("keys");
                    map.next_value_seed(Keys {
                        user: self.user,
                        out: self.out,
                    })?;
                }
                "settings" => {
                    self.out.seen.insert("settings");
                    map.next_value_seed(Settings {
                        user: self.user,
                        out: self.out,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// One list of entities (models with `revisions`, when `revisions` names their table).
struct Entities<'a> {
    name: &'static str,
    table: &'static str,
    revisions: Option<&'static str>,
    user: Option<&'a str>,
    out: &'a mut Backup,
}

impl<'de> DeserializeSeed<'de> for Entities<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entities<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        let mut index = 0usize;
        // Each entity is kept as its text first; only its owner is read from it, and
        // only the chosen user's are read whole.
        #[derive(serde::Deserialize)]
        struct Owner<'a> {
            #[serde(rename = "userId", borrow)]
            user_id: Option<std::borrow::Cow<'a, str>>,
        }
        if self.out.summary {
            return self.count_all(seq);
        }
        while let Some(raw) = seq.next_element::<Box<serde_json::value::RawValue>>()? {
            let here = index;
            index += 1;
            let at = |what: &str| format!("{}[{here}]: {what}", self.name);
            let owner = serde_json::from_str::<Owner<'_>>(raw.get())
                .ok()
                .and_then(|o| o.user_id)
                .ok_or_else(|| A::Error::custom(at("it is not an object with a userId")))?;
            let mine = self.user == Some(&*owner);
            if !self.out.users.contains(&*owner) {
                self.out.users.insert(owner.into_owned());
            }
            if !mine {
                continue;
            }
            let mut entity: Entity = serde_json::from_str(raw.get())
                .map_err(|e| A::Error::custom(at(&e.to_string())))?;
            if let Some(rv_table) = self.revisions {
                let revisions = match entity.remove("revisions") {
                    Some(Json::Array(list)) => list,
                    _ => return Err(A::Error::custom(at("its revisions are missing"))),
                };
                let rows = self.out.rows.entry(rv_table).or_default();
                for rev in revisions {
                    match rev {
                        Json::Object(rev) => rows.push(rev),
                        _ => return Err(A::Error::custom(at("a revision is not an object"))),
                    }
                }
            }
            self.out.rows.entry(self.table).or_default().push(entity);
        }
        Ok(())
    }
}

impl Entities<'_> {
    /// A summary's reading of a list: each entity's owner and flags only (the rest is
    /// skipped unread), counted per user and table.
    fn count_all<'de, A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        #[derive(serde::Deserialize)]
        struct Flag {
            #[serde(default)]
            deleted: Json,
        }
        #[derive(serde::Deserialize)]
        struct Flags {
            #[serde(rename = "userId")]
            user_id: Option<String>,
            #[serde(default)]
            deleted: Json,
            revisions: Option<Vec<Flag>>,
        }
        let at = |t: &str| RESTORED.iter().position(|r| *r == t).unwrap_or(0);
        let (model, revision) = (at(self.table), self.revisions.map(at));
        let mut index = 0usize;
        while let Some(e) = seq.next_element::<Flags>()? {
            let owner = e.user_id.ok_or_else(|| {
                A::Error::custom(format!("{}[{index}]: its userId is missing", self.name))
            })?;
            index += 1;
            let counts = self.out.per_user.entry(owner.clone()).or_default();
            counts[model] += u64::from(e.deleted != Json::Bool(true));
            if let (Some(revision), Some(revs)) = (revision, &e.revisions) {
                counts[revision] += revs
                    .iter()
                    .filter(|r| r.deleted != Json::Bool(true))
                    .count() as u64;
            }
            self.out.users.insert(owner);
        }
        Ok(())
    }
}

/// `keys`: the server's, and the chosen user's.
struct Keys<'a> {
    user: Option<&'a str>,
    out: &'a mut Backup,
}

impl<'de> DeserializeSeed<'de> for Keys<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// An optional text the backup holds in clear, moved straight into a `SecretText`.
fn secret(value: Option<String>) -> Option<SecretText> {
    value.map(SecretText::new)
}

impl<'de> Visitor<'de> for Keys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the backup's keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        #[derive(serde::Deserialize)]
        struct Server {
            secret: Option<String>,
            #[serde(rename = "SSEv1ServerKey")]
            server_key: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct User {
            #[serde(rename = "SSEv1UserKey")]
            sse_user_key: Option<String>,
            #[serde(rename = "ChallengeId")]
            challenge_id: Option<String>,
        }
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "server" => {
                    let server: Server = map.next_value()?;
                    self.out.server_secret = secret(server.secret);
                    self.out.server_key = secret(server.server_key);
                }
                "users" => {
                    map.next_value_seed(PerUser {
                        user: self.user,
                        users: &mut self.out.users,
                        each: &mut |uid, value: Json| {
                            let keys: User = serde_json::from_value(value).map_err(|e| {
                                format!("keys.users.{uid} has the wrong shape ({e})")
                            })?;
                            self.out.keys = Some(UserKeys {
                                sse_user_key: secret(keys.sse_user_key),
                                challenge_id: keys.challenge_id,
                            });
                            Ok(())
                        },
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `settings`: the chosen user's settings and client settings (the application's are
/// never restored for one user).
struct Settings<'a> {
    user: Option<&'a str>,
    out: &'a mut Backup,
}

impl<'de> DeserializeSeed<'de> for Settings<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Settings<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the backup's settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let mut settings = None;
            let mut client = None;
            match key.as_str() {
                "users" => map.next_value_seed(PerUser {
                    user: self.user,
                    users: &mut self.out.users,
                    each: &mut |uid, value| match value {
                        Json::Object(s) => {
                            settings = Some(s);
                            Ok(())
                        }
                        _ => Err(format!("settings.users.{uid} is not an object")),
                    },
                })?,
                "clients" => map.next_value_seed(PerUser {
                    user: self.user,
                    users: &mut self.out.users,
                    each: &mut |_, value| {
                        client = Some(value);
                        Ok(())
                    },
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if settings.is_some() {
                self.out.settings = settings;
            }
            if client.is_some() {
                self.out.client = client;
            }
        }
        Ok(())
    }
}

/// An object keyed by user id: every id is noted, and the chosen user's value handed to
/// `each`.
struct PerUser<'a, 'f> {
    user: Option<&'a str>,
    users: &'a mut BTreeSet<String>,
    each: &'f mut dyn FnMut(&str, Json) -> std::result::Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for PerUser<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PerUser<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object keyed by user id")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(uid) = map.next_key::<String>()? {
            if self.user == Some(uid.as_str()) {
                let value: Json = map.next_value()?;
                (self.each)(&uid, value).map_err(A::Error::custom)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            self.users.insert(uid);
        }
        Ok(())
    }
}

/// Where the app keeps its backups on an installation whose app data folder is
/// `app_data`: made by hand or imported, then the cron job's.
pub(crate) fn folders(app_data: &Path) -> [(&'static str, PathBuf); 2] {
    let base = app_data.join("passwords");
    [
        ("manual", base.join("backups")),
        ("automatic", base.join("autoBackups")),
    ]
}

/// One backup file the app lists.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// The name `occ passwords:backup:list` shows (the file name without `.json[.gz]`).
    pub label: String,
    pub kind: &'static str,
    pub path: PathBuf,
}

/// The app's backups, by label as `occ passwords:backup:list` orders and names them (a
/// label in both folders is the automatic one, as the app resolves it).
pub(crate) fn list(app_data: &Path) -> Result<Vec<Listed>> {
    let mut found: BTreeMap<String, Listed> = BTreeMap::new();
    for (kind, folder) in folders(app_data) {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(cannot_read(&folder, &e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| cannot_read(&folder, &e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(end) = name.rfind(".json") else {
                continue;
            };
            found.insert(
                name[..end].to_owned(),
                Listed {
                    label: name[..end].to_owned(),
                    kind,
                    path: entry.path(),
                },
            );
        }
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backup the real app wrote (28 + 2024.12.1 on SQLite).
    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/nextcloud/app-backups/28-2024.12.1/sqlite/backup.json.gz")
    }

    #[test]
    fn a_backup_read_as_a_stream_reads_as_one_read_in_memory() {
        for summary in [false, true] {
            let user = (!summary).then_some("gina");
            let streamed = read_within(&fixture(), user, summary, 0).unwrap();
            let in_memory = read_within(&fixture(), user, summary, IN_MEMORY).unwrap();
            assert_eq!(streamed.version, Some(FORMAT));
            assert_eq!(streamed.users, in_memory.users);
            assert_eq!(streamed.per_user, in_memory.per_user);
            assert_eq!(streamed.rows, in_memory.rows);
            assert!(streamed.users.contains("gina"));
        }
        let gina = read(&fixture(), Some("gina")).unwrap();
        assert_eq!(gina.count("passwords_password"), 3);
        assert!(gina.keys.is_some() && gina.settings.is_some() && gina.client.is_some());
    }
}
