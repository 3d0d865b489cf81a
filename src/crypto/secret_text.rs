//! Text that is a secret: a passphrase, the database password, the instance secret.

use zeroize::Zeroizing;

/// A secret held as text: wiped from memory when dropped, shown as `[REDACTED]` by
/// `Debug`, and its plaintext reached only through `expose`, at the one call that needs
/// it (so every use can be found by searching for `expose`).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    pub fn new(text: impl Into<String>) -> Self {
        SecretText(Zeroizing::new(text.into()))
    }

    /// The plaintext, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<Zeroizing<String>> for SecretText {
    fn from(text: Zeroizing<String>) -> Self {
        SecretText(text)
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_text() {
        let s = SecretText::new("correct horse battery staple");
        assert_eq!(format!("{s:?}"), "SecretText([REDACTED])");
        assert_eq!(
            format!("{:?}", Some(s.clone())),
            "Some(SecretText([REDACTED]))"
        );
        assert_eq!(s.expose(), "correct horse battery staple");
    }
}
