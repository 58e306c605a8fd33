//! AutoETS, Theta and Naive2 on the 3,003 M3 series (last NF points held out).
//!
//! ```text
//! RAYON_NUM_THREADS=2 cargo run --release -p shopml-forecast --example m3_accuracy -- ../shared/data/m3 /tmp/m3_shopml.csv [Yearly,Quarterly]
//! ```
//! Prints per-frequency sMAPE / MASE / OWA and the wall time of each model over
//! all series; writes every forecast to the CSV (kept out of the repository:
//! the M3 data have no stated licence).

use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;
use shopml_core::metrics::forecast::{mase, smape};
use shopml_core::{Fit, Forecast, TimeSeries};
use shopml_forecast::baseline::BaselineParams;
use shopml_forecast::ets::AutoEts;
use shopml_forecast::seasonal::Naive2Params;
use shopml_forecast::theta::Theta;

struct Series {
    id: String,
    freq: &'static str,
    m: usize,
    h: usize,
    train: Vec<f64>,
    test: Vec<f64>,
}

fn read(dir: &str) -> Vec<Series> {
    let mut out = Vec::new();
    for (file, freq, m) in
        [("M3Year.csv", "Yearly", 1), ("M3Quart.csv", "Quarterly", 4), ("M3Month.csv", "Monthly", 12), ("M3Other.csv", "Other", 1)]
    {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).expect("read M3 csv");
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let n: usize = f[1].trim().parse().expect("N");
            let h: usize = f[2].trim().parse().expect("NF");
            let vals: Vec<f64> = f[6..6 + n].iter().map(|v| v.trim().parse().expect("value")).collect();
            out.push(Series { id: f[0].to_string(), freq, m, h, train: vals[..n - h].to_vec(), test: vals[n - h..].to_vec() });
        }
    }
    out
}

type Runner = fn(&Series) -> (Vec<f64>, bool);

fn fallback(s: &Series) -> Vec<f64> {
    let ts = TimeSeries::new(s.train.clone(), 1).expect("series");
    BaselineParams::naive().fit(&ts).expect("naive").forecast(s.h, &[]).expect("forecast").point
}

fn run_ets(s: &Series) -> (Vec<f64>, bool) {
    let ts = TimeSeries::new(s.train.clone(), s.m).expect("series");
    match AutoEts::params().fit(&ts) {
        Ok(m) => (m.forecast(s.h, &[]).expect("forecast").point, false),
        Err(_) => (fallback(s), true),
    }
}

fn run_theta(s: &Series) -> (Vec<f64>, bool) {
    let ts = TimeSeries::new(s.train.clone(), s.m).expect("series");
    match Theta::params().fit(&ts) {
        Ok(m) => (m.forecast(s.h, &[]).expect("forecast").point, false),
        Err(_) => (fallback(s), true),
    }
}

fn run_naive2(s: &Series) -> (Vec<f64>, bool) {
    let ts = TimeSeries::new(s.train.clone(), s.m).expect("series");
    (Naive2Params.fit(&ts).expect("naive2").forecast(s.h, &[]).expect("forecast").point, false)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| "../shared/data/m3".into());
    let out = args.get(2).cloned();
    // Optional third argument: comma-separated frequencies to keep (e.g. `Yearly,Quarterly`).
    let only: Option<Vec<String>> = args.get(3).map(|v| v.split(',').map(str::to_string).collect());
    let series: Vec<Series> = read(&dir).into_iter().filter(|s| only.as_ref().is_none_or(|o| o.iter().any(|f| f == s.freq))).collect();
    let threads = rayon::current_num_threads();
    let models: [(&str, Runner); 3] = [("AutoETS", run_ets), ("Theta", run_theta), ("Naive2", run_naive2)];
    let mut all = Vec::new();
    for (name, f) in models {
        let t0 = Instant::now();
        let res: Vec<(Vec<f64>, bool)> = series.par_iter().map(f).collect();
        let secs = t0.elapsed().as_secs_f64();
        let fallbacks = res.iter().filter(|r| r.1).count();
        println!(
            "{{\"model\": \"{name}\", \"seconds\": {secs:.3}, \"threads\": {threads}, \"series\": {}, \"fallbacks\": {fallbacks}}}",
            series.len()
        );
        all.push((name, res));
    }
    // Per-frequency accuracy.
    let mut table = Vec::new();
    for freq in ["Yearly", "Quarterly", "Monthly", "Other"] {
        let idx: Vec<usize> = (0..series.len()).filter(|&i| series[i].freq == freq).collect();
        if idx.is_empty() {
            continue;
        }
        let mut row = Vec::new();
        for (name, res) in &all {
            let (mut sm, mut ms, mut nm) = (0.0, 0.0, 0usize);
            for &i in &idx {
                let s = &series[i];
                sm += smape(&s.test, &res[i].0).expect("smape");
                if let Ok(v) = mase(&s.test, &res[i].0, &s.train, s.m) {
                    ms += v;
                    nm += 1;
                }
            }
            row.push((*name, sm / idx.len() as f64, ms / nm as f64));
        }
        let (_, s2, m2) = row[2];
        for &(name, s, m) in &row {
            println!("| {freq} | {name} | {} | {s:.3} | {m:.3} | {:.3} |", idx.len(), 0.5 * (s / s2 + m / m2));
        }
        table.push(row);
    }
    if let Some(path) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create output"));
        for (name, res) in &all {
            for (s, r) in series.iter().zip(res) {
                let vals: Vec<String> = r.0.iter().map(|v| format!("{v}")).collect();
                writeln!(w, "{},{},{}", s.id, name, vals.join(",")).expect("write");
            }
        }
    }
}
