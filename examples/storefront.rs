//! The main job on a shop's order export — by default the embedded Online
//! Retail sample (`examples/data/`, CC BY 4.0): clean the export, describe
//! the customers, segment them, recommend products on a time split, forecast
//! the best sellers' demand and set reorder points. Writes `report.md` and
//! SVG charts to the output folder (default `target/storefront/`).
//!
//! ```text
//! cargo run --release --example storefront [-- --data PATH --out DIR]
//! ```
//!
//! `--data` takes the full Online Retail file or a shop's export of the same
//! shape (plain or gzipped CSV).

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
            Some("--data") => {
                config = StorefrontConfig::online_retail(PathBuf::from(args.next().ok_or("--data needs a path")?)).out_dir(&config.out_dir)
            }
            Some("--out") => config = config.out_dir(PathBuf::from(args.next().ok_or("--out needs a folder")?)),
            Some("-h" | "--help") => {
                println!("usage: storefront [--data EXPORT.csv[.gz]] [--out DIR]");
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
