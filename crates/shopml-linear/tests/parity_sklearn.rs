//! Coefficient parity with scikit-learn on the online shoppers sessions
//! (fixtures by benches/peers/linear_fixtures.py).

mod common;

use common::{fixture, max_rel, shoppers, vec_f64};
use ndarray::{Array1, Axis};
use shopml_core::{Dataset, Fit};
use shopml_linear::{ClassWeight, ElasticNetParams, Lasso, LinearRegressionParams, LogisticRegression, LogisticSolver, RidgeParams};

fn check(what: &str, coef: &[f64], intercept: f64, fx: &serde_json::Value, tol: f64) {
    let want = vec_f64(&fx["coef"]);
    let r = max_rel(coef, &want);
    let bi = fx["intercept"].as_f64().unwrap();
    let ri = (intercept - bi).abs() / bi.abs().max(1e-3);
    assert!(r <= tol && ri <= tol, "{what}: coef rel {r:e}, intercept rel {ri:e}");
}

#[test]
fn least_squares_family_matches_sklearn() {
    let fx = fixture("shoppers_sklearn.json");
    let d = shoppers();
    assert_eq!(d.x.nrows() as u64, fx["n_rows"].as_u64().unwrap());
    let names: Vec<String> = fx["columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(d.names, names);
    let data = Dataset::new(d.x.view(), d.y.view());
    let m = LinearRegressionParams::default().fit(&data).unwrap();
    check("LinearRegression", m.coefficients().as_slice().unwrap(), m.intercept(), &fx["linreg"], 1e-6);
    let w = Array1::from_shape_fn(d.x.nrows(), |i| 1.0 + (i % 3) as f64);
    let m = LinearRegressionParams::default().fit(&data.with_weights(w.view())).unwrap();
    check("weighted LinearRegression", m.coefficients().as_slice().unwrap(), m.intercept(), &fx["linreg_weighted"], 1e-6);
    let m = RidgeParams::default().alpha(10.0).fit(&data).unwrap();
    check("Ridge", m.coefficients().as_slice().unwrap(), m.intercept(), &fx["ridge"], 1e-6);
    let m = Lasso::params().alpha(1e-3).tol(1e-12).max_iter(100_000).fit(&data).unwrap();
    check("Lasso", m.coefficients().as_slice().unwrap(), m.intercept(), &fx["lasso"], 1e-6);
    let m = ElasticNetParams::default().alpha(2e-3).l1_ratio(0.5).tol(1e-12).max_iter(100_000).fit(&data).unwrap();
    check("ElasticNet", m.coefficients().as_slice().unwrap(), m.intercept(), &fx["enet"], 1e-6);
}

#[test]
fn logistic_matches_sklearn() {
    let fx = fixture("shoppers_sklearn.json");
    let d = shoppers();
    let data = Dataset::new(d.x.view(), d.y.view());
    for solver in [LogisticSolver::Newton, LogisticSolver::Lbfgs] {
        let m = LogisticRegression::params().c(1.0).tol(1e-10).max_iter(10_000).solver(solver).fit(&data).unwrap();
        check(
            &format!("LogisticRegression C=1 {solver:?} ({} iterations, converged {})", m.n_iter(), m.converged()),
            m.coefficients().row(0).as_slice().unwrap(),
            m.intercepts()[0],
            &fx["logit"],
            1e-6,
        );
    }
    let m = LogisticRegression::params().c(0.5).class_weight(ClassWeight::Balanced).tol(1e-10).fit(&data).unwrap();
    check("balanced", m.coefficients().row(0).as_slice().unwrap(), m.intercepts()[0], &fx["logit_balanced"], 1e-6);
}

#[test]
fn multinomial_logistic_matches_sklearn() {
    let fx = fixture("shoppers_sklearn.json");
    let d = shoppers();
    let mf = &fx["logit_multinomial"];
    let keep: Vec<usize> = d.names.iter().enumerate().filter(|(_, n)| !n.starts_with("VisitorType_")).map(|(i, _)| i).collect();
    let x = d.x.select(Axis(1), &keep);
    let classes: Vec<String> = mf["classes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let y: Array1<f64> = d.visitor.iter().map(|v| classes.iter().position(|c| c == v).unwrap() as f64).collect();
    let m = LogisticRegression::params().tol(1e-10).max_iter(10_000).fit(&Dataset::new(x.view(), y.view())).unwrap();
    let want: Vec<f64> = mf["coef"].as_array().unwrap().iter().flat_map(vec_f64).collect();
    let got: Vec<f64> = m.coefficients().iter().copied().collect();
    assert!(
        max_rel(&got, &want) < 1e-6,
        "multinomial coef rel {:e} after {} iterations ({})",
        max_rel(&got, &want),
        m.n_iter(),
        m.converged()
    );
    assert!(max_rel(m.intercepts().as_slice().unwrap(), &vec_f64(&mf["intercept"])) < 1e-6);
}
