//! The account API's flows over the store: status, features, challenges and reset.
//! This layer never prints and never prompts; it takes answers as values and returns
//! results for the command layer to render.

pub mod backup;
pub mod challenge;
pub mod features;
pub mod nextcloud;
pub mod reset;
pub mod status;

use crate::error::Result;
use crate::store::AccountStore;

/// The flows every kind of account store serves (the pwaccount file, a Nextcloud
/// installation). Each store answers them by its own rules; commands do not ask which
/// store they have.
pub trait Accounts {
    /// `status`: what the account holds.
    fn status(&mut self, user: &str) -> Result<status::Status>;
    /// `challenge get`: the salts of the current challenge.
    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]>;
    /// `challenge verify`: check `proof` as opening a session would; returns how many
    /// keychains opened with it.
    fn verify(&mut self, user: &str, proof: &challenge::Proof) -> Result<usize>;
    /// Whether `challenge set` will need proof of a current challenge (and whether it may
    /// run at all: a disabled feature is refused here).
    fn has_challenge(&mut self, user: &str) -> Result<bool>;
    /// `challenge set`: create or change the challenge, keychains carried over.
    fn set_challenge(
        &mut self,
        user: &str,
        new: challenge::NewChallenge,
        old: Option<challenge::Proof>,
    ) -> Result<()>;
}

impl Accounts for AccountStore {
    fn status(&mut self, user: &str) -> Result<status::Status> {
        status::status(self, user)
    }

    fn challenge_salts(&mut self, user: &str) -> Result<[String; 3]> {
        challenge::get(self, user)
    }

    fn verify(&mut self, user: &str, proof: &challenge::Proof) -> Result<usize> {
        challenge::verify(self, user, proof)
    }

    fn has_challenge(&mut self, user: &str) -> Result<bool> {
        Ok(challenge::prepare_set(self, user)?.is_some())
    }

    fn set_challenge(
        &mut self,
        user: &str,
        new: challenge::NewChallenge,
        old: Option<challenge::Proof>,
    ) -> Result<()> {
        let current = challenge::prepare_set(self, user)?;
        challenge::set(self, user, current.as_ref(), new, old)
    }
}
