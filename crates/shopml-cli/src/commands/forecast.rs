//! `shopml forecast`: weekly demand forecasts with intervals.

use std::collections::BTreeMap;
use std::path::PathBuf;

use shopml::core::{Fit, Forecast, TimeSeries};
use shopml::features::{DemandParams, Frequency};
use shopml::forecast::ets::AutoEts;

use crate::input::ReadArgs;
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Forecast the N best-selling products (by units).
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Forecast these products (repeatable) instead of the best sellers.
    #[arg(long = "product", value_name = "SKU")]
    pub products: Vec<String>,
    /// Weeks ahead.
    #[arg(long, default_value_t = 8)]
    pub horizon: usize,
    /// Interval level in percent (repeatable).
    #[arg(long = "level", default_values_t = [95.0])]
    pub levels: Vec<f64>,
    /// Save the fitted models (one per product) to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Forecast from saved models without refitting.
    #[arg(long, value_name = "FILE", conflicts_with = "save_model")]
    pub model: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let models: BTreeMap<String, AutoEts> = match &a.model {
        Some(path) => model_file::load(path, "forecast")?,
        None => {
            let cleaned = a.read.read(crate::input::export_path(&a.export)?)?;
            super::summary(&cleaned);
            let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();
            let panel = DemandParams::new().frequency(Frequency::Week).build(&lines, None)?;
            let chosen: Vec<usize> = if a.products.is_empty() {
                let mut order: Vec<usize> = (0..panel.keys.len()).collect();
                order.sort_by(|&x, &y| panel.quantity.row(y).sum().total_cmp(&panel.quantity.row(x).sum()));
                order.into_iter().take(a.top).collect()
            } else {
                a.products
                    .iter()
                    .map(|p| panel.keys.index(p).map_err(|_| format!("product {p} has no sales in the export")))
                    .collect::<Result<_, _>>()?
            };
            let mut m = BTreeMap::new();
            for k in chosen {
                let key = panel.keys.id(k).cloned().unwrap_or_default();
                let series = TimeSeries::new(panel.quantity.row(k).to_vec(), 1)?;
                m.insert(key, AutoEts::params().fit(&series)?);
            }
            m
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "forecast", &models)?;
    }
    let mut header = vec!["product".to_string(), "step".to_string(), "forecast".to_string()];
    for l in &a.levels {
        header.push(format!("lower_{l}"));
        header.push(format!("upper_{l}"));
    }
    let mut rows = Vec::new();
    for (product, model) in &models {
        let f = model.forecast(a.horizon, &a.levels)?;
        for h in 0..a.horizon {
            let mut row = vec![Cell::from(product.as_str()), Cell::from(h + 1), Cell::from(f.point[h])];
            for i in &f.intervals {
                row.push(Cell::from(i.lower[h]));
                row.push(Cell::from(i.upper[h]));
            }
            rows.push(row);
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    a.out.write(&header, rows)
}
