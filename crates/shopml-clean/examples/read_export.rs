//! Reads one Online Retail–shaped export (plain or gzip) with the preset and
//! prints the report, or the error. Used to measure peak memory on hostile
//! inputs (docs/RELIABILITY.md):
//!
//! ```text
//! cargo build --release -p shopml-clean --example read_export
//! /usr/bin/time -v target/release/examples/read_export FILE
//! ```

use shopml_clean::{CleaningRules, TransactionSchema, read};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_export FILE");
        std::process::exit(2);
    };
    match read(std::path::Path::new(&path), &TransactionSchema::online_retail(), &CleaningRules::online_retail()) {
        Ok(c) => {
            println!("{}", c.report);
            if let Some(i) = c.report.issues.first() {
                println!("first issue: line {} column {:?}: {}", i.line, i.column, i.message);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
