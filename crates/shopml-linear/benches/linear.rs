//! Criterion benches of the hot paths on small synthetic problems (quick settings).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use shopml_core::{Dataset, Fit};
use shopml_linear::{Lasso, LinearRegressionParams, LogisticRegression, LogisticSolver, OlsSolver, RidgeParams, enet_path};

fn data(n: usize, p: usize) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut s: u64 = 7;
    let mut u = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let x = Array2::from_shape_fn((n, p), |_| u());
    let beta = Array1::from_shape_fn(p, |j| (j % 5) as f64 - 2.0);
    let y = x.dot(&beta) + Array1::from_shape_fn(n, |_| u());
    let yb = y.mapv(|v| f64::from(u8::from(v > 0.0)));
    (x, y, yb)
}

fn benches(c: &mut Criterion) {
    let (x, y, yb) = data(50_000, 30);
    let d = Dataset::new(x.view(), y.view());
    let mut g = c.benchmark_group("linear_50k_x_30");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    g.bench_function("ols_normal_equations", |b| {
        b.iter(|| LinearRegressionParams::default().solver(OlsSolver::NormalEquations).compute_inference(false).fit(&d).unwrap())
    });
    g.bench_function("ols_qr", |b| {
        b.iter(|| LinearRegressionParams::default().solver(OlsSolver::Qr).compute_inference(false).fit(&d).unwrap())
    });
    g.bench_function("ridge", |b| b.iter(|| RidgeParams::default().alpha(1.0).fit(&d).unwrap()));
    g.bench_function("lasso_path_100", |b| b.iter(|| enet_path(&d, &Lasso::params(), None, 100, 1e-3).unwrap()));
    let ld = Dataset::new(x.view(), yb.view());
    g.bench_function("logistic_lbfgs", |b| b.iter(|| LogisticRegression::params().solver(LogisticSolver::Lbfgs).fit(&ld).unwrap()));
    g.bench_function("logistic_newton", |b| b.iter(|| LogisticRegression::params().solver(LogisticSolver::Newton).fit(&ld).unwrap()));
    g.finish();
}

criterion_group!(linear, benches);
criterion_main!(linear);
