//! The fast Argon2 (`argon2-rust`, runtime-dispatched SIMD) held to the reference (the
//! `argon2` crate, RustCrypto's): every parameter set pwaccount derives with, random
//! passphrases and salts through the whole PWDv1r1 derivation, and random small costs.
//! The libsodium vectors are checked in `crypto::pwdv1`'s own tests; libsodium itself in
//! `challenge::libsodium_agrees_in_both_directions`.

use argon2::{Algorithm, Argon2, Params, Version};
use blake2::Blake2bMac512;
use blake2::digest::{FixedOutput, KeyInit, Update};
use proptest::prelude::*;
use pwaccount::formats::pwdv1;

/// The reference: Argon2id v1.3, one lane, by the `argon2` crate.
fn reference(pwd: &[u8], salt: &[u8], m_kib: u32, t: u32, len: usize) -> Vec<u8> {
    let params = Params::new(m_kib, t, 1, Some(len)).unwrap();
    let mut out = vec![0u8; len];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pwd, salt, &mut out)
        .unwrap();
    out
}

/// PWDv1r1 by the reference: BLAKE2b-512 keyed with s1 over passphrase ‖ s0, then Argon2id.
fn reference_pwdv1(passphrase: &str, salts: &pwdv1::Salts) -> Vec<u8> {
    let mut mac = <Blake2bMac512 as KeyInit>::new_from_slice(&salts.s1).unwrap();
    mac.update(passphrase.as_bytes());
    mac.update(&salts.s0);
    let g = mac.finalize_fixed();
    let (t, m) = pwdv1::ARGON2_COST;
    reference(&g, &salts.s2, m, t, 32)
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The one parameter set pwaccount derives with (PWDv1r1; the file store seals with keys
/// derived from its output, not with another Argon2), on fixed edge inputs.
#[test]
fn the_pwdv1_parameters_agree_on_edge_inputs() {
    let (t, m) = pwdv1::ARGON2_COST;
    for (pwd, salt) in [
        (vec![0u8; 64], vec![0u8; 16]),
        (vec![0xffu8; 64], vec![0xffu8; 16]),
        ((0..64).collect::<Vec<u8>>(), (0..16).collect::<Vec<u8>>()),
    ] {
        let mut fast = [0u8; 32];
        pwdv1::argon2id(&pwd, &salt, m, t, &mut fast).unwrap();
        assert_eq!(fast.to_vec(), reference(&pwd, &salt, m, t, 32));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(6)))]

    /// The whole derivation, random passphrase (any Unicode) and salts.
    #[test]
    fn properties_pwdv1_agrees_with_the_reference(
        passphrase in "\\PC{0,80}",
        s0 in proptest::collection::vec(any::<u8>(), 256..300),
        s1 in proptest::array::uniform32(any::<u8>()),
        s1b in proptest::array::uniform32(any::<u8>()),
        s2 in proptest::array::uniform16(any::<u8>()),
    ) {
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(&s1);
        key[32..].copy_from_slice(&s1b);
        let salts = pwdv1::Salts { s0, s1: key, s2 };
        let fast = pwdv1::derive(&passphrase, &salts).unwrap();
        prop_assert_eq!(fast.bytes().to_vec(), reference_pwdv1(&passphrase, &salts));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// Small random costs and lengths: the fill, the indexing and the tag length of the
    /// fast implementation match the reference beyond the one set pwaccount uses.
    #[test]
    fn properties_small_costs_agree_with_the_reference(
        pwd in proptest::collection::vec(any::<u8>(), 0..128),
        salt in proptest::collection::vec(any::<u8>(), 8..64),
        m in 8u32..2048,
        t in 1u32..5,
        len in 4usize..80,
    ) {
        let mut fast = vec![0u8; len];
        pwdv1::argon2id(&pwd, &salt, m, t, &mut fast).unwrap();
        prop_assert_eq!(fast, reference(&pwd, &salt, m, t, len));
    }
}
