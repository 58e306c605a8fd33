//! Hostile inputs (issues 12 and 13): every case here panicked, returned a
//! wrong `Ok` or silently mis-read its input before the fix.

use proptest::prelude::*;
use shopml_core::{Error, Fit, Forecast, TimeSeries};
use shopml_forecast::backtest::Backtest;
use shopml_forecast::baseline::BaselineParams;
use shopml_forecast::ets::{AutoEts, Component, Ets};
use shopml_forecast::holt_winters::HoltWintersParams;
use shopml_forecast::intermittent::IntermittentParams;
use shopml_forecast::inventory::{self, LeadTimeDemand};
use shopml_forecast::model::ModelSpec;
use shopml_forecast::theta::Theta;
use shopml_forecast::{ForecastError, Result};

fn wavy(n: usize) -> TimeSeries {
    TimeSeries::new((0..n).map(|t| 100.0 + 10.0 * ((t as f64) * 0.7).sin() + ((t * 13) % 7) as f64).collect(), 1).unwrap()
}

#[test]
fn ets_with_negative_sigma2_is_rejected_on_load() {
    let m = Ets::params(Component::Additive, Component::None, false, Component::None).fit(&wavy(40)).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["sigma2"] = serde_json::json!(-4.0);
    let err = serde_json::from_value::<Ets>(v).unwrap_err().to_string();
    assert!(err.contains("sigma2"), "{err}");
    // The fields are public: a model edited in code is caught at forecast time.
    let mut edited = m.clone();
    edited.sigma2 = -4.0;
    assert!(matches!(edited.forecast(3, &[95.0]), Err(Error::InvalidParameter { name: "sigma2", .. })));
}

#[test]
fn ets_with_wrong_season_count_or_weights_is_rejected_on_load() {
    let m = Ets::params(Component::Additive, Component::None, false, Component::None).fit(&wavy(40)).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["last"]["seasons"] = serde_json::json!([1.0, 2.0]);
    assert!(serde_json::from_value::<Ets>(v).is_err());
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["coefficients"]["alpha"] = serde_json::json!(7.0);
    assert!(serde_json::from_value::<Ets>(v).is_err());
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["spec"]["error"] = serde_json::json!("None");
    assert!(serde_json::from_value::<Ets>(v).is_err());
}

#[test]
fn auto_ets_on_a_constant_series_round_trips_json_losslessly() {
    let m = AutoEts::params().fit(&TimeSeries::new(vec![5.0; 20], 1).unwrap()).unwrap();
    assert!(m.model.aic.is_infinite() || m.candidates.iter().any(|c| c.1.is_infinite()), "test needs a non-finite value");
    let json = serde_json::to_string(&m).unwrap();
    let back: AutoEts = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.forecast(3, &[]).unwrap().point, vec![5.0; 3]);
}

#[test]
fn fractional_levels_are_an_error_not_a_sub_one_percent_band() {
    let m = Theta::params().fit(&wavy(40)).unwrap();
    let e = m.forecast(4, &[0.95]).unwrap_err();
    assert!(matches!(e, Error::InvalidParameter { name: "level", .. }));
    assert!(e.to_string().contains("95"), "{e}");
    assert!(m.forecast(4, &[95.0]).is_ok());
    let ets = AutoEts::params().fit(&wavy(40)).unwrap();
    assert!(ets.forecast(4, &[0.8]).is_err());
}

#[test]
fn absurd_horizon_is_an_error_not_an_allocation() {
    let m = BaselineParams::naive().fit(&wavy(10)).unwrap();
    assert!(matches!(m.forecast(usize::MAX, &[]), Err(Error::InvalidParameter { name: "horizon", .. })));
    let ets = AutoEts::params().fit(&wavy(30)).unwrap();
    assert!(ets.forecast(usize::MAX, &[95.0]).is_err());
}

#[test]
fn backtest_with_huge_step_or_windows_is_an_error() {
    let spec = ModelSpec::BaselineParams(BaselineParams::naive());
    let y = wavy(30);
    for bt in [
        Backtest { horizon: 2, step: usize::MAX, n_windows: 3 },
        Backtest { horizon: usize::MAX, step: 1, n_windows: 2 },
        Backtest { horizon: 1, step: 1, n_windows: usize::MAX },
    ] {
        assert!(matches!(bt.run(&spec, &y), Err(ForecastError::TooShort { .. })), "{bt:?}");
    }
}

#[test]
fn inventory_rejects_nan_instead_of_returning_it() {
    assert!(inventory::newsvendor_normal(f64::NAN, 1.0, 2.0, 1.0).is_err());
    assert!(inventory::newsvendor_normal(10.0, f64::NAN, 2.0, 1.0).is_err());
    let bad = LeadTimeDemand { mean: f64::NAN, std_dev: 1.0 };
    assert!(inventory::safety_stock_cycle_service(&bad, 95.0).is_err());
    let bad = LeadTimeDemand { mean: 1.0, std_dev: f64::NAN };
    assert!(inventory::safety_stock_cycle_service(&bad, 95.0).is_err());
    assert!(inventory::safety_stock_fill_rate(&bad, 98.0, 10.0).is_err());
    assert!(inventory::reorder_point(&bad, 1.0).is_err());
    assert!(inventory::eoq(1e308, 1e308, 1e-308).is_err());
    assert!(serde_json::from_str::<LeadTimeDemand>(r#"{"mean": 1.0, "std_dev": -2.0}"#).is_err());
}

#[test]
fn inventory_returns_the_crate_error() {
    // Issue 12: inventory returned shopml_core::Error; every function of the crate returns ForecastError.
    let r: Result<f64> = inventory::eoq(10.0, 1.0, 0.0);
    assert!(matches!(r, Err(ForecastError::Core(Error::InvalidParameter { name: "holding_cost", .. }))));
}

#[test]
fn ets_family_names_name_the_real_method() {
    let y = wavy(40);
    assert_eq!(HoltWintersParams::ses().fit(&y).unwrap().name(), "SES");
    assert_eq!(HoltWintersParams::holt().fit(&y).unwrap().name(), "Holt");
    assert_eq!(ModelSpec::HoltWintersParams(HoltWintersParams::ses()).name(), "SES");
    assert_eq!(ModelSpec::HoltWintersParams(HoltWintersParams::params(Component::Additive, true, Component::None)).name(), "damped Holt");
    assert_eq!(
        ModelSpec::HoltWintersParams(HoltWintersParams::params(Component::Additive, false, Component::Multiplicative)).name(),
        "multiplicative Holt-Winters"
    );
    let m = Ets::params(Component::Multiplicative, Component::Additive, true, Component::None).fit(&y).unwrap();
    assert_eq!(m.name(), "ETS(M,Ad,N): damped Holt, multiplicative errors");
}

/// Lead-time demand of SES (ETS(A,N,N)): the total over `L` steps has
/// variance `σ² Σ_{i=0}^{L−1} (1 + iα)²` (Hyndman et al. 2008, §6.6).
#[test]
fn lead_time_demand_of_ses_matches_the_cumulative_variance_formula() {
    let m = Ets::params(Component::Additive, Component::None, false, Component::None).alpha(0.3).fit(&wavy(60)).unwrap();
    for l in [1usize, 2, 5] {
        let ltd = LeadTimeDemand::from_forecast(&m, l).unwrap();
        let want: f64 = (0..l).map(|i| (1.0 + i as f64 * 0.3).powi(2)).sum::<f64>() * m.sigma2;
        assert!((ltd.std_dev - want.sqrt()).abs() < 1e-9 * want.sqrt().max(1.0), "L = {l}");
        assert!((ltd.mean - l as f64 * m.last.level).abs() < 1e-9 * ltd.mean);
    }
}

/// ETS(M,N,N): y = ℓ(1 + ε₁) + ℓ(1 + αε₁)(1 + ε₂), so the two-step total has
/// mean 2ℓ and variance ℓ²σ²((1 + α)² + 1 + α²σ²); one step, ℓσ. The
/// storefront's `√sigma2` (a relative spread) is off by the factor ℓ.
#[test]
fn lead_time_demand_of_multiplicative_error_uses_the_model_not_sigma2() {
    let y = wavy(60);
    let m = Ets::params(Component::Multiplicative, Component::None, false, Component::None).alpha(0.4).fit(&y).unwrap();
    let (l, a, s2) = (m.last.level, 0.4, m.sigma2);
    let one = LeadTimeDemand::from_forecast(&m, 1).unwrap();
    assert!((one.std_dev / (l * s2.sqrt()) - 1.0).abs() < 0.02, "{} vs {}", one.std_dev, l * s2.sqrt());
    assert!((one.mean / l - 1.0).abs() < 0.01);
    let two = LeadTimeDemand::from_forecast(&m, 2).unwrap();
    let want = (l * l * s2 * ((1.0 + a) * (1.0 + a) + 1.0 + a * a * s2)).sqrt();
    assert!((two.std_dev / want - 1.0).abs() < 0.02, "{} vs {want}", two.std_dev);
    assert!((two.mean / (2.0 * l) - 1.0).abs() < 0.01);
    assert!(LeadTimeDemand::from_forecast(&m, 0).is_err());
    assert!(LeadTimeDemand::from_forecast(&m, usize::MAX).is_err());
}

fn hostile() -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => -1e3..1e3f64,
        1 => Just(0.0),
        1 => Just(1e308),
        1 => Just(-1e308),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(5e-324),
        1 => Just(1.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Every fit and forecast entry point: an `Err` or finite numbers, never a panic.
    #[test]
    fn fits_and_forecasts_never_panic(values in prop::collection::vec(hostile(), 0..40), m in 0usize..14, h in 0usize..30) {
        let Ok(series) = TimeSeries::new(values, m) else { return Ok(()) };
        let specs = [
            ModelSpec::AutoEtsParams(AutoEts::params().max_iter(60)),
            ModelSpec::HoltWintersParams(HoltWintersParams::holt()),
            ModelSpec::ThetaParams(Theta::params()),
            ModelSpec::BaselineParams(BaselineParams::naive()),
            ModelSpec::Naive2Params,
            ModelSpec::IntermittentParams(IntermittentParams::croston(0.1)),
        ];
        for spec in &specs {
            if let Ok(model) = spec.fit(&series)
                && let Ok(f) = model.forecast(h, &[80.0, 95.0])
            {
                prop_assert_eq!(f.point.len(), h);
                for iv in &f.intervals {
                    prop_assert_eq!(iv.lower.len(), h);
                }
                let json = serde_json::to_string(&model).unwrap();
                let _ = serde_json::from_str::<shopml_forecast::model::FittedModel>(&json);
            }
        }
    }

    #[test]
    fn inventory_never_panics_or_returns_non_finite(a in hostile(), b in hostile(), c in hostile(), d in hostile()) {
        for r in [
            inventory::newsvendor_normal(a, b, c, d),
            inventory::eoq(a, b, c),
            inventory::base_stock_level(a, b, c, d, 95.0),
            inventory::lead_time_demand(a, b, c, d).and_then(|l| inventory::safety_stock_cycle_service(&l, 95.0)),
        ].into_iter().flatten() {
            prop_assert!(r.is_finite());
        }
    }
}

/// Found by the `json_models` fuzz target: a Naive2 model whose seasonal
/// indices are shorter than a season panicked on forecast. Every fitted
/// forecast type now checks on load what fitting guarantees.
#[test]
fn loaded_forecast_models_are_checked() {
    use shopml_forecast::FittedModel;
    let short = r#"{"Naive2":{"adjustment":{"multiplicative":true,"indices":[0.65,0.77,1.35,0.65,0.77],"season_length":7},"last":48.4,"sigma":2.9}}"#;
    assert!(serde_json::from_str::<FittedModel>(short).unwrap_err().to_string().contains("seasonal indices"));
    let zero = r#"{"Naive2":{"adjustment":{"multiplicative":true,"indices":[],"season_length":0},"last":1.0,"sigma":0.0}}"#;
    assert!(serde_json::from_str::<FittedModel>(zero).unwrap_err().to_string().contains("season_length"));
    let negative = r#"{"Naive2":{"adjustment":{"multiplicative":true,"indices":[1.0,-1.0],"season_length":2},"last":1.0,"sigma":0.0}}"#;
    assert!(serde_json::from_str::<FittedModel>(negative).is_err());
    let fine = r#"{"Naive2":{"adjustment":{"multiplicative":true,"indices":[0.9,1.1],"season_length":2},"last":1.0,"sigma":0.5}}"#;
    let m: FittedModel = serde_json::from_str(fine).unwrap();
    assert_eq!(shopml_core::Forecast::forecast(&m, 3, &[]).unwrap().point, vec![0.9, 1.1, 0.9]);
    // Each fitted type, edited to break what fitting guarantees, is refused.
    let y: Vec<f64> = (0..40).map(|t| 10.0 + (t % 4) as f64 + 0.1 * t as f64).collect();
    let s = shopml_core::TimeSeries::new(y, 4).unwrap();
    let theta = serde_json::to_value(shopml_forecast::Theta::params().fit(&s).unwrap()).unwrap();
    for (field, bad) in [("alpha", serde_json::json!(2.0)), ("theta", serde_json::json!(0.0)), ("sigma2", serde_json::json!(-1.0))] {
        let mut v = theta.clone();
        v[field] = bad;
        assert!(serde_json::from_value::<shopml_forecast::Theta>(v).unwrap_err().to_string().contains(field), "{field}");
    }
    let base = serde_json::to_value(shopml_forecast::baseline::BaselineParams::naive().fit(&s).unwrap()).unwrap();
    let mut v = base.clone();
    v["tail"] = serde_json::json!([]);
    assert!(serde_json::from_value::<shopml_forecast::baseline::Baseline>(v).is_err());
    let mstl = serde_json::to_value(shopml_forecast::mstl::MstlEtsParams::new(vec![4]).fit(&s).unwrap()).unwrap();
    let mut v = mstl.clone();
    v["last_cycles"] = serde_json::json!([[1.0, 2.0]]);
    assert!(serde_json::from_value::<shopml_forecast::mstl::MstlEts>(v).unwrap_err().to_string().contains("last_cycles"));
    assert!(serde_json::from_value::<shopml_forecast::mstl::MstlEts>(mstl).is_ok());
}

/// Hierarchies and (s, S) policies saved to JSON reload; tampered ones that
/// would index out of range (more bottom series than series, a parent after
/// its child, a bottom block that is not the identity) or invert s and S
/// are refused.
#[test]
fn tampered_hierarchies_and_policies_are_refused() {
    use shopml_forecast::inventory::MinMaxPolicy;
    use shopml_forecast::reconcile::Hierarchy;
    let paths: Vec<Vec<String>> =
        [["A", "A1"], ["A", "A2"], ["B", "B1"]].iter().map(|p| p.iter().map(|s| s.to_string()).collect()).collect();
    let h = Hierarchy::from_paths(&paths).unwrap();
    let json = serde_json::to_value(&h).unwrap();
    assert_eq!(serde_json::from_value::<Hierarchy>(json.clone()).unwrap(), h);
    let refused = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut j = json.clone();
        edit(&mut j);
        let e = serde_json::from_value::<Hierarchy>(j).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
    };
    refused(&|j| j["names"].as_array_mut().unwrap().truncate(2), "names");
    refused(&|j| j["parents"][1] = serde_json::json!(4), "parents");
    refused(&|j| j["parents"][3] = serde_json::Value::Null, "parents");
    // The summing matrix is serialised as ndarray's {v, dim, data}; flip a bottom entry.
    refused(
        &|j| {
            let data = j["summing"]["data"].as_array_mut().unwrap();
            let last = data.len() - 1;
            data[last] = serde_json::json!(0.0);
        },
        "identity",
    );
    let p: MinMaxPolicy = serde_json::from_str(r#"{"min": 5.0, "max": 20.0}"#).unwrap();
    assert_eq!((p.min, p.max), (5.0, 20.0));
    assert!(serde_json::from_str::<MinMaxPolicy>(r#"{"min": 30.0, "max": 20.0}"#).is_err());
}
