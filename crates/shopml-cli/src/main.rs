//! `shopml`: the storefront steps on any order export, from the command line.
//!
//! Every subcommand reads a CSV export (plain or gzip) through the same column
//! mapping options, writes CSV or JSON (`--format`), and on bad input prints
//! one line — which file, line and column, what was expected — and exits with
//! status 1 (2 for bad command-line arguments). Fitted models save to and
//! load from JSON (`--save-model`, `--model`).
//!
//! ```text
//! shopml report orders.csv.gz --out report/
//! shopml segment orders.csv --customer-col customer --save-model seg.json
//! shopml recommend --model rec.json --user 17850
//! ```

mod commands;
mod input;
mod model_file;
mod output;

use clap::{Parser, Subcommand};

/// E-commerce analytics on a shop's order export.
#[derive(Debug, Parser)]
#[command(name = "shopml", version, about, long_about = None, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean an export: kept rows (CSV/JSON) on stdout or --output, the report on stderr.
    ///
    /// Example: shopml clean orders.csv --preset neutral --customer-col customer --output clean.csv
    Clean(commands::clean::Args),
    /// Recency, frequency and monetary value per customer, with the RFM segment.
    ///
    /// Example: shopml rfm orders.csv.gz --format json
    Rfm(commands::rfm::Args),
    /// k-means segments of the customers' log-scaled RFM (k chosen unless --k is given).
    ///
    /// Example: shopml segment orders.csv.gz --save-model segments.json
    Segment(commands::segment::Args),
    /// Top-N product recommendations (implicit ALS) for one customer or all.
    ///
    /// Example: shopml recommend orders.csv.gz --save-model rec.json; shopml recommend --model rec.json --user 17850
    Recommend(commands::recommend::Args),
    /// Weekly demand forecasts with intervals for the best sellers or given products.
    ///
    /// Example: shopml forecast orders.csv.gz --top 5 --horizon 8 --level 95
    Forecast(commands::forecast::Args),
    /// The whole storefront report (report.md and SVG charts) for an export.
    ///
    /// Example: shopml report orders.csv.gz --out report/
    Report(commands::report::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Clean(a) => commands::clean::run(a),
        Command::Rfm(a) => commands::rfm::run(a),
        Command::Segment(a) => commands::segment::run(a),
        Command::Recommend(a) => commands::recommend::run(a),
        Command::Forecast(a) => commands::forecast::run(a),
        Command::Report(a) => commands::report::run(a),
    };
    if let Err(e) = result {
        // A closed pipe (`shopml rfm x.csv | head`) is not an error.
        if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            return;
        }
        eprintln!("shopml: error: {e}");
        std::process::exit(1);
    }
}
