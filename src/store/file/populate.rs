//! Synthetic but realistic account data, for tests, benchmarks and the README
//! walkthrough (`cargo run --example populate`). Not part of the command line.
//!
//! For `N` passwords it writes, in one transaction:
//! - N passwords with 3 revisions each;
//! - max(1, N/20) folders and max(1, N/50) tags, 2 revisions each;
//! - one tag assignment per password, and a second for every fourth password;
//! - max(1, N/100) shares the account owns (to `peer`) and as many it receives from `peer`;
//! - 8 settings, 4 configuration entries, 3 sessions, and 2 app tokens + 1 device token.
//!
//! It writes no challenge or keychains: those come from `pwaccount challenge set`.

use std::path::Path;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, params};

use super::{self as store, AccountStore};
use crate::error::Result;
use crate::store::rows::Transactions;
use crate::store::{Access, Counts};
use crate::text::now;

/// Passwords per folder, per tag, and per share (each way).
const PER_FOLDER: u64 = 20;
const PER_TAG: u64 = 50;
const PER_SHARE: u64 = 100;

fn uuid(rng: &mut SmallRng) -> String {
    uuid::Builder::from_random_bytes(rng.r#gen())
        .into_uuid()
        .to_string()
}

fn token(rng: &mut SmallRng, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// A random time in the two years before `now`.
fn some_time(rng: &mut SmallRng, now: i64) -> i64 {
    now - rng.gen_range(0..2 * 365 * 86_400)
}

/// `count` folders or tags (`kind`), each with two revisions whose `extra` column (a
/// folder's parent, a tag's colour) comes from `extra`, given the ids made so far.
#[allow(clippy::too_many_arguments)]
fn objects(
    tx: &Connection,
    kind: &str,
    extra_column: &str,
    count: u64,
    user: &str,
    rng: &mut SmallRng,
    now: i64,
    extra: impl Fn(&mut SmallRng, &[String]) -> String,
) -> Result<Vec<String>> {
    let mut object = tx.prepare(&format!(
        "INSERT INTO {kind}s (uuid, user_id, revision, created, updated) VALUES (?1, ?2, ?3, ?4, ?4)"
    ))?;
    let mut revision = tx.prepare(&format!(
        "INSERT INTO {kind}_revisions (uuid, user_id, model, label, {extra_column}, cse_type, sse_type, created)
         VALUES (?1, ?2, ?3, ?4, ?5, 'none', 'SSEv2r1', ?6)"
    ))?;
    let label = if kind == "folder" { "Folder" } else { "Tag" };
    let mut ids = Vec::with_capacity(count as usize);
    for i in 0..count {
        let id = uuid(rng);
        let mut last = String::new();
        for r in 0..2 {
            last = uuid(rng);
            let value = extra(rng, &ids);
            let when = some_time(rng, now);
            revision.execute(params![
                last,
                user,
                id,
                format!("{label} {i} v{r}"),
                value,
                when
            ])?;
        }
        object.execute(params![id, user, last, some_time(rng, now)])?;
        ids.push(id);
    }
    Ok(ids)
}

/// Fill `user`'s account in the database at `path` with `passwords` passwords and the
/// other rows that follow from it (see the module docs). Returns the account's counts.
pub fn populate(path: &Path, user: &str, passwords: u64, peer: &str) -> Result<Counts> {
    let mut store = AccountStore::open(path, Access::Write, Duration::from_secs(5))?;
    let mut rng = SmallRng::from_entropy();
    let now = now()?;
    let tx = store.writing()?;
    store::ensure_account(tx.conn(), user, now - 3 * 365 * 86_400)?;
    add_passwords(tx.conn(), user, passwords, peer, &mut rng, now)?;
    add_extras(tx.conn(), user, &mut rng, now)?;
    let counts = store::counts(tx.conn(), user)?;
    store::commit(tx, store::Step::TheChange)?;
    Ok(counts)
}

/// The passwords with their revisions, folders, tags, tag assignments and shares.
fn add_passwords(
    conn: &Connection,
    user: &str,
    passwords: u64,
    peer: &str,
    rng: &mut SmallRng,
    now: i64,
) -> Result<()> {
    let time = |rng: &mut SmallRng| some_time(rng, now);

    let folders = (passwords / PER_FOLDER).max(1);
    let folder_ids = objects(
        conn,
        "folder",
        "parent",
        folders,
        user,
        rng,
        now,
        |_, ids| ids.first().cloned().unwrap_or_default(),
    )?;
    let tags = (passwords / PER_TAG).max(1);
    let tag_ids = objects(conn, "tag", "color", tags, user, rng, now, |rng, _| {
        format!("#{:06x}", rng.gen_range(0..0x100_0000))
    })?;

    let mut password = conn.prepare(
        "INSERT INTO passwords (uuid, user_id, revision, folder, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?;
    let mut password_rev = conn.prepare(
        "INSERT INTO password_revisions
           (uuid, user_id, model, label, username, password, url, notes, cse_type, sse_type, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'none', 'SSEv2r1', ?9)",
    )?;
    let mut assign = conn.prepare(
        "INSERT INTO password_tags (uuid, user_id, password, tag, created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut share = conn.prepare(
        "INSERT INTO shares (uuid, user_id, receiver, password, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?;
    let share_every = PER_SHARE.min(passwords.max(1));
    for i in 0..passwords {
        let id = uuid(rng);
        let folder_id = &folder_ids[(i / PER_FOLDER) as usize % folder_ids.len()];
        let last = add_revisions(&mut password_rev, user, &id, i, rng, now)?;
        let created = time(rng);
        password.execute(params![id, user, last, folder_id, created])?;
        assign.execute(params![
            uuid(rng),
            user,
            id,
            tag_ids[i as usize % tag_ids.len()],
            created
        ])?;
        if i % 4 == 0 && tag_ids.len() > 1 {
            let other = &tag_ids[(i as usize + 1) % tag_ids.len()];
            assign.execute(params![uuid(rng), user, id, other, created])?;
        }
        if i % share_every == 0 {
            share.execute(params![uuid(rng), user, peer, id, created])?;
            share.execute(params![uuid(rng), peer, user, uuid(rng), created])?;
        }
    }
    Ok(())
}

/// Three revisions of password `id` (the `i`th); the uuid of the last, its current one.
fn add_revisions(
    stmt: &mut rusqlite::Statement<'_>,
    user: &str,
    id: &str,
    i: u64,
    rng: &mut SmallRng,
    now: i64,
) -> Result<String> {
    let mut last = String::new();
    for r in 0..3 {
        last = uuid(rng);
        stmt.execute(params![
            last,
            user,
            id,
            format!("Login {i} at site{i}.example.com"),
            format!("user{i}.r{r}@example.org"),
            token(rng, 44),
            format!("https://site{i}.example.com/login"),
            format!(
                "Recovery codes kept offline. Revision {r}. {}",
                token(rng, 40)
            ),
            some_time(rng, now),
        ])?;
    }
    Ok(last)
}

/// The settings, configuration entries, sessions and tokens of an account in use.
fn add_extras(conn: &Connection, user: &str, rng: &mut SmallRng, now: i64) -> Result<()> {
    let time = |rng: &mut SmallRng| some_time(rng, now);
    for (i, key) in [
        "client.theme",
        "client.ui.sort",
        "client.setup.initialized",
        "user.password.generator.strength",
        "user.password.security.duplicates",
        "user.session.lifetime",
        "user.notification.security",
        "user.sharing.editable",
    ]
    .iter()
    .enumerate()
    {
        store::set_setting(conn, user, key, &i.to_string())?;
    }
    for key in [
        "user/legacy/api",
        "user/client/version",
        "user/sharing/autocomplete",
        "user/mail/shares",
    ] {
        store::set_user_config(conn, user, key, "1")?;
    }
    let mut session = conn.prepare(
        "INSERT INTO sessions (uuid, user_id, authorized, created, updated) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?;
    for authorized in [1, 1, 0] {
        session.execute(params![uuid(rng), user, authorized, time(rng)])?;
    }
    let mut tok = conn.prepare(
        "INSERT INTO tokens (uuid, user_id, kind, label, created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (kind, label) in [
        ("app", "Browser extension"),
        ("app", "Android app"),
        ("device", "Laptop"),
    ] {
        tok.execute(params![uuid(rng), user, kind, label, time(rng)])?;
    }
    Ok(())
}
