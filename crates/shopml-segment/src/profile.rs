//! Explaining segments: preprocessing that can be undone, per-segment
//! profiles in original units, and RFM-style names.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, Fit, Params, Transform};

use crate::error::{Result, SegmentError};
use crate::float::check_records;

/// The usual preprocessing for RFM-like features: optionally `ln(1 + x)`
/// per column (for skewed counts and money), then standardise each column
/// to mean 0 and (population) standard deviation 1. A column with zero
/// variance is only centred. Invertible, so centres can be reported in
/// original units. Fit with [`RfmScaler::params`]:
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Fit, Transform};
/// use shopml_segment::RfmScaler;
///
/// let x = array![[3.0, 10.0], [30.0, 1.0], [300.0, 2.0]];
/// let scaler = RfmScaler::params(true).fit(&x).unwrap();
/// let z = scaler.transform(&x).unwrap();
/// let back = scaler.inverse_transform(&z).unwrap();
/// assert!((back[[2, 0]] - 300.0).abs() < 1e-9);
/// ```
///
/// Loading from JSON checks one finite mean and one finite positive scale
/// per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RfmScalerRaw")]
pub struct RfmScaler {
    log1p: bool,
    mean: Array1<f64>,
    scale: Array1<f64>,
}

#[derive(Deserialize)]
struct RfmScalerRaw {
    log1p: bool,
    mean: Array1<f64>,
    scale: Array1<f64>,
}

impl TryFrom<RfmScalerRaw> for RfmScaler {
    type Error = SegmentError;
    fn try_from(r: RfmScalerRaw) -> Result<Self> {
        if r.mean.is_empty() {
            return Err(CoreError::empty("scaler mean").into());
        }
        if r.scale.len() != r.mean.len() {
            return Err(CoreError::shape("scale", format!("{} values (one per column)", r.mean.len()), r.scale.len()).into());
        }
        shopml_core::validate::finite_vector("mean", r.mean.view())?;
        if let Some((row, &v)) = r.scale.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
            return Err(CoreError::InvalidValue {
                what: "scale".into(),
                row,
                column: None,
                value: v,
                reason: "scales are finite and positive".into(),
            }
            .into());
        }
        Ok(RfmScaler { log1p: r.log1p, mean: r.mean, scale: r.scale })
    }
}

/// Parameters of [`RfmScaler`]: whether to take `ln(1 + x)` first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RfmScalerParams {
    log1p: bool,
}

impl RfmScalerParams {
    /// Whether to take `ln(1 + x)` of every column before standardising.
    pub fn log1p(mut self, yes: bool) -> Self {
        self.log1p = yes;
        self
    }
}

impl Params for RfmScalerParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// Learns column means and standard deviations of `x` (after `ln(1 + x)`
/// when `log1p`). Errors: empty or non-finite records; with `log1p`, a
/// value ≤ −1 ([`shopml_core::Error::InvalidValue`]).
impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for RfmScalerParams {
    type Model = RfmScaler;
    type Error = SegmentError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<RfmScaler> {
        let x = x.view();
        check_records("records", x)?;
        let z = RfmScaler::pre(x, self.log1p)?;
        let n = z.nrows() as f64;
        let mean = z.sum_axis(Axis(0)) / n;
        let var = z.var_axis(Axis(0), 0.0);
        let scale = var.mapv(|v| if v > 0.0 { v.sqrt() } else { 1.0 });
        if let Some((column, &v)) = mean.iter().chain(&scale).enumerate().find(|(_, v)| !v.is_finite()) {
            let column = column % mean.len();
            return Err(
                CoreError::NonFinite { what: "column mean (values too large)".into(), row: 0, column: Some(column), value: v }.into()
            );
        }
        Ok(RfmScaler { log1p: self.log1p, mean, scale })
    }
}

impl RfmScaler {
    /// Parameters: `ln(1 + x)` first when `log1p`, then standardise.
    pub fn params(log1p: bool) -> RfmScalerParams {
        RfmScalerParams { log1p }
    }

    fn pre(x: ArrayView2<'_, f64>, log1p: bool) -> Result<Array2<f64>> {
        if !log1p {
            return Ok(x.to_owned());
        }
        for ((row, column), &v) in x.indexed_iter() {
            if v <= -1.0 {
                return Err(CoreError::InvalidValue {
                    what: "records".into(),
                    row,
                    column: Some(column),
                    value: v,
                    reason: "log1p needs values above -1".into(),
                }
                .into());
            }
        }
        Ok(x.mapv(f64::ln_1p))
    }

    /// Column means after the optional log.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }
    /// Column standard deviations after the optional log (1 for constant columns).
    pub fn scale(&self) -> &Array1<f64> {
        &self.scale
    }

    /// Maps scaled values (for example k-means centres) back to original units.
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, z: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        let z = z.view();
        shopml_core::validate::n_features(self.mean.len(), z)?;
        let mut x = z.to_owned();
        for mut r in x.outer_iter_mut() {
            for j in 0..r.len() {
                let v = r[j] * self.scale[j] + self.mean[j];
                r[j] = if self.log1p { v.exp_m1() } else { v };
            }
        }
        Ok(x)
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for RfmScaler {
    type Output = Array2<f64>;
    type Error = SegmentError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        shopml_core::validate::n_features(self.mean.len(), x.view())?;
        check_records("records", x.view())?;
        let mut z = Self::pre(x.view(), self.log1p)?;
        for mut r in z.outer_iter_mut() {
            for j in 0..r.len() {
                r[j] = (r[j] - self.mean[j]) / self.scale[j];
            }
        }
        check_records("scaled records (values too far from the fitted mean)", z.view())?;
        Ok(z)
    }
}

/// One segment described in the units of the original features. Means and
/// medians of an empty segment are NaN; they round-trip through JSON as
/// `"NaN"`. Loading checks that means and medians have the same length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SegmentProfileRaw")]
pub struct SegmentProfile {
    /// Segment (cluster) index.
    pub segment: usize,
    /// Customers in the segment.
    pub size: usize,
    /// Fraction of all customers.
    pub customer_share: f64,
    /// Summed revenue of the segment, when revenue was given.
    pub revenue: Option<f64>,
    /// Fraction of all revenue, when revenue was given (NaN when the total is 0).
    #[serde(with = "shopml_core::serde_float::option")]
    pub revenue_share: Option<f64>,
    /// Feature means, original units, in column order.
    #[serde(with = "shopml_core::serde_float::vec")]
    pub means: Vec<f64>,
    /// Feature medians (midpoint of the two middle values for even sizes).
    #[serde(with = "shopml_core::serde_float::vec")]
    pub medians: Vec<f64>,
    /// A readable name, filled by [`name_rfm`].
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct SegmentProfileRaw {
    segment: usize,
    size: usize,
    customer_share: f64,
    revenue: Option<f64>,
    #[serde(with = "shopml_core::serde_float::option")]
    revenue_share: Option<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    means: Vec<f64>,
    #[serde(with = "shopml_core::serde_float::vec")]
    medians: Vec<f64>,
    name: Option<String>,
}

impl TryFrom<SegmentProfileRaw> for SegmentProfile {
    type Error = SegmentError;
    fn try_from(r: SegmentProfileRaw) -> Result<Self> {
        if r.medians.len() != r.means.len() {
            return Err(CoreError::shape("medians", format!("{} values (as many as means)", r.means.len()), r.medians.len()).into());
        }
        if r.size > 0 && r.means.iter().chain(&r.medians).any(|v| !v.is_finite()) {
            return Err(CoreError::param(
                "means",
                format!("segment {} has {} customers but non-finite means or medians", r.segment, r.size),
            )
            .into());
        }
        if !(0.0..=1.0).contains(&r.customer_share) {
            return Err(CoreError::param("customer_share", format!("must be in [0, 1], got {}", r.customer_share)).into());
        }
        Ok(SegmentProfile {
            segment: r.segment,
            size: r.size,
            customer_share: r.customer_share,
            revenue: r.revenue,
            revenue_share: r.revenue_share,
            means: r.means,
            medians: r.medians,
            name: r.name,
        })
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// Profiles `n_segments` segments of the original (unscaled) features `x`
/// given each row's segment in `labels`. `revenue` (one value per row) adds
/// each segment's revenue and share of revenue. Segments with no rows get
/// size 0 and NaN means and medians.
///
/// Errors: non-finite or empty `x`; labels or revenue of the wrong length;
/// a label `≥ n_segments` ([`shopml_core::Error::IndexOutOfRange`]);
/// `n_segments` above the number of rows (at most that many segments can
/// be non-empty, and a huge count would only allocate empty profiles).
pub fn profile(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
    n_segments: usize,
    revenue: Option<ArrayView1<'_, f64>>,
) -> Result<Vec<SegmentProfile>> {
    check_records("records", x)?;
    let (n, p) = x.dim();
    if labels.len() != n {
        return Err(CoreError::shape("labels vs records", format!("{n} labels"), format!("{} labels", labels.len())).into());
    }
    if let Some(r) = revenue {
        if r.len() != n {
            return Err(CoreError::shape("revenue vs records", format!("{n} values"), format!("{} values", r.len())).into());
        }
        shopml_core::validate::finite_vector("revenue", r)?;
    }
    if n_segments > n {
        return Err(CoreError::param("n_segments", format!("{n_segments} segments for {n} rows")).into());
    }
    if let Some(&bad) = labels.iter().find(|&&l| l >= n_segments) {
        return Err(CoreError::IndexOutOfRange { what: "segment", index: bad, len: n_segments }.into());
    }
    let total_rev: Option<f64> = revenue.map(|r| r.sum());
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_segments];
    for (i, &l) in labels.iter().enumerate() {
        members[l].push(i);
    }
    Ok(members
        .iter()
        .enumerate()
        .map(|(s, m)| {
            let size = m.len();
            let mut means = vec![f64::NAN; p];
            let mut medians = vec![f64::NAN; p];
            if size > 0 {
                for j in 0..p {
                    let mut col: Vec<f64> = m.iter().map(|&i| x[[i, j]]).collect();
                    means[j] = col.iter().sum::<f64>() / size as f64;
                    medians[j] = median(&mut col);
                }
            }
            let rev = revenue.map(|r| m.iter().map(|&i| r[i]).sum::<f64>());
            SegmentProfile {
                segment: s,
                size,
                customer_share: size as f64 / n as f64,
                revenue: rev,
                revenue_share: rev.zip(total_rev).map(|(a, t)| if t != 0.0 { a / t } else { f64::NAN }),
                means,
                medians,
                name: None,
            }
        })
        .collect())
}

/// Which columns of the profiled features hold recency (days since last
/// order; lower is better), frequency (orders) and monetary value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmColumns {
    /// Column of recency in days.
    pub recency: usize,
    /// Column of frequency.
    pub frequency: usize,
    /// Column of monetary value.
    pub monetary: usize,
}

/// Tertile level 0, 1, 2 of `v` against the population column.
fn level(sorted: &[f64], v: f64) -> usize {
    let q = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    if v <= q(1.0 / 3.0) {
        0
    } else if v <= q(2.0 / 3.0) {
        1
    } else {
        2
    }
}

/// Names segments from their RFM medians, compared with the population
/// tertiles of each feature in `x` (the same original-unit features the
/// profiles were built from):
///
/// - recency tertile → "recent" (lowest third of days), "cooling", "lapsed";
/// - value = the rounded mean of the frequency and monetary tertiles → "low
///   value", "mid value", "high value";
/// - the name is "`value`, `recency`", with the classic labels prefixed for
///   the corners: "champions" (high value, recent), "at risk" (high value,
///   lapsed), "new" (low value, recent), "lost" (low value, lapsed).
///
/// Fills `name` of every non-empty profile. Errors: a column index past the
/// width of `x`; a profile built from a different number of columns than `x`.
pub fn name_rfm(profiles: &mut [SegmentProfile], x: ArrayView2<'_, f64>, cols: RfmColumns) -> Result<()> {
    if let Some(p) = profiles.iter().find(|p| p.medians.len() != x.ncols()) {
        return Err(CoreError::shape(
            format!("profile of segment {}", p.segment),
            format!("{} medians (the columns of the records)", x.ncols()),
            p.medians.len(),
        )
        .into());
    }
    for (what, c) in [("recency", cols.recency), ("frequency", cols.frequency), ("monetary", cols.monetary)] {
        if c >= x.ncols() {
            return Err(CoreError::param("columns", format!("{what} column {c} is past the {} columns", x.ncols())).into());
        }
    }
    check_records("records", x)?;
    let sorted = |c: usize| {
        let mut v = x.column(c).to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let (r, f, m) = (sorted(cols.recency), sorted(cols.frequency), sorted(cols.monetary));
    for p in profiles.iter_mut() {
        if p.size == 0 {
            continue;
        }
        let rl = level(&r, p.medians[cols.recency]);
        let fl = level(&f, p.medians[cols.frequency]);
        let ml = level(&m, p.medians[cols.monetary]);
        let value = ((fl + ml) as f64 / 2.0).round() as usize;
        let recency = ["recent", "cooling", "lapsed"][rl];
        let vname = ["low value", "mid value", "high value"][value];
        let prefix = match (value, rl) {
            (2, 0) => "champions: ",
            (2, 2) => "at risk: ",
            (0, 0) => "new: ",
            (0, 2) => "lost: ",
            _ => "",
        };
        p.name = Some(format!("{prefix}{vname}, {recency}"));
    }
    Ok(())
}
