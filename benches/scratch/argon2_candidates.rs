//! The Argon2 candidates of issue 31, side by side in one process: libsodium's
//! `crypto_pwhash` (through `libsodium-sys-stable`, which builds libsodium's own source),
//! RustCrypto's `argon2` with the work area on transparent huge pages (what pwaccount used
//! before), and `argon2-rust` (what it uses now). PWDv1r1's cost (Argon2id v1.3, 2 passes,
//! 64 MiB, 1 lane, 32 bytes), the same inputs for all three, interleaved rounds, the
//! minimum of each; the tags must be identical. Run by `benches/argon2-candidates.sh`.
#![allow(unsafe_code, clippy::unwrap_used)]
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(16);
    let pwd = [7u8; 64];
    let salt = [9u8; 16];
    // SAFETY: sodium_init has no preconditions; it may be called more than once.
    assert!(unsafe { libsodium_sys::sodium_init() } >= 0);
    let mut best = [f64::MAX; 3];
    let mut tags = [[0u8; 32]; 3];
    for _ in 0..rounds {
        let start = Instant::now();
        // SAFETY: every pointer is to a live buffer of the length passed with it.
        let rc = unsafe {
            libsodium_sys::crypto_pwhash(
                tags[0].as_mut_ptr(),
                32,
                pwd.as_ptr().cast(),
                pwd.len() as u64,
                salt.as_ptr(),
                2,
                64 << 20,
                libsodium_sys::crypto_pwhash_ALG_ARGON2ID13 as i32,
            )
        };
        assert_eq!(rc, 0);
        best[0] = best[0].min(start.elapsed().as_secs_f64());

        let start = Instant::now();
        let params = argon2::Params::new(65_536, 2, 1, Some(32)).unwrap();
        let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut map = memmap2::MmapOptions::new()
            .len(64 << 20)
            .map_anon()
            .unwrap();
        let _ = map.advise(memmap2::Advice::HugePage);
        // SAFETY: the mapping is page-aligned, zero-filled and 64 MiB long: 65,536 blocks.
        let blocks = unsafe {
            std::slice::from_raw_parts_mut(map.as_mut_ptr().cast::<argon2::Block>(), 65_536)
        };
        a.hash_password_into_with_memory(&pwd, &salt, &mut tags[1], blocks)
            .unwrap();
        best[1] = best[1].min(start.elapsed().as_secs_f64());

        let start = Instant::now();
        let p = argon2_rust::Params::builder()
            .memory(argon2_rust::params::Memory::kib(65_536))
            .passes(2)
            .lanes(1)
            .build()
            .unwrap();
        argon2_rust::Argon2::new(
            argon2_rust::Algorithm::Argon2id,
            argon2_rust::Version::V0x13,
            p,
        )
        .hash_into(&pwd, &salt, &mut tags[2])
        .unwrap();
        best[2] = best[2].min(start.elapsed().as_secs_f64());
    }
    assert_eq!(tags[0], tags[1], "argon2 disagrees with libsodium");
    assert_eq!(tags[0], tags[2], "argon2-rust disagrees with libsodium");
    println!("| implementation | minimum of {rounds} | vs libsodium |");
    println!("| --- | --- | --- |");
    for (name, t) in [
        ("libsodium crypto_pwhash (libsodium-sys-stable)", best[0]),
        ("argon2 0.5 (RustCrypto), huge-page work area", best[1]),
        ("argon2-rust 1.1", best[2]),
    ] {
        println!("| {name} | {:.1} ms | {:.2} |", t * 1e3, t / best[0]);
    }
    println!("argon2-rust backend: {:?}", argon2_rust::detected_backend());
}
