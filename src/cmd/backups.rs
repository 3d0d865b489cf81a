//! `backups`: the app's backups and pwaccount's snapshots, one table or one JSON object.

use super::Ctx;
use crate::account::backups::{AppBackup, Listing};
use crate::error::Result;
use crate::output::{Report, describe_counts};
use crate::store::Access;
use crate::text::utc_time;

pub(super) fn run(ctx: &Ctx) -> Result<Report> {
    let user = if ctx.user_given {
        Some(ctx.user()?)
    } else {
        None
    };
    let listing = ctx.accounts(Access::Read)?.backups(user)?;
    for b in listing.app_backups.iter().filter(|b| b.readable_by_others) {
        ctx.out.warn(&format!(
            "warning: the app backup {} can be read by others than its owner (mode {:04o}): \
             it holds the installation's server secret and every user's key in clear; \
             chmod 600 it",
            b.path, b.mode
        ));
    }
    let text = text(&listing, user);
    Ok(Report::new(serde_json::json!(listing)).stdout(text))
}

/// A size in bytes, in the largest binary unit below it.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn app_line(b: &AppBackup, user: Option<&str>) -> String {
    let about = match (&b.error, user, &b.counts) {
        (Some(error), _, _) => format!("not usable: {error}"),
        (None, Some(user), Some(counts)) => format!("{user}: {}", describe_counts(counts)),
        (None, Some(user), None) => format!("nothing of {user}"),
        (None, None, _) => String::new(),
    };
    format!(
        "{:<22} {:<9} {:<19}  {:>9}  {:>7}  {:>5}  {about}",
        b.label,
        b.kind,
        utc_time(b.modified),
        size(b.size),
        b.version.map_or_else(|| "-".to_owned(), |v| v.to_string()),
        b.users.map_or_else(|| "-".to_owned(), |v| v.to_string()),
    )
}

fn text(listing: &Listing, user: Option<&str>) -> String {
    let mut out = String::new();
    if !listing.app_backups.is_empty() {
        out.push_str(
            "app backup             kind      written                       size   format  users\n",
        );
        for b in &listing.app_backups {
            out.push_str(app_line(b, user).trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    if listing.snapshots.is_empty() {
        out.push_str(&format!(
            "No pwaccount snapshots{} in {}.\n",
            user.map_or_else(String::new, |u| format!(" of {u}")),
            listing.snapshot_folder
        ));
    } else {
        out.push_str(&format!(
            "pwaccount snapshots in {}:\n",
            listing.snapshot_folder
        ));
        for s in &listing.snapshots {
            out.push_str(&format!(
                "{:<60} {:<19}  {:>9}\n",
                s.name,
                utc_time(s.modified),
                size(s.size)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(super::size(512), "512 B");
        assert_eq!(super::size(224_467), "219.2 KiB");
        assert_eq!(super::size(3 << 30), "3.0 GiB");
    }
}
