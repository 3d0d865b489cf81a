//! The statements of the Passwords app's account reset, as data: each table, the rows its
//! filter selects (the user is `$1`), what happens to them and which count it adds to — so
//! that what a reset would delete and what it deleted are counted by the same filters.

use crate::store::Counts;

/// Which count a reset statement adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Sessions,
    Shares,
    PasswordTags,
    Revisions(&'static str),
    Models(&'static str),
    Keychains,
    Settings,
    /// Changed, but not among the counts (challenges).
    Uncounted,
}

impl Field {
    pub(super) fn of(self, counts: &mut Counts) -> Option<&mut u64> {
        Some(match self {
            Field::Sessions => &mut counts.sessions,
            Field::Shares => &mut counts.shares,
            Field::PasswordTags => &mut counts.password_tags,
            Field::Revisions("tag") => &mut counts.tag_revisions,
            Field::Revisions("folder") => &mut counts.folder_revisions,
            Field::Revisions(_) => &mut counts.password_revisions,
            Field::Models("tag") => &mut counts.tags,
            Field::Models("folder") => &mut counts.folders,
            Field::Models(_) => &mut counts.passwords,
            Field::Keychains => &mut counts.keychains,
            Field::Settings => &mut counts.settings,
            Field::Uncounted => return None,
        })
    }
}

/// What a reset statement does to the rows its filter selects.
pub(super) enum Change {
    Delete,
    /// Flag deleted (`deleted = TRUE, updated = $2`), with more assignments.
    Flag(&'static str),
}

/// One statement of the app's account reset: a table, the rows (the user is `$1`), what
/// happens to them, and the count it adds to.
pub(super) struct ResetStep {
    pub(super) table: String,
    pub(super) filter: String,
    pub(super) change: Change,
    pub(super) field: Field,
}

/// "One of the user's live models of `table` has the uuid in `column`", as a correlated
/// count on the app's unique (user_id, uuid) index: one index probe per row, whatever the
/// planner's statistics say.
fn live_model(p: &str, table: &str, column: &str, extra: &str) -> String {
    let base = if table == "folder" {
        " AND m.uuid <> '00000000-0000-0000-0000-000000000000'"
    } else {
        ""
    };
    // Not EXISTS: PostgreSQL makes EXISTS a join whose method its statistics choose, and
    // for a user they did not know yet (grown since the last ANALYZE) it chose a nested
    // loop comparing every revision with every password: 50 million rows, 15 s for 10,000
    // items (BENCHMARKS.md, issue 31). A count in a scalar subquery is never made a join.
    format!(
        "(SELECT count(*) FROM {p}passwords_{table} m WHERE m.user_id = $1 AND m.uuid = {column} AND m.deleted = FALSE{base}{extra}) > 0"
    )
}

fn step(table: String, filter: String, change: Change, field: Field) -> ResetStep {
    ResetStep {
        table,
        filter,
        change,
        field,
    }
}

/// The statements of `Tx::reset_user`, in the order they run. Each that selects by
/// "the user's models not flagged deleted" comes before those models are flagged.
pub(super) fn reset_steps(p: &str) -> Vec<ResetStep> {
    let mut steps = sessions_shares_and_relations(p);
    steps.extend(models(p));
    steps.extend(challenges_keychains_and_preferences(p));
    steps
}

/// The user's sessions go; the shares of the user's live passwords and the user's own,
/// and the tag relations of live tags and passwords, are flagged.
fn sessions_shares_and_relations(p: &str) -> Vec<ResetStep> {
    let share = format!("{p}passwords_share");
    let relation = format!("{p}passwords_pw_tag_rel");
    vec![
        step(
            format!("{p}passwords_session"),
            "user_id = $1 AND deleted = FALSE".into(),
            Change::Delete,
            Field::Sessions,
        ),
        // Shares the app can see (its own, or received as a password) of the passwords.
        step(
            share.clone(),
            format!(
                "deleted = FALSE AND (user_id = $1 OR (receiver = $1 AND target_password IS NOT NULL)) AND ({} OR {})",
                live_model(
                    p,
                    "password",
                    &format!("{share}.source_password"),
                    " AND m.has_shares"
                ),
                live_model(
                    p,
                    "password",
                    &format!("{share}.target_password"),
                    " AND m.share_id IS NOT NULL AND m.share_id <> ''"
                ),
            ),
            Change::Flag(""),
            Field::Shares,
        ),
        step(
            share.clone(),
            "user_id = $1 AND deleted = FALSE".into(),
            Change::Flag(""),
            Field::Shares,
        ),
        step(
            relation.clone(),
            format!(
                "user_id = $1 AND deleted = FALSE AND ({} OR {})",
                live_model(p, "tag", &format!("{relation}.tag"), ""),
                live_model(p, "password", &format!("{relation}.password"), ""),
            ),
            Change::Flag(""),
            Field::PasswordTags,
        ),
    ]
}

/// Tags, folders (but the base folder) and passwords, each after its revisions.
fn models(p: &str) -> Vec<ResetStep> {
    let mut steps = Vec::new();
    for table in ["tag", "folder", "password"] {
        let revisions = format!("{p}passwords_{table}_rv");
        steps.push(step(
            revisions.clone(),
            format!(
                "user_id = $1 AND deleted = FALSE AND {}",
                live_model(p, table, &format!("{revisions}.model"), "")
            ),
            Change::Flag(""),
            Field::Revisions(table),
        ));
        let base = if table == "folder" {
            " AND uuid <> '00000000-0000-0000-0000-000000000000'"
        } else {
            ""
        };
        steps.push(step(
            format!("{p}passwords_{table}"),
            format!("user_id = $1 AND deleted = FALSE{base}"),
            Change::Flag(if table == "password" {
                ", has_shares = FALSE"
            } else {
                ""
            }),
            Field::Models(table),
        ));
    }
    steps
}

/// Challenges and keychains are flagged; the app's preferences of the account go.
fn challenges_keychains_and_preferences(p: &str) -> Vec<ResetStep> {
    vec![
        step(
            format!("{p}passwords_challenge"),
            "user_id = $1 AND deleted = FALSE".into(),
            Change::Flag(""),
            Field::Uncounted,
        ),
        step(
            format!("{p}passwords_keychain"),
            "user_id = $1 AND deleted = FALSE".into(),
            Change::Flag(""),
            Field::Keychains,
        ),
        step(
            format!("{p}preferences"),
            "userid = $1 AND appid = 'passwords' AND configkey IN ('SSEv1UserKey', 'client/settings', 'user/challenge/id', 'login/attempts/failed')".into(),
            Change::Delete,
            Field::Settings,
        ),
    ]
}
