//! The storefront on an export of another shape than Online Retail (ISO
//! timestamps, string customer ids, a category column, neutral cleaning
//! rules) generated with a known demand curve: every step runs, and the
//! pricing step recovers the closed-form optimal price.
//!
//! Demand of each product is `q = A · (p / p₀)^−3` per week, with weekly
//! promotions (10, 20 or 30 % off in one week of five) as the only price
//! variation, and order sizes that do not depend on the price. With unit
//! cost `c = 0.6 p₀` the profit-maximising constant-elasticity price is
//! `p* = c · e / (1 + e) = 0.6 · 3 / 2 · p₀ = 0.9 p₀`, inside the ±20 % band.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shopml::clean::{CleaningRules, TransactionSchema};
use shopml::core::Timestamp;
use shopml::storefront::{StorefrontConfig, run};

const PRODUCTS: usize = 6;
const WEEKS: i64 = 58;

fn export(seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Timestamp::from_date(2024, 1, 1).unwrap();
    let base: Vec<f64> = (0..PRODUCTS).map(|k| 4.0 + 1.5 * k as f64).collect();
    let weekly: Vec<f64> = (0..PRODUCTS).map(|k| 60.0 - 6.0 * k as f64).collect();
    // Customers are active over a window of the year; some leave early.
    let customers: Vec<(i64, i64)> = (0..300).map(|_| (rng.random_range(0..WEEKS - 8), rng.random_range(6..WEEKS))).collect();
    let mut csv = String::from("order_id,ordered_at,customer,sku,qty,unit_price,category\n");
    let mut order = 0u32;
    for w in 0..WEEKS {
        let active: Vec<usize> = (0..customers.len()).filter(|&c| customers[c].0 <= w && w < customers[c].0 + customers[c].1).collect();
        if active.is_empty() {
            continue;
        }
        let mut lines: Vec<(usize, u32, f64)> = Vec::new();
        for k in 0..PRODUCTS {
            let off = if rng.random_range(0..5) == 0 { [0.1, 0.2, 0.3][rng.random_range(0..3)] } else { 0.0 };
            let price = base[k] * (1.0 - off);
            let mut units = (weekly[k] * (price / base[k]).powf(-3.0) * rng.random_range(0.85..1.15)).round() as u32;
            while units > 0 {
                let q = rng.random_range(1..=3).min(units);
                lines.push((k, q, price));
                units -= q;
            }
        }
        // About two lines per order; each order from an active customer.
        let n_orders = lines.len().div_ceil(2);
        let orders: Vec<(u32, usize, Timestamp)> = (0..n_orders)
            .map(|i| {
                let t = start.add_days(7 * w + rng.random_range(0..7));
                (order + i as u32, active[rng.random_range(0..active.len())], t)
            })
            .collect();
        order += n_orders as u32;
        for (k, q, price) in lines {
            let (id, c, t) = orders[rng.random_range(0..orders.len())];
            let (y, m, d, ..) = t.civil();
            let category = ["kitchen", "garden", "bath"][k % 3];
            csv.push_str(&format!("SO-{id},{y}-{m:02}-{d:02}T10:30:00Z,cust-{c},SKU-{k},{q},{price:.2},{category}\n"));
        }
    }
    csv
}

#[test]
fn every_step_runs_on_another_shape_and_pricing_finds_the_closed_form_optimum() {
    let dir = std::env::temp_dir().join(format!("shopml_storefront_own_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("orders.csv");
    std::fs::write(&data, export(11)).unwrap();
    let schema = TransactionSchema::new("order_id", "sku", "qty", "ordered_at", "unit_price").customer("customer").category("category");
    let config = StorefrontConfig::new(data, schema, CleaningRules::default()).out_dir(dir.join("out"));
    let done = run(&config, &mut |_| {}).unwrap();
    let md = std::fs::read_to_string(&done.report).unwrap();
    for step in 1..=9 {
        assert!(md.contains(&format!("\n## {step}. ")), "step {step} missing");
    }
    for skipped in ["Step skipped", "step skipped"] {
        assert!(!md.contains(skipped), "a step was skipped on a 400-day export:\n{md}");
    }
    assert!(md.contains("| ROC AUC |") && md.contains("| value decile |") && md.contains("| in the cart |"));

    // Pricing: every priced product near 0.9 × today's price, none flagged as tiered.
    let rows: Vec<Vec<String>> = md
        .lines()
        .skip_while(|l| !l.starts_with("| product | weekly points | order-size"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
        .collect();
    assert_eq!(rows.len(), PRODUCTS, "{md}");
    let mut priced = 0;
    for r in &rows {
        assert!(!r[8].contains("volume-discount"), "no tiers in this export: {r:?}");
        if let Some((now, new)) = r[6].split_once(" → ") {
            let ratio = new.parse::<f64>().unwrap() / now.parse::<f64>().unwrap();
            assert!((ratio - 0.9).abs() < 0.07, "optimum 0.9 × price, got {ratio:.3}: {r:?}");
            priced += 1;
        }
    }
    assert!(priced >= PRODUCTS - 1, "elasticity −3 with promotions is estimable: {rows:?}");
    assert!(done.charts.iter().any(|c| c.ends_with("pricing_demand.svg")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pseudonymised_run_writes_no_raw_customer_id_anywhere() {
    let dir = std::env::temp_dir().join(format!("shopml_storefront_pseudo_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("orders.csv");
    let csv = export(5);
    assert!(csv.contains("cust-"));
    std::fs::write(&data, csv).unwrap();
    let key = dir.join("shop.key");
    std::fs::write(&key, b"a secret of at least thirty-two bytes, kept apart").unwrap();
    let schema = TransactionSchema::new("order_id", "sku", "qty", "ordered_at", "unit_price").customer("customer").category("category");
    let out = dir.join("out");
    let config = StorefrontConfig::new(data, schema, CleaningRules::default()).out_dir(&out).pseudonymise_key_file(&key);
    let done = run(&config, &mut |_| {}).unwrap();
    let md = std::fs::read_to_string(&done.report).unwrap();
    assert!(md.contains("pseudonymised"), "the report says so");
    // Every file the run wrote: no raw id, no key material.
    let secret = String::from_utf8(std::fs::read(&key).unwrap()).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("cust-"), "a raw customer id was written");
        assert!(!text.contains(&secret));
        files += 1;
    }
    assert!(files >= 10, "report and charts: {files}");
    let _ = std::fs::remove_dir_all(&dir);
}
