//! How each store encodes what the challenge flows read and write: the challenge's salts
//! and the key it guards, and the keychains sealed under that key. The flows
//! (`account::challenge`) are written once against `Codec`; the pwaccount file seals with
//! its own scheme (`pwaccount`), a Nextcloud installation as the Passwords app does, with
//! Nextcloud's `ICrypto` and the app's server-side keys (`nextcloud`).

pub(crate) mod nextcloud;
pub(crate) mod pwaccount;

use zeroize::Zeroizing;

use crate::crypto::pwdv1::{Salts, Secret};
use crate::error::Result;
use crate::store::rows::Transactions;
use crate::store::{ChallengeRow, KeychainRow};

/// A store whose challenges the flows read and write through a codec.
pub(crate) trait ChallengeStore: Transactions {
    /// The codec of this store.
    type Codec: Codec;
    /// The codec for `user`'s challenge, with what it needs read in `tx`. For a change
    /// (`for_change`), first the keys the store's app would make before encrypting.
    fn codec(tx: &Self::Tx<'_>, user: &str, for_change: bool) -> Result<Self::Codec>;
}

/// One store's encoding of challenges and keychains.
pub(crate) trait Codec {
    /// The key a challenge guards, which keychains are sealed under.
    type Key;
    /// The salts of a stored challenge, as `challenge get` returns them.
    fn salts(&self, row: &ChallengeRow) -> Result<Salts>;
    /// The key `secret` unlocks from the challenge, or `None` if the secret is wrong.
    fn unlock(&self, row: &ChallengeRow, secret: &Secret) -> Result<Option<Self::Key>>;
    /// Whether a challenge change carries keychains of type `kind` over to the new key.
    fn carries(&self, kind: &str) -> bool;
    /// A keychain's plaintext, opened with `key`; `changing` when a change is refused by it.
    fn open_keychain(
        &self,
        key: &Self::Key,
        row: &KeychainRow,
        changing: bool,
    ) -> Result<Zeroizing<Vec<u8>>>;
    /// A new challenge for `secret` and the salts it was derived with, and its new key.
    fn new_challenge(
        &self,
        secret: &Secret,
        salts: &Salts,
        now: i64,
    ) -> Result<(ChallengeRow, Self::Key)>;
    /// The replaced challenge as the store keeps it once retired.
    fn retire(&self, old: ChallengeRow) -> Result<ChallengeRow>;
    /// The server-side (SSEv2r1) keychain's plaintext with a new current key added, or a
    /// new keychain holding one key (`None`).
    fn add_server_key(&self, plaintext: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>>;
    /// A keychain's plaintext sealed under `key`, as stored.
    fn seal_keychain(&self, key: &Self::Key, kind: &str, plaintext: &[u8]) -> Result<String>;
}
