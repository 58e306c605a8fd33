//! Shared helpers for the integration tests (not a test target of its own).
#![allow(dead_code)]

use ndarray::Array2;

/// The committed Online Retail RFM fixture: (customer ids, n × 3 recency/frequency/monetary).
pub fn rfm_fixture() -> (Vec<String>, Array2<f64>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/online_retail_rfm.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut ids = Vec::new();
    let mut vals = Vec::new();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        ids.push(f.next().unwrap().to_string());
        vals.extend(f.map(|v| v.parse::<f64>().unwrap()));
    }
    let n = ids.len();
    (ids, Array2::from_shape_vec((n, 3), vals).unwrap())
}

/// scikit-learn's results on that fixture.
pub fn sklearn_results() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sklearn_rfm_kmeans.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
