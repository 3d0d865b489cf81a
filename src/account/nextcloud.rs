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
use crate::crypto::icrypto::{self, Failure};
use crate::crypto::pwdv1::{self, Salts};
use crate::error::{Error, Id, Result};
use crate::store::ChallengeRow;
use crate::store::nextcloud::{NextcloudStore, Reader};

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
fn system_secret(store: &Reader<'_>) -> String {
    store.config().string("secret").unwrap_or_default()
}

/// A config value as Nextcloud hands it to the app: sensitive values are stored
/// encrypted under the system secret.
fn plain_value(store: &Reader<'_>, value: String) -> Result<String> {
    for prefix in SENSITIVE_PREFIXES {
        if let Some(encrypted) = value.strip_prefix(prefix) {
            let plain = icrypto::decrypt(encrypted, system_secret(store).as_bytes())
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
pub fn salts(store: &mut NextcloudStore, user: &str) -> Result<[String; 3]> {
    let reader = store.read()?;
    let row = current(&reader, user)?.ok_or_else(|| no_challenge(user))?;
    let key = challenge_key(&reader, user)?;
    Ok(salts_of(&row, &key)?.to_hex())
}

/// `challenge verify`: open a session as the app does; returns how many keychains open
/// with the key it yields.
pub fn verify(store: &mut NextcloudStore, user: &str, proof: &Proof) -> Result<usize> {
    let reader = store.read()?;
    let row = current(&reader, user)?.ok_or_else(|| no_challenge(user))?;
    let key = challenge_key(&reader, user)?;
    let derived;
    let secret = match proof {
        Proof::Passphrase(p) => {
            derived = pwdv1::derive(p, &salts_of(&row, &key)?)?;
            &derived
        }
        Proof::Secret(s) => s,
    };
    let server: ServerData =
        serde_json::from_slice(&open_field(&row.server_data, &key, "server data")?)
            .map_err(|_| damaged("its server data has no salt"))?;
    let wrapped = open_field(&row.sealed_key, &key, "secret")?;
    let wrapped = std::str::from_utf8(&wrapped).map_err(|_| damaged("its secret is not text"))?;
    let password = Zeroizing::new(format!("{}{}", server.salt, &*secret.to_hex()));
    let user_key = icrypto::decrypt(wrapped, password.as_bytes()).map_err(|_| {
        Error::new(
            Id::PassphraseInvalid,
            if matches!(proof, Proof::Passphrase(_)) {
                "the passphrase is wrong"
            } else {
                "the secret is wrong"
            },
        )
    })?;
    let user_key = Zeroizing::new(String::from_utf8_lossy(&user_key).into_owned());
    let server_secret = Zeroizing::new(
        reader
            .config()
            .string("passwords.secret")
            .unwrap_or_else(|| system_secret(&reader)),
    );
    let with_server = Zeroizing::new(format!("{}{}", *server_secret, *user_key));
    let mut opened = 0;
    for (uuid, kind, data) in reader.keychains(user)? {
        let ok = icrypto::decrypt(&data, with_server.as_bytes()).is_ok()
            || icrypto::decrypt(&data, user_key.as_bytes()).is_ok();
        if !ok {
            return Err(Error::new(
                Id::KeychainDamaged,
                format!("the {kind} keychain {uuid} does not open with the account's key"),
            ));
        }
        opened += 1;
    }
    Ok(opened)
}

/// `status`: what the account holds in the app's tables.
pub fn status(store: &mut NextcloudStore, user: &str) -> Result<Status> {
    let database = store.path().display().to_string();
    let reader = store.read()?;
    let counts = reader.counts(user)?;
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
        reset_pending: None,
        problems,
    })
}

impl super::Accounts for NextcloudStore {
    fn status(&mut self, user: &str) -> Result<Status> {
        status(self, user)
    }

    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]> {
        salts(self, user)
    }

    fn verify(&mut self, user: &str, proof: &Proof) -> Result<usize> {
        verify(self, user, proof)
    }
}
