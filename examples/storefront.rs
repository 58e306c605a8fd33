//! The main job on a shop's order export (the embedded Online Retail sample by
//! default): clean the raw lines and account for every one of them.
//!
//! `cargo run --release --example storefront [-- path/to/export.csv.gz]`

use std::path::PathBuf;
use std::time::Instant;

use shopml::clean::{CleaningRules, TransactionSchema, read_transactions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let t = Instant::now();
    let cleaned = read_transactions(&path, &TransactionSchema::online_retail(), &CleaningRules::default())?;
    let r = &cleaned.report;
    println!("== 1. cleaning {} ({:.2} s)", path.display(), t.elapsed().as_secs_f64());
    println!("rows read {}, kept {}, returns {}", r.rows_read, r.rows_kept, r.returns);
    for (reason, n) in &r.quarantined {
        println!("  quarantined {reason:?}: {n}");
    }
    let quarantined: u64 = r.quarantined.values().sum();
    assert_eq!(r.rows_read, r.rows_kept + r.returns + quarantined, "every row is accounted for");
    Ok(())
}
