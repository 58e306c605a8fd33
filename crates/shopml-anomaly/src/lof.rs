//! Local Outlier Factor (Breunig, Kriegel, Ng & Sander, "LOF: identifying
//! density-based local outliers", SIGMOD 2000), computed exactly as
//! scikit-learn's `LocalOutlierFactor`.
//!
//! With `N_k(p)` the `k` nearest training rows of `p` (a training row is not
//! its own neighbour) and `k-dist(o)` the distance from `o` to its `k`-th
//! neighbour:
//!
//! ```text
//! reach-dist_k(p, o) = max(k-dist(o), d(p, o))
//! lrd(p)  = 1 / (mean_{o ∈ N_k(p)} reach-dist_k(p, o) + 1e-10)
//! LOF(p)  = mean_{o ∈ N_k(p)} lrd(o) / lrd(p)
//! ```
//!
//! [`LocalOutlierFactor::negative_outlier_factor`] is `−LOF` of the training
//! rows (scikit-learn's `negative_outlier_factor_`); [`Detector::score_samples`]
//! scores *new* rows against the training rows (scikit-learn's
//! `novelty=True`), their neighbours taken among all training rows.
//!
//! **Ties and duplicates.** Exactly `k` neighbours are used, as in
//! scikit-learn, not the paper's "k-distance neighbourhood" that takes every
//! row tied with the `k`-th. Which of several rows at exactly the `k`-th
//! distance is used is the search index's choice and may differ from
//! scikit-learn's, which can change the score of such rows (never on data
//! without exact distance ties). When a training row has more than `k`
//! duplicates its own index may be crowded out of the `k + 1` nearest; then
//! the first neighbour is dropped instead (scikit-learn's rule). Duplicates
//! make reachability distances 0 and the `1e-10` keeps `lrd` finite (`10¹⁰`).
//!
//! Neighbours come from a k-d tree (the `kiddo` crate) for up to 15
//! features and an exhaustive parallel scan beyond, scikit-learn's `auto`
//! rule; both are exact.

use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Predict, validate::param};

use crate::detector::{Contamination, Detector, check_records, labels};
use crate::error::{AnomalyError, Result};
use crate::knn::{Knn, Neighbours};

/// Hyper-parameters of a [`LocalOutlierFactor`]; build with [`LocalOutlierFactor::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalOutlierFactorParams {
    n_neighbors: usize,
    contamination: Contamination,
}

impl Default for LocalOutlierFactorParams {
    fn default() -> Self {
        LocalOutlierFactorParams { n_neighbors: 20, contamination: Contamination::Auto }
    }
}

impl LocalOutlierFactorParams {
    /// Neighbours `k` (default 20, scikit-learn's); must be below the number of rows.
    pub fn n_neighbors(mut self, k: usize) -> Self {
        self.n_neighbors = k;
        self
    }
    /// How the threshold is set (default [`Contamination::Auto`], offset −1.5).
    pub fn contamination(mut self, c: Contamination) -> Self {
        self.contamination = c;
        self
    }
}

impl Params for LocalOutlierFactorParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_neighbors", self.n_neighbors, 1)?;
        self.contamination.check()
    }
}

/// A fitted Local Outlier Factor model: the training rows, their `k`-distances
/// and local reachability densities.
///
/// ```
/// use ndarray::array;
/// use shopml_anomaly::{Detector, LocalOutlierFactor};
/// use shopml_core::Fit;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5], [8.0, 8.0]];
/// let lof = LocalOutlierFactor::params().n_neighbors(3).fit(&x).unwrap();
/// let nof = lof.negative_outlier_factor();
/// assert!(nof[5] < -3.0 && nof[4] > -1.2);
/// // New rows are scored against the training rows.
/// let s = lof.score_samples(&array![[0.4, 0.6], [9.0, 9.0]]).unwrap();
/// assert!(s[1] < s[0]);
/// ```
#[derive(Debug, Serialize, Deserialize)]
#[serde(try_from = "LofRaw")]
pub struct LocalOutlierFactor {
    n_neighbors: usize,
    train: Array2<f64>,
    k_distance: Array1<f64>,
    lrd: Array1<f64>,
    negative_outlier_factor: Array1<f64>,
    offset: f64,
    #[serde(skip)]
    knn: Option<Knn>,
}

impl Clone for LocalOutlierFactor {
    fn clone(&self) -> Self {
        LocalOutlierFactor {
            n_neighbors: self.n_neighbors,
            train: self.train.clone(),
            k_distance: self.k_distance.clone(),
            lrd: self.lrd.clone(),
            negative_outlier_factor: self.negative_outlier_factor.clone(),
            offset: self.offset,
            knn: Some(Knn::new(self.train.clone(), self.n_neighbors)),
        }
    }
}

impl PartialEq for LocalOutlierFactor {
    fn eq(&self, o: &Self) -> bool {
        self.n_neighbors == o.n_neighbors
            && self.train == o.train
            && self.k_distance == o.k_distance
            && self.lrd == o.lrd
            && self.negative_outlier_factor == o.negative_outlier_factor
            && self.offset == o.offset
    }
}

#[derive(Deserialize)]
struct LofRaw {
    n_neighbors: usize,
    train: Array2<f64>,
    k_distance: Array1<f64>,
    lrd: Array1<f64>,
    negative_outlier_factor: Array1<f64>,
    offset: f64,
}

impl TryFrom<LofRaw> for LocalOutlierFactor {
    type Error = AnomalyError;
    fn try_from(r: LofRaw) -> Result<Self> {
        let n = r.train.nrows();
        if r.n_neighbors == 0 || r.n_neighbors >= n || r.train.ncols() == 0 {
            return Err(AnomalyError::InvalidModel(format!("n_neighbors = {} with {n} training rows", r.n_neighbors)));
        }
        if r.k_distance.len() != n || r.lrd.len() != n || r.negative_outlier_factor.len() != n {
            return Err(AnomalyError::InvalidModel("k_distance, lrd and negative_outlier_factor need one value per training row".into()));
        }
        shopml_core::validate::finite_matrix("train", r.train.view())?;
        if let Some(i) = r.k_distance.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(AnomalyError::InvalidModel(format!("k_distance of row {i} is not a finite non-negative number")));
        }
        if let Some(i) = r.lrd.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(AnomalyError::InvalidModel(format!("lrd of row {i} is not a finite positive number")));
        }
        if let Some(i) = r.negative_outlier_factor.iter().position(|v| !v.is_finite()) {
            return Err(AnomalyError::InvalidModel(format!("negative_outlier_factor of row {i} is not finite")));
        }
        if !r.offset.is_finite() {
            return Err(AnomalyError::InvalidModel(format!("non-finite offset {}", r.offset)));
        }
        let train = r.train.as_standard_layout().into_owned();
        Ok(LocalOutlierFactor {
            knn: Some(Knn::new(train.clone(), r.n_neighbors)),
            n_neighbors: r.n_neighbors,
            train,
            k_distance: r.k_distance,
            lrd: r.lrd,
            negative_outlier_factor: r.negative_outlier_factor,
            offset: r.offset,
        })
    }
}

/// `lrd` of query rows from their neighbours among the training rows.
fn lrd_of(nb: &Neighbours, k: usize, k_distance: &Array1<f64>) -> Vec<f64> {
    nb.dist
        .par_chunks(k)
        .zip(nb.idx.par_chunks(k))
        .map(|(d, j)| {
            let s: f64 = d.iter().zip(j).map(|(&d, &j)| d.max(k_distance[j as usize])).sum();
            1.0 / (s / k as f64 + 1e-10)
        })
        .collect()
}

/// `−mean(lrd(o) / lrd(p))` over the neighbours `o` of each query row `p`.
fn negative_lof(nb: &Neighbours, k: usize, lrd_train: &Array1<f64>, lrd_query: &[f64]) -> Array1<f64> {
    let v: Vec<f64> = nb
        .idx
        .par_chunks(k)
        .zip(lrd_query.par_iter())
        .map(|(j, &lq)| -(j.iter().map(|&j| lrd_train[j as usize] / lq).sum::<f64>() / k as f64))
        .collect();
    Array1::from(v)
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for LocalOutlierFactorParams {
    type Model = LocalOutlierFactor;
    type Error = AnomalyError;

    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<LocalOutlierFactor> {
        self.check()?;
        check_records(x, None)?;
        let (n, k) = (x.nrows(), self.n_neighbors);
        if k >= n {
            return Err(AnomalyError::TooFewRows { k, n_samples: n });
        }
        let train = x.as_standard_layout().into_owned();
        let knn = Knn::new(train.clone(), k);
        let nb = knn.query(train.view(), k, true);
        let k_distance: Array1<f64> = nb.dist.chunks(k).map(|d| d[k - 1]).collect();
        let lrd_values = lrd_of(&nb, k, &k_distance);
        let lrd = Array1::from(lrd_values.clone());
        let nof = negative_lof(&nb, k, &lrd, &lrd_values);
        let offset = self.contamination.offset(&nof.to_vec(), -1.5);
        Ok(LocalOutlierFactor { n_neighbors: k, train, k_distance, lrd, negative_outlier_factor: nof, offset, knn: Some(knn) })
    }
}

impl LocalOutlierFactor {
    /// Default hyper-parameters (scikit-learn's): `k = 20`, offset −1.5.
    pub fn params() -> LocalOutlierFactorParams {
        LocalOutlierFactorParams::default()
    }

    /// `k`.
    pub fn n_neighbors(&self) -> usize {
        self.n_neighbors
    }

    /// `−LOF` of each training row (scikit-learn's `negative_outlier_factor_`).
    pub fn negative_outlier_factor(&self) -> &Array1<f64> {
        &self.negative_outlier_factor
    }

    /// Local reachability density of each training row.
    pub fn lrd(&self) -> &Array1<f64> {
        &self.lrd
    }

    /// Distance from each training row to its `k`-th neighbour.
    pub fn k_distance(&self) -> &Array1<f64> {
        &self.k_distance
    }

    /// The same model with an explicit threshold on the scores.
    pub fn with_offset(mut self, offset: f64) -> Result<Self> {
        if !offset.is_finite() {
            return Err(Error::param("offset", format!("must be finite, got {offset}")).into());
        }
        self.offset = offset;
        Ok(self)
    }

    /// `+1` inlier / `−1` outlier for the training rows (scikit-learn's
    /// `fit_predict`): `negative_outlier_factor − offset < 0` is an outlier.
    pub fn training_labels(&self) -> Array1<i8> {
        labels(&self.negative_outlier_factor.mapv(|v| v - self.offset))
    }
}

impl Detector for LocalOutlierFactor {
    fn n_features(&self) -> usize {
        self.train.ncols()
    }

    fn offset(&self) -> f64 {
        self.offset
    }

    /// `−LOF` of new rows, their `k` neighbours taken among the training rows.
    fn score_samples<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        check_records(x, Some(self.train.ncols()))?;
        let k = self.n_neighbors;
        let built;
        let knn = match &self.knn {
            Some(k) => k,
            None => {
                built = Knn::new(self.train.clone(), k);
                &built
            }
        };
        debug_assert_eq!(knn.train().nrows(), self.train.nrows());
        let nb = knn.query(x.view(), k, false);
        let lrd_q = lrd_of(&nb, k, &self.k_distance);
        Ok(negative_lof(&nb, k, &self.lrd, &lrd_q))
    }
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for LocalOutlierFactor {
    type Output = Array1<i8>;
    type Error = AnomalyError;
    /// `+1` inlier, `−1` outlier for new rows (novelty detection).
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<i8>> {
        Ok(labels(&self.decision_function(x)?))
    }
}
