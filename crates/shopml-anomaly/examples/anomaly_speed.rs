//! Times one detector on records from a raw little-endian f64 file (row-major),
//! for `benches/peers/anomaly_speed.py`. Prints one JSON line.
//!
//! ```text
//! cargo run --release -p shopml-anomaly --example anomaly_speed -- iforest|lof FILE ROWS COLS
//! ```

use ndarray::Array2;
use shopml_anomaly::{Detector, IsolationForest, LocalOutlierFactor};
use shopml_core::Fit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    let (which, file, n, d) = (a[1].as_str(), &a[2], a[3].parse::<usize>()?, a[4].parse::<usize>()?);
    let bytes = std::fs::read(file)?;
    let vals: Vec<f64> = bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
    let x = Array2::from_shape_vec((n, d), vals)?;
    let t = std::time::Instant::now();
    let scores = match which {
        "iforest" => {
            let f = IsolationForest::params().seed(0).fit(&x)?;
            eprintln!("fit {:.3}s", t.elapsed().as_secs_f64());
            f.score_samples(&x)?
        }
        "lof" => LocalOutlierFactor::params().fit(&x)?.negative_outlier_factor().clone(),
        other => return Err(format!("unknown detector {other}").into()),
    };
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{{\"seconds\": {secs}, \"mean_score\": {}, \"threads\": {}}}",
        scores.mean().unwrap_or(f64::NAN),
        rayon::current_num_threads()
    );
    Ok(())
}
