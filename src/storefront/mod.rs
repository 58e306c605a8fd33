//! The storefront report: a shop's order export in, `report.md` and SVG
//! charts out — the main job of the library, shared by the
//! `storefront` example and the `shopml report` command.
//!
//! The steps follow a shop's questions, not the crate list: what is in the
//! export (cleaning), who the customers are (RFM and features), which groups
//! they form (k-means segments), who is about to stop buying (a churn model
//! on a leak-free time split), what each customer is worth (BG/NBD and
//! Gamma-Gamma lifetime value), what to show each of them (recommenders on a
//! time split), what is bought together (association rules), what price to
//! charge (elasticities and profit-optimal prices), and how much stock to
//! hold (weekly forecasts with intervals and reorder points). Each step adds a section and its charts to
//! the report; a progress callback hears when each step starts and ends (the
//! library never prints).
//!
//! ```no_run
//! use shopml::storefront::{StorefrontConfig, run};
//! let config = StorefrontConfig::sample().out_dir("target/storefront");
//! let done = run(&config, &mut |p| eprintln!("{} {}", p.step, p.title)).unwrap();
//! println!("{}", done.report.display());
//! ```

mod basket;
mod churn;
mod cleaning;
mod clv;
mod config;
mod context;
mod customers;
mod demand;
mod pricing;
mod recommendations;
mod segments;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use config::{SAMPLE_PATH, StorefrontConfig};

use crate::report::ReportError;
use context::Context;

/// A step starting (`finished == false`) or ending.
#[derive(Debug, Clone, PartialEq)]
pub struct StepProgress {
    /// 1-based step number.
    pub step: usize,
    /// Number of steps.
    pub total: usize,
    /// The question the step answers.
    pub title: &'static str,
    /// Whether the step has finished.
    pub finished: bool,
    /// Time spent in the step so far.
    pub elapsed: Duration,
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Storefront {
    /// The Markdown report.
    pub report: PathBuf,
    /// Every chart written, in report order.
    pub charts: Vec<PathBuf>,
    /// Seconds per step, in order.
    pub timings: Vec<(&'static str, f64)>,
}

type Step = fn(&mut Context) -> Result<(), ReportError>;

const STEPS: [(&str, Step); 9] = [
    ("What is in the export?", cleaning::run),
    ("Who are our customers?", customers::run),
    ("Which groups of customers do we have?", segments::run),
    ("Which customers are we about to lose?", churn::run),
    ("What is each customer worth?", clv::run),
    ("What should we show each customer?", recommendations::run),
    ("What is bought together?", basket::run),
    ("What price should we charge?", pricing::run),
    ("How much stock do we need?", demand::run),
];

/// Runs every step on `config`'s export and writes the report.
///
/// Errors: an option out of range ([`StorefrontConfig::check`]), the export cannot be read or keeps no rows (the reader's error
/// names the file, line and column), a step's model fails, or the output
/// folder cannot be written.
pub fn run(config: &StorefrontConfig, progress: &mut dyn FnMut(&StepProgress)) -> Result<Storefront, ReportError> {
    config.check()?;
    std::fs::create_dir_all(&config.out_dir).map_err(|source| ReportError::Io { path: config.out_dir.clone(), source })?;
    let mut cx = Context::new(config);
    cx.md.heading(1, "Storefront report");
    cx.md.paragraph(&format!("Export: `{}`.", config.source_name()));
    let total = STEPS.len();
    let mut timings = Vec::with_capacity(total);
    for (i, (title, step)) in STEPS.iter().enumerate() {
        let t = Instant::now();
        progress(&StepProgress { step: i + 1, total, title, finished: false, elapsed: Duration::ZERO });
        cx.md.heading(2, &format!("{}. {title}", i + 1));
        step(&mut cx)?;
        let elapsed = t.elapsed();
        timings.push((*title, elapsed.as_secs_f64()));
        progress(&StepProgress { step: i + 1, total, title, finished: true, elapsed });
    }
    cx.md.heading(2, "Timings");
    let rows: Vec<Vec<String>> = timings.iter().map(|(t, s)| vec![t.to_string(), format!("{s:.2}")]).collect();
    cx.md.table(&["step", "seconds"], &rows);
    let report = config.out_dir.join("report.md");
    cx.md.write(&report)?;
    Ok(Storefront { report, charts: cx.charts, timings })
}

/// Formats a count with thousands separators (`541909` → `541,909`).
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(541_909), "541,909");
        assert_eq!(super::thousands(12), "12");
        assert_eq!(super::thousands(1_000), "1,000");
    }
}
