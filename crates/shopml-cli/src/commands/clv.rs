//! `shopml clv`: repeat purchases, P(alive) and lifetime value per customer
//! (BG/NBD and Gamma-Gamma).

use std::path::PathBuf;

use shopml::clv::{BetaGeo, ClvError, ClvParams, GammaGamma, RepeatPurchaseModel, Summary, SummaryParams, customer_lifetime_value};
use shopml::core::Fit;

use serde::{Deserialize, Serialize};

use crate::input::ReadArgs;
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml clv`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Expected purchases are given for this many days ahead.
    #[arg(long, default_value_t = 90.0)]
    pub horizon_days: f64,
    /// Months of value counted in the lifetime value.
    #[arg(long, default_value_t = 12)]
    pub months: usize,
    /// Monthly discount rate (0.01 = 1 % a month).
    #[arg(long, default_value_t = 0.01)]
    pub discount: f64,
    /// Profit margin applied to spend (1 = revenue).
    #[arg(long, default_value_t = 1.0)]
    pub margin: f64,
    /// Save the fitted BG/NBD and Gamma-Gamma models to this JSON file,
    /// e.g. --save-model clv.json.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Score the export's customers with saved models instead of fitting
    /// (e.g. models fitted on last year's orders).
    #[arg(long, value_name = "FILE", conflicts_with = "save_model")]
    pub model: Option<PathBuf>,
}

/// The two fitted models `--save-model` writes (each validated on load).
#[derive(Serialize, Deserialize)]
struct ClvModels {
    purchases: BetaGeo,
    spend: GammaGamma,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    let end = cleaned
        .transactions
        .iter()
        .filter(|t| t.customer.is_some())
        .map(|t| t.timestamp)
        .max()
        .ok_or("no sales of identified customers")?;
    let summary = Summary::from_transactions(&cleaned.transactions, &SummaryParams::new(end))?;
    let models = match &a.model {
        Some(path) => model_file::load::<ClvModels>(path, "clv")?,
        None => {
            let bg = match BetaGeo::params().fit(&summary) {
                Ok(m) => m,
                Err(ClvError::NotConverged { last_params, reason, .. }) if last_params.len() == 4 => {
                    eprintln!("BG/NBD stopped before its tolerance ({reason}); using the best point found");
                    BetaGeo::new([last_params[0], last_params[1], last_params[2], last_params[3]])?
                }
                Err(e) => return Err(e.into()),
            };
            let gg = match GammaGamma::params().fit(&summary) {
                Ok(m) => m,
                Err(ClvError::NotConverged { last_params, reason, .. }) if last_params.len() == 3 => {
                    eprintln!("Gamma-Gamma stopped before its tolerance ({reason}); using the best point found");
                    GammaGamma::new([last_params[0], last_params[1], last_params[2]])?
                }
                Err(e) => return Err(e.into()),
            };
            ClvModels { purchases: bg, spend: gg }
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "clv", &models)?;
    }
    let (bg, gg) = (&models.purchases, &models.spend);
    let [r, alpha, ba, bb] = bg.parameters();
    eprintln!("BG/NBD r = {r:.4}, alpha = {alpha:.4}, a = {ba:.4}, b = {bb:.4}; Gamma-Gamma p, q, v = {:?}", gg.parameters());
    let params = ClvParams { periods: a.months, period_length: 30.0, discount_rate: a.discount, margin: a.margin };
    let value = customer_lifetime_value(bg, gg, &summary, &params)?;
    let alive = bg.predict_alive(&summary)?;
    let purchases = bg.predict_purchases(&summary, a.horizon_days)?;
    let rows = summary
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                Cell::from(c.customer.clone()),
                Cell::from(c.frequency),
                Cell::from(c.recency),
                Cell::from(c.t),
                Cell::from(c.monetary),
                Cell::from(alive[i]),
                Cell::from(purchases[i]),
                Cell::from(value[i]),
            ]
        })
        .collect();
    a.out.write(&["customer", "frequency", "recency_days", "age_days", "mean_spend", "p_alive", "expected_purchases", "clv"], rows)
}
