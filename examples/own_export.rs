//! A small service on a shop's own export — not Online Retail's layout:
//! `order_id, ordered_at (ISO), customer, sku, qty, unit_price, category`,
//! with a few bad rows. Six steps, each one call into the library:
//! clean → RFM/features → segments → recommender → churn model → weekly
//! forecast and reorder point.
//!
//! `cargo run --release --example own_export`
use rand::{Rng, SeedableRng, rngs::StdRng};
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Forecast, Predict, TimeSeries, Timestamp, Transform, metrics::classification::roc_auc};
use shopml::features::{CustomerFeaturesParams, DemandParams, Frequency, InteractionParams, LabelParams, Target};
use shopml::forecast::{
    ets::AutoEts,
    inventory::{LeadTimeDemand, reorder_point, safety_stock_cycle_service},
};
use shopml::linear::LogisticRegression;
use shopml::recommend::{ImplicitAls, Recommender, Request};
use shopml::segment::{KMeans, RfmScaler};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let csv = generated_export();
    // 1. Clean: map the columns; the default rules are neutral (no shop's codes).
    let schema = TransactionSchema::new("order_id", "sku", "qty", "ordered_at", "unit_price").customer("customer").category("category");
    let cleaned = read(csv.as_bytes(), &schema, &CleaningRules::default())?;
    let r = &cleaned.report;
    println!("read {} rows: {} kept, {} returns, {} quarantined", r.rows_read, r.rows_kept, r.returns, r.quarantined.values().sum::<u64>());
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();
    // 2. RFM and customer features, 3. segments on the RFM columns.
    let features = CustomerFeaturesParams::default().fit(&lines[..])?;
    let rfm = features.select(&["recency", "frequency", "monetary"])?;
    let z = RfmScaler::params(true).fit(&rfm.values)?.transform(&rfm.values)?;
    let labels = KMeans::params(3).seed(7).fit(&z)?.predict(&z)?;
    println!("{} customers, segment of the first: {}", rfm.rows.len(), labels[0]);
    // 4. Recommender keyed by the shop's own ids.
    let data = InteractionParams::new().from_transactions(&cleaned.transactions)?;
    let als = ImplicitAls::params().n_factors(8).iterations(10).seed(7).fit(&data.matrix)?;
    let customer = data.users.id(0).ok_or("no customers")?.clone();
    println!("for {customer}: {:?}", Recommender::new(als, &data)?.recommend(&customer, &Request::top(3))?);
    // 5. Churn in the next 90 days, on a leak-free time split.
    let cutoff = Timestamp::from_date(2024, 6, 1)?;
    let (train, test) = LabelParams::new(cutoff, 90).temporal_split(&lines, &Target::Churn, None)?;
    let model = LogisticRegression::params().fit(&train.to_dataset())?;
    let p = model.predict_proba(&test.features.values)?;
    println!("churn AUC on the held-out period: {:.3}", roc_auc(test.labels.as_slice().ok_or("labels")?, &p.column(1).to_vec())?);
    // 6. Weekly demand of the best seller, forecast and reorder point.
    let panel = DemandParams::new().frequency(Frequency::Week).fit(&lines[..])?;
    let best =
        (0..panel.keys.len()).max_by(|&a, &b| panel.quantity.row(a).sum().total_cmp(&panel.quantity.row(b).sum())).ok_or("no products")?;
    let ets = AutoEts::params().fit(&TimeSeries::new(panel.quantity.row(best).to_vec(), 1)?)?;
    let ltd = LeadTimeDemand::from_forecast(&ets, 2)?;
    let safety = safety_stock_cycle_service(&ltd, 95.0)?;
    println!(
        "{}: next week {:.1}, reorder at {:.1}",
        panel.keys.id(best).ok_or("product")?,
        ets.forecast(1, &[])?.point[0],
        reorder_point(&ltd, safety)?
    );
    Ok(())
}

/// A seeded export: 80 customers, each buying during their own stretch of
/// 2024 (so some stop), from 12 products in two categories, with three bad
/// rows (a text quantity, a date that is not one, a price of zero).
fn generated_export() -> String {
    let mut rng = StdRng::seed_from_u64(42);
    let skus: Vec<(String, &str, f64)> = (0..12).map(|i| (format!("SKU-{i}"), ["kitchen", "food"][i % 2], 2.0 + i as f64)).collect();
    let mut s = String::from("order_id,ordered_at,customer,sku,qty,unit_price,category\n");
    for n in 0..1500 {
        let c = rng.random_range(0..80i64);
        let (start, len) = ((c * 7) % 120, 40 + (c * 37) % 320);
        let (day, k) = ((start + rng.random_range(0..len)).min(359), rng.random_range(0..skus.len()));
        let t = Timestamp::from_date(2024, 1, 1).expect("valid date").add_days(day);
        let (sku, cat, price) = &skus[k];
        let (y, m, d, ..) = t.civil();
        s.push_str(&format!("SO-{n},{y}-{m:02}-{d:02}T10:00:00Z,cust-{c},{sku},{},{price},{cat}\n", rng.random_range(1..5)));
    }
    s.push_str("SO-x1,2024-05-01T10:00:00Z,cust-1,SKU-0,two,2.0,kitchen\nSO-x2,not a date,cust-2,SKU-1,1,3.0,food\nSO-x3,2024-05-02T10:00:00Z,cust-3,SKU-2,1,0,kitchen\n");
    s
}
