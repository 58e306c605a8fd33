//! Rolling-origin MSTL + AutoETS forecasts of one column of a gzipped CSV,
//! for `benches/peers/forecast_mstl.py`.
//!
//! ```text
//! mstl_backtest FILE.csv.gz COLUMN PERIODS HORIZON ORIGINS OUT.csv
//! ```
//!
//! `PERIODS` is comma-separated (e.g. `48,336`). Origin `o` (0-based) trains
//! on everything before the last `(ORIGINS − o) · HORIZON` values and
//! forecasts `HORIZON` steps. Writes `origin,step,forecast` rows to `OUT.csv`
//! and prints one JSON line with the seconds spent fitting and forecasting.
use std::io::{Read, Write};
use std::time::Instant;

use shopml_core::{Fit, Forecast, TimeSeries};
use shopml_forecast::mstl::MstlEts;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 7 {
        return Err("usage: mstl_backtest FILE.csv.gz COLUMN PERIODS HORIZON ORIGINS OUT.csv".into());
    }
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&a[1])?).read_to_string(&mut text)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split(',').map(|h| h.trim_matches('"')).collect();
    let col = header.iter().position(|h| *h == a[2]).ok_or_else(|| format!("no column {}", a[2]))?;
    let y: Vec<f64> = lines
        .map(|l| l.split(',').nth(col).ok_or("short row")?.trim_matches('"').parse::<f64>().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let periods: Vec<usize> = a[3].split(',').map(|p| p.parse()).collect::<Result<_, _>>()?;
    let (horizon, origins): (usize, usize) = (a[4].parse()?, a[5].parse()?);
    let mut out = std::fs::File::create(&a[6])?;
    writeln!(out, "origin,step,forecast")?;
    let t = Instant::now();
    for o in 0..origins {
        let end = y.len() - (origins - o) * horizon;
        let model = MstlEts::params(periods.clone()).fit(&TimeSeries::new(y[..end].to_vec(), periods[0])?)?;
        let f = model.forecast(horizon, &[])?;
        for (s, v) in f.point.iter().enumerate() {
            writeln!(out, "{o},{s},{v}")?;
        }
    }
    println!("{{\"seconds\": {}}}", t.elapsed().as_secs_f64());
    Ok(())
}
