//! The fitted linear model shared by least squares, ridge, lasso and elastic net.

use ndarray::{Array1, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Predict, validate};

use crate::error::{LinearError, Result};
use crate::inference::Inference;
use crate::kernels;

/// A fitted linear predictor `ŷ = X β + intercept`.
///
/// Loading checks finite coefficients and intercept and a consistent
/// inference table (non-finite statistics round-trip as strings, see
/// `shopml_core::serde_float`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LinearModelRaw")]
pub struct LinearModel {
    pub(crate) coefficients: Array1<f64>,
    pub(crate) intercept: f64,
    pub(crate) rank: Option<usize>,
    pub(crate) n_iter: Option<usize>,
    pub(crate) dual_gap: Option<f64>,
    pub(crate) converged: Option<bool>,
    pub(crate) inference: Option<Inference>,
    pub(crate) inference_note: Option<String>,
}

#[derive(Deserialize)]
struct LinearModelRaw {
    coefficients: Array1<f64>,
    intercept: f64,
    rank: Option<usize>,
    n_iter: Option<usize>,
    dual_gap: Option<f64>,
    converged: Option<bool>,
    inference: Option<Inference>,
    inference_note: Option<String>,
}

impl TryFrom<LinearModelRaw> for LinearModel {
    type Error = LinearError;
    fn try_from(r: LinearModelRaw) -> Result<Self> {
        if let Some(inf) = &r.inference
            && inf.params.len() != r.coefficients.len() + usize::from(inf.names.first().is_some_and(|n| n == "const"))
        {
            return Err(shopml_core::Error::shape("inference table vs coefficients", r.coefficients.len(), inf.params.len()).into());
        }
        LinearModel {
            coefficients: r.coefficients,
            intercept: r.intercept,
            rank: r.rank,
            n_iter: r.n_iter,
            dual_gap: r.dual_gap,
            converged: r.converged,
            inference: r.inference,
            inference_note: r.inference_note,
        }
        .checked("loaded linear model")
    }
}

impl LinearModel {
    /// `Ok(self)` when every coefficient, the intercept and the duality gap
    /// are finite; otherwise the fit overflowed (features or targets near the
    /// f64 range) and the error names the first bad coefficient.
    pub(crate) fn checked(self, what: &str) -> Result<Self> {
        if let Some(row) = self.coefficients.iter().position(|v| !v.is_finite()) {
            return Err(shopml_core::Error::NonFinite {
                what: format!("{what} coefficients (the data overflow f64 arithmetic; rescale features and targets)"),
                row,
                column: None,
                value: self.coefficients[row],
            }
            .into());
        }
        if !self.intercept.is_finite() || self.dual_gap.is_some_and(|g| !g.is_finite()) {
            return Err(shopml_core::Error::NonFinite {
                what: format!("{what} intercept or duality gap (the data overflow f64 arithmetic; rescale features and targets)"),
                row: 0,
                column: None,
                value: if self.intercept.is_finite() { self.dual_gap.unwrap_or(f64::NAN) } else { self.intercept },
            }
            .into());
        }
        Ok(self)
    }

    /// Coefficients `β`, one per feature, on the original feature scale.
    pub fn coefficients(&self) -> &Array1<f64> {
        &self.coefficients
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    /// Numerical rank of the (centred) design, for least-squares fits.
    pub fn rank(&self) -> Option<usize> {
        self.rank
    }

    /// Coordinate-descent sweeps run, for lasso / elastic-net fits.
    pub fn n_iter(&self) -> Option<usize> {
        self.n_iter
    }

    /// Final duality gap (in the scaled objective), for lasso / elastic-net fits.
    pub fn dual_gap(&self) -> Option<f64> {
        self.dual_gap
    }

    /// Whether an iterative solver met its tolerance (`None` for direct solvers).
    pub fn converged(&self) -> Option<bool> {
        self.converged
    }

    /// Standard errors, tests and fit statistics (ordinary least squares only).
    ///
    /// Fails with [`LinearError::NotAvailable`] for penalised fits, fits with
    /// inference turned off, and fits without residual degrees of freedom.
    /// Rank-deficient designs get statsmodels' pseudo-inverse table (standard
    /// errors of the estimable coefficients, `df_resid = n − rank`).
    pub fn inference(&self) -> Result<&Inference> {
        self.inference.as_ref().ok_or_else(|| {
            LinearError::NotAvailable(self.inference_note.clone().unwrap_or_else(|| "inference was not computed for this fit".into()))
        })
    }
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for LinearModel {
    type Output = Array1<f64>;
    type Error = LinearError;
    /// `X β + intercept` for owned arrays and views alike; a prediction that
    /// overflows `f64` is an error naming the row.
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        let x = x.view();
        validate::n_features(self.coefficients.len(), x)?;
        validate::finite_matrix("records", x)?;
        let y = kernels::matvec(x, self.coefficients.view(), self.intercept);
        validate::finite_vector("predictions", y.view())?;
        Ok(y)
    }
}
