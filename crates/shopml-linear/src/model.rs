//! The fitted linear model shared by least squares, ridge, lasso and elastic net.

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use shopml_core::{Predict, validate};

use crate::error::{LinearError, Result};
use crate::inference::Inference;
use crate::kernels;

/// A fitted linear predictor `ŷ = X β + intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl LinearModel {
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
    /// inference turned off, and rank-deficient designs.
    pub fn inference(&self) -> Result<&Inference> {
        self.inference.as_ref().ok_or_else(|| {
            LinearError::NotAvailable(self.inference_note.clone().unwrap_or_else(|| "inference was not computed for this fit".into()))
        })
    }

    /// Predictions for a view of records.
    pub fn predict_view(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        validate::n_features(self.coefficients.len(), x)?;
        validate::finite_matrix("records", x)?;
        Ok(kernels::matvec(x, self.coefficients.view(), self.intercept))
    }
}

impl Predict<Array2<f64>> for LinearModel {
    type Output = Array1<f64>;
    type Error = LinearError;
    fn predict(&self, input: &Array2<f64>) -> Result<Array1<f64>> {
        self.predict_view(input.view())
    }
}

impl<'a> Predict<ArrayView2<'a, f64>> for LinearModel {
    type Output = Array1<f64>;
    type Error = LinearError;
    fn predict(&self, input: &ArrayView2<'a, f64>) -> Result<Array1<f64>> {
        self.predict_view(*input)
    }
}
