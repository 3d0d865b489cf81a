//! Reset codes: 4 groups of 4 characters from an alphabet without look-alikes (80 bits),
//! stored only as a SHA-256 hash and compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::random_bytes;
use crate::error::Result;

const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh code such as `K7QD-3MZP-W2XA-HN8R`.
pub(crate) fn generate() -> Result<String> {
    let mut raw = [0u8; 16];
    random_bytes(&mut raw)?;
    let mut code = String::with_capacity(19);
    for (i, byte) in raw.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        // 32 divides 256, so taking 5 bits keeps every character equally likely.
        code.push(ALPHABET[usize::from(byte & 31)] as char);
    }
    Ok(code)
}

/// What a typed code is compared as: surrounding white space dropped, upper case.
fn normalize(input: &str) -> String {
    input.trim().to_uppercase()
}

/// The stored form of a code: hex SHA-256 of its normalized text.
pub(crate) fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(normalize(code).as_bytes()))
}

/// Whether `input` is the code whose hash is `stored`, compared in constant time.
pub(crate) fn matches(input: &str, stored: &str) -> bool {
    let typed = hash(input);
    typed.as_bytes().ct_eq(stored.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_documented_shape() {
        for _ in 0..200 {
            let code = generate().unwrap();
            assert_eq!(code.len(), 19);
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 4);
            for g in groups {
                assert_eq!(g.len(), 4);
                assert!(g.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            }
        }
        assert_ne!(generate().unwrap(), generate().unwrap());
    }

    #[test]
    fn matching_ignores_case_and_surrounding_space_only() {
        let code = generate().unwrap();
        let stored = hash(&code);
        assert!(matches(&code, &stored));
        assert!(matches(&format!("  {}\n", code.to_lowercase()), &stored));
        assert!(!matches(&code.replace('-', ""), &stored));
        assert!(!matches(&code[1..], &stored));
        assert!(!matches("", &stored));
    }
}
