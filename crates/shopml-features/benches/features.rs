//! Criterion benches on a synthetic order log (no data files needed):
//! RFM, the customer feature table, an interaction matrix and a scaler.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use rand::{Rng, SeedableRng, rngs::StdRng};
use shopml_clean::Transaction;
use shopml_core::{Fit, Timestamp, Transform};
use shopml_features::preprocessing::StandardScalerParams;
use shopml_features::{CustomerFeaturesParams, InteractionParams, InteractionValue, RfmParams, Weighting};

/// 100k lines: 2,000 customers, 3,000 products, 20k orders over a year, 2% returns.
fn synthetic() -> Vec<Transaction> {
    let mut rng = StdRng::seed_from_u64(1);
    let start = Timestamp::from_date(2011, 1, 1).unwrap();
    let mut out = Vec::with_capacity(100_000);
    for order in 0..20_000u32 {
        let customer = format!("{}", 10_000 + rng.random_range(0..2_000));
        let t = Timestamp(start.0 + rng.random_range(0..365 * 86_400));
        let is_return = rng.random_bool(0.02);
        for _ in 0..5 {
            let qty = rng.random_range(1..12) as f64;
            out.push(Transaction {
                invoice: if is_return { format!("C{order}") } else { order.to_string() },
                product: format!("P{}", rng.random_range(0..3_000)),
                description: None,
                quantity: if is_return { -qty } else { qty },
                timestamp: t,
                unit_price: rng.random_range(0.5..20.0),
                customer: Some(customer.clone()),
                country: None,
                category: None,
                attributes: Default::default(),
                line: out.len() as u64 + 2,
            });
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let lines = synthetic();
    let mut g = c.benchmark_group("features_100k_lines");
    g.sample_size(10).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(300));
    g.bench_function("rfm", |b| b.iter(|| RfmParams::new().compute(black_box(&lines)).unwrap()));
    g.bench_function("customer_features", |b| b.iter(|| CustomerFeaturesParams::new().compute(black_box(&lines), None).unwrap()));
    let p = InteractionParams::new()
        .value(InteractionValue::DistinctOrders)
        .half_life_days(30.0)
        .weighting(Weighting::Bm25 { k1: 100.0, b: 0.8 });
    g.bench_function("interactions_bm25_decay", |b| b.iter(|| p.from_transactions(black_box(&lines)).unwrap()));
    let x = Array2::from_shape_fn((100_000, 10), |(i, j)| ((i * 31 + j * 7) % 101) as f64);
    g.bench_function("standard_scaler_100k_x_10", |b| {
        b.iter(|| {
            let m = StandardScalerParams::new().fit(black_box(&x)).unwrap();
            m.transform(&x).unwrap()
        })
    });
    g.finish();
}

criterion_group!(features, benches);
criterion_main!(features);
