//! Times the phases of reading the Online Retail export (decompression only,
//! parse with every rule off, default rules), in CPU-bound wall seconds.
//!
//! `cargo run --release -p shopml-clean --example phase_timing -- <path>`
use std::io::Read;
use std::time::Instant;

use shopml_clean::{CleaningRules, ReturnPolicy, TransactionSchema, open_path, read};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/online_retail/online_retail.csv.gz".into());
    let p: &std::path::Path = path.as_ref();
    let t = Instant::now();
    let mut buf = Vec::new();
    open_path(p)?.read_to_end(&mut buf)?;
    println!("decompress {:.3}s ({} bytes)", t.elapsed().as_secs_f64(), buf.len());
    let schema = TransactionSchema::online_retail();
    let t = Instant::now();
    let c = read(p, &schema, &CleaningRules::permissive().returns(ReturnPolicy::Keep))?;
    println!("permissive {:.3}s ({} kept)", t.elapsed().as_secs_f64(), c.transactions.len());
    let t = Instant::now();
    let c = read(p, &schema, &CleaningRules::online_retail())?;
    println!("default    {:.3}s ({} kept)", t.elapsed().as_secs_f64(), c.transactions.len());
    Ok(())
}
