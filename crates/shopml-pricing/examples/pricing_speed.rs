//! Times the orange-juice cross-price panel (per-brand log-log OLS with store
//! effects, deal and feature) for benches/peers/pricing_speed.py.
//!
//! `cargo run --release -p shopml-pricing --example pricing_speed -- <orangeJuice_yx.csv.gz> <repeats>`
//! prints one JSON line: median seconds of the fit (design built from the long table included),
//! and brand 1's own-price elasticity for the agreement check.

use std::io::{BufRead, BufReader};
use std::time::Instant;

use shopml_core::Fit;
use shopml_pricing::{CrossPriceParams, PanelTable};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: pricing_speed <orangeJuice_yx.csv.gz> [repeats]");
    let repeats: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let f = std::fs::File::open(path).expect("cannot open the orange-juice panel");
    let mut t = PanelTable::new(&["deal", "feat"]);
    for (i, line) in BufReader::new(flate2::read::GzDecoder::new(f)).lines().enumerate() {
        let line = line.expect("read error");
        if i == 0 {
            continue;
        }
        let v: Vec<&str> = line.split(',').collect();
        let brand: usize = v[1].parse().expect("brand");
        let price: f64 = v[4 + brand].parse().expect("price");
        let logmove: f64 = v[3].parse().expect("logmove");
        t.push(
            v[0],
            v[1],
            v[2].parse().expect("week"),
            price,
            logmove.exp(),
            &[v[16].parse().expect("deal"), v[17].parse().expect("feat")],
        )
        .expect("row");
    }
    let mut times = Vec::with_capacity(repeats);
    let mut own = 0.0;
    for _ in 0..repeats {
        let start = Instant::now();
        let e = CrossPriceParams::default().fit(&t).expect("fit");
        times.push(start.elapsed().as_secs_f64());
        own = e.own("1").expect("brand 1").estimate;
    }
    times.sort_by(f64::total_cmp);
    println!("{{\"seconds\": {}, \"own_elasticity_brand1\": {own}}}", times[times.len() / 2]);
}
