//! The most suspicious orders of UCI Online Retail, with the reasons.
//!
//! ```text
//! SHOPML_DATA=../shared/data cargo run --release -p shopml-anomaly --example suspicious_orders [top]
//! ```
//!
//! Reads the export with shopml-clean's default rules except that manual
//! adjustments (product code `M`) are kept, builds order features from the
//! sales and the returns together, fits an Isolation Forest (seed 0, 200
//! trees) and prints the top orders as a markdown table: score, the three
//! features that isolated the order most (share of the path attribution),
//! with the median over all orders and the robust z-score (off-scale where
//! most orders share one value, MAD = 0).

use shopml_anomaly::orders::{FEATURE_NAMES, order_features};
use shopml_anomaly::{Detector, IsolationForest, RobustScorer};
use shopml_clean::{CleaningRules, TransactionSchema, read};
use shopml_core::Fit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let top: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(20);
    let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
    let defaults = CleaningRules::online_retail();
    let keep_manual: Vec<String> = defaults.non_product_codes.iter().filter(|c| c.as_str() != "M").cloned().collect();
    let rules = defaults.non_product_codes(keep_manual);
    let t0 = std::time::Instant::now();
    let cleaned = read(&path, &TransactionSchema::online_retail(), &rules)?;
    let mut lines = cleaned.transactions;
    lines.extend(cleaned.returns);
    let features = order_features(&lines)?;
    let x = &features.matrix;
    let forest = IsolationForest::params().n_estimators(200).seed(0).fit(x)?;
    let score = forest.score_samples(x)?;
    let attribution = forest.feature_attribution(x)?;
    let robust = RobustScorer::params().fit(x)?;
    let z = robust.excess(x)?;
    let mut order: Vec<usize> = (0..x.nrows()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]).then(a.cmp(&b)));
    eprintln!("{} lines → {} orders, scored in {:.2?}", lines.len(), x.nrows(), t0.elapsed());
    println!(
        "| rank | invoice | customer | time | lines | units | value (£) | score | reasons: feature value (median over orders, robust z, share of the path attribution) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (rank, &i) in order.iter().take(top).enumerate() {
        let o = &features.orders[i];
        let mut feats: Vec<usize> = (0..FEATURE_NAMES.len()).collect();
        feats.sort_by(|&a, &b| attribution[[i, b]].total_cmp(&attribution[[i, a]]));
        let reasons: Vec<String> = feats
            .iter()
            .take(3)
            .map(|&j| {
                let band = robust.bands()[j];
                let z = if band.scale > 0.0 { format!("z {:+.1}", z[[i, j]]) } else { "off-scale".to_string() };
                format!("{} {:.2} (median {:.2}, {z}, {:.0}%)", FEATURE_NAMES[j], x[[i, j]], band.low, 100.0 * attribution[[i, j]])
            })
            .collect();
        let (y, mo, d, h, mi, _) = o.timestamp.civil();
        println!(
            "| {} | {} | {} | {y}-{mo:02}-{d:02} {h:02}:{mi:02} | {} | {} | {:.2} | {:.3} | {} |",
            rank + 1,
            o.invoice,
            o.customer.as_deref().unwrap_or("-"),
            o.lines,
            o.units,
            o.value,
            -score[i],
            reasons.join("; ")
        );
    }
    Ok(())
}
