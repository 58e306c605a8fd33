//! Customer tables from the embedded Online Retail sample: RFM scores and
//! named segments, the 20-column customer feature matrix with a few quantiles
//! per column, one customer's row, and the two hand-offs to the model crates —
//! a scaled RFM matrix for shopml-segment and a labelled `Dataset` for
//! shopml-linear.
//!
//! ```text
//! cargo run --release --example features                      # embedded sample
//! cargo run --release --example features -- path/to/online_retail.csv.gz
//! ```

use std::path::PathBuf;

use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Timestamp, Transform};
use shopml::features::preprocessing::{BoxCoxParams, StandardScalerParams};
use shopml::features::{CustomerFeaturesParams, LabelParams, ReturnsInSpend, Target, TieRule};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();

    // Spend before returns keeps `monetary` positive (for Box-Cox below); returns show in `return_rate`.
    let params = CustomerFeaturesParams::new().returns(ReturnsInSpend::Exclude);
    let (rfm, table) = params.compute_with_rfm(&lines, None, TieRule::Shared)?;
    println!("{} order lines → {} customers, snapshot {}", lines.len(), rfm.len(), rfm.snapshot);
    println!("{} features: {}", table.names.len(), table.names.join(", "));

    println!("\nRFM segments (quintile scores, recency × frequency grid):");
    let mut counts = rfm.segment_counts();
    counts.retain(|c| c.1 > 0);
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    for (segment, n) in &counts {
        println!("  {:<22} {n:>5}  {:>5.1} %", segment.name(), 100.0 * *n as f64 / rfm.len() as f64);
    }

    println!("\n{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}", "feature", "p10", "p25", "median", "p75", "p90", "mean");
    for name in ["recency", "frequency", "monetary", "avg_order_value", "avg_basket_lines", "distinct_products", "return_rate"] {
        let column = table.column(name)?;
        let mut sorted = column.to_vec();
        sorted.sort_by(f64::total_cmp);
        let q: Vec<String> = [0.1, 0.25, 0.5, 0.75, 0.9].iter().map(|&p| format!("{:>9.2}", quantile(&sorted, p))).collect();
        println!("{name:<24} {} {:>9.2}", q.join(" "), column.mean().unwrap_or(f64::NAN));
    }

    // The customer who spent most: their RFM cell and every feature.
    let top = (0..rfm.len()).max_by(|&a, &b| rfm.monetary[a].total_cmp(&rfm.monetary[b])).ok_or("no customers")?;
    let id = rfm.customers.id(top).ok_or("customer index")?;
    println!("\ncustomer {id}: RFM cell {} ({})", rfm.cell(top).unwrap_or_default(), rfm.segment[top]);
    let row = table.row(id)?;
    let cells: Vec<String> = table.names.iter().zip(row.iter()).map(|(n, v)| format!("{n} {v:.2}")).collect();
    for chunk in cells.chunks(5) {
        println!("  {}", chunk.join(", "));
    }

    // → shopml-segment: the RFM columns as an n × 3 matrix, Box-Cox'd and standardised.
    let rfm_columns = table.select(&["recency", "frequency", "monetary"])?;
    let boxcox = BoxCoxParams::new().fit(&rfm_columns.values)?;
    let y = boxcox.transform(&rfm_columns.values)?;
    let z = StandardScalerParams::new().fit(&y)?.transform(&y)?;
    let lambdas: Vec<String> = boxcox.lambdas.iter().map(|l| format!("{l:.3}")).collect();
    println!(
        "\n→ segment: {} × {} matrix of {}; Box-Cox λ = [{}], then standardised (largest |column mean| {:.1e})",
        z.nrows(),
        z.ncols(),
        rfm_columns.names.join(", "),
        lambdas.join(", "),
        z.mean_axis(ndarray::Axis(0)).map(|m| m.iter().fold(0.0f64, |a, v| a.max(v.abs()))).unwrap_or(f64::NAN)
    );

    // → shopml-linear: features before a cut-off, labels from the 90 days after it.
    let cutoff = Timestamp::from_date(2011, 9, 1)?;
    let labelled = LabelParams::new(cutoff, 90).build(&lines, &Target::AnyPurchase, None)?;
    let data = labelled.to_dataset();
    let buyers = labelled.labels.iter().filter(|&&b| b).count();
    println!(
        "→ linear: Dataset of {} customers × {} features (before {cutoff}); {buyers} ({:.1} %) bought again within {} days",
        data.n_samples(),
        data.n_features(),
        100.0 * buyers as f64 / data.n_samples().max(1) as f64,
        labelled.horizon_days
    );
    Ok(())
}

/// The `p`-quantile of sorted values by linear interpolation between order
/// statistics (numpy's default); NaN for no values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else { return f64::NAN };
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}
