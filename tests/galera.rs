//! Issue 30 on the 3-node Galera cluster of `scripts/dbservers.sh`: the write-set limits
//! read before a reset, what `check` reports of a cluster that breaks Nextcloud's needs,
//! and a node killed or stalled in the middle of a reset of a grown user. These tests
//! change the nodes' global settings and kill nodes, so every Galera test takes the
//! cluster for itself (`exclusive`).

use std::process::Stdio;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;

use crate::engines::ServerEnv;
use crate::faults::{LIVE, Rounds, fault_rounds, judge, live};
use crate::harness::nextcloud::Installation;

/// The cluster for this test alone, across threads and processes (nextest runs each
/// test in a process of its own): a lock on a file in the temporary folder, held until
/// the guard is dropped (a failed test leaves it usable).
pub(crate) fn exclusive() -> Held {
    Held::on("galera")
}

/// An exclusive lock (`flock`) on `pwaccount-tests-<name>.lock` in the temporary folder,
/// released when dropped.
pub(crate) struct Held(#[allow(dead_code)] std::fs::File);

impl Held {
    pub(crate) fn on(name: &str) -> Held {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("pwaccount-tests-{name}.lock"));
        // Made once, writable by all: whoever runs the tests next may lock it too (a
        // shared lock file is only ever read).
        if std::fs::File::create_new(&path).is_ok() {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666));
        }
        let file = std::fs::File::open(&path).unwrap();
        file.lock().unwrap();
        Held(file)
    }
}

/// A superuser connection to node `n`, whose reads wait until the node has applied
/// what the cluster committed before them (`wsrep_sync_wait`).
fn node(n: u16) -> mysql::Conn {
    let env = crate::engines::galera_node(n).unwrap();
    let opts = mysql::OptsBuilder::new()
        .socket(Some(env.socket))
        .user(Some(env.superuser));
    let mut conn = mysql::Conn::new(opts).unwrap();
    conn.query_drop("SET SESSION wsrep_sync_wait = 1").unwrap();
    conn
}

/// A global variable of node `n` set for the guard's life, then put back.
struct Global {
    n: u16,
    name: &'static str,
    was: String,
}

impl Global {
    fn set(n: u16, name: &'static str, value: &str) -> Global {
        let mut c = node(n);
        let was: String = c
            .query_first(format!("SELECT @@global.{name}"))
            .unwrap()
            .unwrap();
        c.query_drop(format!("SET GLOBAL {name} = {value}"))
            .unwrap();
        Global { n, name, was }
    }
}

impl Drop for Global {
    fn drop(&mut self) {
        let _ = node(self.n).query_drop(format!("SET GLOBAL {} = {}", self.name, self.was));
    }
}

/// A copy of the newest pair's database on node `n`.
fn installation(n: u16) -> Installation {
    crate::clusters::on_galera(n, "34-2026.7.0").0
}

/// The `--json` error of a run, as (id, message).
fn failure(out: &crate::harness::Outcome) -> (String, String) {
    let id = out.error_id();
    (id, out.json()["message"].as_str().unwrap().to_owned())
}

/// A reset refused for the node's `wsrep_max_ws_rows` of 3 (for the catalogue's test).
pub(crate) fn too_large_a_reset() -> crate::harness::Outcome {
    let _cluster = exclusive();
    let nc = installation(0);
    let _limit = Global::set(0, "wsrep_max_ws_rows", "3");
    nc.cmd("dave").args(["--json", "reset", "--no-input"]).run()
}

/// A reset that would change more rows, or more bytes, than one transaction of the
/// node may: refused before anything starts, with the figures, whether the code is being
/// issued or used; a change the server itself rejects for its size says so too; with
/// the limits back, the same reset works.
#[test(galera)]
fn resets_beyond_the_write_set_limits_are_refused_up_front() {
    let _cluster = exclusive();
    let nc = installation(0);
    let code = nc
        .cmd("dave")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout;
    let before = nc.sums();
    for (name, value, figure) in [
        (
            "wsrep_max_ws_rows",
            "3",
            "the node's wsrep_max_ws_rows is 3",
        ),
        (
            "wsrep_max_ws_size",
            "1024",
            "the node's wsrep_max_ws_size is 1024",
        ),
    ] {
        let _limit = Global::set(0, name, value);
        for args in [
            vec!["--json", "reset", "--no-input"],
            vec!["--json", "reset", "--no-backup", "--code", code.trim()],
        ] {
            let out = nc.cmd("dave").args(&args).run().code(8);
            let (id, message) = failure(&out);
            assert_eq!(id, "write_set_too_large", "{message}");
            assert!(
                message.starts_with(
                    "the reset of 'dave' does not fit in one transaction of this Galera cluster ("
                ) && message.contains(figure)
                    && message.contains("so nothing was changed"),
                "{message}"
            );
            assert_eq!(nc.sums(), before, "{args:?} under {name} = {value}");
        }
    }
    // A passphrase change is not measured first: the server's own refusal of its size.
    {
        let _limit = Global::set(0, "wsrep_max_ws_rows", "1");
        let out = nc
            .cmd("dave")
            .args(["--json", "challenge", "set", "--passphrase-env", "N"])
            .args(["--old-passphrase-env", "O"])
            .env("N", "a passphrase too large to write")
            .env("O", "dave passphrase for the fixture")
            .run()
            .code(8);
        let (id, message) = failure(&out);
        assert_eq!(id, "write_set_too_large", "{message}");
        assert!(
            message.contains("(wsrep_max_ws_rows exceeded); the server rolled it back"),
            "{message}"
        );
        assert_eq!(nc.sums(), before);
    }
    nc.cmd("dave")
        .args(["--json", "reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
}

/// `check` on a Galera node reports the installation's tables that Galera cannot
/// replicate safely: another engine than InnoDB, or no primary key; a sound copy is sound.
#[test(galera)]
fn check_reports_what_the_cluster_breaks_of_nextclouds_needs() {
    let _cluster = exclusive();
    let nc = installation(0);
    let v = nc.cmd("dave").args(["--json", "check"]).run().ok().json();
    assert_eq!(v["integrity"], "ok", "{v}");
    let server = nc.server().unwrap();
    server.exec(
        "ALTER TABLE oc_passwords_registration MODIFY id BIGINT UNSIGNED NOT NULL, DROP PRIMARY KEY;
         ALTER TABLE oc_passwords_session ENGINE = MyISAM",
    );
    let before = nc.sums();
    let out = nc.cmd("dave").args(["--json", "check"]).run().code(8);
    let v = out.json();
    assert_eq!(v["id"], "check_failed", "{v}");
    assert_eq!(
        v["integrity"],
        serde_json::json!([
            "table oc_passwords_registration has no primary key, which Galera needs to \
             replicate changes to its rows: run `occ db:add-missing-primary-keys`",
            "table oc_passwords_session uses the MyISAM engine, which Galera does not \
             replicate: convert it (ALTER TABLE oc_passwords_session ENGINE = InnoDB)",
        ]),
        "{v}"
    );
    assert_eq!(nc.sums(), before, "check changed the database");
}

/// Dave's live rows in database `db`, as node 0 sees them once it has applied what the
/// cluster committed. Right after a node is killed, the others may refuse or stall a
/// read until they have agreed on the new membership: the read is tried again for up to
/// 60 s, on a new connection.
fn seen(db: &str) -> Vec<(String, u64)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let tried = (|| -> Result<Vec<(String, u64)>, mysql::Error> {
            let env = crate::engines::galera_node(0).unwrap();
            let opts = mysql::OptsBuilder::new()
                .socket(Some(env.socket))
                .user(Some(env.superuser));
            let mut conn = mysql::Conn::new(opts)?;
            conn.query_drop("SET SESSION wsrep_sync_wait = 1")?;
            let mut failed = None;
            let rows = live(&mut |t| match conn.query_first(format!(
                "SELECT count(*) FROM {db}.oc_passwords_{t} WHERE {LIVE}"
            )) {
                Ok(n) => n.unwrap_or(0),
                Err(e) => {
                    failed.get_or_insert(e);
                    0
                }
            });
            failed.map_or(Ok(rows), Err)
        })();
        match tried {
            Ok(rows) => return rows,
            Err(e) => {
                assert!(Instant::now() < deadline, "node 0 does not answer: {e}");
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    }
}

/// A copy on node 2, started again first if a failed test left it down.
fn on_node_2() -> Installation {
    revive(2);
    installation(2)
}

/// Dave's live rows of `nc`'s database, as node 0 sees them.
fn seen_from_node_0(nc: &Installation) -> Vec<(String, u64)> {
    seen(&nc.server().unwrap().name)
}

/// Start node `n` again if it is down and wait until it is synced.
fn revive(n: u16) {
    let env: ServerEnv = crate::engines::galera_node(0).unwrap();
    let root = std::path::Path::new(&env.socket)
        .parent()
        .and_then(std::path::Path::parent)
        .unwrap()
        .to_owned();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/dbservers.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .args(["galera-node", &n.to_string()])
        .env("PWACCOUNT_DBSERVERS", root)
        .env("PWACCOUNT_GALERA_PORT", env.port.to_string())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node {n} did not come back: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The process id of node `n`'s server.
fn pid_of(n: u16) -> u32 {
    let env = crate::engines::galera_node(n).unwrap();
    let file = std::path::Path::new(&env.socket).with_file_name("mariadbd.pid");
    std::fs::read_to_string(file)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Node 2 is killed (SIGKILL) at a random moment of a reset of a user grown to 2,000
/// passwords that pwaccount runs on it. Seen from node 0, the user is either untouched
/// or fully reset, never in between; the run ends in exit 8 with words (or succeeded
/// before the kill landed). A kill during the commit may leave the user reset (the other
/// nodes commit what the cluster certified): then the message says the outcome is
/// unknown, never that nothing changed. The node is started again after each round.
#[test(galera)]
fn a_node_killed_mid_reset_leaves_the_user_untouched_or_reset() {
    let _cluster = exclusive();
    crate::faults::reset_rounds(
        fault_rounds(),
        Rounds {
            fresh: &on_node_2,
            seen: &seen_from_node_0,
            fault: &mut |_, wait| {
                std::thread::sleep(wait);
                crate::harness::signal("KILL", pid_of(2));
            },
            after: &|_, killed| {
                if killed {
                    revive(2);
                }
            },
        },
    );
}

/// Node 2 stops answering (SIGSTOP) in the middle of a reset run on it: the run ends
/// within `--server-timeout` plus the busy timeout with exit 8 and words, and seen from
/// node 0 the user is untouched or reset as `judge` allows. The node is let go again
/// afterwards.
#[test(galera)]
fn a_stalled_node_ends_the_reset_with_nothing_changed() {
    let _cluster = exclusive();
    let nc = on_node_2();
    let (before, code) = crate::faults::grown(&nc, &seen_from_node_0);
    struct Resume(u32);
    impl Drop for Resume {
        fn drop(&mut self) {
            crate::harness::signal("CONT", self.0);
        }
    }
    let pid = pid_of(2);
    let child = nc
        .cmd("dave")
        .args(["--json", "--server-timeout", "2", "--busy-timeout", "1000"])
        .args(["reset", "--no-backup", "--code", code.trim()])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    crate::harness::signal("STOP", pid);
    let resume = Resume(pid);
    let started = Instant::now();
    let out = crate::harness::Outcome::from(child.wait_with_output().unwrap());
    let took = started.elapsed();
    drop(resume);
    // Stopped longer than the cluster's suspect timeout, the node was put out of it: it
    // rejoins by itself once let go.
    revive(2);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    judge(0, &before, &seen_from_node_0(&nc), &out);
}

/// A MariaDB node set `read_only = ON` is refused up front for every change, with the
/// server named and nothing changed; reading works.
#[test(galera)]
fn a_read_only_node_is_refused_up_front() {
    let _cluster = exclusive();
    let nc = installation(0);
    let _read_only = Global::set(0, "read_only", "ON");
    crate::clusters::changes_are_refused(&nc, "dave", "has read_only = ON");
}
