//! Issue 30, the part built so far: PgBouncer in front of the test PostgreSQL
//! (`scripts/dbservers.sh`: Debian's 1.18, without `max_prepared_statements`), in
//! transaction and in session pooling. Every flow of the oldest and the newest verified
//! pair runs through it, one command after another (each a new client, so a state left on
//! a pooled server connection would meet the next one), and many clients run at once.

use std::path::Path;

use crate::engines::Engine;
use crate::nextcloud::Installation;

/// PgBouncer's ports: (transaction pooling, session pooling).
fn pgbouncer() -> (u16, u16) {
    let value = std::env::var("PWACCOUNT_TEST_PGBOUNCER").expect("PWACCOUNT_TEST_PGBOUNCER");
    let (tx, session) = value.split_once('|').unwrap();
    (tx.parse().unwrap(), session.parse().unwrap())
}

/// The release pair `name`'s PostgreSQL database (made by the real app), reached through
/// PgBouncer on `port`.
fn behind(port: u16, name: &str) -> (Installation, std::path::PathBuf) {
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

#[test]
#[cfg_attr(
    not(pgbouncer),
    ignore = "no PgBouncer in front of the PostgreSQL test server (scripts/dbservers.sh)"
)]
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

#[test]
#[cfg_attr(
    not(pgbouncer),
    ignore = "no PgBouncer in front of the PostgreSQL test server (scripts/dbservers.sh)"
)]
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

#[test]
fn pgbouncer_runs_in_ci() {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        assert!(
            cfg!(pgbouncer) && std::env::var_os("PWACCOUNT_TEST_PGBOUNCER").is_some(),
            "CI=true but no PgBouncer: .ci/run starts it (scripts/dbservers.sh)"
        );
    }
}
