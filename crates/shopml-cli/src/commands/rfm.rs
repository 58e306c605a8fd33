//! `shopml rfm`: recency, frequency and monetary value per customer.

use std::path::PathBuf;

use shopml::core::Fit;
use shopml::features::RfmParams;

use crate::input::ReadArgs;
use crate::output::{Cell, OutArgs};

/// Options of `shopml rfm`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    let lines = super::customer_lines(&cleaned);
    let rfm = RfmParams::new().fit(lines.as_slice())?;
    let rows = (0..rfm.len())
        .map(|i| {
            vec![
                Cell::from(rfm.customers.id(i).cloned().unwrap_or_default()),
                Cell::from(rfm.recency[i]),
                Cell::from(rfm.frequency[i]),
                Cell::from(rfm.monetary[i]),
                Cell::from(rfm.cell(i).unwrap_or_default()),
                Cell::from(rfm.segment[i].name()),
            ]
        })
        .collect();
    a.out.write(&["customer", "recency_days", "frequency", "monetary", "rfm_cell", "segment"], rows)
}
