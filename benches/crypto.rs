//! Criterion benchmarks of the hot paths, for profiling: the PWDv1r1 derivation (Argon2
//! dominates) and sealing/opening the account key. The ratios against libsodium and
//! sqlite3 come from benches/compare.sh, not from here.
// A program of its own, outside the layers clippy.toml guards.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]
#![allow(clippy::expect_used)] // a benchmark has no one to report an error to

use criterion::{Criterion, criterion_group, criterion_main};
use pwaccount::formats::pwdv1::{Salts, derive};
use pwaccount::formats::seal::{self, KEY_WRAP_INFO};

fn derivation(c: &mut Criterion) {
    let salts = Salts::generate().expect("random salts");
    let mut group = c.benchmark_group("pwdv1");
    group.sample_size(20);
    group.bench_function("derive", |b| {
        b.iter(|| derive("correct horse battery staple", &salts).expect("derive"))
    });
    group.finish();
}

fn sealing(c: &mut Criterion) {
    let secret = [7u8; 32];
    let key = [9u8; 32];
    let aad = seal::bound_to("alice", "6f1c7a52-5b0e-4a8e-9d43-2f1f0b8c4e11");
    let sealed = seal::seal(&secret, KEY_WRAP_INFO, &aad, &key).expect("seal");
    c.bench_function("seal account key", |b| {
        b.iter(|| seal::seal(&secret, KEY_WRAP_INFO, &aad, &key).expect("seal"))
    });
    c.bench_function("open account key", |b| {
        b.iter(|| seal::open(&secret, KEY_WRAP_INFO, &aad, &sealed).expect("open"))
    });
}

criterion_group!(benches, derivation, sealing);
criterion_main!(benches);
