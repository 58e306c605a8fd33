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
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (schema, rules) = a.read.schema_and_rules();
    let mut config = StorefrontConfig::online_retail(a.export).out_dir(&a.out);
    config.schema = schema;
    config.rules = rules;
    let done = run_storefront(&config, &mut |p| {
        if p.finished {
            eprintln!("[{}/{}] {} ({:.2} s)", p.step, p.total, p.title, p.elapsed.as_secs_f64());
        }
    })?;
    println!("{}", done.report.display());
    Ok(())
}
