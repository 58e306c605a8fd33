//! The price book against closed forms: baselines counted by hand, the
//! constant-elasticity optimum c·e/(1+e) (or the band's edge), the profit
//! change recomputed from the demand curve, and validated loading.

use shopml_core::{Fit, Timestamp};
use shopml_pricing::{MarginPolicy, OrderLine, PriceBook, PriceBookParams};

/// `weeks` weeks of one product cycling through `prices`, units = a·p^e.
fn product(name: &str, a: f64, e: f64, prices: &[f64], weeks: i64) -> Vec<OrderLine> {
    let t0 = Timestamp::from_date(2024, 1, 1).unwrap();
    (0..weeks)
        .map(|w| {
            let p = prices[w as usize % prices.len()];
            // ±1 % deterministic wobble so the fit has residuals.
            let q = a * p.powf(e) * (1.0 + 0.01 * ((w % 3) as f64 - 1.0));
            OrderLine::new(name, t0.add_days(7 * w), q, p)
        })
        .collect()
}

#[test]
fn baselines_and_top_products_follow_revenue() {
    let mut lines = product("a", 1000.0, -2.0, &[2.0, 3.0, 4.0], 12);
    lines.extend(product("b", 10.0, -2.0, &[2.0, 3.0, 4.0], 12));
    lines.push(OrderLine::new("b", Timestamp::from_date(2024, 1, 1).unwrap(), -5.0, 3.0)); // a return: not a sale
    let book = PriceBookParams::default().top_products(1).fit(&lines[..]).unwrap();
    assert_eq!(book.rows.len(), 1);
    let b = &book.rows[0].baseline;
    assert_eq!((b.product.as_str(), b.weeks), ("a", 12));
    let units: f64 = lines.iter().filter(|l| l.product == "a").map(|l| l.quantity).sum();
    let revenue: f64 = lines.iter().filter(|l| l.product == "a").map(|l| l.quantity * l.unit_price).sum();
    assert!((b.weekly_units - units / 12.0).abs() < 1e-9 && (b.revenue - revenue).abs() < 1e-9);
    // Twelve lines at 2, 3, 4 in turn: the sorted prices' element 6 is 3.
    assert_eq!(b.median_price, 3.0);
    assert!(PriceBookParams::default().top_products(0).fit(&lines[..]).is_err());
    assert!(PriceBookParams::default().fit(&lines[..0]).is_err());
}

#[test]
fn recommendations_are_the_closed_form_optimum() {
    // e = −3, p₀ = 3, cost 0.5·p₀ = 1.5: interior optimum c·e/(1+e) = 2.25 inside ±30 %.
    // e = −1.5 with cost 0.6·p₀: c·e/(1+e) = 3·1.8 = 5.4 > 1.2·p₀, so the upper edge.
    let mut lines = product("steep", 5000.0, -3.0, &[2.5, 3.0, 3.5], 24);
    lines.extend(product("flat", 100.0, -1.5, &[2.5, 3.0, 3.5], 24));
    let book = PriceBookParams::default().fit(&lines[..]).unwrap();
    for (policy, product) in
        [(MarginPolicy { cost_share: 0.5, max_change: 0.3 }, "steep"), (MarginPolicy { cost_share: 0.6, max_change: 0.2 }, "flat")]
    {
        let recs = book.recommend(&policy).unwrap();
        let rec = recs.iter().find(|r| r.product == product).unwrap();
        let row = book.rows.iter().find(|r| r.baseline.product == product).unwrap();
        let e = row.elasticity.elasticity.unwrap().estimate;
        let (p0, q0) = (row.baseline.median_price, row.baseline.weekly_units);
        let c = policy.cost_share * p0;
        assert_eq!(rec.unit_cost, c);
        let (lo, hi) = ((1.0 - policy.max_change) * p0, (1.0 + policy.max_change) * p0);
        let want = (c * e / (1.0 + e)).clamp(lo, hi);
        let got = rec.optimum.as_ref().unwrap();
        assert!((got.price - want).abs() < 1e-6 * want, "{product}: {} vs {want}", got.price);
        let profit = |p: f64| (p - c) * q0 * (p / p0).powf(e);
        let change = (profit(want) - profit(p0)) / profit(p0);
        assert!((rec.profit_change.unwrap() - change).abs() < 1e-6, "{product}");
    }
    assert!(book.recommend(&MarginPolicy { cost_share: 1.0, max_change: 0.2 }).is_err());
    assert!(book.recommend(&MarginPolicy { cost_share: 0.5, max_change: 0.0 }).is_err());
}

#[test]
fn a_saved_book_reloads_and_a_tampered_one_is_refused() {
    let book = PriceBookParams::default().fit(&product("steep", 5000.0, -3.0, &[2.5, 3.0, 3.5], 24)[..]).unwrap();
    assert!(book.rows[0].elasticity.reliable);
    let json = serde_json::to_string(&book).unwrap();
    let back: PriceBook = serde_json::from_str(&json).unwrap();
    assert_eq!(back, book);
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["rows"][0]["baseline"]["median_price"] = serde_json::json!(-1.0);
    assert!(serde_json::from_value::<PriceBook>(v).unwrap_err().to_string().contains("median_price"));
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["rows"][0]["elasticity"]["elasticity"]["estimate"] = serde_json::json!(2.0);
    assert!(serde_json::from_value::<PriceBook>(v).is_err());
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = v["rows"][0].clone();
    v["rows"].as_array_mut().unwrap().push(row);
    assert!(serde_json::from_value::<PriceBook>(v).unwrap_err().to_string().contains("twice"));
}
