//! `shopml report`: the whole storefront report on any export.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

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
    /// Release the segment table's customer counts with this ε of
    /// differential privacy (discrete Laplace noise; revenue and median
    /// columns are then left out). Example: --dp-epsilon 1
    #[arg(long, value_name = "EPSILON")]
    pub dp_epsilon: Option<f64>,
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
    if let Some(e) = a.dp_epsilon {
        config = config.dp_epsilon(e);
    }
    // A progress bar when stderr is a terminal, one plain line per step otherwise.
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]") {
            b.set_style(style);
        }
        b
    });
    let done = run_storefront(&config, &mut |p| match (&bar, p.finished) {
        (Some(b), false) => {
            b.set_length(p.total as u64);
            b.set_message(p.title);
        }
        (Some(b), true) => b.inc(1),
        (None, true) => eprintln!("[{}/{}] {} ({:.2} s)", p.step, p.total, p.title, p.elapsed.as_secs_f64()),
        (None, false) => {}
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = done?;
    println!("{}", done.report.display());
    Ok(())
}
