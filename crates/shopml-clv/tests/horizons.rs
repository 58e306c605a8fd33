//! The shared-series expectation at many horizons (what CLV uses) against
//! the one-horizon formula, and CLV against its definition summed here.

use shopml_clv::{BetaGeo, ClvParams, GammaGamma, ModifiedBetaGeo, RepeatPurchaseModel, customer_lifetime_value, simulate};

fn agrees<M: RepeatPurchaseModel>(model: &M, summary: &shopml_clv::Summary) {
    let ts: Vec<f64> = (1..=12).map(|k| k as f64 * 4.345).chain([0.5, 200.0, 1e4]).collect();
    let mut out = vec![0.0; ts.len()];
    for c in &summary.customers {
        model.conditional_expected_purchases_at(&ts, c.frequency, c.recency, c.t, &mut out);
        for (&t, &got) in ts.iter().zip(&out) {
            let want = model.conditional_expected_purchases(t, c.frequency, c.recency, c.t);
            assert!((got - want).abs() <= 1e-12 * want.abs().max(1e-12), "{} t {t} {c:?}: {got} vs {want}", model.name());
        }
    }
}

#[test]
fn many_horizons_equal_one_at_a_time() {
    // CDNOW-like parameters, and Online Retail's a → 0 boundary.
    for params in [[0.243, 4.414, 0.793, 2.426], [0.8, 60.0, 1e-5, 3.0], [2.0, 10.0, 1.0, 1.0], [0.5, 2.0, 5.0, 0.3]] {
        let bg = BetaGeo::new(params).unwrap();
        agrees(&bg, &simulate::bg_nbd(&bg, 400, 39.0, 7));
        let mbg = ModifiedBetaGeo::new(params).unwrap();
        agrees(&mbg, &simulate::mbg_nbd(&mbg, 400, 39.0, 7));
    }
}

#[test]
fn clv_is_the_discounted_sum_of_period_increments() {
    let bg = BetaGeo::new([0.243, 4.414, 0.793, 2.426]).unwrap();
    let mut summary = simulate::bg_nbd(&bg, 300, 39.0, 3);
    for (i, c) in summary.customers.iter_mut().enumerate() {
        c.monetary = if c.frequency > 0.0 { 10.0 + (i % 13) as f64 } else { 0.0 };
    }
    let gg = GammaGamma::new([6.25, 3.74, 15.44]).unwrap();
    let p = ClvParams { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 0.3 };
    let clv = customer_lifetime_value(&bg, &gg, &summary, &p).unwrap();
    for (c, &got) in summary.customers.iter().zip(&clv) {
        let spend = gg.conditional_expected_spend(c.frequency, c.monetary);
        let e = |k: usize| if k == 0 { 0.0 } else { bg.conditional_expected_purchases(k as f64 * 4.345, c.frequency, c.recency, c.t) };
        let want: f64 = (1..=12).map(|k| (e(k) - e(k - 1)) / 1.01f64.powi(k as i32)).sum::<f64>() * spend * 0.3;
        assert!((got - want).abs() <= 1e-11 * want.abs().max(1e-9), "{c:?}: {got} vs {want}");
    }
}
