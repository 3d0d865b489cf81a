//! Key health on a Nextcloud installation: does what the app encrypted on the server open
//! with the installation's current secret, and `rekey`, which re-encrypts under it what
//! opens only with an old one.
//!
//! The app's server-side encryption SSEv1 encrypts each field of a revision (password,
//! folder, tag) with Nextcloud's `ICrypto` under the password
//! `server secret ‖ SSEv1ServerKey ‖ SSEv1UserKey ‖ sse_key` (`SSEv1r2`), or without the
//! server secret (`SSEv1r1`, older rows). The server secret is `secret` in the
//! configuration, or from 2025.7 `passwords.secret` when that is set
//! (`ConfigurationService::getServerSecret`). A changed secret therefore leaves every
//! `SSEv1r2` field unreadable to the app ("HMAC does not match"), while the challenge,
//! encrypted under `SSEv1ServerKey ‖ SSEv1UserKey` alone, still opens.
//!
//! The SSEv2r1 keychain is encrypted under `server secret ‖ the user's key`, and that key
//! comes out of the challenge only with the user's passphrase: without it, neither its
//! state can be tried nor can it be re-encrypted. `check` and `rekey` say so.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;
use zeroize::Zeroizing;

use super::check::Finding;
use crate::crypto::SecretText;
use crate::crypto::icrypto::Key;
use crate::error::{Error, Id, Result};
use crate::store::audit::{Action, Record};
use crate::store::nextcloud::keys::{Revisions, SseRevision};
use crate::store::nextcloud::{KeychainSecret, NextcloudStore, Tx};
use crate::store::rows::{Rows, Transactions};

/// How many live revisions of each kind `check` tries per user.
pub(crate) const SAMPLE: usize = 3;

/// The user keys the app makes are 1,024 characters (`SseV1Encryption::MINIMUM_KEY_LENGTH`);
/// it replaces a shorter one with a new key, which opens nothing written before.
const USER_KEY_LENGTH: usize = 1024;

/// Where a server secret comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretName {
    /// `secret` in the configuration.
    System,
    /// `passwords.secret` in the configuration.
    Passwords,
}

impl SecretName {
    fn words(self) -> &'static str {
        match self {
            SecretName::System => "the configuration's `secret`",
            SecretName::Passwords => "the configuration's `passwords.secret`",
        }
    }
}

/// The secrets a revision may open with, the current one first.
pub(crate) struct Secrets {
    /// What the installed release encrypts with now.
    current: (SecretName, SecretText),
    /// The configuration's other secret, when there is one and it differs.
    other: Option<(SecretName, SecretText)>,
    old: Option<SecretText>,
    /// Whether the release reads `passwords.secret` (2025.7 and later).
    prefers_passwords: bool,
}

/// Which secret a rekey encrypted under, for the report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecretUse {
    /// `secret` or `passwords.secret`.
    pub name: &'static str,
    /// Whether the release reads `passwords.secret` (the non-destructive alternative).
    pub passwords_secret_read: bool,
}

impl Secrets {
    /// The secrets of the installation `reader` opened, with `old` if given.
    pub(crate) fn of(reader: &Tx<'_>, old: Option<SecretText>) -> Result<Secrets> {
        let config = reader.config();
        let system = config
            .secret("secret")?
            .unwrap_or_else(|| SecretText::new(""));
        let passwords = config.secret("passwords.secret")?;
        let prefers_passwords =
            reader.rules().keychain_secret == KeychainSecret::PasswordsSecretFirst;
        let (current, other) = match passwords {
            Some(p) if prefers_passwords => {
                let other = (p.expose() != system.expose()).then_some((SecretName::System, system));
                ((SecretName::Passwords, p), other)
            }
            Some(p) => {
                let other = (p.expose() != system.expose()).then_some((SecretName::Passwords, p));
                ((SecretName::System, system), other)
            }
            None => ((SecretName::System, system), None),
        };
        Ok(Secrets {
            current,
            other,
            old,
            prefers_passwords,
        })
    }

    /// Where the current secret comes from, and whether the release reads
    /// `passwords.secret`, for the report.
    pub(crate) fn usage(&self) -> SecretUse {
        SecretUse {
            name: self.current_name(),
            passwords_secret_read: self.prefers_passwords,
        }
    }

    /// Where the current secret comes from, for messages.
    pub(crate) fn current_name(&self) -> &'static str {
        match self.current.0 {
            SecretName::Passwords => "passwords.secret",
            SecretName::System => "secret",
        }
    }
}

/// The two keys besides the server secret that an SSEv1 password is made of.
struct Material {
    server_key: Zeroizing<String>,
    user_key: Option<Zeroizing<String>>,
}

/// What the app would use as `user`'s keys; `Err` names a stored key that cannot be
/// read (a sensitive value that does not open).
fn material(reader: &Tx<'_>, user: &str) -> std::result::Result<Material, String> {
    let plain = |v: Option<String>, what: &str| -> std::result::Result<Option<String>, String> {
        v.map(|v| {
            super::codec::nextcloud::plain_value(reader, v).map_err(|_| {
                format!(
                    "{what} is stored encrypted by Nextcloud (a sensitive value) and does not \
                     open with the configuration's `secret`"
                )
            })
        })
        .transpose()
    };
    let server = reader.app_value("SSEv1ServerKey").map_err(|e| e.message)?;
    let user_key = reader
        .user_value(user, "SSEv1UserKey")
        .map_err(|e| e.message)?;
    Ok(Material {
        server_key: Zeroizing::new(
            plain(server, "the app's server key SSEv1ServerKey")?.unwrap_or_default(),
        ),
        user_key: plain(user_key, "the user's key SSEv1UserKey")?
            .filter(|k| k.len() >= USER_KEY_LENGTH)
            .map(Zeroizing::new),
    })
}

/// The `ICrypto` key of `rev` under `secret` (ignored for `SSEv1r1`).
fn key_of(rev: &SseRevision, secret: &str, m: &Material) -> Key {
    let user_key = m.user_key.as_deref().map_or("", |k| k.as_str());
    let server = if rev.sse_type == "SSEv1r1" {
        ""
    } else {
        secret
    };
    let password = Zeroizing::new(format!(
        "{server}{}{user_key}{}",
        m.server_key.as_str(),
        rev.sse_key
    ));
    Key::new(password.as_bytes())
}

/// Whether `key` opens `rev` (its first stored field; a revision with none opens).
fn opens(rev: &SseRevision, key: &Key) -> bool {
    rev.fields
        .iter()
        .flatten()
        .next()
        .is_none_or(|field| key.decrypt(field).is_ok())
}

/// Which secret a revision opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opens {
    Current,
    Other(SecretName),
    Old,
    Neither,
}

/// Which secret opens `rev`, trying `first` (the likeliest) before the others; with the
/// key that opened it.
fn classify(rev: &SseRevision, s: &Secrets, m: &Material, old_first: bool) -> (Opens, Option<Key>) {
    let mut tries: Vec<(Opens, &SecretText)> = vec![(Opens::Current, &s.current.1)];
    if let Some((name, other)) = &s.other {
        tries.push((Opens::Other(*name), other));
    }
    if let Some(old) = &s.old {
        if old_first {
            tries.insert(0, (Opens::Old, old));
        } else {
            tries.push((Opens::Old, old));
        }
    }
    for (what, secret) in tries {
        let key = key_of(rev, secret.expose(), m);
        if opens(rev, &key) {
            return (what, Some(key));
        }
        if rev.sse_type == "SSEv1r1" {
            // Its password has no server secret: no other secret opens it either.
            break;
        }
    }
    (Opens::Neither, None)
}

/// What the revisions tried of one user opened with.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Tally {
    pub tried: u64,
    pub current: u64,
    /// Opened with the configuration's other secret.
    pub other: u64,
    pub old: u64,
    pub neither: u64,
}

impl Tally {
    fn add(&mut self, what: Opens) {
        self.tried += 1;
        match what {
            Opens::Current => self.current += 1,
            Opens::Other(_) => self.other += 1,
            Opens::Old => self.old += 1,
            Opens::Neither => self.neither += 1,
        }
    }
}

/// `check`'s findings about `user`'s keys: a sample of live revisions of each kind is
/// opened with the current secret, else the others.
pub(crate) fn findings(reader: &Tx<'_>, user: &str, s: &Secrets) -> Result<Vec<Finding>> {
    let mut sample = Vec::new();
    for kind in Revisions::ALL {
        sample.extend(reader.sse_sample(user, kind, SAMPLE)?);
    }
    if sample.is_empty() {
        return Ok(Vec::new());
    }
    let u = super::check::shell_word(user);
    let m = match material(reader, user) {
        Ok(m) => m,
        Err(why) => {
            return Ok(vec![Finding {
                account: user.to_owned(),
                problem: format!("the keys its items are encrypted with cannot be read: {why}"),
                repair: "put back the configuration's `secret` that Nextcloud stored them \
                         under (from a backup of config.php); nothing is lost until then"
                    .into(),
            }]);
        }
    };
    if m.user_key.is_none() {
        return Ok(vec![Finding {
            account: user.to_owned(),
            problem: format!(
                "its key SSEv1UserKey is missing or shorter than {USER_KEY_LENGTH} characters, \
                 so none of its server-encrypted items open; the app would make a new key on \
                 the next request"
            ),
            repair: format!(
                "restore the user's rows from a snapshot taken before (pwaccount -u {u} restore \
                 SNAPSHOT --replace); rekey cannot help, the key is the user's, not the \
                 installation's"
            ),
        }]);
    }
    let mut tally = Tally::default();
    let mut other_name = None;
    let mut legacy_failed = false;
    for rev in &sample {
        let (what, _) = classify(rev, s, &m, false);
        if let Opens::Other(name) = what {
            other_name = Some(name);
        }
        legacy_failed |= what == Opens::Neither && rev.sse_type == "SSEv1r1";
        tally.add(what);
    }
    if tally.current == tally.tried {
        return Ok(Vec::new());
    }
    Ok(vec![finding(
        user,
        &tally,
        s,
        other_name,
        legacy_failed,
        reader,
    )])
}

/// The finding for a user some of whose sampled revisions do not open with the current
/// secret: the likely cause, and a repair that destroys nothing.
fn finding(
    user: &str,
    t: &Tally,
    s: &Secrets,
    other: Option<SecretName>,
    legacy_failed: bool,
    reader: &Tx<'_>,
) -> Finding {
    let failing = t.tried - t.current;
    let mut problem = format!(
        "{failing} of {} sampled item revision(s) do not open with the installation's \
         current secret ({}), so the app cannot read them (\"HMAC does not match\")",
        t.tried,
        s.current.0.words()
    );
    let prefers_passwords = reader.rules().keychain_secret == KeychainSecret::PasswordsSecretFirst;
    let (cause, repair) = cause_and_repair(
        &super::check::shell_word(user),
        t,
        s,
        other,
        legacy_failed,
        prefers_passwords,
    );
    problem.push_str(&cause);
    Finding {
        account: user.to_owned(),
        problem,
        repair,
    }
}

/// The likely cause of failing revisions (to add to the problem) and a repair that
/// destroys nothing; `u` is the user as a shell word.
fn cause_and_repair(
    u: &str,
    t: &Tally,
    s: &Secrets,
    other: Option<SecretName>,
    legacy_failed: bool,
    prefers_passwords: bool,
) -> (String, String) {
    let failing = t.tried - t.current;
    if t.old == failing {
        let occ_alternative = match prefers_passwords {
            true => {
                "; or, changing nothing in the database: occ config:system:set \
                 passwords.secret --value=<the old secret>"
            }
            false => "",
        };
        let repair = format!(
            "pwaccount -u {u} rekey --old-secret-file FILE (re-encrypts them under the current \
             secret; a snapshot of the user is written first){occ_alternative}"
        );
        return (
            "; they open with the old secret given: the secret changed after they were written"
                .into(),
            repair,
        );
    }
    if t.other > 0 && t.neither == 0 && t.old + t.other == failing {
        let cause = match (other, s.current.0) {
            (Some(SecretName::System), SecretName::Passwords) => {
                "they open with `secret`: `passwords.secret` was set after they were written"
            }
            _ => {
                "they open with `passwords.secret`, which this release of the app does not read \
                 (2024.12 to 2025.5 use `secret`)"
            }
        };
        let repair = format!(
            "make the secret they open with the current one again (as it was when they were \
             written), or re-encrypt them: pwaccount -u {u} rekey --old-secret-file FILE, with \
             that secret in FILE"
        );
        return (format!("; {cause}"), repair);
    }
    if legacy_failed {
        let repair = format!(
            "restore the user from a snapshot taken before (pwaccount -u {u} restore SNAPSHOT \
             --replace), or put the replaced key back; do not reset the user, nothing is lost \
             until then"
        );
        return (
            "; even items encrypted without the server secret (SSEv1r1) do not open: the app's \
             server key SSEv1ServerKey or the user's key was replaced"
                .into(),
            repair,
        );
    }
    unknown_cause(u, s, prefers_passwords)
}

/// `cause_and_repair` when nothing tried opens the failing revisions.
fn unknown_cause(u: &str, s: &Secrets, prefers_passwords: bool) -> (String, String) {
    let cause = if s.old.is_some() {
        "; the old secret given does not open them either: the secret changed more than \
         once, or the server key SSEv1ServerKey was replaced"
    } else if prefers_passwords && s.current.0 == SecretName::System {
        "; the secret was probably changed, or `passwords.secret` removed, after they were \
         written (or the server key SSEv1ServerKey was replaced)"
    } else {
        "; the secret was probably changed after they were written (or the server key \
         SSEv1ServerKey was replaced)"
    };
    let repair = format!(
        "find the secret they were written under (`secret` or `passwords.secret` in a \
         config.php from a backup), try it with pwaccount check --old-secret-file FILE, then pwaccount -u \
         {u} rekey --old-secret-file FILE; do not reset the user, nothing is lost until \
         then"
    );
    (cause.into(), repair)
}

/// What `rekey` found, or did, for one user.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserRekey {
    pub user: String,
    /// Revisions re-encrypted (or to be), per kind.
    pub revisions: HashMap<&'static str, u64>,
    /// Revisions that open with neither secret: left as they are.
    pub unopenable: u64,
    /// Revisions that open with the current secret already.
    pub current: u64,
    /// Keychains (SSEv2r1) that need the user's passphrase to be re-encrypted.
    pub keychains: u64,
    /// The snapshot written before the user's rows changed.
    pub snapshot: Option<PathBuf>,
}

impl UserRekey {
    pub(crate) fn total(&self) -> u64 {
        self.revisions.values().sum()
    }
}

/// Where `walk` hands a revision's fields re-encrypted: its kind, id and new fields.
type Rewrite<'a> = dyn FnMut(Revisions, i64, Vec<Option<String>>) -> Result<()> + 'a;

/// Page size of the walk over a user's revisions.
const PAGE: usize = 500;

/// Walk every SSEv1 revision of `user`: what each opens with, and for those that open
/// with the old secret, `rewrite` (when given) gets the fields re-encrypted under the
/// current secret.
fn walk(
    reader: &Tx<'_>,
    user: &str,
    s: &Secrets,
    rewrite: Option<&mut Rewrite<'_>>,
) -> Result<UserRekey> {
    let mut rewrite = rewrite;
    let mut out = UserRekey {
        user: user.to_owned(),
        revisions: HashMap::new(),
        unopenable: 0,
        current: 0,
        keychains: reader.keychains(user)?.len() as u64,
        snapshot: None,
    };
    let m = material(reader, user).map_err(|why| {
        Error::new(
            Id::KeysUnreadable,
            format!("account '{user}': {why}; nothing was changed"),
        )
    })?;
    for kind in Revisions::ALL {
        let mut after = 0;
        loop {
            crate::interrupt::check()?;
            let page = reader.sse_page(user, kind, after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.id;
            // The key derivations, the cost of a rekey, run on every core; the rows are
            // written in order, on this thread.
            let writing = rewrite.is_some();
            let outcomes = parallel(&page, |rev| match classify(rev, s, &m, true) {
                (Opens::Old, Some(old_key)) if writing => {
                    (Opens::Old, Some(reencrypt(rev, &old_key, s, &m)))
                }
                (what, _) => (what, None),
            })?;
            for (rev, (what, fields)) in page.iter().zip(outcomes) {
                match what {
                    Opens::Old => {
                        *out.revisions.entry(kind.noun()).or_default() += 1;
                        if let (Some(rewrite), Some(fields)) = (rewrite.as_deref_mut(), fields) {
                            rewrite(kind, rev.id, fields?)?;
                        }
                    }
                    Opens::Neither => out.unopenable += 1,
                    _ => out.current += 1,
                }
            }
            if page.len() < PAGE {
                break;
            }
        }
    }
    Ok(out)
}

/// `f` of every item, in order, the items split among the machine's cores (at most 8).
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || items.len() < 2 * threads {
        return Ok(items.iter().map(f).collect());
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for worker in workers {
            all.extend(
                worker
                    .join()
                    .map_err(|_| Error::internal("a key derivation thread failed"))?,
            );
        }
        Ok(all)
    })
}

/// The fields of `rev`, opened with `old_key` and encrypted again under the current secret.
fn reencrypt(
    rev: &SseRevision,
    old_key: &Key,
    s: &Secrets,
    m: &Material,
) -> Result<Vec<Option<String>>> {
    let new_key = key_of(rev, s.current.1.expose(), m);
    rev.fields
        .iter()
        .map(|field| {
            field
                .as_deref()
                .map(|value| {
                    let plain = old_key.decrypt(value).map_err(|_| {
                        Error::new(
                            Id::KeysUnreadable,
                            format!(
                                "revision {} opens with the old secret in one field but not in \
                                 another; nothing was changed",
                                rev.id
                            ),
                        )
                    })?;
                    new_key.encrypt(&plain)
                })
                .transpose()
        })
        .collect()
}

/// What a rekey of `users` would do: nothing is written.
pub(crate) fn plan(reader: &Tx<'_>, users: &[String], s: &Secrets) -> Result<Vec<UserRekey>> {
    users.iter().map(|u| walk(reader, u, s, None)).collect()
}

/// Refuse a plan that cannot be carried out as asked: nothing opens with the old secret,
/// or some revisions open with neither secret (unless `only_openable`).
pub(crate) fn refuse(plan: &[UserRekey], s: &Secrets, only_openable: bool) -> Result<()> {
    let rekeyable: u64 = plan.iter().map(UserRekey::total).sum();
    let unopenable: Vec<&UserRekey> = plan.iter().filter(|u| u.unopenable > 0).collect();
    if rekeyable == 0 && !unopenable.is_empty() {
        return Err(Error::new(
            Id::OldSecretWrong,
            format!(
                "nothing opens with the old secret given: {} item revision(s) of {} user(s) \
                 open with neither it nor the current secret ({}); check the secret (the \
                 `secret` of the config.php they were written under); nothing was changed",
                unopenable.iter().map(|u| u.unopenable).sum::<u64>(),
                unopenable.len(),
                s.current.0.words()
            ),
        ));
    }
    if !unopenable.is_empty() && !only_openable {
        let rekeyed: Vec<&str> = plan
            .iter()
            .filter(|u| u.total() > 0)
            .map(|u| u.user.as_str())
            .collect();
        return Err(Error::new(
            Id::RekeyPartial,
            format!(
                "some items open with neither secret: {} (they would stay unreadable); the old \
                 secret opens those of {}; nothing was changed; add --only-openable to \
                 re-encrypt what opens and leave the rest",
                list(
                    unopenable
                        .iter()
                        .map(|u| format!("{} ({})", u.user, u.unopenable))
                ),
                if rekeyed.is_empty() {
                    "no user".to_owned()
                } else {
                    list(rekeyed.iter().map(|u| (*u).to_owned()))
                }
            ),
        ));
    }
    Ok(())
}

fn list(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    if all.len() > 10 {
        format!("{} and {} more", all[..10].join(", "), all.len() - 10)
    } else {
        all.join(", ")
    }
}

/// Re-encrypt in the transaction `reader` what of `planned.user` opens with the old
/// secret, after `snapshot` has written the user's rows as they were; with the audit
/// record of it. A user with nothing to re-encrypt is left alone.
fn rekey_user(
    reader: &Tx<'_>,
    planned: &UserRekey,
    s: &Secrets,
    snapshot: &mut dyn FnMut(&str) -> Result<PathBuf>,
) -> Result<Option<(UserRekey, Record)>> {
    let user = planned.user.as_str();
    if planned.total() == 0 {
        return Ok(None);
    }
    let path = snapshot(user)?;
    let mut done = walk(
        reader,
        user,
        s,
        Some(&mut |kind, id, fields| reader.rewrite_revision(user, kind, id, &fields)),
    )?;
    done.snapshot = Some(path);
    let record = Record::account(
        user,
        Action::Rekey,
        "re-encrypted",
        serde_json::json!({
            "revisions": done.revisions,
            "left_unopenable": done.unopenable,
            "secret": s.current_name(),
            "backup": done.snapshot.as_ref().map(|p| crate::text::path_text(p)),
        }),
    );
    Ok(Some((done, record)))
}

/// The users a rekey covers: `one`, or every user Nextcloud has that owns rows of the app.
pub(crate) fn users(store: &mut NextcloudStore, one: Option<&str>) -> Result<Vec<String>> {
    if let Some(user) = one {
        store.require_user(user)?;
        return Ok(vec![user.to_owned()]);
    }
    let mut ids = Vec::new();
    super::each_account(store, &mut |_, listed| {
        if let super::Listed::Account(user) = listed {
            ids.push(user.to_owned());
        }
        Ok(true)
    })?;
    Ok(ids
        .into_iter()
        .filter(|u| store.require_user(u).is_ok())
        .collect())
}

/// What a rekey of `users` with `old` would do, read without changing anything; refused
/// as `refuse` says.
pub(crate) fn preview(
    store: &mut NextcloudStore,
    users: &[String],
    old: &SecretText,
    only_openable: bool,
) -> Result<(Vec<UserRekey>, SecretUse)> {
    let reader = store.reading()?;
    let s = Secrets::of(&reader, Some(old.clone()))?;
    let plan = plan(&reader, users, &s)?;
    refuse(&plan, &s, only_openable)?;
    Ok((plan, s.usage()))
}

/// Re-encrypt, in one transaction, what of `users` opens with `old` only, under the
/// installation's current secret; a snapshot of each user changed is written first (in
/// `folder`), and removed again if the rekey does not commit. `shown`, when the plan was
/// shown and confirmed, must still be what the transaction finds.
pub(crate) fn rekey(
    store: &mut NextcloudStore,
    users: &[String],
    old: &SecretText,
    only_openable: bool,
    shown: Option<&[UserRekey]>,
) -> Result<(Vec<UserRekey>, SecretUse)> {
    let folder = store.default_backups()?;
    let now = crate::text::now()?;
    super::retrying(store, |store, attempt| {
        rekey_once(
            store,
            &folder,
            now,
            users,
            old,
            only_openable,
            shown,
            attempt,
        )
    })
}

/// One attempt of `rekey`, in one transaction.
#[allow(clippy::too_many_arguments)]
fn rekey_once(
    store: &mut NextcloudStore,
    folder: &std::path::Path,
    now: i64,
    users: &[String],
    old: &SecretText,
    only_openable: bool,
    shown: Option<&[UserRekey]>,
    attempt: u32,
) -> Result<(Vec<UserRekey>, SecretUse)> {
    let reader = store.writing()?;
    let s = Secrets::of(&reader, Some(old.clone()))?;
    let plan = plan(&reader, users, &s)?;
    refuse(&plan, &s, only_openable)?;
    if let Some(shown) = shown {
        let counts = |p: &[UserRekey]| -> Vec<(String, u64, u64)> {
            p.iter()
                .map(|u| (u.user.clone(), u.total(), u.unopenable))
                .collect()
        };
        if counts(shown) != counts(&plan) {
            return Err(Error::new(
                Id::ChallengeChanged,
                "the items changed since the plan was shown (the app is in use); run rekey                  again; nothing was changed",
            ));
        }
    }
    let mut written: Vec<PathBuf> = Vec::new();
    // Ended from another thread (an interruption, a server timeout) before the commit:
    // the snapshots would record a rekey that did not happen.
    let mut guards = Vec::new();
    let outcome = (|| {
        let mut done = Vec::new();
        let mut records = Vec::new();
        for planned in &plan {
            let mut snapshot = |user: &str| -> Result<PathBuf> {
                let dest = crate::store::files::free_name(folder, user, "-before-rekey")?;
                reader.write_reset_snapshot(user, &dest, now)?;
                guards.push(crate::interrupt::discard_if_ended(&dest));
                written.push(dest.clone());
                Ok(dest)
            };
            match rekey_user(&reader, planned, &s, &mut snapshot)? {
                Some((user, record)) => {
                    done.push(user);
                    records.push(super::with_attempts(record, attempt));
                }
                None => done.push(planned.clone()),
            }
        }
        Ok((done, records))
    })();
    let secret = s.usage();
    let committed = outcome.and_then(|(done, records)| {
        crate::store::nextcloud::commit_records(reader, &records)?;
        Ok((done, secret))
    });
    if committed.is_err() {
        for path in &written {
            crate::store::files::discard(path);
        }
    }
    drop(guards);
    committed
}
