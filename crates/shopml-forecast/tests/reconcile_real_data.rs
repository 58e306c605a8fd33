//! Reconciliation parity with hierarchicalforecast on visnights (strict
//! region → state → total) and prison (state × gender × legal, crossed).
//! Fixture: `benches/peers/run forecast_hierarchy_fixture`. The data (GPL-3)
//! are read in place through `SHOPML_DATA`; both sides compute the same
//! seasonal-median base forecasts, so only the reconciliation differs.

use std::collections::HashMap;
use std::io::Read;

use ndarray::Array2;
use shopml_core::testdata::data_path;
use shopml_forecast::reconcile::{Hierarchy, Method, ReconcileParams, reconcile};

const M: usize = 4;

fn read_columns(file: &str) -> Vec<(String, Vec<f64>)> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(data_path(&format!("high_frequency/{file}"))).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').skip(1).map(|s| s.trim_matches('"').to_string()).collect();
    let mut cols = vec![Vec::new(); header.len()];
    for line in lines {
        for (c, v) in line.split(',').skip(1).enumerate() {
            cols[c].push(v.parse::<f64>().unwrap());
        }
    }
    header.into_iter().zip(cols).collect()
}

fn median3(a: f64, b: f64, c: f64) -> f64 {
    let mut v = [a, b, c];
    v.sort_by(|x, y| x.partial_cmp(y).unwrap());
    v[1]
}

/// Seasonal-median forecasts and in-sample residuals from t = 3M (the fixture's rule).
fn base(y: &[f64], h: usize) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    let fc = (1..=h)
        .map(|step| {
            let t = n - 1 + step;
            let past: Vec<f64> = (1..50).filter(|k| k * M <= t && t - k * M < n).map(|k| y[t - k * M]).take(3).collect();
            median3(past[0], past[1], past[2])
        })
        .collect();
    let res = (3 * M..n).map(|t| y[t] - median3(y[t - M], y[t - 2 * M], y[t - 3 * M])).collect();
    (fc, res)
}

fn check(h: &Hierarchy, bottom: &[Vec<f64>], fixture: &serde_json::Value, methods: &[(&str, Method)]) {
    let t = bottom[0].len();
    let b = Array2::from_shape_fn((bottom.len(), t), |(i, j)| bottom[i][j]);
    let all = h.aggregate(b.view()).unwrap();
    let horizon = fixture["horizon"].as_u64().unwrap() as usize;
    let n = h.n_series();
    let mut fc = Array2::zeros((n, horizon));
    let mut res = Array2::zeros((n, t - 3 * M));
    for i in 0..n {
        let (f, r) = base(all.row(i).as_slice().unwrap(), horizon);
        fc.row_mut(i).assign(&ndarray::Array1::from(f));
        res.row_mut(i).assign(&ndarray::Array1::from(r));
    }
    let names: HashMap<&str, usize> =
        fixture["names"].as_array().unwrap().iter().enumerate().map(|(i, v)| (v.as_str().unwrap(), i)).collect();
    assert_eq!(names.len(), n, "series count");
    // The base forecasts themselves agree (same rule on both sides).
    for (i, name) in h.names().iter().enumerate() {
        let row = &fixture["base"][names[name.as_str()]];
        for s in 0..horizon {
            assert!((row[s].as_f64().unwrap() - fc[[i, s]]).abs() < 1e-9, "base {name} step {s}");
        }
    }
    for (key, method) in methods {
        let ours = reconcile(h, fc.view(), Some(res.view()), &ReconcileParams::new(*method)).unwrap();
        let theirs = &fixture["reconciled"][*key];
        let mut worst = 0.0f64;
        for (i, name) in h.names().iter().enumerate() {
            let row = &theirs[names[name.as_str()]];
            for s in 0..horizon {
                let want = row[s].as_f64().unwrap();
                worst = worst.max((ours[[i, s]] - want).abs() / want.abs().max(1.0));
            }
        }
        assert!(worst < 1e-6, "{key}: relative difference {worst:e}");
        // Coherent: every aggregate equals the sum of its bottom series.
        let bottom_part = ours.slice(ndarray::s![n - h.n_bottom().., ..]).to_owned();
        let re = h.aggregate(bottom_part.view()).unwrap();
        assert!((&re - &ours).iter().all(|e| e.abs() < 1e-9), "{key} not coherent");
    }
}

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/hierarchicalforecast_reconcile.json")).unwrap()
}

#[test]
#[ignore = "needs SHOPML_DATA (GPL-3 data read in place)"]
fn visnights_matches_hierarchicalforecast() {
    let cols = read_columns("visnights.csv.gz");
    let paths: Vec<Vec<String>> = cols.iter().map(|(r, _)| vec![r[..3].to_string(), r.clone()]).collect();
    let h = Hierarchy::from_paths(&paths).unwrap();
    let bottom: Vec<Vec<f64>> = cols.into_iter().map(|(_, v)| v).collect();
    let methods = [
        ("BottomUp", Method::BottomUp),
        ("MinTrace_method-ols", Method::Ols),
        ("MinTrace_method-wls_struct", Method::WlsStruct),
        ("MinTrace_method-wls_var", Method::WlsVar),
        ("MinTrace_method-mint_shrink", Method::MinTShrink),
        ("TopDown_method-forecast_proportions", Method::TopDownForecastProportions),
    ];
    check(&h, &bottom, &fixture()["visnights"], &methods);
}

#[test]
#[ignore = "needs SHOPML_DATA (GPL-3 data read in place)"]
fn prison_matches_hierarchicalforecast() {
    let cols = read_columns("prison.csv.gz");
    let keys: Vec<Vec<String>> =
        cols.iter().map(|(c, _)| vec![c[..3].trim().to_string(), c[3..4].to_string(), c[4..].trim().to_string()]).collect();
    let groupings = vec![vec![], vec![0], vec![1], vec![2], vec![0, 1], vec![0, 2], vec![1, 2]];
    let h = Hierarchy::grouped(&keys, &groupings).unwrap();
    let bottom: Vec<Vec<f64>> = cols.into_iter().map(|(_, v)| v).collect();
    let methods = [
        ("BottomUp", Method::BottomUp),
        ("MinTrace_method-ols", Method::Ols),
        ("MinTrace_method-wls_struct", Method::WlsStruct),
        ("MinTrace_method-wls_var", Method::WlsVar),
        ("MinTrace_method-mint_shrink", Method::MinTShrink),
    ];
    check(&h, &bottom, &fixture()["prison"], &methods);
}
