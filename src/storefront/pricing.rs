//! Step 8 — what price to charge: `shopml_pricing::PriceBook` of the best
//! sellers (log-log own-price elasticities from their order lines: weekly
//! points, HC1 intervals, the reliability rule of
//! `shopml_pricing::orderlines`), then, for each product whose elasticity
//! is reliable, the profit-maximising price within the configured band
//! around today's price and the expected weekly profit change under the
//! constant-elasticity curve.

use crate::core::Fit;
use crate::pricing::{MarginPolicy, OrderLine, PriceBookParams};
use crate::report::{LineChart, ReportError};

use super::context::Context;

/// Best sellers (by revenue) whose elasticity is estimated.
const PRODUCTS: usize = 10;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cleaned = cx.cleaned()?;
    let lines = OrderLine::from_transactions(&cleaned.transactions);
    if !lines.iter().any(|l| l.quantity > 0.0 && l.unit_price > 0.0) {
        cx.md.paragraph("No sales; step skipped.");
        return Ok(());
    }
    // Only the best sellers' lines are estimated (the table shows no others).
    let book = PriceBookParams::default().top_products(PRODUCTS).fit(&lines[..])?;
    let policy = MarginPolicy { cost_share: cx.config.cost_share, max_change: cx.config.max_price_change };
    let recommendations = book.recommend(&policy)?;
    cx.md.paragraph(&format!(
        "Own-price elasticities of the {} best sellers by revenue, from weekly (week, price) points of their order lines, \
         with 95 % HC1 intervals. A product gets a price only when its elasticity is negative and its interval excludes zero; \
         the others say why (a strongly negative order-size ρ means unit prices fall with order size: volume-discount tiers, not a demand response). Assumptions to replace with the shop's own: unit cost = {:.0} % of today's median price \
         (`cost_share`), prices move at most ±{:.0} % (`max_price_change`), demand has the constant elasticity estimated.",
        book.rows.len(),
        100.0 * policy.cost_share,
        100.0 * policy.max_change
    ));
    let mut rows = Vec::new();
    let mut chart_done = false;
    for (entry, rec) in book.rows.iter().zip(&recommendations) {
        let row = &entry.elasticity;
        let (p0, q0) = (entry.baseline.median_price, entry.baseline.weekly_units);
        let name = format!("{} {}", row.product, cx.descriptions.get(&row.product).cloned().unwrap_or_default());
        let (elasticity, interval) = match &row.elasticity {
            Some(e) => (format!("{:.2}", e.estimate), format!("[{:.2}, {:.2}]", e.lower, e.upper)),
            None => ("–".into(), "–".into()),
        };
        let mut price_cells = vec!["–".to_string(), "–".to_string(), row.reason.clone()];
        if let (Some(best), Some(e)) = (&rec.optimum, &row.elasticity) {
            let change = rec.profit_change.map_or_else(|| "–".into(), |c| format!("{:+.1} %", 100.0 * c));
            let why = if best.inelastic {
                "inelastic: the band's upper end".to_string()
            } else if best.binding.is_some() {
                "at the band's edge".to_string()
            } else {
                "interior optimum".to_string()
            };
            price_cells = vec![format!("{p0:.2} → {:.2}", best.price), change, why];
            if !chart_done {
                chart_done = true;
                let (lo, hi) = ((1.0 - policy.max_change) * p0, (1.0 + policy.max_change) * p0);
                let grid: Vec<f64> = (0..=40).map(|i| lo + (hi - lo) * f64::from(i) / 40.0).collect();
                let at = |el: f64, p: f64| q0 * (p / p0).powf(el);
                let curve: Vec<(f64, f64)> = grid.iter().map(|&p| (p, at(e.estimate, p))).collect();
                let interval: Vec<(f64, f64, f64)> = grid
                    .iter()
                    .map(|&p| {
                        let (a, b) = (at(e.lower, p), at(e.upper, p));
                        (p, a.min(b), a.max(b))
                    })
                    .collect();
                let p = cx.chart_path("pricing_demand.svg");
                LineChart::new(&format!("Weekly demand of {} by price", row.product))
                    .labels("unit price", "units per week")
                    .band("95 % interval of the elasticity", interval)
                    .line("constant-elasticity curve", curve)
                    .marker(p0, "today's median price")
                    .marker(best.price, "recommended price")
                    .write_svg(&p)?;
            }
        }
        let rho = row.quantity_price_rho.map_or_else(|| "–".to_string(), |r| format!("{r:+.2}"));
        let mut cells = vec![name.trim().to_string(), row.n_points.to_string(), rho, elasticity, interval];
        cells.extend(price_cells);
        rows.push(cells);
    }
    cx.md.table(
        &["product", "weekly points", "order-size ρ", "elasticity", "95 % interval", "price", "weekly profit change", "note"],
        &rows,
    );
    if !chart_done {
        cx.md.paragraph(
            "No best seller has a reliable elasticity, so no price is recommended. Where the order-size ρ (the rank correlation of a \
             line's quantity and unit price within a week) is strongly negative, prices are tiered by order size: the slope of units on \
             price then measures the tiers, not how customers answer a price change. A price test (the same product at different prices \
             in different weeks) gives the data this step needs.",
        );
    }
    if chart_done {
        cx.image("Demand curve with the recommended price", "pricing_demand.svg");
    }
    Ok(())
}
