//! Throughput of the hot paths: pseudonymising an id, masking a description,
//! drawing exact discrete noise.

use criterion::{Criterion, criterion_group, criterion_main};
use shopml_privacy::dp::{DpReport, Noise};
use shopml_privacy::{Budget, DpRng, Key, Pseudonymiser, PseudonymiserParams, mask_text};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let ids = Pseudonymiser::new(Key::from_bytes(vec![7u8; 32]).unwrap(), PseudonymiserParams::default()).unwrap();
    let customers: Vec<String> = (12346..13346).map(|i| i.to_string()).collect();
    c.bench_function("pseudonymise 1000 ids", |b| {
        b.iter(|| customers.iter().map(|id| ids.pseudonymise(black_box(id)).len()).sum::<usize>())
    });
    let descriptions = [
        "WHITE HANGING HEART T-LIGHT HOLDER",
        "SET 10 CARDS 12 DAYS OF XMAS 17059",
        "PACK OF 72 RETROSPOT CAKE CASES",
        "customer wrote: call 020 7946 0958 or jo@example.com",
    ];
    c.bench_function("mask 1000 descriptions", |b| {
        b.iter(|| (0..1000).map(|i| mask_text(black_box(descriptions[i % 4])).1.total()).sum::<u64>())
    });
    for (name, noise) in [
        ("discrete Laplace ε=1, 1000 draws", Noise::Laplace { epsilon: 1.0 }),
        ("discrete Gaussian ε=1 δ=1e-6, 1000 draws", Noise::Gaussian { epsilon: 1.0, delta: 1e-6 }),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut r = DpReport::new(Budget::new(1.0, 1e-6).unwrap(), DpRng::seeded(1));
                r.histogram("h", &[0; 1000], noise).unwrap().len()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
