//! Server features, kept in `server_settings` as `feature.<name>` = `1` / `0`.
//! A feature without a setting is enabled.

use rusqlite::Connection;

use crate::error::Result;
use crate::store::{self, AccountStore};

fn key(name: &str) -> String {
    format!("feature.{name}")
}

pub fn is_enabled(conn: &Connection, name: &str) -> Result<bool> {
    Ok(store::server_setting(conn, &key(name))?.as_deref() != Some("0"))
}

/// Enable or disable a feature; returns whether it was enabled before.
pub fn set_enabled(store: &mut AccountStore, name: &str, enabled: bool) -> Result<bool> {
    let tx = store.write()?;
    let before = is_enabled(&tx, name)?;
    store::set_server_setting(&tx, &key(name), if enabled { "1" } else { "0" })?;
    tx.commit()?;
    Ok(before)
}
