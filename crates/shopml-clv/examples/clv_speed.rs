//! Timing driver for the CLV comparison with lifetimes
//! (`benches/peers/run clv_speed`), and a quick check by hand.
//!
//! ```text
//! cargo run --release -p shopml-clv --example clv_speed -- simulate N FILE      # N BG/NBD customers to CSV
//! cargo run --release -p shopml-clv --example clv_speed -- clv FILE ROUNDS      # 12-month CLV of every row
//! cargo run --release -p shopml-clv --example clv_speed -- fit FILE ROUNDS      # fit BG/NBD and Gamma-Gamma
//! ```
//!
//! Files are CSV with the header `frequency,recency,T,monetary` (weeks for
//! simulated data). Each mode prints one JSON object on its last line:
//! median seconds over the rounds, and what was computed (parameters, or the
//! sum of CLV) so the two sides can be checked for the same answer.
//! RAYON_NUM_THREADS sets the pool size.

use std::time::Instant;

use shopml_clv::{BetaGeo, ClvParams, CustomerSummary, GammaGamma, Summary, customer_lifetime_value, simulate};
use shopml_core::Fit;

/// The generating model of the simulated customers (lifetimes' CDNOW fit, weeks).
const TRUTH: [f64; 4] = [0.243, 4.414, 0.793, 2.426];
/// The spend model used for CLV (lifetimes' CDNOW Gamma-Gamma fit).
const SPEND: [f64; 3] = [6.25, 3.74, 15.44];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, what: &str| args.get(i).cloned().ok_or_else(|| format!("missing {what} (see the file's header)"));
    match arg(0, "mode")?.as_str() {
        "simulate" => {
            let n: usize = arg(1, "N")?.parse()?;
            let sim = simulate::bg_nbd(&BetaGeo::new(TRUTH)?, n, 39.0, 1);
            let mut out = String::from("frequency,recency,T,monetary\n");
            for (i, c) in sim.customers.iter().enumerate() {
                let m = if c.frequency > 0.0 { 20.0 + (i % 17) as f64 } else { 0.0 };
                out.push_str(&format!("{},{},{},{m}\n", c.frequency, c.recency, c.t));
            }
            std::fs::write(arg(2, "FILE")?, out)?;
        }
        "clv" => {
            let summary = read(&arg(1, "FILE")?)?;
            let rounds: usize = arg(2, "ROUNDS")?.parse()?;
            let (bg, gg) = (BetaGeo::new(TRUTH)?, GammaGamma::new(SPEND)?);
            let params = ClvParams { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 };
            let mut sum = 0.0;
            let secs = median_secs(rounds, || {
                let clv = customer_lifetime_value(&bg, &gg, &summary, &params)?;
                sum = clv.iter().sum::<f64>();
                Ok(())
            })?;
            println!(
                "{{\"seconds\": {secs}, \"customers\": {}, \"threads\": {}, \"clv_sum\": {sum}}}",
                summary.len(),
                rayon::current_num_threads()
            );
        }
        "fit" => {
            let summary = read(&arg(1, "FILE")?)?;
            let rounds: usize = arg(2, "ROUNDS")?.parse()?;
            let mut bg = None;
            let bg_secs = median_secs(rounds, || {
                bg = Some(BetaGeo::params().fit(&summary)?);
                Ok(())
            })?;
            let mut gg = None;
            let gg_secs = median_secs(rounds, || {
                gg = Some(GammaGamma::params().fit(&summary)?);
                Ok(())
            })?;
            let (bg, gg) = (bg.ok_or("no BG/NBD fit")?, gg.ok_or("no Gamma-Gamma fit")?);
            println!(
                "{{\"bgnbd_seconds\": {bg_secs}, \"gamma_gamma_seconds\": {gg_secs}, \"bgnbd\": {:?}, \"gamma_gamma\": {:?}}}",
                bg.parameters(),
                gg.parameters()
            );
        }
        other => return Err(format!("unknown mode {other:?}: simulate, clv or fit").into()),
    }
    Ok(())
}

fn read(path: &str) -> Result<Summary, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let v: Vec<f64> = line.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        if v.len() != 4 {
            return Err(format!("{path}:{}: expected 4 fields, got {}", i + 1, v.len()).into());
        }
        rows.push(CustomerSummary::new(i.to_string(), v[0], v[1], v[2], v[3]));
    }
    Ok(Summary::new(rows)?)
}

fn median_secs(rounds: usize, mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>) -> Result<f64, Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(rounds.max(1));
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
