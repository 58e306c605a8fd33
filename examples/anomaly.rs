//! Anomalies on the embedded Online Retail sample: an Isolation Forest on
//! order-level signals (value, units, price and quantity against the
//! product's norm, quick reversals, …) with the features that isolated each
//! order, and a Local Outlier Factor on customers' log-scaled, standardised
//! features, each listing the most anomalous with their scores.
//!
//! ```text
//! cargo run --release --example anomaly                      # embedded sample
//! cargo run --release --example anomaly -- path/to/online_retail.csv.gz
//! ```

use std::path::PathBuf;

use shopml::anomaly::{Detector, IsolationForest, LocalOutlierFactor, order_features};
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Predict, Transform};
use shopml::features::preprocessing::StandardScalerParams;
use shopml::features::{CustomerFeaturesParams, ReturnsInSpend};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    // Sales and cancellations together: a quick reversal is one of the signals.
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();

    // Orders: 11 signals per invoice, Isolation Forest (200 trees, offset −0.5).
    let orders = order_features(&lines)?;
    let x = &orders.matrix;
    let forest = IsolationForest::params().n_estimators(200).seed(0).fit(x)?;
    let score = forest.score_samples(x)?;
    let flagged = forest.predict(x)?.iter().filter(|&&l| l < 0).count();
    let attribution = forest.feature_attribution(x)?;
    println!("{} order lines → {} orders; {} flagged by the forest (score above {:.2})", lines.len(), x.nrows(), flagged, -forest.offset());
    println!("\nmost anomalous orders (score: 1 isolates at once, ~0.5 ordinary):");
    println!("  {:<8} {:<9} {:>5} {:>7} {:>10} {:>6}  isolated by", "invoice", "customer", "lines", "units", "value", "score");
    let mut ranked: Vec<usize> = (0..x.nrows()).collect();
    ranked.sort_by(|&a, &b| score[a].total_cmp(&score[b]).then(a.cmp(&b)));
    for &i in ranked.iter().take(10) {
        let o = &orders.orders[i];
        let mut by: Vec<usize> = (0..orders.names().len()).collect();
        by.sort_by(|&a, &b| attribution[[i, b]].total_cmp(&attribution[[i, a]]));
        let reasons: Vec<String> = by.iter().take(2).map(|&j| format!("{} {:.2}", orders.names()[j], x[[i, j]])).collect();
        println!(
            "  {:<8} {:<9} {:>5} {:>7} {:>10.2} {:>6.3}  {}",
            o.invoice,
            o.customer.as_deref().unwrap_or("guest"),
            o.lines,
            o.units,
            o.value,
            -score[i],
            reasons.join(", ")
        );
    }

    // Customers: LOF (20 neighbours) on ln(1 + x) of the features, standardised.
    let table = CustomerFeaturesParams::new().returns(ReturnsInSpend::Exclude).fit(&lines[..])?;
    let columns = [
        ("recency", "recency"),
        ("frequency", "orders"),
        ("monetary", "spend"),
        ("avg_order_value", "order value"),
        ("avg_basket_units", "units/order"),
        ("return_rate", "return rate"),
        ("distinct_products", "products"),
    ];
    let chosen = table.select(&columns.map(|c| c.0))?;
    let logged = chosen.values.mapv(|v| v.max(0.0).ln_1p());
    let z = StandardScalerParams::new().fit(&logged)?.transform(&logged)?;
    let lof = LocalOutlierFactor::params().n_neighbors(20).fit(&z)?;
    let factor = lof.negative_outlier_factor();
    let outliers = lof.training_labels().iter().filter(|&&l| l < 0).count();
    println!("\n{} customers; LOF flags {outliers} with a local outlier factor above {:.1}; the top 8:", z.nrows(), -lof.offset());
    println!("  {:<9} {:>6} {}", "customer", "LOF", columns.map(|c| format!("{:>12}", c.1)).join(""));
    let mut ranked: Vec<usize> = (0..z.nrows()).collect();
    ranked.sort_by(|&a, &b| factor[a].total_cmp(&factor[b]).then(a.cmp(&b)));
    for &i in ranked.iter().take(8) {
        let values: String = chosen.values.row(i).iter().map(|v| format!("{:>12.2}", v + 0.0)).collect(); // + 0.0: no "-0.00"
        println!("  {:<9} {:>6.2} {values}", chosen.rows.id(i).ok_or("customer index")?, -factor[i]);
    }
    Ok(())
}
