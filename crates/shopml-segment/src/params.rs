//! Hyper-parameters of [`KMeans`](crate::KMeans), validated before any work.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, validate::param};

/// How the first centres are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Init {
    /// Greedy k-means++ (Arthur & Vassilvitskii, 2007, "k-means++: the
    /// advantages of careful seeding", SODA): each new centre is the best, by
    /// resulting potential, of several candidates drawn with probability
    /// proportional to weight × squared distance to the nearest centre so far.
    KMeansPlusPlus,
    /// `n_clusters` distinct rows drawn at random (weighted by sample weight).
    Random,
    /// The given `n_clusters × n_features` centres, in the units of the
    /// records. Implies a single run (`n_init` is ignored).
    Given(Array2<f64>),
}

/// Which exact k-means iteration to run. Both give the same fixed point (up to
/// rounding); they differ in speed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Algorithm {
    /// Lloyd's iteration (Lloyd, 1982, "Least squares quantization in PCM",
    /// IEEE Trans. Inf. Theory 28(2)), with distances for a chunk of rows
    /// computed as one matrix product against the centres.
    Lloyd,
    /// Hamerly's accelerated iteration (Hamerly, 2010, "Making k-means even
    /// faster", SDM): one upper and one lower distance bound per row skip most
    /// distance computations once the centres settle. Wins for low to moderate
    /// dimension and many iterations; loses when every row changes often.
    Hamerly,
}

/// Hyper-parameters of k-means. Build with [`KMeans::params`](crate::KMeans::params).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansParams {
    pub(crate) n_clusters: usize,
    pub(crate) init: Init,
    pub(crate) n_init: usize,
    pub(crate) max_iter: usize,
    pub(crate) tol: f64,
    pub(crate) seed: u64,
    pub(crate) algorithm: Algorithm,
    pub(crate) n_local_trials: Option<usize>,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams {
            n_clusters: 8,
            init: Init::KMeansPlusPlus,
            n_init: 10,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
            algorithm: Algorithm::Lloyd,
            n_local_trials: None,
        }
    }
}

impl KMeansParams {
    /// Defaults with `n_clusters` clusters: k-means++ init, `n_init = 10`,
    /// `max_iter = 300`, `tol = 1e-4`, `seed = 0`, Lloyd iterations.
    pub fn new(n_clusters: usize) -> Self {
        KMeansParams { n_clusters, ..Default::default() }
    }
    /// Number of clusters `k` (at least 1, at most the number of rows).
    pub fn n_clusters(mut self, k: usize) -> Self {
        self.n_clusters = k;
        self
    }
    /// Initialisation method.
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }
    /// Number of runs from different seeds; the run with the lowest inertia wins.
    pub fn n_init(mut self, n: usize) -> Self {
        self.n_init = n;
        self
    }
    /// Maximum Lloyd/Hamerly iterations per run.
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Relative tolerance: a run stops once the summed squared centre
    /// movement falls to `tol ×` the mean per-feature variance of the records
    /// (scikit-learn's rule), or when no label changes.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Seed of every random choice.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Lloyd or Hamerly iterations.
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Candidates per k-means++ step (default `2 + ⌊ln k⌋`, as scikit-learn).
    pub fn n_local_trials(mut self, n: usize) -> Self {
        self.n_local_trials = Some(n);
        self
    }
    pub(crate) fn local_trials(&self) -> usize {
        self.n_local_trials.unwrap_or(2 + (self.n_clusters as f64).ln().floor() as usize)
    }
}

impl Params for KMeansParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_clusters", self.n_clusters, 1)?;
        param::at_least("n_init", self.n_init, 1)?;
        param::at_least("max_iter", self.max_iter, 1)?;
        param::non_negative("tol", self.tol)?;
        if let Some(t) = self.n_local_trials {
            param::at_least("n_local_trials", t, 1)?;
        }
        if let Init::Given(c) = &self.init {
            if c.nrows() != self.n_clusters {
                return Err(Error::param("init", format!("given centres have {} rows, n_clusters is {}", c.nrows(), self.n_clusters)));
            }
            if c.ncols() == 0 {
                return Err(Error::param("init", "given centres have no columns"));
            }
            if let Some(v) = c.iter().find(|v| !(v.is_finite() && v.abs() <= 1e150)) {
                return Err(Error::param("init", format!("given centres contain {v}; values must be finite with magnitude at most 1e150")));
            }
        }
        Ok(())
    }
}
