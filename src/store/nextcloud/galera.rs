//! A MariaDB Galera node: what the cluster accepts in one transaction (its write-set
//! limits, read from the server before a reset starts) and what Nextcloud needs of it
//! (reported by `check`). On any other server, and on a MariaDB without wsrep, nothing.

use super::Tx;
use super::db::{Engine, Value};
use crate::error::{Error, Id, Result};
use crate::store::Counts;
use crate::store::rows::Rows;

/// The node's replication settings, as `SHOW GLOBAL VARIABLES` gives them.
struct Node {
    /// `wsrep_max_ws_rows`: rows one transaction may change; 0 is no limit.
    max_rows: u64,
    /// `wsrep_max_ws_size`: bytes of one transaction's write set.
    max_bytes: u64,
    binlog_format: String,
    autoinc_lock_mode: String,
}

/// Bytes a changed row adds to the write set with minimal row images, at most: its
/// primary key, the changed columns (`deleted`, `updated`, `has_shares`) and its keys.
/// Measured: about 51 bytes a row for 10,000 revisions (BENCHMARKS.md).
const MINIMAL_ROW_BYTES: u64 = 128;

/// Rows a reset changes beyond its counts: the challenges it flags, pwaccount's own
/// preference (the pending code) and the audit record.
const UNCOUNTED_ROWS: u64 = 2;

impl Tx<'_> {
    /// The node's settings when the server is a Galera node (`wsrep_on`), else `None`.
    fn galera_node(&self) -> Result<Option<Node>> {
        if self.db.engine() != Engine::MySql {
            return Ok(None);
        }
        let mut on = false;
        let mut node = Node {
            max_rows: 0,
            max_bytes: u64::MAX,
            binlog_format: String::new(),
            autoinc_lock_mode: String::new(),
        };
        let rows = self.db.all(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_max_ws_rows', \
             'wsrep_max_ws_size', 'binlog_format', 'innodb_autoinc_lock_mode')",
            &[],
        )?;
        for row in rows {
            let mut cols = row.into_iter().map(Value::into_text);
            let (Some(Some(name)), Some(Some(value))) = (cols.next(), cols.next()) else {
                continue;
            };
            match name.to_ascii_lowercase().as_str() {
                "wsrep_on" => on = value.eq_ignore_ascii_case("on"),
                "wsrep_max_ws_rows" => node.max_rows = value.parse().unwrap_or(0),
                "wsrep_max_ws_size" => node.max_bytes = value.parse().unwrap_or(u64::MAX),
                "binlog_format" => node.binlog_format = value,
                "innodb_autoinc_lock_mode" => node.autoinc_lock_mode = value,
                _ => {}
            }
        }
        Ok(on.then_some(node))
    }

    /// A reset of `user` must fit in one write set of the Galera node, or it is refused
    /// here, before anything is written: the cluster would reject it at the end. The size
    /// is an estimate, said as such: with minimal row images, `MINIMAL_ROW_BYTES` a row;
    /// else each changed row's average length in its table, twice (before and after).
    pub(super) fn check_write_set(&self, user: &str) -> Result<()> {
        let Some(node) = self.galera_node()? else {
            return Ok(());
        };
        let minimal = self.minimal_row_images()?;
        let challenges = self.db.count(
            &format!(
                "SELECT count(*) FROM {}passwords_challenge WHERE user_id = $1 AND deleted = FALSE",
                self.prefix
            ),
            &[user.into()],
        )?;
        // What `status` counts holds every row the reset changes (and more): when that
        // fits, the reset does, without counting it row by row.
        let size = |counts: &Counts| -> Result<(u64, u64)> {
            let rows = counts.deletable_total() + challenges + UNCOUNTED_ROWS;
            let bytes = if minimal {
                rows.saturating_mul(MINIMAL_ROW_BYTES)
            } else {
                self.write_set_bytes(counts, challenges)?
            };
            Ok((rows, bytes))
        };
        let fits = |(rows, bytes): (u64, u64)| {
            (node.max_rows == 0 || rows <= node.max_rows) && bytes <= node.max_bytes
        };
        if fits(size(&self.holdings(user)?)?) {
            return Ok(());
        }
        let (rows, bytes) = size(&self.reset_counts(user)?)?;
        if fits((rows, bytes)) {
            return Ok(());
        }
        let over_rows = node.max_rows > 0 && rows > node.max_rows;
        let figures = if over_rows {
            format!(
                "it changes {rows} rows and the node's wsrep_max_ws_rows is {}",
                node.max_rows
            )
        } else {
            format!(
                "it writes about {bytes} bytes and the node's wsrep_max_ws_size is {}",
                node.max_bytes
            )
        };
        Err(Error::new(
            Id::WriteSetTooLarge,
            format!(
                "the reset of '{user}' does not fit in one transaction of this Galera cluster \
                 ({figures}); pwaccount does not split a reset, which must delete everything \
                 or nothing, so nothing was changed; raise wsrep_max_ws_rows and \
                 wsrep_max_ws_size on every node (SET GLOBAL, and in the server's \
                 configuration) and run it again"
            ),
        ))
    }

    /// On a Galera node, a reset writes minimal row images (the primary key and the
    /// changed columns, not every column before and after) when the database user may
    /// choose them (BINLOG ADMIN or SUPER): the revisions' encrypted fields are then not
    /// replicated again for a flag, and the write set is about a hundredth. The setting
    /// is the session's only; the other nodes apply the same change. Returns whether it
    /// is in effect; without the privilege, the server's setting stays.
    fn minimal_row_images(&self) -> Result<bool> {
        match self.db.batch("SET SESSION binlog_row_image = 'MINIMAL'") {
            Ok(()) => Ok(true),
            Err(e) if e.id == Id::DatabaseError => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// About how many bytes the reset's write set holds: per table, the rows it changes
    /// times the table's average row length (the server's statistics), before and after.
    fn write_set_bytes(&self, counts: &Counts, challenges: u64) -> Result<u64> {
        let p = self.prefix;
        let per_table = [
            ("passwords_password", counts.passwords),
            ("passwords_password_rv", counts.password_revisions),
            ("passwords_folder", counts.folders),
            ("passwords_folder_rv", counts.folder_revisions),
            ("passwords_tag", counts.tags),
            ("passwords_tag_rv", counts.tag_revisions),
            ("passwords_pw_tag_rel", counts.password_tags),
            ("passwords_share", counts.shares),
            ("passwords_keychain", counts.keychains),
            ("passwords_session", counts.sessions),
            ("passwords_challenge", challenges),
            ("preferences", counts.settings),
        ];
        let mut average = std::collections::HashMap::new();
        for row in self.db.all(
            "SELECT table_name, avg_row_length FROM information_schema.tables \
             WHERE table_schema = DATABASE()",
            &[],
        )? {
            let mut cols = row.into_iter();
            if let (Some(name), Some(length)) = (cols.next(), cols.next()) {
                let length = length.as_int().unwrap_or(0).max(0) as u64;
                if let Some(name) = name.into_text() {
                    average.insert(name, length);
                }
            }
        }
        Ok(per_table
            .iter()
            .map(|(table, rows)| {
                let length = average.get(&format!("{p}{table}")).copied().unwrap_or(0);
                rows.saturating_mul(length.max(64)).saturating_mul(2)
            })
            .fold(0u64, u64::saturating_add))
    }

    /// What this Galera node breaks of what Nextcloud needs (nothing when the server is
    /// not a Galera node): row-based replication, and tables Galera can replicate
    /// safely (InnoDB, with a primary key). The isolation level is not among them:
    /// Nextcloud and pwaccount set their own on every connection.
    pub(super) fn galera_requirements(&self) -> Result<Vec<String>> {
        let Some(node) = self.galera_node()? else {
            return Ok(Vec::new());
        };
        let like = format!("{}%", self.prefix.replace('_', "\\_"));
        let mut tables = Vec::new();
        for row in self.db.all(
            "SELECT t.table_name, t.engine, (SELECT count(*) FROM \
             information_schema.table_constraints c WHERE c.table_schema = t.table_schema \
             AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY') \
             FROM information_schema.tables t WHERE t.table_schema = DATABASE() \
             AND t.table_type = 'BASE TABLE' AND t.table_name LIKE $1 ORDER BY t.table_name",
            &[Value::text(&like)],
        )? {
            let mut cols = row.into_iter();
            tables.push(Table {
                name: cols.next().and_then(Value::into_text).unwrap_or_default(),
                engine: cols.next().and_then(Value::into_text).unwrap_or_default(),
                has_primary_key: cols.next().and_then(|v| v.as_int()).unwrap_or(0) > 0,
            });
        }
        Ok(requirements(&node, &tables))
    }
}

/// One of the installation's tables, as `galera_requirements` looks at it.
struct Table {
    name: String,
    engine: String,
    has_primary_key: bool,
}

/// What `node` and `tables` break of what a Galera cluster needs to serve Nextcloud.
fn requirements(node: &Node, tables: &[Table]) -> Vec<String> {
    let mut found = Vec::new();
    if !node.binlog_format.eq_ignore_ascii_case("ROW") {
        found.push(format!(
            "this Galera node has binlog_format = {}, but a Galera cluster replicates \
             Nextcloud's writes correctly only with ROW: set binlog_format = ROW on every node",
            node.binlog_format
        ));
    }
    if node.autoinc_lock_mode != "2" {
        found.push(format!(
            "this Galera node has innodb_autoinc_lock_mode = {}, but Galera needs 2 \
             (interleaved) for inserts on several nodes: set it on every node",
            node.autoinc_lock_mode
        ));
    }
    for t in tables {
        if !t.engine.eq_ignore_ascii_case("InnoDB") {
            found.push(format!(
                "table {} uses the {} engine, which Galera does not replicate: convert it \
                 (ALTER TABLE {} ENGINE = InnoDB)",
                t.name, t.engine, t.name
            ));
        }
        if !t.has_primary_key {
            found.push(format!(
                "table {} has no primary key, which Galera needs to replicate changes to its \
                 rows: run `occ db:add-missing-primary-keys`",
                t.name
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(binlog: &str, autoinc: &str) -> Node {
        Node {
            max_rows: 0,
            max_bytes: u64::MAX,
            binlog_format: binlog.into(),
            autoinc_lock_mode: autoinc.into(),
        }
    }

    fn table(name: &str, engine: &str, has_primary_key: bool) -> Table {
        Table {
            name: name.into(),
            engine: engine.into(),
            has_primary_key,
        }
    }

    #[test]
    fn a_sound_node_breaks_nothing() {
        let tables = [table("oc_passwords_password", "InnoDB", true)];
        assert!(requirements(&node("ROW", "2"), &tables).is_empty());
    }

    /// binlog_format and innodb_autoinc_lock_mode cannot be changed on a running Galera
    /// node (it refuses STATEMENT; the lock mode is read-only), so they are pinned here.
    #[test]
    fn each_broken_requirement_is_named() {
        let tables = [
            table("oc_a", "MyISAM", true),
            table("oc_b", "InnoDB", false),
        ];
        assert_eq!(
            requirements(&node("MIXED", "1"), &tables),
            [
                "this Galera node has binlog_format = MIXED, but a Galera cluster replicates \
                 Nextcloud's writes correctly only with ROW: set binlog_format = ROW on every node",
                "this Galera node has innodb_autoinc_lock_mode = 1, but Galera needs 2 \
                 (interleaved) for inserts on several nodes: set it on every node",
                "table oc_a uses the MyISAM engine, which Galera does not replicate: convert \
                 it (ALTER TABLE oc_a ENGINE = InnoDB)",
                "table oc_b has no primary key, which Galera needs to replicate changes to \
                 its rows: run `occ db:add-missing-primary-keys`",
            ]
        );
    }
}
