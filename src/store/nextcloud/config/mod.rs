//! Reading a Nextcloud installation's configuration exactly as Nextcloud reads it
//! (`lib/private/Config.php`, the same in Nextcloud 28 to 34), or refusing:
//!
//! - the folder is `config/` of the installation, or `NEXTCLOUD_CONFIG_DIR` when that is
//!   set (as `lib/base.php` does);
//! - `config.php` first, then what `glob("*.config.php")` lists there — no dot files —
//!   in PHP's `natsort` order; each file's `$CONFIG` array is merged into the result with
//!   `array_replace_recursive`; a file that sets no `$CONFIG` adds nothing;
//! - a file that prints anything (text before `<?php`, a byte-order mark, text after `?>`)
//!   makes `occ` stop with "Config file has leading content": refused here too;
//! - `NC_<key>` in the environment wins over the files, for every key, as a string.
//!
//! The files are PHP. What the installer and `occ` write — one literal array — is parsed
//! by `php_literal`, in one linear pass over the bytes. Anything else (a function call such as
//! `getenv()`, `OC::$SERVERROOT`, concatenation, more statements) is not guessed at: when
//! `php` is on PATH it evaluates the files as Nextcloud would include them (with an `OC`
//! class that carries the installation folder), in a child process that gets the
//! environment without the variables that hold secrets, a time limit and an output cap;
//! without `php` the reader names the file and line where it stopped.
//!
//! Every file is refused unless it is a regular file of at most `MAX_FILE` bytes, and
//! pwaccount refuses to read anything unless it runs as the owner of `config.php`, as
//! `occ` does: the files are code, and only their owner may run them.

mod locate;
mod natural;
mod php;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::crypto::SecretText;
use crate::error::{Error, Id, Result};

use super::php_literal::NON_UTF8;
use super::php_literal::{ParseStop, parse};
use locate::{check_owner, files, locate, read_file};
use php::with_php;

/// The merged configuration. Its values are secrets in part (the database password, the
/// instance secret): its debug form shows the file and the keys only.
#[derive(Clone)]
pub(crate) struct Config {
    /// Every value but the secrets, as merged from the files.
    pub(in crate::store::nextcloud) values: Map<String, Value>,
    /// `NC_<key>` variables of the environment, by key (the secrets taken out).
    pub(in crate::store::nextcloud) env: BTreeMap<String, String>,
    /// The text values of `SECRET_KEYS`, from the environment or the files: held apart
    /// as `SecretText` (wiped, redacted), read only through `secret`.
    pub(in crate::store::nextcloud) secrets: BTreeMap<&'static str, SecretText>,
    /// The installation folder (`OC::$SERVERROOT`).
    pub root: PathBuf,
    /// Its configuration folder.
    pub dir: PathBuf,
    /// Its main file, `config.php`.
    pub file: PathBuf,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("file", &self.file)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The keys whose values are secrets: the database password, the instance secret and the
/// Passwords app's own server secret.
pub(in crate::store::nextcloud) const SECRET_KEYS: &[&str] =
    &["dbpassword", "secret", "passwords.secret"];

/// Move the text values of `SECRET_KEYS` out of the merged values and the environment
/// (the environment's first, as Nextcloud's `getValue` reads it): the `String`s move into
/// `SecretText`, so no plain copy stays behind in the map. A value of another type (a
/// number, say) stays where it is and is read as text when asked for.
fn take_secrets(
    values: &mut Map<String, Value>,
    env: &mut BTreeMap<String, String>,
) -> BTreeMap<&'static str, SecretText> {
    let mut secrets = BTreeMap::new();
    for &key in SECRET_KEYS {
        let from_env = env.remove(key);
        let text_in_files = matches!(values.get(key), Some(Value::String(_)));
        let in_files = match text_in_files.then(|| values.remove(key)).flatten() {
            Some(Value::String(text)) => Some(SecretText::new(text)),
            _ => None,
        };
        // The files' text is wiped when it is not the one Nextcloud reads.
        if let Some(secret) = from_env.map(SecretText::new).or(in_files) {
            secrets.insert(key, secret);
        }
    }
    secrets
}

#[cfg(test)]
impl Config {
    /// Every key with the value Nextcloud's `getValue` returns (unset keys left out), keys
    /// sorted: what the corpus test compares with Nextcloud's own reading.
    fn resolved(&self) -> Map<String, Value> {
        let mut keys: Vec<&str> = self
            .values
            .keys()
            .chain(self.env.keys())
            .map(String::as_str)
            .chain(self.secrets.keys().copied())
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| {
                let value = match self.secrets.get(k) {
                    Some(secret) => Value::String(secret.expose().to_owned()),
                    None => self.get(k)?,
                };
                Some((k.to_owned(), value))
            })
            .collect()
    }
}

pub(super) fn config_error(message: String) -> Error {
    Error::new(Id::NextcloudConfig, message)
}

/// What of the environment the reading depends on: `NEXTCLOUD_CONFIG_DIR`, the `NC_<key>`
/// variables, and what a `php` child may see.
pub(crate) struct Environment {
    config_dir: Option<OsString>,
    nc: BTreeMap<String, String>,
    child: Vec<(OsString, OsString)>,
    /// Whether `php` may evaluate files that are not literal arrays.
    php: bool,
}

impl Environment {
    /// This process's environment (`php` without the variables that hold secrets).
    fn of_process() -> Self {
        Environment::from_vars(crate::sys::child_environment(), true)
    }

    /// An environment of the given variables.
    fn from_vars(vars: Vec<(OsString, OsString)>, php: bool) -> Self {
        let text = |s: &OsString| s.to_str().map(str::to_owned);
        Environment {
            config_dir: vars
                .iter()
                .find(|(k, _)| k == "NEXTCLOUD_CONFIG_DIR")
                .map(|(_, v)| v.clone()),
            // Nextcloud reads them with getenv(): only names and values that are text.
            nc: vars
                .iter()
                .filter_map(|(k, v)| Some((text(k)?.strip_prefix("NC_")?.to_owned(), text(v)?)))
                .collect(),
            child: vars,
            php,
        }
    }
}

/// Read and merge the configuration of the installation at `path`.
pub(crate) fn read(path: &Path) -> Result<Config> {
    read_with(path, &Environment::of_process())
}

fn read_with(path: &Path, env: &Environment) -> Result<Config> {
    let (root, dir) = locate(path, env.config_dir.as_ref())?;
    let main = dir.join("config.php");
    if !main.exists() {
        return Err(config_error(format!(
            "the Nextcloud configuration {} does not exist",
            main.display()
        )));
    }
    check_owner(&main)?;
    let files = files(&dir, &main)?;
    let mut merged = Map::new();
    for file in &files {
        let bytes = read_file(file)?;
        match parse(&bytes) {
            Ok(Some(values)) => replace_recursive(&mut merged, values),
            Ok(None) => {}
            Err(ParseStop { at, too_deep: true }) => {
                return Err(config_error(format!(
                    "cannot read the Nextcloud configuration {}: {at}; nothing was read or \
                     changed",
                    file.display()
                )));
            }
            Err(ParseStop { at, .. }) => {
                merged = with_php(&root, &dir, &files, file, &at, env)?;
                break;
            }
        }
    }
    let mut nc = env.nc.clone();
    let secrets = take_secrets(&mut merged, &mut nc);
    Ok(Config {
        values: merged,
        env: nc,
        secrets,
        root,
        dir,
        file: main,
    })
}

/// `array_replace_recursive`: arrays are merged key by key, anything else replaced.
fn replace_recursive(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(old)), Value::Object(new)) if !new.contains_key(NON_UTF8) => {
                replace_recursive(old, new)
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::nextcloud::settings::has_non_utf8;

    /// The differential test: every case of `tests/data/nextcloud-config` (configuration
    /// folders and environments, the official Docker image's and All-in-One's among them)
    /// against what Nextcloud's own `Config` class read from it
    /// (`scripts/config-corpus.sh`). pwaccount reads a literal case exactly as Nextcloud
    /// does and refuses every other without php; with php (where the tests were built
    /// with it), it reads every case Nextcloud reads, the same, and refuses the rest.
    /// A corpus case's environment (`NEXTCLOUD_CONFIG_DIR` relative to the case), with
    /// this process's PATH.
    fn case_environment(case: &Path, about: &Value) -> Vec<(OsString, OsString)> {
        let mut vars: Vec<(OsString, OsString)> = about["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap();
                let v = if k == "NEXTCLOUD_CONFIG_DIR" {
                    case.join(v).into_os_string()
                } else {
                    v.into()
                };
                (k.into(), v)
            })
            .collect();
        vars.extend(std::env::var_os("PATH").map(|p| ("PATH".into(), p)));
        vars
    }

    /// Whether php is installed (found out now, not when the tests were built): where it
    /// is, it reads every corpus case too. Under CI it must be.
    fn php_installed() -> bool {
        let php = std::process::Command::new("php")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(php || !ci, "CI=true, and php is not installed");
        php
    }

    /// A copy of `from` (regular files and folders) below `to`.
    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// A copy of the corpus the running user owns: the reader refuses a configuration
    /// owned by anyone else (as occ does), and the checkout may be another user's.
    fn corpus_copy() -> (tempfile::TempDir, PathBuf) {
        let scratch = tempfile::tempdir().unwrap();
        let corpus = scratch.path().join("nextcloud-config");
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nextcloud-config"),
            &corpus,
        );
        (scratch, corpus)
    }

    #[test]
    fn reads_every_corpus_case_as_nextcloud_or_refuses() {
        let (_scratch, corpus) = corpus_copy();
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        assert!(cases.len() >= 40, "only {} cases", cases.len());
        let (mut literal, mut refused) = (0, 0);
        let php = php_installed();
        for case in &cases {
            let about: Value =
                serde_json::from_slice(&std::fs::read(case.join("case.json")).unwrap()).unwrap();
            let expected: Value =
                serde_json::from_slice(&std::fs::read(case.join("expected.json")).unwrap())
                    .unwrap();
            let vars = case_environment(case, &about);
            // A case may read another case's folder with its own environment.
            let installation = match about["installation"].as_str() {
                Some(other) => corpus.join(other),
                None => case.clone(),
            };
            let canonical = |config: &Config| {
                serde_json::to_string(&config.resolved())
                    .unwrap()
                    .replace(&installation.display().to_string(), "/var/www/html")
            };
            let want = expected.get("values").map(|v| v.to_string());
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let is_literal = about["literal"] == true;
            let native = read_with(&installation, &Environment::from_vars(vars.clone(), false));
            match (&want, native) {
                (None, Ok(_)) => panic!("{name}: read what Nextcloud refuses ({expected})"),
                (None, Err(_)) => refused += 1,
                (Some(want), Ok(config)) => {
                    assert!(is_literal, "{name}: read natively, but not marked literal");
                    assert_eq!(&canonical(&config), want, "{name}");
                    literal += 1;
                }
                (Some(_), Err(e)) => {
                    assert!(
                        !is_literal,
                        "{name}: a literal case was refused: {}",
                        e.message
                    );
                    refused += 1;
                }
            }
            if php {
                match (
                    &want,
                    read_with(&installation, &Environment::from_vars(vars, true)),
                ) {
                    (None, Ok(_)) => panic!("{name}: php read what Nextcloud refuses"),
                    (Some(want), Ok(config)) => {
                        assert_eq!(&canonical(&config), want, "{name} (php)")
                    }
                    (Some(_), Err(e)) => panic!("{name}: refused with php: {}", e.message),
                    (None, Err(_)) => {}
                }
            }
        }
        assert!(
            literal >= 25 && refused >= 10,
            "{literal} literal, {refused} refused"
        );
    }

    fn map(text: &str) -> Map<String, Value> {
        parse(text.as_bytes()).unwrap().unwrap()
    }

    /// The secrets are held apart, redacted and wiped, and never sit in the map of plain
    /// values or the environment's; the environment's still wins, as in Nextcloud.
    #[test]
    fn secrets_are_held_apart_and_never_shown() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("config");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("config.php"),
            "<?php\n$CONFIG = array (\n  'secret' => 'the-instance-secret',\n  \
             'dbpassword' => 'the-file-password',\n  'dbname' => 'nextcloud',\n);\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("zz.config.php"),
            "<?php\n$CONFIG = array('passwords.secret' => 'the-app-secret');\n",
        )
        .unwrap();
        let vars = vec![(
            OsString::from("NC_dbpassword"),
            OsString::from("the-env-password"),
        )];
        let config = read_with(root.path(), &Environment::from_vars(vars, false)).unwrap();
        let shown = format!("{config:?}");
        for key in SECRET_KEYS {
            assert!(
                !config.values.contains_key(*key),
                "{key} in the plain values"
            );
            assert!(!config.env.contains_key(*key), "{key} in the environment's");
        }
        for secret in [
            "the-instance-secret",
            "the-file-password",
            "the-env-password",
            "the-app-secret",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let expose = |key| config.secret(key).unwrap().unwrap().expose().to_owned();
        assert_eq!(expose("secret"), "the-instance-secret");
        assert_eq!(expose("dbpassword"), "the-env-password");
        assert_eq!(expose("passwords.secret"), "the-app-secret");
        assert!(format!("{:?}", config.secret("secret").unwrap()).contains("REDACTED"));
        assert_eq!(
            config.string("dbname").unwrap().as_deref(),
            Some("nextcloud")
        );
    }

    #[test]
    fn reads_what_the_installer_writes() {
        let text = "<?php\n/* a comment */\n$CONFIG = array (\n  'secret' => 'a\\'b\\\\c',\n  \
                    'trusted_domains' => \n  array (\n    0 => 'localhost',\n    1 => '127.0.0.1',\n  ),\n  \
                    'dbtype' => 'sqlite3',\n  'loglevel' => 2,\n  'installed' => true,\n  \
                    'x' => NULL, // trailing\n  'f' => -1.5,\n);\n";
        let map = map(text);
        assert_eq!(map["secret"], "a'b\\c");
        assert_eq!(map["trusted_domains"]["1"], "127.0.0.1");
        assert_eq!(map["loglevel"], 2);
        assert_eq!(map["installed"], true);
        assert_eq!(map["x"], Value::Null);
        assert_eq!(map["f"], -1.5);
    }

    #[test]
    fn php_number_literals() {
        let map = map(
            "<?php $CONFIG = ['o' => 017, 'o2' => 0o17, 'h' => 0x1F, 'b' => 0b101, 'u' => 1_000, \
             'e' => 1e3, 'd' => .5, 'n' => - 3, 'big' => 9223372036854775808];",
        );
        assert_eq!(map["o"], 15);
        assert_eq!(map["o2"], 15);
        assert_eq!(map["h"], 31);
        assert_eq!(map["b"], 5);
        assert_eq!(map["u"], 1000);
        assert_eq!(map["e"], 1000.0);
        assert_eq!(map["d"], 0.5);
        assert_eq!(map["n"], -3);
        assert_eq!(map["big"], 9223372036854775808.0);
        for bad in ["019", "1_", "0x", "1__0", "12abc"] {
            assert!(
                parse(format!("<?php $CONFIG = ['a' => {bad}];").as_bytes()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn double_quoted_escapes() {
        let map = map(r#"<?php $CONFIG = ['a' => "x\ty\101\x41\u{e9}\q$ {", 'b' => "\\\$"];"#);
        assert_eq!(map["a"], "x\tyAAé\\q$ {");
        assert_eq!(map["b"], "\\$");
    }

    #[test]
    fn pdo_mysql_constants_are_read_as_their_values() {
        let map = map(
            "<?php $CONFIG = ['dbdriveroptions' => [PDO::MYSQL_ATTR_SSL_CA => '/ca.pem', \
             \\PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false, \\Pdo\\Mysql::ATTR_SSL_KEY => '/k']];",
        );
        let options = &map["dbdriveroptions"];
        assert_eq!(options["1009"], "/ca.pem");
        assert_eq!(options["1014"], false);
        assert_eq!(options["1007"], "/k");
        assert!(parse(b"<?php $CONFIG = [PDO::MYSQL_ATTR_NOPE => 1];").is_err());
    }

    #[test]
    fn files_that_set_nothing_and_files_that_print() {
        assert_eq!(parse(b"").unwrap(), None);
        assert_eq!(parse(b"<?php\n").unwrap(), None);
        assert_eq!(parse(b"<?php\n// nothing\n?>\n").unwrap(), None);
        assert!(parse(b"<?php $CONFIG = [];\n?>\n").unwrap().is_some());
        assert!(parse(b"<?php $CONFIG = [];\r\n?>\r\n").unwrap().is_some());
        for printing in [
            &b" <?php $CONFIG = [];"[..],
            b"\xEF\xBB\xBF<?php $CONFIG = [];",
            b"<?php $CONFIG = [];\n?>\n\n",
            b"<?php $CONFIG = ['dbname' => 'a'];\n?>\n<?php $CONFIG['dbname'] = 'other';",
            b"<?php $CONFIG = []; // x ?> y",
            b"\n",
        ] {
            assert!(
                parse(printing).is_err(),
                "{}",
                String::from_utf8_lossy(printing)
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_literal() {
        for text in [
            "<?php $CONFIG = array('a' => getenv('X'));",
            "<?php $CONFIG = array('a' => 'x' . 'y');",
            "<?php $CONFIG = array('a' => \"$home\");",
            "<?php $CONFIG = array('a' => \"{$home}\");",
            "<?php $CONFIG = array('a' => SOME_CONSTANT);",
            "<?php $CONFIG = array('a' => 'unterminated);",
            "<?php $OTHER = array();",
            "<?php $CONFIG = []; $CONFIG['a'] = 1;",
            "<?php $CONFIG = [-5 => 'a', 'b'];",
            "<?php /* open",
            "<?php #[Attr]\n$CONFIG = [];",
        ] {
            assert!(parse(text.as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_kept_apart() {
        let map = map("<?php $CONFIG = ['a' => 'caf\u{e9}', 'b' => 'x'];");
        assert_eq!(map["a"], "café");
        let bytes = b"<?php $CONFIG = ['a' => 'caf\xe9', 'b' => 'x']; # \xff\n";
        let map = parse(bytes).unwrap().unwrap();
        assert!(has_non_utf8(&map["a"]));
        assert_eq!(map["b"], "x");
    }

    #[test]
    fn merges_recursively() {
        let mut a = map("<?php $CONFIG = ['x' => ['a' => 1, 'b' => 2], 'y' => 1];");
        let b = map("<?php $CONFIG = ['x' => ['b' => 3], 'y' => 'two'];");
        replace_recursive(&mut a, b);
        assert_eq!(a["x"]["a"], 1);
        assert_eq!(a["x"]["b"], 3);
        assert_eq!(a["y"], "two");
    }

    #[test]
    fn a_file_near_the_size_limit_parses() {
        let mut text = String::from("<?php $CONFIG = [\n");
        for i in 0..40_000 {
            text.push_str(&format!("  'key{i}' => 'value {i}', // note\n"));
        }
        text.push_str("];\n");
        assert_eq!(map(&text).len(), 40_000);
    }
}
