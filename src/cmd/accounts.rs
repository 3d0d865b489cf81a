//! `accounts`: every account of the database, one line (or JSON object) each, printed as
//! it is read.

use serde_json::json;

use super::Ctx;
use crate::account::Listed;
use crate::account::status::Status;
use crate::cli::AccountsArgs;
use crate::error::Result;
use crate::output::{Listing, Report};
use crate::store::Access;
use crate::text::{thousands, utc_time};

/// Blank for the listing: blank as a restore sees it (`Counts::is_blank`: nothing a user
/// would miss) and no challenge either.
fn is_blank(s: &Status) -> bool {
    s.counts.is_blank() && s.challenge.is_none()
}

fn wanted(args: &AccountsArgs, s: &Status) -> bool {
    (!args.with_challenge || s.challenge.is_some())
        && (!args.without_challenge || s.challenge.is_none())
        && (!args.blank || is_blank(s))
        && (!args.pending_reset || s.reset_pending.is_some())
}

const HEADER: &str = "account                   passwords  folders     tags  challenge  encryption   reset    last change";

fn text_line(s: &Status, last: Option<i64>) -> String {
    let c = &s.counts;
    let encryption = match (s.encryption.cse, s.encryption.sse.as_deref()) {
        (true, Some(sse)) => format!("cse+{sse}"),
        (true, None) => "cse".to_owned(),
        (false, Some(sse)) => sse.to_owned(),
        (false, None) => "none".to_owned(),
    };
    format!(
        "{:<24}  {:>9}  {:>7}  {:>7}  {:<9}  {:<11}  {:<7}  {}",
        s.user,
        thousands(c.passwords),
        thousands(c.folders),
        thousands(c.tags),
        s.challenge.as_ref().map_or("none", |ch| ch.kind.as_str()),
        encryption,
        if s.reset_pending.is_some() {
            "pending"
        } else {
            "-"
        },
        last.map_or_else(|| "-".to_owned(), utc_time),
    )
}

fn json_object(s: &Status, last: Option<i64>) -> serde_json::Value {
    json!({
        "user": s.user,
        "counts": s.counts,
        "challenge": s.challenge,
        "encryption": s.encryption,
        "reset_pending": s.reset_pending,
        "last_change": last,
        "blank": is_blank(s),
        "problems": s.problems,
    })
}

pub(super) fn run(ctx: &Ctx, args: &AccountsArgs) -> Result<Report> {
    let mut store = ctx.accounts(Access::Read)?;
    let out = ctx.out;
    let mut listing = Listing::open(out, "accounts", HEADER);
    if !listing.writable() {
        return Ok(listing.finish("", String::new()));
    }
    let mut seen = 0u64;
    crate::account::each_account(store.as_mut(), &mut |store, listed| {
        seen += 1;
        let user = match listed {
            Listed::Account(user) => user,
            // Rows no account can own are listed as damaged, their id escaped; the
            // accounts around them are still listed.
            Listed::Unreadable { shown, what } => {
                if args.with_challenge || args.without_challenge || args.blank || args.pending_reset
                {
                    return Ok(true);
                }
                let damage = crate::account::check::unreadable_id(what);
                return Ok(listing.push(
                    || json!({"user": shown, "damaged": damage}).to_string(),
                    || format!("{shown:<24}  damaged: {damage}\n"),
                ));
            }
        };
        match store.status(user) {
            Ok(status) => {
                if !wanted(args, &status) {
                    return Ok(true);
                }
                let last = store.last_change(user)?;
                Ok(listing.push(
                    || json_object(&status, last).to_string(),
                    || format!("{}\n", text_line(&status, last)),
                ))
            }
            // A damaged account (or rows of a user Nextcloud no longer has) is listed with
            // what is wrong (`check` says more), unless a filter asks for something that
            // cannot be told.
            Err(e)
                if crate::account::check::is_damage(e.id)
                    || e.id == crate::error::Id::NoSuchUser =>
            {
                if args.with_challenge || args.without_challenge || args.blank || args.pending_reset
                {
                    return Ok(true);
                }
                Ok(listing.push(
                    || json!({"user": user, "damaged": e.message}).to_string(),
                    || format!("{user:<24}  damaged: {}\n", e.message),
                ))
            }
            Err(e) => Err(e),
        }
    })?;
    let listed = listing.listed();
    Ok(listing.finish(
        &format!("\"listed\":{listed},\"accounts_seen\":{seen}"),
        format!(
            "{} of {} account(s) listed",
            thousands(listed),
            thousands(seen)
        ),
    ))
}
