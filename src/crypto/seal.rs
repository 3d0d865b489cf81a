//! Sealing with XChaCha20-Poly1305 under a key derived by HKDF-SHA256 (design §5). Used to
//! wrap the account key under the challenge secret, and keychains under the account key.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::random_bytes;
use crate::error::{Error, Result};

/// HKDF `info` for wrapping the account key under a challenge secret.
pub const KEY_WRAP_INFO: &[u8] = b"pwaccount/PWDv1r1/key-wrap";
/// HKDF `info` for sealing keychains under the account key.
pub const KEYCHAIN_INFO: &[u8] = b"pwaccount/keychain";

/// A sealed value: the HKDF salt, the nonce and the ciphertext (with its tag), in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

/// The 32-byte account key `K`. Wiped on drop, never printed.
pub struct AccountKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountKey(<redacted>)")
    }
}

impl AccountKey {
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        random_bytes(&mut key[..])?;
        Ok(AccountKey(key))
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != key.len() {
            return None;
        }
        key.copy_from_slice(bytes);
        Some(AccountKey(key))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn cipher(ikm: &[u8], salt: &[u8], info: &[u8]) -> Result<XChaCha20Poly1305> {
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut key[..])
        .map_err(|_| Error::internal("HKDF output length"))?;
    XChaCha20Poly1305::new_from_slice(&key[..]).map_err(|_| Error::internal("XChaCha20 key length"))
}

/// Seal `plaintext` under a key derived from `ikm` with a fresh salt and nonce.
pub fn seal(ikm: &[u8], info: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed> {
    let mut salt = [0u8; 32];
    let mut nonce = [0u8; 24];
    random_bytes(&mut salt)?;
    random_bytes(&mut nonce)?;
    let ciphertext = cipher(ikm, &salt, info)?
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| Error::internal("sealing failed"))?;
    Ok(Sealed {
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

/// Open a sealed value. `None` when the key or associated data is wrong or the value was
/// altered: the caller decides what that means (a wrong secret, or damage).
pub fn open(ikm: &[u8], info: &[u8], aad: &[u8], sealed: &Sealed) -> Option<Zeroizing<Vec<u8>>> {
    let salt = hex::decode(&sealed.salt).ok()?;
    let nonce = hex::decode(&sealed.nonce).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let ciphertext = hex::decode(&sealed.ciphertext).ok()?;
    cipher(ikm, &salt, info)
        .ok()?
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// Associated data binding a sealed value to an account: `user_id ‖ 0x00 ‖ what`.
pub fn bound_to(user: &str, what: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(user.len() + 1 + what.len());
    aad.extend_from_slice(user.as_bytes());
    aad.push(0);
    aad.extend_from_slice(what.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let aad = bound_to("alice", "c1");
        let sealed = seal(b"secret", KEY_WRAP_INFO, &aad, b"account key").unwrap();
        let opened = open(b"secret", KEY_WRAP_INFO, &aad, &sealed).unwrap();
        assert_eq!(&opened[..], b"account key");
        // Fresh salt and nonce every time.
        let again = seal(b"secret", KEY_WRAP_INFO, &aad, b"account key").unwrap();
        assert_ne!(sealed, again);
    }

    #[test]
    fn wrong_key_info_or_associated_data_fails() {
        let aad = bound_to("alice", "c1");
        let sealed = seal(b"secret", KEY_WRAP_INFO, &aad, b"k").unwrap();
        assert!(open(b"secreT", KEY_WRAP_INFO, &aad, &sealed).is_none());
        assert!(open(b"secret", KEYCHAIN_INFO, &aad, &sealed).is_none());
        assert!(open(b"secret", KEY_WRAP_INFO, &bound_to("alice", "c2"), &sealed).is_none());
        assert!(open(b"secret", KEY_WRAP_INFO, &bound_to("bob", "c1"), &sealed).is_none());
        // "ab" ‖ 0 ‖ "c" must differ from "a" ‖ 0 ‖ "bc".
        assert_ne!(bound_to("ab", "c"), bound_to("a", "bc"));
        let mut tampered = sealed.clone();
        tampered.ciphertext.replace_range(
            0..2,
            if &sealed.ciphertext[0..2] == "00" {
                "01"
            } else {
                "00"
            },
        );
        assert!(open(b"secret", KEY_WRAP_INFO, &aad, &tampered).is_none());
    }

    #[test]
    fn keys_are_redacted_in_debug() {
        let k = AccountKey::generate().unwrap();
        assert_eq!(format!("{k:?}"), "AccountKey(<redacted>)");
    }
}
