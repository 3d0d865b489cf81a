//! The pwaccount file's codec. Per challenge the file keeps the client's salts
//! (`client_data`) and the account key `K` sealed under a key derived from the secret
//! (`server_data` + `secret`): a secret is right exactly when it unseals `K`. Keychains
//! are sealed under `K`, bound to the account and the keychain's type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{ChallengeStore, Codec};
use crate::account::challenge::SSE_KEYCHAIN;
use crate::crypto::pwdv1::{self, Salts, Secret};
use crate::crypto::random_bytes;
use crate::crypto::seal::{self, AccountKey, KEY_WRAP_INFO, KEYCHAIN_INFO, Sealed};
use crate::error::{Error, Id, Result};
use crate::store::file::{AccountStore, Tx};
use crate::store::{ChallengeRow, KeychainRow};

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

#[derive(Serialize, Deserialize)]
struct ServerData {
    salt: String,
    nonce: String,
}

/// The codec of one account of the pwaccount file.
pub(crate) struct FileCodec {
    user: String,
}

impl ChallengeStore for AccountStore {
    type Codec = FileCodec;

    fn codec(_tx: &Tx<'_>, user: &str, _for_change: bool) -> Result<FileCodec> {
        Ok(FileCodec {
            user: user.to_owned(),
        })
    }
}

fn damaged(what: &str) -> Error {
    Error::new(
        Id::ChallengeDamaged,
        format!(
            "the stored challenge is damaged ({what}); restore the account from a backup or reset it"
        ),
    )
}

fn encoding(what: &str, e: serde_json::Error) -> Error {
    Error::internal(format!("encoding {what}: {e}"))
}

impl Codec for FileCodec {
    type Key = AccountKey;

    fn salts(&self, row: &ChallengeRow) -> Result<Salts> {
        let parts: Vec<String> = serde_json::from_str(&row.client_data)
            .map_err(|_| damaged("client data is not a JSON array"))?;
        Salts::from_hex(&parts, "the stored challenge").map_err(|_| damaged("bad salts"))
    }

    fn unlock(&self, row: &ChallengeRow, secret: &Secret) -> Result<Option<AccountKey>> {
        let server: ServerData = serde_json::from_str(&row.server_data)
            .map_err(|_| damaged("server data is not readable"))?;
        let sealed = Sealed {
            salt: server.salt,
            nonce: server.nonce,
            ciphertext: row.sealed_key.clone(),
        };
        let aad = seal::bound_to(&self.user, &row.uuid);
        Ok(seal::open(secret.bytes(), KEY_WRAP_INFO, &aad, &sealed)
            .and_then(|bytes| AccountKey::from_bytes(&bytes)))
    }

    fn carries(&self, _kind: &str) -> bool {
        true
    }

    fn open_keychain(
        &self,
        key: &AccountKey,
        row: &KeychainRow,
        _changing: bool,
    ) -> Result<Zeroizing<Vec<u8>>> {
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
        let aad = seal::bound_to(&self.user, &row.kind);
        seal::open(key.bytes(), KEYCHAIN_INFO, &aad, &sealed).ok_or_else(damaged)
    }

    fn new_challenge(
        &self,
        secret: &Secret,
        salts: &Salts,
        now: i64,
    ) -> Result<(ChallengeRow, AccountKey)> {
        let key = AccountKey::generate()?;
        let uuid = uuid::Uuid::new_v4().to_string();
        let aad = seal::bound_to(&self.user, &uuid);
        let wrapped = seal::seal(secret.bytes(), KEY_WRAP_INFO, &aad, key.bytes())?;
        let server_data = serde_json::to_string(&ServerData {
            salt: wrapped.salt,
            nonce: wrapped.nonce,
        })
        .map_err(|e| encoding("server data", e))?;
        let client_data =
            serde_json::to_string(&salts.to_hex()).map_err(|e| encoding("client data", e))?;
        let row = ChallengeRow {
            uuid,
            kind: pwdv1::TYPE.to_owned(),
            client_data,
            server_data,
            sealed_key: wrapped.ciphertext,
            created: now,
        };
        Ok((row, key))
    }

    /// The file deletes a replaced challenge; its row goes as it is.
    fn retire(&self, old: ChallengeRow) -> Result<ChallengeRow> {
        Ok(old)
    }

    /// A new random 256-bit key (hex) under a new id, made current.
    fn add_server_key(&self, plaintext: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>> {
        let mut chain = match plaintext {
            Some(plain) => serde_json::from_slice(plain).map_err(|_| {
                Error::new(
                    Id::KeychainDamaged,
                    format!("the {SSE_KEYCHAIN} keychain is not valid JSON"),
                )
            })?,
            None => SseKeychain {
                keys: BTreeMap::new(),
                current: String::new(),
            },
        };
        let mut key = Zeroizing::new([0u8; 32]);
        random_bytes(&mut key[..])?;
        let id = uuid::Uuid::new_v4().to_string();
        chain.keys.insert(id.clone(), hex::encode(*key));
        chain.current = id;
        Ok(Zeroizing::new(
            serde_json::to_vec(&chain).map_err(|e| encoding("keychain", e))?,
        ))
    }

    fn seal_keychain(&self, key: &AccountKey, kind: &str, plaintext: &[u8]) -> Result<String> {
        let aad = seal::bound_to(&self.user, kind);
        let sealed = seal::seal(key.bytes(), KEYCHAIN_INFO, &aad, plaintext)?;
        serde_json::to_string(&sealed).map_err(|e| encoding("keychain", e))
    }
}
