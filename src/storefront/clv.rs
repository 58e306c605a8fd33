//! Step 5 — what each customer is worth: BG/NBD repeat purchases (Fader,
//! Hardie & Lee 2005) and Gamma-Gamma spend (Fader, Hardie & Lee 2005b),
//! checked on a 90-day holdout, then refitted on the whole export for a
//! 12-month discounted revenue per customer. Customers appear only as
//! deciles, never by id.

use crate::clean::Transaction;
use crate::clv::{BetaGeo, ClvError, ClvParams, GammaGamma, RepeatPurchaseModel, Summary, SummaryParams, customer_lifetime_value};
use crate::core::{Fit, Timestamp};
use crate::report::{BarChart, Legend, LineChart, ReportError};

use super::context::Context;

/// Days held out to check the repeat-purchase model.
const HOLDOUT_DAYS: i64 = 90;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cleaned = cx.cleaned()?;
    let sales = &cleaned.transactions;
    let Some((first, last)) = span(sales) else {
        cx.md.paragraph("No identified customers; step skipped.");
        return Ok(());
    };
    let end = Timestamp(last);

    if (last - first) / 86_400 >= 2 * HOLDOUT_DAYS {
        let calibration_end = end.add_days(-HOLDOUT_DAYS);
        let summary = Summary::from_transactions(sales, &SummaryParams::new(calibration_end).holdout_end(end))?;
        let bg = fit_bg(&summary)?;
        let predicted = bg.predict_purchases(&summary, HOLDOUT_DAYS as f64)?;
        // lifetimes' calibration/holdout check: mean predicted vs actual repeat
        // purchases, by number of repeat purchases in calibration.
        const BUCKETS: usize = 7;
        let mut sum = [(0.0f64, 0.0f64, 0usize); BUCKETS];
        for (c, p) in summary.customers.iter().zip(&predicted) {
            let b = (c.frequency as usize).min(BUCKETS - 1);
            sum[b].0 += p;
            sum[b].1 += c.holdout.map_or(0.0, |h| h.frequency);
            sum[b].2 += 1;
        }
        let kept: Vec<(usize, f64, f64)> =
            sum.iter().enumerate().filter(|s| s.1.2 > 0).map(|(b, s)| (b, s.0 / s.2 as f64, s.1 / s.2 as f64)).collect();
        let total_pred: f64 = predicted.iter().sum();
        let total_actual: f64 = summary.customers.iter().filter_map(|c| c.holdout.map(|h| h.frequency)).sum();
        cx.md.paragraph(&format!(
            "Check on the last {HOLDOUT_DAYS} days: BG/NBD fitted on the {} customers seen by {calibration_end} predicts {total_pred:.0} repeat purchases in the holdout; {total_actual:.0} happened.",
            summary.len()
        ));
        let p = cx.chart_path("clv_holdout.svg");
        LineChart::new("Repeat purchases in the holdout, by purchases before it")
            .labels(&format!("repeat purchases in calibration ({}+ pooled)", BUCKETS - 1), "mean purchases per customer in the holdout")
            .line("BG/NBD prediction", kept.iter().map(|k| (k.0 as f64, k.1)).collect())
            .points("actual", kept.iter().map(|k| (k.0 as f64, k.2)).collect())
            .legend(Legend::UpperLeft)
            .write_svg(&p)?;
        cx.image("Predicted and actual holdout purchases", "clv_holdout.svg");
    }

    let summary = Summary::from_transactions(sales, &SummaryParams::new(end))?;
    let bg = fit_bg(&summary)?;
    let gg = GammaGamma::params().fit(&summary)?;
    let value = customer_lifetime_value(&bg, &gg, &summary, &ClvParams::default())?;
    let alive = bg.predict_alive(&summary)?;
    let total: f64 = value.iter().sum();
    let mut order: Vec<usize> = (0..value.len()).collect();
    order.sort_by(|&a, &b| value[b].total_cmp(&value[a]));
    let deciles = 10.min(order.len());
    let mut rows = Vec::with_capacity(deciles);
    let mut chart = BarChart::new("Share of 12-month customer value by decile").value_label("share of value (%)");
    for d in 0..deciles {
        let members = &order[d * order.len() / deciles..(d + 1) * order.len() / deciles];
        let v: f64 = members.iter().map(|&i| value[i]).sum();
        let share = if total > 0.0 { 100.0 * v / total } else { 0.0 };
        let mean_alive = members.iter().map(|&i| alive[i]).sum::<f64>() / members.len().max(1) as f64;
        rows.push(vec![
            format!("{}", d + 1),
            members.len().to_string(),
            format!("{:.0}", v / members.len().max(1) as f64),
            format!("{share:.1} %"),
            format!("{mean_alive:.2}"),
        ]);
        chart = chart.bar(&format!("decile {}", d + 1), share);
    }
    let [r, alpha, a, b] = bg.parameters();
    cx.md.paragraph(&format!(
        "Refitted on the whole export ({} customers): BG/NBD r = {r:.3}, α = {alpha:.1}, a = {a:.3}, b = {b:.3}; \
         Gamma-Gamma for the spend per order. Expected revenue of today's customers over the next 12 months, \
         discounted at 1 % a month: {total:.0} in total.",
        summary.len()
    ));
    if a / (a + b) < 1e-3 {
        cx.md.paragraph(
            "The fit finds almost no drop-out (a/(a + b) < 0.001, so P(alive) ≈ 1 for every customer): \
             the export is too short, or too few customers stopped buying in it, to tell a lapsed customer from a slow one. \
             The values below rest on purchase rates alone and overstate the worth of customers who have in fact left.",
        );
    }
    cx.md.table(&["value decile", "customers", "mean 12-month value", "share of value", "mean P(alive)"], &rows);
    let p = cx.chart_path("clv_deciles.svg");
    chart.write_svg(&p)?;
    cx.image("Share of customer value by decile", "clv_deciles.svg");
    Ok(())
}

/// First and last order time (seconds) of identified customers.
fn span(sales: &[Transaction]) -> Option<(i64, i64)> {
    let mut it = sales.iter().filter(|t| t.customer.is_some()).map(|t| t.timestamp.seconds());
    let first = it.next()?;
    Some(it.fold((first, first), |(a, b), s| (a.min(s), b.max(s))))
}

/// Iterations allowed to the BG/NBD optimiser. A well-posed fit converges in
/// a few dozen; when the data put the optimum on the boundary (no visible
/// drop-out, a → 0) the optimiser creeps along it for its whole budget
/// (2,000 iterations, seconds on Online Retail) without changing a
/// prediction in the report's precision.
const BG_MAX_ITERS: u64 = 60;

/// BG/NBD by maximum likelihood; when the optimiser stops before its
/// tolerance, the best point it found is used (its likelihood is reported by
/// the error and is as good as the optimiser could do).
fn fit_bg(summary: &Summary) -> Result<BetaGeo, ReportError> {
    match BetaGeo::params().max_iters(BG_MAX_ITERS).fit(summary) {
        Ok(m) => Ok(m),
        Err(ClvError::NotConverged { last_params, .. }) if last_params.len() == 4 => {
            Ok(BetaGeo::new([last_params[0], last_params[1], last_params[2], last_params[3]])?)
        }
        Err(e) => Err(e.into()),
    }
}
