//! The challenge flows: get, set (create or change) and verify.
//!
//! The server keeps, per challenge, the client's salts (`client_data`) and the account key
//! `K` sealed under a key derived from the secret (`server_data` + `secret`). A secret is
//! right exactly when it unseals `K`. Keychains are sealed under `K`; changing the
//! challenge re-seals them under a new `K` in the same transaction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::features;
use crate::crypto::pwdv1::{self, Salts, Secret};
use crate::crypto::seal::{self, AccountKey, KEY_WRAP_INFO, KEYCHAIN_INFO, Sealed};
use crate::crypto::{SecretText, random_bytes};
use crate::error::{Error, Id, Result};
use crate::store::{self, AccountStore, CHALLENGE_ID_KEY, ChallengeRow, KeychainRow, Tx};
use crate::text::now;

pub(crate) const FEATURE: &str = "client-side-encryption";
pub(crate) const SSE_KEYCHAIN: &str = "SSEv2r1";

/// What proves the caller knows the current challenge, or defines the new one. Its
/// `Debug` shows no secret.
#[derive(Debug)]
pub enum Proof {
    Passphrase(SecretText),
    Secret(Secret),
}

/// The new challenge: a passphrase (the tool does the client's work) or, in raw mode, a
/// secret a client derived from salts it chose. Its `Debug` shows no secret.
#[derive(Debug)]
pub enum NewChallenge {
    Passphrase(SecretText),
    Raw { secret: Secret, salts: Salts },
}

/// The current challenge, parsed.
pub struct Current {
    row: ChallengeRow,
    pub salts: Salts,
}

#[derive(Serialize, Deserialize)]
struct ServerData {
    salt: String,
    nonce: String,
}

/// The plaintext of an SSEv2r1 keychain. Its keys are wiped when it is dropped.
#[derive(Serialize, Deserialize)]
pub struct SseKeychain {
    pub keys: BTreeMap<String, String>,
    pub current: String,
}

impl Drop for SseKeychain {
    fn drop(&mut self) {
        for key in self.keys.values_mut() {
            key.zeroize();
        }
    }
}

/// A keychain as stored, opened with the account key.
pub struct OpenKeychain {
    pub uuid: String,
    pub kind: String,
    pub plaintext: Zeroizing<Vec<u8>>,
}

pub(crate) const PASSPHRASE_MIN: usize = 12;
pub(crate) const PASSPHRASE_MAX: usize = 128;

/// Why a new passphrase is not acceptable, if it is not: 12 to 128 characters, counted
/// as the official client counts them (JavaScript's `length`: UTF-16 code units, so an
/// emoji outside the Basic Multilingual Plane counts 2).
pub(crate) fn passphrase_problem(passphrase: &str) -> Option<String> {
    let n = passphrase.encode_utf16().count();
    let rule = "counted in UTF-16 code units, as the official client counts";
    if n < PASSPHRASE_MIN {
        Some(format!(
            "the passphrase must be at least {PASSPHRASE_MIN} characters long ({rule}); it has {n}"
        ))
    } else if n > PASSPHRASE_MAX {
        Some(format!(
            "the passphrase must be at most {PASSPHRASE_MAX} characters long ({rule}); it has {n}"
        ))
    } else {
        None
    }
}

/// The official client refuses a new passphrase equal to the current one; so do we.
pub(crate) fn same_passphrase_problem(new: &str, old: &str) -> Option<String> {
    use subtle::ConstantTimeEq;
    bool::from(new.as_bytes().ct_eq(old.as_bytes()))
        .then(|| "the new passphrase is the same as the current one; choose another".to_owned())
}

fn damaged(what: &str) -> Error {
    Error::new(
        Id::ChallengeDamaged,
        format!(
            "the stored challenge is damaged ({what}); restore the account from a backup or reset it"
        ),
    )
}

fn parse_current(row: ChallengeRow) -> Result<Current> {
    let parts: Vec<String> = serde_json::from_str(&row.client_data)
        .map_err(|_| damaged("client data is not a JSON array"))?;
    let salts =
        Salts::from_hex(&parts, "the stored challenge").map_err(|_| damaged("bad salts"))?;
    Ok(Current { row, salts })
}

/// The current challenge, if the account has one. An account whose `user/challenge/id`
/// names a challenge that does not exist is damaged: refused, never taken as "no
/// challenge" (which would let anyone set one without proof).
pub(crate) fn current(conn: &Tx<'_>, user: &str) -> Result<Option<Current>> {
    match store::current_challenge(conn, user)? {
        Some(row) => parse_current(row).map(Some),
        None => match dangling_pointer(conn, user)? {
            Some(problem) => Err(Error::new(Id::ChallengeMissing, problem)),
            None => Ok(None),
        },
    }
}

/// If `user/challenge/id` names a challenge that does not exist, what is wrong.
pub(crate) fn dangling_pointer(conn: &Tx<'_>, user: &str) -> Result<Option<String>> {
    if store::current_challenge(conn, user)?.is_some() {
        return Ok(None);
    }
    Ok(store::user_config(conn, user, CHALLENGE_ID_KEY)?.map(|id| missing_challenge(user, &id)))
}

/// What is wrong with an account whose `user/challenge/id` names challenge `id`, which
/// does not exist (in either kind of store).
pub(crate) fn missing_challenge(user: &str, id: &str) -> String {
    format!(
        "account '{user}' is damaged: its {CHALLENGE_ID_KEY} names the challenge {:?}, which \
         does not exist; reset the account (or restore it from a backup) to repair it",
        crate::text::escape_controls(id)
    )
}

pub(crate) fn no_challenge(user: &str) -> Error {
    Error::new(
        Id::ChallengeNotFound,
        format!("no challenge is set for account '{user}'"),
    )
}

/// `challenge get`: the salts of the current challenge, as lowercase hex.
pub(crate) fn get(store: &mut AccountStore, user: &str) -> Result<[String; 3]> {
    let tx = store.read()?;
    let current = current(&tx, user)?.ok_or_else(|| no_challenge(user))?;
    Ok(current.salts.to_hex())
}

/// Everything `challenge set` must know before it asks for passphrases: refuses when the
/// feature is disabled, and returns the current challenge (if any).
pub fn prepare_set(store: &mut AccountStore, user: &str) -> Result<Option<Current>> {
    let tx = store.read()?;
    ensure_feature(&tx)?;
    current(&tx, user)
}

fn ensure_feature(conn: &Tx<'_>) -> Result<()> {
    if features::is_enabled(conn, FEATURE)? {
        return Ok(());
    }
    Err(Error::new(
        Id::FeatureDisabled,
        "the feature client-side-encryption is disabled, so no challenge can be set; \
         enable it with `pwaccount feature enable client-side-encryption`",
    ))
}

/// Derive the secrets for `jobs` at once, each on its own thread: Argon2 with p=1 uses one
/// core, so the old and the new derivation of a change take the time of one.
fn derive_all(jobs: &[(&str, &Salts)]) -> Result<Vec<Secret>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|(passphrase, salts)| scope.spawn(move || pwdv1::derive(passphrase, salts)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::internal("a derivation thread failed")))
            })
            .collect()
    })
}

fn unseal_account_key(
    user: &str,
    row: &ChallengeRow,
    secret: &Secret,
) -> Result<Option<AccountKey>> {
    let server: ServerData = serde_json::from_str(&row.server_data)
        .map_err(|_| damaged("server data is not readable"))?;
    let sealed = Sealed {
        salt: server.salt,
        nonce: server.nonce,
        ciphertext: row.sealed_key.clone(),
    };
    let aad = seal::bound_to(user, &row.uuid);
    Ok(seal::open(secret.bytes(), KEY_WRAP_INFO, &aad, &sealed)
        .and_then(|bytes| AccountKey::from_bytes(&bytes)))
}

/// The account has a challenge, and changing it needs proof of the current one.
pub(crate) fn proof_required(user: &str) -> Error {
    Error::new(
        Id::PassphraseRequired,
        format!(
            "account '{user}' already has a challenge: the current passphrase (or secret) is \
             required to change it"
        ),
    )
}

fn wrong(proof_is_passphrase: bool) -> Error {
    Error::new(
        Id::PassphraseInvalid,
        if proof_is_passphrase {
            "the passphrase is wrong"
        } else {
            "the secret is wrong"
        },
    )
}

/// What `secrets` derived for `challenge set`.
pub(crate) struct Derived {
    pub(crate) salts: Salts,
    pub(crate) secret: Secret,
    pub(crate) old_secret: Option<Secret>,
    /// Why the change would change nothing (the new passphrase or secret is the current
    /// one). Refused only after the old one was checked against the challenge: a wrong
    /// current passphrase is "wrong", not "unchanged".
    unchanged: Option<String>,
}

impl Derived {
    /// Refuse an unchanged passphrase; call once the old secret opened the challenge.
    pub(crate) fn refuse_unchanged(&self) -> Result<()> {
        match &self.unchanged {
            Some(problem) => Err(Error::new(Id::PassphraseUnchanged, problem.clone())),
            None => Ok(()),
        }
    }
}

/// The client's part of `challenge set`, the same for every store: refuses a missing
/// proof, notes an unchanged one, chooses the new salts (passphrase mode), and derives
/// every secret the change needs — Argon2, in parallel, before any lock.
pub(crate) fn secrets(
    user: &str,
    new: NewChallenge,
    old: Option<Proof>,
    current: Option<&Salts>,
) -> Result<Derived> {
    if current.is_some() && old.is_none() {
        return Err(proof_required(user));
    }
    let same = match (&new, &old, current) {
        (NewChallenge::Passphrase(n), Some(Proof::Passphrase(o)), Some(_)) => {
            same_passphrase_problem(n.expose(), o.expose())
        }
        (NewChallenge::Raw { secret, salts }, Some(Proof::Secret(o)), Some(c)) => {
            use subtle::ConstantTimeEq;
            (bool::from(secret.bytes().ct_eq(o.bytes())) && salts == c).then(|| {
                "the new secret and salts are those of the current challenge; choose another \
                 passphrase"
                    .to_owned()
            })
        }
        _ => None,
    };
    let new_salts = match &new {
        NewChallenge::Passphrase(_) => Salts::generate()?,
        NewChallenge::Raw { salts, .. } => salts.clone(),
    };
    let mut jobs: Vec<(&str, &Salts)> = Vec::new();
    if let NewChallenge::Passphrase(p) = &new {
        jobs.push((p.expose(), &new_salts));
    }
    if let (Some(Proof::Passphrase(p)), Some(salts)) = (&old, current) {
        jobs.push((p.expose(), salts));
    }
    let mut derived = derive_all(&jobs)?.into_iter();
    let new_secret = match new {
        NewChallenge::Passphrase(_) => derived.next(),
        NewChallenge::Raw { secret, .. } => Some(secret),
    }
    .ok_or_else(|| Error::internal("missing derivation"))?;
    let old_secret = match old {
        Some(Proof::Passphrase(_)) => derived.next(),
        Some(Proof::Secret(s)) => Some(s),
        None => None,
    };
    Ok(Derived {
        salts: new_salts,
        secret: new_secret,
        old_secret,
        unchanged: same,
    })
}

/// `challenge set`. Argon2 runs first, without any lock; then one write transaction
/// re-checks that the challenge is still the one the old secret was derived for, opens
/// every keychain with the old key, adds a new server-side key, re-seals everything under
/// a new key and swaps the challenge. Any failure rolls all of it back.
pub fn set(
    store: &mut AccountStore,
    user: &str,
    current: Option<&Current>,
    new: NewChallenge,
    old: Option<Proof>,
) -> Result<()> {
    let old_passphrase = matches!(old, Some(Proof::Passphrase(_)));
    let derived = secrets(user, new, old, current.map(|c| &c.salts))?;
    let (new_salts, new_secret, old_secret) =
        (&derived.salts, &derived.secret, &derived.old_secret);

    let now = now()?;
    let tx = store.write()?;
    ensure_feature(&tx)?;
    let stored = self::current(&tx, user)?;
    if stored.as_ref().map(|c| &c.row.uuid) != current.map(|c| &c.row.uuid) {
        return Err(Error::new(
            Id::ChallengeChanged,
            "another program changed the account's challenge while the passphrase was being \
             checked; run the command again",
        ));
    }
    let old_key = match (current, old_secret) {
        (Some(c), Some(secret)) => {
            Some(unseal_account_key(user, &c.row, secret)?.ok_or_else(|| wrong(old_passphrase))?)
        }
        _ => None,
    };
    derived.refuse_unchanged()?;

    let new_key = AccountKey::generate()?;
    let challenge_id = uuid::Uuid::new_v4().to_string();
    let wrapped = seal::seal(
        new_secret.bytes(),
        KEY_WRAP_INFO,
        &seal::bound_to(user, &challenge_id),
        new_key.bytes(),
    )?;
    let server_data = serde_json::to_string(&ServerData {
        salt: wrapped.salt,
        nonce: wrapped.nonce,
    })
    .map_err(|e| Error::internal(format!("encoding server data: {e}")))?;
    let client_data = serde_json::to_string(&new_salts.to_hex())
        .map_err(|e| Error::internal(format!("encoding client data: {e}")))?;

    rekey_keychains(&tx, user, old_key.as_ref(), &new_key, now)?;

    store::ensure_account(&tx, user, now)?;
    store::insert_challenge(
        &tx,
        user,
        &ChallengeRow {
            uuid: challenge_id.clone(),
            kind: pwdv1::TYPE.to_owned(),
            client_data,
            server_data,
            sealed_key: wrapped.ciphertext,
            created: now,
        },
    )?;
    store::set_user_config(&tx, user, CHALLENGE_ID_KEY, &challenge_id)?;
    if let Some(c) = current {
        store::delete_challenge(&tx, user, &c.row.uuid)?;
    }
    store::set_setting(&tx, user, "encryption.cse", "1")?;
    store::set_setting(&tx, user, "encryption.sse", SSE_KEYCHAIN)?;
    store::commit_change(tx, &set_record(user, current.is_some(), pwdv1::TYPE))
}

/// The audit record of a challenge of type `kind` set for `user`: `changed` when it
/// replaced one, else `created`.
pub(crate) fn set_record(user: &str, replaced: bool, kind: &str) -> store::audit::Record {
    store::audit::Record::account(
        user,
        store::audit::Action::ChallengeSet,
        if replaced { "changed" } else { "created" },
        serde_json::json!({ "type": kind }),
    )
}

fn keychain_key() -> Result<(String, Zeroizing<String>)> {
    let mut key = Zeroizing::new([0u8; 32]);
    random_bytes(&mut key[..])?;
    Ok((
        uuid::Uuid::new_v4().to_string(),
        Zeroizing::new(hex::encode(*key)),
    ))
}

fn seal_keychain(key: &AccountKey, user: &str, kind: &str, plaintext: &[u8]) -> Result<String> {
    let sealed = seal::seal(
        key.bytes(),
        KEYCHAIN_INFO,
        &seal::bound_to(user, kind),
        plaintext,
    )?;
    serde_json::to_string(&sealed).map_err(|e| Error::internal(format!("encoding keychain: {e}")))
}

fn open_keychain(key: &AccountKey, user: &str, row: &KeychainRow) -> Result<Zeroizing<Vec<u8>>> {
    let damaged = || {
        Error::new(
            Id::KeychainDamaged,
            format!(
                "the {} keychain {} cannot be opened with the account key; nothing was changed",
                row.kind, row.uuid
            ),
        )
    };
    let sealed: Sealed = serde_json::from_str(&row.data).map_err(|_| damaged())?;
    seal::open(
        key.bytes(),
        KEYCHAIN_INFO,
        &seal::bound_to(user, &row.kind),
        &sealed,
    )
    .ok_or_else(damaged)
}

/// Re-seal every keychain under `new_key`, adding a fresh server-side key to the SSEv2r1
/// keychain (created if missing). Without an old key (a first challenge) there must be no
/// keychains yet: nothing could open them.
fn rekey_keychains(
    conn: &Tx<'_>,
    user: &str,
    old_key: Option<&AccountKey>,
    new_key: &AccountKey,
    now: i64,
) -> Result<()> {
    let rows = store::keychains(conn, user)?;
    let (key_id, key_hex) = keychain_key()?;
    let mut have_sse = false;
    for row in &rows {
        let Some(old_key) = old_key else {
            return Err(Error::new(
                Id::OrphanKeychains,
                format!(
                    "account '{user}' has keychains but no challenge, so they cannot be opened; \
                     reset the account (or restore it from a backup) before setting a challenge"
                ),
            ));
        };
        let mut plaintext = open_keychain(old_key, user, row)?;
        if row.kind == SSE_KEYCHAIN {
            have_sse = true;
            let mut chain: SseKeychain = serde_json::from_slice(&plaintext).map_err(|_| {
                Error::new(
                    Id::KeychainDamaged,
                    format!("the {SSE_KEYCHAIN} keychain is not valid JSON"),
                )
            })?;
            chain.keys.insert(key_id.clone(), key_hex.to_string());
            chain.current = key_id.clone();
            plaintext = Zeroizing::new(
                serde_json::to_vec(&chain)
                    .map_err(|e| Error::internal(format!("encoding keychain: {e}")))?,
            );
        }
        let data = seal_keychain(new_key, user, &row.kind, &plaintext)?;
        store::update_keychain_data(conn, user, &row.uuid, &data, now)?;
    }
    if !have_sse {
        let chain = SseKeychain {
            keys: BTreeMap::from([(key_id.clone(), key_hex.to_string())]),
            current: key_id,
        };
        let plaintext = Zeroizing::new(
            serde_json::to_vec(&chain)
                .map_err(|e| Error::internal(format!("encoding keychain: {e}")))?,
        );
        let row = KeychainRow {
            uuid: uuid::Uuid::new_v4().to_string(),
            kind: SSE_KEYCHAIN.to_owned(),
            scope: "server".to_owned(),
            data: seal_keychain(new_key, user, SSE_KEYCHAIN, &plaintext)?,
        };
        store::insert_keychain(conn, user, &row, now)?;
    }
    Ok(())
}

/// Check `proof` against the current challenge; returns the account key it unseals.
fn unlock(store: &mut AccountStore, user: &str, proof: &Proof) -> Result<(AccountKey, String)> {
    let current = {
        let tx = store.read()?;
        current(&tx, user)?.ok_or_else(|| no_challenge(user))?
    };
    let derived;
    let secret = match proof {
        Proof::Passphrase(p) => {
            derived = pwdv1::derive(p.expose(), &current.salts)?;
            &derived
        }
        Proof::Secret(s) => s,
    };
    let key = unseal_account_key(user, &current.row, secret)?
        .ok_or_else(|| wrong(matches!(proof, Proof::Passphrase(_))))?;
    Ok((key, current.row.uuid))
}

/// `challenge verify`: as opening a session does, unlock the account key with `proof` and
/// open every keychain with it. Returns how many keychains opened; nothing is written.
pub(crate) fn verify(store: &mut AccountStore, user: &str, proof: &Proof) -> Result<usize> {
    Ok(open_keychains(store, user, proof)?.len())
}

/// Open every keychain of the account with the key `proof` unlocks; nothing is written.
pub fn open_keychains(
    store: &mut AccountStore,
    user: &str,
    proof: &Proof,
) -> Result<Vec<OpenKeychain>> {
    let (key, _) = unlock(store, user, proof)?;
    let tx = store.read()?;
    store::keychains(&tx, user)?
        .into_iter()
        .map(|row| {
            Ok(OpenKeychain {
                plaintext: open_keychain(&key, user, &row)?,
                uuid: row.uuid,
                kind: row.kind,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_and_new_challenges_show_no_secret_in_debug() {
        let salts = Salts::generate().unwrap();
        let secret = pwdv1::derive("a passphrase of twelve", &salts).unwrap();
        let hex = secret.to_hex();
        for shown in [
            format!(
                "{:?}",
                Proof::Passphrase(SecretText::new("the old passphrase"))
            ),
            format!(
                "{:?}",
                NewChallenge::Passphrase(SecretText::new("the new passphrase"))
            ),
            format!("{:?}", Proof::Secret(secret)),
        ] {
            assert!(
                !shown.contains("passphrase") && !shown.contains(hex.as_str()),
                "{shown}"
            );
        }
    }
}
