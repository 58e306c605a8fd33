//! `shopml price`: own-price elasticities per product from the order lines,
//! and the profit-maximising price where the elasticity is reliable.

use std::collections::HashMap;
use std::path::PathBuf;

use shopml::pricing::{Demand, OrderLine, OrderLineElasticityParams, PriceProblem, optimal_price};

use crate::input::ReadArgs;
use crate::output::{Cell, OutArgs};

/// Options of `shopml price`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Unit cost as a share of the product's median price (when the export has no costs).
    #[arg(long, default_value_t = 0.6)]
    pub cost_share: f64,
    /// Largest recommended move, as a share of the median price.
    #[arg(long, default_value_t = 0.2)]
    pub max_change: f64,
    /// Minimum (week, price) points for an estimate.
    #[arg(long, default_value_t = 8)]
    pub min_points: usize,
    /// Volume-discount guard: the least rank correlation of quantity and unit
    /// price within a week (-1 turns the guard off).
    #[arg(long, default_value_t = -0.3, allow_negative_numbers = true)]
    pub min_quantity_price_rho: f64,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    if !((0.0..1.0).contains(&a.cost_share) && a.max_change > 0.0 && a.max_change < 1.0) {
        return Err(format!("--cost-share must lie in [0, 1) and --max-change in (0, 1); got {} and {}", a.cost_share, a.max_change).into());
    }
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    let lines = OrderLine::from_transactions(&cleaned.transactions);
    let params =
        OrderLineElasticityParams { min_points: a.min_points, min_quantity_price_rho: a.min_quantity_price_rho, ..Default::default() };
    let table = params.estimate(&lines)?;
    // Median price and mean weekly units per product.
    let mut seen: HashMap<&str, (Vec<f64>, f64, std::collections::BTreeSet<i64>)> = HashMap::new();
    for l in lines.iter().filter(|l| l.quantity > 0.0 && l.unit_price > 0.0) {
        let e = seen.entry(l.product.as_str()).or_default();
        e.0.push(l.unit_price);
        e.1 += l.quantity;
        e.2.insert(l.time.floor_week().seconds());
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    for r in &table.rows {
        let Some((prices, units, weeks)) = seen.get_mut(r.product.as_str()) else { continue };
        prices.sort_by(f64::total_cmp);
        let p0 = prices[prices.len() / 2];
        let q0 = *units / weeks.len().max(1) as f64;
        let (mut price, mut change) = (f64::NAN, f64::NAN);
        if let (true, Some(e)) = (r.reliable, &r.elasticity) {
            let cost = a.cost_share * p0;
            let demand = Demand::ConstantElasticity { scale: q0 / p0.powf(e.estimate), elasticity: e.estimate };
            let best = optimal_price(&PriceProblem::new(demand, cost, (1.0 - a.max_change) * p0, (1.0 + a.max_change) * p0))?;
            let before = (p0 - cost) * q0;
            price = best.price;
            if before > 0.0 {
                change = (best.objective_value - before) / before;
            }
        }
        let num = |v: Option<f64>| v.map_or_else(|| Cell::from(""), Cell::from);
        let finite = |v: f64| if v.is_finite() { Cell::from(v) } else { Cell::from("") };
        rows.push(vec![
            Cell::from(r.product.clone()),
            Cell::from(r.n_points),
            num(r.quantity_price_rho),
            num(r.elasticity.map(|e| e.estimate)),
            num(r.elasticity.map(|e| e.lower)),
            num(r.elasticity.map(|e| e.upper)),
            Cell::from(if r.reliable { "yes" } else { "no" }),
            Cell::from(p0),
            finite(price),
            finite(change),
            Cell::from(r.reason.clone()),
        ]);
    }
    a.out.write(
        &[
            "product",
            "points",
            "quantity_price_rho",
            "elasticity",
            "lower_95",
            "upper_95",
            "reliable",
            "median_price",
            "recommended_price",
            "profit_change",
            "reason",
        ],
        rows,
    )
}
