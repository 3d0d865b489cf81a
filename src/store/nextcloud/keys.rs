//! The rows the app's server-side encryption SSEv1 protects, for `check`'s trial opening
//! and `rekey`: the revisions of passwords, folders and tags, each with its own item key
//! (`sse_key`) and the fields the app encrypts (`SseV1Encryption::$password`, `$folder`,
//! `$tag`). What opens them is decided in `account::keys`; here they are only read and
//! written.

use super::Tx;
use super::db::Value;
use crate::error::{Error, Result};

/// The SSEv1 types: `SSEv1r1` (before the server secret was part of the password) and
/// `SSEv1r2`.
pub(crate) const SSE_V1: [&str; 2] = ["SSEv1r1", "SSEv1r2"];

/// A table of revisions the app encrypts on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Revisions {
    Password,
    Folder,
    Tag,
}

impl Revisions {
    pub(crate) const ALL: [Revisions; 3] = [Revisions::Password, Revisions::Folder, Revisions::Tag];

    /// The table, after the prefix.
    fn table(self) -> &'static str {
        match self {
            Revisions::Password => "passwords_password_rv",
            Revisions::Folder => "passwords_folder_rv",
            Revisions::Tag => "passwords_tag_rv",
        }
    }

    /// The columns the app encrypts, in the app's order.
    pub(crate) fn fields(self) -> &'static [&'static str] {
        match self {
            Revisions::Password => &[
                "url",
                "label",
                "notes",
                "password",
                "username",
                "custom_fields",
            ],
            Revisions::Folder => &["label"],
            Revisions::Tag => &["label", "color"],
        }
    }

    /// The name of this kind of item, for messages and JSON.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Revisions::Password => "password",
            Revisions::Folder => "folder",
            Revisions::Tag => "tag",
        }
    }
}

/// One revision as stored: its id, SSE type, item key and encrypted fields (in the order
/// of `Revisions::fields`; `None` for NULL).
pub(crate) struct SseRevision {
    pub(crate) id: i64,
    pub(crate) sse_type: String,
    pub(crate) sse_key: String,
    pub(crate) fields: Vec<Option<String>>,
}

impl Tx<'_> {
    /// Up to `limit` of `user`'s live revisions in `kind` encrypted by SSEv1, newest first.
    pub(crate) fn sse_sample(
        &self,
        user: &str,
        kind: Revisions,
        limit: usize,
    ) -> Result<Vec<SseRevision>> {
        self.sse_query(
            kind,
            "AND deleted = FALSE ORDER BY id DESC LIMIT $2",
            &[user.into(), Value::Int(limit as i64)],
        )
    }

    /// Up to `limit` of `user`'s live revisions in `kind` encrypted by SSEv1, with ids
    /// after `after`, by id. Revisions flagged deleted are never read by the app again
    /// (after its own reset they are even under a user key that is gone), so they are
    /// left as they are.
    pub(crate) fn sse_page(
        &self,
        user: &str,
        kind: Revisions,
        after: i64,
        limit: usize,
    ) -> Result<Vec<SseRevision>> {
        self.sse_query(
            kind,
            "AND deleted = FALSE AND id > $2 ORDER BY id LIMIT $3",
            &[user.into(), Value::Int(after), Value::Int(limit as i64)],
        )
    }

    fn sse_query(&self, kind: Revisions, tail: &str, params: &[Value]) -> Result<Vec<SseRevision>> {
        let p = self.prefix;
        let fields = kind.fields().join(", ");
        let types = SSE_V1.map(|t| format!("'{t}'")).join(", ");
        let sql = format!(
            "SELECT id, sse_type, sse_key, {fields} FROM {p}{} WHERE user_id = $1 \
             AND sse_type IN ({types}) {tail}",
            kind.table()
        );
        let mut out = Vec::new();
        self.db.rows(&sql, params, &mut |row| {
            let mut row = row.into_iter();
            let id = row.next().and_then(|v| v.as_int());
            let sse_type = row.next().and_then(Value::into_text);
            let sse_key = row.next().and_then(Value::into_text);
            let (Some(id), Some(sse_type), Some(sse_key)) = (id, sse_type, sse_key) else {
                return Err(Error::internal("a revision without its id or key columns"));
            };
            out.push(SseRevision {
                id,
                sse_type,
                sse_key,
                fields: row.map(Value::into_text).collect(),
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// Write `fields` (in the order of `Revisions::fields`) into revision `id` of `user`.
    pub(crate) fn rewrite_revision(
        &self,
        user: &str,
        kind: Revisions,
        id: i64,
        fields: &[Option<String>],
    ) -> Result<()> {
        let p = self.prefix;
        let set: Vec<String> = kind
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f} = ${}", i + 3))
            .collect();
        let mut params = vec![Value::Int(id), user.into()];
        params.extend(fields.iter().map(|f| match f {
            Some(text) => Value::Text(text.clone()),
            None => Value::Null,
        }));
        let changed = self.db.execute(
            &format!(
                "UPDATE {p}{} SET {} WHERE id = $1 AND user_id = $2",
                kind.table(),
                set.join(", ")
            ),
            &params,
        )?;
        if changed != 1 {
            return Err(Error::internal("a revision to re-encrypt was not found"));
        }
        Ok(())
    }
}
