//! The shopml side of `benches/peers/segment_kmeans.py`.
//!
//! ```text
//! segment_kmeans rfm <rfm.csv> [seeds]              # k = 2..10, n_init = 10 (seeds 0..seeds): inertia, silhouette, seconds
//! segment_kmeans lloyd <x.bin> <init.bin> <n> <d> <k> <iters> <f64|f32> <lloyd|hamerly> <repeats>
//! segment_kmeans minibatch <x.bin> <n> <d> <k> <batch> <seed> [epochs]   # epochs: fixed budget, no early stopping
//! segment_kmeans peak                               # GFLOP/s of a large f64 and f32 GEMM (ndarray/matrixmultiply)
//! ```
//!
//! Binary inputs are raw little-endian f64 row-major arrays (numpy `tofile`).
//! Output: one whitespace-separated line per result.

use std::time::Instant;

use ndarray::{Array2, ArrayView2};
use shopml_core::Fit;
use shopml_segment::{Algorithm, Init, KMeans, MiniBatchKMeans, RfmScaler, quality};

fn read_f64(path: &str, rows: usize, cols: usize) -> Array2<f64> {
    let bytes = std::fs::read(path).expect("read binary input");
    assert_eq!(bytes.len(), rows * cols * 8, "{path}: wrong size");
    let v: Vec<f64> = bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    Array2::from_shape_vec((rows, cols), v).unwrap()
}

fn read_rfm(path: &str) -> Array2<f64> {
    let text = std::fs::read_to_string(path).expect("read rfm csv");
    let rows: Vec<Vec<f64>> = text.lines().skip(1).map(|l| l.split(',').skip(1).map(|v| v.parse().unwrap()).collect()).collect();
    Array2::from_shape_fn((rows.len(), 3), |(i, j)| rows[i][j])
}

fn gflops(n: usize, d: usize, k: usize, iters: usize, secs: f64) -> f64 {
    // The distance GEMM (2 n d k per assignment) dominates; the final
    // labelling pass after non-strict convergence is one more assignment.
    2.0 * (n * d * k) as f64 * iters as f64 / secs / 1e9
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("rfm") => {
            let x = read_rfm(&args[2]);
            let scaler = RfmScaler::params(true).fit(&x).unwrap();
            let z = shopml_core::Transform::transform(&scaler, &x).unwrap();
            // Optional third argument: the number of seeds (0..seeds); one line per (k, seed).
            let seeds: u64 = args.get(3).map_or(1, |s| s.parse().unwrap());
            for k in 2..=10 {
                for seed in 0..seeds {
                    let t = Instant::now();
                    let fit = KMeans::params(k).n_init(10).seed(seed).fit_detailed(&z, None).unwrap();
                    let secs = t.elapsed().as_secs_f64();
                    let sil = quality::silhouette(z.view(), fit.labels.as_slice().unwrap()).unwrap();
                    println!("{k} {:.10} {:.10} {secs:.4}", fit.model.inertia(), sil);
                }
            }
        }
        Some("lloyd") => {
            let (n, d, k, iters): (usize, usize, usize, usize) =
                (args[4].parse().unwrap(), args[5].parse().unwrap(), args[6].parse().unwrap(), args[7].parse().unwrap());
            let x = read_f64(&args[2], n, d);
            let init = read_f64(&args[3], k, d);
            let algo = if args[9] == "hamerly" { Algorithm::Hamerly } else { Algorithm::Lloyd };
            let repeats: usize = args[10].parse().unwrap();
            let p = KMeans::params(k).init(Init::Given(init)).max_iter(iters).tol(0.0).algorithm(algo);
            let x32 = x.mapv(|v| v as f32);
            let mut best = f64::INFINITY;
            let (mut inertia, mut n_iter) = (0.0, 0);
            for _ in 0..repeats {
                let t = Instant::now();
                let (i, it) = if args[8] == "f32" {
                    let m = p.fit(&x32).unwrap();
                    (m.inertia(), m.n_iter())
                } else {
                    let m = p.fit(&x).unwrap();
                    (m.inertia(), m.n_iter())
                };
                best = best.min(t.elapsed().as_secs_f64());
                (inertia, n_iter) = (i, it);
            }
            let assign_passes = n_iter + usize::from(n_iter == iters);
            println!("{best:.4} {n_iter} {inertia:.6} {:.2}", gflops(n, d, k, assign_passes, best));
        }
        Some("minibatch") => {
            let (n, d, k, batch, seed): (usize, usize, usize, usize, u64) = (
                args[3].parse().unwrap(),
                args[4].parse().unwrap(),
                args[5].parse().unwrap(),
                args[6].parse().unwrap(),
                args[7].parse().unwrap(),
            );
            let x = read_f64(&args[2], n, d);
            let t = Instant::now();
            // Optional: a fixed budget of `epochs` passes' worth of steps, without early stopping.
            let mut p = MiniBatchKMeans::params(k).batch_size(batch).seed(seed);
            if let Some(epochs) = args.get(8) {
                p = p.max_iter(epochs.parse().unwrap()).max_no_improvement(None);
            }
            let m = p.fit(&x).unwrap();
            let inertia = m.score_inertia(&x, None).unwrap();
            println!("{:.4} {} {inertia:.6}", t.elapsed().as_secs_f64(), m.n_steps());
        }
        Some("peak") => {
            let m = 1024;
            let a = Array2::from_shape_fn((m, m), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1);
            let mut rates = Vec::new();
            for f32mode in [false, true] {
                let mut best = f64::INFINITY;
                for _ in 0..3 {
                    let t = Instant::now();
                    if f32mode {
                        let a32 = a.mapv(|v| v as f32);
                        let t2 = Instant::now();
                        std::hint::black_box(a32.dot(&a32));
                        best = best.min(t2.elapsed().as_secs_f64());
                    } else {
                        std::hint::black_box(gemm(a.view()));
                        best = best.min(t.elapsed().as_secs_f64());
                    }
                }
                rates.push(2.0 * (m * m * m) as f64 / best / 1e9);
            }
            println!("{:.2} {:.2}", rates[0], rates[1]);
        }
        _ => eprintln!("usage: see the doc comment of examples/segment_kmeans.rs"),
    }
}

fn gemm(a: ArrayView2<'_, f64>) -> Array2<f64> {
    a.dot(&a)
}
