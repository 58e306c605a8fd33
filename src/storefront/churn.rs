//! Step 4 — which customers are about to stop buying: [`crate::churn`]'s
//! model of "no purchase in the next 90 days" on a leak-free time split.
//! Held-out AUC and log-loss beside the base rate, the ROC curve,
//! calibration by decile, and the strongest coefficients with 95 % intervals.

use crate::churn::ChurnParams;
use crate::report::{Legend, LineChart, ReportError};

use super::context::Context;

/// Days after a cut-off in which a customer must buy again not to count as churned.
const HORIZON_DAYS: u32 = 90;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let (_, e) = match ChurnParams::new(HORIZON_DAYS).fit(&cx.lines) {
        Ok(fit) => fit,
        Err(ReportError::Step { message, .. }) => {
            cx.md.paragraph(&format!("No churn model: {message}. Step skipped."));
            return Ok(());
        }
        Err(other) => return Err(other),
    };
    cx.md.paragraph(&format!(
        "Churned = no purchase in the {HORIZON_DAYS} days after the cut-off. Trained on {} customers at {} ({:.0} % churned), \
         tested on {} customers at {} ({:.0} % churned): features of the test table come from after every training label, so nothing leaks.",
        e.n_train,
        e.train_cutoff,
        100.0 * e.train_churn_rate,
        e.n_test,
        e.test_cutoff,
        100.0 * e.test_churn_rate
    ));
    cx.md.table(
        &["held-out metric", "model", "base rate only"],
        &[
            vec!["ROC AUC".into(), format!("{:.3}", e.auc), "0.500".into()],
            vec!["log-loss".into(), format!("{:.3}", e.log_loss), format!("{:.3}", e.base_log_loss)],
        ],
    );
    let path = cx.chart_path("churn_roc.svg");
    LineChart::new(&format!("ROC curve of the churn model (AUC {:.3})", e.auc))
        .labels("false-positive rate", "true-positive rate")
        .line("logistic model", e.roc.clone())
        .dashed("chance", vec![(0.0, 0.0), (1.0, 1.0)])
        .legend(Legend::LowerRight)
        .write_svg(&path)?;
    cx.image("ROC curve of the churn model", "churn_roc.svg");

    cx.md.paragraph("Calibration by decile of predicted risk (a calibrated model's two columns agree):");
    let rows: Vec<Vec<String>> = e
        .calibration
        .iter()
        .enumerate()
        .map(|(i, b)| vec![(i + 1).to_string(), b.count.to_string(), format!("{:.2}", b.predicted), format!("{:.2}", b.observed)])
        .collect();
    cx.md.table(&["decile", "customers", "mean predicted", "observed churn"], &rows);

    let rows: Vec<Vec<String>> = e
        .coefficients
        .iter()
        .take(6)
        .map(|c| {
            vec![c.name.clone(), format!("{:+.3}", c.estimate), format!("[{:+.3}, {:+.3}]", c.lower, c.upper), format!("{:.3}", c.p_value)]
        })
        .collect();
    cx.md.paragraph(
        "The strongest coefficients (log-odds of churn per standard deviation of the feature's signed log(1 + x), L2-penalised, 95 % intervals):",
    );
    cx.md.table(&["feature", "coefficient", "95 % interval", "p-value"], &rows);
    Ok(())
}
