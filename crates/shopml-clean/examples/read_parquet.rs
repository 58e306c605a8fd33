//! Reads an Online Retail–shaped Parquet file or folder with the preset and
//! prints the report, or the error; `--generate DIR LINES FILES` first
//! writes a synthetic one. The Parquet twin of `read_export` (feature `parquet`):
//!
//! ```text
//! cargo run --release -p shopml-clean --features parquet --example read_parquet -- --generate /tmp/or 500000 8
//! /usr/bin/time -v target/release/examples/read_parquet /tmp/or
//! ```

use shopml_clean::parquet::{self, SynthParams};
use shopml_clean::{CleaningRules, TransactionSchema};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = match args.as_slice() {
        [flag, dir, lines, files] if flag == "--generate" => {
            let (Ok(lines), Ok(files)) = (lines.parse(), files.parse()) else {
                eprintln!("LINES and FILES are numbers");
                std::process::exit(2);
            };
            let params = SynthParams::new(lines, (lines / 40).max(1), (lines / 100).clamp(1, 4000)).files(files).seed(1);
            match parquet::generate(&params).and_then(|d| d.write_parquet(dir)) {
                Ok(paths) => println!("wrote {} files to {dir}", paths.len()),
                Err(e) => {
                    println!("error: {e}");
                    std::process::exit(1);
                }
            }
            dir.clone()
        }
        [path] => path.clone(),
        _ => {
            eprintln!("usage: read_parquet PATH | read_parquet --generate DIR LINES FILES");
            std::process::exit(2);
        }
    };
    match parquet::read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail()) {
        Ok(c) => {
            println!("{}", c.report);
            if let Some(i) = c.report.issues.first() {
                println!("first issue: line {} column {:?}: {}", i.line, i.column, i.message);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
