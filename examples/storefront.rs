//! The main job on a shop's order export — by default the embedded Online
//! Retail sample (`examples/data/`, CC BY 4.0): clean the export, describe
//! the customers, segment them, model churn, value them (CLV), recommend
//! products on a time split, mine bought-together rules, estimate price
//! elasticities and profit-optimal prices, forecast the best sellers' demand
//! and set reorder points. Writes `report.md` and
//! SVG charts to the output folder (default `target/storefront/`).
//!
//! ```text
//! cargo run --release --example storefront [-- --data PATH --out DIR]
//! ```
//!
//! `--data` takes the full Online Retail file or a shop's export of the same
//! shape (plain or gzipped CSV). `--min-group-size K` (default 5) keeps any
//! group of fewer than K customers out of the report's tables.
//! `--pseudonymise-key-file KEY` pseudonymises customer ids as they are read
//! (HMAC-SHA-256 under the secret in KEY, at least 32 bytes): no raw id
//! reaches the report. `--dp-epsilon E` releases the segment table's
//! customer counts with E-differential privacy (discrete Laplace noise).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use shopml::storefront::{StorefrontConfig, run};

fn main() {
    if let Err(e) = main_inner() {
        eprintln!("storefront: {e}");
        std::process::exit(1);
    }
}

fn main_inner() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = StorefrontConfig::sample();
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--data") => config.data = PathBuf::from(args.next().ok_or("--data needs a path")?),
            Some("--out") => config = config.out_dir(PathBuf::from(args.next().ok_or("--out needs a folder")?)),
            Some("--pseudonymise-key-file") => {
                config = config.pseudonymise_key_file(PathBuf::from(args.next().ok_or("--pseudonymise-key-file needs a path")?))
            }
            Some("--min-group-size") => {
                let k = args.next().and_then(|v| v.to_str().and_then(|v| v.parse().ok())).ok_or("--min-group-size needs a whole number")?;
                config = config.min_group_size(k);
            }
            Some("--dp-epsilon") => {
                let e = args.next().and_then(|v| v.to_str().and_then(|v| v.parse().ok())).ok_or("--dp-epsilon needs a number")?;
                config = config.dp_epsilon(e);
            }
            Some("-h" | "--help") => {
                println!(
                    "usage: storefront [--data EXPORT.csv[.gz]] [--out DIR] [--min-group-size K] [--pseudonymise-key-file KEY] [--dp-epsilon E]"
                );
                return Ok(());
            }
            _ => return Err(format!("unknown argument {:?} (see --help)", a).into()),
        }
    }
    let t = Instant::now();
    // A progress bar on a terminal, plain lines otherwise (logs, CI).
    let bar = std::io::stdout().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        b.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]").expect("valid template"));
        b
    });
    let done = run(&config, &mut |p| match (&bar, p.finished) {
        (Some(b), false) => {
            b.set_length(p.total as u64);
            b.set_message(p.title);
        }
        (Some(b), true) => b.inc(1),
        (None, true) => println!("[{}/{}] {} ({:.2} s)", p.step, p.total, p.title, p.elapsed.as_secs_f64()),
        (None, false) => {}
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = done?;
    for (title, secs) in &done.timings {
        println!("{secs:>6.2} s  {title}");
    }
    println!("report: {} ({} charts) in {:.2} s", done.report.display(), done.charts.len(), t.elapsed().as_secs_f64());
    Ok(())
}
