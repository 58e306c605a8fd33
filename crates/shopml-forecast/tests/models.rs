//! Behaviour checks against closed forms, hand computations and properties.

use ndarray::Array2;
use shopml_core::{AsCoreError, Error, Fit, Forecast, TimeSeries, conformance};
use shopml_forecast::backtest::Backtest;
use shopml_forecast::baseline::BaselineParams;
use shopml_forecast::batch::{BatchForecaster, SeriesBatch, fill_gaps};
use shopml_forecast::conformal::{conformal_forecast, conformal_quantile};
use shopml_forecast::ets::{AutoEts, Component, Ets};
use shopml_forecast::intermittent::IntermittentParams;
use shopml_forecast::inventory::{self, Abc, AbcXyz, Xyz};
use shopml_forecast::model::ModelSpec;
use shopml_forecast::normal;
use shopml_forecast::theta::Theta;
use shopml_forecast::{ForecastError, holt_winters::HoltWintersParams};

fn seasonal_series(n: usize, noise: u64) -> Vec<f64> {
    // Deterministic pseudo-noise (LCG), trend and a multiplicative yearly cycle.
    let mut state = noise;
    (0..n)
        .map(|t| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5;
            (100.0 + 0.8 * t as f64) * (1.0 + 0.25 * (t as f64 * std::f64::consts::PI / 6.0).sin()) + 4.0 * u
        })
        .collect()
}

#[test]
fn normal_matches_scipy() {
    // Values from scipy.stats.norm (ppf, cdf, and pdf(z) − z·sf(z)).
    let q = [
        (1e-300, -37.0470962993612),
        (1e-20, -9.262340089798409),
        (1e-10, -6.361340902404056),
        (0.001, -3.090232306167813),
        (0.02425, -1.972961051311885),
        (0.3, -0.5244005127080409),
        (0.5, 0.0),
        (0.75, 0.6744897501960817),
        (0.975, 1.959963984540054),
        (0.999999, 4.753424308817087),
    ];
    for (p, want) in q {
        let got = normal::quantile(p).unwrap();
        // AS 241 is good to ~1e-16 relative except in the extreme tail (p = 1e-300: ~1e-11).
        let tol = if p < 1e-100 { 1e-11 } else { 1e-14 };
        assert!((got - want).abs() <= tol * want.abs().max(1.0), "quantile({p:e}) = {got}, scipy {want}");
    }
    let c = [
        (-8.0, 6.22096057427174e-16, 8.0),
        (-3.0, 0.0013498980316300933, 3.0003821543170477),
        (-1.5, 0.06680720126885807, 1.5293067937626048),
        (-0.3, 0.3820885778110474, 0.5667612421172099),
        (0.0, 0.5, 0.3989422804014327),
        (0.4, 0.6554217416103242, 0.230438836947453),
        (1.0, 0.8413447460685429, 0.08331547058768629),
        (2.5, 0.9937903346742238, 0.0020041371791282066),
        (6.0, 0.9999999990134123, 1.5635697959711905e-10),
    ];
    for (z, cdf, loss) in c {
        assert!((normal::cdf(z) - cdf).abs() <= 5e-14 * cdf, "cdf({z}) = {}, scipy {cdf}", normal::cdf(z));
        assert!((normal::loss(z) - loss).abs() <= 1e-9 * loss.max(1e-12), "loss({z}) = {}, scipy {loss}", normal::loss(z));
    }
    for g in [0.001, 0.08331547058768629, 0.5, 3.0] {
        let z = normal::loss_inverse(g).unwrap();
        assert!((normal::loss(z) - g).abs() < 1e-10 * g.max(1e-3));
    }
    assert!(normal::quantile(0.0).is_err() && normal::quantile(1.0).is_err() && normal::quantile(f64::NAN).is_err());
}

#[test]
fn baselines_hand_computed() {
    let y = TimeSeries::new(vec![1.0, 2.0, 4.0], 1).unwrap();
    let f = BaselineParams::naive().fit(&y).unwrap().forecast(2, &[95.0]).unwrap();
    assert_eq!(f.point, vec![4.0, 4.0]);
    // Residuals 1, 2 → σ̂ = √2.5; σ₂ = σ̂√2.
    let half = 1.959963984540054 * 2.5f64.sqrt() * 2f64.sqrt();
    assert!((f.intervals[0].upper[1] - (4.0 + half)).abs() < 1e-12);
    let d = BaselineParams::drift().fit(&y).unwrap().forecast(2, &[]).unwrap();
    assert_eq!(d.point, vec![5.5, 7.0]);
    let s = TimeSeries::new(vec![1.0, 2.0, 3.0, 5.0], 2).unwrap();
    let sn = BaselineParams::seasonal_naive().fit(&s).unwrap().forecast(3, &[80.0]).unwrap();
    assert_eq!(sn.point, vec![3.0, 5.0, 3.0]);
    // Seasonal residuals 2, 3 → σ̂ = √6.5; h = 3 → k = 1 → σ̂√2.
    let z80 = normal::quantile(0.9).unwrap();
    assert!((sn.intervals[0].upper[2] - (3.0 + z80 * 6.5f64.sqrt() * 2f64.sqrt())).abs() < 1e-12);
    let ma = BaselineParams::moving_average(2).fit(&s).unwrap().forecast(1, &[]).unwrap();
    assert_eq!(ma.point, vec![4.0]);
    assert!(matches!(BaselineParams::moving_average(0).fit(&s), Err(ForecastError::Core(Error::InvalidParameter { name: "window", .. }))));
    assert!(matches!(BaselineParams::moving_average(9).fit(&s), Err(ForecastError::TooShort { .. })));
}

#[test]
fn ets_closed_forms() {
    let y: Vec<f64> = vec![3.0, 5.0, 4.0, 6.0, 5.0, 7.0, 6.0, 8.0];
    let s = TimeSeries::new(y.clone(), 1).unwrap();
    // α = 1 (within [0, 1]): SES forecast is the last value.
    let m = Ets::params(Component::Additive, Component::None, false, Component::None).alpha(1.0).fit(&s).unwrap();
    assert!((m.point(3)[2] - 8.0).abs() < 1e-12);
    // ETS(A,N,N) variance: σ²(1 + (h − 1)α²).
    let m = Ets::params(Component::Additive, Component::None, false, Component::None)
        .alpha(0.4)
        .initial_state(4.0, 0.0, vec![])
        .fit(&s)
        .unwrap();
    let v = m.forecast_variance(4).unwrap();
    for (h, vh) in v.iter().enumerate() {
        assert!((vh - m.sigma2 * (1.0 + h as f64 * 0.16)).abs() < 1e-12);
    }
    // SES by hand.
    let mut l: f64 = 4.0;
    for &x in &y {
        l += 0.4 * (x - l);
    }
    assert!((m.point(1)[0] - l).abs() < 1e-12);
    // Holt's method with fixed weights reproduces the hand recursion.
    let hw = HoltWintersParams::holt().alpha(0.5).smoothing_trend(0.3).initial_state(3.0, 1.0, vec![]).fit(&s).unwrap();
    let (mut l, mut b) = (3.0f64, 1.0f64);
    for &x in &y {
        let nl = 0.5 * x + 0.5 * (l + b);
        b = 0.3 * (nl - l) + 0.7 * b;
        l = nl;
    }
    assert!((hw.forecast(2, &[]).unwrap().point[1] - (l + 2.0 * b)).abs() < 1e-10);
}

#[test]
fn ets_estimation_and_selection() {
    let y = seasonal_series(96, 7);
    let s = TimeSeries::new(y.clone(), 12).unwrap();
    let auto = AutoEts::params().fit(&s).unwrap();
    assert_ne!(auto.model.spec.season, Component::None, "a strongly seasonal series must get a seasonal model: {:?}", auto.model.spec);
    // The selected model has the smallest AICc among the candidates.
    let min = auto.candidates.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    assert_eq!(auto.model.aicc, min);
    // The estimate never leaves the usual region.
    let c = auto.model.coefficients;
    assert!(c.alpha > 0.0 && c.alpha < 1.0 && c.beta <= c.alpha && c.gamma <= 1.0 - c.alpha);
    // MLE beats the starting heuristic: fitting twice with more iterations never worsens the likelihood much.
    let f = auto.forecast(12, &[80.0, 95.0]).unwrap();
    for h in 0..12 {
        assert!(f.intervals[0].lower[h] > f.intervals[1].lower[h] && f.intervals[0].upper[h] < f.intervals[1].upper[h]);
    }
    // Multiplicative models are skipped for non-positive data.
    let mut z = y.clone();
    z[5] = 0.0;
    let a = AutoEts::params().fit(&TimeSeries::new(z, 12).unwrap()).unwrap();
    assert!(a.candidates.iter().all(|(spec, _)| !spec.is_multiplicative()));
    assert!(matches!(
        Ets::params(Component::Multiplicative, Component::None, false, Component::None)
            .fit(&TimeSeries::new(vec![1.0, 0.0, 2.0, 3.0, 1.0], 1).unwrap()),
        Err(ForecastError::NonPositive { row: 1, .. })
    ));
    // Constant series: ETS(A,N,N) with a flat forecast.
    let c = AutoEts::params().fit(&TimeSeries::new(vec![5.0; 20], 4).unwrap()).unwrap();
    assert_eq!(c.forecast(3, &[]).unwrap().point, vec![5.0; 3]);
    // Too short for a seasonal model: typed error.
    assert!(matches!(
        Ets::params(Component::Additive, Component::Additive, false, Component::Additive)
            .fit(&TimeSeries::new(vec![1.0, 2.0, 3.0, 4.0, 5.0], 4).unwrap()),
        Err(ForecastError::TooShort { .. })
    ));
}

#[test]
fn theta_is_ses_with_half_drift() {
    // On a straight line the OLS slope is exact; the forecast continues it at half the slope
    // plus the SES lag correction, so successive differences tend to slope / 2 as α → its bound.
    let y: Vec<f64> = (0..40).map(|t| 10.0 + 2.0 * t as f64).collect();
    let m = Theta::params().fit(&TimeSeries::new(y, 1).unwrap()).unwrap();
    assert!((m.slope - 2.0).abs() < 1e-10 && (m.intercept - 10.0 + 2.0).abs() < 1e-9);
    let f = m.forecast(5, &[]).unwrap().point;
    for w in f.windows(2) {
        assert!((w[1] - w[0] - 1.0).abs() < 1e-6, "theta line increment {}", w[1] - w[0]);
    }
    // Seasonal series are adjusted.
    let s = Theta::params().fit(&TimeSeries::new(seasonal_series(72, 3), 12).unwrap()).unwrap();
    assert!(s.adjustment.is_seasonal() && s.adjustment.multiplicative);
}

#[test]
fn intermittent_hand_computed() {
    let y = TimeSeries::new(vec![0.0, 3.0, 0.0, 0.0, 6.0, 0.0, 3.0, 0.0], 1).unwrap();
    // Croston α = 0.1: sizes 3 → 3.3 → 3.27, intervals 2 → 2.1 → 2.09.
    let c = IntermittentParams::croston(0.1).fit(&y).unwrap().forecast(2, &[]).unwrap();
    assert!((c.point[0] - 3.27 / 2.09).abs() < 1e-12);
    let s = IntermittentParams::sba(0.1).fit(&y).unwrap().forecast(1, &[]).unwrap();
    assert!((s.point[0] - 0.95 * 3.27 / 2.09).abs() < 1e-12);
    // TSB: d₀ = 0.5, z₀ = 2 → d = .25, .625, .3125, .65625; z = 2, 2, 2, 3.
    let t = IntermittentParams::tsb(0.5, 0.5).fit(&TimeSeries::new(vec![0.0, 2.0, 0.0, 4.0], 1).unwrap()).unwrap();
    assert!((t.level - 0.65625 * 3.0).abs() < 1e-12);
    // ADIDA: mean interval 2 → buckets of 2 with totals 3,0,6,3 … forecast per period is half a bucket forecast.
    let a = IntermittentParams::adida().fit(&y).unwrap();
    assert!(a.level > 0.0 && a.level < 3.0);
    // No demand: zero forecast; negative demand: typed error.
    let z = IntermittentParams::croston(0.1).fit(&TimeSeries::new(vec![0.0; 6], 1).unwrap()).unwrap().forecast(3, &[90.0]).unwrap();
    assert_eq!(z.point, vec![0.0; 3]);
    assert!(matches!(
        IntermittentParams::tsb(0.1, 0.1).fit(&TimeSeries::new(vec![1.0, -1.0], 1).unwrap()),
        Err(ForecastError::Core(Error::InvalidValue { row: 1, .. }))
    ));
    assert!(matches!(IntermittentParams::croston(1.5).fit(&y), Err(ForecastError::Core(Error::InvalidParameter { name: "alpha", .. }))));
}

#[test]
fn inventory_closed_forms() {
    let ltd = inventory::lead_time_demand(10.0, 2.0, 4.0, 1.0).unwrap();
    assert_eq!(ltd.mean, 40.0);
    assert!((ltd.std_dev - 116f64.sqrt()).abs() < 1e-12);
    let ss = inventory::safety_stock_cycle_service(&ltd, 95.0).unwrap();
    assert!((ss - 1.6448536269514722 * 116f64.sqrt()).abs() < 1e-10);
    assert!((inventory::reorder_point(&ltd, ss).unwrap() - 40.0 - ss).abs() < 1e-12);
    // Fill rate: the expected shortage per cycle σ G(z) equals (1 − β) Q.
    let q = 50.0;
    let ssf = inventory::safety_stock_fill_rate(&ltd, 98.0, q).unwrap();
    assert!((ltd.std_dev * normal::loss(ssf / ltd.std_dev) - 0.02 * q).abs() < 1e-9);
    assert!((inventory::eoq(1000.0, 50.0, 2.0).unwrap() - 50000f64.sqrt()).abs() < 1e-12);
    let bs = inventory::base_stock_level(10.0, 2.0, 3.0, 1.0, 97.5).unwrap();
    assert!((bs - (40.0 + 1.959963984540054 * 4.0)).abs() < 1e-10);
    let mm = inventory::min_max_policy(&ltd, 95.0, 1000.0, 50.0, 2.0).unwrap();
    assert!((mm.max - mm.min - 50000f64.sqrt()).abs() < 1e-10);
    assert!((inventory::newsvendor_normal(100.0, 20.0, 3.0, 1.0).unwrap() - (100.0 + 20.0 * 0.6744897501960817)).abs() < 1e-10);
    let sample: Vec<f64> = (1..=100).map(f64::from).collect();
    assert_eq!(inventory::newsvendor_empirical(&sample, 3.0, 1.0).unwrap(), 75.0);
    assert!(matches!(inventory::eoq(10.0, 1.0, 0.0), Err(ForecastError::Core(Error::InvalidParameter { name: "holding_cost", .. }))));
    assert!(matches!(
        inventory::safety_stock_cycle_service(&ltd, 100.0),
        Err(ForecastError::Core(Error::InvalidParameter { name: "cycle_service_level", .. }))
    ));
    // Issue 12: a fraction where a percentage is expected is an error, not a 0.95 % level.
    assert!(matches!(
        inventory::safety_stock_cycle_service(&ltd, 0.95),
        Err(ForecastError::Core(Error::InvalidParameter { name: "cycle_service_level", .. }))
    ));
    let classes = AbcXyz::default()
        .classify(&[50.0, 30.0, 15.0, 5.0], &[vec![10.0; 4], vec![0.0, 20.0, 0.0, 20.0], vec![5.0, 15.0, 5.0, 15.0], vec![0.0; 4]])
        .unwrap();
    assert_eq!(classes, vec![(Abc::A, Xyz::X), (Abc::A, Xyz::Z), (Abc::B, Xyz::Y), (Abc::C, Xyz::Z)]);
}

#[test]
fn backtest_and_conformal() {
    let line: Vec<f64> = (0..20).map(f64::from).collect();
    let s = TimeSeries::new(line, 1).unwrap();
    let bt = Backtest { horizon: 3, step: 2, n_windows: 3 };
    assert_eq!(bt.origins(20).unwrap(), vec![13, 15, 17]);
    // Naive on y = t: errors −1, −2, −3 in every window.
    let r = bt.run(&ModelSpec::BaselineParams(BaselineParams::naive()), &s).unwrap();
    assert!((r.accuracy.mae - 2.0).abs() < 1e-12 && (r.accuracy.bias + 2.0).abs() < 1e-12);
    assert!(matches!(Backtest { horizon: 10, step: 5, n_windows: 3 }.origins(20), Err(ForecastError::TooShort { .. })));
    assert_eq!(conformal_quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 3.0);
    assert_eq!(conformal_quantile(&[1.0, 2.0, 3.0, 4.0], 0.9), 4.0);
    // Conformal naive on y = t: the h-step error is exactly h at every origin.
    let c = conformal_forecast(&ModelSpec::BaselineParams(BaselineParams::naive()), &s, 3, &[90.0], 8).unwrap();
    assert_eq!(c.intervals[0].upper, vec![20.0, 21.0, 22.0]);
}

#[test]
fn batch_never_aborts() {
    let mut gappy = seasonal_series(60, 1);
    gappy[10] = f64::NAN;
    gappy[11] = f64::NAN;
    let mut negative = seasonal_series(60, 2);
    negative[3] = -5.0;
    let series = vec![seasonal_series(60, 9), vec![1.0, 2.0], vec![4.0; 30], gappy, vec![0.0; 24], negative, vec![f64::NAN; 5], vec![]];
    let batch = SeriesBatch::from_series(&series, 12).unwrap();
    let spec = ModelSpec::EtsParams(Ets::params(Component::Multiplicative, Component::Additive, true, Component::Multiplicative));
    let out = BatchForecaster::new(spec, 6, vec![90.0]).run(&batch).unwrap();
    assert_eq!(out.len(), series.len());
    for o in &out {
        assert!(o.forecast.point.iter().chain(&o.forecast.intervals[0].lower).chain(&o.forecast.intervals[0].upper).all(|v| v.is_finite()));
    }
    assert!(out[0].fallback_reason.is_none(), "{:?}", out[0]);
    assert!(out[1].fallback_reason.is_some());
    // A constant series forecasts its constant (to rounding: the LAPACK and
    // pure-Rust least-squares paths differ in the last bits).
    assert!(out[2].forecast.point.iter().all(|v| (v - 4.0).abs() < 1e-9), "{:?}", out[2].forecast.point);
    assert_eq!(out[3].filled_gaps, 2);
    assert_eq!((out[4].model.as_str(), out[4].forecast.point.clone()), ("Zero", vec![0.0; 6]));
    assert!(out[5].fallback_reason.as_deref().unwrap_or("").contains("positive"), "{:?}", out[5].fallback_reason);
    assert_eq!(out[6].model, "Zero");
    assert_eq!(fill_gaps(&[f64::NAN, 1.0, f64::NAN, f64::NAN, 4.0, f64::NAN]), (vec![1.0, 2.0, 3.0, 4.0], 2));
    assert!(SeriesBatch::new(vec![1.0, 2.0], vec![0, 3], 1).is_err());
}

fn as_series_fit(x: &Array2<f64>) -> Result<shopml_forecast::model::FittedModel, ForecastError> {
    let fit = || ModelSpec::AutoEtsParams(AutoEts::params()).fit(&TimeSeries::new(x.column(0).to_vec(), 1)?);
    fit().map_err(|e| match e {
        // A series is one column: name it, as the matrix-shaped kit expects.
        ForecastError::Core(Error::NonFinite { what, row, column: None, value }) => {
            ForecastError::Core(Error::NonFinite { what, row, column: Some(0), value })
        }
        other => other,
    })
}

#[test]
fn conformance() {
    conformance::assert_send_sync::<shopml_forecast::model::FittedModel>();
    conformance::assert_send_sync::<shopml_forecast::batch::SeriesOutcome>();
    let x = Array2::from_shape_vec((30, 1), seasonal_series(30, 5)).unwrap();
    conformance::check_rejects_non_finite(&x, as_series_fit);
    conformance::check_rejects_empty(1, as_series_fit);
    let y = TimeSeries::new(seasonal_series(48, 4), 12).unwrap();
    conformance::check_input_unchanged(&y, |y| {
        AutoEts::params().fit(y).unwrap();
    });
    let specs = [
        ModelSpec::AutoEtsParams(AutoEts::params()),
        ModelSpec::ThetaParams(Theta::params()),
        ModelSpec::BaselineParams(BaselineParams::drift()),
        ModelSpec::IntermittentParams(IntermittentParams::adida()),
        ModelSpec::HoltWintersParams(HoltWintersParams::multiplicative()),
        ModelSpec::Naive2Params,
    ];
    for spec in &specs {
        let model = spec.fit(&y).unwrap();
        conformance::check_serde_roundtrip(&model, |m| m.forecast(6, &[90.0]).unwrap());
        conformance::check_seed_determinism(|_| spec.fit(&y).unwrap());
    }
    let batch = SeriesBatch::from_series(&(0..6).map(|k| seasonal_series(48, k)).collect::<Vec<_>>(), 12).unwrap();
    conformance::check_thread_count_independence(|| {
        BatchForecaster::new(ModelSpec::AutoEtsParams(AutoEts::params()), 6, vec![95.0]).run(&batch).unwrap()
    });
    let e = ForecastError::from(Error::empty("x"));
    assert!(e.as_core().is_some());
}

/// A yearly-like series whose slope wanders (integrated random walk), so an
/// unbounded fit wants a large trend weight β.
fn wandering_trend(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let (mut level, mut slope) = (1000.0, 20.0);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5;
            slope += 60.0 * u;
            level += slope;
            level
        })
        .collect()
}

#[test]
fn statsforecast_weight_bounds() {
    use shopml_forecast::ets::EtsSpec;
    // Candidate order of statsforecast's `ets_f` loop (error, trend, season, damped first).
    let names: Vec<String> = AutoEts::params().candidates(30, 1, true).iter().map(EtsSpec::name).collect();
    assert_eq!(names, ["ETS(A,N,N)", "ETS(A,Ad,N)", "ETS(A,A,N)", "ETS(M,N,N)", "ETS(M,Ad,N)", "ETS(M,A,N)"]);
    let q: Vec<String> = AutoEts::params().candidates(40, 4, true).iter().map(EtsSpec::name).collect();
    assert_eq!(&q[..6], ["ETS(A,N,N)", "ETS(A,N,A)", "ETS(A,Ad,N)", "ETS(A,A,N)", "ETS(A,Ad,A)", "ETS(A,A,A)"]);
    assert_eq!(q.len(), 15);

    let y = wandering_trend(40, 3);
    let s = TimeSeries::new(y, 1).unwrap();
    let holt = Ets::params(Component::Additive, Component::Additive, false, Component::None);
    let free = holt.clone().fit(&s).unwrap().coefficients;
    assert!(free.beta > 0.25, "the unbounded fit should want a large beta: {free:?}");
    // The box bound binds: β ends at (or just under) the cap, and the likelihood is lower.
    let capped = holt.clone().beta_max(0.05).fit(&s).unwrap();
    assert!(capped.coefficients.beta <= 0.05 && capped.coefficients.beta > 0.04, "{:?}", capped.coefficients);
    assert!(capped.log_likelihood < holt.fit(&s).unwrap().log_likelihood);
    // AutoETS (default) caps β at the starting α of a non-seasonal model, 1e-4 + 0.2 · 0.9998.
    let auto = AutoEts::params().fit(&s).unwrap();
    assert!(auto.model.coefficients.beta <= 0.20006 + 1e-12, "{:?}", auto.model.coefficients);
    let wide = AutoEts::params().statsforecast_search(false).fit(&s).unwrap();
    assert!(wide.model.coefficients.beta > 0.20006, "{:?}", wide.model);
    let err = Ets::params(Component::Additive, Component::Additive, false, Component::None).beta_max(1.5).fit(&s).unwrap_err();
    assert!(err.to_string().contains("beta_max"), "{err}");
}

#[test]
fn autoets_agrees_with_statsforecast_on_yearly_like_series() {
    // Fixture: benches/peers/forecast_sf_autoets_fixture.py (statsforecast 1.7.8 `ets_f`, defaults).
    let fx: serde_json::Value = serde_json::from_str(include_str!("fixtures/statsforecast_autoets_yearly.json")).unwrap();
    let h = fx["h"].as_u64().unwrap() as usize;
    let cases = fx["cases"].as_array().unwrap();
    let (mut same_spec, mut rel) = (0usize, Vec::new());
    for c in cases {
        let y = wandering_trend(c["n"].as_u64().unwrap() as usize, c["seed"].as_u64().unwrap());
        assert_eq!(y[0], c["first"].as_f64().unwrap(), "series generator drifted from the Python one");
        let fit = AutoEts::params().fit(&TimeSeries::new(y, 1).unwrap()).unwrap();
        if fit.model.spec.name() == c["method"].as_str().unwrap() {
            same_spec += 1;
        }
        let ours = fit.forecast(h, &[]).unwrap().point;
        let peer: Vec<f64> = c["forecast"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        rel.push(ours.iter().zip(&peer).map(|(a, b)| ((a - b) / b).abs()).fold(0.0, f64::max));
    }
    rel.sort_by(f64::total_cmp);
    let median = rel[rel.len() / 2];
    // Different Nelder–Mead implementations stop at slightly different points,
    // so demand agreement on most series rather than on all.
    assert!(same_spec * 4 >= cases.len() * 3, "same model on only {same_spec} of {} series", cases.len());
    assert!(median < 0.01, "median max relative forecast difference {median} (all: {rel:?})");
}
