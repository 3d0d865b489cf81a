//! Nextcloud's `ICrypto` format (version 3), which the Passwords app uses for its
//! server-side encryption: `hex(ciphertext)|hex(iv)|hex(hmac)|3`.
//!
//! From a password `P` (any string):
//! - `km = HKDF-SHA512(ikm = P, no salt, no info)`, 64 bytes;
//! - the cipher is AES-128-CBC with PKCS#7 padding and a random 16-byte IV, keyed with
//!   `PBKDF2-HMAC-SHA1(km[0..32], salt "phpseclib", 1000 rounds, 16 bytes)` — what
//!   phpseclib 2's `AES::setPassword` derives (its Rijndael class sets that salt);
//! - the tag is `HMAC-SHA512(key = hex(SHA-512(km[32..64] ‖ "a")), message = hex(ciphertext)
//!   ‖ hex(iv))`, over the hex text, as Nextcloud computes it.
//!
//! Checked against ciphertexts Nextcloud 34.0.1's own code produced
//! (`tests/data/icrypto-vectors.json`) and against the Passwords app's rows in the fixture.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use super::random_bytes;
use crate::error::Result;

type Encryptor = cbc::Encryptor<aes::Aes128>;
type Decryptor = cbc::Decryptor<aes::Aes128>;

/// Why a value could not be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Not `ciphertext|iv|hmac|version` with hex parts.
    Format,
    /// A version other than 3 (older installations' values).
    Version,
    /// The tag does not match: a wrong password, or the value was changed.
    Tag,
    /// The tag matched but the padding did not (should not happen).
    Padding,
}

struct Keys {
    cipher: Zeroizing<[u8; 16]>,
    /// The HMAC key: the hex text of SHA-512(km[32..] ‖ "a").
    mac: Zeroizing<String>,
}

fn keys(password: &[u8]) -> Keys {
    let mut km = Zeroizing::new([0u8; 64]);
    // 64 bytes is within HKDF-SHA512's limit: expanding cannot fail.
    let _ = Hkdf::<Sha512>::new(None, password).expand(&[], &mut km[..]);
    let mut cipher = Zeroizing::new([0u8; 16]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&km[..32], b"phpseclib", 1000, &mut cipher[..]);
    let mut hasher = Sha512::new();
    hasher.update(&km[32..]);
    hasher.update(b"a");
    let mac = Zeroizing::new(hex::encode(hasher.finalize()));
    Keys { cipher, mac }
}

fn tag(keys: &Keys, ct_hex: &str, iv_hex: &str) -> Hmac<Sha512> {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(keys.mac.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(ct_hex.as_bytes());
    mac.update(iv_hex.as_bytes());
    mac
}

/// The keys one `ICrypto` password yields, derived once: a run that opens or writes many
/// values under the same password (every field of one item) derives them once.
pub(crate) struct Key(Keys);

impl Key {
    pub(crate) fn new(password: &[u8]) -> Self {
        Key(keys(password))
    }

    /// Encrypt `plaintext` as Nextcloud's `ICrypto::encrypt` does.
    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Result<String> {
        let keys = &self.0;
        let mut iv = [0u8; 16];
        random_bytes(&mut iv)?;
        let ciphertext = Encryptor::new(keys.cipher.as_ref().into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
        let (ct_hex, iv_hex) = (hex::encode(ciphertext), hex::encode(iv));
        let tag = tag(keys, &ct_hex, &iv_hex).finalize().into_bytes();
        Ok(format!("{ct_hex}|{iv_hex}|{}|3", hex::encode(tag)))
    }

    /// Decrypt a value `ICrypto::encrypt` produced under this key's password.
    pub(crate) fn decrypt(&self, value: &str) -> Result<Zeroizing<Vec<u8>>, Failure> {
        let parts: Vec<&str> = value.split('|').collect();
        let [ct_hex, iv_hex, tag_hex, version] = parts[..] else {
            return Err(Failure::Format);
        };
        if version != "3" {
            return Err(Failure::Version);
        }
        let ciphertext = hex::decode(ct_hex).map_err(|_| Failure::Format)?;
        let iv: [u8; 16] = hex::decode(iv_hex)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or(Failure::Format)?;
        let expected = hex::decode(tag_hex).map_err(|_| Failure::Format)?;
        let keys = &self.0;
        tag(keys, ct_hex, iv_hex)
            .verify_slice(&expected)
            .map_err(|_| Failure::Tag)?;
        Decryptor::new(keys.cipher.as_ref().into(), &iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| Failure::Padding)
    }
}

/// Encrypt `plaintext` under `password` as Nextcloud's `ICrypto::encrypt` does.
pub(crate) fn encrypt(plaintext: &[u8], password: &[u8]) -> Result<String> {
    Key::new(password).encrypt(plaintext)
}

/// Decrypt a value `ICrypto::encrypt` produced under `password`.
pub fn decrypt(value: &str, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure> {
    Key::new(password).decrypt(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vector {
        plaintext: String,
        password: String,
        ciphertext: String,
    }

    fn vectors() -> Vec<Vector> {
        super::super::test_vectors(include_str!("../../tests/data/icrypto-vectors.json"))
    }

    #[test]
    fn decrypts_what_nextcloud_encrypted() {
        let decrypted: Vec<(String, Vec<u8>)> = vectors()
            .into_iter()
            .map(|v| {
                let plain = decrypt(&v.ciphertext, v.password.as_bytes()).unwrap();
                (v.plaintext, plain.to_vec())
            })
            .collect();
        assert_eq!(decrypted.len(), 4);
        for (expected, plain) in decrypted {
            assert_eq!(plain, expected.as_bytes());
        }
    }

    #[test]
    fn a_wrong_password_or_an_edited_value_is_refused() {
        let v = &vectors()[1];
        assert_eq!(
            decrypt(&v.ciphertext, b"another password").unwrap_err(),
            Failure::Tag
        );
        let mut edited = v.ciphertext.clone();
        edited.replace_range(0..2, if &edited[0..2] == "00" { "01" } else { "00" });
        assert_eq!(
            decrypt(&edited, v.password.as_bytes()).unwrap_err(),
            Failure::Tag
        );
        assert_eq!(decrypt("abc|def", b"k").unwrap_err(), Failure::Format);
        let v2 = v.ciphertext.replace("|3", "|2");
        assert_eq!(
            decrypt(&v2, v.password.as_bytes()).unwrap_err(),
            Failure::Version
        );
    }

    #[test]
    fn what_it_encrypts_it_decrypts() {
        for plaintext in [&b""[..], b"x", b"exactly sixteen!", &[0u8; 1000]] {
            let c = encrypt(plaintext, b"the password").unwrap();
            assert!(c.ends_with("|3"));
            assert_eq!(&decrypt(&c, b"the password").unwrap()[..], plaintext);
        }
    }
}
