//! Builds the real-data design matrices exactly as `benches/peers/linear_fixtures.py` does.
#![allow(dead_code)]

use std::io::Read;

use ndarray::{Array1, Array2};

pub const NUMERIC: [&str; 10] = [
    "Administrative",
    "Administrative_Duration",
    "Informational",
    "Informational_Duration",
    "ProductRelated",
    "ProductRelated_Duration",
    "BounceRates",
    "ExitRates",
    "PageValues",
    "SpecialDay",
];
pub const CATEGORICAL: [&str; 7] = ["Month", "OperatingSystems", "Browser", "Region", "TrafficType", "VisitorType", "Weekend"];

pub fn read_gz(path: &std::path::Path) -> String {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut s = String::new();
    flate2::read::GzDecoder::new(f).read_to_string(&mut s).unwrap();
    s
}

pub fn fixture(name: &str) -> serde_json::Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

pub fn vec_f64(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

pub struct Shoppers {
    pub x: Array2<f64>,
    pub y: Array1<f64>,
    pub names: Vec<String>,
    pub visitor: Vec<String>,
}

/// The committed online-shoppers CSV (UCI, CC BY 4.0) as the fixtures' design matrix.
pub fn shoppers() -> Shoppers {
    let text = read_gz(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/online_shoppers_intention.csv.gz"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> =
        lines.map(|l| l.split(',').collect::<Vec<_>>()).filter(|r| NUMERIC.iter().all(|c| !r[col(c)].is_empty())).collect();
    let n = rows.len();
    let mut cols: Vec<Vec<f64>> = Vec::new();
    let mut names = Vec::new();
    for c in NUMERIC {
        let v: Vec<f64> = rows.iter().map(|r| r[col(c)].parse::<f64>().unwrap()).collect();
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = (v.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / n as f64).sqrt();
        cols.push(v.iter().map(|a| (a - mean) / sd).collect());
        names.push(c.to_string());
    }
    for c in CATEGORICAL {
        let mut cats: Vec<&str> = rows.iter().map(|r| r[col(c)]).collect();
        cats.sort();
        cats.dedup();
        for cat in &cats[1..] {
            cols.push(rows.iter().map(|r| f64::from(u8::from(r[col(c)] == *cat))).collect());
            names.push(format!("{c}_{cat}"));
        }
    }
    let x = Array2::from_shape_fn((n, cols.len()), |(i, j)| cols[j][i]);
    let y = rows.iter().map(|r| f64::from(u8::from(r[col("Revenue")] == "TRUE"))).collect();
    let visitor = rows.iter().map(|r| r[col("VisitorType")].to_string()).collect();
    Shoppers { x, y, names, visitor }
}

/// Largest |a − b| relative to the largest |b| (the "1e-6 relative" of the parity claims).
pub fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max) / scale
}
