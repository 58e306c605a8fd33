//! Step 4 — which customers are about to stop buying: an L2 logistic model
//! of "no purchase in the next 90 days" on customer features, on a
//! leak-free time split (train labels end where the test features start).
//! Held-out AUC and log-loss, calibration by decile, the ROC curve, and the
//! strongest coefficients with 95 % intervals.

use ndarray::{Array1, Array2, Axis};

use crate::core::Fit;
use crate::core::metrics::classification::{log_loss, roc_auc};
use crate::core::metrics::curves::{calibration_bins, roc_curve};
use crate::features::{LabelParams, Target};
use crate::linear::LogisticRegression;
use crate::report::{LineChart, ReportError};

use super::context::Context;

/// Days after a cut-off in which a customer must buy again not to count as churned.
const HORIZON_DAYS: u32 = 90;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let (first, last) =
        cx.lines.iter().fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t.timestamp.seconds()), b.max(t.timestamp.seconds())));
    // Train cut-off + horizon = test cut-off; test cut-off + horizon ≤ last day.
    let span_days = if cx.lines.is_empty() { 0 } else { (last - first) / 86_400 };
    if span_days < 3 * i64::from(HORIZON_DAYS) {
        cx.md.paragraph(&format!(
            "The export spans {span_days} days; a leak-free {HORIZON_DAYS}-day churn split needs at least {}. Step skipped.",
            3 * HORIZON_DAYS
        ));
        return Ok(());
    }
    let last_day = crate::core::Timestamp(last).floor_day();
    let train_cutoff = last_day.add_days(-2 * i64::from(HORIZON_DAYS));
    let (train, test) = LabelParams::new(train_cutoff, HORIZON_DAYS).temporal_split(&cx.lines, &Target::Churn, None)?;
    let (n_train_pos, n_test_pos) = (train.labels.iter().filter(|&&c| c).count(), test.labels.iter().filter(|&&c| c).count());
    if [n_train_pos, train.labels.len() - n_train_pos, n_test_pos, test.labels.len() - n_test_pos].contains(&0) {
        cx.md.paragraph("One of the periods has only churned or only returning customers; no model can be scored. Step skipped.");
        return Ok(());
    }
    // Spend and counts are heavy-tailed: signed log1p, then standardise with
    // the training period's moments so coefficients are per standard deviation.
    let (raw_train, raw_test) = (signed_log1p(&train.features.values), signed_log1p(&test.features.values));
    let (mean, sd) = moments(&raw_train);
    let x_train = standardise(&raw_train, &mean, &sd);
    let x_test = standardise(&raw_test, &mean, &sd);
    let model = LogisticRegression::params().fit(&crate::core::Dataset::new(x_train.view(), train.labels.view()))?;
    let inference = model.inference(&crate::core::Dataset::new(x_train.view(), train.labels.view()))?;
    let p = model.predict_proba(&x_test)?.column(1).to_vec();
    let y: Vec<bool> = test.labels.to_vec();
    let auc = roc_auc(&y, &p)?;
    let loss = log_loss(&y, &p)?;
    let base = n_test_pos as f64 / y.len() as f64;
    let base_loss = log_loss(&y, &vec![base; y.len()])?;

    cx.md.paragraph(&format!(
        "Churned = no purchase in the {HORIZON_DAYS} days after the cut-off. Trained on {} customers at {train_cutoff} ({:.0} % churned), \
         tested on {} customers at {} ({:.0} % churned): features of the test table come from after every training label, so nothing leaks.",
        train.labels.len(),
        100.0 * n_train_pos as f64 / train.labels.len() as f64,
        y.len(),
        test.cutoff,
        100.0 * base
    ));
    cx.md.table(
        &["held-out metric", "model", "base rate only"],
        &[
            vec!["ROC AUC".into(), format!("{auc:.3}"), "0.500".into()],
            vec!["log-loss".into(), format!("{loss:.3}"), format!("{base_loss:.3}")],
        ],
    );

    let roc = roc_curve(&y, &p)?;
    let path = cx.chart_path("churn_roc.svg");
    LineChart::new(&format!("ROC curve of the churn model (AUC {auc:.3})"))
        .labels("false-positive rate", "true-positive rate")
        .line("logistic model", roc)
        .dashed("chance", vec![(0.0, 0.0), (1.0, 1.0)])
        .write_svg(&path)?;
    cx.image("ROC curve of the churn model", "churn_roc.svg");

    let n_bins = 10.min(y.len());
    let bins = calibration_bins(&y, &p, n_bins)?;
    cx.md.paragraph("Calibration by decile of predicted risk (a calibrated model's two columns agree):");
    let rows: Vec<Vec<String>> = bins
        .iter()
        .enumerate()
        .map(|(i, b)| vec![(i + 1).to_string(), b.count.to_string(), format!("{:.2}", b.predicted), format!("{:.2}", b.observed)])
        .collect();
    cx.md.table(&["decile", "customers", "mean predicted", "observed churn"], &rows);

    // The strongest effects (per standard deviation), intercept left out.
    let mut order: Vec<usize> = (0..inference.names.len()).filter(|&i| inference.names[i] != "const").collect();
    order.sort_by(|&a, &b| inference.params[b].abs().total_cmp(&inference.params[a].abs()));
    let feature_name = |name: &str| -> String {
        name.strip_prefix('x')
            .and_then(|k| k.parse::<usize>().ok())
            .and_then(|k| train.features.names.get(k).cloned())
            .unwrap_or_else(|| name.to_string())
    };
    let rows: Vec<Vec<String>> = order
        .iter()
        .take(6)
        .map(|&i| {
            vec![
                feature_name(&inference.names[i]),
                format!("{:+.3}", inference.params[i]),
                format!("[{:+.3}, {:+.3}]", inference.conf_low[i], inference.conf_high[i]),
                format!("{:.3}", inference.p_values[i]),
            ]
        })
        .collect();
    cx.md.paragraph("The strongest coefficients (log-odds of churn per standard deviation of the feature's signed log(1 + x), L2-penalised, 95 % intervals):");
    cx.md.table(&["feature", "coefficient", "95 % interval", "p-value"], &rows);
    Ok(())
}

/// `sign(x) · ln(1 + |x|)`, elementwise.
fn signed_log1p(x: &Array2<f64>) -> Array2<f64> {
    x.mapv(|v| v.signum() * v.abs().ln_1p())
}

/// Column means and standard deviations (1 where a column is constant).
fn moments(x: &Array2<f64>) -> (Array1<f64>, Array1<f64>) {
    let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(x.ncols()));
    let sd = x.std_axis(Axis(0), 0.0).mapv(|s| if s > 0.0 && s.is_finite() { s } else { 1.0 });
    (mean, sd)
}

fn standardise(x: &Array2<f64>, mean: &Array1<f64>, sd: &Array1<f64>) -> Array2<f64> {
    (x - mean) / sd
}
