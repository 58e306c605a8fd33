//! statsmodels parity on the orange-juice demand panel (GPL data: read from
//! SHOPML_DATA, never committed; only the coefficient / SE fixture is).

mod common;

use common::{fixture, max_rel, vec_f64};
use ndarray::{Array1, Array2};
use shopml_core::{Dataset, Fit, testdata};
use shopml_linear::{CovType, LinearRegressionParams, OlsSolver};

/// logmove ~ const + log(own price) + deal + feat + brand dummies + store dummies.
fn orange_juice() -> (Array2<f64>, Array1<f64>, Vec<String>) {
    let text = common::read_gz(&testdata::data_path("pricing/orangeJuice_yx.csv.gz"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap()).collect()).collect();
    let (ci_store, ci_brand) = (col("store"), col("brand"));
    let mut brands: Vec<i64> = rows.iter().map(|r| r[ci_brand] as i64).collect();
    brands.sort_unstable();
    brands.dedup();
    let mut stores: Vec<i64> = rows.iter().map(|r| r[ci_store] as i64).collect();
    stores.sort_unstable();
    stores.dedup();
    let mut names: Vec<String> = vec!["lprice".into(), "deal".into(), "feat".into()];
    names.extend(brands[1..].iter().map(|b| format!("brand_{b}")));
    names.extend(stores[1..].iter().map(|s| format!("store_{s}")));
    let p = names.len();
    let mut x = Array2::<f64>::zeros((rows.len(), p));
    let mut y = Array1::<f64>::zeros(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let brand = r[ci_brand] as i64;
        x[[i, 0]] = r[col(&format!("price{brand}"))].ln();
        x[[i, 1]] = r[col("deal")];
        x[[i, 2]] = r[col("feat")];
        if let Some(k) = brands[1..].iter().position(|&b| b == brand) {
            x[[i, 3 + k]] = 1.0;
        }
        if let Some(k) = stores[1..].iter().position(|&s| s == r[ci_store] as i64) {
            x[[i, 3 + brands.len() - 1 + k]] = 1.0;
        }
        y[i] = r[col("logmove")];
    }
    (x, y, names)
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn orange_juice_ols_matches_statsmodels() {
    let fx = fixture("oj_statsmodels.json");
    let (x, y, names) = orange_juice();
    let want_names: Vec<String> = fx["names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(want_names[1..], names[..]);
    let data = Dataset::new(x.view(), y.view());
    for solver in [OlsSolver::Qr, OlsSolver::NormalEquations] {
        let m = LinearRegressionParams::default().solver(solver).fit(&data).unwrap();
        let inf = m.inference().unwrap().clone().with_feature_names(&names).unwrap();
        let r = max_rel(&inf.params, &vec_f64(&fx["params"]));
        assert!(r < 1e-6, "{solver:?}: params rel {r:e}");
        let r = max_rel(&inf.std_errors, &vec_f64(&fx["bse"]));
        assert!(r < 1e-6, "{solver:?}: bse rel {r:e}");
        let r = max_rel(&inf.p_values, &vec_f64(&fx["pvalues"]));
        assert!(r < 1e-6, "p-values rel {r:e}");
        let ls = inf.least_squares.as_ref().unwrap();
        for (got, key) in [
            (ls.r_squared, "rsquared"),
            (ls.adj_r_squared, "rsquared_adj"),
            (ls.f_statistic, "fvalue"),
            (inf.log_likelihood, "llf"),
            (inf.aic, "aic"),
            (inf.bic, "bic"),
            (inf.df_resid, "df_resid"),
        ] {
            let want = fx[key].as_f64().unwrap();
            assert!((got - want).abs() <= 1e-6 * want.abs(), "{key}: {got} vs {want}");
        }
        let lows: Vec<f64> = fx["conf_int"].as_array().unwrap().iter().map(|r| r[0].as_f64().unwrap()).collect();
        assert!(max_rel(&inf.conf_low, &lows) < 1e-6);
        assert!(inf.summary().contains("lprice"));
    }
    let m = LinearRegressionParams::default().cov_type(CovType::Hc1).fit(&data).unwrap();
    let inf = m.inference().unwrap();
    let r = max_rel(&inf.std_errors, &vec_f64(&fx["bse_hc1"]));
    assert!(r < 1e-6, "HC1 bse rel {r:e}");
    let r = max_rel(&inf.p_values, &vec_f64(&fx["pvalues_hc1"]));
    assert!(r < 1e-6, "HC1 p-values rel {r:e}");
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn online_shoppers_from_shared_data_equals_committed_copy() {
    // The committed fixture CSV must be the shared file, byte for byte.
    let shared = std::fs::read_to_string(testdata::data_path("online_shoppers_intention/online_shoppers_intention.csv")).unwrap();
    let committed =
        common::read_gz(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/online_shoppers_intention.csv.gz"));
    assert_eq!(shared, committed);
}
