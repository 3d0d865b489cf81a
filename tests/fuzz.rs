//! Damaged snapshots: random corruption of a real snapshot never makes `inspect` panic,
//! and whatever it accepts restores cleanly or fails cleanly.

use proptest::prelude::*;
use pwaccount::formats::snapshot;

use crate::harness::Env;

/// One good snapshot, made once and shared by every case.
fn good_snapshot() -> &'static (Env, Vec<u8>) {
    static GOOD: std::sync::OnceLock<(Env, Vec<u8>)> = std::sync::OnceLock::new();
    GOOD.get_or_init(|| {
        let env = Env::populated(20);
        let path = env.path("good.sqlite");
        env.cmd().arg("backup").arg(&path).run().ok();
        let bytes = std::fs::read(&path).unwrap();
        (env, bytes)
    })
}

/// 64 cases in the normal test run; `PROPTEST_CASES` (scripts/fuzz.sh) asks for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn corrupted_snapshots_are_refused_or_intact(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let (env, good) = good_snapshot();
        let mut bytes = good.clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        let path = env.file("damaged.sqlite", &bytes);
        match snapshot::inspect(&path) {
            Ok(info) => {
                // Only changes to unused space can pass: the rows are intact.
                prop_assert_eq!(info.user.as_str(), "alice");
                prop_assert_eq!(info.counts.passwords, 20);
            }
            Err(e) => prop_assert!([2, 8].contains(&e.exit_code()), "{}", e.message),
        }
    }
}
