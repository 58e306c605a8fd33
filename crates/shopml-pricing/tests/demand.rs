//! Demand estimation against known truths: interval coverage over 1,000
//! seeded simulations, recommended prices against the closed-form optimum of
//! the true curve, panel / logit / order-line estimators on simulated data,
//! and typed errors for bad input.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use shopml_core::{Fit, Timestamp};
use shopml_pricing::optimal::maximise_1d;
use shopml_pricing::{
    Covariance, Demand, DemandCurve, DemandData, DemandForm, LogitShareParams, OrderLine, OrderLineElasticityParams, PanelDemandParams,
    PanelTable, PriceProblem, PricingError, ShareData, optimal_price,
};

const REPS: usize = 1000;

/// ln q = 4 + e ln p + ε, ε ~ N(0, 0.2²), prices uniform on [1, 3].
fn loglog_sample(rng: &mut StdRng, n: usize, e: f64, hetero: bool) -> DemandData {
    let noise = Normal::new(0.0, 0.2).unwrap();
    let price: Vec<f64> = (0..n).map(|_| rng.random_range(1.0..3.0)).collect();
    let qty =
        price.iter().map(|p: &f64| (4.0 + e * p.ln() + noise.sample(rng) * if hetero { p.ln() * 1.5 + 0.2 } else { 1.0 }).exp()).collect();
    DemandData::new(price, qty)
}

/// q = 100 − 20 p + ε, ε ~ N(0, 4²), prices uniform on [1, 4].
fn linear_sample(rng: &mut StdRng, n: usize) -> DemandData {
    let noise = Normal::new(0.0, 4.0).unwrap();
    let price: Vec<f64> = (0..n).map(|_| rng.random_range(1.0..4.0)).collect();
    let qty = price.iter().map(|p| 100.0 - 20.0 * p + noise.sample(rng)).collect();
    DemandData::new(price, qty)
}

fn coverage(mut hit: impl FnMut(&mut StdRng) -> bool) -> f64 {
    let mut rng = StdRng::seed_from_u64(20261203);
    (0..REPS).filter(|_| hit(&mut rng)).count() as f64 / REPS as f64
}

#[test]
fn loglog_interval_covers_truth_93_to_97_percent() {
    let e_true = -2.0;
    let cov = coverage(|rng| {
        let c = DemandCurve::params(DemandForm::LogLog).fit(&loglog_sample(rng, 30, e_true, false)).unwrap();
        let e = c.elasticity(2.0, 95.0).unwrap();
        e.lower <= e_true && e_true <= e.upper
    });
    assert!((0.93..=0.97).contains(&cov), "log-log classical coverage {cov}");
}

#[test]
fn loglog_hc1_interval_covers_truth_under_heteroskedasticity() {
    // HC1 is asymptotic: with n = 200 its coverage is within the band.
    let e_true = -1.5;
    let cov = coverage(|rng| {
        let c = DemandCurve::params(DemandForm::LogLog).covariance(Covariance::Hc1).fit(&loglog_sample(rng, 200, e_true, true)).unwrap();
        let e = c.elasticity(2.0, 95.0).unwrap();
        e.lower <= e_true && e_true <= e.upper
    });
    assert!((0.93..=0.97).contains(&cov), "log-log HC1 coverage {cov}");
}

#[test]
fn linear_delta_method_interval_covers_truth_93_to_97_percent() {
    // elasticity at p = 2: −20·2 / (100 − 40) = −2/3
    let p0 = 2.0;
    let e_true = -20.0 * p0 / (100.0 - 20.0 * p0);
    let cov = coverage(|rng| {
        let c = DemandCurve::params(DemandForm::Linear).fit(&linear_sample(rng, 40)).unwrap();
        let e = c.elasticity(p0, 95.0).unwrap();
        e.lower <= e_true && e_true <= e.upper
    });
    assert!((0.93..=0.97).contains(&cov), "linear delta-method coverage {cov}");
}

#[test]
fn recommended_price_within_one_percent_of_true_optimum() {
    // 200 seeded data sets of 5,000 observations each; the recommendation must be
    // within 1 % of the true curve's optimum in at least 99 % of them.
    let mut rng = StdRng::seed_from_u64(7);
    let (mut ok_loglog, mut ok_linear) = (0, 0);
    for _ in 0..200 {
        // log-log: true e = −2.5, cost 4 → Lerner p* = 4·2.5/1.5
        let c = DemandCurve::params(DemandForm::LogLog).fit(&loglog_sample(&mut rng, 5000, -2.5, false)).unwrap();
        let best = c.optimal_price(4.0, 1.0, 20.0).unwrap();
        ok_loglog += usize::from((best.price / (4.0 * 2.5 / 1.5) - 1.0).abs() < 0.01);
        // linear: q = 100 − 20p, cost 1 → p* = (100/20 + 1)/2 = 3
        let c = DemandCurve::params(DemandForm::Linear).fit(&linear_sample(&mut rng, 5000)).unwrap();
        let best = c.optimal_price(1.0, 0.5, 10.0).unwrap();
        ok_linear += usize::from((best.price / 3.0 - 1.0).abs() < 0.01);
    }
    assert!(ok_loglog >= 198 && ok_linear >= 198, "within 1 %: log-log {ok_loglog}/200, linear {ok_linear}/200");
}

#[test]
fn closed_forms_equal_brent_search() {
    for (d, cost) in [
        (Demand::ConstantElasticity { scale: 500.0, elasticity: -1.8 }, 3.0),
        (Demand::Linear { intercept: 120.0, slope: -7.0 }, 2.5),
        (Demand::SemiLog { scale: 300.0, slope: -0.4 }, 1.5),
    ] {
        let closed = optimal_price(&PriceProblem::new(d, cost, 0.5, 40.0)).unwrap();
        let f = |p: f64| (p - cost) * d.quantity(p);
        let (p, _, _) = maximise_1d(&f, 0.5, 40.0).unwrap();
        assert!((closed.price - p).abs() < 1e-6, "{d:?}: {} vs Brent {p}", closed.price);
        assert!(closed.binding.is_none());
    }
}

#[test]
fn inelastic_demand_returns_the_flagged_upper_bound() {
    let r = optimal_price(&PriceProblem::new(Demand::ConstantElasticity { scale: 100.0, elasticity: -0.6 }, 1.0, 2.0, 9.0)).unwrap();
    assert_eq!(r.price, 9.0);
    assert!(r.inelastic);
    assert_eq!(r.binding, Some(shopml_pricing::Bound::Upper));
    // Lerner optimum above the bound: the bound binds but demand is elastic
    let r = optimal_price(&PriceProblem::new(Demand::ConstantElasticity { scale: 100.0, elasticity: -1.2 }, 1.0, 2.0, 5.0)).unwrap();
    assert_eq!(r.price, 5.0);
    assert!(!r.inelastic);
    let err =
        optimal_price(&PriceProblem::new(Demand::Linear { intercept: 10.0, slope: -1.0 }, 12.0, 1.0, 9.0).product("dear")).unwrap_err();
    assert!(matches!(err, PricingError::CostAboveBounds { ref product, .. } if product == "dear"));
}

#[test]
fn bad_input_names_product_and_row() {
    let params = DemandCurve::params(DemandForm::LogLog);
    let e = params.fit(&DemandData::new(vec![1.0, 2.0, 3.0, 4.0], vec![5.0, 0.0, 3.0, 2.0]).product("mug")).unwrap_err();
    assert!(matches!(e, PricingError::InvalidObservation { ref product, what: "quantity", row: 1, .. } if product == "mug"), "{e}");
    let e = params.fit(&DemandData::new(vec![1.0, f64::NAN, 3.0, 4.0], vec![5.0, 4.0, 3.0, 2.0])).unwrap_err();
    assert!(matches!(e, PricingError::InvalidObservation { what: "price", row: 1, .. }), "{e}");
    let e = params.fit(&DemandData::new(vec![-1.0, 2.0, 3.0, 4.0], vec![5.0, 4.0, 3.0, 2.0])).unwrap_err();
    assert!(matches!(e, PricingError::InvalidObservation { what: "price", row: 0, .. }), "{e}");
    let e = params.fit(&DemandData::new(vec![2.0; 5], vec![5.0, 4.0, 3.0, 2.0, 1.0])).unwrap_err();
    assert!(matches!(e, PricingError::TooFewPrices { distinct: 1, .. }), "{e}");
    let e = params.fit(&DemandData::new(vec![1.0, 2.0], vec![5.0, 4.0])).unwrap_err();
    assert!(matches!(e, PricingError::TooFewObservations { n_obs: 2, n_params: 2, .. }), "{e}");
    let e = params.fit(&DemandData::new(vec![1.0, 2.0, 3.0, 4.0], vec![5.0, 4.0, 3.0, 2.0]).control("promo", vec![0.0, 1.0])).unwrap_err();
    assert!(matches!(e, PricingError::Core(_)), "{e}");
    // linear demand accepts zero sales
    assert!(DemandCurve::params(DemandForm::Linear).fit(&DemandData::new(vec![1.0, 2.0, 3.0, 4.0], vec![5.0, 0.0, 3.0, 2.0])).is_ok());
}

#[test]
fn curve_round_trips_and_rejects_tampered_json() {
    let mut rng = StdRng::seed_from_u64(1);
    let c = DemandCurve::params(DemandForm::SemiLog).fit(&loglog_sample(&mut rng, 50, -2.0, false)).unwrap();
    let s = serde_json::to_string(&c).unwrap();
    let back: DemandCurve = serde_json::from_str(&s).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.elasticity(1.7, 90.0).unwrap(), c.elasticity(1.7, 90.0).unwrap());
    let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
    v["params"] = serde_json::json!([1.0]);
    assert!(serde_json::from_value::<DemandCurve>(v).is_err());
    fn send_sync<T: Send + Sync>() {}
    send_sync::<DemandCurve>();
}

#[test]
fn semilog_elasticity_is_beta_times_price_with_scaled_se() {
    let mut rng = StdRng::seed_from_u64(3);
    let c = DemandCurve::params(DemandForm::SemiLog).fit(&loglog_sample(&mut rng, 80, -2.0, false)).unwrap();
    let b = c.price_coefficient(95.0).unwrap();
    let e = c.elasticity(2.5, 95.0).unwrap();
    assert!((e.estimate - 2.5 * b.estimate).abs() < 1e-12 && (e.std_error - 2.5 * b.std_error).abs() < 1e-12);
}

#[test]
fn pooled_panel_with_store_effects_recovers_elasticity() {
    let mut rng = StdRng::seed_from_u64(11);
    let noise = Normal::new(0.0, 0.1).unwrap();
    let mut t = PanelTable::new(&["promo"]);
    for s in 0..12 {
        let store_level = rng.random_range(-1.0..1.0);
        for prod in ["a", "b", "c"] {
            for w in 0..30 {
                let p: f64 = rng.random_range(1.0..2.5);
                let promo = f64::from(u8::from(rng.random::<f64>() < 0.2));
                let q = (5.0 + store_level - 1.7 * p.ln() + 0.4 * promo + 0.01 * w as f64 + noise.sample(&mut rng)).exp();
                t.push(&s.to_string(), prod, w, p, q, &[promo]).unwrap();
            }
        }
    }
    let params = PanelDemandParams { spec: shopml_pricing::PanelSpec { trend: true, ..Default::default() }, covariance: Covariance::Hc1 };
    let c = params.fit(&t).unwrap();
    let e = c.elasticity(1.5, 95.0).unwrap();
    assert!(e.lower < -1.7 && -1.7 < e.upper, "{e:?}");
    let promo = c.names().iter().position(|n| n == "promo").unwrap();
    assert!((c.coefficients()[promo] - 0.4).abs() < 0.05);
    assert!(c.names().iter().any(|n| n == "store[11]") && !c.names().iter().any(|n| n == "store[0]"));
}

#[test]
fn logit_share_elasticities_match_finite_differences_of_shares() {
    let mut rng = StdRng::seed_from_u64(5);
    let noise = Normal::new(0.0, 0.05).unwrap();
    let delta = [1.0, 0.6, 0.2];
    let alpha = -1.5;
    let mut d = ShareData::default();
    for t in 0..60 {
        let p: Vec<f64> = (0..3).map(|_| rng.random_range(1.0..3.0)).collect();
        let u: Vec<f64> = (0..3).map(|j| delta[j] + alpha * p[j] + noise.sample(&mut rng)).collect();
        let den = 1.0 + u.iter().map(|v| v.exp()).sum::<f64>();
        for j in 0..3 {
            d.push(&t.to_string(), ["x", "y", "z"][j], p[j], u[j].exp() / den);
        }
    }
    let m = LogitShareParams::default().fit(&d).unwrap();
    assert!((m.price_coefficient() - alpha).abs() < 0.05);
    let prices = [1.5, 2.0, 2.5];
    let e = m.elasticities(&prices).unwrap();
    let s0 = m.shares(&prices).unwrap();
    for k in 0..3 {
        let h = 1e-6;
        let mut up = prices;
        up[k] *= 1.0 + h;
        let s1 = m.shares(&up).unwrap();
        for j in 0..3 {
            let fd = (s1[j].ln() - s0[j].ln()) / (1.0 + h).ln();
            assert!((fd - e[j][k]).abs() < 1e-4, "[{j}][{k}] {fd} vs {}", e[j][k]);
        }
    }
    let est = m.elasticity(&prices, 0, 0, 95.0).unwrap();
    assert!(est.std_error > 0.0 && est.lower < est.estimate && est.estimate < est.upper);
    // shares summing to one leave no outside good
    let mut bad = ShareData::default();
    bad.push("m", "x", 1.0, 0.6);
    bad.push("m", "y", 1.0, 0.5);
    assert!(LogitShareParams::default().fit(&bad).is_err());
}

#[test]
fn order_line_table_flags_unreliable_products() {
    let mut rng = StdRng::seed_from_u64(9);
    let start = Timestamp::from_date(2024, 1, 1).unwrap();
    let mut lines = Vec::new();
    for w in 0..40i64 {
        // "mug": four list prices, elasticity −2
        let p: f64 = [4.0, 4.5, 5.0, 5.5][rng.random_range(0..4)];
        let mean = 400.0 * p.powf(-2.0);
        for _ in 0..3 {
            let q = (mean / 3.0 * rng.random_range(0.8..1.2)).round().max(1.0);
            lines.push(OrderLine::from(("mug", start.add_days(7 * w + rng.random_range(0..7)), q, p)));
        }
        // "tea": one price only
        lines.push(OrderLine::new("tea", start.add_days(7 * w), 3.0, 2.0));
        // a return and a free sample are skipped, not fatal
        lines.push(OrderLine::new("mug", start.add_days(7 * w), -1.0, p));
        lines.push(OrderLine::new("tea", start.add_days(7 * w), 1.0, 0.0));
    }
    let table = OrderLineElasticityParams::default().estimate(&lines).unwrap();
    assert_eq!(table.n_lines_skipped, 80);
    let mug = table.rows.iter().find(|r| r.product == "mug").unwrap();
    assert!(mug.reliable, "{mug:?}");
    let e = mug.elasticity.unwrap();
    assert!(e.lower < -2.0 && -2.0 < e.upper, "{e:?}");
    let tea = table.rows.iter().find(|r| r.product == "tea").unwrap();
    assert!(!tea.reliable && tea.elasticity.is_none() && tea.reason.contains("distinct prices"), "{tea:?}");
}

#[test]
fn volume_discount_tiers_are_not_taken_for_a_demand_response() {
    // "crate": one list schedule all year — 3.00 per unit below 6 units,
    // 2.50 from 6, 2.10 from 25 — and order sizes that do not depend on any
    // price change. The weekly (price, units) points still slope down
    // steeply, because big orders are the cheap ones.
    let mut rng = StdRng::seed_from_u64(4);
    let start = Timestamp::from_date(2024, 1, 1).unwrap();
    let mut lines = Vec::new();
    for w in 0..40i64 {
        for _ in 0..8 {
            let q = [1.0, 2.0, 4.0, 6.0, 12.0, 24.0, 48.0][rng.random_range(0..7)];
            let p = if q < 6.0 {
                3.0
            } else if q < 25.0 {
                2.5
            } else {
                2.1
            };
            lines.push(OrderLine::new("crate", start.add_days(7 * w + rng.random_range(0..7)), q, p));
        }
    }
    let table = OrderLineElasticityParams::default().estimate(&lines).unwrap();
    let row = &table.rows[0];
    let rho = row.quantity_price_rho.unwrap();
    assert!(rho < -0.8, "tier pricing ranks price exactly against quantity: {rho}");
    assert!(row.elasticity.unwrap().upper < 0.0, "the naive slope looks significant: {row:?}");
    assert!(!row.reliable && row.reason.contains("volume-discount"), "{row:?}");
    // The guard, and only the guard, rejects it.
    let off = OrderLineElasticityParams { min_quantity_price_rho: -1.0, ..Default::default() }.estimate(&lines).unwrap();
    assert!(off.rows[0].reliable, "{:?}", off.rows[0]);
    assert!(OrderLineElasticityParams { min_quantity_price_rho: -1.5, ..Default::default() }.estimate(&lines).is_err());
}
