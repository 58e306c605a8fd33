//! Holt–Winters and ETS with fixed parameters and initial states reproduce
//! statsmodels' fitted values and forecasts (fixture written by
//! `benches/peers/forecast_statsmodels_fixture.py`).

use serde_json::Value;
use shopml_core::{Fit, Forecast, TimeSeries};
use shopml_forecast::ets::{Component, Ets};
use shopml_forecast::holt_winters::HoltWinters;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/statsmodels_hw_ets.json")).unwrap()
}

fn comp(v: &Value) -> Component {
    match v.as_str().unwrap() {
        "add" => Component::Additive,
        "mul" => Component::Multiplicative,
        _ => Component::None,
    }
}

/// Compares element-wise to 1e-8 (relative to max(|w|, 1)), skipping positions in `skip`.
fn close(what: &str, got: &[f64], want: &Value, tol: f64, skip: impl Fn(usize) -> bool) {
    let want: Vec<f64> = want.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (t, (g, w)) in got.iter().zip(&want).enumerate() {
        if skip(t) {
            continue;
        }
        assert!((g - w).abs() <= tol * w.abs().max(1.0), "{what}[{t}]: got {g}, statsmodels {w}");
    }
}

fn init(case: &Value) -> (f64, f64, Vec<f64>) {
    let i = &case["init"];
    let level = i["initial_level"].as_f64().unwrap();
    let trend = i.get("initial_trend").and_then(Value::as_f64).unwrap_or(0.0);
    let seasons =
        i.get("initial_seasonal").map(|s| s.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()).unwrap_or_default();
    (level, trend, seasons)
}

#[test]
fn reproduces_statsmodels() {
    let fx = fixture();
    let h = fx["horizon"].as_u64().unwrap() as usize;
    let mut n_hw = 0;
    let mut n_ets = 0;
    for (k, case) in fx["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["series"].as_str().unwrap();
        let y: Vec<f64> = fx["series"][name].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let m = case["season_length"].as_u64().unwrap() as usize;
        let trend = comp(&case["trend"]);
        let season = comp(&case["seasonal"]);
        let damped = case["damped"].as_bool().unwrap();
        let series = TimeSeries::new(y, m).unwrap();
        let (l0, b0, s0) = init(case);
        let what = format!("case {k} ({} {name})", case["kind"]);
        let (fitted, point) = if case["kind"] == "holt_winters" {
            n_hw += 1;
            let p = &case["params"];
            let mut hw = HoltWinters::params(trend, damped, season).alpha(p["smoothing_level"].as_f64().unwrap()).initial_state(l0, b0, s0);
            if let Some(b) = p.get("smoothing_trend") {
                hw = hw.smoothing_trend(b.as_f64().unwrap());
            }
            if let Some(g) = p.get("smoothing_seasonal") {
                hw = hw.gamma(g.as_f64().unwrap());
            }
            if let Some(f) = p.get("damping_trend") {
                hw = hw.phi(f.as_f64().unwrap());
            }
            let model = hw.fit(&series).unwrap();
            (model.fitted().to_vec(), model.forecast(h, &[]).unwrap().point)
        } else {
            n_ets += 1;
            let p: Vec<f64> = case["params"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let mut it = p.into_iter();
            let mut ets = Ets::params(comp(&case["error"]), trend, damped, season).alpha(it.next().unwrap());
            if trend != Component::None {
                ets = ets.beta(it.next().unwrap());
            }
            if season != Component::None {
                ets = ets.gamma(it.next().unwrap());
            }
            if damped {
                ets = ets.phi(it.next().unwrap());
            }
            let model = ets.initial_state(l0, b0, s0).fit(&series).unwrap();
            (model.fitted.clone(), model.forecast(h, &[]).unwrap().point)
        };
        // Multiplicative error with multiplicative season: statsmodels 0.14.4's
        // ETSModel departs from the book recursion (by 2e-6 relative after the
        // first seasonal update, growing to ~3e-4), although its documented
        // equations are the book's. `book_recursion_mxm` below checks our
        // filter for these two cases against Hyndman et al. (2008) Table 2.3
        // written out by hand instead; here we only require the first cycle.
        let mxm = case["kind"] == "ets" && comp(&case["error"]) == Component::Multiplicative && season == Component::Multiplicative;
        let tol = 1e-8;
        close(&format!("{what} fitted"), &fitted, &case["fitted"], tol, |t| mxm && t >= m);
        // statsmodels' holtwinters forecaster overwrites the seasonal index
        // updated at the last observation with the one from a cycle earlier
        // (`s[nobs + m - 1:] = [s[(nobs - 1) + j % m] ...]` in its `_predict`),
        // so its steps h = m, 2m, … use a stale index. We keep the textbook
        // recursion there (the ETS cases below check every step, ETSModel
        // has no such quirk).
        let stale = case["kind"] == "holt_winters" && season != Component::None;
        if !mxm {
            close(&format!("{what} forecast"), &point, &case["forecast"], tol, |t| stale && (t + 1) % m == 0);
        }
    }
    assert_eq!((n_hw, n_ets), (7, 6), "fixture should hold 7 Holt-Winters and 6 ETS cases");
}

/// ETS(M,A,M) and ETS(M,N,M) in the error-correction form of Hyndman et al.
/// (2008), Table 2.3, written out independently of the library's y-form filter.
#[test]
fn book_recursion_mxm() {
    let fx = fixture();
    let y: Vec<f64> = fx["series"]["air"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let m = 12;
    let mean = y[..m].iter().sum::<f64>() / m as f64;
    let s0: Vec<f64> = y[..m].iter().map(|v| v / mean).collect();
    for (trend, (alpha, beta, gamma)) in [(Component::Additive, (0.3, 0.01, 0.1)), (Component::None, (0.6, 0.0, 0.2))] {
        let b0 = if trend == Component::None { 0.0 } else { 0.5 };
        let mut ets = Ets::params(Component::Multiplicative, trend, false, Component::Multiplicative).alpha(alpha).gamma(gamma);
        if trend != Component::None {
            ets = ets.beta(beta);
        }
        let model = ets.initial_state(mean, b0, s0.clone()).fit(&TimeSeries::new(y.clone(), m).unwrap()).unwrap();
        let (mut l, mut b, mut s) = (mean, b0, s0.clone());
        for (t, &yt) in y.iter().enumerate() {
            let mu = (l + b) * s[t % m];
            let e = (yt - mu) / mu;
            assert!((model.fitted[t] - mu).abs() < 1e-10 * mu, "{trend:?} t={t}");
            let lb = l + b;
            l = lb * (1.0 + alpha * e);
            b += beta * lb * e;
            s[t % m] *= 1.0 + gamma * e;
        }
        let f = model.forecast(24, &[]).unwrap().point;
        for h in 0..24 {
            let want = (l + (h + 1) as f64 * b) * s[(y.len() + h) % m];
            assert!((f[h] - want).abs() < 1e-10 * want, "{trend:?} h={h}");
        }
    }
}
