//! `shopml segment`: k-means segments on the customers' log-scaled RFM.

use std::path::PathBuf;

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml::core::{Fit, Predict, Transform};
use shopml::features::RfmParams;
use shopml::segment::{KMeans, RfmScaler, choose_k};

use crate::input::ReadArgs;
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml segment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Number of segments (default: chosen between 2 and 8).
    #[arg(long)]
    pub k: Option<usize>,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Save the fitted scaler and centres to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Label the export's customers with a saved model instead of fitting.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["k", "save_model"])]
    pub model: Option<PathBuf>,
}

/// What `--save-model` writes.
#[derive(Serialize, Deserialize)]
struct SegmentModel {
    scaler: RfmScaler,
    kmeans: KMeans,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    let rfm = RfmParams::new().fit(super::customer_lines(&cleaned).as_slice())?;
    let mut raw = Array2::<f64>::zeros((rfm.len(), 3));
    for i in 0..rfm.len() {
        raw[[i, 0]] = rfm.recency[i];
        raw[[i, 1]] = rfm.frequency[i];
        raw[[i, 2]] = rfm.monetary[i].max(0.0);
    }
    let model = match &a.model {
        Some(path) => model_file::load::<SegmentModel>(path, "segment")?,
        None => {
            let scaler = RfmScaler::params(true).fit(&raw)?;
            let z = scaler.transform(&raw)?;
            let params = KMeans::params(2).n_init(10).seed(a.seed);
            let k = match a.k {
                Some(k) => k,
                None => {
                    let choice = choose_k(&params, z.view(), 2..=8.min(rfm.len().saturating_sub(1)).max(2), 2000)?;
                    for r in &choice.reasons {
                        eprintln!("  {r}");
                    }
                    choice.recommended
                }
            };
            let kmeans = params.n_clusters(k).fit(&z)?;
            SegmentModel { scaler, kmeans }
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "segment", &model)?;
    }
    let z = model.scaler.transform(&raw)?;
    let labels = model.kmeans.predict(&z)?;
    let rows = (0..rfm.len())
        .map(|i| {
            vec![
                Cell::from(rfm.customers.id(i).cloned().unwrap_or_default()),
                Cell::from(labels[i]),
                Cell::from(rfm.recency[i]),
                Cell::from(rfm.frequency[i]),
                Cell::from(rfm.monetary[i]),
            ]
        })
        .collect();
    a.out.write(&["customer", "segment", "recency_days", "frequency", "monetary"], rows)
}
