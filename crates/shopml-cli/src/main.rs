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
//! shopml basket orders.csv --cart MUG,TEA
//! shopml price orders.csv --cost-share 0.5
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
    /// Each customer's probability of not buying within --horizon-days (logistic model on a leak-free time split).
    ///
    /// Example: shopml churn orders.csv.gz --horizon-days 90 --save-model churn.json
    Churn(commands::churn::Args),
    /// Lifetime value, P(alive) and expected purchases per customer (BG/NBD + Gamma-Gamma).
    ///
    /// Example: shopml clv orders.csv.gz --months 12 --margin 0.3 --format json
    Clv(commands::clv::Args),
    /// Top-N product recommendations (implicit ALS) for one customer or all.
    ///
    /// Example: shopml recommend orders.csv.gz --save-model rec.json; shopml recommend --model rec.json --user 17850
    Recommend(commands::recommend::Args),
    /// Association rules between products, or bought-together suggestions for a cart.
    ///
    /// Example: shopml basket orders.csv.gz --min-support 0.01 --min-lift 2; shopml basket orders.csv.gz --cart 85123A,22423
    Basket(commands::basket::Args),
    /// Own-price elasticities per product and profit-maximising prices where they are reliable.
    ///
    /// Example: shopml price orders.csv.gz --cost-share 0.6 --max-change 0.2
    Price(commands::price::Args),
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
        Command::Churn(a) => commands::churn::run(a),
        Command::Clv(a) => commands::clv::run(a),
        Command::Recommend(a) => commands::recommend::run(a),
        Command::Basket(a) => commands::basket::run(a),
        Command::Price(a) => commands::price::run(a),
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
