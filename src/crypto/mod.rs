//! Cryptography: the PWDv1r1 client derivation, the server-side key wrapping and
//! keychain sealing, and reset codes.

pub(crate) mod icrypto;
pub(crate) mod pwdv1;
pub(crate) mod reset_code;
pub(crate) mod seal;
mod secret_text;

pub use secret_text::SecretText;

use crate::error::{Error, Result};

/// Fill `buf` from the operating system's CSPRNG.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf)
        .map_err(|e| Error::internal(format!("the system random generator failed: {e}")))
}

/// Test vectors kept as `{"vectors": [...]}` JSON files under `tests/data/`.
#[cfg(test)]
fn test_vectors<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    #[derive(serde::Deserialize)]
    struct File<T> {
        vectors: Vec<T>,
    }
    serde_json::from_str::<File<T>>(text)
        .map(|f| f.vectors)
        .unwrap_or_else(|e| panic!("bad test vectors: {e}"))
}
