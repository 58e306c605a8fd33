//! `shopml churn`: each customer's probability of not buying within a
//! horizon, from a model fitted on a leak-free time split of the export.

use std::path::PathBuf;

use shopml::churn::{ChurnModel, ChurnParams};
use shopml::core::Timestamp;

use crate::input::ReadArgs;
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml churn`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip).
    pub export: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// A customer has churned when they buy nothing for this many days.
    #[arg(long, default_value_t = 90)]
    pub horizon_days: u32,
    /// Inverse L2 penalty of the logistic model.
    #[arg(long, default_value_t = 1.0)]
    pub c: f64,
    /// Save the fitted model to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Score with a saved model instead of fitting.
    #[arg(long, value_name = "FILE", conflicts_with = "save_model")]
    pub model: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let cleaned = a.read.read(&a.export)?;
    super::summary(&cleaned);
    let lines = super::customer_lines(&cleaned);
    let model: ChurnModel = match &a.model {
        Some(path) => model_file::load(path, "churn")?,
        None => {
            let (model, e) = ChurnParams::new(a.horizon_days).c(a.c).fit(&lines)?;
            eprintln!(
                "held out at {} ({} customers, {:.0} % churned): ROC AUC {:.3}, log-loss {:.3} (base rate {:.3})",
                e.test_cutoff,
                e.n_test,
                100.0 * e.test_churn_rate,
                e.auc,
                e.log_loss,
                e.base_log_loss
            );
            model
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "churn", &model)?;
    }
    // Score as of the day after the last line: everything in the export is history.
    let last = lines.iter().map(|t| t.timestamp).max().ok_or("no lines of identified customers")?;
    let at = Timestamp(last.seconds()).floor_day().add_days(1);
    let scores = model.score(&lines, at)?;
    let rows = scores.into_iter().map(|(c, p)| vec![Cell::from(c), Cell::from(p)]).collect();
    a.out.write(&["customer", "churn_probability"], rows)
}
