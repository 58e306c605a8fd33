//! Coefficient inference and the statsmodels-style summary table.
//!
//! Standard errors come from the estimated covariance of the coefficients:
//! classical (`σ² (Xᵀ W X)⁻¹` for least squares, the inverse Fisher
//! information for GLMs) or heteroskedasticity-robust HC1 (White 1980, with
//! MacKinnon & White's 1985 small-sample factor `n / (n − k)`).
//! Least-squares fits use Student-t statistics with the residual degrees of
//! freedom for classical errors and normal z for HC1 (statsmodels' defaults);
//! GLMs use normal z.

use std::fmt::Write as _;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use shopml_core::stats as dist;

/// Which coefficient covariance to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CovType {
    /// Classical covariance assuming homoskedastic errors.
    #[default]
    NonRobust,
    /// White's heteroskedasticity-consistent covariance with the `n / (n − k)` factor.
    Hc1,
}

/// Whether test statistics follow Student's t or the standard normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Statistic {
    /// Student-t with the residual degrees of freedom.
    T,
    /// Standard normal.
    Z,
}

/// Goodness-of-fit figures that apply to least-squares fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeastSquaresFit {
    /// Coefficient of determination (centred when there is an intercept, else uncentred).
    #[serde(with = "shopml_core::serde_float")]
    pub r_squared: f64,
    /// R² adjusted for the degrees of freedom.
    #[serde(with = "shopml_core::serde_float")]
    pub adj_r_squared: f64,
    /// F statistic of "all slopes are zero" (Wald form, with the chosen covariance).
    #[serde(with = "shopml_core::serde_float")]
    pub f_statistic: f64,
    /// Upper-tail probability of `f_statistic`.
    #[serde(with = "shopml_core::serde_float")]
    pub f_p_value: f64,
    /// Weighted residual sum of squares.
    #[serde(with = "shopml_core::serde_float")]
    pub ssr: f64,
    /// Residual variance estimate `ssr / df_resid`.
    #[serde(with = "shopml_core::serde_float")]
    pub scale: f64,
}

/// Coefficient table and model statistics, intercept (if any) first.
///
/// Infinite statistics (a coefficient with zero standard error) and NaN
/// F statistics (HC1 on a rank-deficient design) are legitimate; they
/// serialise losslessly through `shopml_core::serde_float`. Loading checks
/// one entry per name in every column and a `k × k` covariance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "InferenceRaw")]
pub struct Inference {
    /// Parameter names: `const` for the intercept, then the features.
    pub names: Vec<String>,
    /// Estimates in the order of `names`.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub params: Vec<f64>,
    /// Standard errors.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub std_errors: Vec<f64>,
    /// t or z statistics `params / std_errors`.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub statistics: Vec<f64>,
    /// Two-sided p-values.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub p_values: Vec<f64>,
    /// Lower 95 % confidence bounds.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub conf_low: Vec<f64>,
    /// Upper 95 % confidence bounds.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub conf_high: Vec<f64>,
    /// Full covariance matrix of the parameters, in the order of `names`.
    #[serde(with = "shopml_core::serde_float::array2")]
    pub covariance: Array2<f64>,
    /// The covariance estimator used.
    pub cov_type: CovType,
    /// t or z.
    pub statistic: Statistic,
    /// Number of observations.
    pub n_obs: usize,
    /// Model degrees of freedom (parameters minus the intercept).
    #[serde(with = "shopml_core::serde_float")]
    pub df_model: f64,
    /// Residual degrees of freedom.
    #[serde(with = "shopml_core::serde_float")]
    pub df_resid: f64,
    /// Maximised log-likelihood.
    #[serde(with = "shopml_core::serde_float")]
    pub log_likelihood: f64,
    /// Akaike information criterion `−2 llf + 2 k`.
    #[serde(with = "shopml_core::serde_float")]
    pub aic: f64,
    /// Bayesian information criterion `−2 llf + k ln n`.
    #[serde(with = "shopml_core::serde_float")]
    pub bic: f64,
    /// Least-squares figures (R², F, …), `None` for GLMs.
    pub least_squares: Option<LeastSquaresFit>,
    /// Which model produced the table (`OLS`, `WLS`, `Logit`, `Poisson`).
    pub model: String,
}

#[derive(Deserialize)]
struct InferenceRaw {
    names: Vec<String>,
    #[serde(with = "shopml_core::serde_float::vec")]
    params: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    std_errors: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    statistics: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    p_values: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    conf_low: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    conf_high: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::array2")]
    covariance: Array2<f64>,
    cov_type: CovType,
    statistic: Statistic,
    n_obs: usize,
    #[serde(with = "shopml_core::serde_float")]
    df_model: f64,
    #[serde(with = "shopml_core::serde_float")]
    df_resid: f64,
    #[serde(with = "shopml_core::serde_float")]
    log_likelihood: f64,
    #[serde(with = "shopml_core::serde_float")]
    aic: f64,
    #[serde(with = "shopml_core::serde_float")]
    bic: f64,
    least_squares: Option<LeastSquaresFit>,
    model: String,
}

impl TryFrom<InferenceRaw> for Inference {
    type Error = crate::LinearError;
    fn try_from(r: InferenceRaw) -> crate::Result<Self> {
        let k = r.names.len();
        for (what, len) in [
            ("params", r.params.len()),
            ("std_errors", r.std_errors.len()),
            ("statistics", r.statistics.len()),
            ("p_values", r.p_values.len()),
            ("conf_low", r.conf_low.len()),
            ("conf_high", r.conf_high.len()),
        ] {
            if len != k {
                return Err(shopml_core::Error::shape(format!("inference {what} vs names"), k, len).into());
            }
        }
        if r.covariance.dim() != (k, k) {
            return Err(shopml_core::Error::shape("inference covariance", format!("{k} × {k}"), format!("{:?}", r.covariance.dim())).into());
        }
        shopml_core::validate::finite_slice("inference params", &r.params)?;
        Ok(Inference {
            names: r.names,
            params: r.params,
            std_errors: r.std_errors,
            statistics: r.statistics,
            p_values: r.p_values,
            conf_low: r.conf_low,
            conf_high: r.conf_high,
            covariance: r.covariance,
            cov_type: r.cov_type,
            statistic: r.statistic,
            n_obs: r.n_obs,
            df_model: r.df_model,
            df_resid: r.df_resid,
            log_likelihood: r.log_likelihood,
            aic: r.aic,
            bic: r.bic,
            least_squares: r.least_squares,
            model: r.model,
        })
    }
}

/// The raw pieces from which [`Inference`] is assembled.
pub(crate) struct InferenceInput {
    pub names: Vec<String>,
    pub params: Vec<f64>,
    pub covariance: Array2<f64>,
    pub cov_type: CovType,
    pub statistic: Statistic,
    pub n_obs: usize,
    pub df_model: f64,
    pub df_resid: f64,
    pub log_likelihood: f64,
    pub least_squares: Option<LeastSquaresFit>,
    pub model: String,
}

impl Inference {
    pub(crate) fn assemble(inp: InferenceInput) -> Inference {
        let k = inp.params.len();
        let std_errors: Vec<f64> = (0..k).map(|i| inp.covariance[[i, i]].max(0.0).sqrt()).collect();
        let statistics: Vec<f64> =
            inp.params.iter().zip(&std_errors).map(|(b, s)| if *s > 0.0 { b / s } else { f64::INFINITY.copysign(*b) }).collect();
        let (p_values, crit): (Vec<f64>, f64) = match inp.statistic {
            Statistic::T => {
                (statistics.iter().map(|t| dist::t_two_sided(*t, inp.df_resid)).collect(), dist::t_quantile(0.975, inp.df_resid))
            }
            Statistic::Z => (statistics.iter().map(|z| dist::normal_two_sided(*z)).collect(), dist::normal_quantile(0.975)),
        };
        let conf_low = inp.params.iter().zip(&std_errors).map(|(b, s)| b - crit * s).collect();
        let conf_high = inp.params.iter().zip(&std_errors).map(|(b, s)| b + crit * s).collect();
        let n_par = inp.df_model + if inp.names.first().is_some_and(|n| n == "const") { 1.0 } else { 0.0 };
        let aic = -2.0 * inp.log_likelihood + 2.0 * n_par;
        let bic = -2.0 * inp.log_likelihood + (inp.n_obs as f64).ln() * n_par;
        Inference {
            names: inp.names,
            params: inp.params,
            std_errors,
            statistics,
            p_values,
            conf_low,
            conf_high,
            covariance: inp.covariance,
            cov_type: inp.cov_type,
            statistic: inp.statistic,
            n_obs: inp.n_obs,
            df_model: inp.df_model,
            df_resid: inp.df_resid,
            log_likelihood: inp.log_likelihood,
            aic,
            bic,
            least_squares: inp.least_squares,
            model: inp.model,
        }
    }

    /// Replaces the generic feature names (`x0`, `x1`, …) with the caller's.
    /// Fails when the number of names differs from the number of features.
    pub fn with_feature_names<S: AsRef<str>>(mut self, names: &[S]) -> crate::Result<Self> {
        let offset = usize::from(self.names.first().is_some_and(|n| n == "const"));
        if names.len() + offset != self.names.len() {
            return Err(shopml_core::Error::shape("feature names", self.names.len() - offset, names.len()).into());
        }
        for (dst, src) in self.names[offset..].iter_mut().zip(names) {
            *dst = src.as_ref().to_string();
        }
        Ok(self)
    }

    /// A plain-text summary in the layout of statsmodels' `summary()`.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let bar = "=".repeat(78);
        let thin = "-".repeat(78);
        let _ = writeln!(s, "{:^78}", format!("{} Regression Results", self.model));
        let _ = writeln!(s, "{bar}");
        let cov = match self.cov_type {
            CovType::NonRobust => "nonrobust",
            CovType::Hc1 => "HC1",
        };
        let mut left: Vec<(String, String)> = vec![
            ("Model:".into(), self.model.clone()),
            ("No. Observations:".into(), self.n_obs.to_string()),
            ("Df Residuals:".into(), format!("{}", self.df_resid)),
            ("Df Model:".into(), format!("{}", self.df_model)),
            ("Covariance Type:".into(), cov.into()),
        ];
        let mut right: Vec<(String, String)> = Vec::new();
        if let Some(ls) = &self.least_squares {
            right.push(("R-squared:".into(), format!("{:.4}", ls.r_squared)));
            right.push(("Adj. R-squared:".into(), format!("{:.4}", ls.adj_r_squared)));
            right.push(("F-statistic:".into(), format!("{:.4}", ls.f_statistic)));
            right.push(("Prob (F-statistic):".into(), format!("{:.3e}", ls.f_p_value)));
        }
        right.push(("Log-Likelihood:".into(), format!("{:.4}", self.log_likelihood)));
        right.push(("AIC:".into(), format!("{:.4}", self.aic)));
        right.push(("BIC:".into(), format!("{:.4}", self.bic)));
        while left.len() < right.len() {
            left.push((String::new(), String::new()));
        }
        while right.len() < left.len() {
            right.push((String::new(), String::new()));
        }
        for ((lk, lv), (rk, rv)) in left.iter().zip(&right) {
            let _ = writeln!(s, "{lk:<20}{lv:>18}  {rk:<22}{rv:>16}");
        }
        let _ = writeln!(s, "{bar}");
        let stat = match self.statistic {
            Statistic::T => "t",
            Statistic::Z => "z",
        };
        let width = self.names.iter().map(|n| n.len()).max().unwrap_or(5).clamp(5, 30);
        let _ = writeln!(
            s,
            "{:<width$} {:>11} {:>11} {:>9} {:>9} {:>11} {:>11}",
            "",
            "coef",
            "std err",
            stat,
            format!("P>|{stat}|"),
            "[0.025",
            "0.975]"
        );
        let _ = writeln!(s, "{thin}");
        for i in 0..self.params.len() {
            let name: String = self.names[i].chars().take(width).collect();
            let _ = writeln!(
                s,
                "{:<width$} {:>11.4} {:>11.4} {:>9.3} {:>9.3} {:>11.4} {:>11.4}",
                name, self.params[i], self.std_errors[i], self.statistics[i], self.p_values[i], self.conf_low[i], self.conf_high[i]
            );
        }
        let _ = writeln!(s, "{bar}");
        s
    }
}

impl std::fmt::Display for Inference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// Default parameter names: `const` (when fitted) then `x0`, `x1`, ….
pub(crate) fn default_names(p: usize, intercept: bool) -> Vec<String> {
    let mut v = Vec::with_capacity(p + 1);
    if intercept {
        v.push("const".to_string());
    }
    v.extend((0..p).map(|j| format!("x{j}")));
    v
}
