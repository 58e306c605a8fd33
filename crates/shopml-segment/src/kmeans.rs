//! The k-means model: fitting (with restarts), prediction and distances.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use rand::{RngCore, SeedableRng, rngs::StdRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, Predict, Transform};

use crate::error::{Result, SegmentError};
use crate::float::{Float, check_records, check_weights, checked_moments};
use crate::init;
use crate::lloyd::{self, BLOCK, Rows};
use crate::params::{Algorithm, Init, KMeansParams};

/// A fitted k-means model: `k` centres in the units of the records.
///
/// k-means (MacQueen, 1967; Lloyd, 1982) partitions rows into `k` clusters
/// minimising the inertia `Σᵢ wᵢ ‖xᵢ − c_{label(i)}‖²`. See [`KMeansParams`]
/// for the options and [`crate`] for an example.
///
/// `F` is the element type (`f64` or `f32`) the model was fitted on.
///
/// Loading from JSON validates the model (finite centres, an offset per
/// feature, a finite non-negative inertia), so a loaded model is as safe to
/// use as a fitted one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound = "", try_from = "KMeansRaw<F>")]
pub struct KMeans<F: Float = f64> {
    centres: Array2<F>,
    /// The shift applied to the records at fit time (the column means for
    /// data far from the origin, zeros otherwise); new rows get the same
    /// shift, so predictions on the training rows repeat the fitted labels.
    offset: Array1<F>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
}

/// The serialised form of [`KMeans`], checked by `TryFrom` on load.
#[derive(Deserialize)]
#[serde(bound = "")]
struct KMeansRaw<F: Float> {
    centres: Array2<F>,
    offset: Array1<F>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
}

impl<F: Float> TryFrom<KMeansRaw<F>> for KMeans<F> {
    type Error = SegmentError;
    fn try_from(r: KMeansRaw<F>) -> Result<Self> {
        let (k, d) = r.centres.dim();
        if k == 0 || d == 0 {
            return Err(
                shopml_core::Error::param("centres", format!("a model needs at least one centre and one feature, got {k} × {d}")).into()
            );
        }
        if let Some(((row, column), v)) = r.centres.indexed_iter().find(|(_, v)| !v.to_f64().is_finite()) {
            return Err(shopml_core::Error::NonFinite { what: "centres".into(), row, column: Some(column), value: v.to_f64() }.into());
        }
        if r.offset.len() != d {
            return Err(
                shopml_core::Error::shape("offset", format!("{d} values (one per feature)"), format!("{} values", r.offset.len())).into()
            );
        }
        if let Some((row, v)) = r.offset.iter().enumerate().find(|(_, v)| !v.to_f64().is_finite()) {
            return Err(shopml_core::Error::NonFinite { what: "offset".into(), row, column: None, value: v.to_f64() }.into());
        }
        if !(r.inertia.is_finite() && r.inertia >= 0.0) {
            return Err(shopml_core::Error::param("inertia", format!("must be finite and non-negative, got {}", r.inertia)).into());
        }
        Ok(KMeans { centres: r.centres, offset: r.offset, inertia: r.inertia, n_iter: r.n_iter, converged: r.converged })
    }
}

/// A fitted model together with the training rows' labels and per-run
/// details, from [`KMeansParams::fit_detailed`].
#[derive(Debug, Clone)]
pub struct KMeansFit<F: Float = f64> {
    /// The fitted model.
    pub model: KMeans<F>,
    /// Cluster of each training row.
    pub labels: Array1<usize>,
    /// Inertia of each of the `n_init` runs, in run order.
    pub run_inertias: Vec<f64>,
}

impl KMeans<f64> {
    /// Default parameters with `n_clusters` clusters; see [`KMeansParams`].
    pub fn params(n_clusters: usize) -> KMeansParams {
        KMeansParams::new(n_clusters)
    }
}

impl<F: Float> KMeans<F> {
    /// The `k × n_features` centres, in the units of the records.
    pub fn centres(&self) -> &Array2<F> {
        &self.centres
    }
    /// Number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.centres.nrows()
    }
    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.centres.ncols()
    }
    /// Weighted sum of squared distances of the training rows to their centres.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }
    /// Iterations run by the winning run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
    /// Whether the winning run stopped by tolerance or stable labels rather than `max_iter`.
    pub fn converged(&self) -> bool {
        self.converged
    }
    /// Number of distinct centres. Fewer than `k` when the data has fewer
    /// distinct rows than clusters (duplicate points, zero variance): the
    /// extra centres then coincide with others and stay empty.
    pub fn n_distinct_centres(&self) -> usize {
        let mut rows: Vec<Vec<u64>> = self.centres.outer_iter().map(|r| r.iter().map(|v| v.to_f64().to_bits()).collect()).collect();
        rows.sort();
        rows.dedup();
        rows.len()
    }

    fn centred(&self, x: ArrayView2<'_, F>) -> Result<Vec<F>> {
        if x.ncols() != self.n_features() {
            return Err(
                shopml_core::Error::shape("records", format!("{} columns", self.n_features()), format!("{} columns", x.ncols())).into()
            );
        }
        check_records("records", x)?;
        Ok(centre_copy(x, self.offset.view()))
    }

    fn centred_centres(&self) -> Array2<F> {
        let mut c = self.centres.clone();
        for mut r in c.outer_iter_mut() {
            r.zip_mut_with(&self.offset, |a, &m| *a = *a - m);
        }
        c
    }

    /// The nearest centre of each row (ties to the lowest index).
    fn labels(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        let xc = self.centred(x)?;
        let rows = Rows { data: &xc, n: x.nrows(), d: x.ncols() };
        let mut labels = vec![u32::MAX; rows.n];
        lloyd::assign(rows, None, self.centred_centres().view(), &mut labels, false);
        Ok(labels.into_iter().map(|l| l as usize).collect())
    }

    /// Euclidean distance of every row to every centre (`n × k`).
    fn distances(&self, x: ArrayView2<'_, F>) -> Result<Array2<f64>> {
        let xc = self.centred(x)?;
        let c = self.centred_centres();
        let (n, d, k) = (x.nrows(), x.ncols(), self.n_clusters());
        let cs = c.as_slice().expect("standard layout");
        let mut out = Array2::zeros((n, k));
        out.as_slice_mut().expect("standard layout").par_chunks_mut(k).enumerate().for_each(|(i, o)| {
            for j in 0..k {
                o[j] = lloyd::sq_dist(&xc[i * d..(i + 1) * d], &cs[j * d..(j + 1) * d]).sqrt();
            }
        });
        Ok(out)
    }

    /// Inertia of new rows under this model: `Σ wᵢ minⱼ ‖xᵢ − cⱼ‖²` (the
    /// negative of scikit-learn's `score`).
    pub fn score_inertia<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>, sample_weight: Option<ArrayView1<'_, f64>>) -> Result<f64> {
        let x = x.view();
        let w = check_weights(x.nrows(), sample_weight)?;
        let labels = self.labels(x)?;
        let xc = self.centred(x)?;
        let rows = Rows { data: &xc, n: x.nrows(), d: x.ncols() };
        let l: Vec<u32> = labels.iter().map(|&l| l as u32).collect();
        Ok(lloyd::inertia(rows, w.as_deref(), self.centred_centres().view(), &l))
    }
}

/// A row-major copy of `x` minus `offset`.
pub(crate) fn centre_copy<F: Float>(x: ArrayView2<'_, F>, offset: ArrayView1<'_, F>) -> Vec<F> {
    let (n, d) = x.dim();
    let mut out = vec![F::zero(); n * d];
    out.par_chunks_mut(BLOCK * d.max(1)).enumerate().for_each(|(b, o)| {
        for (t, r) in o.chunks_mut(d.max(1)).enumerate() {
            let row = x.row(b * BLOCK + t);
            for ((a, &v), &m) in r.iter_mut().zip(row.iter()).zip(offset.iter()) {
                *a = v - m;
            }
        }
    });
    out
}

impl KMeansParams {
    /// Fits to `x` (rows are customers), optionally weighted, returning the
    /// model together with the training labels and the inertia of every run
    /// ([`Fit::fit`] returns the model alone; weights also go through a
    /// [`Dataset`]).
    ///
    /// Errors: bad parameters ([`shopml_core::Error::InvalidParameter`]),
    /// empty or non-finite records, bad weights, `n_clusters` above the number
    /// of rows ([`SegmentError::TooManyClusters`]), given centres of the wrong width.
    pub fn fit_detailed<F: Float, S: Data<Elem = F>>(
        &self,
        x: &ArrayBase<S, Ix2>,
        sample_weight: Option<ArrayView1<'_, f64>>,
    ) -> Result<KMeansFit<F>> {
        let (model, labels, run_inertias) = self.fit_inner(x.view(), sample_weight)?;
        Ok(KMeansFit { model, labels: labels.into_iter().map(|l| l as usize).collect(), run_inertias })
    }

    /// The fit, with the training labels as computed (`u32`).
    fn fit_inner<F: Float>(
        &self,
        x: ArrayView2<'_, F>,
        sample_weight: Option<ArrayView1<'_, f64>>,
    ) -> Result<(KMeans<F>, Vec<u32>, Vec<f64>)> {
        self.check()?;
        let (mean, var) = checked_moments("records", x)?;
        let (n, d) = x.dim();
        let w = check_weights(n, sample_weight)?;
        let k = self.n_clusters;
        if k > n {
            return Err(SegmentError::TooManyClusters { n_clusters: k, n_samples: n });
        }
        if let Init::Given(c) = &self.init
            && c.ncols() != d
        {
            return Err(shopml_core::Error::shape("init centres", format!("{d} columns"), format!("{} columns", c.ncols())).into());
        }
        // Distances are expanded as ‖c‖² − 2x·c, which loses precision when the
        // rows sit far from the origin relative to their spread. Such data is
        // centred on a copy (as scikit-learn always does); data already near
        // the origin (e.g. standardised features) is used in place, saving a
        // copy of the records.
        let centre = mean.iter().zip(&var).any(|(m, v)| m.abs() > 4.0 * v.sqrt());
        let offset: Array1<F> = mean.iter().map(|&m| if centre { F::from_f64(m) } else { F::zero() }).collect();
        let owned;
        let xc: &[F] = match (centre, x.as_slice()) {
            (false, Some(s)) => s,
            _ => {
                owned = centre_copy(x, offset.view());
                &owned
            }
        };
        let rows = Rows { data: xc, n, d };
        // scikit-learn's tolerance: tol × mean per-feature variance.
        let var_mean = var.iter().sum::<f64>() / d as f64;
        let tol_abs = self.tol * var_mean;
        let hamerly = self.algorithm == Algorithm::Hamerly;
        let mut rng = StdRng::seed_from_u64(self.seed);
        let n_runs = if matches!(self.init, Init::Given(_)) { 1 } else { self.n_init };
        let mut best: Option<lloyd::Run<F>> = None;
        let mut run_inertias = Vec::with_capacity(n_runs);
        for _ in 0..n_runs {
            let mut run_rng = StdRng::seed_from_u64(rng.next_u64());
            let start = match &self.init {
                Init::KMeansPlusPlus => {
                    init::centres_at(rows, &init::kmeans_plusplus(rows, w.as_deref(), k, self.local_trials(), &mut run_rng))
                }
                Init::Random => init::centres_at(rows, &init::random_rows(n, w.as_deref(), k, &mut run_rng)),
                Init::Given(c) => {
                    // Any memory layout (a column-major array included) becomes row-major.
                    let mut s = Array2::from_shape_fn(c.dim(), |ij| F::from_f64(c[ij]));
                    for mut r in s.outer_iter_mut() {
                        r.zip_mut_with(&offset, |a, &m| *a = *a - m);
                    }
                    s
                }
            };
            let r = lloyd::run(rows, w.as_deref(), start, self.max_iter, tol_abs, hamerly);
            run_inertias.push(r.inertia);
            if best.as_ref().is_none_or(|b| r.inertia < b.inertia) {
                best = Some(r);
            }
        }
        let best = best.expect("at least one run");
        let mut centres = best.centres;
        for mut r in centres.outer_iter_mut() {
            r.zip_mut_with(&offset, |a, &m| *a = *a + m);
        }
        let model = KMeans { centres, offset, inertia: best.inertia, n_iter: best.n_iter, converged: best.converged };
        Ok((model, best.labels, run_inertias))
    }
}

impl<F: Float, S: Data<Elem = F>> Fit<ArrayBase<S, Ix2>> for KMeansParams {
    type Model = KMeans<F>;
    type Error = SegmentError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<KMeans<F>> {
        Ok(self.fit_inner(x.view(), None)?.0)
    }
}

/// Fits on a [`Dataset`]'s records and weights; its targets are ignored.
impl<'a, T> Fit<Dataset<'a, T>> for KMeansParams {
    type Model = KMeans<f64>;
    type Error = SegmentError;
    fn fit(&self, data: &Dataset<'a, T>) -> Result<KMeans<f64>> {
        Ok(self.fit_inner(data.records, data.weights)?.0)
    }
}

impl<F: Float, S: Data<Elem = F>> Predict<ArrayBase<S, Ix2>> for KMeans<F> {
    type Output = Array1<usize>;
    type Error = SegmentError;
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<usize>> {
        self.labels(x.view())
    }
}

/// Transforms rows into their distances to every centre.
impl<F: Float, S: Data<Elem = F>> Transform<ArrayBase<S, Ix2>> for KMeans<F> {
    type Output = Array2<f64>;
    type Error = SegmentError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        self.distances(x.view())
    }
}
