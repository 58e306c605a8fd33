//! Shared test helpers: fixtures, the labelled benchmark sets, small RNG.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};

use ndarray::Array2;

/// A committed fixture as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// A JSON array of arrays as a matrix.
pub fn matrix(v: &serde_json::Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, d) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, d), rows.into_iter().flatten().collect()).unwrap()
}

/// A JSON array as a vector.
pub fn vector(v: &serde_json::Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).unwrap()
}

/// One labelled set of `$SHOPML_DATA/anomaly`: records and labels (true = anomaly).
pub fn labelled(name: &str) -> (Array2<f64>, Vec<bool>) {
    let p = shopml_core::testdata::data_path(&format!("anomaly/{name}.csv.gz"));
    let f = BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()));
    let mut lines = f.lines();
    let header = lines.next().unwrap().unwrap();
    let d = header.split(',').count() - 1;
    let (mut vals, mut y) = (Vec::new(), Vec::new());
    for l in lines {
        let l = l.unwrap();
        let mut it = l.split(',').map(|v| v.trim().parse::<f64>().unwrap());
        for _ in 0..d {
            vals.push(it.next().unwrap());
        }
        y.push(it.next().unwrap() == 1.0);
    }
    (Array2::from_shape_vec((y.len(), d), vals).unwrap(), y)
}

/// Deterministic standard normals (Box–Muller on SplitMix64), so tests need no RNG crate.
pub struct Gauss(u64);

impl Gauss {
    pub fn new(seed: u64) -> Self {
        Gauss(seed)
    }
    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    pub fn matrix(&mut self, n: usize, d: usize) -> Array2<f64> {
        Array2::from_shape_simple_fn((n, d), || self.normal())
    }
}
