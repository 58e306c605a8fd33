//! Log and Box-Cox transforms for skewed, positive features (spend, counts).

use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Params, Transform, validate};

use super::finite_output;
use crate::error::{FeaturesError, Result};

/// Parameters of [`LogTransform`]: `y = ln(x + offset)` (default offset 1,
/// i.e. `log1p`). Nothing is learned; fitting only checks the domain.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LogTransformParams {
    offset: f64,
}

impl Default for LogTransformParams {
    fn default() -> Self {
        LogTransformParams { offset: 1.0 }
    }
}

impl LogTransformParams {
    /// `ln(1 + x)`.
    pub fn new() -> Self {
        Self::default()
    }
    /// The value added before taking the logarithm (finite, ≥ 0).
    pub fn offset(mut self, offset: f64) -> Self {
        self.offset = offset;
        self
    }
}

impl Params for LogTransformParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::non_negative("offset", self.offset)
    }
}

validated_struct! {
    /// A fitted log transform. Loading checks a finite offset ≥ 0.
    pub struct LogTransform ("LogTransformRaw" as LogTransformRaw, check = LogTransform::check, error = crate::FeaturesError) {
        /// Added before the logarithm.
        pub offset: f64,
        /// Number of columns seen in fitting.
        pub n_features: usize,
    }
}

impl LogTransform {
    fn check(&self) -> Result<()> {
        Ok(LogTransformParams { offset: self.offset }.check()?)
    }
}

fn check_positive(what: &'static str, x: ArrayView2<'_, f64>, offset: f64) -> Result<()> {
    for ((row, column), &v) in x.indexed_iter() {
        if v + offset <= 0.0 {
            return Err(FeaturesError::Domain { transform: what, row, column, value: v, reason: "x + offset must be > 0" });
        }
    }
    Ok(())
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for LogTransformParams {
    type Model = LogTransform;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<LogTransform> {
        self.check()?;
        validate::records(x.view())?;
        check_positive("log", x.view(), self.offset)?;
        Ok(LogTransform { offset: self.offset, n_features: x.ncols() })
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for LogTransform {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.n_features, x.view())?;
        validate::finite_matrix("records", x.view())?;
        check_positive("log", x.view(), self.offset)?;
        finite_output("log", x.view(), |v, _| (v + self.offset).ln())
    }
}

impl LogTransform {
    /// `exp(y) − offset`; an `exp` beyond `f64` is a [`FeaturesError::Domain`] error.
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, y: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.n_features, y.view())?;
        validate::finite_matrix("records", y.view())?;
        finite_output("log inverse", y.view(), |v, _| v.exp() - self.offset)
    }
}

/// Parameters of [`BoxCox`]: per column, `y = (x^λ − 1) / λ` (`ln x` at
/// λ = 0), with λ chosen by maximum likelihood as in G. E. P. Box and
/// D. R. Cox, "An Analysis of Transformations", JRSS B 26 (1964): it
/// maximises `(λ − 1) Σ ln x − n/2 · ln σ²(y)` (σ² the population variance)
/// by golden-section search on `[lambda_min, lambda_max]` (default `[-5, 5]`).
/// Inputs must be strictly positive.
///
/// ```
/// use ndarray::Array2;
/// use shopml_core::{Fit, Transform};
/// use shopml_features::preprocessing::BoxCoxParams;
/// // Log-normal data: the likelihood is maximised near λ = 0.
/// let x = Array2::from_shape_fn((200, 1), |(i, _)| ((i as f64 - 100.0) / 40.0).exp());
/// let m = BoxCoxParams::new().fit(&x).unwrap();
/// assert!(m.lambdas[0].abs() < 1e-4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxCoxParams {
    lambda: Option<f64>,
    lambda_min: f64,
    lambda_max: f64,
}

impl Default for BoxCoxParams {
    fn default() -> Self {
        BoxCoxParams { lambda: None, lambda_min: -5.0, lambda_max: 5.0 }
    }
}

impl BoxCoxParams {
    /// λ by maximum likelihood in `[-5, 5]`.
    pub fn new() -> Self {
        Self::default()
    }
    /// Use this λ for every column instead of estimating it.
    pub fn lambda(mut self, lambda: f64) -> Self {
        self.lambda = Some(lambda);
        self
    }
    /// Search interval for λ.
    pub fn lambda_range(mut self, min: f64, max: f64) -> Self {
        self.lambda_min = min;
        self.lambda_max = max;
        self
    }
}

impl Params for BoxCoxParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let Some(l) = self.lambda
            && !l.is_finite()
        {
            return Err(Error::param("lambda", format!("must be finite, got {l}")));
        }
        if !(self.lambda_min.is_finite() && self.lambda_max.is_finite() && self.lambda_min < self.lambda_max) {
            return Err(Error::param("lambda_range", format!("needs finite min < max, got ({}, {})", self.lambda_min, self.lambda_max)));
        }
        Ok(())
    }
}

validated_struct! {
    /// A fitted Box-Cox transform. Loading checks finite λs.
    pub struct BoxCox ("BoxCoxRaw" as BoxCoxRaw, check = BoxCox::check, error = crate::FeaturesError) {
        /// λ per column.
        pub lambdas: Array1<f64>,
    }
}

impl BoxCox {
    fn check(&self) -> Result<()> {
        Ok(crate::checked::finite("BoxCox lambdas", &self.lambdas.to_vec())?)
    }
}

fn boxcox(v: f64, l: f64) -> f64 {
    if l.abs() < 1e-12 { v.ln() } else { (v.powf(l) - 1.0) / l }
}

/// The Box-Cox profile log-likelihood of λ for positive data.
pub fn boxcox_llf(x: &[f64], lambda: f64) -> f64 {
    let n = x.len() as f64;
    let sum_log: f64 = x.iter().map(|v| v.ln()).sum();
    let y: Vec<f64> = x.iter().map(|&v| boxcox(v, lambda)).collect();
    let m = y.iter().sum::<f64>() / n;
    let var = y.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
    let llf = (lambda - 1.0) * sum_log - n / 2.0 * var.ln();
    if llf.is_finite() { llf } else { f64::NEG_INFINITY }
}

fn golden_max(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..200 {
        if (b - a).abs() < 1e-10 {
            break;
        }
        if fc >= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    (a + b) / 2.0
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for BoxCoxParams {
    type Model = BoxCox;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<BoxCox> {
        self.check()?;
        validate::records(x.view())?;
        check_positive("box-cox", x.view(), 0.0)?;
        let lambdas = (0..x.ncols())
            .map(|j| match self.lambda {
                Some(l) => l,
                None => {
                    let col: Vec<f64> = x.column(j).to_vec();
                    golden_max(|l| boxcox_llf(&col, l), self.lambda_min, self.lambda_max)
                }
            })
            .collect();
        Ok(BoxCox { lambdas })
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for BoxCox {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.lambdas.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        check_positive("box-cox", x.view(), 0.0)?;
        finite_output("box-cox", x.view(), |v, j| boxcox(v, self.lambdas[j]))
    }
}

impl BoxCox {
    /// The inverse transform `(λ y + 1)^(1/λ)` (`exp y` at λ = 0).
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, y: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.lambdas.len(), y.view())?;
        validate::finite_matrix("records", y.view())?;
        finite_output("box-cox inverse", y.view(), |v, j| {
            let l = self.lambdas[j];
            if l.abs() < 1e-12 { v.exp() } else { (l * v + 1.0).powf(1.0 / l) }
        })
    }
}
