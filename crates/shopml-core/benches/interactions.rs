//! Building `Interactions` from 10 million triples (issue: under 2 s on one core),
//! its transpose, and top-N selection.
//!
//! `cargo bench -p shopml-core --bench interactions`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng, rngs::StdRng};
use shopml_core::{Duplicates, Interactions, Triple, top_n};

/// Power-law-ish triples: users and items drawn as ⌊n·u³⌋ so that a few are very active.
fn triples(n: usize, n_users: u32, n_items: u32, seed: u64) -> Vec<Triple> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let u: f64 = rng.random();
            let i: f64 = rng.random();
            Triple { user: ((u * u * u) * n_users as f64) as u32, item: ((i * i * i) * n_items as f64) as u32, value: 1.0 }
        })
        .collect()
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("interactions");
    g.sample_size(10);
    for &n in &[1_000_000usize, 10_000_000] {
        let t = triples(n, 200_000, 50_000, 7);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("from_triples_sum", n), &t, |b, t| {
            b.iter(|| Interactions::from_triples(200_000, 50_000, t, Duplicates::Sum).unwrap())
        });
        let m = Interactions::from_triples(200_000, 50_000, &t, Duplicates::Sum).unwrap();
        g.bench_with_input(BenchmarkId::new("transpose", n), &m, |b, m| b.iter(|| m.item_users()));
    }
    g.finish();
}

fn select(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let scores: Vec<f32> = (0..50_000).map(|_| rng.random()).collect();
    c.bench_function("top_n/50k_items_n10", |b| b.iter(|| top_n(&scores, 10)));
}

criterion_group!(benches, build, select);
criterion_main!(benches);
