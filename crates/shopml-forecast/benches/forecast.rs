//! Criterion benches: one AutoETS fit on a monthly series.
use criterion::{Criterion, criterion_group, criterion_main};
use shopml_core::{Fit, TimeSeries};
use shopml_forecast::ets::AutoEts;

fn bench(c: &mut Criterion) {
    let y: Vec<f64> = (0..120)
        .map(|t| 500.0 + 3.0 * t as f64 + 40.0 * (t as f64 * std::f64::consts::PI / 6.0).sin() + ((t * 7919) % 23) as f64)
        .collect();
    let s = TimeSeries::new(y, 12).unwrap();
    let mut g = c.benchmark_group("forecast");
    g.sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    g.bench_function("auto_ets_monthly_120", |b| b.iter(|| AutoEts::params().fit(&s).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
