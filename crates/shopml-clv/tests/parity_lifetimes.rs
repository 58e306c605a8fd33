//! Parity with Python `lifetimes` 0.11.3 (fixture made by
//! `benches/peers/clv_lifetimes_fixture.py`; see that script for the data and cut-off).

use serde_json::Value;
use shopml_clv::{
    BetaGeo, BetaGeoBetaBinom, ClvParams, CustomerSummary, GammaGamma, ModifiedBetaGeo, ParetoNbd, RepeatPurchaseModel, Summary,
    customer_lifetime_value,
};
use shopml_core::Fit;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lifetimes_online_retail.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn vec(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn summary(v: &Value) -> Summary {
    let (f, r, t) = (vec(&v["frequency"]), vec(&v["recency"]), vec(&v["T"]));
    let m = vec(&v["monetary"]);
    Summary::from_columns(&f, &r, &t, Some(&m)).unwrap()
}

fn close(a: &[f64], b: &[f64], rel: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= rel * y.abs().max(1e-12), "{what}[{i}]: ours {x}, lifetimes {y}");
    }
}

#[test]
fn bgnbd_matches_lifetimes_on_cdnow() {
    let fx = fixture();
    let c = &fx["cdnow"];
    let s = summary(c);
    let m = BetaGeo::params().fit(&s).unwrap();
    let want = vec(&c["bgnbd"]["params"]);
    close(&m.parameters(), &want, 1e-4, "BG/NBD params");
    // At lifetimes' parameters the log-likelihood and predictions agree to 1e-6.
    let at = BetaGeo::new([want[0], want[1], want[2], want[3]]).unwrap();
    let ll = c["bgnbd"]["log_likelihood"].as_f64().unwrap();
    assert!((at.log_likelihood(&s) - ll).abs() < 1e-6 * ll.abs());
    assert!(m.fit_summary().unwrap().log_likelihood >= ll - 1e-9 * ll.abs(), "our optimum is at least as high");
    close(&at.predict_purchases(&s, 39.0).unwrap(), &vec(&c["bgnbd"]["expected_39"]), 1e-6, "E[Y(39)]");
    close(&at.predict_alive(&s).unwrap(), &vec(&c["bgnbd"]["p_alive"]), 1e-6, "P(alive)");
    close(&[at.expected_purchases_new(39.0)], &[c["bgnbd"]["new_39"].as_f64().unwrap()], 1e-9, "E[X(39)]");
    close(&[at.probability_of_purchases(3, 39.0).unwrap()], &[c["bgnbd"]["p_n_3_39"].as_f64().unwrap()], 1e-9, "P(X(39)=3)");
    // Standard errors: both from the observed information, delta method.
    close(&m.standard_errors().unwrap(), &vec(&c["bgnbd"]["se"]), 2e-3, "BG/NBD standard errors");
}

#[test]
fn mbgnbd_matches_lifetimes_on_cdnow() {
    let fx = fixture();
    let c = &fx["cdnow"];
    let s = summary(c);
    let m = ModifiedBetaGeo::params().fit(&s).unwrap();
    let want = vec(&c["mbgnbd"]["params"]);
    close(&m.parameters(), &want, 1e-4, "MBG/NBD params");
    let at = ModifiedBetaGeo::new([want[0], want[1], want[2], want[3]]).unwrap();
    let ll = c["mbgnbd"]["log_likelihood"].as_f64().unwrap();
    assert!((at.log_likelihood(&s) - ll).abs() < 1e-6 * ll.abs());
    close(&at.predict_purchases(&s, 39.0).unwrap(), &vec(&c["mbgnbd"]["expected_39"]), 1e-6, "MBG E[Y(39)]");
    close(&at.predict_alive(&s).unwrap(), &vec(&c["mbgnbd"]["p_alive"]), 1e-6, "MBG P(alive)");
}

#[test]
fn pareto_nbd_matches_lifetimes_on_cdnow() {
    let fx = fixture();
    let c = &fx["cdnow"];
    let s = summary(c);
    let m = ParetoNbd::params().fit(&s).unwrap();
    let want = vec(&c["pareto_nbd"]["params"]);
    let ll = c["pareto_nbd"]["log_likelihood"].as_f64().unwrap();
    // Our optimum is at least as high as lifetimes' (its Nelder-Mead stops at tol 1e-8 in the rescaled parameters).
    assert!(m.fit_summary().unwrap().log_likelihood >= ll - 1e-9 * ll.abs(), "{} vs {ll}", m.fit_summary().unwrap().log_likelihood);
    close(&m.parameters(), &want, 1e-4, "Pareto/NBD params");
    let at = ParetoNbd::new([want[0], want[1], want[2], want[3]]).unwrap();
    assert!((at.log_likelihood(&s) - ll).abs() < 1e-6 * ll.abs(), "{} vs {ll}", at.log_likelihood(&s));
    close(&at.predict_purchases(&s, 39.0).unwrap(), &vec(&c["pareto_nbd"]["expected_39"]), 1e-6, "Pareto/NBD E[Y(39)]");
    close(&at.predict_alive(&s).unwrap(), &vec(&c["pareto_nbd"]["p_alive"]), 1e-6, "Pareto/NBD P(alive)");
}

#[test]
fn clv_matches_lifetimes_on_cdnow() {
    let fx = fixture();
    let c = &fx["cdnow"];
    let s = summary(c);
    let b = vec(&c["bgnbd"]["params"]);
    let g = vec(&c["gamma_gamma"]["params"]);
    let bg = BetaGeo::new([b[0], b[1], b[2], b[3]]).unwrap();
    let gg = GammaGamma::new([g[0], g[1], g[2]]).unwrap();
    // lifetimes' freq="W": a month is 4.345 weeks.
    let p = ClvParams { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 };
    close(&customer_lifetime_value(&bg, &gg, &s, &p).unwrap(), &vec(&c["gamma_gamma"]["clv_12m"]), 1e-6, "CLV");
    let fitted = GammaGamma::params().fit(&s).unwrap();
    close(&fitted.parameters(), &g, 1e-4, "CDNOW Gamma-Gamma params");
}

#[test]
fn gamma_gamma_matches_lifetimes_on_online_retail() {
    let fx = fixture();
    let s = summary(&fx);
    let m = GammaGamma::params().fit(&s).unwrap();
    let g = &fx["gamma_gamma"];
    let want = vec(&g["params"]);
    close(&m.parameters(), &want, 1e-4, "Gamma-Gamma params");
    let at = GammaGamma::new([want[0], want[1], want[2]]).unwrap();
    let ll = g["log_likelihood"].as_f64().unwrap();
    assert!((at.log_likelihood(&s) - ll).abs() < 1e-6 * ll.abs());
    close(&at.predict_spend(&s).unwrap(), &vec(&g["expected_spend"]), 1e-6, "expected spend");
    close(&m.standard_errors().unwrap(), &vec(&g["se"]), 2e-3, "Gamma-Gamma standard errors");
    let corr = m.fit_summary().unwrap().frequency_spend_correlation.unwrap();
    assert!((corr - g["correlation"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn bgbb_matches_lifetimes_on_donations() {
    let fx = fixture();
    let d = &fx["bgbb_donations"];
    let (f, r, n, w) = (vec(&d["frequency"]), vec(&d["recency"]), vec(&d["periods"]), vec(&d["weights"]));
    // Expand the weighted patterns into customers.
    let mut customers = Vec::new();
    for i in 0..f.len() {
        for k in 0..w[i] as usize {
            customers.push(CustomerSummary::new(format!("{i}-{k}"), f[i], r[i], n[i], 0.0));
        }
    }
    let s = Summary::new(customers).unwrap();
    let m = BetaGeoBetaBinom::params().fit(&s).unwrap();
    let want = vec(&d["params"]);
    close(&m.parameters(), &want, 1e-4, "BG/BB params");
    // lifetimes adds 1e-15 inside the log of the drop-out sum; the exact
    // likelihood differs from lifetimes' by less than that fudge can explain.
    let at = BetaGeoBetaBinom::new([want[0], want[1], want[2], want[3]]).unwrap();
    let ll = d["log_likelihood_lifetimes"].as_f64().unwrap();
    assert!((at.log_likelihood(&s) - ll).abs() < 1e-6 * ll.abs(), "{} vs {ll}", at.log_likelihood(&s));
    let pats = Summary::from_columns(&f, &r, &n, None).unwrap();
    close(&at.predict_purchases(&pats, 5.0).unwrap(), &vec(&d["expected_5"]), 1e-6, "BG/BB E[Y(5)]");
    close(&at.predict_alive(&pats).unwrap(), &vec(&d["p_alive"]), 1e-6, "BG/BB P(alive)");
}

/// Online Retail, calibration to 2011-06-30 and holdout to 2011-12-09
/// (lifetimes' own summary, in the fixture): BG/NBD's holdout forecast per
/// customer beats "same daily rate as in calibration" in mean absolute error.
/// Prints the per-frequency table that `docs/clv.md` shows.
#[test]
fn bgnbd_holdout_beats_naive_on_online_retail() {
    let fx = fixture();
    let s = summary(&fx);
    let hold = vec(&fx["frequency_holdout"]);
    let dur = fx["duration_holdout"].as_f64().unwrap();
    // Unpenalised, the maximum is at the boundary a → 0, b → ∞ (no drop-out
    // in seven months, an NBD); L-BFGS walks towards it until the gradient
    // vanishes or it reports NotConverged with the last parameters, which
    // are as usable for prediction.
    let m = match BetaGeo::params().fit(&s) {
        Ok(m) => m,
        Err(shopml_clv::ClvError::NotConverged { last_params, .. }) => {
            BetaGeo::new([last_params[0], last_params[1], last_params[2], last_params[3]]).unwrap()
        }
        Err(e) => panic!("{e}"),
    };
    println!("params {:?}", m.parameters());
    let pred = m.predict_purchases(&s, dur).unwrap();
    let naive: Vec<f64> = s.customers.iter().map(|c| if c.t > 0.0 { c.frequency / c.t * dur } else { 0.0 }).collect();
    let n = hold.len() as f64;
    let mae = |p: &[f64]| p.iter().zip(&hold).map(|(a, b)| (a - b).abs()).sum::<f64>() / n;
    let (mae_bg, mae_naive) = (mae(&pred), mae(&naive));
    println!("| calibration x | customers | actual | BG/NBD | naive |\n|---|---|---|---|---|");
    for bucket in 0..=7 {
        let idx: Vec<usize> = (0..s.len())
            .filter(|&i| if bucket < 7 { s.customers[i].frequency == bucket as f64 } else { s.customers[i].frequency >= 7.0 })
            .collect();
        let k = idx.len() as f64;
        let avg = |v: &[f64]| idx.iter().map(|&i| v[i]).sum::<f64>() / k;
        println!(
            "| {}{} | {} | {:.3} | {:.3} | {:.3} |",
            bucket,
            if bucket == 7 { "+" } else { "" },
            idx.len(),
            avg(&hold),
            avg(&pred),
            avg(&naive)
        );
    }
    println!("MAE per customer: BG/NBD {mae_bg:.4}, naive {mae_naive:.4}; params {:?}", m.parameters());
    assert!(mae_bg < mae_naive, "BG/NBD {mae_bg} vs naive {mae_naive}");
}
