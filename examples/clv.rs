//! Customer lifetime value on the embedded Online Retail sample.
//!
//! `cargo run --release --example clv [path/to/online_retail.csv.gz]`
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::clv::{BetaGeo, ClvError, ClvParams, GammaGamma, RepeatPurchaseModel, Summary, SummaryParams, customer_lifetime_value};
use shopml::core::{Fit, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/online_retail_sample.csv.gz").to_string());
    let cleaned = read(std::path::Path::new(&path), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    // Calibration to 30 June 2011, holdout to 9 December 2011, one occasion per day.
    let params =
        SummaryParams::new(Timestamp::from_civil(2011, 6, 30, 23, 59, 59)?).holdout_end(Timestamp::from_civil(2011, 12, 9, 23, 59, 59)?);
    let summary = Summary::from_transactions(&cleaned.transactions, &params)?;
    println!("{} customers in calibration ({} first seen in the holdout)", summary.len(), summary.n_new_in_holdout);
    let bg = match BetaGeo::params().fit(&summary) {
        Ok(m) => m,
        // The maximum may sit on a boundary (nobody drops out): use the last point.
        Err(ClvError::NotConverged { last_params, reason, .. }) => {
            println!("BG/NBD stopped early ({reason}); using its last parameters");
            BetaGeo::new([last_params[0], last_params[1], last_params[2], last_params[3]])?
        }
        Err(e) => return Err(e.into()),
    };
    println!("BG/NBD r, alpha, a, b = {:?}", bg.parameters());
    let gg = GammaGamma::params().fit(&summary)?;
    let corr = gg.fit_summary().and_then(|f| f.frequency_spend_correlation).unwrap_or(f64::NAN);
    println!("Gamma-Gamma p, q, v = {:?}; frequency-spend correlation {corr:.3}", gg.parameters());
    let holdout_days = summary.customers[0].holdout.map_or(0.0, |h| h.duration);
    let predicted = bg.predict_purchases(&summary, holdout_days)?;
    let actual: f64 = summary.customers.iter().filter_map(|c| c.holdout.map(|h| h.frequency)).sum();
    println!("holdout repeat purchases: predicted {:.1}, actual {actual}", predicted.iter().sum::<f64>());
    let clv = customer_lifetime_value(&bg, &gg, &summary, &ClvParams { margin: 0.2, ..ClvParams::default() })?;
    let alive = bg.predict_alive(&summary)?;
    let mut order: Vec<usize> = (0..summary.len()).collect();
    order.sort_by(|&a, &b| clv[b].total_cmp(&clv[a]));
    println!("customer  x   P(alive)  12-month CLV (20 % margin, 1 %/month)");
    for &i in order.iter().take(5) {
        let c = &summary.customers[i];
        println!("{:>8} {:>3}   {:.3}     {:.2}", c.customer, c.frequency, alive[i], clv[i]);
    }
    Ok(())
}
