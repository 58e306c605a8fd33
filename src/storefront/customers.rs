//! Step 2 — who the customers are: RFM scores and customer features.

use crate::features::{CustomerFeaturesParams, TieRule};
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
    let rows: Vec<Vec<String>> = counts.iter().map(|(s, n)| vec![s.name().to_string(), thousands(*n as u64)]).collect();
    cx.md.table(&["RFM segment", "customers"], &rows);
    let mut chart = BarChart::new("Customers per RFM segment").value_label("customers");
    for (s, n) in &counts {
        chart = chart.bar(s.name(), *n as f64);
    }
    let path = cx.chart_path("rfm_segments.svg");
    chart.write_svg(&path)?;
    cx.image("Customers per RFM segment", "rfm_segments.svg");
    cx.rfm = Some(rfm);
    cx.features = Some(features);
    Ok(())
}
