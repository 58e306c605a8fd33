//! What a storefront run reads and where it writes.

use std::path::{Path, PathBuf};

use crate::clean::{CleaningRules, TransactionSchema};

/// The Online Retail sample embedded in the repository (CC BY 4.0; see
/// `examples/data/README.md`).
pub const SAMPLE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/online_retail_sample.csv.gz");

/// Options of a storefront run.
#[derive(Debug, Clone)]
pub struct StorefrontConfig {
    /// The export (CSV, plain or gzip).
    pub data: PathBuf,
    /// Column mapping of the export.
    pub schema: TransactionSchema,
    /// Cleaning rules.
    pub rules: CleaningRules,
    /// Output folder for `report.md` and the charts.
    pub out_dir: PathBuf,
    /// Seed of every randomised step.
    pub seed: u64,
    /// Products whose demand is forecast.
    pub top_products: usize,
}

impl StorefrontConfig {
    /// The embedded Online Retail sample with its preset rules, writing to
    /// `target/storefront`.
    pub fn sample() -> Self {
        Self::online_retail(PathBuf::from(SAMPLE_PATH))
    }

    /// An export with Online Retail's columns and rules (the full UCI file or
    /// a shop's export of the same shape).
    pub fn online_retail(data: PathBuf) -> Self {
        StorefrontConfig {
            data,
            schema: TransactionSchema::online_retail(),
            rules: CleaningRules::online_retail(),
            out_dir: PathBuf::from("target/storefront"),
            seed: 42,
            top_products: 5,
        }
    }

    /// Sets the output folder.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = dir.as_ref().to_path_buf();
        self
    }

    /// The export's file name, for the report.
    pub(crate) fn source_name(&self) -> String {
        self.data.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| self.data.display().to_string())
    }
}
