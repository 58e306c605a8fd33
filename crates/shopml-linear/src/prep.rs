//! Input checks and the centring / scaling shared by the least-squares models.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, validate};

use crate::error::Result;
use crate::kernels;

/// Checks records, targets and weights of a regression data set.
pub(crate) fn check_dataset(data: &Dataset<'_>) -> Result<()> {
    validate::records(data.records)?;
    validate::targets(data.records, data.targets)?;
    validate::sample_weights(data.records.nrows(), data.weights)?;
    Ok(())
}

/// Where the data were centred and how they were scaled before solving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Centring {
    /// Weighted column means (zeros without an intercept).
    pub x_offset: Array1<f64>,
    /// Weighted target mean (zero without an intercept).
    pub y_offset: f64,
    /// Column scales when standardising (constant columns get 1).
    pub scale: Option<Array1<f64>>,
    /// Sum of the sample weights (`n` when unweighted).
    pub weight_sum: f64,
}

impl Centring {
    pub(crate) fn compute(
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        w: Option<ArrayView1<'_, f64>>,
        fit_intercept: bool,
        standardize: bool,
    ) -> Centring {
        let (mx, my, sw) = kernels::weighted_means(x, Some(y), w);
        let scale = standardize.then(|| {
            let around = if fit_intercept { mx.clone() } else { Array1::zeros(x.ncols()) };
            kernels::weighted_std(x, w, &around, sw).mapv(|s| if s > 0.0 { s } else { 1.0 })
        });
        if fit_intercept {
            Centring { x_offset: mx, y_offset: my, scale, weight_sum: sw }
        } else {
            Centring { x_offset: Array1::zeros(x.ncols()), y_offset: 0.0, scale, weight_sum: sw }
        }
    }

    /// Maps coefficients of the centred/scaled problem back to the original
    /// columns: `(β, intercept)`.
    pub(crate) fn unscale(&self, beta: &Array1<f64>) -> (Array1<f64>, f64) {
        let b = match &self.scale {
            Some(s) => beta / s,
            None => beta.clone(),
        };
        let intercept = self.y_offset - self.x_offset.dot(&b);
        (b, intercept)
    }
}
