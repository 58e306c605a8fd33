//! The traits that let downstream code treat every shopml model alike.
//!
//! The life cycle is always the same: a plain, validated **parameter struct**
//! ([`Params`]) is [fitted](Fit) to data and returns a separate **fitted
//! model**; the fitted model [predicts](Predict), [transforms](Transform),
//! [recommends](Recommend) or [forecasts](Forecast). A model never exists
//! half-fitted, and parameters are checked before any work starts.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A hyper-parameter set that can validate itself.
///
/// `check` returns [`Error::InvalidParameter`] naming the first bad parameter.
/// Every `fit` calls it before touching the data.
pub trait Params {
    /// Validates every parameter.
    fn check(&self) -> Result<()>;
}

/// Fits validated parameters to data, giving a fitted model.
///
/// Implemented on the *parameter* struct; `Data` is whatever the algorithm
/// learns from (a [`Dataset`], a feature matrix, an
/// [`Interactions`](crate::Interactions) matrix, a
/// [`TimeSeries`](crate::TimeSeries), …).
pub trait Fit<Data: ?Sized> {
    /// The fitted model.
    type Model;
    /// The crate's error type.
    type Error: std::error::Error + From<Error>;
    /// Validates the parameters and the data, then fits.
    fn fit(&self, data: &Data) -> std::result::Result<Self::Model, Self::Error>;
}

/// A fitted model that maps input records to outputs (one per row).
pub trait Predict<Input: ?Sized> {
    /// What comes out: targets, labels, cluster ids, probabilities.
    type Output;
    /// The crate's error type.
    type Error: std::error::Error + From<Error>;
    /// Predicts for every record of `input`.
    fn predict(&self, input: &Input) -> std::result::Result<Self::Output, Self::Error>;
}

/// A fitted preprocessor (scaler, encoder, imputer) that maps inputs to new
/// inputs of the same kind.
pub trait Transform<Input: ?Sized> {
    /// The transformed data.
    type Output;
    /// The crate's error type.
    type Error: std::error::Error + From<Error>;
    /// Applies the fitted transformation.
    fn transform(&self, input: &Input) -> std::result::Result<Self::Output, Self::Error>;
}

/// Fit a preprocessor and transform the same data in one call.
///
/// Blanket-implemented for every [`Fit`] whose model [`Transform`]s the data
/// it was fitted on.
pub trait FitTransform<Data: ?Sized>: Fit<Data> {
    /// The transformed data.
    type Output;
    /// Fits on `data`, then transforms `data`.
    fn fit_transform(&self, data: &Data) -> std::result::Result<(Self::Model, Self::Output), <Self as Fit<Data>>::Error>;
}

impl<P, D> FitTransform<D> for P
where
    D: ?Sized,
    P: Fit<D>,
    P::Model: Transform<D, Error = P::Error>,
{
    type Output = <P::Model as Transform<D>>::Output;
    fn fit_transform(&self, data: &D) -> std::result::Result<(Self::Model, Self::Output), P::Error> {
        let model = self.fit(data)?;
        let out = model.transform(data)?;
        Ok((model, out))
    }
}

/// A supervised data set borrowed from the caller: records (rows are samples),
/// targets and optional sample weights.
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a, T = ndarray::ArrayView1<'a, f64>> {
    /// `n_samples × n_features` records.
    pub records: ndarray::ArrayView2<'a, f64>,
    /// One target per record.
    pub targets: T,
    /// Optional non-negative weight per record.
    pub weights: Option<ndarray::ArrayView1<'a, f64>>,
}

impl<'a, T> Dataset<'a, T> {
    /// Records and targets, unweighted. Targets are real values
    /// (`ArrayView1<f64>`, the default) for regression and `ArrayView1<bool>`
    /// (or class labels as `f64`) for classification.
    ///
    /// ```
    /// use ndarray::array;
    /// use shopml_core::Dataset;
    /// let x = array![[1.0], [2.0]];
    /// let churned = array![false, true];
    /// let d = Dataset::new(x.view(), churned.view());
    /// assert_eq!(d.n_samples(), 2);
    /// ```
    pub fn new(records: ndarray::ArrayView2<'a, f64>, targets: T) -> Self {
        Dataset { records, targets, weights: None }
    }

    /// Number of records (rows).
    pub fn n_samples(&self) -> usize {
        self.records.nrows()
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.records.ncols()
    }

    /// The same data with sample weights.
    pub fn with_weights(mut self, weights: ndarray::ArrayView1<'a, f64>) -> Self {
        self.weights = Some(weights);
        self
    }
}

pub use crate::select::Scored;

/// A fitted recommender: a user's top-N items by score.
///
/// Users and items are dense indices of the model's [`IdMap`](crate::IdMap)s;
/// models offer id-keyed wrappers on top.
pub trait Recommend {
    /// Number of users the model knows.
    fn n_users(&self) -> usize;
    /// Number of items the model knows.
    fn n_items(&self) -> usize;
    /// Scores every item for `user` (length `n_items`).
    fn score_items(&self, user: usize) -> Result<Vec<f32>>;
    /// The `n` best-scored items for `user`, best first, never including an
    /// item in `exclude`. The default implementation ranks
    /// [`score_items`](Recommend::score_items) with a partial selection.
    fn recommend(&self, user: usize, n: usize, exclude: &[usize]) -> Result<Vec<Scored>> {
        let mut scores = self.score_items(user)?;
        for &i in exclude {
            if i >= scores.len() {
                return Err(Error::IndexOutOfRange { what: "item", index: i, len: scores.len() });
            }
            scores[i] = f32::NEG_INFINITY;
        }
        Ok(crate::top_n(&scores, n))
    }
}

/// A point forecast with prediction intervals at one or more levels.
///
/// Non-finite values serialise losslessly ([`crate::serde_float`]); loading
/// checks that every interval has one bound per step and a level in `(0, 100)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ForecastResultRaw")]
pub struct ForecastResult {
    /// Point forecast for steps `1..=horizon`.
    #[serde(with = "crate::serde_float::vec")]
    pub point: Vec<f64>,
    /// One interval per requested level, in the order requested.
    pub intervals: Vec<Interval>,
}

/// A central prediction interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Coverage level in percent, e.g. `95.0`.
    pub level: f64,
    /// Lower bound per step.
    #[serde(with = "crate::serde_float::vec")]
    pub lower: Vec<f64>,
    /// Upper bound per step.
    #[serde(with = "crate::serde_float::vec")]
    pub upper: Vec<f64>,
}

#[derive(Deserialize)]
struct ForecastResultRaw {
    #[serde(with = "crate::serde_float::vec")]
    point: Vec<f64>,
    intervals: Vec<Interval>,
}

impl TryFrom<ForecastResultRaw> for ForecastResult {
    type Error = Error;
    fn try_from(r: ForecastResultRaw) -> Result<Self> {
        for iv in &r.intervals {
            check_levels(&[iv.level])?;
            if iv.lower.len() != r.point.len() || iv.upper.len() != r.point.len() {
                return Err(Error::shape(
                    format!("{}% interval bounds vs point forecast", iv.level),
                    r.point.len(),
                    format!("{} lower, {} upper", iv.lower.len(), iv.upper.len()),
                ));
            }
        }
        Ok(ForecastResult { point: r.point, intervals: r.intervals })
    }
}

/// A fitted forecasting model.
pub trait Forecast {
    /// Forecasts `horizon` steps ahead; `levels` (percent, in `(0, 100)`)
    /// asks for prediction intervals, empty for none.
    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<ForecastResult>;
}

/// Checks interval levels: each in `(0, 100)`.
pub fn check_levels(levels: &[f64]) -> Result<()> {
    for &l in levels {
        if !(l > 0.0 && l < 100.0) {
            return Err(Error::param("level", format!("interval levels are percentages in (0, 100), got {l}")));
        }
    }
    Ok(())
}

/// A snapshot of a long fit, handed to an [`Observer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Iteration (epoch, sweep) just finished, starting at 1.
    pub iteration: usize,
    /// Total iterations planned, if known.
    pub total: Option<usize>,
    /// The objective after this iteration, if the algorithm tracks it.
    pub loss: Option<f64>,
    /// Time since the fit started.
    pub elapsed: std::time::Duration,
}

/// A progress callback for long fits. Libraries never print; examples and
/// binaries draw progress bars from these calls.
pub type Observer = std::sync::Arc<dyn Fn(&Progress) + Send + Sync>;
