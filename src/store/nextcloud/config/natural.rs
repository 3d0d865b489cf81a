//! PHP's natural order of file names (`natsort`), in which Nextcloud includes the
//! `*.config.php` files.

/// PHP's `strnatcmp` (what `natsort` uses): runs of digits compare as numbers (or, when
/// either starts with 0, digit by digit from the left), white space is skipped, and
/// zeros leading the whole string are ignored.
pub(super) fn natural_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Equal, Greater, Less};
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let digit = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let (mut i, mut j) = (0, 0);
    while a[i] == b'0' && digit(a, i + 1) {
        i += 1;
    }
    while b[j] == b'0' && digit(b, j + 1) {
        j += 1;
    }
    loop {
        while i < a.len() && space(a[i]) {
            i += 1;
        }
        while j < b.len() && space(b[j]) {
            j += 1;
        }
        let (ca, cb) = (
            a.get(i).copied().unwrap_or(0),
            b.get(j).copied().unwrap_or(0),
        );
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            if let Some(order) = digit_runs(a, b, &mut i, &mut j) {
                return order;
            }
            continue;
        }
        match ca.cmp(&cb) {
            Equal => {}
            order => return order,
        }
        i += 1;
        j += 1;
        match (i >= a.len(), j >= b.len()) {
            (true, true) => return Equal,
            (true, false) => return Less,
            (false, true) => return Greater,
            _ => {}
        }
    }
}

/// Compare the runs of digits at `a[*i..]` and `b[*j..]` (both start with a digit),
/// moving past them: numerically, or digit by digit from the left when either starts with
/// 0 (PHP's "fractional" compare). `None` when they are equal and both strings go on.
fn digit_runs(a: &[u8], b: &[u8], i: &mut usize, j: &mut usize) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    let fractional = a[*i] == b'0' || b[*j] == b'0';
    let mut bias = Equal;
    loop {
        match (digit(a, *i), digit(b, *j)) {
            (false, false) => break,
            (false, true) => return Some(Less),
            (true, false) => return Some(Greater),
            (true, true) => {
                let order = a[*i].cmp(&b[*j]);
                if fractional && order != Equal {
                    return Some(order);
                }
                if bias == Equal {
                    bias = order;
                }
            }
        }
        *i += 1;
        *j += 1;
    }
    if bias != Equal {
        return Some(bias);
    }
    match (*i >= a.len(), *j >= b.len()) {
        (true, true) => Some(Equal),
        (true, false) => Some(Less),
        (false, true) => Some(Greater),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_is_phps() {
        let mut names: Vec<&[u8]> = vec![
            b"b10.config.php",
            b"b2.config.php",
            b"a.config.php",
            b"b02.config.php",
            b"B1.config.php",
            b"b 3.config.php",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        let names: Vec<&str> = names
            .iter()
            .map(|n| std::str::from_utf8(n).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "B1.config.php",
                "a.config.php",
                "b02.config.php",
                "b2.config.php",
                "b 3.config.php",
                "b10.config.php"
            ]
        );
    }
}
