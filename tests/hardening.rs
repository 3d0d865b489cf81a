//! The adversarial pass of issue 27, class by class: each test failed on the build before
//! the fix and names the variants it tries.

use std::os::unix::fs::symlink;

use crate::engines::Engine;
use crate::harness::{Run, checksum};
use crate::nextcloud::Installation;

/// `status --json` of `bob` on the installation named by `path`, run in `dir`.
fn status_through(path: &std::path::Path, dir: &std::path::Path) -> crate::harness::Outcome {
    Run::new()
        .user("bob")
        .current_dir(dir)
        .arg("--nextcloud")
        .arg(path)
        .args(["--json", "status"])
        .run()
}

/// Class 1: whatever path names the installation (its folder, its config.php, a link to
/// either, a path through `..`, a relative path), pwaccount reads that installation's
/// files and opens its database, and `status` shows the folder it settled on.
#[test]
fn every_path_to_an_installation_is_resolved_to_that_installation() {
    let nc = Installation::on(Engine::Sqlite);
    // A link to config.php is followed only into an installation (version.php beside).
    std::fs::write(
        nc.root().join("version.php"),
        "<?php\n$OC_Version = array(34,0,1,2);\n",
    )
    .unwrap();
    let real = nc.root().canonicalize().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path();
    // A folder that looks like another installation: its own config/ with a link to the
    // real config.php, and a *.config.php of its own that points at a copy of the data.
    std::fs::create_dir_all(other.join("config")).unwrap();
    std::fs::create_dir_all(other.join("data")).unwrap();
    std::fs::copy(nc.db(), other.join("data/nextcloud.db")).unwrap();
    symlink(nc.config(), other.join("config/config.php")).unwrap();
    std::fs::write(
        other.join("config/zz.config.php"),
        format!(
            "<?php\n$CONFIG = array('datadirectory' => '{}');\n",
            other.join("data").display()
        ),
    )
    .unwrap();
    symlink(nc.root(), other.join("link-to-root")).unwrap();
    symlink(nc.root().join("config"), other.join("link-to-config-dir")).unwrap();
    std::fs::create_dir_all(other.join("sub")).unwrap();
    let relative = pathdiff(nc.root(), other);
    let variants: Vec<(&str, std::path::PathBuf, &std::path::Path)> = vec![
        ("the folder", nc.root().to_path_buf(), other),
        ("its config.php", nc.config(), other),
        (
            "a link to config.php",
            other.join("config/config.php"),
            other,
        ),
        ("the folder holding that link", other.join("config"), other),
        ("a link to the folder", other.join("link-to-root"), other),
        ("a link to config/", other.join("link-to-config-dir"), other),
        (
            "a link to config/ then ..",
            other.join("link-to-config-dir/../config/config.php"),
            other,
        ),
        (
            "a path through ..",
            other.join("sub/..").join(&relative),
            other,
        ),
        ("a relative path", relative.clone(), other),
    ];
    let copy_before = checksum(&other.join("data/nextcloud.db"));
    for (what, path, dir) in variants {
        let v = status_through(&path, dir).code(0).json();
        assert_eq!(
            v["nextcloud"]["installation"],
            real.display().to_string(),
            "{what}: {v}"
        );
        assert_eq!(
            v["nextcloud"]["file"],
            real.join("data/nextcloud.db").display().to_string(),
            "{what}: {v}"
        );
    }
    // A change through the link lands in the installation's database, not the copy.
    let before = checksum(&nc.db());
    Run::new()
        .user("bob")
        .arg("--nextcloud")
        .arg(other.join("config/config.php"))
        .env("HOME", other.join("home"))
        .args(["reset", "--no-input"])
        .run()
        .code(0);
    assert_ne!(
        checksum(&nc.db()),
        before,
        "the code was not issued in the installation"
    );
    assert_eq!(checksum(&other.join("data/nextcloud.db")), copy_before);
    // A link to a file that is not a config.php is refused, naming where it leads.
    symlink(
        nc.root().join("data/nextcloud.db"),
        other.join("config.php.lnk"),
    )
    .unwrap();
    let out = status_through(&other.join("config.php.lnk"), other).code(8);
    assert_eq!(out.error_id(), "nextcloud_config");
    assert!(out.stdout.contains("it leads to"), "{}", out.stdout);
    // Without version.php, a link into the folder is refused: nothing tells that the
    // file's folder is an installation's.
    std::fs::remove_file(nc.root().join("version.php")).unwrap();
    let out = status_through(&other.join("config/config.php"), other).code(8);
    assert_eq!(out.error_id(), "nextcloud_config");
    assert!(out.stdout.contains("is a link to"), "{}", out.stdout);
    // The installation folder itself needs no version.php.
    status_through(nc.root(), other).code(0);
}

/// `to` relative to `from` (both absolute), as `../..`-style text.
fn pathdiff(to: &std::path::Path, from: &std::path::Path) -> std::path::PathBuf {
    let to = to.canonicalize().unwrap();
    let from = from.canonicalize().unwrap();
    let common = to
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = std::path::PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    out
}

const PTY_MS: u64 = 20_000;

/// Core files a crash could leave in `dir` (core_pattern `core`, `core.PID`, …).
fn cores(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("core"))
        .collect()
}

/// `challenge set` for alice at a terminal, run in `dir`, with the current passphrase
/// typed and the new one asked for.
fn at_new_passphrase_prompt(
    env: &crate::harness::Env,
    dir: &std::path::Path,
) -> rexpect::session::PtySession {
    let mut p = rexpect::session::spawn_command(
        env.cmd()
            .user("alice")
            .current_dir(dir)
            .args(["challenge", "set"])
            .command(),
        Some(PTY_MS),
    )
    .unwrap();
    p.exp_string("Current passphrase").unwrap();
    p.send_line("the first passphrase").unwrap();
    p.exp_string("New passphrase").unwrap();
    p
}

/// Class 2: Ctrl-\ (SIGQUIT) at the new-passphrase prompt, the old one typed: exit 130,
/// nothing changed, no core file.
#[test]
fn ctrl_backslash_at_a_passphrase_prompt_is_an_interruption_without_a_dump() {
    use rexpect::process::WaitStatus;
    let env = crate::harness::Env::new();
    env.set_challenge("alice", "the first passphrase");
    let before = env.dump();
    let mut p = at_new_passphrase_prompt(&env, env.dir.path());
    p.send_control('\\').unwrap();
    p.exp_string("nothing was changed").unwrap();
    assert!(matches!(
        p.process().wait().unwrap(),
        WaitStatus::Exited(_, 130)
    ));
    crate::harness::assert_same(&before, &env.dump(), "hardening:sigquit");
    assert_eq!(cores(env.dir.path()), Vec::<String>::new());
}

/// Class 2: the process is not dumpable and its core limit is 0 from the start: a signal
/// whose default action dumps core (SIGABRT, SIGILL, SIGTRAP) leaves no core file, where
/// a process that may dump (the control) leaves one in the same folder. (SIGSEGV and
/// SIGBUS sent by kill are first taken by Rust's stack-overflow handler, which then
/// resumes; they dump as these do.)
#[test]
fn a_crash_at_a_passphrase_prompt_leaves_no_core_file() {
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The control: a shell that raises its core limit and crashes, in the same folder.
    let control = std::process::Command::new("sh")
        .args(["-c", "ulimit -c unlimited 2>/dev/null && kill -SEGV $$"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    let control_dumped = !cores(dir.path()).is_empty();
    for entry in cores(dir.path()) {
        std::fs::remove_file(dir.path().join(entry)).unwrap();
    }
    for signal in ["ABRT", "ILL", "TRAP"] {
        let env = crate::harness::Env::new();
        env.set_challenge("alice", "the first passphrase");
        let p = at_new_passphrase_prompt(&env, dir.path());
        let pid = pid_of(&env.db);
        let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert_eq!(
            core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(),
            ["0", "0"],
            "{core}"
        );
        // Not dumpable: the kernel gives its /proc files to root (which tells only when
        // the tests do not run as root).
        if crate::harness::own_uid() != 0 {
            let owner = std::os::unix::fs::MetadataExt::uid(
                &std::fs::metadata(format!("/proc/{pid}/environ")).unwrap(),
            );
            assert_eq!(
                owner, 0,
                "/proc/{pid} is not root's: the process is dumpable"
            );
        }
        crate::harness::signal(signal, pid);
        let started = std::time::Instant::now();
        let status = loop {
            match p.process().status() {
                Some(rexpect::process::WaitStatus::StillAlive) | None => {}
                Some(status) => break status,
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "SIG{signal} did not end the process"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(
            matches!(status, rexpect::process::WaitStatus::Signaled(_, _, _)),
            "{status:?}"
        );
        assert_eq!(cores(dir.path()), Vec::<String>::new(), "{signal}");
    }
    // The check above can fail: where the kernel writes core files into the crashing
    // process's folder, the control left one.
    if !pattern.starts_with('|') && crate::harness::own_uid() == 0 {
        assert!(
            control_dumped,
            "the control did not dump ({control:?}, core_pattern {pattern:?})"
        );
    }
}

/// The id of the running pwaccount whose command line names `db` (unique per test).
fn pid_of(db: &std::path::Path) -> u32 {
    let needle = db.as_os_str().as_encoded_bytes();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline.starts_with(crate::harness::BIN.as_bytes())
            && cmdline.windows(needle.len()).any(|w| w == needle)
        {
            return pid;
        }
    }
    panic!("no pwaccount process for {}", db.display());
}

/// How a stand-in server on loopback behaves.
#[derive(Clone, Copy)]
enum Stall {
    /// Accepts connections and never says anything.
    Silent,
    /// Answers PostgreSQL's TLS request with "yes", then says nothing (a stalled TLS
    /// handshake).
    AfterTlsYes,
    /// Passes everything to the real server (`port`) until the client has sent `trigger`,
    /// then passes nothing more either way; the connections stay open until the client
    /// goes, and then the server's connection is closed (so it rolls back).
    Midway(u16, &'static [u8]),
    /// Accepts, then closes the connection at once.
    Hangup,
}

/// A stand-in server on a free loopback port; its port.
fn stand_in(stall: Stall) -> u16 {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            std::thread::spawn(move || match stall {
                Stall::Silent => {
                    let mut sink = [0u8; 4096];
                    while client.read(&mut sink).is_ok_and(|n| n > 0) {}
                }
                Stall::AfterTlsYes => {
                    let mut request = [0u8; 8];
                    if client.read_exact(&mut request).is_ok() {
                        let _ = client.write_all(b"S");
                    }
                    let mut sink = [0u8; 4096];
                    while client.read(&mut sink).is_ok_and(|n| n > 0) {}
                }
                Stall::Hangup => drop(client),
                Stall::Midway(port, trigger) => {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                        return;
                    };
                    let stalled = Arc::new(AtomicBool::new(false));
                    let (mut from_server, mut to_client) =
                        (server.try_clone().unwrap(), client.try_clone().unwrap());
                    let back = stalled.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16384];
                        while let Ok(n) = from_server.read(&mut buf) {
                            if n == 0 || back.load(Ordering::SeqCst) {
                                break;
                            }
                            if to_client.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                    });
                    let mut to_server = server;
                    let mut seen: Vec<u8> = Vec::new();
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = client.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        if stalled.load(Ordering::SeqCst) {
                            continue;
                        }
                        seen.extend_from_slice(&buf[..n]);
                        if seen.windows(trigger.len()).any(|w| w == trigger) {
                            stalled.store(true, Ordering::SeqCst);
                            continue;
                        }
                        if to_server.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to_server.shutdown(Shutdown::Both);
                }
            });
        }
    });
    port
}

/// The installation's configuration with its database server at 127.0.0.1:`port`, and
/// `extra` PHP entries added.
fn on_port(nc: &Installation, port: u16, extra: &str) {
    let text = std::fs::read_to_string(nc.config()).unwrap();
    let host = text
        .lines()
        .find(|l| l.trim_start().starts_with("'dbhost' =>"))
        .unwrap()
        .to_owned();
    let text = text.replace(&host, &format!("  'dbhost' => '127.0.0.1:{port}',"));
    let end = text.rfind(");").unwrap();
    std::fs::write(
        nc.config(),
        format!("{}{extra}\n{}", &text[..end], &text[end..]),
    )
    .unwrap();
}

/// Run `run` in the background; after `after`, send `signal` (if any); its outcome and
/// how long it took.
fn timed(
    run: Run,
    signal: Option<(&str, std::time::Duration)>,
) -> (crate::harness::Outcome, std::time::Duration) {
    let started = std::time::Instant::now();
    let child = run
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some((name, after)) = signal {
        std::thread::sleep(after);
        crate::harness::signal(name, child.id());
    }
    let out = crate::harness::Outcome::from(child.wait_with_output().unwrap());
    (out, started.elapsed())
}

/// Class 3 and 5: a server that accepts and never answers (the handshake, TLS), or one
/// that hangs up: a bounded wait ending in `server_timeout` or `connection_lost` with
/// words, and INT, TERM and HUP end the wait at once with 130. Each engine's driver.
fn a_server_that_never_answers_is_a_bounded_wait(engine: Engine) {
    use std::time::Duration;
    let nc = Installation::on(engine);
    let before = nc.sums();
    let original = std::fs::read_to_string(nc.config()).unwrap();
    let mut stalls = vec![("handshake", Stall::Silent, "")];
    if engine == Engine::Pgsql {
        stalls.push((
            "TLS",
            Stall::AfterTlsYes,
            "'pgsql_ssl' => array('mode' => 'require'),",
        ));
    }
    for (what, stall, extra) in stalls {
        on_port(&nc, stand_in(stall), extra);
        let run = || {
            nc.cmd("bob")
                .args(["--json", "--server-timeout", "1", "reset", "--no-input"])
        };
        let (out, took) = timed(run(), None);
        assert_eq!(out.code, 8, "{what}: {}{}", out.stdout, out.stderr);
        assert_eq!(out.error_id(), "server_timeout", "{what}: {}", out.stdout);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains("did not answer within 1 s") && message.contains("(connecting)"),
            "{what}: {message}"
        );
        assert!(took < Duration::from_secs(8), "{what}: took {took:?}");
        for signal in ["INT", "TERM", "HUP"] {
            let run = nc.cmd("bob").args(["--json", "reset", "--no-input"]);
            let (out, took) = timed(run, Some((signal, Duration::from_millis(400))));
            assert_eq!(
                out.code, 130,
                "{what}, SIG{signal}: {}{}",
                out.stdout, out.stderr
            );
            assert_eq!(out.error_id(), "interrupted");
            assert!(
                took < Duration::from_secs(5),
                "{what}, SIG{signal}: {took:?}"
            );
        }
        std::fs::write(nc.config(), &original).unwrap();
    }
    // A server that hangs up at once, and a port nothing listens on: words, not driver
    // debug text.
    for (stall, id, words) in [
        (
            Some(Stall::Hangup),
            "server_unreachable",
            "the server closed the connection",
        ),
        (None, "server_unreachable", "the connection was refused"),
    ] {
        let port = match stall {
            Some(stall) => stand_in(stall),
            None => {
                let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                free.local_addr().unwrap().port()
            }
        };
        on_port(&nc, port, "");
        let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
        assert_eq!(out.error_id(), id, "{}", out.stdout);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(words), "{message}");
        std::fs::write(nc.config(), &original).unwrap();
    }
    assert_eq!(nc.sums(), before);
}

/// Class 3: the server stalls in the middle of a reset's transaction (after its first
/// DELETE was sent): the time limit or an interruption ends the run, the server rolls
/// the transaction back, and the snapshot written first is removed.
fn a_server_stalling_mid_reset_changes_nothing(engine: Engine) {
    use std::time::Duration;
    let nc = Installation::on(engine);
    let original = std::fs::read_to_string(nc.config()).unwrap();
    let server_port = crate::engines::server_env(engine).unwrap().port;
    let code = nc
        .cmd("bob")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout
        .trim()
        .to_owned();
    let before = nc.sums();
    let snapshots = || {
        let mut found = Vec::new();
        for entry in walk(nc.root()) {
            if entry.to_string_lossy().contains("before-reset") {
                found.push(entry);
            }
        }
        found
    };
    type Variant<'a> = (&'a str, Option<(&'a str, Duration)>, &'a str);
    let variants: Vec<Variant> = vec![
        ("timeout", None, "1"),
        ("INT", Some(("INT", Duration::from_millis(1500))), "30"),
        ("TERM", Some(("TERM", Duration::from_millis(1500))), "30"),
    ];
    for (what, signal, limit) in variants {
        // In clear text, so that the stand-in sees the statements go by.
        let clear = if engine == Engine::Pgsql {
            "'pgsql_ssl' => array('mode' => 'disable'),"
        } else {
            ""
        };
        on_port(
            &nc,
            stand_in(Stall::Midway(server_port, b"DELETE FROM")),
            clear,
        );
        let run = nc
            .cmd("bob")
            .args(["--json", "--server-timeout", limit, "reset", "--code"])
            .arg(&code);
        let (out, took) = timed(run, signal);
        std::fs::write(nc.config(), &original).unwrap();
        let (code_expected, id) = match signal {
            None => (8, "server_timeout"),
            Some(_) => (130, "interrupted"),
        };
        assert_eq!(
            out.code, code_expected,
            "{what}: {}{}",
            out.stdout, out.stderr
        );
        assert_eq!(out.error_id(), id, "{what}");
        assert!(took < Duration::from_secs(10), "{what}: {took:?}");
        // The server notices the closed connection and rolls back.
        let started = std::time::Instant::now();
        while nc.sums() != before && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(nc.sums(), before, "{what}");
        assert_eq!(snapshots(), Vec::<std::path::PathBuf>::new(), "{what}");
    }
    // And the code still works once the server answers.
    nc.cmd("bob")
        .args(["reset", "--code"])
        .arg(&code)
        .run()
        .ok();
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// One `#[test]` per server engine for each test function taking an `Engine`.
macro_rules! on_servers {
    ($($name:ident),* $(,)?) => {
        mod pgsql {
            $(
                #[test]
                #[cfg_attr(not(pgsql_server), ignore = "no PostgreSQL test server (scripts/dbservers.sh)")]
                fn $name() {
                    super::$name(crate::engines::Engine::Pgsql);
                }
            )*
        }
        mod mariadb {
            $(
                #[test]
                #[cfg_attr(not(mysql_server), ignore = "no MariaDB test server (scripts/dbservers.sh)")]
                fn $name() {
                    super::$name(crate::engines::Engine::Mysql);
                }
            )*
        }
    };
}

on_servers!(
    a_server_that_never_answers_is_a_bounded_wait,
    a_server_stalling_mid_reset_changes_nothing,
);

/// Class 6: rows whose `user_id` is a BLOB or text that is not UTF-8 are findings, listed
/// as damaged with the id escaped; every other account is still listed and checked. On
/// the pwaccount file and on Nextcloud (SQLite: the server engines' columns hold only
/// text).
#[test]
fn rows_with_an_unreadable_user_id_are_findings_not_failures() {
    let env = crate::harness::Env::populated(3);
    env.populate("bob", 2, "alice");
    env.exec(
        "UPDATE tags SET user_id = X'00ff' WHERE rowid = (SELECT min(rowid) FROM tags WHERE user_id = 'alice');
         UPDATE sessions SET user_id = CAST(X'ff626f62' AS TEXT) WHERE rowid = (SELECT min(rowid) FROM sessions WHERE user_id = 'bob');",
    );
    let before = env.dump();
    let unreadable = |out: &crate::harness::Outcome| {
        out.json()["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["user"].as_str().unwrap().to_owned(),
                    v.get("damaged").is_some(),
                )
            })
            .collect::<Vec<_>>()
    };
    let out = env.cmd().args(["--json", "accounts"]).run().ok();
    assert_eq!(
        unreadable(&out),
        vec![
            ("alice".to_owned(), false),
            ("bob".to_owned(), false),
            ("\\xffbob".to_owned(), true),
            ("\\x00\\xff".to_owned(), true),
        ],
        "{}",
        out.stdout
    );
    let text = env.cmd().arg("accounts").run().ok();
    assert!(text.stdout.contains("\\x00\\xff"), "{}", text.stdout);
    let out = env.cmd().args(["--json", "check", "--all"]).run().code(8);
    let v = out.json();
    assert_eq!(v["id"], "check_failed", "{v}");
    assert_eq!(v["accounts_checked"], 4, "{v}");
    let findings = v["findings"].as_array().unwrap();
    let odd: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["account"].as_str().unwrap().contains('\\'))
        .collect();
    let accounts: Vec<&str> = odd.iter().map(|f| f["account"].as_str().unwrap()).collect();
    assert_eq!(accounts, ["\\xffbob", "\\x00\\xff"], "{v}");
    for f in odd {
        assert!(
            f["problem"]
                .as_str()
                .unwrap()
                .contains("no account can own them")
        );
        assert!(!f["repair"].as_str().unwrap().contains("reset"), "{f}");
    }
    assert_eq!(env.dump(), before);

    // Nextcloud on SQLite.
    let nc = Installation::on(Engine::Sqlite);
    nc.exec(
        "UPDATE oc_passwords_tag SET user_id = X'00ff' WHERE id = (SELECT min(id) FROM oc_passwords_tag WHERE user_id = 'bob');",
    );
    let sums = nc.sums();
    let out = nc.cmd("bob").args(["--json", "accounts"]).run().ok();
    let listed = unreadable(&out);
    assert!(
        listed.contains(&("bob".to_owned(), false)),
        "{}",
        out.stdout
    );
    assert!(
        listed.contains(&("\\x00\\xff".to_owned(), true)),
        "{}",
        out.stdout
    );
    let out = nc
        .cmd("bob")
        .args(["--json", "check", "--all"])
        .run()
        .code(8);
    assert_eq!(out.json()["id"], "check_failed", "{}", out.stdout);
    assert_eq!(nc.sums(), sums);
}
