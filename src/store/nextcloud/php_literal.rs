//! PHP's literal syntax, as Nextcloud's installer and `occ` write configuration files: one
//! `$CONFIG = array(…)` or `[…]` of strings (single- and double-quoted, with PHP's escapes),
//! numbers (decimal, hex, octal, binary, with `_`), booleans, null and the PDO MySQL
//! constants, in one linear pass over the bytes. Anything else is not guessed at: the
//! reader stops and says what and where (the caller may hand the files to php), and
//! nesting deeper than `MAX_DEPTH` is a refusal of its own.

use serde_json::{Map, Value};

/// A string value that is not UTF-8 is kept as this marker (an object with one key), so
/// that using it is refused while other keys stay usable.
pub(super) const NON_UTF8: &str = "\u{0}pwaccount:non-utf8";

/// The deepest nesting of arrays read (Nextcloud's own configurations nest four deep).
/// Deeper is refused outright, never handed to php: it is no configuration, and reading
/// it must not exhaust the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// Why a file was not read as a literal array: what and on which line, and whether that
/// is a refusal (too deep) rather than code that php may evaluate.
#[derive(Debug)]
pub(super) struct ParseStop {
    pub(super) at: String,
    pub(super) too_deep: bool,
}

/// Parse one file: `None` when it sets no `$CONFIG` (an empty file, `<?php` alone), the
/// array otherwise. One pass over the bytes, each read a bounded number of times.
pub(super) fn parse(bytes: &[u8]) -> std::result::Result<Option<Map<String, Value>>, ParseStop> {
    let mut p = Parser {
        s: bytes,
        i: 0,
        depth: 0,
        too_deep: false,
    };
    parse_with(&mut p).map_err(|at| ParseStop {
        at,
        too_deep: p.too_deep,
    })
}

fn parse_with(p: &mut Parser<'_>) -> std::result::Result<Option<Map<String, Value>>, String> {
    let bytes = p.s;
    if bytes.is_empty() {
        return Ok(None);
    }
    if !p.eat_open_tag() {
        return Err(p.error(if bytes.starts_with(b"\xEF\xBB\xBF") {
            "it begins with a byte-order mark, which PHP prints (\"leading content\")"
        } else {
            "it has content before <?php, which PHP prints (\"leading content\")"
        }));
    }
    p.skip()?;
    if p.at_end() {
        return Ok(None);
    }
    let mut result = None;
    if p.eat(b"$CONFIG") {
        p.skip()?;
        p.expect(b'=')?;
        let value = p.value()?;
        p.expect(b';')?;
        p.skip()?;
        match value {
            Value::Object(map) if !map.contains_key(NON_UTF8) => result = Some(map),
            _ => return Err(p.error("$CONFIG is not an array")),
        }
    }
    if p.eat(b"?>") {
        // PHP swallows one line break right after the closing tag; anything else is printed.
        let _ = p.eat(b"\r\n") || p.eat(b"\n");
        if !p.at_end() {
            return Err(p.error("there is text after ?>, which PHP prints or runs"));
        }
    }
    if !p.at_end() {
        return Err(p.error(if result.is_some() {
            "a statement after the $CONFIG array"
        } else {
            "expected $CONFIG = …"
        }));
    }
    Ok(result)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Arrays open around the current position.
    depth: usize,
    too_deep: bool,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.i.min(self.s.len())..]
    }

    fn error(&self, what: &str) -> String {
        let end = self.i.min(self.s.len());
        let line = self.s[..end].iter().filter(|&&c| c == b'\n').count() + 1;
        format!("{what} (line {line})")
    }

    /// `<?php` followed by white space or the end of the file.
    fn eat_open_tag(&mut self) -> bool {
        let tag = self
            .s
            .get(..5)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"<?php"));
        let next = self.s.get(5).copied();
        if tag && next.is_none_or(|c| c.is_ascii_whitespace()) {
            self.i = 5;
            true
        } else {
            false
        }
    }

    /// Skip white space and comments. A `//` or `#` comment ends at a line break or at
    /// `?>`, as PHP ends it; `#[` is an attribute, not a comment.
    fn skip(&mut self) -> std::result::Result<(), String> {
        loop {
            while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                self.i += 1;
            }
            let rest = self.rest();
            if rest.starts_with(b"#[") {
                return Err(self.error("an attribute (#[…])"));
            }
            if rest.starts_with(b"//") || rest.starts_with(b"#") {
                while let Some(c) = self.peek() {
                    if c == b'\n' || self.rest().starts_with(b"?>") {
                        break;
                    }
                    self.i += 1;
                }
            } else if rest.starts_with(b"/*") {
                match rest[2..].windows(2).position(|w| w == b"*/") {
                    Some(end) => self.i += 2 + end + 2,
                    None => return Err(self.error("a comment that does not end")),
                }
            } else {
                return Ok(());
            }
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        if self.rest().starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    /// A keyword, case-insensitive as PHP's are, not followed by a name character.
    fn eat_word(&mut self, word: &str) -> bool {
        let end = self.i + word.len();
        if end > self.s.len() || !self.s[self.i..end].eq_ignore_ascii_case(word.as_bytes()) {
            return false;
        }
        if self
            .s
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80)
        {
            return false;
        }
        self.i = end;
        true
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), String> {
        self.skip()?;
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", c as char)))
        }
    }

    fn value(&mut self) -> std::result::Result<Value, String> {
        self.skip()?;
        if self.eat_word("array") {
            self.expect(b'(')?;
            return self.array(b')');
        }
        if self.eat(b"[") {
            return self.array(b']');
        }
        for (word, value) in [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
        ] {
            if self.eat_word(word) || self.eat(b"\\") && self.eat_word(word) {
                return Ok(value);
            }
        }
        if let Some(n) = self.mysql_constant() {
            return Ok(Value::Number(n.into()));
        }
        match self.peek() {
            Some(b'\'' | b'"') => self.quoted(),
            Some(b'-' | b'+') => {
                let negative = self.peek() == Some(b'-');
                self.i += 1;
                self.skip()?;
                if !self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    return Err(self.error("not a literal value"));
                }
                let n = self.number()?;
                Ok(if negative { negate(n) } else { n })
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => self.number(),
            _ => Err(self.error("not a literal value")),
        }
    }

    /// A PDO MySQL attribute constant, as `dbdriveroptions` keys are written
    /// (`PDO::MYSQL_ATTR_SSL_CA`, `\Pdo\Mysql::ATTR_SSL_CA`, …): its value in PHP with
    /// mysqlnd.
    fn mysql_constant(&mut self) -> Option<i64> {
        const NAMES: [&str; 16] = [
            "USE_BUFFERED_QUERY",
            "LOCAL_INFILE",
            "INIT_COMMAND",
            "COMPRESS",
            "DIRECT_QUERY",
            "FOUND_ROWS",
            "IGNORE_SPACE",
            "SSL_KEY",
            "SSL_CERT",
            "SSL_CA",
            "SSL_CAPATH",
            "SSL_CIPHER",
            "SERVER_PUBLIC_KEY",
            "MULTI_STATEMENTS",
            "SSL_VERIFY_SERVER_CERT",
            "LOCAL_INFILE_DIRECTORY",
        ];
        let rest = self.rest();
        let slash = usize::from(rest.starts_with(b"\\"));
        let rest = &rest[slash..];
        let (prefix, name): (&[u8], &[u8]) = [&b"PDO::MYSQL_ATTR_"[..], &b"Pdo\\Mysql::ATTR_"[..]]
            .iter()
            .find_map(|p| rest.strip_prefix(*p).map(|name| (*p, name)))?;
        let len = name
            .iter()
            .take_while(|c| c.is_ascii_uppercase() || **c == b'_')
            .count();
        if name
            .get(len)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            return None;
        }
        let index = NAMES.iter().position(|n| n.as_bytes() == &name[..len])?;
        self.i += slash + prefix.len() + len;
        Some(1000 + index as i64)
    }

    fn array(&mut self, close: u8) -> std::result::Result<Value, String> {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return Err(self.error(&format!(
                "arrays nested more than {MAX_DEPTH} deep, which no Nextcloud configuration is"
            )));
        }
        self.depth += 1;
        let value = self.array_items(close);
        self.depth -= 1;
        value
    }

    fn array_items(&mut self, close: u8) -> std::result::Result<Value, String> {
        let mut map = Map::new();
        let mut next_index: Option<i64> = None;
        loop {
            self.skip()?;
            if self.peek() == Some(close) {
                self.i += 1;
                return Ok(Value::Object(map));
            }
            let first = self.value()?;
            self.skip()?;
            let (key, value) = if self.eat(b"=>") {
                let key = array_key(&first).ok_or_else(|| {
                    self.error("an array key must be a string, a number, a boolean or null")
                })?;
                (key, self.value()?)
            } else {
                // PHP < 8.3 and ≥ 8.3 differ after a negative key: refuse that case.
                let index = match next_index {
                    None => 0,
                    Some(n) if n >= 0 => n,
                    Some(_) => return Err(self.error("a value without a key after a negative key")),
                };
                (index.to_string(), first)
            };
            if let Ok(n) = key.parse::<i64>()
                && n.to_string() == key
            {
                next_index = Some(match next_index {
                    Some(m) if m >= 0 => m.max(n.saturating_add(1)),
                    _ if n >= 0 => n.saturating_add(1),
                    _ => n,
                });
            }
            map.insert(key, value);
            self.skip()?;
            if self.peek() == Some(b',') {
                self.i += 1;
            } else if self.peek() != Some(close) {
                return Err(self.error("expected ',' or the end of the array"));
            }
        }
    }

    /// A quoted string. In single quotes only `\'` and `\\` are escapes; in double quotes
    /// PHP's escapes are read, and a string that interpolates a variable is not a literal.
    fn quoted(&mut self) -> std::result::Result<Value, String> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == quote {
                return Ok(match String::from_utf8(out) {
                    Ok(s) => Value::String(s),
                    Err(_) => non_utf8(),
                });
            }
            if quote == b'\'' {
                match (c, self.peek()) {
                    (b'\\', Some(e @ (b'\'' | b'\\'))) => {
                        out.push(e);
                        self.i += 1;
                    }
                    _ => out.push(c),
                }
                continue;
            }
            match c {
                b'$' if self.peek().is_some_and(|n| {
                    n.is_ascii_alphabetic() || n == b'_' || n >= 0x80 || n == b'{'
                }) =>
                {
                    return Err(self.error("a string that interpolates a variable"));
                }
                b'{' if self.peek() == Some(b'$') => {
                    return Err(self.error("a string that interpolates a variable"));
                }
                b'\\' => self.escape(&mut out)?,
                _ => out.push(c),
            }
        }
        Err(self.error("a string that does not end"))
    }

    /// One escape in a double-quoted string (the backslash is read).
    fn escape(&mut self, out: &mut Vec<u8>) -> std::result::Result<(), String> {
        let Some(e) = self.peek() else {
            return Err(self.error("a string that does not end"));
        };
        let simple = match e {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'v' => Some(0x0b),
            b'e' => Some(0x1b),
            b'f' => Some(0x0c),
            b'\\' | b'$' | b'"' => Some(e),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            self.i += 1;
            return Ok(());
        }
        let digits = |p: &Self, radix: u32, max: usize| {
            p.rest()
                .iter()
                .take(max)
                .take_while(|c| (**c as char).is_digit(radix))
                .count()
        };
        let number = |bytes: &[u8], radix: u32| {
            u32::from_str_radix(std::str::from_utf8(bytes).unwrap_or("0"), radix).unwrap_or(0)
        };
        if (b'0'..=b'7').contains(&e) {
            let n = digits(self, 8, 3);
            // PHP keeps the low byte of an octal escape over \377.
            out.push((number(&self.rest()[..n], 8) & 0xff) as u8);
            self.i += n;
        } else if e == b'x' && self.s.get(self.i + 1).is_some_and(u8::is_ascii_hexdigit) {
            self.i += 1;
            let n = digits(self, 16, 2);
            out.push(number(&self.rest()[..n], 16) as u8);
            self.i += n;
        } else if e == b'u' && self.s.get(self.i + 1) == Some(&b'{') {
            let close = self.rest()[2..]
                .iter()
                .position(|c| *c == b'}')
                .ok_or_else(|| self.error("a \\u{…} escape that does not end"))?;
            let hex = &self.rest()[2..2 + close];
            let ch = (!hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit))
                .then(|| char::from_u32(number(hex, 16)))
                .flatten()
                .ok_or_else(|| self.error("a \\u{…} escape that is not a character"))?;
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            self.i += 2 + close + 1;
        } else {
            // Not an escape: PHP keeps the backslash.
            out.push(b'\\');
        }
        Ok(())
    }

    /// A PHP number literal: decimal, `0x`, `0b`, `0o` or legacy `0` octal integers
    /// (with `_` between digits), or a decimal float with an optional exponent. An
    /// integer past PHP_INT_MAX becomes a float, as in PHP.
    fn number(&mut self) -> std::result::Result<Value, String> {
        let start = self.i;
        let rest = self.rest();
        let radix = match rest.get(..2) {
            Some(b"0x" | b"0X") => Some(16),
            Some(b"0b" | b"0B") => Some(2),
            Some(b"0o" | b"0O") => Some(8),
            _ => None,
        };
        let value = if let Some(radix) = radix {
            self.i += 2;
            let digits = self.digits(&|c| (c as char).is_digit(radix));
            if digits.is_empty() {
                return Err(self.error("not a number"));
            }
            integer(&digits, radix)
        } else {
            self.decimal()?
        };
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            self.i = start;
            return Err(self.error("not a number PHP reads"));
        }
        Ok(value)
    }

    /// A run of digits `ok` accepts, with PHP's `_` separators between digits.
    fn digits(&mut self, ok: &dyn Fn(u8) -> bool) -> Vec<u8> {
        let mut digits = Vec::new();
        while let Some(c) = self.peek() {
            if ok(c) {
                digits.push(c);
                self.i += 1;
            } else if c == b'_'
                && !digits.is_empty()
                && self.s.get(self.i + 1).is_some_and(|n| ok(*n))
            {
                self.i += 1;
            } else {
                break;
            }
        }
        digits
    }

    /// A decimal or octal integer, or a float with a fraction or an exponent.
    fn decimal(&mut self) -> std::result::Result<Value, String> {
        let whole = self.digits(&|c| c.is_ascii_digit());
        let mut float = false;
        let mut text = String::from_utf8_lossy(&whole).into_owned();
        if self.peek() == Some(b'.') && !self.rest().starts_with(b"..") {
            self.i += 1;
            let fraction = self.digits(&|c| c.is_ascii_digit());
            if whole.is_empty() && fraction.is_empty() {
                return Err(self.error("not a number"));
            }
            text.push('.');
            text.push_str(&String::from_utf8_lossy(&fraction));
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let save = self.i;
            self.i += 1;
            let mut exponent = String::from("e");
            if let Some(sign @ (b'+' | b'-')) = self.peek() {
                exponent.push(sign as char);
                self.i += 1;
            }
            let digits = self.digits(&|c| c.is_ascii_digit());
            if digits.is_empty() {
                self.i = save;
            } else {
                exponent.push_str(&String::from_utf8_lossy(&digits));
                text.push_str(&exponent);
                float = true;
            }
        }
        Ok(if float {
            let f: f64 = format!("0{text}")
                .parse()
                .map_err(|_| self.error("not a number"))?;
            serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| self.error("a number out of range"))?
        } else if whole.len() > 1 && whole[0] == b'0' {
            if whole.iter().any(|c| *c > b'7') {
                return Err(self.error("an octal number with a digit 8 or 9"));
            }
            integer(&whole, 8)
        } else {
            integer(&whole, 10)
        })
    }
}

/// An integer literal's value: an integer, or a float past PHP_INT_MAX.
fn integer(digits: &[u8], radix: u32) -> Value {
    let text = std::str::from_utf8(digits).unwrap_or("0");
    match i64::from_str_radix(text, radix) {
        Ok(n) => Value::from(n),
        Err(_) => {
            if let Ok(n) = u128::from_str_radix(text, radix) {
                return serde_json::Number::from_f64(n as f64).map_or(Value::Null, Value::Number);
            }
            let f = digits.iter().fold(0f64, |acc, d| {
                acc * f64::from(radix) + f64::from((*d as char).to_digit(radix).unwrap_or(0))
            });
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    }
}

fn negate(value: Value) -> Value {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if i != i64::MIN => Value::from(-i),
            (_, Some(f)) => serde_json::Number::from_f64(-f).map_or(Value::Null, Value::Number),
            _ => Value::Null,
        },
        other => other,
    }
}

fn non_utf8() -> Value {
    let mut marker = Map::new();
    marker.insert(NON_UTF8.into(), Value::Bool(true));
    Value::Object(marker)
}

/// An array key as PHP stores it: integers (and decimal-integer strings) as integers,
/// floats truncated, booleans as 0/1, null as "".
fn array_key(value: &Value) -> Option<String> {
    Some(match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.is_finite() && f.abs() < 9.2e18 => (f.trunc() as i64).to_string(),
            _ => return None,
        },
        Value::Bool(b) => i64::from(*b).to_string(),
        Value::Null => String::new(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size limit of a configuration file (`config::MAX_FILE`).
    const MAX_FILE: u64 = 1024 * 1024;

    /// Nesting past `MAX_DEPTH` is refused as such (not handed to php), with its line;
    /// 20,000 levels in either spelling take no more stack than 64.
    #[test]
    fn deep_nesting_is_refused_without_exhausting_the_stack() {
        let nested = |open: &str, close: &str, depth: usize| {
            format!(
                "<?php\n$CONFIG = {}1{};\n",
                open.repeat(depth),
                close.repeat(depth)
            )
        };
        assert!(parse(nested("[", "]", MAX_DEPTH).as_bytes()).is_ok());
        for (open, close) in [("[", "]"), ("array(", ")"), ("['a' => ", "]")] {
            for depth in [MAX_DEPTH + 1, 20_000, 150_000] {
                let text = nested(open, close, depth);
                let stop = parse(text.as_bytes()).unwrap_err();
                assert!(stop.too_deep, "{open} x {depth}: {}", stop.at);
                assert!(stop.at.ends_with("(line 2)"), "{}", stop.at);
            }
        }
        // Unclosed, up to the size limit.
        let text = format!("<?php $CONFIG = {}", "[".repeat(MAX_FILE as usize - 20));
        assert!(parse(text.as_bytes()).unwrap_err().too_deep);
    }

    /// Inputs near the size limit that a careless reader would take quadratic time or
    /// deep recursion over: each is read or refused in one pass (this test's own time is
    /// the measure; scripts/fuzz.sh runs the property below with many more cases).
    #[test]
    fn hostile_inputs_at_the_size_limit_end() {
        let limit = MAX_FILE as usize - 64;
        let cases = [
            format!("<?php $CONFIG = ['a' => '{}", "x".repeat(limit)),
            format!("<?php $CONFIG = ['a' => \"{}", "\\\\".repeat(limit / 2)),
            format!("<?php /*{}", "*".repeat(limit)),
            format!("<?php {}", "//\n".repeat(limit / 3)),
            format!("<?php $CONFIG = [{}", "1,".repeat(limit / 2)),
            format!("<?php $CONFIG = [{}]", "'k' => 1,".repeat(limit / 9)),
            format!("<?php $CONFIG = [{}", "-".repeat(limit)),
            format!("<?php $CONFIG = [{}", "\n".repeat(limit)),
        ];
        for text in cases {
            let _ = parse(text.as_bytes());
        }
    }

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(cases()))]

        /// No input panics or aborts the reader: random bytes, and random sequences of
        /// the tokens configurations are made of.
        #[test]
        fn properties_config_reader_never_panics(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
            tokens in proptest::collection::vec(0usize..TOKENS.len(), 0..3000),
        ) {
            let _ = parse(&bytes);
            let text: String = std::iter::once("<?php $CONFIG = ")
                .chain(tokens.iter().map(|&t| TOKENS[t]))
                .collect();
            let _ = parse(text.as_bytes());
        }
    }

    const TOKENS: &[&str] = &[
        "array(",
        "[",
        "]",
        ")",
        ",",
        " => ",
        "'a'",
        "\"x\\n\"",
        "\"$v\"",
        "1",
        "-",
        "+",
        "0x1F",
        "0b101",
        "017",
        "1.5e3",
        "1_000",
        "true",
        "null",
        "\\false",
        "PDO::MYSQL_ATTR_SSL_CA",
        ";",
        "?>",
        "\n",
        "// c\n",
        "# c\n",
        "/*",
        "*/",
        "'\\''",
        "\"\\u{1F600}\"",
        "\u{feff}",
        "$CONFIG",
        "=",
    ];
}
