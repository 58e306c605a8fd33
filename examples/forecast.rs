//! Demand forecasting on the embedded Online Retail sample: weekly units of the
//! best sellers, an AutoETS forecast with 80 % and 95 % interval bands,
//! safety stock and reorder point for a two-week lead time at a 95 % cycle
//! service level, and a rolling-origin backtest of the best seller against
//! Theta, naive and SBA.
//!
//! ```text
//! cargo run --release --example forecast                      # embedded sample
//! cargo run --release --example forecast -- path/to/online_retail.csv.gz
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use shopml::clean::{CleaningRules, MissingCustomer, TransactionSchema, read};
use shopml::core::{Fit, Forecast, TimeSeries};
use shopml::features::{DemandParams, Frequency};
use shopml::forecast::backtest::Backtest;
use shopml::forecast::baseline::BaselineParams;
use shopml::forecast::intermittent::IntermittentParams;
use shopml::forecast::inventory::{LeadTimeDemand, reorder_point, safety_stock_cycle_service};
use shopml::forecast::{AutoEts, ModelSpec, Theta};

const HORIZON: usize = 8;
const LEAD_TIME_WEEKS: usize = 2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    // Demand counts guest orders too: keep the lines without a customer id.
    let rules = CleaningRules::online_retail().missing_customer(MissingCustomer::Keep);
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &rules)?;
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();
    let mut descriptions: HashMap<&str, &str> = HashMap::new();
    for t in &lines {
        if let Some(d) = &t.description {
            descriptions.entry(t.product.as_str()).or_insert(d.as_str());
        }
    }
    // Net units per ISO week: a cancelled order nets out in its week; a week
    // with more returned than sold counts as no demand (clipped below).
    let panel = DemandParams::new().frequency(Frequency::Week).build(&lines, None)?;
    let units = panel.quantity.mapv(|v| v.max(0.0));
    let (first, last) = (panel.periods.first().ok_or("no weeks")?, panel.periods.last().ok_or("no weeks")?);
    println!("{} products × {} weeks, {first} to {last}", panel.keys.len(), panel.periods.len());
    let mut order: Vec<usize> = (0..panel.keys.len()).collect();
    order.sort_by(|&a, &b| units.row(b).sum().total_cmp(&units.row(a).sum()));

    println!(
        "\n{:<8} {:<36} {:>7} {:>5} {:>9} {:>15} {:>7} {:>8}",
        "product", "description", "u/week", "zeros", "next week", "95 % band", "safety", "reorder"
    );
    let mut best = None;
    for &k in order.iter().take(5) {
        let key = panel.keys.id(k).ok_or("product index")?;
        let history = units.row(k).to_vec();
        let series = TimeSeries::new(history.clone(), 1)?;
        let model = AutoEts::params().fit(&series)?;
        let f = model.forecast(HORIZON, &[80.0, 95.0])?;
        let ltd = LeadTimeDemand::from_forecast(&model, LEAD_TIME_WEEKS)?;
        let safety = safety_stock_cycle_service(&ltd, 95.0)?;
        println!(
            "{key:<8} {:<36} {:>7.1} {:>5} {:>9.1} {:>6.1} – {:>6.1} {:>7.1} {:>8.1}",
            descriptions.get(key.as_str()).copied().unwrap_or("?"),
            history.iter().sum::<f64>() / history.len() as f64,
            history.iter().filter(|&&v| v == 0.0).count(),
            f.point[0],
            f.intervals[1].lower[0].max(0.0),
            f.intervals[1].upper[0],
            safety,
            reorder_point(&ltd, safety)?
        );
        best.get_or_insert((key.clone(), series, model, f));
    }

    // The best seller, week by week.
    let (key, series, model, f) = best.ok_or("no products")?;
    println!("\n{key}: {}; lead-time demand over {LEAD_TIME_WEEKS} weeks from the model", model.name());
    println!("  {:<12} {:>8} {:>17} {:>17}", "week of", "forecast", "80 % band", "95 % band");
    for h in 0..HORIZON {
        let (b80, b95) = (&f.intervals[0], &f.intervals[1]);
        let (y, m, d, ..) = last.add_days(7 * (h as i64 + 1)).civil();
        println!(
            "  {y}-{m:02}-{d:02}   {:>8.1}   {:>6.1} – {:>6.1}   {:>6.1} – {:>6.1}",
            f.point[h],
            b80.lower[h].max(0.0),
            b80.upper[h],
            b95.lower[h].max(0.0),
            b95.upper[h]
        );
    }

    // Rolling origin: six 4-week windows, four weeks apart.
    let backtest = Backtest { horizon: 4, step: 4, n_windows: 6 };
    let specs = [
        ("AutoETS", ModelSpec::AutoEtsParams(AutoEts::params())),
        ("Theta", ModelSpec::ThetaParams(Theta::params())),
        ("naive", ModelSpec::BaselineParams(BaselineParams::naive())),
        ("SBA (α = 0.1)", ModelSpec::IntermittentParams(IntermittentParams::sba(0.1))),
    ];
    println!("\nbacktest of {key} ({} windows of {} weeks): MAE, RMSE, MASE, bias", backtest.n_windows, backtest.horizon);
    for (name, spec) in &specs {
        let a = backtest.run(spec, &series)?.accuracy;
        println!("  {name:<14} {:>7.1} {:>7.1} {:>6.2} {:>+7.1}", a.mae, a.rmse, a.mase, a.bias);
    }
    Ok(())
}
