//! The account API's flows over the store: status, features, challenges and reset.
//! This layer never prints and never prompts; it takes answers as values and returns
//! results for the command layer to render.

pub mod backup;
pub mod challenge;
pub mod features;
pub mod reset;
pub mod status;

use crate::error::{Error, Id, Result};

/// Unix seconds now. A clock before 1970 (or past the year 292 billion) is an error,
/// never a made-up time.
pub fn now() -> Result<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| Error::internal("the system clock is set before 1970; correct it"))
}

/// SPEC §1: user ids are 1 to 64 characters with no control characters.
pub fn validate_user_id(id: &str) -> Result<()> {
    let len = id.chars().count();
    if len == 0 || len > 64 {
        return Err(Error::new(
            Id::InvalidUser,
            format!("an account id must be 1 to 64 characters long; this one has {len}"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::new(
            Id::InvalidUser,
            "an account id must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        assert!(validate_user_id("alice").is_ok());
        assert!(validate_user_id(&"é".repeat(64)).is_ok());
        assert!(validate_user_id(&"a".repeat(65)).is_err());
        assert!(validate_user_id("").is_err());
        assert!(validate_user_id("a\nb").is_err());
        assert!(validate_user_id("a\u{7f}").is_err());
    }
}
