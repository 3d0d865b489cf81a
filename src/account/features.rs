//! Server features, kept in `server_settings` as `feature.<name>` = `1` / `0`.
//! A feature without a setting is enabled.

use crate::error::{Error, Id, Result};
use crate::store::rows::Rows;
use crate::store::rows::Transactions;
use crate::store::{self, file::AccountStore};

fn key(name: &str) -> String {
    format!("feature.{name}")
}

/// Whether the feature is on. The setting may have been written by another program:
/// anything but `1` or `0` is refused rather than guessed at.
pub(crate) fn is_enabled(rows: &impl Rows, name: &str) -> Result<bool> {
    let key = key(name);
    match rows.setting(&key)?.as_deref() {
        None | Some("1") => Ok(true),
        Some("0") => Ok(false),
        Some(other) => Err(Error::new(
            Id::InvalidSetting,
            format!(
                "the server setting {key} is {:?}, but must be 1 (enabled) or 0 (disabled); \
                 correct or delete it",
                crate::text::escape_controls(other)
            ),
        )),
    }
}

/// Whether each of `names` is enabled, read in one transaction.
pub(crate) fn enabled(store: &mut AccountStore, names: &[&str]) -> Result<Vec<bool>> {
    let tx = store.reading()?;
    names.iter().map(|name| is_enabled(&tx, name)).collect()
}

/// Enable or disable a feature; returns whether it was enabled before.
pub(crate) fn set_enabled(store: &mut AccountStore, name: &str, enabled: bool) -> Result<bool> {
    let tx = store.writing()?;
    let before = is_enabled(&tx, name)?;
    tx.set_server_setting(&key(name), if enabled { "1" } else { "0" })?;
    let record = store::audit::Record {
        user: None,
        action: store::audit::Action::Feature,
        outcome: if enabled { "enabled" } else { "disabled" },
        details: serde_json::json!({ "feature": name, "changed": before != enabled }),
    };
    store::file::commit_change(tx, &record)?;
    Ok(before)
}
