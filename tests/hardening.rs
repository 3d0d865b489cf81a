//! The adversarial pass of issue 27, class by class: each test failed on the build before
//! the fix and names the variants it tries.

use std::os::unix::fs::symlink;

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;
use crate::harness::{Run, checksum};

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
    // A host with no route to it (the IPv6 discard prefix), where this machine says so.
    let unroutable = std::net::TcpStream::connect_timeout(
        &"[100::1]:5432".parse().unwrap(),
        Duration::from_secs(2),
    );
    if let Err(e) = unroutable
        && matches!(
            e.kind(),
            std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable
        )
    {
        let host = original
            .lines()
            .find(|l| l.trim_start().starts_with("'dbhost' =>"))
            .unwrap();
        std::fs::write(
            nc.config(),
            original.replace(host, "  'dbhost' => '[100::1]:5432',"),
        )
        .unwrap();
        let out = nc.cmd("bob").args(["--json", "status"]).run().code(8);
        assert_eq!(out.error_id(), "server_unreachable", "{}", out.stdout);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(message.contains("host is unreachable"), "{message}");
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
        for entry in crate::harness::walk(nc.root()) {
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

// One `#[test]` per server engine for each test function taking an `Engine`.
tests_on!(
    pgsql,
    Pgsql,
    test(pgsql),
    a_server_that_never_answers_is_a_bounded_wait,
    a_server_stalling_mid_reset_changes_nothing,
);
tests_on!(
    mariadb,
    Mysql,
    test(mysql),
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

/// Class 3: the php child that evaluates a configuration of code. Something php started
/// that keeps its output open is killed with php's process group (the old build waited
/// for it), and Ctrl-C while php works ends the run at once with 130.
#[test(php)]
fn the_php_child_is_bounded_and_interruptible() {
    use std::time::Duration;
    let nc = Installation::on(Engine::Sqlite);
    let before = nc.sums();
    // Not a literal array (a function call), so php evaluates it; the background sleep
    // inherits php's standard output and outlives php.
    nc.extra_config(
        "zz.config.php",
        "<?php\npclose(popen('sleep 120 &', 'w'));\n$CONFIG = array('loglevel' => intval('2'));\n",
    );
    let (out, took) = timed(nc.cmd("bob").args(["--json", "status"]), None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // php busy: an interruption ends the run now, not when php is done.
    nc.extra_config(
        "zz.config.php",
        "<?php\nsleep(60);\n$CONFIG = array('loglevel' => intval('2'));\n",
    );
    for signal in ["INT", "TERM", "QUIT"] {
        let (out, took) = timed(
            nc.cmd("bob").args(["--json", "reset", "--no-input"]),
            Some((signal, Duration::from_millis(500))),
        );
        assert_eq!(out.code, 130, "SIG{signal}: {}{}", out.stdout, out.stderr);
        assert_eq!(out.error_id(), "interrupted");
        assert!(took < Duration::from_secs(5), "SIG{signal}: {took:?}");
    }
    assert_eq!(nc.sums(), before);
}

/// Class 10: `status` by the installation's owner, who may not create files beside the
/// SQLite database (its folder is root's): read as it is, since no program has it open in
/// WAL mode; with a write-ahead log left by a crash, a refusal that says why. Nothing
/// changes either way.
#[test(root)]
fn a_read_needs_no_write_access_beside_the_database() {
    use std::os::unix::fs::PermissionsExt;
    let nc = Installation::on(Engine::Sqlite);
    let chown = |path: &std::path::Path, who: &str| {
        assert!(
            std::process::Command::new("chown")
                .args(if who == "nobody" {
                    ["-R", who]
                } else {
                    ["-h", who]
                })
                .arg(path)
                .status()
                .unwrap()
                .success()
        );
    };
    chown(nc.root(), "nobody");
    let data = nc.root().join("data");
    chown(&data, "root");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = crate::harness::checksum(&nc.db());
    let as_owner = || {
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
        nc.cmd("bob").args(["--json", "status"]).through(setpriv)
    };
    let out = as_owner();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["counts"]["passwords"], 4, "{}", out.stdout);
    // A write-ahead log left behind, which only a writer can recover.
    let wal = nc.root().join("data/nextcloud.db-wal");
    std::fs::write(&wal, vec![0u8; 4096]).unwrap();
    let out = as_owner();
    assert_eq!(out.code, 8, "{}{}", out.stdout, out.stderr);
    let v = out.json();
    assert_eq!(v["id"], "permission_denied", "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("nextcloud.db-wal (4096 bytes)"),
        "{v}"
    );
    std::fs::remove_file(&wal).unwrap();
    assert_eq!(crate::harness::checksum(&nc.db()), before);
}

/// Class 7: `reset --cancel` withdraws a pending code, changes nothing else, is recorded,
/// and is a no-op with a note when no code is pending; an expired code is a finding whose
/// repair is that, and no repair `check` prints for a problem that loses nothing is a
/// reset. On the pwaccount file and on Nextcloud.
#[test]
fn a_stale_code_is_cancelled_not_reset() {
    let env = crate::harness::Env::populated(3);
    env.cmd().args(["reset", "--no-input"]).run().ok();
    env.exec("UPDATE reset_codes SET expires = unixepoch() - 1");
    let out = env.cmd().args(["--json", "check"]).run().code(8);
    let findings = out.json()["findings"].as_array().unwrap().clone();
    let expired = findings
        .iter()
        .find(|f| f["problem"].as_str().unwrap().contains("expired unused"))
        .unwrap();
    assert_eq!(
        expired["repair"],
        "pwaccount -u alice reset --cancel (withdraws the code, changes nothing else)"
    );
    for f in &findings {
        let repair = f["repair"].as_str().unwrap();
        assert!(
            !repair.starts_with("pwaccount -u alice reset\"")
                && repair != "pwaccount -u alice reset",
            "{f}"
        );
    }
    let without_code_and_trail = |dump: String| -> String {
        dump.lines()
            .filter(|l| !l.starts_with("reset_codes: ") && !l.starts_with("audit: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let data = without_code_and_trail(env.dump_data());
    let v = env
        .cmd()
        .args(["--json", "reset", "--cancel"])
        .run()
        .ok()
        .json();
    assert_eq!(v["cancelled"], true, "{v}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM reset_codes"), 0);
    assert!(
        without_code_and_trail(env.dump_data()) == data,
        "only the code went"
    );
    assert_eq!(
        env.audit_actions().last().unwrap(),
        "alice reset-code cancelled"
    );
    let again = env.cmd().args(["reset", "--cancel"]).run().ok();
    assert!(
        again.stderr.contains("No reset code is pending"),
        "{}",
        again.stderr
    );
    assert_eq!(env.audit_actions().len(), 2, "a no-op writes no record");
    // --cancel with --code is a usage error.
    env.cmd()
        .args(["reset", "--cancel", "--code", "AAAA-AAAA-AAAA-AAAA"])
        .run()
        .code(2);

    let nc = Installation::on(Engine::Sqlite);
    nc.cmd("bob").args(["reset", "--no-input"]).run().ok();
    let v = nc
        .cmd("bob")
        .args(["--json", "reset", "--cancel"])
        .run()
        .ok()
        .json();
    assert_eq!(v["cancelled"], true, "{v}");
    let v = nc.cmd("bob").args(["--json", "status"]).run().ok().json();
    assert_eq!(v["reset_pending"], serde_json::Value::Null, "{v}");
    assert_eq!(
        nc.trail().last().map(String::as_str),
        Some("bob reset-code cancelled")
    );
}

/// Class 10, the file store: a reset needs something to reset (a mistyped id gets no
/// code and leaves no phantom account), a damaged file, a code lifetime with spaces,
/// `backup -`, and a passphrase file that is too long is described, not measured.
#[test]
fn small_refusals_change_nothing() {
    let env = crate::harness::Env::populated(3);
    let before = env.dump();
    let out = env
        .cmd()
        .user("alcie")
        .args(["--json", "reset", "--no-input"])
        .run()
        .code(4);
    assert_eq!(out.error_id(), "nothing_to_reset");
    let v = env.cmd().args(["--json", "accounts"]).run().ok().json();
    assert!(!v.to_string().contains("alcie"), "{v}");
    env.exec("INSERT INTO server_settings (key, value) VALUES ('reset.code_ttl_seconds', ' 5')");
    let out = env
        .cmd()
        .args(["--json", "reset", "--no-input"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "invalid_setting");
    env.exec("DELETE FROM server_settings WHERE key = 'reset.code_ttl_seconds'");
    assert_eq!(env.dump(), before);
    // backup - writes no file named "-".
    let out = env
        .cmd()
        .current_dir(env.dir.path())
        .args(["--json", "backup", "-"])
        .run()
        .code(2);
    assert_eq!(out.error_id(), "usage");
    assert!(!env.dir.path().join("-").exists());
    // A long file given as a passphrase: no length in the message.
    let long = env.file("long.txt", "x".repeat(630));
    let out = env
        .cmd()
        .args(["--json", "challenge", "set", "--passphrase-file"])
        .arg(&long)
        .run()
        .code(7);
    assert_eq!(out.error_id(), "passphrase_length");
    assert!(!out.stdout.contains("630"), "{}", out.stdout);
}

/// Class 10: a reset refuses a file that fails SQLite's check, naming `check`.
#[test]
fn a_reset_refuses_a_damaged_file() {
    let env = crate::harness::Env::populated(50);
    let code = env
        .cmd()
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout
        .trim()
        .to_owned();
    // Damage a page no reset reads: the last leaf of a table of another program's,
    // written last (so at the end of the file), gets an invalid page type.
    env.exec(
        "CREATE TABLE other_program (x BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
         INSERT INTO other_program SELECT randomblob(1000) FROM n;",
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let page: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&env.db).unwrap();
    let last = bytes.len() - page as usize;
    assert_eq!(bytes[last], 0x0d, "the last page is a table leaf");
    bytes[last] = 0x00;
    std::fs::write(&env.db, &bytes).unwrap();
    let before = crate::harness::checksum(&env.db);
    let out = env
        .cmd()
        .args(["--json", "reset", "--code", &code])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "database_corrupt", "{}", out.stdout);
    assert!(out.stdout.contains("pwaccount check"), "{}", out.stdout);
    assert_eq!(crate::harness::checksum(&env.db), before);
}

/// Class 8 and 10 on Nextcloud: a relative datadirectory is read in the installation
/// (whatever the folder pwaccount runs in) and shown absolute; of several apps folders,
/// the copy of the app with the highest version decides a pending upgrade; a non-verified
/// app's note is in the JSON object; a non-UTF-8 path is printed escaped, not replaced.
#[test]
fn nextcloud_paths_and_notes_follow_nextcloud() {
    let nc = Installation::on(Engine::Sqlite);
    let real = nc.root().canonicalize().unwrap();
    let text = std::fs::read_to_string(nc.config()).unwrap();
    let data_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("'datadirectory' =>"))
        .unwrap()
        .to_owned();
    std::fs::write(
        nc.config(),
        text.replace(&data_line, "  'datadirectory' => 'data',"),
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let v = Run::new()
        .user("bob")
        .current_dir(elsewhere.path())
        .arg("--nextcloud")
        .arg(nc.root())
        .args(["--json", "status"])
        .run()
        .ok()
        .json();
    assert_eq!(
        v["database"],
        real.join("data/nextcloud.db").display().to_string(),
        "{v}"
    );
    // Two apps folders: the newer copy (the one Nextcloud runs) is newer than the
    // tables, so a change waits for `occ upgrade`; the first folder alone would not.
    let installed = nc.text(
        "SELECT configvalue FROM oc_appconfig WHERE appid = 'passwords' AND configkey = 'installed_version'",
    );
    for (folder, version) in [("apps", installed.as_str()), ("apps-extra", "2099.1.0")] {
        let info = nc.root().join(folder).join("passwords/appinfo");
        std::fs::create_dir_all(&info).unwrap();
        std::fs::write(
            info.join("info.xml"),
            format!("<info><version>{version}</version></info>"),
        )
        .unwrap();
    }
    nc.extra_config(
        "apps.config.php",
        "<?php\n$CONFIG = array('apps_paths' => array(\n  array('path' => 'apps', 'url' => '/apps', 'writable' => false),\n  array('path' => 'apps-extra', 'url' => '/apps-extra', 'writable' => true),\n));\n",
    );
    let out = nc
        .cmd("bob")
        .args(["--json", "reset", "--no-input"])
        .run()
        .code(8);
    assert_eq!(out.error_id(), "nextcloud_maintenance", "{}", out.stdout);
    assert!(out.stdout.contains("2099.1.0"), "{}", out.stdout);
    std::fs::remove_file(nc.root().join("config/apps.config.php")).unwrap();
    // The note of an unverified app version, in the object.
    nc.exec("UPDATE oc_appconfig SET configvalue = '2024.12.21' WHERE appid = 'passwords' AND configkey = 'installed_version'");
    let out = nc.cmd("bob").args(["--json", "status"]).run().ok();
    let notes = out.json()["notes"].as_array().cloned().unwrap_or_default();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("2024.12.21")),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("2024.12.21"), "{}", out.stderr);
}

/// Class 10: a database path that is not UTF-8 is printed escaped in --json output.
#[test]
fn a_path_that_is_not_utf8_is_printed_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let env = crate::harness::Env::new();
    let db = env
        .dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.sqlite"));
    let v = crate::harness::Run::new()
        .db(&db)
        .user("alice")
        .args(["--json", "status"])
        .run()
        .ok()
        .json();
    let shown = v["database"].as_str().unwrap();
    assert!(shown.ends_with("caf\\xe9.sqlite"), "{shown}");
    assert!(!shown.contains('\u{fffd}'), "{shown}");
}

/// Class 4: a 40 KB `*.config.php` of 20,000 nested arrays: a refusal with the file and
/// the line, as JSON under --json, not a stack overflow; nothing read or changed.
#[test]
fn deeply_nested_configuration_is_refused_with_its_file_and_line() {
    let nc = Installation::on(Engine::Sqlite);
    let before = nc.sums();
    for (open, close) in [("array(", ")"), ("[", "]")] {
        let file = nc.extra_config(
            "deep.config.php",
            format!(
                "<?php\n\n$CONFIG = {}1{};\n",
                open.repeat(20_000),
                close.repeat(20_000)
            ),
        );
        for args in [
            &["--json", "status"][..],
            &["--json", "reset", "--no-input"][..],
        ] {
            let out = nc.cmd("bob").args(args).run().code(8);
            assert_eq!(out.error_id(), "nextcloud_config", "{}", out.stdout);
            let message = out.json()["message"].as_str().unwrap().to_owned();
            assert!(
                message.contains(&file.display().to_string())
                    && message.contains("nested more than 64 deep")
                    && message.contains("(line 3)"),
                "{message}"
            );
        }
        let out = nc.cmd("bob").arg("status").run().code(8);
        assert!(out.stderr.contains("(line 3)"), "{}", out.stderr);
    }
    assert_eq!(nc.sums(), before);
}
