//! Issue 30, the parts built so far. PgBouncer in front of the test PostgreSQL
//! (`scripts/dbservers.sh`: Debian's 1.18, without `max_prepared_statements`), in
//! transaction and in session pooling: every flow of the oldest and the newest verified
//! pair runs through it, one command after another (each a new client, so a state left on
//! a pooled server connection would meet the next one), and many clients run at once.
//! A hot standby streaming from it, and a database set read-only: reading works, every
//! change is refused up front with nothing changed.

use std::path::Path;

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;

const BOB: &str = "bob-passphrase-0123456789";

/// PgBouncer's ports: (transaction pooling, session pooling).
pub(crate) fn pgbouncer() -> (u16, u16) {
    let value = std::env::var("PWACCOUNT_TEST_PGBOUNCER").expect("PWACCOUNT_TEST_PGBOUNCER");
    let (tx, session) = value.split_once('|').unwrap();
    (tx.parse().unwrap(), session.parse().unwrap())
}

/// The release pair `name`'s PostgreSQL database (made by the real app), reached through
/// PgBouncer on `port`.
pub(crate) fn behind(port: u16, name: &str) -> (Installation, std::path::PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/nextcloud/releases")
        .join(name);
    let template = format!(
        "nc_rel_{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let nc = Installation::from_fixture_in(Engine::Pgsql, &fixture.join("pgsql"), &template);
    nc.set_dbhost(&format!("127.0.0.1:{port}"));
    (nc, fixture)
}

#[test(pgbouncer)]
fn every_flow_works_behind_pgbouncer_in_both_pooling_modes() {
    let (tx, session) = pgbouncer();
    for port in [tx, session] {
        for name in ["28-2024.12.1", "34-2026.7.0"] {
            let (nc, fixture) = behind(port, name);
            // `status` names the proxy as the server it reached.
            let out = nc.cmd("dave").args(["--json", "status"]).run().ok();
            assert_eq!(
                out.json()["nextcloud"]["port"],
                serde_json::json!(port),
                "{}",
                out.stdout
            );
            crate::nextcloud_releases::serves_every_flow(&nc, &fixture);
        }
    }
}

#[test(pgbouncer)]
fn many_clients_at_once_behind_pgbouncer() {
    let (tx, _) = pgbouncer();
    let (nc, _) = behind(tx, "34-2026.7.0");
    let before = nc.sums();
    // 6 clients at once, 4 commands each, on a pool of 4 server connections.
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..6)
            .map(|i| {
                let nc = &nc;
                scope.spawn(move || {
                    let user = if i % 2 == 0 { "dave" } else { "erin" };
                    for _ in 0..4 {
                        nc.cmd(user).args(["--json", "status"]).run().ok();
                        nc.cmd(user).args(["--json", "check"]).run().ok();
                    }
                })
            })
            .collect();
        for run in runs {
            run.join().unwrap();
        }
    });
    assert_eq!(nc.sums(), before, "reading changed the database");
    // Then changes, one client after another.
    for user in ["dave", "erin"] {
        let code = nc.cmd(user).args(["reset", "--no-input"]).run().ok().stdout;
        nc.cmd(user)
            .args(["--json", "reset", "--no-backup", "--code", code.trim()])
            .run()
            .ok();
    }
    assert_eq!(
        nc.trail()
            .iter()
            .filter(|l| l.ends_with("reset deleted"))
            .count(),
        2
    );
}

/// Every change of `user` refused on `nc` with `database_read_only` and `why` in the
/// message, nothing changed; reading works.
pub(crate) fn changes_are_refused(nc: &Installation, user: &str, why: &str) {
    let before = nc.sums();
    nc.cmd(user).args(["--json", "status"]).run().ok();
    let runs = [
        nc.cmd(user).args(["--json", "reset", "--no-input"]),
        nc.cmd(user)
            .args(["--json", "challenge", "set", "--passphrase-env", "N"])
            .env("N", "a passphrase never set"),
        nc.cmd(user)
            .args(["--json", "rekey", "--yes", "--old-secret-env", "O"])
            .env("O", "an old secret"),
    ];
    for run in runs {
        let out = run.run().code(8);
        assert_eq!(out.error_id(), "database_read_only", "{}", out.stdout);
        let message = out.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(why) && message.ends_with("nothing was changed"),
            "{message}"
        );
    }
    assert_eq!(nc.sums(), before);
}

#[test(pg_replica)]
fn a_replica_named_as_dbhost_is_read_and_never_written() {
    let _replica = crate::faults::replica_alone();
    let port: u16 = std::env::var("PWACCOUNT_TEST_PG_REPLICA")
        .unwrap()
        .parse()
        .unwrap();
    let nc = Installation::on(Engine::Pgsql);
    let name = nc.server().unwrap().name.clone();
    // The database the test made on the primary reaches the standby moments later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = postgres::Config::new()
            .host("127.0.0.1")
            .port(port)
            .user("nextcloud")
            .password(nextcloud_password())
            .dbname(&name)
            .connect(postgres::NoTls)
            .is_ok_and(|mut c| {
                c.query_one("SELECT count(*) FROM oc_passwords_challenge", &[])
                    .is_ok()
            });
        if found {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the replica did not receive {name}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    nc.set_dbhost(&format!("127.0.0.1:{port}"));
    changes_are_refused(&nc, "bob", "is a standby in recovery (a read-only replica)");
}

#[test(pgsql)]
fn a_read_only_database_is_refused_up_front() {
    let nc = Installation::on(Engine::Pgsql);
    let name = nc.server().unwrap().name.clone();
    nc.server().unwrap().exec(&format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    ));
    changes_are_refused(&nc, "bob", "has default_transaction_read_only = on");
}

/// Add a replica at `host` to the configuration's `dbreplica`.
pub(crate) fn list_replica(nc: &Installation, host: &str, user: &str, password: &str) {
    let text = std::fs::read_to_string(nc.config()).unwrap();
    let end = text.rfind(");").unwrap();
    std::fs::write(
        nc.config(),
        format!(
            "{}  'dbreplica' => [['host' => '{host}', 'user' => '{user}', 'password' => '{password}']],\n{}",
            &text[..end],
            &text[end..]
        ),
    )
    .unwrap();
}

/// Replicas listed in `dbreplica` are named by `status` and never used: here the one
/// listed does not even exist, and reading and changing work on `dbhost`.
#[test(pgsql)]
fn replicas_in_dbreplica_are_named_and_never_used() {
    let nc = Installation::on(Engine::Pgsql);
    list_replica(&nc, "127.0.0.1:1", "nobody", "x");
    let out = nc.cmd("bob").args(["--json", "status"]).run().ok();
    assert_eq!(out.json()["nextcloud"]["replicas"], 1, "{}", out.stdout);
    let out = nc.cmd("bob").arg("status").run().ok();
    assert!(
        out.stdout.lines().any(|l| l
            == "replicas    1 in dbreplica, which Nextcloud reads from; pwaccount reads and \
                writes dbhost only, so a command sees its own changes"),
        "{}",
        out.stdout
    );
    let code = nc
        .cmd("bob")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout;
    nc.cmd("bob")
        .args(["--json", "reset", "--no-backup", "--code", code.trim()])
        .run()
        .ok();
    assert_eq!(nc.trail(), ["bob reset-code issued", "bob reset deleted"]);
}

/// The release pair `name`'s MariaDB database (made by the real app), copied on node
/// `node` of the test Galera cluster and reached there.
pub(crate) fn on_galera(node: u16, name: &str) -> (Installation, std::path::PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/nextcloud/releases")
        .join(name);
    let template = format!(
        "nc_rel_{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let nc = Installation::from_fixture_on(
        Engine::Mysql,
        &fixture.join("mysql"),
        &template,
        crate::engines::galera_node(node),
    );
    (nc, fixture)
}

/// Every flow of the oldest and the newest pair on a node of a 3-node Galera cluster.
#[test(galera)]
fn every_flow_works_on_galera() {
    let _cluster = crate::galera::exclusive();
    for name in ["28-2024.12.1", "34-2026.7.0"] {
        let (nc, fixture) = on_galera(1, name);
        crate::nextcloud_releases::serves_every_flow(&nc, &fixture);
    }
}

/// A steady stream of writes to the user's rows from another node (five a second; the
/// issue asks for at least one) while pwaccount changes the passphrase on node 1,
/// ten times back and forth. Every run either succeeds (certification failures are
/// retried, and the record says how many attempts it took) or, when 5 attempts were not
/// enough, ends with `database_busy` and changes nothing: the passphrase that works is
/// the last one a successful run set.
#[test(galera)]
fn conflicting_writes_from_another_node_are_retried() {
    use mysql::prelude::Queryable;
    use std::sync::atomic::{AtomicBool, Ordering};
    const DAVE: &str = "dave passphrase for the fixture";
    const OTHER: &str = "another passphrase for dave";
    /// Stops the writer however the test thread leaves the scope (a failed assertion
    /// included), so that the scope's join never waits on a writer that runs on.
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let _cluster = crate::galera::exclusive();
    let (nc, _) = on_galera(1, "34-2026.7.0");
    let db = nc.server().unwrap().name.clone();
    let node2 = crate::engines::galera_node(2).unwrap();
    let stop = AtomicBool::new(false);
    let (writes, outcomes, current) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let opts = mysql::OptsBuilder::new()
                .socket(Some(node2.socket.clone()))
                .user(Some(node2.superuser.clone()))
                .db_name(Some(db.clone()));
            let mut conn = mysql::Conn::new(opts).unwrap();
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                // Conflicts of its own are expected: it goes on.
                let _ = conn.query_drop(
                    "UPDATE oc_passwords_challenge SET updated = updated + 1 WHERE user_id = 'dave'",
                );
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            n
        });
        let _stop = StopOnDrop(&stop);
        let mut current = DAVE;
        let mut outcomes = Vec::new();
        for _ in 0..10 {
            let next = if current == DAVE { OTHER } else { DAVE };
            let out = nc
                .cmd("dave")
                .args([
                    "--json",
                    "challenge",
                    "set",
                    "--passphrase-env",
                    "N",
                    "--old-passphrase-env",
                    "O",
                ])
                .env("N", next)
                .env("O", current)
                .run();
            if out.code == 0 {
                current = next;
            } else {
                assert_eq!(out.code, 8, "{}", out.stdout);
                assert_eq!(out.error_id(), "database_busy", "{}", out.stdout);
            }
            outcomes.push(out.code);
        }
        drop(_stop);
        (writer.join().unwrap(), outcomes, current)
    });
    assert!(writes > 3, "the other node wrote {writes} times");
    nc.cmd("dave")
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", current)
        .run()
        .ok();
    let sets: Vec<u64> = attempts(&nc)
        .into_iter()
        .filter(|(what, _)| what == "dave challenge-set")
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        sets.len(),
        outcomes.iter().filter(|&&c| c == 0).count(),
        "one record per change that happened"
    );
    assert!(sets.iter().all(|&n| (1..=5).contains(&n)), "{sets:?}");
    eprintln!(
        "outcomes {outcomes:?}; attempts of the changes that happened: {sets:?}; {writes} \
         writes from node 2"
    );
}

/// The `attempts` of each audit record, oldest first (1 where the record has none).
fn attempts(nc: &Installation) -> Vec<(String, u64)> {
    nc.rows("SELECT user_id, action, details FROM oc_pwaccount_audit ORDER BY id")
        .into_iter()
        .map(|r| {
            let details: serde_json::Value = serde_json::from_str(&r[2]).unwrap();
            (
                format!("{} {}", r[0], r[1]),
                details["attempts"].as_u64().unwrap_or(1),
            )
        })
        .collect()
}

/// A transaction the server aborts as a conflict with another writer (a deadlock, a
/// serialization or Galera certification failure) is run again from its start, at most 5
/// times within the busy timeout, and its audit record says how many attempts it took.
/// The conflicts are made by the debug builds' `PWACCOUNT_TEST_CONFLICTS=N` (the first N
/// commits fail as the server's conflict would), on every engine.
fn conflicts_are_retried_and_recorded(engine: Engine) {
    let nc = Installation::on(engine);
    let conflicts =
        |n: u32| move |run: crate::harness::Run| run.env("PWACCOUNT_TEST_CONFLICTS", n.to_string());
    // A passphrase change: the Argon2 derivations happen once, the transaction three times.
    conflicts(2)(
        nc.cmd("bob")
            .args([
                "--json",
                "challenge",
                "set",
                "--passphrase-env",
                "N",
                "--old-passphrase-env",
                "O",
            ])
            .env("N", "a new passphrase for bob")
            .env("O", BOB),
    )
    .run()
    .ok();
    nc.cmd("bob")
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "a new passphrase for bob")
        .run()
        .ok();
    // A reset: the code, then the reset with its snapshot (the failed attempt's is gone).
    let code = conflicts(1)(nc.cmd("bob").args(["reset", "--no-input"]))
        .run()
        .ok()
        .stdout;
    let out = conflicts(3)(
        nc.cmd("bob")
            .args(["--json", "reset", "--code", code.trim()]),
    )
    .run()
    .ok();
    let snapshot = out.json()["backup"].as_str().unwrap().to_owned();
    assert!(Path::new(&snapshot).is_file());
    assert_eq!(
        std::fs::read_dir(Path::new(&snapshot).parent().unwrap())
            .unwrap()
            .count(),
        1,
        "one snapshot, of the attempt that committed"
    );
    // The restore of that snapshot.
    conflicts(1)(
        nc.cmd("bob")
            .args(["--json", "restore", "--yes", "--replace", &snapshot]),
    )
    .run()
    .ok();
    nc.cmd("bob")
        .args(["challenge", "verify", "--passphrase-env", "P"])
        .env("P", "a new passphrase for bob")
        .run()
        .ok();
    assert_eq!(
        attempts(&nc),
        [
            ("bob challenge-set".to_owned(), 3),
            ("bob reset-code".to_owned(), 2),
            ("bob reset".to_owned(), 4),
            ("bob restore".to_owned(), 2),
        ]
    );
    // Past 5 attempts, or with no time to retry in: the conflict is the answer, and
    // nothing was changed.
    let before = nc.sums();
    for (n, extra) in [(5, None), (1, Some("0"))] {
        let mut run = nc.cmd("bob");
        if let Some(ms) = extra {
            run = run.args(["--busy-timeout", ms]);
        }
        let out = conflicts(n)(run.args(["--json", "reset", "--no-input"]))
            .run()
            .code(8);
        assert_eq!(out.error_id(), "database_busy");
        assert_eq!(nc.sums(), before);
    }
}

/// The password of the fixture's database user, as the test servers have it.
pub(crate) fn nextcloud_password() -> String {
    let config = std::fs::read_to_string(Engine::Pgsql.fixture().join("config.php")).unwrap();
    let line = config
        .lines()
        .find(|l| l.trim_start().starts_with("'dbpassword' =>"))
        .unwrap();
    line.split('\'').nth(3).unwrap().to_owned()
}

mod retries {
    #[test]
    fn sqlite() {
        super::conflicts_are_retried_and_recorded(crate::engines::Engine::Sqlite)
    }
    #[test(pgsql)]
    fn pgsql() {
        super::conflicts_are_retried_and_recorded(crate::engines::Engine::Pgsql)
    }
    #[test(mysql)]
    fn mariadb() {
        super::conflicts_are_retried_and_recorded(crate::engines::Engine::Mysql)
    }
}
