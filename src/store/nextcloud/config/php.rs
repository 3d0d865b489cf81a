//! A configuration that is more than literal arrays, evaluated by `php` as Nextcloud would
//! include it: in a child process of its own group, with the environment stripped of the
//! variables that hold secrets, a time limit and an output cap.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::{Environment, config_error};
use crate::error::Result;

/// How long `php` may take to evaluate the files, and how much it may print.
const PHP_TIME: Duration = Duration::from_secs(15);
const PHP_OUTPUT: u64 = 4 * 1024 * 1024;

/// What `php` runs: the files included one by one as `Config::readData` includes them
/// (inside a function, with `OC::$SERVERROOT`), output counted as Nextcloud counts it,
/// the merged array printed as JSON with text that is not UTF-8 marked.
const PHP_READER: &str = r#"
class OC { public static $SERVERROOT = ''; public static $configDir = ''; }
OC::$SERVERROOT = $argv[1];
OC::$configDir = $argv[2];
function pwaccount_include($file) {
    unset($CONFIG);
    include $file;
    return (isset($CONFIG) && is_array($CONFIG)) ? $CONFIG : null;
}
function pwaccount_mark($v) {
    if (is_string($v) && !preg_match('//u', $v)) { return ["\0pwaccount:non-utf8" => true]; }
    if (is_array($v)) { foreach ($v as $k => $x) { $v[$k] = pwaccount_mark($x); } }
    return $v;
}
$merged = [];
foreach (array_slice($argv, 3) as $file) {
    ob_start();
    $config = pwaccount_include($file);
    if (ob_get_clean() !== '') { fwrite(STDERR, "pwaccount: output\n"); exit(3); }
    if ($config !== null) { $merged = array_replace_recursive($merged, $config); }
}
echo json_encode(pwaccount_mark($merged), JSON_FORCE_OBJECT | JSON_PRESERVE_ZERO_FRACTION);
"#;

/// The files hold more than literal arrays: let `php` evaluate them as Nextcloud would.
pub(super) fn with_php(
    root: &Path,
    dir: &Path,
    files: &[PathBuf],
    failed: &Path,
    at: &str,
    env: &Environment,
) -> Result<Map<String, Value>> {
    let refuse = |why: &str| {
        config_error(format!(
            "cannot read the Nextcloud configuration {}: {at}; it is not a plain literal \
             array, and {why}; nothing was changed",
            failed.display()
        ))
    };
    if !env.php {
        return Err(refuse("evaluating it with php was not allowed"));
    }
    let mut command = std::process::Command::new("php");
    command
        .args(["-d", "display_errors=stderr", "-r", PHP_READER, "--"])
        .arg(root)
        .arg(dir)
        .args(files)
        .env_clear()
        .envs(env.child.iter().cloned())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    // Its own process group: whatever php starts is killed with it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = match command.spawn() {
        Ok(child) => child,
        Err(_) => return Err(refuse("no php program was found to evaluate it")),
    };
    let (status, output) = wait_bounded(child)?;
    let (Some(status), Some(output)) = (status, output) else {
        return Err(refuse(&format!(
            "php did not finish evaluating it within {} seconds",
            PHP_TIME.as_secs()
        )));
    };
    if status.code() == Some(3) {
        return Err(refuse(
            "it prints text when included (Nextcloud's occ refuses such a file: \"Config file \
             has leading content\")",
        ));
    }
    // Read first: a reader that stopped at the cap makes php fail on its next write.
    if output.len() as u64 > PHP_OUTPUT {
        return Err(refuse("php printed more than a configuration"));
    }
    if !status.success() {
        return Err(refuse("php could not evaluate it"));
    }
    serde_json::from_slice(&output)
        .map_err(|_| refuse("php printed something that is not the configuration"))
}

/// Wait for `child` (php) until `PHP_TIME` has passed or an interruption comes, reading
/// at most `PHP_OUTPUT` bytes and one more of its output; then end its process group.
/// Its exit status and output, each `None` when it did not finish in time.
fn wait_bounded(
    mut child: std::process::Child,
) -> Result<(Option<std::process::ExitStatus>, Option<Vec<u8>>)> {
    let deadline = Instant::now() + PHP_TIME;
    let stdout = child.stdout.take();
    let (sender, output) = std::sync::mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("php-output".into())
        .spawn(move || {
            let mut out = Vec::new();
            if let Some(stdout) = stdout {
                let _ = stdout.take(PHP_OUTPUT + 1).read_to_end(&mut out);
            }
            let _ = sender.send(out);
        });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline && !crate::interrupt::requested() => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => break None,
        }
    };
    // Whatever php left running in its group (holding its output open) goes now; the
    // output is waited for only until the deadline, and never after an interruption.
    crate::sys::kill_process_group(child.id());
    let _ = child.wait();
    let output = if status.is_some() && !crate::interrupt::requested() {
        output
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()
    } else {
        None
    };
    crate::interrupt::check()?;
    Ok((status, output))
}
