//! Step 8 — what price to charge: log-log own-price elasticities of the best
//! sellers from their order lines (weekly points, HC1 intervals, and the
//! reliability rule of `shopml_pricing::orderlines`), then, for each product
//! whose elasticity is reliable, the profit-maximising price within the
//! configured band around today's price and the expected weekly profit
//! change under the constant-elasticity curve.

use crate::pricing::{Demand, OrderLine, OrderLineElasticityParams, PriceProblem, ProductElasticity, optimal_price};
use crate::report::{LineChart, ReportError};

use super::context::Context;

/// Best sellers (by revenue) whose elasticity is estimated.
const PRODUCTS: usize = 10;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cleaned = cx.cleaned()?;
    let sales = &cleaned.transactions;
    // Revenue, units and weeks per product, for ranking and today's price.
    let mut stats: std::collections::HashMap<&str, Sales> = std::collections::HashMap::new();
    for t in sales.iter().filter(|t| t.quantity > 0.0 && t.unit_price > 0.0) {
        let s = stats.entry(t.product.as_str()).or_default();
        s.revenue += t.value();
        s.units += t.quantity;
        s.prices.push(t.unit_price);
        s.weeks.insert(t.timestamp.floor_week().seconds());
    }
    if stats.is_empty() {
        cx.md.paragraph("No sales; step skipped.");
        return Ok(());
    }
    // Only the best sellers' lines are estimated (the table shows no others).
    let mut ranked: Vec<&str> = stats.keys().copied().collect();
    ranked.sort_by(|a, b| stats[b].revenue.total_cmp(&stats[a].revenue).then_with(|| a.cmp(b)));
    ranked.truncate(PRODUCTS);
    let lines: Vec<OrderLine> = sales.iter().filter(|t| ranked.contains(&t.product.as_str())).map(OrderLine::from).collect();
    let table = OrderLineElasticityParams::default().estimate(&lines)?;
    let mut best: Vec<&ProductElasticity> = table.rows.iter().collect();
    best.sort_by(|a, b| stats[b.product.as_str()].revenue.total_cmp(&stats[a.product.as_str()].revenue));

    let (share, band) = (cx.config.cost_share, cx.config.max_price_change);
    if !((0.0..1.0).contains(&share) && band > 0.0 && band < 1.0) {
        return Err(ReportError::Step {
            step: "pricing",
            message: format!("cost_share must lie in [0, 1) and max_price_change in (0, 1); got {share} and {band}"),
        });
    }
    cx.md.paragraph(&format!(
        "Own-price elasticities of the {} best sellers by revenue, from weekly (week, price) points of their order lines, \
         with 95 % HC1 intervals. A product gets a price only when its elasticity is negative and its interval excludes zero; \
         the others say why (a strongly negative order-size ρ means unit prices fall with order size: volume-discount tiers, not a demand response). Assumptions to replace with the shop's own: unit cost = {:.0} % of today's median price \
         (`cost_share`), prices move at most ±{:.0} % (`max_price_change`), demand has the constant elasticity estimated.",
        best.len(),
        100.0 * share,
        100.0 * band
    ));
    let mut rows = Vec::new();
    let mut chart_done = false;
    for row in &best {
        let s = &stats[row.product.as_str()];
        let p0 = median(&s.prices);
        let q0 = s.units / s.weeks.len().max(1) as f64;
        let name = format!("{} {}", row.product, cx.descriptions.get(&row.product).cloned().unwrap_or_default());
        let (elasticity, interval) = match &row.elasticity {
            Some(e) => (format!("{:.2}", e.estimate), format!("[{:.2}, {:.2}]", e.lower, e.upper)),
            None => ("–".into(), "–".into()),
        };
        let mut price_cells = vec!["–".to_string(), "–".to_string(), row.reason.clone()];
        if let (true, Some(e)) = (row.reliable, &row.elasticity) {
            let cost = share * p0;
            let demand = Demand::ConstantElasticity { scale: q0 / p0.powf(e.estimate), elasticity: e.estimate };
            let (lo, hi) = ((1.0 - band) * p0, (1.0 + band) * p0);
            let best = optimal_price(&PriceProblem::new(demand, cost, lo, hi).product(row.product.clone()))?;
            let profit0 = (p0 - cost) * q0;
            let change = if profit0 > 0.0 { format!("{:+.1} %", 100.0 * (best.objective_value - profit0) / profit0) } else { "–".into() };
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

#[derive(Default)]
struct Sales {
    revenue: f64,
    units: f64,
    prices: Vec<f64>,
    weeks: std::collections::BTreeSet<i64>,
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(0.0)
}
