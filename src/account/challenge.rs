//! The challenge flows, once for every store: get, set (create or change) and verify.
//!
//! A challenge keeps the client's salts and guards a key that only the right secret
//! unlocks; keychains are sealed under that key, and changing the challenge re-seals them
//! under a new key in the same transaction. How each store encodes all this is its codec
//! (`account::codec`); the rules (proof first, the challenge re-checked under the write
//! lock, unchanged passphrases refused only after the old one was checked, keychains
//! without a challenge refused) are here.

use zeroize::Zeroizing;

use super::codec::{ChallengeStore, Codec};
use super::features;
use crate::crypto::SecretText;
use crate::crypto::pwdv1::{self, Salts, Secret};
use crate::error::{Error, Id, Result};
use crate::store::audit::{Action, Record};
use crate::store::rows::Rows;
use crate::store::{ChallengeRow, KeychainRow};
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

/// The current challenge, and its salts.
pub struct Current {
    row: ChallengeRow,
    pub salts: Salts,
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
            "the passphrase must be at least {PASSPHRASE_MIN} characters long ({rule}); the \
             one given is below that minimum"
        ))
    } else if n > PASSPHRASE_MAX {
        Some(format!(
            "the passphrase must be at most {PASSPHRASE_MAX} characters long ({rule}); the one \
             given is above that maximum (its length is not shown: it may be another file's)"
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

pub(crate) fn no_challenge(user: &str) -> Error {
    Error::new(
        Id::ChallengeNotFound,
        format!("no challenge is set for account '{user}'"),
    )
}

/// `challenge get`: the salts of the current challenge, as lowercase hex.
pub(crate) fn get<S: ChallengeStore>(store: &mut S, user: &str) -> Result<[String; 3]> {
    let tx = store.reading()?;
    let row = tx
        .current_challenge(user)?
        .ok_or_else(|| no_challenge(user))?;
    Ok(S::codec(&tx, user, false)?.salts(&row)?.to_hex())
}

/// Everything `challenge set` must know before it asks for passphrases: refuses when the
/// feature is disabled, and returns the current challenge (if any).
pub(crate) fn prepare_set<S: ChallengeStore>(store: &mut S, user: &str) -> Result<Option<Current>> {
    let tx = store.reading()?;
    ensure_feature(&tx)?;
    let Some(row) = tx.current_challenge(user)? else {
        return Ok(None);
    };
    let salts = S::codec(&tx, user, false)?.salts(&row)?;
    Ok(Some(Current { row, salts }))
}

fn ensure_feature(rows: &impl Rows) -> Result<()> {
    if features::is_enabled(rows, FEATURE)? {
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
/// re-checks that the challenge is still the one the old secret was derived for, unlocks
/// the old key with it, opens every keychain the change carries with the old key, adds a
/// new server-side key, seals everything under the new key and swaps the challenge. Any
/// failure rolls all of it back.
pub(crate) fn set<S: ChallengeStore>(
    store: &mut S,
    user: &str,
    current: Option<&Current>,
    new: NewChallenge,
    old: Option<Proof>,
) -> Result<()> {
    let old_passphrase = matches!(old, Some(Proof::Passphrase(_)));
    let derived = secrets(user, new, old, current.map(|c| &c.salts))?;
    let now = now()?;
    super::retrying(store, |store, attempt| {
        let tx = store.writing()?;
        ensure_feature(&tx)?;
        let stored = tx.current_challenge(user)?;
        if stored.as_ref().map(|r| &r.uuid) != current.map(|c| &c.row.uuid) {
            return Err(Error::new(
                Id::ChallengeChanged,
                "another program changed the account's challenge while the passphrase was \
                 being checked; run the command again",
            ));
        }
        let codec = S::codec(&tx, user, true)?;
        let old_key = match (&stored, &derived.old_secret) {
            (Some(row), Some(secret)) => Some(
                codec
                    .unlock(row, secret)?
                    .ok_or_else(|| wrong(old_passphrase))?,
            ),
            _ => None,
        };
        derived.refuse_unchanged()?;
        let carried = open_carried(&tx, &codec, user, old_key.as_ref())?;
        let (row, new_key) = codec.new_challenge(&derived.secret, &derived.salts, now)?;
        reseal(&tx, &codec, user, carried, &new_key, now)?;
        tx.install_challenge(user, &row, now)?;
        if let Some(old) = stored {
            tx.retire_challenge(user, &codec.retire(old)?, now)?;
        }
        tx.commit_change(&super::with_attempts(
            set_record(user, current.is_some(), pwdv1::TYPE),
            attempt,
        ))
    })
}

/// The keychains a change carries, opened with the old key. Without an old key (a first
/// challenge) there must be none: nothing could open them.
fn open_carried<C: Codec>(
    rows: &impl Rows,
    codec: &C,
    user: &str,
    old_key: Option<&C::Key>,
) -> Result<Vec<(KeychainRow, Zeroizing<Vec<u8>>)>> {
    let chains: Vec<KeychainRow> = rows
        .keychains(user)?
        .into_iter()
        .filter(|row| codec.carries(&row.kind))
        .collect();
    let Some(old_key) = old_key else {
        if chains.is_empty() {
            return Ok(Vec::new());
        }
        return Err(Error::new(
            Id::OrphanKeychains,
            format!(
                "account '{user}' has keychains but no challenge, so they cannot be opened; \
                 reset the account (or restore it from a backup) before setting a challenge"
            ),
        ));
    };
    chains
        .into_iter()
        .map(|row| {
            let plain = codec.open_keychain(old_key, &row, true)?;
            Ok((row, plain))
        })
        .collect()
}

/// Seal every carried keychain under `new_key`, with a new current key in the SSEv2r1
/// keychain (made if the account has none).
fn reseal<C: Codec>(
    rows: &impl Rows,
    codec: &C,
    user: &str,
    carried: Vec<(KeychainRow, Zeroizing<Vec<u8>>)>,
    new_key: &C::Key,
    now: i64,
) -> Result<()> {
    let mut have_sse = false;
    for (mut row, mut plain) in carried {
        if row.kind == SSE_KEYCHAIN {
            have_sse = true;
            plain = codec.add_server_key(Some(&plain))?;
        }
        row.data = codec.seal_keychain(new_key, &row.kind, &plain)?;
        rows.save_keychain(user, &row, now)?;
    }
    if !have_sse {
        let plain = codec.add_server_key(None)?;
        let row = KeychainRow {
            uuid: uuid::Uuid::new_v4().to_string(),
            kind: SSE_KEYCHAIN.to_owned(),
            scope: "server".to_owned(),
            data: codec.seal_keychain(new_key, SSE_KEYCHAIN, &plain)?,
        };
        rows.save_keychain(user, &row, now)?;
    }
    Ok(())
}

/// The audit record of a challenge of type `kind` set for `user`: `changed` when it
/// replaced one, else `created`.
fn set_record(user: &str, replaced: bool, kind: &str) -> Record {
    Record::account(
        user,
        Action::ChallengeSet,
        if replaced { "changed" } else { "created" },
        serde_json::json!({ "type": kind }),
    )
}

/// `challenge verify`: as opening a session does, unlock the account key with `proof` and
/// open every keychain with it. Returns how many keychains opened; nothing is written.
pub(crate) fn verify<S: ChallengeStore>(store: &mut S, user: &str, proof: &Proof) -> Result<usize> {
    Ok(open_keychains(store, user, proof)?.len())
}

/// Open every keychain of the account with the key `proof` unlocks; nothing is written.
/// Everything is read in one read transaction; Argon2 runs after it.
pub(crate) fn open_keychains<S: ChallengeStore>(
    store: &mut S,
    user: &str,
    proof: &Proof,
) -> Result<Vec<OpenKeychain>> {
    let (row, codec, chains) = {
        let tx = store.reading()?;
        let row = tx
            .current_challenge(user)?
            .ok_or_else(|| no_challenge(user))?;
        let codec = S::codec(&tx, user, false)?;
        let chains = tx.keychains(user)?;
        (row, codec, chains)
    };
    let derived;
    let secret = match proof {
        Proof::Passphrase(p) => {
            derived = pwdv1::derive(p.expose(), &codec.salts(&row)?)?;
            &derived
        }
        Proof::Secret(s) => s,
    };
    let key = codec
        .unlock(&row, secret)?
        .ok_or_else(|| wrong(matches!(proof, Proof::Passphrase(_))))?;
    chains
        .into_iter()
        .map(|row| {
            Ok(OpenKeychain {
                plaintext: codec.open_keychain(&key, &row, false)?,
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
