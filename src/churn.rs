//! Churn in one call: who will not buy again within a horizon, from the
//! order lines alone.
//!
//! [`ChurnParams::fit`] builds customer features (`shopml-features`) at two
//! cut-offs, trains an L2 logistic regression (`shopml-linear`) on the
//! earlier one and scores the later one, so that every training label ends
//! before the test features begin (a leak-free time split ending at the last
//! order line). Features are transformed by `sign(x) · ln(1 + |x|)` (spend
//! and counts are heavy-tailed) and standardised with the training moments,
//! so each coefficient is per standard deviation. The fit returns the model
//! and its held-out evaluation: ROC AUC, log-loss beside the base rate's,
//! the ROC curve, calibration by decile, and the coefficients with 95 %
//! intervals. [`ChurnModel::score`] gives each customer's churn probability
//! at any date.
//!
//! ```
//! use shopml::churn::ChurnParams;
//! use shopml::clean::{CleaningRules, TransactionSchema, read};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/online_retail_sample.csv.gz");
//! let cleaned = read(std::path::Path::new(path), &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
//! let (model, eval) = ChurnParams::new(90).fit(&cleaned.transactions).unwrap();
//! assert!(eval.auc > 0.5 && eval.log_loss.is_finite());
//! let last = cleaned.transactions.iter().map(|t| t.timestamp).max().unwrap();
//! let scores = model.score(&cleaned.transactions, last).unwrap();
//! assert!(scores.iter().all(|(_, p)| (0.0..=1.0).contains(p)));
//! ```

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::clean::Transaction;
use crate::core::metrics::classification::{log_loss, roc_auc};
use crate::core::metrics::curves::{CalibrationBin, calibration_bins, roc_curve};
use crate::core::{Dataset, Fit, Timestamp};
use crate::features::{CustomerFeaturesParams, LabelParams, Target};
use crate::linear::LogisticRegression;
use crate::report::ReportError;

/// Options of the churn model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnParams {
    /// A customer has churned when they buy nothing in this many days after
    /// a cut-off (default 90).
    pub horizon_days: u32,
    /// Inverse L2 penalty of the logistic regression (default 1).
    pub c: f64,
}

/// One coefficient of the fitted model, per standard deviation of the
/// transformed feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coefficient {
    /// Feature name.
    pub name: String,
    /// Log-odds of churn per standard deviation.
    pub estimate: f64,
    /// Lower 95 % bound.
    pub lower: f64,
    /// Upper 95 % bound.
    pub upper: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// How the model did on the held-out cut-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnEvaluation {
    /// Cut-off of the training table.
    pub train_cutoff: Timestamp,
    /// Cut-off of the test table (`train_cutoff + horizon`).
    pub test_cutoff: Timestamp,
    /// Customers in the training table.
    pub n_train: usize,
    /// Customers in the test table.
    pub n_test: usize,
    /// Share churned in the training table.
    pub train_churn_rate: f64,
    /// Share churned in the test table.
    pub test_churn_rate: f64,
    /// Held-out ROC AUC.
    pub auc: f64,
    /// Held-out log-loss.
    pub log_loss: f64,
    /// Log-loss of predicting the test table's churn rate for everyone.
    pub base_log_loss: f64,
    /// Held-out ROC curve, `(fpr, tpr)`.
    pub roc: Vec<(f64, f64)>,
    /// Held-out calibration by decile of predicted risk.
    pub calibration: Vec<CalibrationBin>,
    /// Coefficients, strongest (largest absolute value) first, intercept left out.
    pub coefficients: Vec<Coefficient>,
}

/// A fitted churn model: the feature transform and the logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ChurnModelRaw")]
pub struct ChurnModel {
    horizon_days: u32,
    names: Vec<String>,
    mean: Vec<f64>,
    sd: Vec<f64>,
    model: LogisticRegression,
}

#[derive(Deserialize)]
struct ChurnModelRaw {
    horizon_days: u32,
    names: Vec<String>,
    mean: Vec<f64>,
    sd: Vec<f64>,
    model: LogisticRegression,
}

impl TryFrom<ChurnModelRaw> for ChurnModel {
    type Error = String;
    fn try_from(r: ChurnModelRaw) -> Result<Self, String> {
        let p = r.model.coefficients().ncols();
        if r.names.len() != p || r.mean.len() != p || r.sd.len() != p {
            return Err(format!("names, mean and sd must have one entry per model feature ({p})"));
        }
        if let Some(j) = r.mean.iter().position(|m| !m.is_finite()) {
            return Err(format!("mean[{j}] is not finite"));
        }
        if let Some(j) = r.sd.iter().position(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(format!("sd[{j}] must be finite and positive"));
        }
        if r.horizon_days == 0 {
            return Err("horizon_days must be positive".into());
        }
        Ok(ChurnModel { horizon_days: r.horizon_days, names: r.names, mean: r.mean, sd: r.sd, model: r.model })
    }
}

impl Default for ChurnParams {
    fn default() -> Self {
        ChurnParams { horizon_days: 90, c: 1.0 }
    }
}

fn step_error(message: String) -> ReportError {
    ReportError::Step { step: "churn", message }
}

impl ChurnParams {
    /// A `horizon_days` churn definition with the default penalty.
    pub fn new(horizon_days: u32) -> Self {
        ChurnParams { horizon_days, ..Self::default() }
    }

    /// Sets the inverse L2 penalty.
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Fits on a leak-free split ending at the last of `lines` (sales and
    /// returns of identified customers; guest lines are ignored): train
    /// cut-off = last day − 2 × horizon, test cut-off = last day − horizon.
    ///
    /// Errors: a horizon of 0 or a non-positive `c`; an export shorter than
    /// three horizons; a table with only churned or only returning customers.
    pub fn fit(&self, lines: &[Transaction]) -> Result<(ChurnModel, ChurnEvaluation), ReportError> {
        if self.horizon_days == 0 || self.horizon_days > 3650 {
            return Err(step_error(format!("horizon_days must lie in 1..=3650, got {}", self.horizon_days)));
        }
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(step_error(format!("c must be finite and positive, got {}", self.c)));
        }
        let mut times = lines.iter().filter(|t| t.customer.is_some()).map(|t| t.timestamp.seconds());
        let first = times.next().ok_or_else(|| step_error("no lines of identified customers".into()))?;
        let (first, last) = times.fold((first, first), |(a, b), s| (a.min(s), b.max(s)));
        let horizon = i64::from(self.horizon_days);
        let span = (last - first) / 86_400;
        if span < 3 * horizon {
            return Err(step_error(format!(
                "the export spans {span} days; a leak-free {horizon}-day split needs at least {}",
                3 * horizon
            )));
        }
        let train_cutoff = Timestamp(last).floor_day().add_days(-2 * horizon);
        let (train, test) = LabelParams::new(train_cutoff, self.horizon_days).temporal_split(lines, &Target::Churn, None)?;
        let rate = |l: &Array1<bool>| l.iter().filter(|&&c| c).count() as f64 / l.len().max(1) as f64;
        let (train_rate, test_rate) = (rate(&train.labels), rate(&test.labels));
        for (what, r) in [("training", train_rate), ("test", test_rate)] {
            if r == 0.0 || r == 1.0 {
                return Err(step_error(format!("the {what} table has only churned or only returning customers")));
            }
        }
        let raw = signed_log1p(&train.features.values);
        let mean = raw.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(raw.ncols()));
        let sd = raw.std_axis(Axis(0), 0.0).mapv(|s| if s > 0.0 && s.is_finite() { s } else { 1.0 });
        let x = (&raw - &mean) / &sd;
        let data = Dataset::new(x.view(), train.labels.view());
        let model = LogisticRegression::params().c(self.c).fit(&data)?;
        let inference = model.inference(&data)?;
        let fitted = ChurnModel {
            horizon_days: self.horizon_days,
            names: train.features.names.clone(),
            mean: mean.to_vec(),
            sd: sd.to_vec(),
            model,
        };

        let p = fitted.probabilities(&test.features.values)?;
        let y: Vec<bool> = test.labels.to_vec();
        let mut coefficients: Vec<Coefficient> = (0..inference.names.len())
            .filter(|&i| inference.names[i] != "const")
            .map(|i| {
                let name = inference.names[i]
                    .strip_prefix('x')
                    .and_then(|k| k.parse::<usize>().ok())
                    .and_then(|k| fitted.names.get(k).cloned())
                    .unwrap_or_else(|| inference.names[i].clone());
                Coefficient {
                    name,
                    estimate: inference.params[i],
                    lower: inference.conf_low[i],
                    upper: inference.conf_high[i],
                    p_value: inference.p_values[i],
                }
            })
            .collect();
        coefficients.sort_by(|a, b| b.estimate.abs().total_cmp(&a.estimate.abs()));
        let evaluation = ChurnEvaluation {
            train_cutoff,
            test_cutoff: test.cutoff,
            n_train: train.labels.len(),
            n_test: y.len(),
            train_churn_rate: train_rate,
            test_churn_rate: test_rate,
            auc: roc_auc(&y, &p)?,
            log_loss: log_loss(&y, &p)?,
            base_log_loss: log_loss(&y, &vec![test_rate; y.len()])?,
            roc: roc_curve(&y, &p)?,
            calibration: calibration_bins(&y, &p, 10.min(y.len()))?,
            coefficients,
        };
        Ok((fitted, evaluation))
    }
}

impl ChurnModel {
    /// The churn horizon in days.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// Feature names, in model order.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// The logistic regression on the standardised features.
    pub fn logistic(&self) -> &LogisticRegression {
        &self.model
    }

    /// Each identified customer's probability of buying nothing in the
    /// `horizon_days` after `at`, from their lines before `at`, in the order
    /// of the feature table (customers first seen before `at`).
    pub fn score(&self, lines: &[Transaction], at: Timestamp) -> Result<Vec<(String, f64)>, ReportError> {
        // The features the training tables were built with, as of `at`.
        let features = CustomerFeaturesParams::new().snapshot(at).compute(lines, None)?;
        if features.names != self.names {
            return Err(step_error("the features built from these lines differ from the model's".into()));
        }
        let p = self.probabilities(&features.values)?;
        Ok((0..p.len()).map(|i| (features.rows.id(i).cloned().unwrap_or_default(), p[i])).collect())
    }

    fn probabilities(&self, values: &Array2<f64>) -> Result<Vec<f64>, ReportError> {
        let raw = signed_log1p(values);
        let (mean, sd) = (Array1::from(self.mean.clone()), Array1::from(self.sd.clone()));
        let x = (&raw - &mean) / &sd;
        Ok(self.model.predict_proba(&x)?.column(1).to_vec())
    }
}

/// `sign(x) · ln(1 + |x|)`, elementwise.
fn signed_log1p(x: &Array2<f64>) -> Array2<f64> {
    x.mapv(|v| v.signum() * v.abs().ln_1p())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(customer: &str, day: i64) -> Transaction {
        let t = Timestamp::from_date(2024, 1, 1).unwrap().add_days(day);
        Transaction {
            invoice: format!("{customer}-{day}"),
            product: "P".into(),
            description: None,
            quantity: 1.0,
            timestamp: t,
            unit_price: 10.0,
            customer: Some(customer.into()),
            country: None,
            category: None,
            attributes: Default::default(),
            line: 2,
        }
    }

    /// Frequent buyers keep buying, one-off buyers never return: the model
    /// must rank them apart (AUC near 1) and score a loaded copy identically.
    #[test]
    fn separates_loyal_from_one_off_customers_and_round_trips() {
        let mut lines = Vec::new();
        for c in 0..60 {
            let name = format!("c{c}");
            if c % 2 == 0 {
                // loyal: every 10 days for the whole year
                for d in (c % 7..365).step_by(10) {
                    lines.push(line(&name, d as i64));
                }
            } else {
                // one-off: a single purchase, spread over the year
                lines.push(line(&name, (c * 6) as i64));
            }
        }
        let (model, eval) = ChurnParams::new(60).fit(&lines).unwrap();
        assert!(eval.auc > 0.95, "{}", eval.auc);
        assert!(eval.log_loss < eval.base_log_loss);
        assert_eq!(eval.calibration.iter().map(|b| b.count).sum::<usize>(), eval.n_test);
        let json = serde_json::to_string(&model).unwrap();
        let back: ChurnModel = serde_json::from_str(&json).unwrap();
        let at = Timestamp::from_date(2024, 12, 1).unwrap();
        assert_eq!(back.score(&lines, at).unwrap(), model.score(&lines, at).unwrap());
        // A tampered file is refused, naming what is wrong.
        let bad = json.replacen("\"sd\":[", "\"sd\":[-1.0,", 1);
        assert!(serde_json::from_str::<ChurnModel>(&bad).unwrap_err().to_string().contains("sd"));
    }

    #[test]
    fn bad_parameters_and_short_exports_are_errors() {
        let lines: Vec<Transaction> = (0..10).map(|d| line("a", d)).collect();
        assert!(ChurnParams::new(0).fit(&lines).is_err());
        assert!(ChurnParams::new(30).c(-1.0).fit(&lines).is_err());
        assert!(ChurnParams::new(30).fit(&lines).unwrap_err().to_string().contains("spans"));
        assert!(ChurnParams::new(30).fit(&[]).is_err());
    }
}
