//! Speed benchmark on a synthetic CSR matrix written by
//! `benches/peers/recommend_synth.py` (driven by `benches/peers/recommend_speed.py`).
//!
//! `cargo run --release -p shopml-recommend --example recommend_speed -- DIR [als|bpr|rec] [iterations] [factors]`
//!
//! Prints `key=value` lines: seconds per ALS / BPR iteration, seconds for a
//! top-10 batch over 10,000 users, and peak resident memory.

use std::time::Instant;

use shopml_core::{Csr, Fit, Interactions};
use shopml_recommend::{AlsSolver, Bpr, ImplicitAls, Request, recommend_batch};

/// Reads a little-endian array file, converting 1 MiB at a time (so the
/// raw bytes and the array are never both in memory: peak memory is part of
/// the comparison).
fn read<T: Copy>(path: &str, conv: fn([u8; 8], usize) -> T, width: usize) -> Vec<T> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    let len = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
    let mut out = Vec::with_capacity(len / width);
    let mut buf = vec![0u8; (1 << 20) / width * width];
    let mut fill = 0;
    loop {
        let got = f.read(&mut buf[fill..]).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        fill += got;
        let whole = fill / width * width;
        for c in buf[..whole].chunks_exact(width) {
            let mut b = [0u8; 8];
            b[..width].copy_from_slice(c);
            out.push(conv(b, width));
        }
        buf.copy_within(whole..fill, 0);
        fill -= whole;
        if got == 0 {
            break;
        }
    }
    out
}

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("usage: recommend_speed DIR [als|bpr|rec] [iterations] [factors]");
    let what = args.get(2).map(String::as_str).unwrap_or("als");
    let iters: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let factors: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(64);
    let shape = std::fs::read_to_string(format!("{dir}/shape.txt")).expect("shape.txt");
    let dims: Vec<usize> = shape.split_whitespace().map(|s| s.parse().expect("number")).collect();
    let indptr: Vec<usize> = read(&format!("{dir}/indptr.u64"), |b, _| u64::from_le_bytes(b) as usize, 8);
    let indices: Vec<u32> = read(&format!("{dir}/indices.u32"), |b, _| u32::from_le_bytes([b[0], b[1], b[2], b[3]]), 4);
    let values: Vec<f32> = read(&format!("{dir}/values.f32"), |b, _| f32::from_le_bytes([b[0], b[1], b[2], b[3]]), 4);
    let data = Interactions::from_user_items(Csr::from_parts(dims[0], dims[1], indptr, indices, values).expect("valid CSR"));
    println!("shape={}x{} nnz={} threads={}", data.n_users(), data.n_items(), data.nnz(), rayon::current_num_threads());
    let als =
        ImplicitAls::params().n_factors(factors).iterations(iters).regularization(0.01).solver(AlsSolver::ConjugateGradient { steps: 3 });
    match what {
        "als" => {
            let t = Instant::now();
            let m = als.fit(&data).expect("ALS fit");
            let s = t.elapsed().as_secs_f64();
            println!("als_s_per_iter={:.4}", s / iters as f64);
            std::hint::black_box(m);
        }
        "bpr" => {
            let t = Instant::now();
            let blocks = std::env::var("BPR_BLOCKS").ok().and_then(|v| v.parse().ok()).unwrap_or(Bpr::params().n_blocks);
            let m = Bpr::params().n_factors(factors).iterations(iters).n_blocks(blocks).fit(&data).expect("BPR fit");
            let s = t.elapsed().as_secs_f64();
            println!("bpr_s_per_iter={:.4}", s / iters as f64);
            std::hint::black_box(m);
        }
        "rec" => {
            let m = als.iterations(1).fit(&data).expect("ALS fit");
            let users: Vec<usize> = (0..10_000.min(data.n_users())).collect();
            let t = Instant::now();
            let recs = recommend_batch(&m, Some(&data), &users, &Request::top(10)).expect("recommend");
            println!("rec_s_10k_users={:.4}", t.elapsed().as_secs_f64());
            std::hint::black_box(recs);
        }
        other => panic!("unknown mode {other}"),
    }
    println!("peak_rss_mb={:.0}", peak_rss_mb());
}
