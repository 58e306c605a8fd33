//! Step 3 — which groups of customers there are: k-means on log-scaled,
//! standardised recency, frequency and monetary value, with k chosen by
//! elbow, silhouette, Calinski–Harabasz and Davies–Bouldin.

use ndarray::{Array1, Array2};

use crate::core::Transform;
use crate::report::{BarChart, LineChart, ReportError};
use crate::segment::{KMeans, RfmColumns, RfmScaler, choose_k, name_rfm, profile};

use super::context::Context;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let rfm = cx.rfm.as_ref().ok_or_else(|| ReportError::Step { step: "segments", message: "RFM not computed".into() })?;
    let n = rfm.len();
    let mut raw = Array2::<f64>::zeros((n, 3));
    for i in 0..n {
        raw[[i, 0]] = rfm.recency[i];
        raw[[i, 1]] = rfm.frequency[i];
        raw[[i, 2]] = rfm.monetary[i].max(0.0);
    }
    let scaler = RfmScaler::fit(raw.view(), true)?;
    let z = scaler.transform(&raw)?;
    let params = KMeans::params(4).n_init(10).seed(cx.config.seed);
    let choice = choose_k(&params, z.view(), 2..=8, 2000)?;
    let k = choice.recommended;
    let fit = params.clone().n_clusters(k).fit_full(z.view(), None)?;
    let labels: Vec<usize> = fit.labels.to_vec();
    let revenue = Array1::from(raw.column(2).to_vec());
    let mut profiles = profile(raw.view(), &labels, k, Some(revenue.view()))?;
    name_rfm(&mut profiles, raw.view(), RfmColumns { recency: 0, frequency: 1, monetary: 2 })?;
    profiles.sort_by(|a, b| b.revenue_share.unwrap_or(0.0).total_cmp(&a.revenue_share.unwrap_or(0.0)));

    cx.md.paragraph(&format!("k = {k} recommended:"));
    cx.md.bullets(&choice.reasons);
    let inertia: Vec<(f64, f64)> = choice.scores.iter().map(|s| (s.k as f64, s.inertia)).collect();
    let silhouette: Vec<(f64, f64)> = choice.scores.iter().map(|s| (s.k as f64, s.silhouette)).collect();
    let p = cx.chart_path("segments_elbow.svg");
    LineChart::new("Inertia by k (elbow)").labels("k", "inertia").line("inertia", inertia).marker(k as f64, "chosen k").write_svg(&p)?;
    let p = cx.chart_path("segments_silhouette.svg");
    LineChart::new("Mean silhouette by k")
        .labels("k", "silhouette")
        .line("silhouette", silhouette)
        .marker(k as f64, "chosen k")
        .write_svg(&p)?;
    cx.image("Inertia by k", "segments_elbow.svg");
    cx.image("Silhouette by k", "segments_silhouette.svg");

    let rows: Vec<Vec<String>> = profiles
        .iter()
        .map(|p| {
            vec![
                p.name.clone().unwrap_or_else(|| format!("segment {}", p.segment)),
                p.size.to_string(),
                format!("{:.1} %", 100.0 * p.customer_share),
                format!("{:.1} %", 100.0 * p.revenue_share.unwrap_or(0.0)),
                format!("{:.0}", p.medians[0]),
                format!("{:.1}", p.medians[1]),
                format!("{:.0}", p.medians[2]),
            ]
        })
        .collect();
    cx.md.table(&["segment", "customers", "share", "revenue share", "median recency (days)", "median orders", "median spend"], &rows);
    let mut sizes = BarChart::new("Customers per segment").value_label("customers");
    let mut shares = BarChart::new("Revenue share per segment").value_label("share of revenue (%)");
    for p in &profiles {
        let name = p.name.clone().unwrap_or_else(|| format!("segment {}", p.segment));
        sizes = sizes.bar(&name, p.size as f64);
        shares = shares.bar(&name, 100.0 * p.revenue_share.unwrap_or(0.0));
    }
    let p = cx.chart_path("segments_sizes.svg");
    sizes.write_svg(&p)?;
    let p = cx.chart_path("segments_revenue.svg");
    shares.write_svg(&p)?;
    cx.image("Customers per segment", "segments_sizes.svg");
    cx.image("Revenue share per segment", "segments_revenue.svg");
    Ok(())
}
