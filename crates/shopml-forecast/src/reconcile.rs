//! Hierarchical forecast reconciliation: make product, category and total
//! forecasts add up.
//!
//! A [`Hierarchy`] holds the summing matrix `S` (`n` series × `m` bottom
//! series, aggregates first, the bottom series last) built from each bottom
//! series' path (product → category → total) or from crossed groupings
//! (state × gender × status). [`reconcile`] maps base forecasts `ŷ` (one per
//! series, forecast independently) to coherent ones `ỹ = S P ŷ`:
//!
//! | [`Method`] | `P` | reference |
//! |---|---|---|
//! | `BottomUp` | `[0 I]`: the bottom forecasts, summed up | — |
//! | `TopDownForecastProportions` | the top forecast split down the tree in the proportions of the base forecasts at each level (strict hierarchies only) | Athanasopoulos, Ahmed & Hyndman (2009) |
//! | `Ols`, `WlsStruct`, `WlsVar`, `MinTShrink`, `MinTSample` | `P = J − J W Uᵀ (U W Uᵀ)⁻¹ U` with `U = [I −S_agg]`, `J = [0 I]` — the trace-minimising projection for error covariance `W` | Wickramasuriya, Athanasopoulos & Hyndman (2019) |
//!
//! `W` is the identity (OLS), `diag(S 1)` (structural scaling), the diagonal
//! of the in-sample mean squared one-step residuals (WLS-var), their sample
//! covariance, or the Schäfer & Strimmer (2005) shrinkage of it towards its
//! diagonal (MinT-shrink). The formulas follow hierarchicalforecast's
//! `MinTrace` (its `2e-8` ridge on the residual variances included), so the
//! reconciled forecasts agree with it to 1e-6 (tests against saved fixtures).
//!
//! With [`ReconcileParams::nonnegative`], negative reconciled bottom
//! forecasts are set to zero and the hierarchy is re-aggregated from the
//! bottom (coherent and non-negative; documented as a heuristic, not the
//! constrained optimum).
//!
//! ```
//! use ndarray::array;
//! use shopml_forecast::reconcile::{Hierarchy, Method, ReconcileParams, reconcile};
//! // Two products in one category: series are [total, a, b].
//! let h = Hierarchy::from_paths(&[vec!["a".to_string()], vec!["b".to_string()]]).unwrap();
//! let base = array![[10.0], [4.0], [5.0]]; // total says 10, products say 4 + 5
//! let r = reconcile(&h, base.view(), None, &ReconcileParams::new(Method::Ols)).unwrap();
//! assert!((r[[0, 0]] - (r[[1, 0]] + r[[2, 0]])).abs() < 1e-12); // coherent
//! // OLS spreads the gap (10 − 9 = 1) evenly: the total drops by 1/3, each product gains 1/3.
//! assert!((r[[0, 0]] - 29.0 / 3.0).abs() < 1e-12);
//! assert!((r[[1, 0]] - 13.0 / 3.0).abs() < 1e-12);
//! ```

use std::collections::HashMap;

use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::Result;

/// Ridge added to residual variances (as hierarchicalforecast's `MinTrace`).
const RIDGE: f64 = 2e-8;

/// The series of a hierarchy and how they sum: `S` is `n × m` with the
/// aggregate series first and the `m` bottom series last (identity block).
///
/// Loading from JSON checks what the constructors guarantee: one name per
/// series, no repeated name, a 0/1 summing matrix with at least as many
/// series as bottom series and the identity as its bottom block, and for a
/// strict hierarchy one parent per series, preceding it (none for the top).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HierarchyRaw")]
pub struct Hierarchy {
    names: Vec<String>,
    summing: Array2<f64>,
    /// For strict hierarchies: the parent of each series (`None` for the top).
    parents: Option<Vec<Option<usize>>>,
}

#[derive(Deserialize)]
struct HierarchyRaw {
    names: Vec<String>,
    summing: Array2<f64>,
    parents: Option<Vec<Option<usize>>>,
}

impl TryFrom<HierarchyRaw> for Hierarchy {
    type Error = Error;
    fn try_from(r: HierarchyRaw) -> std::result::Result<Self, Error> {
        let (n, m) = r.summing.dim();
        if m == 0 || n < m {
            return Err(Error::shape("hierarchy summing matrix", "n_series ≥ n_bottom ≥ 1", format!("{n} × {m}")));
        }
        if r.names.len() != n {
            return Err(Error::shape("hierarchy names", n, r.names.len()));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(i) = r.names.iter().position(|name| !seen.insert(name.as_str())) {
            return Err(Error::InvalidValue {
                what: "hierarchy names".into(),
                row: i,
                column: None,
                value: f64::NAN,
                reason: format!("`{}` repeats", r.names[i]),
            });
        }
        for ((i, j), &v) in r.summing.indexed_iter() {
            let bottom = i >= n - m;
            let ok = if bottom { v == if i - (n - m) == j { 1.0 } else { 0.0 } } else { v == 0.0 || v == 1.0 };
            if !ok {
                let reason = if bottom { "the bottom block must be the identity" } else { "entries must be 0 or 1" };
                return Err(Error::InvalidValue {
                    what: "hierarchy summing matrix".into(),
                    row: i,
                    column: Some(j),
                    value: v,
                    reason: reason.into(),
                });
            }
        }
        if let Some(parents) = &r.parents {
            if parents.len() != n {
                return Err(Error::shape("hierarchy parents", n, parents.len()));
            }
            for (c, p) in parents.iter().enumerate() {
                let ok = match p {
                    None => c == 0,
                    Some(p) => *p < c,
                };
                if !ok {
                    return Err(Error::InvalidValue {
                        what: "hierarchy parents".into(),
                        row: c,
                        column: None,
                        value: p.map_or(f64::NAN, |p| p as f64),
                        reason: "only the top series has no parent, and a parent precedes its children".into(),
                    });
                }
            }
        }
        Ok(Hierarchy { names: r.names, summing: r.summing, parents: r.parents })
    }
}

impl Hierarchy {
    /// A strict hierarchy from each bottom series' path below the total,
    /// e.g. `["NSW", "NSWMetro"]` (state, region). Series are named by their
    /// path joined with `/` under `"total"`: `total`, `total/NSW`,
    /// `total/NSW/NSWMetro`. Aggregates are ordered by level, then by first
    /// appearance; the bottom series keep the order given.
    ///
    /// Errors: no bottom series, paths of different depths, an empty label,
    /// or two bottom series with the same path.
    pub fn from_paths(paths: &[Vec<String>]) -> Result<Self> {
        if paths.is_empty() {
            return Err(Error::EmptyInput { what: "hierarchy paths".into() }.into());
        }
        let depth = paths[0].len();
        if depth == 0 {
            return Err(Error::param("paths", "each path needs at least one label (the bottom series)").into());
        }
        for (i, p) in paths.iter().enumerate() {
            if p.len() != depth {
                return Err(
                    Error::shape(format!("path of bottom series {i}"), format!("{depth} labels"), format!("{} labels", p.len())).into()
                );
            }
            if p.iter().any(|l| l.is_empty()) {
                return Err(Error::param("paths", format!("bottom series {i} has an empty label")).into());
            }
        }
        let m = paths.len();
        // Level ℓ nodes are the distinct prefixes of length ℓ (ℓ = 0: the total).
        let mut names = vec!["total".to_string()];
        let mut parents: Vec<Option<usize>> = vec![None];
        let mut index: HashMap<String, usize> = HashMap::from([("total".to_string(), 0)]);
        let mut members: Vec<Vec<usize>> = vec![(0..m).collect()];
        for level in 1..=depth {
            for (b, p) in paths.iter().enumerate() {
                let name = format!("total/{}", p[..level].join("/"));
                let parent = index[&if level == 1 { "total".to_string() } else { format!("total/{}", p[..level - 1].join("/")) }];
                let id = match index.get(&name) {
                    Some(&id) => {
                        if level == depth {
                            return Err(Error::param("paths", format!("two bottom series share the path {name}")).into());
                        }
                        id
                    }
                    None => {
                        names.push(name.clone());
                        parents.push(Some(parent));
                        members.push(Vec::new());
                        index.insert(name, names.len() - 1);
                        names.len() - 1
                    }
                };
                members[id].push(b);
            }
        }
        let n = names.len();
        let mut summing = Array2::zeros((n, m));
        for (i, mem) in members.iter().enumerate() {
            for &b in mem {
                summing[[i, b]] = 1.0;
            }
        }
        Ok(Hierarchy { names, summing, parents: Some(parents) })
    }

    /// A grouped (crossed) structure: each bottom series has one label per
    /// attribute (state, gender, status), and every grouping — a list of
    /// attribute positions, `[]` for the total — adds one aggregate series
    /// per distinct label combination, named `total` or `total/<labels joined
    /// by />`. Groupings come first in the given order (their series in order
    /// of first appearance), then the bottom series, named by all their
    /// labels.
    ///
    /// Errors: no bottom series, keys of different lengths, an attribute
    /// position out of range, duplicated bottom keys.
    pub fn grouped(keys: &[Vec<String>], groupings: &[Vec<usize>]) -> Result<Self> {
        if keys.is_empty() {
            return Err(Error::EmptyInput { what: "hierarchy keys".into() }.into());
        }
        let width = keys[0].len();
        for (i, k) in keys.iter().enumerate() {
            if k.len() != width {
                return Err(
                    Error::shape(format!("key of bottom series {i}"), format!("{width} labels"), format!("{} labels", k.len())).into()
                );
            }
        }
        let m = keys.len();
        let mut names = Vec::new();
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for g in groupings {
            if let Some(&bad) = g.iter().find(|&&a| a >= width) {
                return Err(Error::IndexOutOfRange { what: "grouping attribute", index: bad, len: width }.into());
            }
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (b, k) in keys.iter().enumerate() {
                let label: Vec<&str> = g.iter().map(|&a| k[a].as_str()).collect();
                let name = if label.is_empty() { "total".to_string() } else { format!("total/{}", label.join("/")) };
                let id = *seen.entry(name.clone()).or_insert_with(|| {
                    names.push(name);
                    rows.push(Vec::new());
                    names.len() - 1
                });
                rows[id].push(b);
            }
        }
        let mut bottom_seen = HashMap::new();
        for (b, k) in keys.iter().enumerate() {
            let name = format!("total/{}", k.join("/"));
            if bottom_seen.insert(name.clone(), b).is_some() {
                return Err(Error::param("keys", format!("two bottom series share the key {name}")).into());
            }
            names.push(name);
            rows.push(vec![b]);
        }
        let mut summing = Array2::zeros((names.len(), m));
        for (i, r) in rows.iter().enumerate() {
            for &b in r {
                summing[[i, b]] = 1.0;
            }
        }
        Ok(Hierarchy { names, summing, parents: None })
    }

    /// Series names, aggregates first.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// The summing matrix `S` (`n_series × n_bottom`).
    pub fn summing_matrix(&self) -> &Array2<f64> {
        &self.summing
    }
    /// Number of series (aggregates and bottom).
    pub fn n_series(&self) -> usize {
        self.summing.nrows()
    }
    /// Number of bottom series.
    pub fn n_bottom(&self) -> usize {
        self.summing.ncols()
    }

    /// Every series from the bottom series: `S · bottom` (`n_bottom × T` in,
    /// `n_series × T` out).
    pub fn aggregate(&self, bottom: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        if bottom.nrows() != self.n_bottom() {
            return Err(Error::shape("bottom series", format!("{} rows", self.n_bottom()), format!("{} rows", bottom.nrows())).into());
        }
        check_finite("bottom series", bottom)?;
        Ok(self.summing.dot(&bottom))
    }
}

/// How to reconcile; see the [module](self) table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Sum the bottom forecasts.
    BottomUp,
    /// Split the top forecast in the proportions of the base forecasts
    /// (strict hierarchies built by [`Hierarchy::from_paths`]).
    TopDownForecastProportions,
    /// MinT with `W = I`.
    Ols,
    /// MinT with `W = diag(S 1)` (number of bottom series under each series).
    WlsStruct,
    /// MinT with the in-sample mean squared residuals on the diagonal.
    WlsVar,
    /// MinT with the shrunk residual covariance (Schäfer & Strimmer 2005).
    MinTShrink,
    /// MinT with the sample residual covariance (needs more observations than series).
    MinTSample,
}

/// Reconciliation options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconcileParams {
    /// The method.
    pub method: Method,
    /// Clip negative bottom forecasts to zero and re-aggregate (default false).
    pub nonnegative: bool,
}

impl ReconcileParams {
    /// The method with `nonnegative = false`.
    pub fn new(method: Method) -> Self {
        ReconcileParams { method, nonnegative: false }
    }
    /// Sets `nonnegative`.
    pub fn nonnegative(mut self, v: bool) -> Self {
        self.nonnegative = v;
        self
    }
}

/// Coherent forecasts `S P ŷ` from base forecasts `base` (`n_series ×
/// horizon`, rows in [`Hierarchy::names`] order).
///
/// `residuals` (`n_series × T`, in-sample one-step errors `y − ŷ`) are needed
/// by `WlsVar`, `MinTShrink` and `MinTSample`. Errors: shapes that do not
/// match the hierarchy, non-finite values, missing residuals, top-down on a
/// grouped structure, a singular system.
pub fn reconcile(
    hierarchy: &Hierarchy,
    base: ArrayView2<'_, f64>,
    residuals: Option<ArrayView2<'_, f64>>,
    params: &ReconcileParams,
) -> Result<Array2<f64>> {
    let (n, m) = hierarchy.summing.dim();
    if base.nrows() != n {
        return Err(Error::shape("base forecasts", format!("{n} rows (series)"), format!("{} rows", base.nrows())).into());
    }
    check_finite("base forecasts", base)?;
    let bottom = match params.method {
        Method::BottomUp => base.slice(s![n - m.., ..]).to_owned(),
        Method::TopDownForecastProportions => top_down(hierarchy, base)?,
        method => {
            let w = weights(hierarchy, method, residuals)?;
            let p = mint_projection(&hierarchy.summing, &w)?;
            p.dot(&base)
        }
    };
    let bottom = if params.nonnegative { bottom.mapv(|v| v.max(0.0)) } else { bottom };
    let out = hierarchy.summing.dot(&bottom);
    check_finite("reconciled forecasts", out.view())?;
    Ok(out)
}

fn check_finite(what: &str, x: ArrayView2<'_, f64>) -> Result<()> {
    if let Some(((r, c), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: what.into(), row: r, column: Some(c), value: *v }.into());
    }
    Ok(())
}

/// The error covariance `W` of the MinT family.
fn weights(h: &Hierarchy, method: Method, residuals: Option<ArrayView2<'_, f64>>) -> Result<Array2<f64>> {
    let n = h.n_series();
    let needs = |r: Option<ArrayView2<'_, f64>>| -> Result<Array2<f64>> {
        let r = r.ok_or_else(|| Error::param("residuals", format!("{method:?} needs in-sample residuals")))?;
        if r.nrows() != n {
            return Err(Error::shape("residuals", format!("{n} rows (series)"), format!("{} rows", r.nrows())).into());
        }
        if r.ncols() < 2 {
            return Err(Error::param("residuals", "need at least two in-sample residuals per series").into());
        }
        check_finite("residuals", r)?;
        Ok(r.to_owned())
    };
    Ok(match method {
        Method::Ols => Array2::eye(n),
        Method::WlsStruct => Array2::from_diag(&h.summing.sum_axis(Axis(1))),
        Method::WlsVar => {
            let r = needs(residuals)?;
            let t = r.ncols() as f64;
            Array2::from_diag(&r.map_axis(Axis(1), |row| row.iter().map(|e| e * e).sum::<f64>() / t + RIDGE))
        }
        Method::MinTSample => {
            let r = needs(residuals)?;
            sample_covariance(&r)
        }
        Method::MinTShrink => {
            let r = needs(residuals)?;
            shrunk_covariance(&r)
        }
        Method::BottomUp | Method::TopDownForecastProportions => unreachable!("not a MinT method"),
    })
}

fn centred(r: &Array2<f64>) -> (Array2<f64>, Array1<f64>) {
    let means = r.mean_axis(Axis(1)).expect("at least two columns");
    let mut c = r.clone();
    for (mut row, m) in c.outer_iter_mut().zip(means.iter()) {
        row.mapv_inplace(|v| v - m);
    }
    (c, means)
}

fn sample_covariance(r: &Array2<f64>) -> Array2<f64> {
    let (c, _) = centred(r);
    c.dot(&c.t()) / (r.ncols() as f64 - 1.0)
}

/// Schäfer & Strimmer (2005) shrinkage of the sample covariance towards its
/// diagonal: off-diagonals times `1 − λ*`, with `λ*` the estimated ratio of
/// the correlations' summed variance to their summed squares (clamped to
/// [0, 1]); the diagonal floored at the `2e-8` ridge.
fn shrunk_covariance(r: &Array2<f64>) -> Array2<f64> {
    let (n, t) = r.dim();
    let tf = t as f64;
    let (c, _) = centred(r);
    let inv_sd: Vec<f64> = c.outer_iter().map(|row| 1.0 / ((row.iter().map(|v| v * v).sum::<f64>() / tf).sqrt() + RIDGE)).collect();
    let mut w = c.dot(&c.t()) / (tf - 1.0);
    let (mut sum_var, mut sum_sq) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..i {
            let (ci, cj) = (c.row(i), c.row(j));
            let (mut cov, mut cov_sq) = (0.0, 0.0);
            for k in 0..t {
                let p = ci[k] * cj[k];
                cov += p;
                cov_sq += p * p;
            }
            let mean = cov / tf;
            let scale = inv_sd[i] * inv_sd[j];
            sum_var += scale * scale * (cov_sq - tf * mean * mean);
            sum_sq += (scale * mean) * (scale * mean);
        }
    }
    let lambda = ((sum_var / (tf * (tf - 1.0))) / (sum_sq + RIDGE)).clamp(0.0, 1.0);
    for i in 0..n {
        for j in 0..n {
            if i != j {
                w[[i, j]] *= 1.0 - lambda;
            }
        }
        w[[i, i]] = w[[i, i]].max(RIDGE);
    }
    w
}

/// `P = J − J W Uᵀ (U W Uᵀ)⁻¹ U` (bottom × series).
fn mint_projection(summing: &Array2<f64>, w: &Array2<f64>) -> Result<Array2<f64>> {
    let (n, m) = summing.dim();
    let a = n - m;
    let mut u = Array2::zeros((a, n));
    for i in 0..a {
        u[[i, i]] = 1.0;
        for b in 0..m {
            u[[i, a + b]] = -summing[[i, b]];
        }
    }
    let mut j = Array2::zeros((m, n));
    for b in 0..m {
        j[[b, a + b]] = 1.0;
    }
    if a == 0 {
        return Ok(j);
    }
    let uw = u.dot(w);
    let coef = uw.dot(&u.t());
    let dep = uw.dot(&j.t()); // a × m
    let chol = shopml_core::linalg::cholesky(coef.view())
        .map_err(|_| Error::Singular { what: "MinT system U W Uᵀ (use a method with a diagonal W)".into() })?;
    let x = chol.solve(dep.view()); // a × m
    Ok(&j - &x.t().dot(&u))
}

/// Top-down by forecast proportions: each node's forecast is split among
/// its children in proportion to their base forecasts, from the top down.
fn top_down(h: &Hierarchy, base: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
    let parents = h.parents.as_ref().ok_or_else(|| Error::param("method", "top-down needs a strict hierarchy (Hierarchy::from_paths)"))?;
    let (n, m) = h.summing.dim();
    let horizon = base.ncols();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (c, p) in parents.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(c);
        }
    }
    let mut out = Array2::zeros((n, horizon));
    for step in 0..horizon {
        out[[0, step]] = base[[0, step]];
        // Parents precede their children in the series order.
        for p in 0..n {
            let kids = &children[p];
            if kids.is_empty() {
                continue;
            }
            let total: f64 = kids.iter().map(|&c| base[[c, step]]).sum();
            for &c in kids {
                let share = if total != 0.0 { base[[c, step]] / total } else { 1.0 / kids.len() as f64 };
                out[[c, step]] = out[[p, step]] * share;
            }
        }
    }
    Ok(out.slice(s![n - m.., ..]).to_owned())
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn paths() -> Vec<Vec<String>> {
        [["A", "a1"], ["A", "a2"], ["B", "b1"]].iter().map(|p| p.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn summing_matrix_of_a_two_level_hierarchy() {
        let h = Hierarchy::from_paths(&paths()).unwrap();
        assert_eq!(h.names(), ["total", "total/A", "total/B", "total/A/a1", "total/A/a2", "total/B/b1"]);
        let expected = array![[1., 1., 1.], [1., 1., 0.], [0., 0., 1.], [1., 0., 0.], [0., 1., 0.], [0., 0., 1.]];
        assert_eq!(h.summing_matrix(), &expected);
    }

    #[test]
    fn every_method_gives_coherent_forecasts_and_projections_fix_coherent_input() {
        let h = Hierarchy::from_paths(&paths()).unwrap();
        let base = array![[13.0, 20.0], [8.0, 9.0], [4.0, 9.5], [3.0, 4.0], [6.0, 4.5], [4.5, 10.0]];
        let res = Array2::from_shape_fn((6, 12), |(i, t)| ((i * 7 + t * 3) % 5) as f64 - 2.0 + 0.1 * i as f64);
        let coherent_bottom = array![[2.0, 3.0], [5.0, 1.0], [4.0, 7.0]];
        let coherent = h.aggregate(coherent_bottom.view()).unwrap();
        for method in [
            Method::BottomUp,
            Method::TopDownForecastProportions,
            Method::Ols,
            Method::WlsStruct,
            Method::WlsVar,
            Method::MinTShrink,
            Method::MinTSample,
        ] {
            let p = ReconcileParams::new(method);
            let r = reconcile(&h, base.view(), Some(res.view()), &p).unwrap();
            let re = h.aggregate(r.slice(s![3.., ..])).unwrap();
            assert!((&r - &re).iter().all(|e| e.abs() < 1e-9), "{method:?} not coherent");
            if method != Method::TopDownForecastProportions {
                // A projection leaves coherent forecasts unchanged.
                let rc = reconcile(&h, coherent.view(), Some(res.view()), &p).unwrap();
                assert!((&rc - &coherent).iter().all(|e| e.abs() < 1e-9), "{method:?} moved coherent input");
            }
        }
    }

    #[test]
    fn ols_matches_the_textbook_formula() {
        // P = (SᵀS)⁻¹Sᵀ for W = I.
        let h = Hierarchy::from_paths(&paths()).unwrap();
        let s = h.summing_matrix();
        let base = array![[13.0], [8.0], [4.0], [3.0], [6.0], [4.5]];
        let sts = s.t().dot(s);
        let inv = shopml_core::linalg::cholesky(sts.view()).unwrap().inverse();
        let expected = s.dot(&inv.dot(&s.t()).dot(&base));
        let r = reconcile(&h, base.view(), None, &ReconcileParams::new(Method::Ols)).unwrap();
        assert!((&r - &expected).iter().all(|e| e.abs() < 1e-12));
    }

    #[test]
    fn nonnegative_option_and_errors() {
        let h = Hierarchy::from_paths(&paths()).unwrap();
        let base = array![[1.0], [-5.0], [4.0], [-3.0], [-2.0], [4.0]];
        let r = reconcile(&h, base.view(), None, &ReconcileParams::new(Method::Ols).nonnegative(true)).unwrap();
        assert!(r.iter().all(|v| *v >= 0.0));
        assert!(reconcile(&h, base.slice(s![..5, ..]), None, &ReconcileParams::new(Method::Ols)).is_err());
        assert!(reconcile(&h, base.view(), None, &ReconcileParams::new(Method::MinTShrink)).is_err());
        let keys = vec![vec!["x".to_string(), "f".to_string()], vec!["x".to_string(), "m".to_string()]];
        let g = Hierarchy::grouped(&keys, &[vec![], vec![1]]).unwrap();
        assert_eq!(g.names(), ["total", "total/f", "total/m", "total/x/f", "total/x/m"]);
        let gb = array![[3.0], [1.0], [1.0], [1.0], [1.0]];
        assert!(reconcile(&g, gb.view(), None, &ReconcileParams::new(Method::TopDownForecastProportions)).is_err());
        let mut bad = base.clone();
        bad[[2, 0]] = f64::NAN;
        assert!(reconcile(&h, bad.view(), None, &ReconcileParams::new(Method::Ols)).is_err());
    }
}
