//! Speed probe used by `benches/peers/linear_speed.py`: generates a synthetic
//! problem, writes it for the Python peer, times the shopml fit and prints one
//! JSON line with the seconds and the solution.
//!
//! `cargo run --release -p shopml-linear --example linear_speed -- <ols|ridge|logit|lasso_path> <n> <p> <dir>`

use std::io::Write;
use std::time::Instant;

use ndarray::{Array1, Array2};
use shopml_core::{Dataset, Fit};
use shopml_linear::{Lasso, LinearRegressionParams, LogisticRegression, LogisticSolver, OlsSolver, RidgeParams, enet_path};

fn write_f64(path: &std::path::Path, v: &[f64]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for x in v {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let task = args.get(1).map(String::as_str).unwrap_or("ols");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let p: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = std::path::PathBuf::from(args.get(4).cloned().unwrap_or_else(|| "/tmp".into()));
    // Deterministic data: a 64-bit LCG; features are sums of two uniforms (triangular), mildly correlated.
    let mut s: u64 = 0x5EED;
    let mut u = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut x = Array2::<f64>::zeros((n, p));
    for i in 0..n {
        let common = u() - 0.5;
        for j in 0..p {
            x[[i, j]] = u() + u() - 1.0 + 0.3 * common + 0.01 * j as f64;
        }
    }
    let beta = Array1::from_shape_fn(p, |j| if j % 3 == 0 { 0.0 } else { ((j % 7) as f64 - 3.0) * 0.5 });
    let lin = x.dot(&beta);
    let y: Array1<f64> = match task {
        "logit" | "logit_lbfgs" => Array1::from_shape_fn(n, |i| {
            let pr = 1.0 / (1.0 + (-(lin[i] + 0.2)).exp());
            f64::from(u8::from(u() < pr))
        }),
        _ => Array1::from_shape_fn(n, |i| lin[i] + 1.0 + (u() - 0.5) * 2.0),
    };
    write_f64(&dir.join("X.bin"), x.as_slice().unwrap());
    write_f64(&dir.join("y.bin"), y.as_slice().unwrap());
    let threads = rayon::current_num_threads();
    let t0 = Instant::now();
    let (coef, intercept, extra): (Vec<f64>, f64, String) = match task {
        "ols" => {
            let m = LinearRegressionParams::default()
                .solver(OlsSolver::Auto)
                .compute_inference(false)
                .fit(&Dataset::new(x.view(), y.view()))
                .unwrap();
            (m.coefficients().to_vec(), m.intercept(), String::new())
        }
        "ols_inference" => {
            let m = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
            (m.coefficients().to_vec(), m.intercept(), String::new())
        }
        "ridge" => {
            let m = RidgeParams::default().alpha(1.0).fit(&Dataset::new(x.view(), y.view())).unwrap();
            (m.coefficients().to_vec(), m.intercept(), String::new())
        }
        "logit" | "logit_lbfgs" => {
            let solver = if task == "logit" { LogisticSolver::Auto } else { LogisticSolver::Lbfgs };
            let m = LogisticRegression::params().c(1.0).tol(1e-4).solver(solver).fit(&Dataset::new(x.view(), y.view())).unwrap();
            (
                m.coefficients().row(0).to_vec(),
                m.intercepts()[0],
                format!(", \"n_iter\": {}, \"objective\": {:.17e}", m.n_iter(), m.objective()),
            )
        }
        "lasso_path" => {
            let path = enet_path(&Dataset::new(x.view(), y.view()), &Lasso::params(), None, 100, 1e-3).unwrap();
            let last = path.models.last().unwrap();
            (last.coefficients().to_vec(), last.intercept(), format!(", \"n_alphas\": {}", path.alphas.len()))
        }
        other => panic!("unknown task {other}"),
    };
    let secs = t0.elapsed().as_secs_f64();
    let coef_s: Vec<String> = coef.iter().map(|v| format!("{v:.17e}")).collect();
    println!(
        "{{\"task\": \"{task}\", \"n\": {n}, \"p\": {p}, \"threads\": {threads}, \"seconds\": {secs:.6}, \"intercept\": {intercept:.17e}, \"coef\": [{}]{extra}}}",
        coef_s.join(", ")
    );
}
