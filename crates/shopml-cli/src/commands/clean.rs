//! `shopml clean`: the kept rows of an export, and the cleaning report.

use std::path::PathBuf;

use crate::input::ReadArgs;
use crate::output::{Cell, OutArgs};

/// Options of `shopml clean`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Also write the returns (negative quantities, cancellations) instead of the sales.
    #[arg(long)]
    pub returns: bool,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    for (reason, n) in &cleaned.report.quarantined {
        eprintln!("  quarantined {reason}: {n}");
    }
    let lines = if a.returns { &cleaned.returns } else { &cleaned.transactions };
    let rows = lines
        .iter()
        .map(|t| {
            vec![
                Cell::from(t.invoice.as_str()),
                Cell::from(t.product.as_str()),
                Cell::from(t.description.clone().unwrap_or_default()),
                Cell::from(t.quantity),
                Cell::from(t.timestamp.to_string()),
                Cell::from(t.unit_price),
                Cell::from(t.customer.clone().unwrap_or_default()),
                Cell::from(t.country.clone().unwrap_or_default()),
                Cell::from(t.line as f64),
            ]
        })
        .collect();
    a.out.write(&["invoice", "product", "description", "quantity", "timestamp", "unit_price", "customer", "country", "line"], rows)
}
