//! `shopml report`: the whole storefront report on any export.

use std::path::PathBuf;

use shopml::storefront::{StorefrontConfig, run as run_storefront};

use crate::input::ReadArgs;

/// Options of `shopml report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output folder for report.md and the charts.
    #[arg(long, default_value = "shopml-report")]
    pub out: PathBuf,
    /// The smallest group a table may show (k of k-anonymity).
    #[arg(long, default_value_t = 5)]
    pub min_group_size: usize,
    /// Unit cost as a share of the median price, for the pricing step.
    #[arg(long, default_value_t = 0.6)]
    pub cost_share: f64,
    /// Largest recommended price move, as a share of the median price.
    #[arg(long, default_value_t = 0.2)]
    pub max_price_change: f64,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (schema, rules) = a.read.schema_and_rules();
    let mut config = StorefrontConfig::new(a.export, schema, rules)
        .out_dir(&a.out)
        .min_group_size(a.min_group_size)
        .cost_share(a.cost_share)
        .max_price_change(a.max_price_change);
    if let Some(key) = &a.read.pseudonymise_key_file {
        config = config.pseudonymise_key_file(key);
    }
    let done = run_storefront(&config, &mut |p| {
        if p.finished {
            eprintln!("[{}/{}] {} ({:.2} s)", p.step, p.total, p.title, p.elapsed.as_secs_f64());
        }
    })?;
    println!("{}", done.report.display());
    Ok(())
}
