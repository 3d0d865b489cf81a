//! Faults on the database servers under a reset of a grown user, and how they are
//! judged: the user is untouched or fully reset, never in between, and the run's words
//! fit what happened. The Galera node faults are in `galera`; here the PostgreSQL kinds:
//! PgBouncer killed, the primary's session killed, and a paused replica.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::engines::Engine;
use crate::harness::nextcloud::Installation;

/// The condition of a live row in the app's tables, on every engine.
pub(crate) const LIVE: &str = "user_id = 'dave' AND deleted = FALSE";

/// Grow `user` of `nc` by `n` passwords, each with its current revision, as copies of
/// the user's first live password (SQL on the server; uuids made from the number).
fn grow(nc: &Installation, user: &str, n: u32) {
    let server = nc.server().unwrap();
    let pg = server.engine == Engine::Pgsql;
    let schema = if pg { "current_schema()" } else { "DATABASE()" };
    let columns = |table: &str| -> Vec<String> {
        server
            .rows(&format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = \
                 {schema} AND table_name = '{table}' ORDER BY ordinal_position"
            ))
            .into_iter()
            .map(|r| r[0].1.clone().unwrap())
            .filter(|c| c != "id")
            .collect()
    };
    let (numbers, number) = if pg {
        (
            format!("CROSS JOIN generate_series(1, {n}) AS g(seq)"),
            "seq::text",
        )
    } else {
        (format!("JOIN seq_1_to_{n}"), "seq")
    };
    let uuid =
        |kind: &str| format!("CONCAT('00000000-0000-4000-{kind}-', LPAD({number}, 12, '0'))");
    let copy = |table: &str, first: &str, swap: &[(&str, String)]| {
        let cols = columns(table);
        let picked: Vec<String> = cols
            .iter()
            .map(|c| {
                swap.iter()
                    .find(|(name, _)| name == c)
                    .map_or_else(|| format!("t.{c}"), |(_, expr)| expr.clone())
            })
            .collect();
        server.exec(&format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {table} t {numbers} WHERE t.id = ({first})",
            cols.join(", "),
            picked.join(", ")
        ));
    };
    let first = format!(
        "SELECT min(id) FROM oc_passwords_password WHERE user_id = '{user}' AND deleted = FALSE"
    );
    let model: String = server.rows(&format!(
        "SELECT uuid FROM oc_passwords_password WHERE id = ({first})"
    ))[0][0]
        .1
        .clone()
        .unwrap();
    copy(
        "oc_passwords_password",
        &first,
        &[("uuid", uuid("8000")), ("revision", uuid("9000"))],
    );
    copy(
        "oc_passwords_password_rv",
        &format!(
            "SELECT min(id) FROM oc_passwords_password_rv WHERE user_id = '{user}' AND model = '{model}'"
        ),
        &[("uuid", uuid("9000")), ("model", uuid("8000"))],
    );
}

/// The user's live rows per table of the app: `count(table)` counts them in
/// `oc_passwords_<table>` (`LIVE` is the condition).
pub(crate) fn live(count: &mut dyn FnMut(&str) -> u64) -> Vec<(String, u64)> {
    [
        "password",
        "password_rv",
        "folder",
        "folder_rv",
        "tag",
        "tag_rv",
        "pw_tag_rel",
        "challenge",
        "keychain",
    ]
    .iter()
    .map(|t| (t.to_string(), count(t)))
    .collect()
}

/// Where a fault left a reset of a grown user: untouched, or fully reset.
#[derive(Debug, PartialEq)]
pub(crate) enum Left {
    Untouched,
    Reset,
}

/// Where a fault left the user (`now`, against `before`), after asserting that it is
/// one of the two, and that the run's words fit: exit 0 only when reset; exit 8 with a
/// catalogue id (a fault while connecting is `server_unreachable`) and no Rust text; and, when the user was reset although the run failed
/// (cut during the commit: the other nodes commit what the cluster certified), a message
/// that says the outcome is unknown, never that nothing changed.
pub(crate) fn judge(
    round: usize,
    before: &[(String, u64)],
    now: &[(String, u64)],
    out: &crate::harness::Outcome,
) -> Left {
    let left = if now == before {
        Left::Untouched
    } else {
        // The base folder stays; everything else of the user is flagged deleted.
        assert!(
            now.iter().all(|(table, n)| *n == 0 || table == "folder"),
            "round {round}: neither untouched nor reset: {now:?} (before {before:?})"
        );
        Left::Reset
    };
    match (out.code, &left) {
        (0, Left::Reset) => {}
        (0, Left::Untouched) => panic!("round {round}: exit 0 but nothing reset"),
        (_, left) => {
            assert_clean_failure(
                out,
                &["connection_lost", "server_timeout", "server_unreachable"],
            );
            let message = out.json()["message"].as_str().unwrap().to_owned();
            if *left == Left::Reset {
                assert!(
                    message.contains("so whether it was committed is unknown"),
                    "round {round}: reset, but the message says {message}"
                );
            }
            eprintln!("round {round}: {message}");
        }
    }
    left
}

/// How many rounds the fault tests run: `PWACCOUNT_FAULT_ROUNDS`, else 3 (the figure of
/// 20 per cluster kind is `scripts/cluster-faults.sh`'s).
pub(crate) fn fault_rounds() -> usize {
    std::env::var("PWACCOUNT_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// What a run cut by a fault may say: exit 8 with a catalogue id and words, never Rust's
/// debug text.
pub(crate) fn assert_clean_failure(out: &crate::harness::Outcome, ids: &[&str]) {
    assert_eq!(out.code, 8, "{}{}", out.stdout, out.stderr);
    let id = out.error_id();
    assert!(ids.contains(&id.as_str()), "{id}: {}", out.stdout);
    for text in [&out.stdout, &out.stderr] {
        for debug in ["IoError {", "Os {", "kind:", "Error {", "panicked"] {
            assert!(!text.contains(debug), "Rust text in: {text}");
        }
    }
}

/// The replica is paused by one test and read by another: one at a time (across
/// processes, as `galera::exclusive`).
pub(crate) fn replica_alone() -> crate::galera::Held {
    crate::galera::Held::on("replica")
}

/// A PgBouncer of this test's own (transaction pooling, in front of the test
/// PostgreSQL, as `scripts/dbservers.sh` configures its own), to be killed.
struct Bouncer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Bouncer {
    fn start() -> Bouncer {
        let pg_port = crate::engines::server_env(Engine::Pgsql).unwrap().port;
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let users = dir.path().join("users.txt");
        std::fs::write(
            &users,
            format!(
                "\"nextcloud\" \"{}\"\n",
                crate::clusters::nextcloud_password()
            ),
        )
        .unwrap();
        let ini = dir.path().join("bouncer.ini");
        std::fs::write(
            &ini,
            format!(
                "[databases]\n* = host=127.0.0.1 port={pg_port}\n\n[pgbouncer]\n\
                 listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = scram-sha-256\nauth_file = {}\npool_mode = transaction\n\
                 default_pool_size = 4\nlogfile = {}\n\
                 ignore_startup_parameters = extra_float_digits,options\n",
                users.display(),
                dir.path().join("bouncer.log").display()
            ),
        )
        .unwrap();
        // PgBouncer refuses to run as root: as root, it runs as nobody.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut command = if crate::harness::own_uid() == 0 {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
            c.arg("/usr/sbin/pgbouncer");
            c
        } else {
            Command::new("/usr/sbin/pgbouncer")
        };
        let child = command
            .arg(&ini)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "PgBouncer did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Bouncer {
            child,
            port,
            _dir: dir,
        }
    }

    fn kill(&mut self) {
        crate::harness::signal("KILL", self.child.id());
        let _ = self.child.wait();
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Wait until no session of the server still works on database `db` (a session whose
/// client went away finishes its statement or commit first; PgBouncer's pooled sessions
/// stay, idle), so that what is judged is what stays.
fn settled(nc: &Installation) {
    let db = &nc.server().unwrap().name;
    let deadline = Instant::now() + Duration::from_secs(30);
    while nc.count(&format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid() \
         AND state IS DISTINCT FROM 'idle'"
    )) > 0
    {
        assert!(Instant::now() < deadline, "sessions on {db} linger");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Dave's live rows as the PostgreSQL server has them.
fn seen(nc: &Installation) -> Vec<(String, u64)> {
    live(&mut |t| {
        nc.count(&format!(
            "SELECT count(*) FROM oc_passwords_{t} WHERE {LIVE}"
        )) as u64
    })
}

/// How a cluster kind's fault rounds run: a fresh copy, dave's live rows as seen from
/// where the fault cannot reach, the fault itself (given how long to wait before it), and
/// what must happen after a round before it is judged (`true`: a fault came).
pub(crate) struct Rounds<'a> {
    pub(crate) fresh: &'a dyn Fn() -> Installation,
    pub(crate) seen: &'a dyn Fn(&Installation) -> Vec<(String, u64)>,
    pub(crate) fault: &'a mut dyn FnMut(&Installation, Duration),
    pub(crate) after: &'a dyn Fn(&Installation, bool),
}

/// Dave grown to 2,003 passwords on `nc`, his live rows as `seen` sees them, and a reset
/// code issued.
pub(crate) fn grown(
    nc: &Installation,
    seen: &dyn Fn(&Installation) -> Vec<(String, u64)>,
) -> (Vec<(String, u64)>, String) {
    grow(nc, "dave", 2000);
    let before = seen(nc);
    let code = nc
        .cmd("dave")
        .args(["reset", "--no-input"])
        .run()
        .ok()
        .stdout;
    (before, code)
}

/// A first round that measures a whole reset, then `rounds` rounds with a fault: a reset
/// of dave grown to 2,003 passwords on a fresh copy, with the fault at a random moment of
/// it; each round judged. Returns the tally.
pub(crate) fn reset_rounds(rounds: usize, kind: Rounds<'_>) -> Vec<(i32, Left)> {
    let Rounds {
        fresh,
        seen,
        fault,
        after,
    } = kind;
    let mut full = Duration::from_millis(500);
    let mut tally = Vec::new();
    // Under load a fault can come too late in every round: up to 10 more rounds then,
    // until one lands before the commit.
    let landed = |tally: &[(i32, Left)]| tally.iter().skip(1).any(|(code, _)| *code == 8);
    let mut round = 0;
    while round <= rounds || (rounds > 0 && !landed(&tally) && round <= rounds + 10) {
        let nc = fresh();
        let (before, code) = grown(&nc, seen);
        let child = nc
            .cmd("dave")
            .args(["--json", "reset", "--no-backup", "--code", code.trim()])
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        if round > 0 {
            use rand::Rng;
            fault(&nc, full.mul_f64(rand::thread_rng().gen_range(0.05..1.0)));
        }
        let out = crate::harness::Outcome::from(child.wait_with_output().unwrap());
        if round == 0 {
            full = started.elapsed();
        }
        after(&nc, round > 0);
        let left = judge(round, &before, &seen(&nc), &out);
        tally.push((out.code, left));
        round += 1;
    }
    eprintln!("a whole reset took {full:?}; rounds (exit, left): {tally:?}");
    if rounds > 0 {
        assert!(
            landed(&tally),
            "no fault landed before the reset ended: {tally:?}"
        );
    }
    tally
}

/// PgBouncer (transaction pooling) is killed at a random moment of a reset that runs
/// through it: the user is untouched or reset, the words fit (`judge`).
#[test(pgbouncer)]
fn pgbouncer_killed_mid_reset() {
    let bouncer = std::cell::RefCell::new(Bouncer::start());
    reset_rounds(
        fault_rounds(),
        Rounds {
            fresh: &|| crate::clusters::behind(bouncer.borrow().port, "34-2026.7.0").0,
            seen: &seen,
            fault: &mut |_, wait| {
                std::thread::sleep(wait);
                let mut old = bouncer.replace(Bouncer::start());
                old.kill();
            },
            after: &|nc, _| settled(nc),
        },
    );
}

/// The primary ends pwaccount's session (`pg_terminate_backend`, as a server restart
/// or failover would) at a random moment of a reset: the user is untouched or reset,
/// the words fit (`judge`).
#[test(pgsql)]
fn the_primary_ends_the_session_mid_reset() {
    reset_rounds(
        fault_rounds(),
        Rounds {
            fresh: &|| {
                Installation::from_fixture_in(Engine::Pgsql, &pair("pgsql"), "nc_rel_34_2026_7_0")
            },
            seen: &seen,
            fault: &mut |nc, wait| {
                std::thread::sleep(wait);
                let db = &nc.server().unwrap().name;
                nc.server().unwrap().exec(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' \
                     AND application_name = 'pwaccount'"
                ));
            },
            after: &|nc, _| settled(nc),
        },
    );
}

/// The newest pair's fixture folder.
fn pair_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/nextcloud/releases/34-2026.7.0")
}

/// Its folder for `engine`.
fn pair(engine: &str) -> std::path::PathBuf {
    pair_dir().join(engine)
}

/// The processes whose parent is `parent` (from /proc).
fn children(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: the name may hold spaces, so read after the ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent) {
            found.push(pid);
        }
    }
    found
}

/// The replica stops (SIGSTOP: its postmaster and every process of it) while the
/// configuration lists it in `dbreplica`: pwaccount never waits on it, so every flow on
/// the primary works as usual, and `status` names the replica.
#[test(pg_replica)]
fn a_paused_replica_holds_nothing_up() {
    let _replica = replica_alone();
    let port: u16 = std::env::var("PWACCOUNT_TEST_PG_REPLICA")
        .unwrap()
        .parse()
        .unwrap();
    let nc = Installation::from_fixture_in(Engine::Pgsql, &pair("pgsql"), "nc_rel_34_2026_7_0");
    crate::clusters::list_replica(
        &nc,
        &format!("127.0.0.1:{port}"),
        "nextcloud",
        &crate::clusters::nextcloud_password(),
    );
    // The replica's processes: its postmaster (postmaster.pid in its data folder,
    // beside the primary's socket folder) and the postmaster's children.
    let root = std::path::Path::new(&crate::engines::server_env(Engine::Pgsql).unwrap().socket)
        .parent()
        .unwrap()
        .to_owned();
    let postmaster: u32 = std::fs::read_to_string(root.join("pgreplica/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let pids = move |signal: &str| {
        for pid in std::iter::once(postmaster).chain(children(postmaster)) {
            crate::harness::signal(signal, pid);
        }
    };
    struct Resume<'a>(&'a dyn Fn(&str));
    impl Drop for Resume<'_> {
        fn drop(&mut self) {
            (self.0)("CONT");
        }
    }
    pids("STOP");
    let _resume = Resume(&pids);
    let started = Instant::now();
    let out = nc.cmd("dave").args(["--json", "status"]).run().ok();
    assert_eq!(out.json()["nextcloud"]["replicas"], 1, "{}", out.stdout);
    crate::nextcloud_releases::serves_every_flow(&nc, &pair_dir());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "took {took:?}");
}
