//! Step 3 — which groups of customers there are: k-means on log-scaled,
//! standardised recency, frequency and monetary value, with k chosen by
//! elbow, silhouette, Calinski–Harabasz and Davies–Bouldin.

use ndarray::{Array1, Array2};

use crate::core::{Fit, Transform};
use crate::privacy::dp::{Budget, DpReport, DpRng, Noise};
use crate::privacy::suppress_small_groups;
use crate::report::{BarChart, LineChart, ReportError};
use crate::segment::{KMeans, RfmColumns, RfmScaler, SegmentProfile, choose_k, name_rfm, profile};

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
    let scaler = RfmScaler::params(true).fit(&raw)?;
    let z = scaler.transform(&raw)?;
    let params = KMeans::params(4).n_init(10).seed(cx.config.seed);
    let choice = choose_k(&params, z.view(), 2..=8, 2000)?;
    let k = choice.recommended;
    let fit = params.clone().n_clusters(k).fit_detailed(&z, None)?;
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

    let k_min = cx.config.min_group_size;
    if let Some(epsilon) = cx.config.dp_epsilon {
        return dp_table(cx, profiles, epsilon, k_min);
    }
    let shown = suppress_small_groups(profiles, k_min, |p| p.size);
    if shown.n_groups_suppressed > 0 {
        cx.md.paragraph(&format!(
            "{} segment(s) with fewer than {k_min} customers are not profiled (k-anonymity, `min_group_size`).",
            shown.n_groups_suppressed
        ));
    }
    let profiles = shown.kept;
    let rows: Vec<Vec<String>> = profiles
        .iter()
        .map(|p| {
            vec![
                segment_name(p),
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
        let name = segment_name(p);
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

fn segment_name(p: &SegmentProfile) -> String {
    p.name.clone().unwrap_or_else(|| format!("segment {}", p.segment))
}

/// The segment table with ε-DP customer counts: one discrete-Laplace
/// histogram over the segments (each customer in one segment: sensitivity 1,
/// the whole table costs ε), shares from the noisy counts, and no column the
/// noise does not protect. Groups are suppressed on their noisy size
/// (post-processing), so suppression reveals nothing more.
fn dp_table(cx: &mut Context, profiles: Vec<SegmentProfile>, epsilon: f64, k_min: usize) -> Result<(), ReportError> {
    let budget = Budget::pure(epsilon).map_err(|e| ReportError::Step { step: "segments", message: format!("dp_epsilon: {e}") })?;
    let rng = match cx.config.dp_seed {
        Some(seed) => DpRng::seeded(seed),
        None => DpRng::from_entropy(),
    };
    let mut release = DpReport::new(budget, rng);
    let noise = Noise::Laplace { epsilon };
    let counts: Vec<u64> = profiles.iter().map(|p| p.size as u64).collect();
    let noisy = release.histogram("customers per segment", &counts, noise)?;
    let noisy: Vec<(String, u64)> = profiles.iter().zip(noisy).map(|(p, n)| (segment_name(p), n.max(0) as u64)).collect();
    let shown = suppress_small_groups(noisy, k_min, |r| r.1 as usize);
    let total: u64 = shown.kept.iter().map(|r| r.1).sum::<u64>().max(1);
    let within = noise.error_bound(1, 0.95)?;
    cx.md.paragraph(&format!(
        "Customer counts released with ε = {epsilon} differential privacy (discrete Laplace noise over the whole table, \
         sensitivity 1): each count is within ±{within} of the true one with probability 95 % (standard deviation {:.2}). \
         Shares are computed from the noisy counts; revenue and medians are not released in this mode. \
         The segments themselves (k-means on the customers' RFM values) are not protected by the noise.",
        noise.std_dev(1)
    ));
    if shown.n_groups_suppressed > 0 {
        cx.md.paragraph(&format!(
            "{} segment(s) with a noisy count under {k_min} are not shown (k-anonymity, `min_group_size`).",
            shown.n_groups_suppressed
        ));
    }
    let rows: Vec<Vec<String>> = shown
        .kept
        .iter()
        .map(|(name, n)| vec![name.clone(), n.to_string(), format!("{:.1} %", 100.0 * *n as f64 / total as f64)])
        .collect();
    cx.md.table(&["segment", "customers (ε-DP)", "share"], &rows);
    let mut sizes = BarChart::new("Customers per segment (differentially private counts)").value_label("customers");
    for (name, n) in &shown.kept {
        sizes = sizes.bar(name, *n as f64);
    }
    let p = cx.chart_path("segments_sizes.svg");
    sizes.write_svg(&p)?;
    cx.image("Customers per segment (ε-DP)", "segments_sizes.svg");
    Ok(())
}
