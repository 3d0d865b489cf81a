//! Reading secrets and salts from the places design §1 allows: a file (`-` for standard
//! input, once per run) or a named environment variable. Never from argv.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Id, Result};

/// The most a secret, passphrase or salts file may hold. Real ones are far smaller; the
/// cap keeps a wrong path (a disk image, /dev/zero) from being read whole.
pub(super) const MAX_INPUT_BYTES: u64 = 64 * 1024;

/// Where one value comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source<'a> {
    /// A file given by `flag`; `-` is standard input.
    File { flag: &'static str, path: &'a Path },
    /// An environment variable named by the user with `flag`.
    Env { flag: &'static str, var: &'a str },
}

impl<'a> Source<'a> {
    /// The source given by whichever of a `--…-file` / `--…-env` pair is set.
    pub(super) fn pick(
        file: (&'static str, Option<&'a Path>),
        env: (&'static str, Option<&'a str>),
    ) -> Option<Self> {
        match (file.1, env.1) {
            (Some(path), _) => Some(Source::File { flag: file.0, path }),
            (None, Some(var)) => Some(Source::Env { flag: env.0, var }),
            (None, None) => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::File { flag, path } if path.as_os_str() == "-" => {
                format!("{flag} (standard input)")
            }
            Source::File { flag, path } => format!("{flag} {}", path.display()),
            Source::Env { flag, var } => format!("{flag} {var}"),
        }
    }
}

/// The pair of flags that name where one secret comes from: `--…-file` or `--…-env`.
pub(crate) struct Flags {
    pub(crate) file: &'static str,
    pub(crate) env: &'static str,
}

impl Flags {
    const fn new(file: &'static str, env: &'static str) -> Self {
        Flags { file, env }
    }

    /// Both flags, for messages: `--secret-file/--secret-env`.
    pub(crate) fn both(&self) -> String {
        format!("{}/{}", self.file, self.env)
    }
}

pub(crate) const PASSPHRASE: Flags = Flags::new("--passphrase-file", "--passphrase-env");
pub(crate) const OLD_PASSPHRASE: Flags =
    Flags::new("--old-passphrase-file", "--old-passphrase-env");
pub(crate) const SECRET: Flags = Flags::new("--secret-file", "--secret-env");
pub(crate) const OLD_SECRET: Flags = Flags::new("--old-secret-file", "--old-secret-env");

/// Reads sources, allowing standard input to be used once.
#[derive(Default)]
pub(super) struct Reader {
    stdin_taken_by: Cell<Option<&'static str>>,
}

impl Reader {
    /// The value named by whichever of `flags` was given (a file or a variable), if any.
    pub(crate) fn read_from(
        &self,
        flags: &Flags,
        (file, env): (Option<&Path>, Option<&str>),
    ) -> Result<Option<Zeroizing<String>>> {
        Source::pick((flags.file, file), (flags.env, env))
            .map(|source| self.read(source))
            .transpose()
    }

    /// The text of a source, verbatim except for one trailing `\n` or `\r\n` from a file.
    /// Empty or non-UTF-8 content is invalid data (exit 7).
    pub(super) fn read(&self, source: Source<'_>) -> Result<Zeroizing<String>> {
        let bytes = match source {
            Source::File { flag, path } => {
                let mut bytes = self.read_file(flag, path)?;
                strip_one_newline(&mut bytes);
                bytes
            }
            Source::Env { flag, var } => {
                let value = std::env::var_os(var).ok_or_else(|| {
                    Error::new(
                        Id::EnvNotSet,
                        format!("the environment variable {var} (named by {flag}) is not set"),
                    )
                })?;
                Zeroizing::new(std::os::unix::ffi::OsStringExt::into_vec(value))
            }
        };
        if bytes.is_empty() {
            return Err(Error::new(
                Id::EmptyInput,
                format!("{} is empty", source.describe()),
            ));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::new(
                Id::NotUtf8,
                format!("{} is not valid UTF-8 text", source.describe()),
            )
        })?;
        Ok(Zeroizing::new(text.to_owned()))
    }

    fn read_file(&self, flag: &'static str, path: &Path) -> Result<Zeroizing<Vec<u8>>> {
        let mut bytes = Zeroizing::new(Vec::new());
        let outcome = if path.as_os_str() == "-" {
            if let Some(first) = self.stdin_taken_by.replace(Some(flag)) {
                return Err(Error::new(
                    Id::StdinUsedTwice,
                    format!(
                        "standard input can supply one value only, but both {first} and {flag} \
                         ask for it; use a file or --…-env for one of them"
                    ),
                ));
            }
            // A pipe may never end: waiting on it is like waiting at a prompt, and an
            // interruption ends the run there (nothing has been written yet).
            crate::interrupt::prompting(|| {
                std::io::stdin()
                    .lock()
                    .take(MAX_INPUT_BYTES + 1)
                    .read_to_end(&mut bytes)
            })?
        } else {
            if path.is_dir() {
                return Err(Error::new(
                    Id::CannotReadFile,
                    format!("{flag} {}: is a directory", path.display()),
                ));
            }
            // A FIFO blocks at open and read alike.
            crate::interrupt::prompting(|| {
                std::fs::File::open(path)
                    .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
            })?
        };
        outcome.map_err(|e| {
            Error::new(
                Id::CannotReadFile,
                format!("cannot read {flag} {}: {e}", path.display()),
            )
        })?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(Error::new(
                Id::InputTooLarge,
                format!(
                    "{flag} {} holds more than {MAX_INPUT_BYTES} bytes; that is not a passphrase, \
                     secret or salts file",
                    path.display()
                ),
            ));
        }
        Ok(bytes)
    }
}

fn strip_one_newline(bytes: &mut Vec<u8>) {
    if bytes.ends_with(b"\r\n") {
        bytes.truncate(bytes.len() - 2);
    } else if bytes.ends_with(b"\n") {
        bytes.truncate(bytes.len() - 1);
    }
}

/// The salts of raw mode: a JSON array of exactly three strings.
pub(super) fn parse_data(text: &str, field: &str) -> Result<Vec<String>> {
    let bad = |why: &str| {
        Error::new(
            Id::InvalidData,
            format!("{field} must be a JSON array of three hex strings: {why}"),
        )
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(&format!("it is not valid JSON ({e})")))?;
    let items = value.as_array().ok_or_else(|| bad("it is not an array"))?;
    if items.len() != 3 {
        return Err(bad(&format!("it has {} elements", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad(&format!("element {i} is not a string")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_removed() {
        for (input, expected) in [
            (&b"abc\n"[..], &b"abc"[..]),
            (b"abc\r\n", b"abc"),
            (b"abc\n\n", b"abc\n"),
            (b"abc", b"abc"),
            (b"\n", b""),
        ] {
            let mut v = input.to_vec();
            strip_one_newline(&mut v);
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn data_must_be_three_strings() {
        assert_eq!(
            parse_data(r#"["a","b","c"]"#, "--data").unwrap(),
            ["a", "b", "c"]
        );
        for bad in [
            "",
            "{}",
            r#"["a","b"]"#,
            r#"["a","b","c","d"]"#,
            r#"["a",["b"],"c"]"#,
            r#"["a","b",3]"#,
            "[1,2",
        ] {
            let e = parse_data(bad, "--data").unwrap_err();
            assert_eq!(e.exit_code(), 7, "{bad}");
            assert!(e.message.contains("--data"), "{}", e.message);
        }
    }
}

/// Property tests: the parsers accept exactly what the rules allow and never panic.
/// `PROPTEST_CASES=… scripts/fuzz.sh` runs them for longer.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn reference_data(text: &str) -> Option<Vec<String>> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let items = v.as_array()?;
        if items.len() != 3 {
            return None;
        }
        items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect()
    }

    fn json_like() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\"[0-9a-f]{0,8}\",\"[0-9a-fg]{0,8}\",\"[0-9a-f]{0,8}\"(,\"x\")?]",
            prop::collection::vec(
                prop_oneof![
                    any::<String>().prop_map(serde_json::Value::from),
                    any::<i64>().prop_map(serde_json::Value::from)
                ],
                0..5
            )
            .prop_map(|v| serde_json::Value::from(v).to_string()),
        ]
    }

    proptest! {
        #[test]
        fn data_parser_agrees_with_the_rule(text in json_like()) {
            let parsed = parse_data(&text, "--data");
            prop_assert_eq!(parsed.as_ref().ok().cloned(), reference_data(&text));
            if let Err(e) = parsed {
                prop_assert_eq!(e.exit_code(), 7);
                prop_assert!(e.message.contains("--data"));
            }
        }

        #[test]
        fn secret_files_are_accepted_exactly_when_valid(bytes in prop::collection::vec(any::<u8>(), 0..200), crlf in any::<bool>()) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("secret");
            let mut content = bytes.clone();
            content.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            std::fs::write(&path, &content).unwrap();
            let result = Reader::default().read(Source::File { flag: "--secret-file", path: &path });
            // The rule, stated on the whole file: drop one trailing "\r\n", else one "\n"
            // (so a value ending in "\r" followed by the "\n" loses both).
            let kept = content.strip_suffix(b"\r\n").or_else(|| content.strip_suffix(b"\n")).unwrap_or(&content);
            let expected = if kept.is_empty() { None } else { std::str::from_utf8(kept).ok().map(str::to_owned) };
            prop_assert_eq!(result.as_ref().ok().map(|s| s.to_string()), expected);
            if let Err(e) = result {
                prop_assert_eq!(e.exit_code(), 7);
            }
        }
    }
}
