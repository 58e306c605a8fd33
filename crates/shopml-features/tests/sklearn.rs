//! Scalers and encoders against scikit-learn 1.5.2 on the UCI Online Shoppers
//! data (fixture written by `benches/peers/features_sklearn_fixture.py`).

use ndarray::Array2;
use serde_json::Value;
use shopml_core::{Fit, Transform, conformance};
use shopml_features::preprocessing::{
    BoxCoxParams, HandleUnknown, MinMaxScalerParams, OneHotParams, OrdinalParams, RobustScalerParams, StandardScalerParams,
};

const TOL: f64 = 1e-12;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/sklearn_online_shoppers.json")).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// Numeric and categorical matrices from CSV lines (header first; the file has no quoted fields).
fn tables(lines: &[String], numeric: &[String], categorical: &[String]) -> (Array2<f64>, Array2<String>) {
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // Rows with an empty numeric field (14 in the file) are dropped, as in the fixture script.
    let rows: Vec<Vec<&str>> = lines[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect::<Vec<&str>>())
        .filter(|r| numeric.iter().all(|c| !r[col(c)].is_empty()))
        .collect();
    let n = rows.len();
    let xn = Array2::from_shape_fn((n, numeric.len()), |(i, j)| rows[i][col(&numeric[j])].parse::<f64>().unwrap());
    let xc = Array2::from_shape_fn((n, categorical.len()), |(i, j)| rows[i][col(&categorical[j])].to_string());
    (xn, xc)
}

fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol * want.abs().max(1.0), "{what}: shopml {got} vs scikit-learn {want}");
}

/// Compares a dense output block: head rows, column sums and sums of squares.
fn check_dense(what: &str, out: &Array2<f64>, want: &Value) {
    let head = want["head"].as_array().unwrap();
    for (i, row) in head.iter().enumerate() {
        for (j, w) in floats(row).into_iter().enumerate() {
            assert_close(&format!("{what} row {i} column {j}"), out[[i, j]], w, TOL);
        }
    }
    // Sums over n rows of values each within 1e-12 may differ by n · 1e-12 (plus rounding of the sums).
    let n = out.nrows() as f64;
    for (j, (s, s2)) in floats(&want["colsum"]).into_iter().zip(floats(&want["colsumsq"])).enumerate() {
        let col = out.column(j);
        let (got, got2) = (col.sum(), col.iter().map(|v| v * v).sum::<f64>());
        assert!((got - s).abs() <= n * TOL + TOL * s.abs(), "{what} column {j} sum: shopml {got} vs scikit-learn {s}");
        let max_abs = col.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        assert!((got2 - s2).abs() <= 2.0 * n * TOL * max_abs.max(1.0) + TOL * s2.abs(), "{what} column {j} sum of squares: {got2} vs {s2}");
    }
}

fn check_onehot(what: &str, out: &Array2<f64>, names: &[String], want: &Value) {
    assert_eq!(out.ncols(), want["names"].as_array().unwrap().len(), "{what}: number of output columns");
    let sk_names: Vec<String> = strings(&want["names"]).into_iter().map(|n| n.replace("_infrequent_sklearn", "_infrequent")).collect();
    assert_eq!(names, &sk_names[..], "{what}: output column names");
    for (i, active) in want["head_active"].as_array().unwrap().iter().enumerate() {
        let active: Vec<usize> = active.as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        let got: Vec<usize> = out.row(i).iter().enumerate().filter(|(_, v)| **v != 0.0).map(|(j, _)| j).collect();
        assert_eq!(got, active, "{what}: active columns of row {i}");
        assert!(out.row(i).iter().all(|&v| v == 0.0 || v == 1.0));
    }
    for (j, s) in floats(&want["colsum"]).into_iter().enumerate() {
        assert_eq!(out.column(j).sum(), s, "{what}: column {j} count");
    }
}

fn check_all(part: &Value, fx: &Value, xn: &Array2<f64>, xc: &Array2<String>) {
    assert_eq!(xn.nrows() as u64, part["n_rows"].as_u64().unwrap());
    let cat_names = strings(&fx["categorical"]);

    let s = StandardScalerParams::new().fit(xn).unwrap();
    for (j, (m, sc)) in floats(&part["standard"]["mean"]).into_iter().zip(floats(&part["standard"]["scale"])).enumerate() {
        assert_close(&format!("standard mean {j}"), s.mean[j], m, TOL);
        assert_close(&format!("standard scale {j}"), s.scale[j], sc, TOL);
    }
    check_dense("standard", &s.transform(xn).unwrap(), &part["standard"]);

    let m = MinMaxScalerParams::new().fit(xn).unwrap();
    for (j, (sc, mi)) in floats(&part["minmax"]["scale"]).into_iter().zip(floats(&part["minmax"]["min"])).enumerate() {
        assert_close(&format!("minmax scale {j}"), m.scale[j], sc, TOL);
        assert_close(&format!("minmax min {j}"), m.min[j], mi, TOL);
    }
    check_dense("minmax", &m.transform(xn).unwrap(), &part["minmax"]);

    let r = RobustScalerParams::new().fit(xn).unwrap();
    for (j, (c, sc)) in floats(&part["robust"]["center"]).into_iter().zip(floats(&part["robust"]["scale"])).enumerate() {
        assert_close(&format!("robust center {j}"), r.center[j], c, TOL);
        assert_close(&format!("robust scale {j}"), r.scale[j], sc, TOL);
    }
    check_dense("robust", &r.transform(xn).unwrap(), &part["robust"]);

    let oh = OneHotParams::new().handle_unknown(HandleUnknown::Ignore).column_names(cat_names.clone()).fit(xc).unwrap();
    check_onehot("one-hot", &oh.transform(xc).unwrap(), &oh.feature_names(), &part["onehot"]);

    let rare = OneHotParams::new()
        .min_frequency(50)
        .handle_unknown(HandleUnknown::InfrequentIfExist)
        .column_names(cat_names.clone())
        .fit(xc)
        .unwrap();
    check_onehot("one-hot rare", &rare.transform(xc).unwrap(), &rare.feature_names(), &part["onehot_rare"]);
    let unknown = Array2::from_elem((1, xc.ncols()), "never-seen".to_string());
    let u = rare.transform(&unknown).unwrap();
    let got: Vec<u64> = u.row(0).iter().enumerate().filter(|(_, v)| **v == 1.0).map(|(j, _)| j as u64).collect();
    let want: Vec<u64> = part["onehot_rare"]["unknown_active"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(got, want, "unknown categories go to the infrequent columns");

    let od = OrdinalParams::new().fit(xc).unwrap();
    check_dense("ordinal", &od.transform(xc).unwrap(), &part["ordinal"]);

    // Box-Cox lambdas (scipy's Brent vs our golden section: same optimum to ~1e-6).
    let cols: Vec<usize> =
        strings(&fx["boxcox_columns_plus_one"]).iter().map(|c| strings(&fx["numeric"]).iter().position(|n| n == c).unwrap()).collect();
    let xb = Array2::from_shape_fn((xn.nrows(), cols.len()), |(i, j)| xn[[i, cols[j]]] + 1.0);
    let b = BoxCoxParams::new().lambda_range(-40.0, 10.0).fit(&xb).unwrap();
    for (j, l) in floats(&part["boxcox_lambdas"]).into_iter().enumerate() {
        assert!((b.lambdas[j] - l).abs() <= 1e-5 * l.abs().max(1.0), "box-cox lambda {j}: shopml {} vs scipy {l}", b.lambdas[j]);
    }
}

#[test]
fn sample_fit_matches_scikit_learn() {
    let fx = fixture();
    let lines = strings(&fx["sample_csv"]);
    let (xn, xc) = tables(&lines, &strings(&fx["numeric"]), &strings(&fx["categorical"]));
    check_all(&fx["sample"], &fx, &xn, &xc);
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn full_online_shoppers_matches_scikit_learn() {
    let fx = fixture();
    let path = shopml_core::testdata::data_path("online_shoppers_intention/online_shoppers_intention.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let (xn, xc) = tables(&lines, &strings(&fx["numeric"]), &strings(&fx["categorical"]));
    check_all(&fx["full"], &fx, &xn, &xc);
}

#[test]
fn scalers_conform() {
    let fx = fixture();
    let lines = strings(&fx["sample_csv"]);
    let (xn, _) = tables(&lines[..41], &strings(&fx["numeric"]), &strings(&fx["categorical"]));
    let p = xn.ncols();
    conformance::assert_send_sync::<shopml_features::preprocessing::StandardScaler>();
    conformance::assert_send_sync::<shopml_features::preprocessing::MinMaxScaler>();
    conformance::assert_send_sync::<shopml_features::preprocessing::RobustScaler>();
    conformance::assert_send_sync::<shopml_features::preprocessing::OneHotEncoder>();
    conformance::assert_send_sync::<shopml_features::preprocessing::BoxCox>();

    conformance::check_rejects_non_finite(&xn, |x| StandardScalerParams::new().fit(x));
    conformance::check_rejects_non_finite(&xn, |x| MinMaxScalerParams::new().fit(x));
    conformance::check_rejects_non_finite(&xn, |x| RobustScalerParams::new().fit(x));
    conformance::check_rejects_empty(p, |x| StandardScalerParams::new().fit(x));
    conformance::check_rejects_empty(p, |x| MinMaxScalerParams::new().fit(x));
    conformance::check_rejects_empty(p, |x| RobustScalerParams::new().fit(x));

    let s = StandardScalerParams::new().fit(&xn).unwrap();
    let m = MinMaxScalerParams::new().fit(&xn).unwrap();
    let r = RobustScalerParams::new().fit(&xn).unwrap();
    conformance::check_rejects_wrong_width(p, |x| s.transform(x));
    conformance::check_rejects_wrong_width(p, |x| m.transform(x));
    conformance::check_rejects_wrong_width(p, |x| r.transform(x));
    conformance::check_serde_roundtrip(&s, |m| m.transform(&xn).unwrap());
    conformance::check_serde_roundtrip(&m, |m| m.transform(&xn).unwrap());
    conformance::check_serde_roundtrip(&r, |m| m.transform(&xn).unwrap());
    conformance::check_input_unchanged(&xn, |x| {
        StandardScalerParams::new().fit(x).unwrap();
        RobustScalerParams::new().fit(x).unwrap();
    });
    conformance::check_thread_count_independence(|| RobustScalerParams::new().fit(&xn).unwrap());

    // Inverse transforms undo the forward ones.
    for (fwd, inv) in [
        (s.transform(&xn).unwrap(), s.inverse_transform(&s.transform(&xn).unwrap()).unwrap()),
        (m.transform(&xn).unwrap(), m.inverse_transform(&m.transform(&xn).unwrap()).unwrap()),
        (r.transform(&xn).unwrap(), r.inverse_transform(&r.transform(&xn).unwrap()).unwrap()),
    ] {
        assert_eq!(fwd.dim(), xn.dim());
        for (a, b) in inv.iter().zip(xn.iter()) {
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0));
        }
    }
}
