//! PWDv1r1, the client's part of the challenge (design §5), matching libsodium bit for bit:
//! `g = BLAKE2b-512(key = s1, passphrase ‖ s0)`, then `h = Argon2id v1.3(g, s2, t=2,
//! m=64 MiB, p=1, 32 bytes)`; the secret is `hex(h)`.

use std::fmt;

use argon2_rust::params::Memory;
use argon2_rust::{Algorithm, Argon2, Params, Version};
use blake2::Blake2bMac512;
use blake2::digest::{FixedOutput, KeyInit, Update};
use zeroize::Zeroizing;

use super::random_bytes;
use crate::error::{Error, Id, Result};

pub(crate) const TYPE: &str = "PWDv1r1";

/// libsodium's `crypto_pwhash_OPSLIMIT_INTERACTIVE` / `MEMLIMIT_INTERACTIVE` (in KiB).
const ARGON2_T: u32 = 2;
const ARGON2_M_KIB: u32 = 65_536;

pub(crate) const S0_MIN_HEX: usize = 512;
pub(crate) const S1_HEX: usize = 128;
pub(crate) const S2_HEX: usize = 32;
/// The size of `s0` this tool creates; clients may send longer ones.
const S0_NEW_BYTES: usize = 256;

/// The three public salts of a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Salts {
    pub s0: Vec<u8>,
    pub s1: [u8; 64],
    pub s2: [u8; 16],
}

impl Salts {
    pub fn generate() -> Result<Self> {
        let mut s0 = vec![0u8; S0_NEW_BYTES];
        let mut s1 = [0u8; 64];
        let mut s2 = [0u8; 16];
        random_bytes(&mut s0)?;
        random_bytes(&mut s1)?;
        random_bytes(&mut s2)?;
        Ok(Salts { s0, s1, s2 })
    }

    /// Parse the three hex salts, checking each as design §1 asks (valid hex, ≥512, =128,
    /// =32 characters). `field` names where they came from for the error message.
    pub fn from_hex(parts: &[String], field: &str) -> Result<Self> {
        if parts.len() != 3 {
            return Err(Error::new(
                Id::InvalidData,
                format!(
                    "{field} must hold exactly three salts; it holds {}",
                    parts.len()
                ),
            ));
        }
        let s0 = decode_salt(&parts[0], 0, field, |n| n >= S0_MIN_HEX, "at least 512")?;
        let s1 = decode_salt(&parts[1], 1, field, |n| n == S1_HEX, "exactly 128")?;
        let s2 = decode_salt(&parts[2], 2, field, |n| n == S2_HEX, "exactly 32")?;
        Ok(Salts {
            s0,
            s1: s1
                .try_into()
                .map_err(|_| Error::internal("salt 1 length"))?,
            s2: s2
                .try_into()
                .map_err(|_| Error::internal("salt 2 length"))?,
        })
    }

    /// Lowercase hex, as stored and printed.
    pub fn to_hex(&self) -> [String; 3] {
        [
            hex::encode(&self.s0),
            hex::encode(self.s1),
            hex::encode(self.s2),
        ]
    }
}

fn decode_salt(
    text: &str,
    index: usize,
    field: &str,
    length_ok: impl Fn(usize) -> bool,
    expected: &str,
) -> Result<Vec<u8>> {
    // Characters first, so that the length below counts hex digits (one byte each).
    if let Some((position, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(Error::new(
            Id::InvalidHex,
            format!(
                "salt {index} in {field} is not valid hexadecimal: character {} is {:?}, \
                 not one of 0-9, a-f, A-F",
                position + 1,
                c
            ),
        ));
    }
    if !length_ok(text.len()) {
        return Err(Error::new(
            Id::InvalidSalt,
            format!(
                "salt {index} in {field} must be {expected} hex characters; it has {}",
                text.len()
            ),
        ));
    }
    hex::decode(text).map_err(|_| {
        Error::new(
            Id::InvalidHex,
            format!(
                "salt {index} in {field} has an odd number of hex characters ({}); each byte \
                 takes two",
                text.len()
            ),
        )
    })
}

/// A derived PWDv1r1 secret (32 bytes). Never printed: `Debug` is redacted and the bytes
/// are wiped on drop.
#[derive(Clone)]
pub struct Secret(Zeroizing<[u8; 32]>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// Parse a secret as the API sends it: exactly 64 hex characters (either case).
    pub fn from_hex(text: &str, field: &str) -> Result<Self> {
        let bad = || {
            Error::new(
                Id::InvalidSecret,
                format!("the secret from {field} must be exactly 64 hexadecimal characters"),
            )
        };
        if text.len() != 64 {
            return Err(bad());
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text, &mut bytes[..]).map_err(|_| bad())?;
        Ok(Secret(bytes))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The API's form: lowercase hex. Only for tests and for comparing with vectors.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }
}

/// Derive the secret a libsodium client derives from `passphrase` and `salts`.
pub fn derive(passphrase: &str, salts: &Salts) -> Result<Secret> {
    let mut mac = <Blake2bMac512 as KeyInit>::new_from_slice(&salts.s1)
        .map_err(|_| Error::internal("BLAKE2b key length"))?;
    mac.update(passphrase.as_bytes());
    mac.update(&salts.s0);
    let g = Zeroizing::new(<[u8; 64]>::from(mac.finalize_fixed()));

    let mut out = Zeroizing::new([0u8; 32]);
    argon2id(&g[..], &salts.s2, ARGON2_M_KIB, ARGON2_T, &mut out[..])?;
    Ok(Secret(out))
}

/// Argon2id v1.3 with one lane into `out`, by `argon2-rust`: its fill runs the widest
/// SIMD the CPU has, chosen at run time; its work area is an anonymous mapping on
/// transparent huge pages, wiped before it is unmapped (the `zeroize-memory` feature).
pub fn argon2id(pwd: &[u8], salt: &[u8], m_kib: u32, t: u32, out: &mut [u8]) -> Result<()> {
    let params = Params::builder()
        .memory(Memory::kib(u64::from(m_kib)))
        .passes(t)
        .lanes(1)
        .tag_len(argon2_rust::params::TagLen::bytes(out.len() as u64))
        .build()
        .map_err(|e| Error::internal(format!("Argon2 parameters: {e}")))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_into(pwd, salt, out)
        .map_err(|e| Error::internal(format!("Argon2 failed: {e}")))
}

/// PWDv1r1's Argon2 cost: passes and memory (KiB), for the differential tests.
pub const ARGON2_COST: (u32, u32) = (ARGON2_T, ARGON2_M_KIB);
#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vector {
        passphrase: String,
        salts: Vec<String>,
        secret: String,
    }

    fn vectors() -> Vec<Vector> {
        super::super::test_vectors(include_str!("../../tests/data/pwdv1-vectors.json"))
    }

    #[test]
    fn reproduces_every_libsodium_vector() {
        let all = vectors();
        assert_eq!(all.len(), 4);
        for v in all {
            let salts = Salts::from_hex(&v.salts, "vector").unwrap();
            let secret = derive(&v.passphrase, &salts).unwrap();
            assert_eq!(*secret.to_hex(), v.secret, "passphrase {:?}", v.passphrase);
        }
    }

    #[test]
    fn a_different_passphrase_gives_a_different_secret() {
        let v = &vectors()[0];
        let salts = Salts::from_hex(&v.salts, "vector").unwrap();
        let secret = derive("correct horse battery stapl", &salts).unwrap();
        assert_ne!(*secret.to_hex(), v.secret);
    }

    #[test]
    fn salts_round_trip_through_hex() {
        let salts = Salts::generate().unwrap();
        let hex = salts.to_hex();
        assert_eq!(hex[0].len(), 512);
        assert_eq!(hex[1].len(), 128);
        assert_eq!(hex[2].len(), 32);
        assert!(Salts::from_hex(&hex, "x").unwrap() == salts);
    }

    #[test]
    fn salt_validation_names_the_salt() {
        let good = Salts::generate().unwrap().to_hex();
        let mut short = good.clone();
        short[0].truncate(510);
        let e = Salts::from_hex(&short, "--data").unwrap_err();
        assert_eq!(e.exit_code(), 7);
        assert!(e.message.contains("salt 0 in --data"), "{}", e.message);
        let mut bad = good.clone();
        bad[2] = "zz".repeat(16);
        let e = Salts::from_hex(&bad, "--data").unwrap_err();
        assert_eq!(e.id.as_str(), "invalid_hex");
        let mut long = good;
        long[1].push_str("00");
        assert_eq!(
            Salts::from_hex(&long, "--data").unwrap_err().id.as_str(),
            "invalid_salt"
        );
    }

    #[test]
    fn secret_parsing_and_debug() {
        let text = "AB".repeat(32);
        let s = Secret::from_hex(&text, "--secret-file").unwrap();
        assert_eq!(*s.to_hex(), "ab".repeat(32));
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(Secret::from_hex(&"a".repeat(63), "f").is_err());
        assert!(Secret::from_hex(&"g".repeat(64), "f").is_err());
        assert!(Secret::from_hex(&"é".repeat(32), "f").is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn is_hex(s: &str) -> bool {
        s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_hexdigit())
    }

    proptest! {
        #[test]
        fn salts_are_accepted_exactly_when_valid(
            s0 in "[0-9a-fA-Fg]{500,520}|[0-9a-f]{512}",
            s1 in "[0-9a-fA-F]{126,130}|[0-9a-f]{128}|.{0,140}",
            s2 in "[0-9a-f]{30,34}|.{0,40}",
        ) {
            let ok = s0.len() >= 512 && is_hex(&s0) && s1.len() == 128 && is_hex(&s1) && s2.len() == 32 && is_hex(&s2);
            let parsed = Salts::from_hex(&[s0.clone(), s1.clone(), s2.clone()], "--data");
            prop_assert_eq!(parsed.is_ok(), ok);
            if let Ok(salts) = parsed {
                prop_assert_eq!(&salts.to_hex()[0], &s0.to_lowercase());
            }
        }

        #[test]
        fn secrets_are_accepted_exactly_when_64_hex(text in "[0-9a-fA-F]{62,66}|.{0,70}") {
            let ok = text.len() == 64 && is_hex(&text);
            prop_assert_eq!(Secret::from_hex(&text, "f").is_ok(), ok);
        }
    }
}
