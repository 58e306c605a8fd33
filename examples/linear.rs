//! Regression with inference on the embedded Online Retail sample: who buys
//! again within 90 days of a cut-off (logistic regression on leak-free
//! features, z table with 95 % intervals and odds ratios, ROC-AUC on a later
//! period), and how much the returning customers spend (least squares on
//! ln spend with HC1 standard errors).
//!
//! ```text
//! cargo run --release --example linear                      # embedded sample
//! cargo run --release --example linear -- path/to/online_retail.csv.gz
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use ndarray::{Array1, Array2, Axis};
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Dataset, Fit, Timestamp, metrics::classification::roc_auc};
use shopml::features::{CustomerFeaturesParams, FeatureMatrix, FeaturesError, LabelParams, ReturnsInSpend, Target};
use shopml::linear::{CovType, Inference, LinearRegressionParams, LogisticRegression, Statistic};

const COLUMNS: [&str; 5] = ["recency", "frequency", "monetary", "distinct_products", "return_rate"];
const NAMES: [&str; 5] = ["ln(1+recency)", "ln(1+orders)", "ln(1+spend)", "ln(1+products)", "return_rate"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();

    // Features before 1 June 2011, label: any purchase in the 90 days after; test table 90 days later.
    let cutoff = Timestamp::from_date(2011, 6, 1)?;
    let labels = LabelParams::new(cutoff, 90).features(CustomerFeaturesParams::new().returns(ReturnsInSpend::Exclude));
    let (train, test) = labels.temporal_split(&lines, &Target::AnyPurchase, None)?;
    let (x_train, x_test) = (design(&train.features)?, design(&test.features)?);
    let data = Dataset::new(x_train.view(), train.labels.view());
    // A large C makes the penalty negligible: statsmodels' Logit table.
    let logit = LogisticRegression::params().c(1e6).fit(&data)?;
    let table = logit.inference(&data)?.with_feature_names(&NAMES)?;
    let bought = train.labels.iter().filter(|&&b| b).count();
    println!(
        "P(buy again within 90 days of {cutoff}): {} customers, {bought} bought again; logistic regression (converged: {})",
        data.n_samples(),
        logit.converged()
    );
    print_table(&table, true);
    let p = logit.predict_proba(&x_test)?;
    let auc = roc_auc(test.labels.as_slice().ok_or("labels not contiguous")?, &p.column(1).to_vec())?;
    println!("held-out period (cut-off {}, {} customers): ROC-AUC {auc:.3}", test.cutoff, test.labels.len());

    // Spend in the 90 days after the cut-off, for the customers who came back.
    let end = cutoff.add_days(90);
    let mut spend: HashMap<&str, f64> = HashMap::new();
    for t in lines.iter().filter(|t| t.quantity > 0.0 && t.timestamp >= cutoff && t.timestamp < end) {
        if let Some(c) = t.customer.as_deref() {
            *spend.entry(c).or_insert(0.0) += t.value();
        }
    }
    let rows: Vec<(usize, f64)> = train
        .features
        .rows
        .ids()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| spend.get(c.as_str()).filter(|&&s| s > 0.0).map(|&s| (i, s.ln())))
        .collect();
    let x = x_train.select(Axis(0), &rows.iter().map(|r| r.0).collect::<Vec<_>>());
    let y: Array1<f64> = rows.iter().map(|r| r.1).collect();
    let ols = LinearRegressionParams::params().cov_type(CovType::Hc1).fit(&Dataset::new(x.view(), y.view()))?;
    let table = ols.inference()?.clone().with_feature_names(&NAMES)?;
    println!("\nln(spend in the 90 days) of the {} who came back; least squares, HC1 errors", y.len());
    print_table(&table, false);
    if let Some(fit) = &table.least_squares {
        println!(
            "R² {:.3} (adjusted {:.3}), F {:.2} (p = {:.4}), AIC {:.1}",
            fit.r_squared, fit.adj_r_squared, fit.f_statistic, fit.f_p_value, table.aic
        );
    }
    Ok(())
}

/// The five columns of the models: four counts and amounts as ln(1 + x), and the return rate.
fn design(table: &FeatureMatrix) -> Result<Array2<f64>, FeaturesError> {
    let mut x = table.select(&COLUMNS)?.values;
    for mut column in x.columns_mut().into_iter().take(4) {
        column.mapv_inplace(f64::ln_1p);
    }
    Ok(x)
}

/// Coefficients, standard errors, test statistics, p-values and 95 % intervals
/// (and, for a logit, odds ratios `exp(β)` with their interval).
fn print_table(t: &Inference, odds: bool) {
    let stat = if t.statistic == Statistic::T { "t" } else { "z" };
    print!("  {:<15} {:>9} {:>9} {:>7} {:>7} {:>21}", "", "coef", "std err", stat, format!("P>|{stat}|"), "95 % interval");
    println!("{}", if odds { format!(" {:>25}", "odds ratio [95 %]") } else { String::new() });
    for i in 0..t.names.len() {
        print!(
            "  {:<15} {:>9.4} {:>9.4} {:>7.2} {:>7.4} [{:>8.3}, {:>8.3}]",
            t.names[i], t.params[i], t.std_errors[i], t.statistics[i], t.p_values[i], t.conf_low[i], t.conf_high[i]
        );
        let ratio = (t.params[i].exp(), t.conf_low[i].exp(), t.conf_high[i].exp());
        println!("{}", if odds && i > 0 { format!("   {:>7.3} [{:.3}, {:.3}]", ratio.0, ratio.1, ratio.2) } else { String::new() });
    }
}
