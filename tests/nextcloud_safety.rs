//! Issue-level guarantees on a Nextcloud installation that do not depend on the engine:
//! the configuration pwaccount uses is the one Nextcloud would use or it refuses (named
//! file and line, nothing changed); odd files never hang or exhaust it; waits on outside
//! input are interruptible; read-only mounts still read; the owner rule; the escaped log.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;
use crate::harness::signal;

const BOB: &str = "bob-passphrase-0123456789";

fn sqlite() -> Installation {
    Installation::on(Engine::Sqlite)
}

fn edit_config(nc: &Installation, edit: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(nc.config()).unwrap();
    std::fs::write(nc.config(), edit(text)).unwrap();
}

/// `status` of bob, without php on PATH (the native reader only).
fn status_without_php(nc: &Installation) -> crate::harness::Outcome {
    nc.cmd("bob")
        .args(["--json", "status"])
        .env("PATH", "/nonexistent")
        .run()
}

/// Each way a configuration could make pwaccount use another database than Nextcloud
/// would: either pwaccount reads exactly what Nextcloud reads (a dbname pointing
/// elsewhere then leads to a database that is not there, and is refused), or it refuses
/// the file, naming it and the line. Never bob's data from `nextcloud.db`.
#[test]
fn another_database_than_nextclouds_is_never_used() {
    type Setup = fn(&Installation);
    let cases: [(&str, Setup, &str); 8] = [
        (
            "a second PHP block after ?>",
            |nc| {
                edit_config(nc, |t| {
                    format!("{t}?>\n<?php $CONFIG[\"dbname\"] = \"other\";\n")
                })
            },
            "config.php",
        ),
        (
            "text after ?>",
            |nc| edit_config(nc, |t| format!("{t}?>\nhello\n")),
            "config.php",
        ),
        (
            "an extra file naming another dbname",
            |nc| {
                nc.extra_config("z.config.php", "<?php $CONFIG = ['dbname' => 'other'];\n");
            },
            "other.db",
        ),
        (
            "a later extra file in natural order",
            |nc| {
                nc.extra_config(
                    "a2.config.php",
                    "<?php $CONFIG = ['dbname' => 'nextcloud'];\n",
                );
                nc.extra_config("a10.config.php", "<?php $CONFIG = ['dbname' => 'other'];\n");
            },
            "other.db",
        ),
        (
            "an octal number literal",
            |nc| {
                edit_config(nc, |t| {
                    t.replace("'dbname' => 'nextcloud'", "'dbname' => 017")
                })
            },
            "/15.db",
        ),
        (
            "an absolute dbname",
            |nc| {
                edit_config(nc, |t| {
                    t.replace("'dbname' => 'nextcloud'", "'dbname' => '/tmp/elsewhere'")
                })
            },
            "data//tmp/elsewhere.db",
        ),
        (
            "a byte-order mark",
            |nc| edit_config(nc, |t| format!("\u{feff}{t}")),
            "byte-order mark",
        ),
        (
            "a table prefix with $1",
            |nc| {
                edit_config(nc, |t| {
                    t.replace(
                        "'installed' => true,",
                        "'installed' => true,\n  'dbtableprefix' => 'oc_$1',",
                    )
                })
            },
            "oc_$1",
        ),
    ];
    for (what, setup, named) in cases {
        let nc = sqlite();
        let before = nc.sums();
        setup(&nc);
        let out = status_without_php(&nc).code(8);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(named), "{what}: {message}");
        assert!(
            ["nextcloud_config", "nextcloud_unsupported"].contains(&out.error_id().as_str()),
            "{what}: {}",
            out.stdout
        );
        assert_eq!(nc.sums()[0], before[0], "{what}: the database changed");
    }
}

/// What Nextcloud ignores, pwaccount ignores: a dot file, other names, `dbport`; what it
/// accepts, pwaccount accepts: an empty file, bytes that are not UTF-8 in a comment, CRLF.
#[test]
fn what_nextcloud_ignores_or_accepts_is_read_alike() {
    let nc = sqlite();
    let other = "<?php $CONFIG = ['dbname' => 'other'];\n";
    for name in [
        ".hidden.config.php",
        "x.config.php.bak",
        "config.php~",
        "other.php",
    ] {
        nc.extra_config(name, other);
    }
    nc.extra_config("empty.config.php", "");
    nc.extra_config(
        "latin.config.php",
        b"<?php\r\n// caf\xe9\r\n$CONFIG = ['dbport' => '1234'];\r\n",
    );
    let v = status_without_php(&nc).ok().json();
    assert_eq!(v["counts"]["passwords"], 4, "{v}");
    assert_eq!(v["nextcloud"]["name"], "nextcloud");
    assert_eq!(v["nextcloud"]["prefix"], "oc_");
    assert_eq!(v["nextcloud"]["engine"], "sqlite");
    assert!(
        v["nextcloud"]["file"]
            .as_str()
            .unwrap()
            .ends_with("data/nextcloud.db"),
        "{v}"
    );
    let text = nc.cmd("bob").arg("status").run().ok().stdout;
    assert!(
        text.contains("config      ") && text.contains("oc_passwords_*"),
        "{text}"
    );
    assert!(!text.contains(&nc.secret()), "{text}");
}

/// The environment Nextcloud reads: `NC_<key>` wins over the files, and
/// `NEXTCLOUD_CONFIG_DIR` names the configuration folder.
#[test]
fn nextclouds_environment_variables_count() {
    let nc = sqlite();
    let out = nc
        .cmd("bob")
        .args(["--json", "status"])
        .env("NC_dbname", "other")
        .run()
        .code(8);
    assert!(out.stdout.contains("other.db"), "{}", out.stdout);
    let empty = nc.root().join("empty-config");
    std::fs::create_dir(&empty).unwrap();
    let out = nc
        .cmd("bob")
        .args(["--json", "status"])
        .env("NEXTCLOUD_CONFIG_DIR", &empty)
        .run()
        .code(8);
    assert_eq!(out.error_id(), "nextcloud_config", "{}", out.stdout);
    // Pointing at the installation's own folder changes nothing.
    nc.cmd("bob")
        .args(["--json", "status"])
        .env("NEXTCLOUD_CONFIG_DIR", nc.root().join("config"))
        .run()
        .ok();
}

/// Odd files are refused at once, whatever they are: a configuration of 2 MB, one that is
/// a link to /dev/zero, a FIFO nobody writes to, a folder named like a configuration file.
#[test]
fn odd_configuration_files_are_refused_at_once() {
    let big = |nc: &Installation| {
        let mut text = String::from("<?php $CONFIG = [\n");
        while text.len() < 2_000_000 {
            text.push_str("  'padding' => 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',\n");
        }
        text.push_str("];\n");
        nc.extra_config("big.config.php", text);
    };
    let zero = |nc: &Installation| {
        std::os::unix::fs::symlink("/dev/zero", nc.root().join("config/zero.config.php")).unwrap()
    };
    let fifo = |nc: &Installation| {
        let status = std::process::Command::new("mkfifo")
            .arg(nc.root().join("config/fifo.config.php"))
            .status()
            .unwrap();
        assert!(status.success());
    };
    let folder =
        |nc: &Installation| std::fs::create_dir(nc.root().join("config/dir.config.php")).unwrap();
    type Setup<'a> = &'a dyn Fn(&Installation);
    let cases: [(&str, Setup, &str); 4] = [
        ("2 MB", &big, "larger than"),
        ("/dev/zero", &zero, "not a regular file"),
        ("a FIFO", &fifo, "not a regular file"),
        ("a folder", &folder, "not a regular file"),
    ];
    for (what, setup, why) in cases {
        let nc = sqlite();
        setup(&nc);
        let started = Instant::now();
        let out = status_without_php(&nc).code(8);
        assert_eq!(out.error_id(), "nextcloud_config", "{what}");
        assert!(out.stdout.contains(why), "{what}: {}", out.stdout);
        // A hang would be minutes: this bound only tells a hang from a refusal.
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
    }
}

/// Every wait on outside input ends at Ctrl-C, SIGTERM or SIGHUP with exit 130 and
/// nothing changed: a passphrase from a pipe that never ends, and from a FIFO nobody
/// opens for writing.
#[test]
fn waits_on_outside_input_are_interruptible() {
    for (sig, from_fifo) in [
        ("INT", false),
        ("TERM", false),
        ("HUP", false),
        ("TERM", true),
    ] {
        let nc = sqlite();
        let before = nc.sums();
        let fifo = nc.root().join("pass.fifo");
        let source = if from_fifo {
            let status = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(status.success());
            fifo.display().to_string()
        } else {
            "-".to_owned()
        };
        let mut child = nc
            .cmd("bob")
            .args([
                "--json",
                "challenge",
                "set",
                "--old-passphrase-env",
                "O",
                "--passphrase-file",
                &source,
            ])
            .env("O", BOB)
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The pipe stays open and empty: the read waits.
        let _open_pipe = child.stdin.take();
        std::thread::sleep(Duration::from_millis(700));
        signal(sig, child.id());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "{sig} fifo={from_fifo}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("\"interrupted\""),
            "{sig}"
        );
        assert_eq!(nc.sums(), before, "{sig}: something changed");
    }
}

/// The php that evaluates configuration code is bounded: one that never ends is stopped
/// (and refused), as is one that returns more than a configuration.
#[test(php)]
fn the_configurations_php_is_bounded_in_time_and_output() {
    let nc = sqlite();
    nc.extra_config("loop.config.php", "<?php while (true) {}\n");
    let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
    assert!(out.stdout.contains("did not finish"), "{}", out.stdout);

    let nc = sqlite();
    nc.extra_config(
        "huge.config.php",
        "<?php $CONFIG = ['huge' => str_repeat('x', 5 * 1024 * 1024)];\n",
    );
    let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
    assert!(
        out.stdout.contains("more than a configuration"),
        "{}",
        out.stdout
    );

    let nc = sqlite();
    nc.extra_config("echo.config.php", "<?php echo 'hello';\n");
    let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
    assert!(out.stdout.contains("leading content"), "{}", out.stdout);
}

/// A read-only mount: reading commands work (the file is opened as immutable), a change
/// says the file system is read-only and changes nothing.
#[test(root)]
fn a_read_only_mount_reads_and_refuses_changes() {
    let nc = sqlite();
    let before = nc.sums();
    let in_read_only_mount = |args: &[&str]| {
        let mut wrapper = std::process::Command::new("unshare");
        wrapper
            .args(["--mount", "sh", "-c"])
            .arg("mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\"")
            .arg("sh")
            .arg(nc.root());
        nc.cmd("bob").args(args).through(wrapper)
    };
    let v = in_read_only_mount(&["--json", "status"]).ok().json();
    assert_eq!(v["counts"]["passwords"], 4, "{v}");
    let out = in_read_only_mount(&["--json", "challenge", "get"]).ok();
    assert!(out.stdout.contains("PWDv1r1"), "{}", out.stdout);
    let out = in_read_only_mount(&["--json", "reset", "--no-input"]).code(8);
    assert_eq!(out.error_id(), "database_read_only", "{}", out.stdout);
    assert!(out.stdout.contains("mounted read-only"), "{}", out.stdout);
    assert_eq!(nc.sums(), before);
}

/// Run as the owner of the installation (here: user id 33, as www-data is on Debian), it
/// works; as root beside that owner, it is refused before anything is read.
#[test(root)]
fn it_runs_as_the_installations_owner_only() {
    let nc = sqlite();
    let status = std::process::Command::new("chown")
        .args(["-R", "33:33"])
        .arg(nc.root())
        .status()
        .unwrap();
    assert!(status.success());
    let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
    assert_eq!(out.error_id(), "not_installation_owner");
    assert!(
        out.stdout.contains("sudo -u '#33'") && out.stdout.contains("docker exec -u 33"),
        "{}",
        out.stdout
    );
    let mut as_owner = std::process::Command::new("setpriv");
    as_owner.args(["--reuid=33", "--regid=33", "--clear-groups", "--"]);
    let v = nc
        .cmd("bob")
        .args(["--json", "status"])
        .through(as_owner)
        .ok()
        .json();
    assert_eq!(v["counts"]["passwords"], 4, "{v}");
}

/// Nextcloud waiting for an upgrade (its code newer than its database) refuses changes,
/// as maintenance mode does; reading still works.
#[test]
fn a_pending_upgrade_refuses_changes() {
    let nc = sqlite();
    std::fs::write(
        nc.root().join("version.php"),
        "<?php\n$OC_Version = array(34,0,2,1);\n",
    )
    .unwrap();
    let before = nc.sums();
    nc.cmd("bob").args(["--json", "status"]).run().ok();
    let out = nc
        .cmd("bob")
        .args(["--json", "reset", "--no-input"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "nextcloud_maintenance");
    assert!(
        out.stdout.contains("34.0.2.1") && out.stdout.contains("34.0.1.2"),
        "{}",
        out.stdout
    );
    // The app's code newer than its tables.
    std::fs::write(
        nc.root().join("version.php"),
        "<?php\n$OC_Version = array(34,0,1,2);\n",
    )
    .unwrap();
    let appinfo = nc.root().join("apps/passwords/appinfo");
    std::fs::create_dir_all(&appinfo).unwrap();
    std::fs::write(
        appinfo.join("info.xml"),
        "<info><version>2026.9.20</version></info>",
    )
    .unwrap();
    let out = nc
        .cmd("bob")
        .args(["--json", "reset", "--no-input"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "nextcloud_maintenance");
    assert!(
        out.stdout.contains("Passwords app needs an upgrade"),
        "{}",
        out.stdout
    );
    assert_eq!(nc.sums(), before);
}

/// `log` prints every stored field escaped: a record whose fields hold line breaks or
/// terminal controls (written by another program) stays one record of two lines.
#[test]
fn log_text_escapes_every_stored_field() {
    let nc = sqlite();
    nc.change("bob", BOB, "another passphrase for bob")
        .run()
        .ok();
    nc.exec(
        "UPDATE oc_pwaccount_audit SET host = 'h\n2026-01-01 00:00:00  alice  reset  deleted  fake', \
         os_user = 'u\u{1b}[2J', action = 'challenge-set\r'",
    );
    let out = nc.cmd("bob").arg("log").run().ok();
    let body: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with("time "))
        .collect();
    assert_eq!(body.len(), 2, "{}", out.stdout);
    assert!(
        body[0].contains("\\n2026-01-01") && body[0].contains("\\u{1b}"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\r'));
}
