//! EASE fit time and weights, for `benches/peers/recommend_ease.py`.
//!
//! ```text
//! ease_speed TRIPLES.csv N_USERS N_ITEMS LAMBDA double|single OUT_ROWS.bin
//! ```
//!
//! Reads `user,item,value` (header, 0-based dense ids), fits EASE in the given
//! precision (best of three fits), writes the first 20 rows of the weight
//! matrix in that precision (little-endian f64 or f32) to `OUT_ROWS.bin`, and
//! prints one JSON line: seconds, items, precision.
use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use shopml_core::{Duplicates, Interactions, Triple};
use shopml_recommend::ease::dense_weights;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 7 {
        return Err("usage: ease_speed TRIPLES.csv N_USERS N_ITEMS LAMBDA double|single OUT_ROWS.bin".into());
    }
    let (n_users, n_items, lambda): (usize, usize, f64) = (a[2].parse()?, a[3].parse()?, a[4].parse()?);
    let mut triples = Vec::new();
    for line in BufReader::new(std::fs::File::open(&a[1])?).lines().skip(1) {
        let line = line?;
        let mut f = line.split(',');
        let (u, i, v) = (f.next().ok_or("user")?.parse()?, f.next().ok_or("item")?.parse()?, f.next().ok_or("value")?.parse()?);
        triples.push(Triple { user: u, item: i, value: v });
    }
    let data = Interactions::from_triples(n_users, n_items, &triples, Duplicates::Sum)?;
    let rows = n_items.min(20);
    let mut best = f64::INFINITY;
    let mut out = std::fs::File::create(&a[6])?;
    let mut bytes = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        bytes.clear();
        if a[5] == "single" {
            let w = dense_weights::<f32>(&data, lambda)?;
            best = best.min(t.elapsed().as_secs_f64());
            w.rows().into_iter().take(rows).flatten().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        } else {
            let w = dense_weights::<f64>(&data, lambda)?;
            best = best.min(t.elapsed().as_secs_f64());
            w.rows().into_iter().take(rows).flatten().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
    }
    out.write_all(&bytes)?;
    println!("{{\"seconds\": {best}, \"items\": {n_items}, \"precision\": \"{}\"}}", a[5]);
    Ok(())
}
