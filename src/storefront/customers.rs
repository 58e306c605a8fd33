//! Step 2 — who the customers are: RFM scores and customer features.

use crate::features::{CustomerFeaturesParams, TieRule};
use crate::privacy::suppress_small_groups;
use crate::report::{BarChart, ReportError};

use super::context::Context;
use super::thousands;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let (rfm, features) = CustomerFeaturesParams::default().compute_with_rfm(&cx.lines, None, TieRule::Shared)?;
    cx.md.paragraph(&format!(
        "{} customers with an identified id; {} features each ({}). RFM snapshot: {}.",
        thousands(features.values.nrows() as u64),
        features.names.len(),
        features.names.join(", "),
        rfm.snapshot
    ));
    let mut counts = rfm.segment_counts();
    counts.retain(|c| c.1 > 0);
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let k = cx.config.min_group_size;
    let shown = suppress_small_groups(counts, k, |c| c.1);
    let mut rows: Vec<Vec<String>> = shown.kept.iter().map(|(s, n)| vec![s.name().to_string(), thousands(*n as u64)]).collect();
    if let Some(other) = shown.other {
        rows.push(vec![format!("other ({} groups under {k})", shown.n_groups_suppressed), thousands(other as u64)]);
    }
    cx.md.table(&["RFM segment", "customers"], &rows);
    if shown.n_groups_suppressed > 0 {
        cx.md.paragraph(&format!("Groups of fewer than {k} customers are not shown on their own (k-anonymity, `min_group_size`)."));
    }
    let mut chart = BarChart::new("Customers per RFM segment").value_label("customers");
    for (s, n) in &shown.kept {
        chart = chart.bar(s.name(), *n as f64);
    }
    let path = cx.chart_path("rfm_segments.svg");
    chart.write_svg(&path)?;
    cx.image("Customers per RFM segment", "rfm_segments.svg");
    cx.rfm = Some(rfm);
    cx.features = Some(features);
    Ok(())
}
