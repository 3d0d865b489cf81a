//! Reading a Nextcloud installation's configuration the way Nextcloud reads it
//! (`lib/private/Config.php`): `config/config.php`, then every `config/*.config.php` in
//! natural order, each file's `$CONFIG` array merged into the result recursively
//! (`array_replace_recursive`); an environment variable `NC_<key>` overrides a key.
//!
//! The files are PHP. What the installer and `occ` write is a literal array
//! (`$CONFIG = array ( 'key' => 'value', … );`), which is parsed here: strings, numbers,
//! booleans, null and nested arrays, with comments. Anything else (a function call, a
//! constant, concatenation) is not guessed at: if a `php` binary is on PATH, it is asked to
//! print the merged configuration as JSON instead; otherwise the reader says which file and
//! where it stopped.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Id, Result};

/// The merged configuration.
#[derive(Clone)]
pub struct Config {
    values: Map<String, Value>,
    /// The installation folder (the parent of `config/`).
    pub root: PathBuf,
    /// Its main file, `config/config.php`.
    pub file: PathBuf,
}

/// The configuration holds the database password and the instance secret: its debug
/// form names the file and the keys only.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("file", &self.file)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Config {
    /// A value as a string (numbers are written as PHP would print them).
    pub fn string(&self, key: &str) -> Option<String> {
        if let Ok(value) = std::env::var(format!("NC_{key}")) {
            return Some(value);
        }
        match self.values.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "1".into() } else { String::new() }),
            _ => None,
        }
    }

    /// A value as the configuration holds it (arrays as JSON objects).
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// A value that must be a true boolean (`'installed' => true`).
    pub fn is_true(&self, key: &str) -> bool {
        matches!(self.values.get(key), Some(Value::Bool(true)))
    }
}

/// The `config/` folder and `config.php` of the installation named by `path` (the
/// installation folder, its `config/` folder, or `config.php` itself).
fn locate(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let not_found = || {
        Error::new(
            Id::NextcloudConfig,
            format!(
                "{} is not a Nextcloud installation: no config/config.php there",
                path.display()
            ),
        )
    };
    let file = if path.is_dir() {
        if path.join("config/config.php").is_file() {
            path.join("config/config.php")
        } else if path.join("config.php").is_file() {
            path.join("config.php")
        } else {
            return Err(not_found());
        }
    } else if path.is_file() {
        path.to_path_buf()
    } else {
        return Err(not_found());
    };
    let dir = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok((dir, file))
}

/// Read and merge the configuration of the installation at `path`.
pub fn read(path: &Path) -> Result<Config> {
    let (dir, main) = locate(path)?;
    let mut files = vec![main.clone()];
    let mut extra: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| cannot_read(&dir, &e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".config.php") && n != "config.php")
        })
        .collect();
    extra.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    files.extend(extra);

    let mut merged = Map::new();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| cannot_read(file, &e.to_string()))?;
        let values = match parse(&text) {
            Ok(values) => values,
            Err(at) => return with_php(&dir, &files, file, &at),
        };
        replace_recursive(&mut merged, values);
    }
    let root = dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(Config {
        values: merged,
        root,
        file: main,
    })
}

fn cannot_read(path: &Path, why: &str) -> Error {
    Error::new(
        Id::NextcloudConfig,
        format!(
            "cannot read the Nextcloud configuration {}: {why}",
            path.display()
        ),
    )
}

/// The files hold more than literal arrays: let the installation's PHP evaluate them, as
/// Nextcloud would, and print the merged array as JSON.
fn with_php(dir: &Path, files: &[PathBuf], failed: &Path, at: &str) -> Result<Config> {
    let script = "$m = []; foreach (array_slice($argv, 1) as $f) { unset($CONFIG); include $f; \
                  if (isset($CONFIG) && is_array($CONFIG)) { $m = array_replace_recursive($m, $CONFIG); } } \
                  echo json_encode($m, JSON_FORCE_OBJECT);";
    let output = std::process::Command::new("php")
        .arg("-r")
        .arg(script)
        .arg("--")
        .args(files)
        .stdin(std::process::Stdio::null())
        .output();
    let refuse = |why: String| {
        Error::new(
            Id::NextcloudConfig,
            format!(
                "cannot read the Nextcloud configuration {}: {at}; it is not a plain literal \
                 array, and {why}",
                failed.display()
            ),
        )
    };
    let output = output.map_err(|_| refuse("no php program was found to evaluate it".into()))?;
    if !output.status.success() {
        return Err(refuse("php could not evaluate it".into()));
    }
    let values: Map<String, Value> = serde_json::from_slice(&output.stdout)
        .map_err(|_| refuse("php printed something that is not the configuration".into()))?;
    let root = dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let file = files.first().cloned().unwrap_or_default();
    Ok(Config { values, root, file })
}

/// `array_replace_recursive`: arrays are merged key by key, anything else replaced.
fn replace_recursive(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => replace_recursive(old, new),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// PHP's natsort order, near enough for file names: digit runs compare as numbers.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let na = std::str::from_utf8(&a[..da])
                    .unwrap_or("0")
                    .trim_start_matches('0');
                let nb = std::str::from_utf8(&b[..db])
                    .unwrap_or("0")
                    .trim_start_matches('0');
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            _ => {
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

/// Parse a file holding `<?php … $CONFIG = <array>;`. The error says where and why.
fn parse(text: &str) -> std::result::Result<Map<String, Value>, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let start = text
        .find("<?php")
        .ok_or_else(|| "it does not begin with <?php".to_owned())?;
    if !text[..start].trim().is_empty() {
        return Err("it has content before <?php".into());
    }
    p.i = start + 5;
    p.skip();
    if p.eat_str("$CONFIG") {
        p.skip();
        p.expect(b'=')?;
        let value = p.value()?;
        p.skip();
        p.expect(b';')?;
        p.skip();
        if p.i < p.s.len() && !p.rest().starts_with("?>") {
            return Err(p.error("more than one $CONFIG assignment"));
        }
        match value {
            Value::Object(map) => Ok(map),
            _ => Err("$CONFIG is not an array".into()),
        }
    } else if p.i >= p.s.len() {
        // A file with no assignment contributes nothing.
        Ok(Map::new())
    } else {
        Err(p.error("expected $CONFIG = …"))
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        std::str::from_utf8(&self.s[self.i..]).unwrap_or("")
    }

    fn error(&self, what: &str) -> String {
        let line = self.s[..self.i.min(self.s.len())]
            .iter()
            .filter(|&&c| c == b'\n')
            .count()
            + 1;
        format!("{what} (line {line})")
    }

    /// Skip white space and comments.
    fn skip(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            let rest = self.rest();
            if rest.starts_with("//") || rest.starts_with('#') {
                while self.i < self.s.len() && self.s[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if rest.starts_with("/*") {
                match rest.find("*/") {
                    Some(end) => self.i += end + 2,
                    None => self.i = self.s.len(),
                }
            } else {
                return;
            }
        }
    }

    fn eat_str(&mut self, word: &str) -> bool {
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
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            return false;
        }
        self.i = end;
        true
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), String> {
        self.skip();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", c as char)))
        }
    }

    fn value(&mut self) -> std::result::Result<Value, String> {
        self.skip();
        if self.eat_word("array") {
            self.expect(b'(')?;
            return self.array(b')');
        }
        if self.eat_str("[") {
            return self.array(b']');
        }
        if self.eat_word("true") {
            return Ok(Value::Bool(true));
        }
        if self.eat_word("false") {
            return Ok(Value::Bool(false));
        }
        if self.eat_word("null") {
            return Ok(Value::Null);
        }
        if let Some(n) = self.mysql_constant() {
            return Ok(Value::Number(n.into()));
        }
        match self.s.get(self.i) {
            Some(b'\'' | b'"') => self.quoted().map(Value::String),
            Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'+' => self.number(),
            _ => Err(self.error("not a literal value")),
        }
    }

    /// A PDO MySQL attribute constant, as `dbdriveroptions` keys are written
    /// (`PDO::MYSQL_ATTR_SSL_CA`, `\Pdo\Mysql::ATTR_SSL_CA`, …): its value in PHP 8.4
    /// with mysqlnd (printed by that PHP).
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
        let rest = rest.strip_prefix('\\').unwrap_or(rest);
        let (prefix, name) = ["PDO::MYSQL_ATTR_", "Pdo\\Mysql::ATTR_"]
            .iter()
            .find_map(|p| rest.strip_prefix(p).map(|name| (p, name)))?;
        let len = name
            .bytes()
            .take_while(|c| c.is_ascii_uppercase() || *c == b'_')
            .count();
        let index = NAMES.iter().position(|n| *n == &name[..len])?;
        let slash = usize::from(self.rest().starts_with('\\'));
        self.i += slash + prefix.len() + len;
        Some(1000 + index as i64)
    }

    fn array(&mut self, close: u8) -> std::result::Result<Value, String> {
        let mut map = Map::new();
        let mut next_index: i64 = 0;
        loop {
            self.skip();
            if self.s.get(self.i) == Some(&close) {
                self.i += 1;
                return Ok(Value::Object(map));
            }
            let first = self.value()?;
            self.skip();
            let (key, value) = if self.eat_str("=>") {
                let key = match first {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => i64::from(b).to_string(),
                    _ => return Err(self.error("an array key must be a string or a number")),
                };
                (key, self.value()?)
            } else {
                (next_index.to_string(), first)
            };
            if let Ok(n) = key.parse::<i64>() {
                next_index = next_index.max(n + 1);
            }
            map.insert(key, value);
            self.skip();
            if self.s.get(self.i) == Some(&b',') {
                self.i += 1;
            } else if self.s.get(self.i) != Some(&close) {
                return Err(self.error("expected ',' or the end of the array"));
            }
        }
    }

    /// A quoted string. In single quotes only `\'` and `\\` are escapes; in double quotes
    /// the simple escapes are read, and a string that interpolates a variable is not a
    /// literal.
    fn quoted(&mut self) -> std::result::Result<String, String> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = Vec::new();
        while let Some(&c) = self.s.get(self.i) {
            self.i += 1;
            if c == quote {
                return String::from_utf8(out).map_err(|_| self.error("not UTF-8"));
            }
            let next = self.s.get(self.i).copied();
            match (quote, c, next) {
                (b'\'', b'\\', Some(e @ (b'\'' | b'\\'))) => {
                    out.push(e);
                    self.i += 1;
                }
                (b'"', b'$', _) => return Err(self.error("a string that interpolates a variable")),
                (b'"', b'\\', Some(e)) => {
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'\\' | b'"' | b'$' => e,
                        _ => return Err(self.error("an escape sequence not read here")),
                    });
                    self.i += 1;
                }
                _ => out.push(c),
            }
        }
        Err(self.error("a string that does not end"))
    }

    fn number(&mut self) -> std::result::Result<Value, String> {
        let start = self.i;
        if matches!(self.s.get(self.i), Some(b'-' | b'+')) {
            self.i += 1;
        }
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || *c == b'.' || *c == b'_')
        {
            self.i += 1;
        }
        let text: String = self
            .rest_from(start)
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Value::from(n));
        }
        text.parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| self.error("not a number"))
    }

    fn rest_from(&self, start: usize) -> &str {
        std::str::from_utf8(&self.s[start..self.i]).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_installer_writes() {
        let text = "<?php\n/* a comment */\n$CONFIG = array (\n  'secret' => 'a\\'b\\\\c',\n  \
                    'trusted_domains' => \n  array (\n    0 => 'localhost',\n    1 => '127.0.0.1',\n  ),\n  \
                    'dbtype' => 'sqlite3',\n  'loglevel' => 2,\n  'installed' => true,\n  \
                    'x' => NULL, // trailing\n  'f' => -1.5,\n);\n";
        let map = parse(text).unwrap();
        assert_eq!(map["secret"], "a'b\\c");
        assert_eq!(map["trusted_domains"]["1"], "127.0.0.1");
        assert_eq!(map["loglevel"], 2);
        assert_eq!(map["installed"], true);
        assert_eq!(map["x"], Value::Null);
        assert_eq!(map["f"], -1.5);
    }

    #[test]
    fn short_arrays_lists_and_double_quotes() {
        let map = parse("<?php $CONFIG = ['a' => [\"x\\ty\", 'z'], 'b' => \"q\"];").unwrap();
        assert_eq!(map["a"]["0"], "x\ty");
        assert_eq!(map["a"]["1"], "z");
        assert_eq!(map["b"], "q");
    }

    #[test]
    fn pdo_mysql_constants_are_read_as_their_values() {
        let map = parse(
            "<?php $CONFIG = ['dbdriveroptions' => [PDO::MYSQL_ATTR_SSL_CA => '/ca.pem', \
             \\PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false, \\Pdo\\Mysql::ATTR_SSL_KEY => '/k']];",
        )
        .unwrap();
        let options = &map["dbdriveroptions"];
        assert_eq!(options["1009"], "/ca.pem");
        assert_eq!(options["1014"], false);
        assert_eq!(options["1007"], "/k");
        assert!(parse("<?php $CONFIG = [PDO::MYSQL_ATTR_NOPE => 1];").is_err());
    }

    #[test]
    fn refuses_what_is_not_a_literal() {
        for text in [
            "<?php $CONFIG = array('a' => getenv('X'));",
            "<?php $CONFIG = array('a' => 'x' . 'y');",
            "<?php $CONFIG = array('a' => \"$home\");",
            "<?php $CONFIG = array('a' => SOME_CONSTANT);",
            "leading <?php $CONFIG = array();",
            "<?php $CONFIG = array('a' => 'unterminated);",
            "<?php $OTHER = array();",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn merges_recursively_and_sorts_naturally() {
        let mut a = parse("<?php $CONFIG = ['x' => ['a' => 1, 'b' => 2], 'y' => 1];").unwrap();
        let b = parse("<?php $CONFIG = ['x' => ['b' => 3], 'y' => 'two'];").unwrap();
        replace_recursive(&mut a, b);
        assert_eq!(a["x"]["a"], 1);
        assert_eq!(a["x"]["b"], 3);
        assert_eq!(a["y"], "two");
        let mut names = vec!["b10.config.php", "b2.config.php", "a.config.php"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["a.config.php", "b2.config.php", "b10.config.php"]);
    }
}
