//! Missing values in numeric matrices (`NaN` marks a missing cell).
//!
//! - [`drop_rows_with_missing`] / [`drop_columns_with_missing`];
//! - fitted [`Imputer`]s (fit on training data, apply to new data), filling
//!   each column with its mean, median, most frequent value or a constant,
//!   optionally appending one 0/1 missing-indicator column per column that had
//!   missing values during fit (scikit-learn's `SimpleImputer(add_indicator=True)`
//!   convention);
//! - [`forward_fill`] down each column (a column is a series in time order),
//!   optionally within groups and with a gap limit.
//!
//! ±∞ is not "missing": it is rejected with [`shopml_core::Error::NonFinite`].
//!
//! ```
//! use ndarray::array;
//! use shopml_clean::{ImputeStrategy, ImputerParams};
//! use shopml_core::{Fit, Transform};
//! let train = array![[1.0, f64::NAN], [3.0, 4.0], [f64::NAN, 8.0]];
//! let imputer = ImputerParams::new(ImputeStrategy::Mean).add_indicator(true).fit(&train).unwrap();
//! assert_eq!(imputer.statistics, vec![2.0, 6.0]);
//! let test = array![[f64::NAN, 1.0]];
//! // Filled values, then one indicator per column that had gaps in training.
//! assert_eq!(imputer.transform(&test).unwrap(), array![[2.0, 1.0, 1.0, 0.0]]);
//! ```

use ndarray::{Array2, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Transform, validate};

use crate::error::{CleanError, Result};
use crate::outliers::quantile_sorted;

/// Fails at the first ±∞ (NaN is allowed: it means missing).
fn no_infinities(what: &str, x: ArrayView2<'_, f64>) -> shopml_core::Result<()> {
    for ((row, column), &value) in x.indexed_iter() {
        if value.is_infinite() {
            return Err(Error::NonFinite { what: what.to_string(), row, column: Some(column), value });
        }
    }
    Ok(())
}

/// Rows without any missing cell, and the indices of the rows kept.
pub fn drop_rows_with_missing(x: &Array2<f64>) -> (Array2<f64>, Vec<usize>) {
    let keep: Vec<usize> = x.outer_iter().enumerate().filter(|(_, r)| r.iter().all(|v| !v.is_nan())).map(|(i, _)| i).collect();
    (x.select(Axis(0), &keep), keep)
}

/// Columns whose fraction of missing cells is at most `max_missing_fraction`
/// (`0.0`: drop every column with a gap), and the indices of the columns kept.
pub fn drop_columns_with_missing(x: &Array2<f64>, max_missing_fraction: f64) -> Result<(Array2<f64>, Vec<usize>)> {
    validate::param::in_closed("max_missing_fraction", max_missing_fraction, 0.0, 1.0)?;
    let n = x.nrows().max(1) as f64;
    let keep: Vec<usize> = x
        .columns()
        .into_iter()
        .enumerate()
        .filter(|(_, c)| c.iter().filter(|v| v.is_nan()).count() as f64 / n <= max_missing_fraction)
        .map(|(j, _)| j)
        .collect();
    Ok((x.select(Axis(1), &keep), keep))
}

/// Fills each missing cell with the last observed value above it in the same
/// column (and, when `groups` is given, the same group: a new group restarts
/// the series). With `limit = Some(k)` at most `k` consecutive gaps are filled.
/// Leading gaps stay missing. Like pandas `DataFrame.ffill(limit=k)` (or
/// `groupby(g).ffill(limit=k)`).
///
/// ```
/// use ndarray::array;
/// use shopml_clean::impute::forward_fill;
/// let nan = f64::NAN;
/// let x = array![[nan], [1.0], [nan], [nan], [2.0], [nan]];
/// let y = forward_fill(&x, None, Some(1)).unwrap();
/// assert!(y[[0, 0]].is_nan());
/// assert_eq!(y[[2, 0]], 1.0);
/// assert!(y[[3, 0]].is_nan()); // second gap in a row: over the limit
/// assert_eq!(y[[5, 0]], 2.0);
/// ```
pub fn forward_fill(x: &Array2<f64>, groups: Option<&[usize]>, limit: Option<usize>) -> Result<Array2<f64>> {
    if let Some(g) = groups
        && g.len() != x.nrows()
    {
        return Err(Error::shape("groups vs rows", format!("{} groups", x.nrows()), format!("{} groups", g.len())).into());
    }
    if limit == Some(0) {
        return Err(Error::param("limit", "must be at least 1 (use None for no limit)").into());
    }
    no_infinities("records", x.view())?;
    let mut out = x.clone();
    for mut col in out.columns_mut() {
        let mut last: Option<f64> = None;
        let mut run = 0usize;
        for i in 0..col.len() {
            if i > 0 && groups.is_some_and(|g| g[i] != g[i - 1]) {
                last = None;
                run = 0;
            }
            if col[i].is_nan() {
                run += 1;
                if let Some(v) = last
                    && limit.is_none_or(|k| run <= k)
                {
                    col[i] = v;
                }
            } else {
                last = Some(col[i]);
                run = 0;
            }
        }
    }
    Ok(out)
}

/// The value a column's gaps are filled with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ImputeStrategy {
    /// Mean of the observed values.
    Mean,
    /// Median of the observed values.
    Median,
    /// Most frequent observed value (the smallest, on ties).
    MostFrequent,
    /// A fixed value.
    Constant(f64),
}

/// Unfitted imputer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ImputerParamsRaw")]
pub struct ImputerParams {
    /// How gaps are filled.
    pub strategy: ImputeStrategy,
    /// Append a 0/1 indicator column for every column with gaps during fit.
    pub add_indicator: bool,
}

#[derive(Deserialize)]
struct ImputerParamsRaw {
    strategy: ImputeStrategy,
    add_indicator: bool,
}

impl TryFrom<ImputerParamsRaw> for ImputerParams {
    type Error = Error;
    fn try_from(r: ImputerParamsRaw) -> shopml_core::Result<Self> {
        let p = ImputerParams { strategy: r.strategy, add_indicator: r.add_indicator };
        p.check()?;
        Ok(p)
    }
}

impl ImputerParams {
    /// An imputer with `strategy` and no indicator columns.
    pub fn new(strategy: ImputeStrategy) -> Self {
        ImputerParams { strategy, add_indicator: false }
    }

    /// Sets [`add_indicator`](Self::add_indicator).
    pub fn add_indicator(mut self, yes: bool) -> Self {
        self.add_indicator = yes;
        self
    }
}

impl Default for ImputerParams {
    /// Mean imputation without indicators.
    fn default() -> Self {
        ImputerParams::new(ImputeStrategy::Mean)
    }
}

impl Params for ImputerParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let ImputeStrategy::Constant(v) = self.strategy
            && !v.is_finite()
        {
            return Err(Error::param("strategy", format!("the constant fill value must be finite, got {v}")));
        }
        Ok(())
    }
}

/// A fitted imputer: one fill value per column.
///
/// Loaded from JSON it is checked: finite fill values, indicator columns
/// strictly increasing and within the columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ImputerRaw")]
pub struct Imputer {
    /// Fill value per column.
    pub statistics: Vec<f64>,
    /// Columns (that had gaps during fit) that get an indicator column, in order.
    pub indicator_columns: Vec<usize>,
}

#[derive(Deserialize)]
struct ImputerRaw {
    statistics: Vec<f64>,
    indicator_columns: Vec<usize>,
}

impl TryFrom<ImputerRaw> for Imputer {
    type Error = Error;
    fn try_from(r: ImputerRaw) -> shopml_core::Result<Self> {
        if r.statistics.is_empty() {
            return Err(Error::empty("imputer statistics"));
        }
        validate::finite_slice("imputer statistics", &r.statistics)?;
        let p = r.statistics.len();
        for (k, &j) in r.indicator_columns.iter().enumerate() {
            if j >= p || (k > 0 && j <= r.indicator_columns[k - 1]) {
                return Err(Error::param(
                    "indicator_columns",
                    format!("must be strictly increasing column indices below {p}, got {j} at {k}"),
                ));
            }
        }
        Ok(Imputer { statistics: r.statistics, indicator_columns: r.indicator_columns })
    }
}

fn most_frequent(sorted: &[f64]) -> f64 {
    let (mut best, mut best_n) = (sorted[0], 0usize);
    let mut i = 0;
    while i < sorted.len() {
        let j = i + sorted[i..].iter().take_while(|&&v| v == sorted[i]).count();
        if j - i > best_n {
            best = sorted[i];
            best_n = j - i;
        }
        i = j;
    }
    best
}

impl Fit<Array2<f64>> for ImputerParams {
    type Model = Imputer;
    type Error = CleanError;
    /// Learns one fill value per column from its observed (non-NaN) cells.
    /// A column with no observed cell is an error unless the strategy is a constant.
    fn fit(&self, x: &Array2<f64>) -> Result<Imputer> {
        self.check()?;
        validate::non_empty_matrix("records", x.view())?;
        no_infinities("records", x.view())?;
        let mut statistics = Vec::with_capacity(x.ncols());
        let mut indicator_columns = Vec::new();
        for (j, col) in x.columns().into_iter().enumerate() {
            let mut obs: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
            if obs.len() < col.len() && self.add_indicator {
                indicator_columns.push(j);
            }
            if let ImputeStrategy::Constant(c) = self.strategy {
                statistics.push(c);
                continue;
            }
            if obs.is_empty() {
                return Err(Error::empty(format!("column {j} has no observed value to impute from")).into());
            }
            statistics.push(match self.strategy {
                ImputeStrategy::Mean => {
                    let n = obs.len() as f64;
                    match obs.iter().sum::<f64>() / n {
                        m if m.is_finite() => m,
                        // The sum overflowed: Σ v/n cannot.
                        _ => obs.iter().map(|v| v / n).sum::<f64>(),
                    }
                }
                ImputeStrategy::Median => {
                    obs.sort_unstable_by(f64::total_cmp);
                    quantile_sorted(&obs, 0.5)
                }
                ImputeStrategy::MostFrequent => {
                    obs.sort_unstable_by(f64::total_cmp);
                    most_frequent(&obs)
                }
                ImputeStrategy::Constant(c) => c,
            });
        }
        Ok(Imputer { statistics, indicator_columns })
    }
}

impl Transform<Array2<f64>> for Imputer {
    type Output = Array2<f64>;
    type Error = CleanError;
    /// Fills every gap with its column's value and appends the indicator columns.
    fn transform(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.statistics.len(), x.view())?;
        no_infinities("records", x.view())?;
        let p = self.statistics.len();
        let mut out = Array2::zeros((x.nrows(), p + self.indicator_columns.len()));
        out.slice_mut(s![.., ..p]).assign(x);
        for (k, &j) in self.indicator_columns.iter().enumerate() {
            for i in 0..x.nrows() {
                out[[i, p + k]] = if x[[i, j]].is_nan() { 1.0 } else { 0.0 };
            }
        }
        for (mut col, &v) in out.slice_mut(s![.., ..p]).columns_mut().into_iter().zip(&self.statistics) {
            col.mapv_inplace(|c| if c.is_nan() { v } else { c });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use shopml_core::{AsCoreError, FitTransform, conformance};

    const NAN: f64 = f64::NAN;

    #[test]
    fn strategies_by_hand() {
        let x = array![[1.0, NAN, 5.0], [2.0, 7.0, 5.0], [NAN, 7.0, 1.0], [9.0, 3.0, NAN]];
        let fit = |s| ImputerParams::new(s).fit(&x).unwrap().statistics;
        assert_eq!(fit(ImputeStrategy::Mean), vec![4.0, 17.0 / 3.0, 11.0 / 3.0]);
        assert_eq!(fit(ImputeStrategy::Median), vec![2.0, 7.0, 5.0]);
        assert_eq!(fit(ImputeStrategy::MostFrequent), vec![1.0, 7.0, 5.0]);
        assert_eq!(fit(ImputeStrategy::Constant(-1.0)), vec![-1.0; 3]);
        let (m, y) = ImputerParams::new(ImputeStrategy::Median).add_indicator(true).fit_transform(&x).unwrap();
        assert_eq!(m.indicator_columns, vec![0, 1, 2]);
        assert_eq!(y.row(0).to_vec(), vec![1.0, 7.0, 5.0, 0.0, 1.0, 0.0]);
        assert_eq!(y.row(3).to_vec(), vec![9.0, 3.0, 5.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn errors() {
        let x = array![[1.0, NAN], [2.0, NAN]];
        let e = ImputerParams::new(ImputeStrategy::Mean).fit(&x).unwrap_err();
        assert!(matches!(e.as_core(), Some(Error::EmptyInput { .. })), "{e}");
        assert!(ImputerParams::new(ImputeStrategy::Constant(0.0)).fit(&x).is_ok());
        assert!(ImputerParams::new(ImputeStrategy::Constant(NAN)).fit(&x).is_err());
        let bad = array![[1.0, 2.0], [f64::INFINITY, 1.0]];
        let e = ImputerParams::default().fit(&bad).unwrap_err();
        assert!(matches!(e.as_core(), Some(Error::NonFinite { row: 1, column: Some(0), .. })), "{e}");
        conformance::check_rejects_empty(2, |x| ImputerParams::default().fit(x));
        let m = ImputerParams::default().fit(&array![[1.0, 2.0]]).unwrap();
        conformance::check_rejects_wrong_width(2, |x| m.transform(x));
    }

    #[test]
    fn model_conformance() {
        let x = array![[1.0, NAN], [3.0, 4.0], [NAN, 8.0]];
        let p = ImputerParams::new(ImputeStrategy::Median).add_indicator(true);
        let m = p.fit(&x).unwrap();
        conformance::assert_send_sync::<Imputer>();
        conformance::check_serde_roundtrip(&m, |m| m.transform(&x).unwrap());
        // NaN != NaN, so the unchanged-input check compares the bit patterns.
        let bits = |x: &Array2<f64>| x.mapv(f64::to_bits);
        let before = bits(&x);
        p.fit(&x).unwrap();
        assert_eq!(before, bits(&x));
        conformance::check_input_unchanged(&array![[1.0, 2.0], [3.0, 4.0]], |x| {
            p.fit(x).unwrap();
        });
    }

    #[test]
    fn drops_and_ffill() {
        let x = array![[1.0, NAN], [2.0, 3.0], [NAN, 4.0]];
        let (r, keep) = drop_rows_with_missing(&x);
        assert_eq!((r, keep), (array![[2.0, 3.0]], vec![1]));
        let (c, keep) = drop_columns_with_missing(&x, 0.4).unwrap();
        assert_eq!(keep, vec![0, 1]);
        assert_eq!(c.ncols(), 2);
        let (_, keep) = drop_columns_with_missing(&x, 0.0).unwrap();
        assert!(keep.is_empty());
        let y = forward_fill(&array![[1.0], [NAN], [NAN], [NAN]], Some(&[0, 0, 1, 1]), None).unwrap();
        assert_eq!(y[[1, 0]], 1.0);
        assert!(y[[2, 0]].is_nan() && y[[3, 0]].is_nan());
        assert!(forward_fill(&x, Some(&[0]), None).is_err());
    }
}
