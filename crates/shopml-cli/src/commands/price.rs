//! `shopml price`: own-price elasticities per product from the order lines,
//! and the profit-maximising price where the elasticity is reliable
//! (`shopml_pricing::PriceBook`, which `--save-model` writes and `--model`
//! reads back to try other cost and band assumptions without re-estimating).

use std::path::PathBuf;

use shopml::core::{Fit, Params};
use shopml::pricing::{MarginPolicy, OrderLine, OrderLineElasticityParams, PriceBook, PriceBookParams};

use crate::input::{ReadArgs, export_path};
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml price`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip); not needed with --model.
    pub export: Option<PathBuf>,
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
    /// Estimate only the best sellers by revenue (default: every product).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Save the estimated price book (elasticities and today's prices and
    /// units) to this JSON file, e.g. --save-model prices.json.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Recommend from a saved price book without re-estimating: try other
    /// --cost-share / --max-change assumptions on the same estimates.
    #[arg(long, value_name = "FILE", conflicts_with = "save_model")]
    pub model: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let policy = MarginPolicy { cost_share: a.cost_share, max_change: a.max_change };
    if policy.check().is_err() {
        return Err(format!("--cost-share must lie in [0, 1) and --max-change in (0, 1); got {} and {}", a.cost_share, a.max_change).into());
    }
    let book: PriceBook = match &a.model {
        Some(path) => model_file::load(path, "price")?,
        None => {
            let cleaned = a.read.read(export_path(&a.export)?)?;
            super::summary(&cleaned);
            let lines = OrderLine::from_transactions(&cleaned.transactions);
            let elasticity = OrderLineElasticityParams {
                min_points: a.min_points,
                min_quantity_price_rho: a.min_quantity_price_rho,
                ..Default::default()
            };
            let mut params = PriceBookParams::default().elasticity(elasticity);
            params.top_products = a.top;
            params.fit(&lines[..])?
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "price", &book)?;
    }
    let recommendations = book.recommend(&policy)?;
    let mut rows = Vec::with_capacity(book.rows.len());
    for (entry, rec) in book.rows.iter().zip(&recommendations) {
        let r = &entry.elasticity;
        let p0 = entry.baseline.median_price;
        let num = |v: Option<f64>| v.map_or_else(|| Cell::from(""), Cell::from);
        rows.push(vec![
            Cell::from(r.product.clone()),
            Cell::from(r.n_points),
            num(r.quantity_price_rho),
            num(r.elasticity.map(|e| e.estimate)),
            num(r.elasticity.map(|e| e.lower)),
            num(r.elasticity.map(|e| e.upper)),
            Cell::from(if r.reliable { "yes" } else { "no" }),
            Cell::from(p0),
            num(rec.optimum.as_ref().map(|o| o.price)),
            num(rec.profit_change),
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
