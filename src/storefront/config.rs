//! What a storefront run reads and where it writes.

use std::path::{Path, PathBuf};

use crate::clean::{CleaningRules, TransactionSchema};
use crate::report::ReportError;

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
    /// The smallest group a report table may show (k of k-anonymity,
    /// default 5): segments and RFM groups with fewer customers are pooled
    /// into an "other" line, or left out when even the pool is smaller.
    pub min_group_size: usize,
    /// Unit cost as a share of a product's median price, for the pricing
    /// step when the export carries no costs (default 0.6).
    pub cost_share: f64,
    /// The largest price move the pricing step may recommend, as a share of
    /// today's median price (default 0.2: ±20 %).
    pub max_price_change: f64,
    /// A file holding the secret key (at least 32 bytes) under which
    /// customer ids are pseudonymised as they are read (HMAC-SHA-256, see
    /// `shopml::privacy`): no raw customer id reaches any output, free-text
    /// descriptions are masked for e-mails, phones, cards and IBANs, and
    /// quarantined raw records are redacted. `None` (default): ids as exported.
    pub pseudonymise_key_file: Option<PathBuf>,
    /// Release the segment table's customer counts with ε-differential
    /// privacy (discrete Laplace noise, one histogram, see
    /// `shopml::privacy::dp`): the table then shows noisy counts and the
    /// shares computed from them, with no revenue or median columns and no
    /// revenue chart. `None` (default): exact counts.
    pub dp_epsilon: Option<f64>,
    /// Seed of the DP noise. `None` (default) draws the noise from the
    /// operating system's entropy, as a release must: anyone who knows the
    /// seed can subtract the noise. A seed is for tests only.
    pub dp_seed: Option<u64>,
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
        Self::new(data, TransactionSchema::online_retail(), CleaningRules::online_retail())
    }

    /// Any export: its column mapping and cleaning rules, with the default
    /// options (output `target/storefront`, seed 42, five products forecast,
    /// groups of at least 5, cost 60 % of price, price moves up to ±20 %).
    ///
    /// ```
    /// use shopml::clean::{CleaningRules, TransactionSchema};
    /// use shopml::storefront::StorefrontConfig;
    /// let schema = TransactionSchema::new("order_id", "sku", "qty", "ordered_at", "unit_price").customer("customer");
    /// let config = StorefrontConfig::new("orders.csv.gz".into(), schema, CleaningRules::default()).out_dir("report");
    /// assert_eq!(config.min_group_size, 5);
    /// ```
    pub fn new(data: PathBuf, schema: TransactionSchema, rules: CleaningRules) -> Self {
        StorefrontConfig {
            data,
            schema,
            rules,
            out_dir: PathBuf::from("target/storefront"),
            seed: 42,
            top_products: 5,
            min_group_size: 5,
            cost_share: 0.6,
            max_price_change: 0.2,
            pseudonymise_key_file: None,
            dp_epsilon: None,
            dp_seed: None,
        }
    }

    /// Sets the output folder.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = dir.as_ref().to_path_buf();
        self
    }

    /// Sets the smallest group size a report table may show.
    pub fn min_group_size(mut self, k: usize) -> Self {
        self.min_group_size = k;
        self
    }

    /// Sets the unit cost as a share of the median price (pricing step).
    pub fn cost_share(mut self, share: f64) -> Self {
        self.cost_share = share;
        self
    }

    /// Sets the largest recommended price move, as a share of today's price.
    pub fn max_price_change(mut self, share: f64) -> Self {
        self.max_price_change = share;
        self
    }

    /// Pseudonymises customer ids under the key in `path` as they are read.
    pub fn pseudonymise_key_file(mut self, path: impl AsRef<Path>) -> Self {
        self.pseudonymise_key_file = Some(path.as_ref().to_path_buf());
        self
    }

    /// Releases the segment table's counts with ε-differential privacy.
    pub fn dp_epsilon(mut self, epsilon: f64) -> Self {
        self.dp_epsilon = Some(epsilon);
        self
    }

    /// Seeds the DP noise (tests only: a known seed voids the guarantee).
    pub fn dp_seed(mut self, seed: u64) -> Self {
        self.dp_seed = Some(seed);
        self
    }

    /// Checks the options before any work: `cost_share` in `[0, 1)`,
    /// `max_price_change` in `(0, 1)`, `dp_epsilon` finite and positive,
    /// `min_group_size` and `top_products` at least 1. [`run`](super::run)
    /// calls it first, so a bad option fails before the export is read.
    pub fn check(&self) -> Result<(), ReportError> {
        let bad = |option: &'static str, message: String| Err(ReportError::InvalidOption { option, message });
        if !(0.0..1.0).contains(&self.cost_share) {
            return bad("cost_share", format!("must lie in [0, 1), got {}", self.cost_share));
        }
        if !(self.max_price_change > 0.0 && self.max_price_change < 1.0) {
            return bad("max_price_change", format!("must lie in (0, 1), got {}", self.max_price_change));
        }
        if let Some(e) = self.dp_epsilon
            && !(e.is_finite() && e > 0.0)
        {
            return bad("dp_epsilon", format!("must be finite and positive, got {e}"));
        }
        if self.min_group_size == 0 {
            return bad("min_group_size", "must be at least 1".into());
        }
        if self.top_products == 0 {
            return bad("top_products", "must be at least 1".into());
        }
        Ok(())
    }

    /// The export's file name, for the report.
    pub(crate) fn source_name(&self) -> String {
        self.data.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| self.data.display().to_string())
    }
}
