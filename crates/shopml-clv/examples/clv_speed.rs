//! Times the CLV of N simulated BG/NBD customers (default 1,000,000) on the
//! rayon pool (RAYON_NUM_THREADS sets its size), the setting of the
//! criterion bench `clv`, and prints a checksum so two builds can be
//! compared for identical results.
//!
//! ```text
//! cargo run --release -p shopml-clv --example clv_speed [-- N ROUNDS]
//! ```

use std::time::Instant;

use shopml_clv::{BetaGeo, ClvParams, CustomerSummary, GammaGamma, Summary, customer_lifetime_value, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let truth = BetaGeo::new([0.243, 4.414, 0.793, 2.426])?;
    let sim = simulate::bg_nbd(&truth, n, 39.0, 1);
    let customers: Vec<CustomerSummary> = sim
        .customers
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.monetary = if c.frequency > 0.0 { 20.0 + (i % 17) as f64 } else { 0.0 };
            c
        })
        .collect();
    let summary = Summary::new(customers)?;
    let spend = GammaGamma::new([6.25, 3.74, 15.44])?;
    let params = ClvParams { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 };
    let mut times = Vec::new();
    let mut checksum = 0.0;
    for _ in 0..rounds {
        let t = Instant::now();
        let clv = customer_lifetime_value(&truth, &spend, &summary, &params)?;
        times.push(t.elapsed().as_secs_f64());
        checksum = clv.iter().sum::<f64>();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "CLV of {n} customers, 12 periods, {} threads: median {:.3} s (min {:.3}); sum of CLV {checksum:.10e}",
        rayon::current_num_threads(),
        times[times.len() / 2],
        times[0]
    );
    Ok(())
}
