//! Reads `user,item,value` triples (integer ids) from a CSV file, builds the
//! CSR `Interactions`, and prints the build time: the shopml side of
//! `benches/peers/core_interactions.py` (the peer is scipy's coo→csr).
//!
//! `cargo run --release -p shopml-core --example build_interactions -- triples.csv`

use std::io::{BufRead, BufReader};
use std::time::Instant;

use shopml_core::{Duplicates, Interactions, Triple};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: build_interactions TRIPLES.csv")?;
    let reader = BufReader::new(std::fs::File::open(&path)?);
    let mut triples = Vec::new();
    let (mut n_users, mut n_items) = (0u32, 0u32);
    for (i, line) in reader.lines().enumerate().skip(1) {
        let line = line?;
        let mut f = line.split(',');
        let mut next = |what: &str| f.next().ok_or_else(|| format!("line {}: missing {what}", i + 1));
        let user: u32 = next("user")?.parse()?;
        let item: u32 = next("item")?.parse()?;
        let value: f32 = next("value")?.parse()?;
        n_users = n_users.max(user + 1);
        n_items = n_items.max(item + 1);
        triples.push(Triple { user, item, value });
    }
    let mut best = f64::INFINITY;
    let mut nnz = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let m = Interactions::from_triples(n_users as usize, n_items as usize, &triples, Duplicates::Sum)?;
        best = best.min(t.elapsed().as_secs_f64());
        nnz = m.nnz();
    }
    println!("{{\"triples\": {}, \"nnz\": {nnz}, \"seconds\": {best:.6}}}", triples.len());
    Ok(())
}
