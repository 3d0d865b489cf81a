//! Text helpers every layer uses to build messages: UTC times, thousands separators, and
//! escaping control characters that come from files or the database. No dependencies.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// `1234567` → `1,234,567`, for counts people read.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration for people: `30 s`, `2.5 s`, `0.25 s`.
pub(crate) fn seconds(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let text = format!("{:.3}", d.as_secs_f64());
        format!("{} s", text.trim_end_matches('0'))
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
pub(crate) fn utc_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A path as text: as it is when it is UTF-8, else with its other bytes escaped
/// (`\xNN`), never replaced: the exact file can be told from what is printed.
pub(crate) fn path_text(path: &std::path::Path) -> String {
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => escape_bytes(bytes),
    }
}

/// Bytes for showing: printable ASCII as it is (a backslash doubled), anything else as
/// `\xNN`, so an id or path that is not UTF-8 is shown exactly and on one line.
pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// `text` with every control character but the line feed shown as an escape (`\u{1b}`),
/// so that text from a file or database can never drive the terminal.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `text` with every control character shown as an escape, line breaks included: for a
/// value read from storage and printed inside a line, which must stay one line.
pub(crate) fn escape_field(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Unix seconds now. A clock before 1970 (or past the year 292 billion) is an error,
/// never a made-up time.
pub(crate) fn now() -> Result<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| Error::internal("the system clock is set before 1970; correct it"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A point in time given on the command line, as Unix seconds: seconds since 1970
/// (`1764355200`), a UTC date (`2026-11-28`) or date and time (`2026-11-28 19:30`,
/// `2026-11-28T19:30:00Z`, seconds optional, `Z` or ` UTC` allowed), or a span before
/// `now` (`90s`, `30m`, `12h`, `7d`, `2w`).
pub(crate) fn parse_time(text: &str, now: i64) -> std::result::Result<i64, String> {
    let t = text.trim();
    let invalid = || {
        format!(
            "'{}' is not a time: give Unix seconds, a UTC date and time such as \
             2026-11-28 or 2026-11-28T19:30:00Z, or a span before now such as 12h or 7d",
            escape_controls(text)
        )
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| invalid());
    }
    if let Some(unit) = t.chars().last()
        && let Some(scale) = match unit {
            's' => Some(1),
            'm' => Some(60),
            'h' => Some(3600),
            'd' => Some(86_400),
            'w' => Some(7 * 86_400),
            _ => None,
        }
    {
        let n = &t[..t.len() - 1];
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            return n
                .parse::<i64>()
                .ok()
                .and_then(|n| n.checked_mul(scale))
                .and_then(|span| now.checked_sub(span))
                .ok_or_else(invalid);
        }
    }
    utc_date_time(t).ok_or_else(invalid)
}

/// A UTC date (`2026-11-28`) with an optional time (`T` or a space, then `19:30` or
/// `19:30:00`, then `Z`, ` UTC` or nothing), as Unix seconds.
fn utc_date_time(t: &str) -> Option<i64> {
    let t = t
        .strip_suffix(" UTC")
        .or_else(|| t.strip_suffix('Z'))
        .unwrap_or(t);
    let (date, time) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let number = |s: &str, len: usize| -> Option<i64> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut d = date.split('-');
    let (Some(y), Some(mo), Some(day), None) = (d.next(), d.next(), d.next(), d.next()) else {
        return None;
    };
    let (y, mo, day) = (number(y, 4)?, number(mo, 2)?, number(day, 2)?);
    let days_in_month = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    let mut secs = 0;
    if let Some(time) = time {
        let parts: Vec<&str> = time.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let h = number(parts[0], 2).filter(|h| *h < 24)?;
        let m = number(parts[1], 2).filter(|m| *m < 60)?;
        let s = match parts.get(2) {
            Some(s) => number(s, 2).filter(|s| *s < 60)?,
            None => 0,
        };
        secs = h * 3600 + m * 60 + s;
    }
    Some(days_from_civil(y, mo, day) * 86_400 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_on_the_command_line() {
        let now = 1_764_358_200; // 2025-11-28 19:30:00 UTC
        assert_eq!(utc_time(now), "2025-11-28 19:30:00 UTC");
        for (text, want) in [
            ("1764358200", now),
            ("2025-11-28", now - 19 * 3600 - 30 * 60),
            ("2025-11-28 19:30", now),
            ("2025-11-28T19:30:00Z", now),
            ("2025-11-28 19:30:00 UTC", now),
            ("1970-01-01", 0),
            ("2000-02-29", 951_782_400),
            ("90s", now - 90),
            ("30m", now - 1800),
            ("12h", now - 12 * 3600),
            ("7d", now - 7 * 86_400),
            ("2w", now - 14 * 86_400),
        ] {
            assert_eq!(parse_time(text, now), Ok(want), "{text}");
        }
        for bad in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-02-29",
            "2025-11-28 24:00",
            "25-11-28",
            "2025-11-28 19",
            "-5d",
            "5y",
            "99999999999999999999999d",
            "2025-11-28T19:30:00+01",
        ] {
            let err = parse_time(bad, now).unwrap_err();
            assert!(err.contains("is not a time"), "{bad}: {err}");
        }
        // Round trip with the formatter over a spread of days.
        for day in (-1000..1000).map(|d| d * 86_400 * 37 + 12_345) {
            let shown = utc_time(day);
            assert_eq!(parse_time(&shown, 0), Ok(day), "{shown}");
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_time(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_time(1_795_768_496), "2026-11-27 08:34:56 UTC");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain\ntext"), "plain\ntext");
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_controls("x\ry\tz\u{7}"), "x\\ry\\tz\\u{7}");
        assert_eq!(escape_controls("\u{9b}2J"), "\\u{9b}2J");
    }
}
