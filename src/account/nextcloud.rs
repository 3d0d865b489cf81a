//! The account flows on a Nextcloud installation, as the Passwords app itself runs them
//! (its source at the version `store::nextcloud::VERIFIED_APP_VERSIONS` names):
//!
//! - The challenge row's `secret`, `client_data` and `server_data` are encrypted by the
//!   app's server-side encryption (`SimpleChallengeEncryption`, an SSEv1 scheme) with
//!   Nextcloud's `ICrypto` under the password `SSEv1ServerKey ‖ SSEv1UserKey` (the app's
//!   appconfig value, often unset and then empty, and the user's preference).
//! - `challenge get` returns the decrypted client data (`{"salts":[…]}`) with the type
//!   (`UserChallengeService::getChallengeData`).
//! - Opening a session (`ChallengeV1Helper::solveChallenge`) decrypts the challenge's
//!   `secret` — itself an `ICrypto` value — under `serverData.salt ‖ secret`, the secret as
//!   the 64 lowercase hex characters the official client sends. What it yields is the
//!   user's key; the SSEv2r1 keychains open under `server secret ‖ key` (the system value
//!   `passwords.secret`, else `secret`), or under the key alone
//!   (`SseV2KeychainEncryption`).

use serde::Deserialize;
use zeroize::Zeroizing;

use super::challenge::{Proof, no_challenge};
use super::status::{ChallengeInfo, Encryption, Status};
use crate::crypto::SecretText;
use crate::crypto::icrypto::{self, Failure};
use crate::crypto::pwdv1::{self, Salts};
use crate::error::{Error, Id, Result};
use crate::store::ChallengeRow;
use crate::store::nextcloud::{KeychainRow, KeychainSecret, NextcloudStore, Reader};
use crate::store::rows::Rows;

const CHALLENGE_ID_KEY: &str = "user/challenge/id";
/// Prefixes Nextcloud puts before config values it stores encrypted (sensitive values).
const SENSITIVE_PREFIXES: &[&str] = &["$AppConfigEncryption$", "$UserConfigEncryption$"];

fn damaged(what: &str) -> Error {
    Error::new(
        Id::ChallengeDamaged,
        format!("the stored challenge cannot be read ({what}); nothing was changed"),
    )
}

/// The instance's system secret (`secret` in the configuration).
fn system_secret(store: &Reader<'_>) -> Result<SecretText> {
    Ok(SecretText::new(
        store.config().string("secret")?.unwrap_or_default(),
    ))
}

/// A config value as Nextcloud hands it to the app: sensitive values are stored
/// encrypted under the system secret.
fn plain_value(store: &Reader<'_>, value: String) -> Result<String> {
    for prefix in SENSITIVE_PREFIXES {
        if let Some(encrypted) = value.strip_prefix(prefix) {
            let plain = icrypto::decrypt(encrypted, system_secret(store)?.expose().as_bytes())
                .map_err(|_| damaged("a sensitive setting does not open with the system secret"))?;
            return String::from_utf8(plain.to_vec())
                .map_err(|_| damaged("a sensitive setting is not text"));
        }
    }
    Ok(value)
}

/// The password of the app's challenge encryption for `user`.
fn challenge_key(store: &Reader<'_>, user: &str) -> Result<Zeroizing<String>> {
    let server = match store.app_value("SSEv1ServerKey")? {
        Some(v) => plain_value(store, v)?,
        None => String::new(),
    };
    let user_key = store
        .user_value(user, "SSEv1UserKey")?
        .map(|v| plain_value(store, v))
        .transpose()?
        .ok_or_else(|| damaged("the user has no SSEv1UserKey"))?;
    Ok(Zeroizing::new(format!("{server}{user_key}")))
}

fn open_field(value: &str, key: &str, field: &str) -> Result<Zeroizing<Vec<u8>>> {
    icrypto::decrypt(value, key.as_bytes()).map_err(|f| {
        damaged(&match f {
            Failure::Tag => format!("its {field} does not open with the app's server-side key"),
            _ => format!("its {field} is not a Nextcloud-encrypted value"),
        })
    })
}

/// The user's current challenge (the preference names it), or `None`.
fn current(store: &Reader<'_>, user: &str) -> Result<Option<ChallengeRow>> {
    let Some(id) = store.user_value(user, CHALLENGE_ID_KEY)? else {
        return Ok(None);
    };
    match store.challenge(user, &id)? {
        Some(row) => Ok(Some(row)),
        None => Err(Error::new(
            Id::ChallengeMissing,
            super::challenge::missing_challenge(user, &id),
        )),
    }
}

#[derive(Deserialize)]
struct ClientData {
    salts: Vec<String>,
}

#[derive(Deserialize)]
struct ServerData {
    salt: String,
}

fn salts_of(row: &ChallengeRow, key: &str) -> Result<Salts> {
    let plain = open_field(&row.client_data, key, "client data")?;
    let data: ClientData =
        serde_json::from_slice(&plain).map_err(|_| damaged("its client data is not the salts"))?;
    Salts::from_hex(&data.salts, "the stored challenge").map_err(|_| damaged("bad salts"))
}

/// `challenge get`.
pub(crate) fn salts(store: &mut NextcloudStore, user: &str) -> Result<[String; 3]> {
    let reader = store.read()?;
    let row = current(&reader, user)?.ok_or_else(|| no_challenge(user))?;
    let key = challenge_key(&reader, user)?;
    Ok(salts_of(&row, &key)?.to_hex())
}

/// `challenge verify`: open a session as the app does; returns how many keychains open
/// with the key it yields.
pub(crate) fn verify(store: &mut NextcloudStore, user: &str, proof: &Proof) -> Result<usize> {
    // Everything from the database first, in one read transaction; Argon2 after it.
    let (row, key, keychains, server_secret) = {
        let reader = store.read()?;
        let row = current(&reader, user)?.ok_or_else(|| no_challenge(user))?;
        let key = challenge_key(&reader, user)?;
        (row, key, reader.keychains(user)?, server_secret(&reader)?)
    };
    let derived;
    let secret = match proof {
        Proof::Passphrase(p) => {
            derived = pwdv1::derive(p.expose(), &salts_of(&row, &key)?)?;
            &derived
        }
        Proof::Secret(s) => s,
    };
    let user_key = solve(&row, &key, secret, matches!(proof, Proof::Passphrase(_)))?;
    for chain in &keychains {
        open_keychain(chain, server_secret.expose(), &user_key, "")?;
    }
    Ok(keychains.len())
}

/// A keychain's data, opened as `SseV2KeychainEncryption` opens it: under the server
/// secret ‖ the user's key, else under the key alone. `more` ends the error message.
fn open_keychain(
    chain: &KeychainRow,
    server_secret: &str,
    user_key: &str,
    more: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let with_server = Zeroizing::new(format!("{server_secret}{user_key}"));
    icrypto::decrypt(&chain.data, with_server.as_bytes())
        .or_else(|_| icrypto::decrypt(&chain.data, user_key.as_bytes()))
        .map_err(|_| {
            Error::new(
                Id::KeychainDamaged,
                format!(
                    "the {} keychain {} does not open with the account's key{more}",
                    chain.kind, chain.uuid
                ),
            )
        })
}

/// `status`: what the account holds in the app's tables.
pub(crate) fn status(store: &mut NextcloudStore, user: &str) -> Result<Status> {
    let database = store.location().to_owned();
    let opened = store.database_info();
    let now = crate::text::now()?;
    let reader = store.read()?;
    let counts = reader.counts(user)?;
    let would_delete = reader.reset_counts(user)?;
    let (challenge, problems) = match current(&reader, user) {
        Ok(row) => (
            row.map(|r| ChallengeInfo {
                kind: r.kind,
                created: r.created,
            }),
            Vec::new(),
        ),
        Err(e) if e.id == Id::ChallengeMissing => (None, vec![e.message]),
        Err(e) => return Err(e),
    };
    // The app's user settings encryption/cse (default: whether a challenge is set) and
    // encryption/sse (the user's choice, default 0), shown as the app stores them.
    let cse = match reader.user_value(user, "encryption/cse")? {
        Some(v) => v == "1",
        None => reader.user_value(user, CHALLENGE_ID_KEY)?.is_some(),
    };
    let sse = reader
        .user_value(user, "encryption/sse")?
        .unwrap_or_else(|| "0".into());
    Ok(Status {
        user: user.to_owned(),
        database,
        counts,
        challenge,
        encryption: Encryption {
            cse,
            sse: Some(format!("encryption/sse={sse}")),
        },
        reset_pending: reader
            .pending_reset(user)?
            .filter(|&(_, expires)| expires > now)
            .map(|(_, expires)| super::status::PendingReset { expires }),
        problems,
        would_delete: Some(would_delete),
        nextcloud: Some(opened),
    })
}

impl super::Accounts for NextcloudStore {
    fn status(&mut self, user: &str) -> Result<Status> {
        self.require_user(user)?;
        status(self, user)
    }

    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]> {
        self.require_user(user)?;
        salts(self, user)
    }

    fn verify(&mut self, user: &str, proof: &Proof) -> Result<usize> {
        self.require_user(user)?;
        verify(self, user, proof)
    }

    fn has_challenge(&mut self, user: &str) -> Result<bool> {
        self.require_user(user)?;
        let reader = self.read()?;
        Ok(current(&reader, user)?.is_some())
    }

    fn set_challenge(
        &mut self,
        user: &str,
        new: super::challenge::NewChallenge,
        old: Option<Proof>,
    ) -> Result<()> {
        self.require_user(user)?;
        set(self, user, new, old)
    }

    fn integrity(&mut self) -> Result<Vec<String>> {
        self.read()?.integrity()
    }

    fn audit_entries(
        &mut self,
        filter: &crate::store::audit::Filter,
        each: &mut dyn FnMut(crate::store::audit::Entry) -> Result<bool>,
    ) -> Result<bool> {
        self.read()?.audit_entries(filter, each)
    }

    fn damage(&mut self, user: &str) -> Result<Vec<String>> {
        let now = crate::text::now()?;
        let reader = self.read()?;
        let mut found = reader.dangling_references(user)?;
        if let Some((_, expires)) = reader.pending_reset(user)?
            && expires <= now
        {
            found.push(super::check::expired_code(expires));
        }
        Ok(found)
    }

    fn account_ids(&mut self, after: &str, limit: usize) -> Result<Vec<String>> {
        self.read()?.account_ids(after, limit)
    }

    fn last_change(&mut self, user: &str) -> Result<Option<i64>> {
        self.read()?.last_change(user)
    }

    fn reset_preview(&mut self, user: &str) -> Result<crate::store::Counts> {
        self.require_user(user)?;
        super::reset::preview(self, user)
    }

    fn reset_issue(&mut self, user: &str) -> Result<super::reset::Issued> {
        self.require_user(user)?;
        super::reset::issue(self, user)
    }

    fn reset(
        &mut self,
        user: &str,
        code: Option<&str>,
        backup: bool,
    ) -> Result<super::reset::Done> {
        self.require_user(user)?;
        let dest = if backup {
            Some(free_name(&self.default_backups()?, user, "-before-reset")?)
        } else {
            None
        };
        super::reset::reset(self, user, code, dest)
    }

    fn backup(
        &mut self,
        user: &str,
        dest: Option<&std::path::Path>,
        job: super::Job<'_>,
    ) -> Result<(std::path::PathBuf, crate::store::Counts)> {
        self.require_user(user)?;
        let overwrite = job.replace;
        let now = crate::text::now()?;
        let dest = match dest {
            Some(dest) => dest.to_path_buf(),
            None => {
                let folder = self.default_backups()?;
                crate::store::snapshot::prepare_folder(
                    &folder.join("x"),
                    self.path(),
                    false,
                    true,
                )?;
                free_name(&folder, user, "")?
            }
        };
        let reader = self.read()?;
        let counts = reader.counts(user)?;
        reader.write_snapshot(user, &dest, overwrite, now, crate::store::Step::TheChange)?;
        Ok((dest, counts))
    }

    fn check_restore(
        &mut self,
        path: &std::path::Path,
        target: Option<&str>,
        replace: bool,
        other_installation: bool,
    ) -> Result<(crate::store::snapshot::SnapshotInfo, crate::store::Counts)> {
        let info = self.inspect_snapshot(path, other_installation)?;
        super::backup::check_target(target, &info.user, "")?;
        self.require_user(&info.user)?;
        let current = self.read()?.counts(&info.user)?;
        // Blank as the app leaves a user after its reset: no live items, keychains or
        // shares. (Its reset leaves revisions no item reaches, the user's settings and,
        // through its own request, a session: those do not count.)
        let live =
            current.passwords + current.folders + current.tags + current.keychains + current.shares;
        if live > 0 && !replace {
            return Err(Error::new(
                Id::AccountNotBlank,
                format!("account '{}' is not blank", info.user),
            )
            .in_context(&info.user, self.path()));
        }
        Ok((
            crate::store::snapshot::SnapshotInfo {
                user: info.user,
                created: info.created,
                counts: info.counts,
                received_shares: 0,
            },
            current,
        ))
    }

    fn restore(
        &mut self,
        info: &crate::store::snapshot::SnapshotInfo,
        path: &std::path::Path,
        job: super::Job<'_>,
    ) -> Result<Option<String>> {
        let record = super::backup::restore_record(info, path, job.replace);
        self.restore_rows(path, &info.user, !job.replace, &record)?;
        Ok(None)
    }
}

/// PHP's `json_encode` with its default flags, for the values the app encodes: `/` is
/// escaped, and so is everything outside ASCII (as UTF-16 `\uXXXX`).
fn php_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    fn string(s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' => out.push_str("\\/"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                c => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        out.push('"');
    }
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::String(s) => string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    string(k, out);
                    out.push(':');
                    write(v, out);
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// `ISecureRandom::generate(n)` with Nextcloud's default characters (the base64
/// alphabet): 64 characters, so one random byte's low six bits pick one uniformly.
fn random_chars(n: usize) -> Result<Zeroizing<String>> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    crate::crypto::random_bytes(&mut bytes)?;
    Ok(Zeroizing::new(
        bytes
            .iter()
            .map(|b| CHARS[usize::from(b & 63)] as char)
            .collect(),
    ))
}

/// The app's key lengths (`MINIMUM_KEY_LENGTH` of its SSE classes and the challenge
/// listener; `ChallengeV1Helper` makes 512-character keys and salts).
const USER_KEY_LENGTH: usize = 1024;
const SERVER_KEY_LENGTH: usize = 1024;
const KEYCHAIN_KEY_LENGTH: usize = 1024;
const CHALLENGE_KEY_LENGTH: usize = 512;
const SSE_KEYCHAIN: &str = "SSEv2r1";
const CSE_KEYCHAIN: &str = "CSEv1r1";

fn encrypt_text(plain: &str, password: &str) -> Result<String> {
    icrypto::encrypt(plain.as_bytes(), password.as_bytes())
}

/// The challenge-encryption password, creating the user's SSEv1UserKey first if the user
/// has none (or a short one), as the app's `getUserKey` does.
fn challenge_key_for_write(reader: &Reader<'_>, user: &str) -> Result<Zeroizing<String>> {
    let have = reader
        .user_value(user, "SSEv1UserKey")?
        .map(|v| plain_value(reader, v))
        .transpose()?;
    if have.as_ref().is_none_or(|k| k.len() < USER_KEY_LENGTH) {
        let key = random_chars(USER_KEY_LENGTH)?;
        reader.set_user_value(user, "SSEv1UserKey", &key)?;
    }
    if reader.rules().makes_server_key {
        make_server_key(reader)?;
    }
    challenge_key(reader, user)
}

/// Before 2025.10 the app's first encryption makes the server key `SSEv1ServerKey` when
/// there is none or a short one, under its lock `sse.generate.lock`
/// (`SseV1Encryption::generateServerKey`); a challenge pwaccount writes there must be
/// under the key the app will use, so pwaccount makes it the same way.
fn make_server_key(reader: &Reader<'_>) -> Result<()> {
    let have = reader
        .app_value("SSEv1ServerKey")?
        .map(|v| plain_value(reader, v))
        .transpose()?;
    if have.is_some_and(|k| k.len() >= SERVER_KEY_LENGTH) {
        return Ok(());
    }
    if reader.app_value("sse.generate.lock")?.is_some() {
        return Err(Error::new(
            Id::DatabaseBusy,
            "the Passwords app is making its server key right now ('sse.generate.lock' is set); \
             try again in a moment (nothing was changed)",
        ));
    }
    let key = random_chars(SERVER_KEY_LENGTH)?;
    reader.set_app_value("SSEv1ServerKey", &key)
}

/// The server secret keychains are encrypted under (with the user's key after it), where
/// the installed release takes it from.
fn server_secret(reader: &Reader<'_>) -> Result<SecretText> {
    if reader.rules().keychain_secret == KeychainSecret::PasswordsSecretFirst
        && let Some(secret) = reader.config().string("passwords.secret")?
    {
        return Ok(SecretText::new(secret));
    }
    system_secret(reader)
}

/// `challenge set`, as `AccountApiController::setChallenge` and
/// `UserChallengeService::setChallenge` do it, in one transaction: the old challenge is
/// solved with the old secret, a new one created (`ChallengeV1Helper::createChallenge`)
/// and made current, the SSEv2r1 keychain gets a new current key (created if missing)
/// and, with any CSEv1r1 keychain, is encrypted under the new key; the old challenge is
/// flagged deleted.
pub(crate) fn set(
    store: &mut NextcloudStore,
    user: &str,
    new: super::challenge::NewChallenge,
    old: Option<Proof>,
) -> Result<()> {
    let (current_id, current_salts) = {
        let reader = store.read()?;
        match current(&reader, user)? {
            Some(row) => {
                let key = challenge_key(&reader, user)?;
                (Some(row.uuid.clone()), Some(salts_of(&row, &key)?))
            }
            None => (None, None),
        }
    };
    let old_was_passphrase = matches!(old, Some(Proof::Passphrase(_)));
    let derived = super::challenge::secrets(user, new, old, current_salts.as_ref())?;
    let (salts, secret, old_secret) = (&derived.salts, &derived.secret, &derived.old_secret);

    let now = crate::text::now()?;
    let w = store.write()?;
    let row = current(&w, user)?;
    if row.as_ref().map(|r| &r.uuid) != current_id.as_ref() {
        return Err(Error::new(
            Id::ChallengeChanged,
            "another program changed the account's challenge while the passphrase was being \
             checked; run the command again",
        ));
    }
    let ckey = challenge_key_for_write(&w, user)?;
    let server_secret = server_secret(&w)?;
    // The old key, from solving the current challenge with the old secret.
    let old_key = match (&row, old_secret) {
        (Some(row), Some(old_secret)) => Some(solve(row, &ckey, old_secret, old_was_passphrase)?),
        _ => None,
    };
    derived.refuse_unchanged()?;
    // The keychains the app carries over, opened with the old key.
    let mut sse: Option<(String, serde_json::Map<String, serde_json::Value>)> = None;
    let mut cse: Option<(String, Zeroizing<Vec<u8>>)> = None;
    for chain in w.keychains(user)? {
        if chain.kind != SSE_KEYCHAIN && chain.kind != CSE_KEYCHAIN {
            continue;
        }
        let Some(old_key) = &old_key else {
            return Err(Error::new(
                Id::OrphanKeychains,
                format!(
                    "account '{user}' has keychains but no challenge, so they cannot be opened; \
                     reset the account (or restore it from a backup) before setting a challenge"
                ),
            ));
        };
        let plain = open_keychain(
            &chain,
            server_secret.expose(),
            old_key,
            "; nothing was changed",
        )?;
        if chain.kind == SSE_KEYCHAIN {
            let json: serde_json::Value = serde_json::from_slice(&plain).map_err(|_| {
                Error::new(
                    Id::KeychainDamaged,
                    "the SSEv2r1 keychain is not JSON; nothing was changed",
                )
            })?;
            let map = json.as_object().cloned().ok_or_else(|| {
                Error::new(
                    Id::KeychainDamaged,
                    "the SSEv2r1 keychain is not a JSON object; nothing was changed",
                )
            })?;
            sse = Some((chain.uuid, map));
        } else {
            cse = Some((chain.uuid, plain));
        }
    }

    // ChallengeV1Helper::createChallenge.
    let key = random_chars(CHALLENGE_KEY_LENGTH)?;
    let salt = random_chars(CHALLENGE_KEY_LENGTH)?;
    let wrapped = encrypt_text(&key, &format!("{}{}", *salt, &*secret.to_hex()))?;
    let server_data = php_json(&serde_json::json!({ "salt": salt.as_str() }));
    let client_data = php_json(&serde_json::json!({ "salts": salts.to_hex() }));
    let uuid = uuid::Uuid::new_v4().to_string();
    w.insert_challenge(
        user,
        &ChallengeRow {
            uuid: uuid.clone(),
            kind: pwdv1::TYPE.to_owned(),
            sealed_key: encrypt_text(&wrapped, &ckey)?,
            server_data: encrypt_text(&server_data, &ckey)?,
            client_data: encrypt_text(&client_data, &ckey)?,
            created: now,
        },
        now,
    )?;
    w.set_user_value(user, CHALLENGE_ID_KEY, &uuid)?;

    // ChallengeActivatedListener: a new current SSEv2 key; keychains under the new key.
    let with_new = Zeroizing::new(format!("{}{}", server_secret.expose(), *key));
    let (sse_uuid, mut chain) = sse.unwrap_or_else(|| {
        let mut map = serde_json::Map::new();
        map.insert("keys".into(), serde_json::Value::Array(Vec::new()));
        map.insert("current".into(), serde_json::Value::Null);
        (uuid::Uuid::new_v4().to_string(), map)
    });
    let key_id = uuid::Uuid::new_v4().to_string();
    let mut keys = match chain.remove("keys") {
        Some(serde_json::Value::Object(keys)) => keys,
        // PHP turns a list into a map once a string key is added.
        Some(serde_json::Value::Array(list)) => list
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => serde_json::Map::new(),
    };
    keys.insert(
        key_id.clone(),
        random_chars(KEYCHAIN_KEY_LENGTH)?.to_string().into(),
    );
    chain.insert("keys".into(), serde_json::Value::Object(keys));
    chain.insert("current".into(), key_id.into());
    let plain = Zeroizing::new(php_json(&serde_json::Value::Object(chain)));
    w.save_keychain(
        user,
        &KeychainRow {
            uuid: sse_uuid,
            kind: SSE_KEYCHAIN.into(),
            data: encrypt_text(&plain, &with_new)?,
        },
        "server",
        now,
    )?;
    if let Some((cse_uuid, plain)) = cse {
        let data = icrypto::encrypt(&plain, with_new.as_bytes())?;
        w.save_keychain(
            user,
            &KeychainRow {
                uuid: cse_uuid,
                kind: CSE_KEYCHAIN.into(),
                data,
            },
            "client",
            now,
        )?;
    }

    // The old challenge: flagged deleted and saved again (its fields re-encrypted).
    if let Some(old_row) = row {
        let again = |value: &str, field: &str| -> Result<String> {
            let plain = open_field(value, &ckey, field)?;
            icrypto::encrypt(&plain, ckey.as_bytes())
        };
        let retired = ChallengeRow {
            sealed_key: again(&old_row.sealed_key, "secret")?,
            server_data: again(&old_row.server_data, "server data")?,
            client_data: again(&old_row.client_data, "client data")?,
            ..old_row
        };
        w.retire_challenge(user, &retired, now)?;
    }
    let replaced = current_id.is_some();
    crate::store::nextcloud::commit_change(
        w,
        &super::challenge::set_record(user, replaced, pwdv1::TYPE),
    )
}

/// `ChallengeV1Helper::solveChallenge`: the user's key, unlocked with `secret`.
fn solve(
    row: &ChallengeRow,
    ckey: &str,
    secret: &pwdv1::Secret,
    was_passphrase: bool,
) -> Result<Zeroizing<String>> {
    let server: ServerData =
        serde_json::from_slice(&open_field(&row.server_data, ckey, "server data")?)
            .map_err(|_| damaged("its server data has no salt"))?;
    let wrapped = open_field(&row.sealed_key, ckey, "secret")?;
    let wrapped = std::str::from_utf8(&wrapped).map_err(|_| damaged("its secret is not text"))?;
    let password = Zeroizing::new(format!("{}{}", server.salt, &*secret.to_hex()));
    let key = icrypto::decrypt(wrapped, password.as_bytes()).map_err(|_| {
        Error::new(
            Id::PassphraseInvalid,
            if was_passphrase {
                "the passphrase is wrong"
            } else {
                "the secret is wrong"
            },
        )
    })?;
    Ok(Zeroizing::new(String::from_utf8_lossy(&key).into_owned()))
}

/// A snapshot name in `folder` for `user` that is not taken yet (`-2`, `-3`, … added).
fn free_name(folder: &std::path::Path, user: &str, suffix: &str) -> Result<std::path::PathBuf> {
    let now = crate::text::now()?;
    let mut path = folder.join(crate::store::snapshot::file_name(user, now, suffix));
    let mut n = 2;
    while path.exists() {
        path = folder.join(crate::store::snapshot::file_name(
            user,
            now,
            &format!("{suffix}-{n}"),
        ));
        n += 1;
    }
    Ok(path)
}
