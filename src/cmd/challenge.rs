use std::io::IsTerminal;

use serde_json::json;
use zeroize::Zeroizing;

use super::Ctx;
use super::secrets::{OLD_PASSPHRASE, OLD_SECRET, PASSPHRASE, Reader, SECRET, Source, parse_data};
use crate::account::challenge::{
    self, NewChallenge, Proof, passphrase_problem, same_passphrase_problem,
};
use crate::cli::{ChallengeCommand, ChallengeSetArgs, ChallengeVerifyArgs};
use crate::crypto::pwdv1::{Salts, Secret};
use crate::error::{Error, Id, Result};
use crate::output::Report;
use crate::prompt::Prompter;
use crate::store::Access;

pub(super) fn run(ctx: &Ctx, command: ChallengeCommand) -> Result<Report> {
    match command {
        ChallengeCommand::Get => get(ctx),
        ChallengeCommand::Set(args) => set(ctx, &args),
        ChallengeCommand::Verify(args) => verify(ctx, &args),
    }
}

fn get(ctx: &Ctx) -> Result<Report> {
    let user = ctx.user()?;
    let salts = ctx
        .accounts(crate::store::Access::Read)?
        .challenge_salts(user)?;
    let value = json!({ "salts": salts, "type": crate::crypto::pwdv1::TYPE });
    // The API's exact shape: compact for programs, indented for people at a terminal.
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
    } else {
        value.to_string()
    };
    Ok(Report::new(value).stdout(text))
}

/// Turn a new passphrase into the challenge input, after checking its length.
fn new_passphrase(text: Zeroizing<String>, from: &str) -> Result<NewChallenge> {
    if let Some(problem) = passphrase_problem(&text) {
        return Err(Error::new(
            Id::PassphraseLength,
            format!("{problem} (from {from})"),
        ));
    }
    Ok(NewChallenge::Passphrase(text.into()))
}

/// What proves knowledge of the current challenge: a passphrase, else a secret (64 hex
/// characters, checked here), else nothing.
fn proof(
    passphrase: Option<Zeroizing<String>>,
    secret: Option<Zeroizing<String>>,
    secret_field: &str,
) -> Result<Option<Proof>> {
    Ok(match (passphrase, secret) {
        (Some(text), _) => Some(Proof::Passphrase(text.into())),
        (None, Some(text)) => Some(Proof::Secret(Secret::from_hex(&text, secret_field)?)),
        (None, None) => None,
    })
}

/// The new challenge and the proof of the current one, as far as the command line gives
/// them. Every source is read first (so that a second use of standard input is caught
/// whatever else is wrong), then checked — before the database is touched or anything is
/// asked.
fn command_line_inputs(a: &ChallengeSetArgs) -> Result<(Option<NewChallenge>, Option<Proof>)> {
    let reader = Reader::default();
    let data = match (&a.data, &a.data_file) {
        (Some(text), _) => Some((Zeroizing::new(text.clone()), "--data")),
        (None, Some(path)) => {
            let flag = "--data-file";
            Some((reader.read(Source::File { flag, path })?, flag))
        }
        (None, None) => None,
    };
    let raw_secret = reader.read_from(&SECRET, a.raw.given())?;
    let new_text = reader.read_from(&PASSPHRASE, a.new.given())?;
    let old_passphrase = reader.read_from(&OLD_PASSPHRASE, a.old.given())?;
    let old_secret = reader.read_from(&OLD_SECRET, a.old_raw.given())?;

    let new = match (raw_secret, new_text) {
        (Some(secret), _) => {
            // The command line requires the salts with a raw secret (clap checks it).
            let (text, field) = data.ok_or_else(|| {
                Error::internal("raw mode without salts passed the argument check")
            })?;
            let salts = Salts::from_hex(&parse_data(&text, field)?, field)?;
            let secret = Secret::from_hex(&secret, &SECRET.both())?;
            Some(NewChallenge::Raw { secret, salts })
        }
        (None, Some(text)) => Some(new_passphrase(text, &PASSPHRASE.both())?),
        (None, None) => None,
    };
    let old = proof(old_passphrase, old_secret, &OLD_SECRET.both())?;
    Ok((new, old))
}

fn set(ctx: &Ctx, a: &ChallengeSetArgs) -> Result<Report> {
    let user = ctx.user()?;
    let (given_new, given_old) = command_line_inputs(a)?;
    let mut store = ctx.accounts(Access::Write)?;
    let current = store.has_challenge(user)?;

    // Prompts, in the order passwd uses: the current passphrase, then the new one twice.
    let old = match (current, given_old) {
        (true, Some(proof)) => Some(proof),
        (true, None) if ctx.prompt.available() => Some(Proof::Passphrase(
            ctx.prompt.passphrase("Current passphrase")?.into(),
        )),
        (true, None) => return Err(challenge::proof_required(user)),
        (false, Some(_)) => {
            ctx.out.note(&format!(
                "Account '{user}' has no challenge yet; the old passphrase or secret is not needed and was ignored."
            ));
            None
        }
        (false, None) => None,
    };
    let old_passphrase = match &old {
        Some(Proof::Passphrase(p)) => Some(p.clone()),
        _ => None,
    };
    let new = match given_new {
        Some(new) => new,
        None if ctx.prompt.available() => NewChallenge::Passphrase(
            ctx.prompt
                .new_passphrase("New passphrase (12 to 128 characters)", |new: &str| {
                    passphrase_problem(new).or_else(|| {
                        old_passphrase
                            .as_ref()
                            .and_then(|old| same_passphrase_problem(new, old.expose()))
                    })
                })?
                .into(),
        ),
        None => {
            return Err(Prompter::cannot_ask(
                "the new passphrase",
                "--passphrase-file or --passphrase-env (or raw mode: --secret-file/--secret-env with --data)",
            ));
        }
    };

    let changed = current;
    store.set_challenge(user, new, old)?;
    let note = if changed {
        format!(
            "Changed the challenge of account '{user}'; keychains were re-encrypted under the new key."
        )
    } else {
        format!(
            "Set a challenge for account '{user}'; client-side encryption and SSEv2 are enabled."
        )
    };
    Ok(Report::new(json!({ "success": true })).note(note))
}

fn verify(ctx: &Ctx, a: &ChallengeVerifyArgs) -> Result<Report> {
    let user = ctx.user()?;
    let reader = Reader::default();
    let passphrase = reader.read_from(&PASSPHRASE, a.passphrase.given())?;
    let secret = reader.read_from(&SECRET, a.secret.given())?;
    let given = proof(passphrase, secret, &SECRET.both())?;
    let mut store = ctx.accounts(crate::store::Access::Read)?;
    // Not found (exit 4) is reported before asking for anything.
    store.challenge_salts(user)?;
    let proof = match given {
        Some(proof) => proof,
        None if ctx.prompt.available() => {
            Proof::Passphrase(ctx.prompt.passphrase("Passphrase")?.into())
        }
        None => {
            return Err(Prompter::cannot_ask(
                "the passphrase",
                "--passphrase-file or --passphrase-env (or --secret-file / --secret-env)",
            ));
        }
    };
    let keychains = store.verify(user, &proof)?;
    let what = if matches!(proof, Proof::Passphrase(_)) {
        "passphrase"
    } else {
        "secret"
    };
    Ok(
        Report::new(json!({ "success": true, "keychains": keychains })).note(format!(
            "The {what} is right for account '{user}', and its {keychains} keychain(s) open with it."
        )),
    )
}
