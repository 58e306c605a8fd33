//! Criterion benchmarks: fitting BG/NBD and Gamma-Gamma on lifetimes' CDNOW
//! summary (from the parity fixture) and CLV for 1 M simulated customers.
use criterion::{Criterion, criterion_group, criterion_main};
use shopml_clv::{BetaGeo, ClvParams, CustomerSummary, GammaGamma, Summary, customer_lifetime_value, simulate};
use shopml_core::Fit;
use std::hint::black_box;

fn cdnow() -> Summary {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lifetimes_online_retail.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = &v["cdnow"];
    let col = |k: &str| -> Vec<f64> { c[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    Summary::from_columns(&col("frequency"), &col("recency"), &col("T"), Some(&col("monetary"))).unwrap()
}

fn bench(c: &mut Criterion) {
    let s = cdnow();
    c.bench_function("fit BG/NBD, CDNOW 2,357 customers", |b| b.iter(|| BetaGeo::params().fit(black_box(&s)).unwrap()));
    c.bench_function("fit Gamma-Gamma, CDNOW", |b| b.iter(|| GammaGamma::params().fit(black_box(&s)).unwrap()));
    let truth = BetaGeo::new([0.243, 4.414, 0.793, 2.426]).unwrap();
    let sim = simulate::bg_nbd(&truth, 1_000_000, 39.0, 1);
    let customers: Vec<CustomerSummary> = sim
        .customers
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.monetary = if c.frequency > 0.0 { 20.0 + (i % 17) as f64 } else { 0.0 };
            c
        })
        .collect();
    let big = Summary::new(customers).unwrap();
    let gg = GammaGamma::new([6.25, 3.74, 15.44]).unwrap();
    let p = ClvParams { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let mut g = c.benchmark_group("clv");
    g.sample_size(10);
    g.bench_function("CLV 12 months, 1M customers, 2 threads", |b| {
        b.iter(|| pool.install(|| customer_lifetime_value(&truth, &gg, black_box(&big), &p).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
