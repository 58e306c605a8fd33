//! The one seam to shopml-linear: least squares with classical or HC1
//! covariance, and the t / normal quantiles used for intervals.
//!
//! Everything else in the crate sees only the private `OlsFit`, so a rename in
//! shopml-linear touches this file alone.

use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit};
use shopml_linear::{CovType, LinearRegressionParams, OlsSolver};

use crate::error::{PricingError, Result};

/// Which covariance of the coefficients backs standard errors and intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Covariance {
    /// Classical `σ² (XᵀX)⁻¹`; intervals use Student's t with the residual degrees of freedom.
    #[default]
    Classical,
    /// White's heteroskedasticity-robust sandwich with the `n / (n − k)` correction
    /// (MacKinnon & White 1985, "HC1"); intervals use the normal distribution, as statsmodels does.
    Hc1,
}

/// What the demand estimators need from a least-squares fit.
#[derive(Debug, Clone)]
pub(crate) struct OlsFit {
    /// Intercept first (when fitted), then one coefficient per column.
    pub params: Vec<f64>,
    /// Covariance of `params`.
    pub covariance: Array2<f64>,
    /// Residual degrees of freedom `n − k`.
    pub df_resid: f64,
    /// Coefficient of determination.
    pub r_squared: f64,
    /// Residual variance `ssr / df_resid`.
    pub scale: f64,
}

/// Ordinary least squares of `y` on `x` (plus an intercept when asked).
pub(crate) fn ols(x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>, intercept: bool, cov: Covariance, what: &str) -> Result<OlsFit> {
    let cov_type = match cov {
        Covariance::Classical => CovType::NonRobust,
        Covariance::Hc1 => CovType::Hc1,
    };
    let params = LinearRegressionParams::default().fit_intercept(intercept).cov_type(cov_type).solver(OlsSolver::Auto);
    let err = |e: shopml_linear::LinearError| PricingError::Regression { product: what.to_string(), message: e.to_string() };
    let model = params.fit(&Dataset::new(x, y)).map_err(err)?;
    let inf = model.inference().map_err(err)?;
    let ls = inf
        .least_squares
        .as_ref()
        .ok_or_else(|| PricingError::Regression { product: what.to_string(), message: "least-squares statistics missing".into() })?;
    Ok(OlsFit {
        params: inf.params.clone(),
        covariance: inf.covariance.clone(),
        df_resid: inf.df_resid,
        r_squared: ls.r_squared,
        scale: ls.scale,
    })
}

/// Two-sided critical value for a `level` % interval: Student's t with
/// `df` degrees of freedom for classical errors, standard normal for HC1.
pub(crate) fn critical_value(level: f64, df: f64, cov: Covariance) -> f64 {
    let p = 0.5 + level / 200.0;
    match cov {
        Covariance::Classical => shopml_core::stats::t_quantile(p, df),
        Covariance::Hc1 => shopml_core::stats::normal_quantile(p),
    }
}
