//! RFM + customer features on an Online Retail export, timed, as JSON.
//!
//! `cargo run --release -p shopml-features --example rfm_bench -- <online_retail.csv.gz> [repeats]`
//!
//! Reads and cleans the file with shopml-clean's defaults (not timed), then
//! times RFM + the customer feature table (best of `repeats`) and prints the
//! checksums that `benches/peers/features_rfm.py` compares with pandas.

use std::path::PathBuf;
use std::time::Instant;

use shopml_clean::{CleaningRules, TransactionSchema, read};
use shopml_features::{CustomerFeaturesParams, RfmParams, TieRule};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: rfm_bench <online_retail.csv.gz> [repeats]")?);
    let repeats: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3);
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let mut lines = cleaned.transactions;
    lines.extend(cleaned.returns);

    let (mut best, mut best_rfm, mut best_features) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let mut result = None;
    for _ in 0..repeats.max(1) {
        let t0 = Instant::now();
        let rfm = RfmParams::new().compute(&lines)?;
        let t1 = Instant::now();
        let features = CustomerFeaturesParams::new().compute(&lines, None)?;
        let t2 = Instant::now();
        best = best.min((t2 - t0).as_secs_f64());
        best_rfm = best_rfm.min((t1 - t0).as_secs_f64());
        best_features = best_features.min((t2 - t1).as_secs_f64());
        result = Some((rfm, features));
    }
    // The same work through the combined entry point, which groups the lines once.
    let mut best_combined = f64::INFINITY;
    for _ in 0..repeats.max(1) {
        let t0 = Instant::now();
        let (rfm, features) = CustomerFeaturesParams::new().compute_with_rfm(&lines, None, TieRule::Shared)?;
        best_combined = best_combined.min(t0.elapsed().as_secs_f64());
        let (r0, f0) = result.as_ref().ok_or("no run")?;
        if &rfm != r0 || &features != f0 {
            return Err("compute_with_rfm disagrees with separate calls".into());
        }
    }
    let (rfm, features) = result.ok_or("no run")?;
    let segments: serde_json::Map<String, serde_json::Value> =
        rfm.segment_counts().into_iter().filter(|(_, n)| *n > 0).map(|(s, n)| (s.name().to_string(), n.into())).collect();
    let sum_u8 = |v: &[u8]| v.iter().map(|&x| x as u64).sum::<u64>();
    let cols: serde_json::Map<String, serde_json::Value> =
        features.names.iter().enumerate().map(|(j, n)| (n.clone(), features.values.column(j).sum().into())).collect();
    let out = serde_json::json!({
        "rfm": {
            "n_customers": rfm.len(),
            "recency_sum": rfm.recency.iter().sum::<f64>(),
            "frequency_sum": rfm.frequency.iter().sum::<f64>(),
            "monetary_sum": rfm.monetary.iter().sum::<f64>(),
            "r_score_sum": sum_u8(&rfm.r_score),
            "f_score_sum": sum_u8(&rfm.f_score),
            "m_score_sum": sum_u8(&rfm.m_score),
            "segments": segments,
        },
        "features": cols,
        "n_lines": lines.len(),
        "seconds": best,
        "seconds_rfm": best_rfm,
        "seconds_features": best_features,
        "seconds_combined": best_combined,
        "threads": rayon::current_num_threads(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
