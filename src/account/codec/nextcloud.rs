//! A Nextcloud installation's codec, as the Passwords app encodes (its source at each
//! verified release; `store::nextcloud::versions` says where releases differ):
//!
//! - The challenge row's `secret`, `client_data` and `server_data` are encrypted by the
//!   app's server-side encryption (`SimpleChallengeEncryption`, an SSEv1 scheme) with
//!   Nextcloud's `ICrypto` under the password `SSEv1ServerKey ‖ SSEv1UserKey` (the app's
//!   appconfig value and the user's preference).
//! - `challenge get` returns the decrypted client data (`{"salts":[…]}`)
//!   (`UserChallengeService::getChallengeData`).
//! - Opening a session (`ChallengeV1Helper::solveChallenge`) decrypts the challenge's
//!   `secret` — itself an `ICrypto` value — under `serverData.salt ‖ secret`, the secret as
//!   the 64 lowercase hex characters the official client sends. What it yields is the
//!   user's key; the SSEv2r1 keychains open under `server secret ‖ key`, or under the key
//!   alone (`SseV2KeychainEncryption`).
//! - A change (`ChallengeV1Helper::createChallenge` and `ChallengeActivatedListener`) makes
//!   a new 512-character key and salt, adds a new current key to the SSEv2r1 keychain and
//!   encrypts it and any CSEv1r1 keychain under `server secret ‖ new key`; the replaced
//!   challenge is flagged deleted, its fields encrypted again.

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{ChallengeStore, Codec};
use crate::crypto::SecretText;
use crate::crypto::icrypto::{self, Failure};
use crate::crypto::pwdv1::{self, Salts, Secret};
use crate::error::{Error, Id, Result};
use crate::store::nextcloud::{KeychainSecret, NextcloudStore, Tx};
use crate::store::{ChallengeRow, KeychainRow};

/// Prefixes Nextcloud puts before config values it stores encrypted (sensitive values).
const SENSITIVE_PREFIXES: &[&str] = &["$AppConfigEncryption$", "$UserConfigEncryption$"];

fn damaged(what: &str) -> Error {
    Error::new(
        Id::ChallengeDamaged,
        format!("the stored challenge cannot be read ({what}); nothing was changed"),
    )
}

/// The instance's system secret (`secret` in the configuration).
fn system_secret(store: &Tx<'_>) -> Result<SecretText> {
    Ok(store
        .config()
        .secret("secret")?
        .unwrap_or_else(|| SecretText::new("")))
}

/// A config value as Nextcloud hands it to the app: sensitive values are stored
/// encrypted under the system secret.
pub(crate) fn plain_value(store: &Tx<'_>, value: String) -> Result<String> {
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
fn challenge_key(store: &Tx<'_>, user: &str) -> Result<Zeroizing<String>> {
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

/// The codec of one user of a Nextcloud installation: the password of the app's challenge
/// encryption and the server secret keychains are encrypted under.
pub(crate) struct NextcloudCodec {
    challenge_key: Zeroizing<String>,
    server_secret: SecretText,
}

impl ChallengeStore for NextcloudStore {
    type Codec = NextcloudCodec;

    fn codec(tx: &Tx<'_>, user: &str, for_change: bool) -> Result<NextcloudCodec> {
        Ok(NextcloudCodec {
            challenge_key: if for_change {
                challenge_key_for_write(tx, user)?
            } else {
                challenge_key(tx, user)?
            },
            server_secret: server_secret(tx)?,
        })
    }
}

impl Codec for NextcloudCodec {
    /// The user's key, as the challenge yields it.
    type Key = Zeroizing<String>;

    fn salts(&self, row: &ChallengeRow) -> Result<Salts> {
        salts_of(row, &self.challenge_key)
    }

    /// `ChallengeV1Helper::solveChallenge`.
    fn unlock(&self, row: &ChallengeRow, secret: &Secret) -> Result<Option<Zeroizing<String>>> {
        let ckey = &self.challenge_key;
        let server: ServerData =
            serde_json::from_slice(&open_field(&row.server_data, ckey, "server data")?)
                .map_err(|_| damaged("its server data has no salt"))?;
        let wrapped = open_field(&row.sealed_key, ckey, "secret")?;
        let wrapped =
            std::str::from_utf8(&wrapped).map_err(|_| damaged("its secret is not text"))?;
        let password = Zeroizing::new(format!("{}{}", server.salt, &*secret.to_hex()));
        Ok(icrypto::decrypt(wrapped, password.as_bytes())
            .ok()
            .map(|key| Zeroizing::new(String::from_utf8_lossy(&key).into_owned())))
    }

    /// The app carries its server-side and client-side keychains over.
    fn carries(&self, kind: &str) -> bool {
        kind == SSE_KEYCHAIN || kind == CSE_KEYCHAIN
    }

    fn open_keychain(
        &self,
        key: &Zeroizing<String>,
        row: &KeychainRow,
        changing: bool,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let more = if changing {
            "; nothing was changed"
        } else {
            ""
        };
        open_keychain(row, self.server_secret.expose(), key, more)
    }

    fn new_challenge(
        &self,
        secret: &Secret,
        salts: &Salts,
        now: i64,
    ) -> Result<(ChallengeRow, Zeroizing<String>)> {
        let key = random_chars(CHALLENGE_KEY_LENGTH)?;
        let salt = random_chars(CHALLENGE_KEY_LENGTH)?;
        let password = Zeroizing::new(format!("{}{}", *salt, &*secret.to_hex()));
        let wrapped = encrypt_text(&key, &password)?;
        let server_data = php_json(&serde_json::json!({ "salt": salt.as_str() }));
        let client_data = php_json(&serde_json::json!({ "salts": salts.to_hex() }));
        let ckey = &self.challenge_key;
        let row = ChallengeRow {
            uuid: uuid::Uuid::new_v4().to_string(),
            kind: pwdv1::TYPE.to_owned(),
            sealed_key: encrypt_text(&wrapped, ckey)?,
            server_data: encrypt_text(&server_data, ckey)?,
            client_data: encrypt_text(&client_data, ckey)?,
            created: now,
        };
        Ok((row, key))
    }

    /// The app saves the flagged challenge again: each field encrypted anew.
    fn retire(&self, old: ChallengeRow) -> Result<ChallengeRow> {
        let ckey = &self.challenge_key;
        let again = |value: &str, field: &str| -> Result<String> {
            let plain = open_field(value, ckey, field)?;
            icrypto::encrypt(&plain, ckey.as_bytes())
        };
        Ok(ChallengeRow {
            sealed_key: again(&old.sealed_key, "secret")?,
            server_data: again(&old.server_data, "server data")?,
            client_data: again(&old.client_data, "client data")?,
            ..old
        })
    }

    /// `ChallengeActivatedListener`: a new current key of 1,024 random characters, in the
    /// app's JSON (a list of keys becomes a map once a string key is added, as in PHP).
    fn add_server_key(&self, plaintext: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>> {
        let mut chain = match plaintext {
            Some(plain) => {
                let json: serde_json::Value = serde_json::from_slice(plain).map_err(|_| {
                    Error::new(
                        Id::KeychainDamaged,
                        "the SSEv2r1 keychain is not JSON; nothing was changed",
                    )
                })?;
                json.as_object().cloned().ok_or_else(|| {
                    Error::new(
                        Id::KeychainDamaged,
                        "the SSEv2r1 keychain is not a JSON object; nothing was changed",
                    )
                })?
            }
            None => {
                let mut map = serde_json::Map::new();
                map.insert("keys".into(), serde_json::Value::Array(Vec::new()));
                map.insert("current".into(), serde_json::Value::Null);
                map
            }
        };
        let key_id = uuid::Uuid::new_v4().to_string();
        let mut keys = match chain.remove("keys") {
            Some(serde_json::Value::Object(keys)) => keys,
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
        let mut chain = serde_json::Value::Object(chain);
        let plain = Zeroizing::new(php_json(&chain).into_bytes());
        wipe(&mut chain);
        Ok(plain)
    }

    /// Under `server secret ‖ key` (`SseV2KeychainEncryption`).
    fn seal_keychain(
        &self,
        key: &Zeroizing<String>,
        _kind: &str,
        plaintext: &[u8],
    ) -> Result<String> {
        let password = Zeroizing::new(format!("{}{}", self.server_secret.expose(), **key));
        icrypto::encrypt(plaintext, password.as_bytes())
    }
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

/// Wipe every text in a JSON value (a keychain's keys) before it is dropped.
fn wipe(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe),
        serde_json::Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
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
fn challenge_key_for_write(reader: &Tx<'_>, user: &str) -> Result<Zeroizing<String>> {
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
fn make_server_key(reader: &Tx<'_>) -> Result<()> {
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
fn server_secret(reader: &Tx<'_>) -> Result<SecretText> {
    if reader.rules().keychain_secret == KeychainSecret::PasswordsSecretFirst
        && let Some(secret) = reader.config().secret("passwords.secret")?
    {
        return Ok(secret);
    }
    system_secret(reader)
}
