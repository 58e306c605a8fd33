//! Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008;
//! "Isolation-based anomaly detection", ACM TKDD 6(1), 2012) with
//! scikit-learn's semantics, and the Extended Isolation Forest (Hariri, Kind &
//! Brunner, "Extended Isolation Forest", IEEE TKDE 33(4), 2021; arXiv 2019).
//!
//! Each of `n_estimators` trees is grown on `max_samples` rows (default
//! `min(256, n)`, drawn without replacement unless `bootstrap`) and a subset
//! of `max_features` columns, by random splits until a node holds one row,
//! all its rows are equal, or the depth reaches `⌈log₂ ψ⌉`. A row's path
//! length `h(x)` is the depth of the leaf it falls into plus `c(leaf size)`,
//! and
//!
//! ```text
//! score_samples(x) = −2^(−E[h(x)] / c(ψ))        (−1 most abnormal, ≈ −0.5 typical)
//! decision_function(x) = score_samples(x) − offset
//! ```
//!
//! with `offset = −0.5` for [`Contamination::Auto`] or the contamination
//! percentile of the training scores.
//!
//! **Determinism.** Tree `t` draws from its own generator seeded from
//! `(seed, t)`, so trees are grown in parallel and the forest is the same for
//! any thread count. Rows are subsampled by the rank of a per-tree hash of
//! their *values* rather than their position, so without `bootstrap` the
//! forest (and every score) is also the same when the rows are reordered.
//! Identical rows share a key, so a tree takes all copies of a duplicated
//! row or none (scikit-learn samples copies independently).

use ndarray::{Array1, ArrayBase, Data, Ix2};
use rand::{SeedableRng, rngs::StdRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Predict, validate::param};

use crate::detector::{Contamination, Detector, check_records, labels};
use crate::error::{AnomalyError, Result};
use crate::tree::{FlatTree, LANES, SplitKind, average_path_length, build};

/// Rows per tree.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum MaxSamples {
    /// `min(256, n)` (scikit-learn's `"auto"`).
    #[default]
    Auto,
    /// A fixed number of rows; more than `n` is an error.
    Count(usize),
    /// A share of the rows in `(0, 1]`: `⌊share · n⌋` (at least 1).
    Fraction(f64),
}

/// Columns per tree.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// A fixed number of columns (at most the number of columns).
    Count(usize),
    /// A share of the columns in `(0, 1]`: `⌊share · d⌋` (at least 1).
    Fraction(f64),
}

impl Default for MaxFeatures {
    fn default() -> Self {
        MaxFeatures::Fraction(1.0)
    }
}

/// Which split the trees use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Splits {
    /// One random feature, random threshold (the original Isolation Forest).
    #[default]
    AxisParallel,
    /// Random hyperplanes (Extended Isolation Forest) with
    /// `extension_level + 1` non-zero normal weights; `None` means fully
    /// extended (`d − 1`, every feature of the tree's subset). Level 0 is
    /// axis-parallel with a random intercept.
    Extended {
        /// Number of extra dimensions a hyperplane spans, `0 ..= d − 1`.
        extension_level: Option<usize>,
    },
}

/// Hyper-parameters of an [`IsolationForest`]; build with [`IsolationForest::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsolationForestParams {
    n_estimators: usize,
    max_samples: MaxSamples,
    max_features: MaxFeatures,
    bootstrap: bool,
    contamination: Contamination,
    splits: Splits,
    seed: u64,
}

impl Default for IsolationForestParams {
    fn default() -> Self {
        IsolationForestParams {
            n_estimators: 100,
            max_samples: MaxSamples::Auto,
            max_features: MaxFeatures::default(),
            bootstrap: false,
            contamination: Contamination::Auto,
            splits: Splits::AxisParallel,
            seed: 0,
        }
    }
}

impl IsolationForestParams {
    /// Number of trees (default 100).
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }
    /// Rows per tree (default `min(256, n)`).
    pub fn max_samples(mut self, m: MaxSamples) -> Self {
        self.max_samples = m;
        self
    }
    /// Columns per tree (default all).
    pub fn max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }
    /// Draw each tree's rows with replacement (default `false`).
    pub fn bootstrap(mut self, yes: bool) -> Self {
        self.bootstrap = yes;
        self
    }
    /// How the threshold is set (default [`Contamination::Auto`], offset −0.5).
    pub fn contamination(mut self, c: Contamination) -> Self {
        self.contamination = c;
        self
    }
    /// Axis-parallel or extended splits (default axis-parallel).
    pub fn splits(mut self, s: Splits) -> Self {
        self.splits = s;
        self
    }
    /// Random seed (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    fn psi(&self, n: usize) -> Result<usize> {
        let psi = match self.max_samples {
            MaxSamples::Auto => n.min(256),
            MaxSamples::Count(c) => c,
            MaxSamples::Fraction(f) => ((f * n as f64) as usize).max(1),
        };
        if psi > n {
            return Err(AnomalyError::MaxSamplesTooLarge { max_samples: psi, n_samples: n });
        }
        Ok(psi)
    }

    fn n_cols(&self, d: usize) -> Result<usize> {
        let m = match self.max_features {
            MaxFeatures::Count(c) => c,
            MaxFeatures::Fraction(f) => ((f * d as f64) as usize).max(1),
        };
        if m > d {
            return Err(Error::param("max_features", format!("{m} columns requested, the records have {d}")).into());
        }
        Ok(m)
    }
}

impl Params for IsolationForestParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::at_least("n_estimators", self.n_estimators, 1)?;
        match self.max_samples {
            MaxSamples::Auto => {}
            MaxSamples::Count(c) => param::at_least("max_samples", c, 1)?,
            MaxSamples::Fraction(f) => param::in_open("max_samples", f, 0.0, 1.0 + f64::EPSILON)?,
        }
        match self.max_features {
            MaxFeatures::Count(c) => param::at_least("max_features", c, 1)?,
            MaxFeatures::Fraction(f) => param::in_open("max_features", f, 0.0, 1.0 + f64::EPSILON)?,
        }
        self.contamination.check()
    }
}

/// A fitted Isolation Forest (or Extended Isolation Forest).
///
/// ```
/// use ndarray::Array2;
/// use shopml_anomaly::{Detector, IsolationForest};
/// use shopml_core::{Fit, Predict};
///
/// // A grid of ordinary orders and one far away.
/// let mut x = Array2::from_shape_fn((400, 2), |(i, j)| ((i * (j + 3)) % 20) as f64);
/// x[[7, 0]] = 90.0;
/// x[[7, 1]] = 95.0;
/// let forest = IsolationForest::params().seed(1).fit(&x).unwrap();
/// let s = forest.score_samples(&x).unwrap();
/// let worst = (0..400).min_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
/// assert_eq!(worst, 7);
/// assert_eq!(forest.predict(&x).unwrap()[7], -1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IsolationForestRaw")]
pub struct IsolationForest {
    trees: Vec<FlatTree>,
    n_features: usize,
    max_samples: usize,
    offset: f64,
}

#[derive(Deserialize)]
struct IsolationForestRaw {
    trees: Vec<FlatTree>,
    n_features: usize,
    max_samples: usize,
    offset: f64,
}

impl TryFrom<IsolationForestRaw> for IsolationForest {
    type Error = AnomalyError;
    fn try_from(r: IsolationForestRaw) -> Result<Self> {
        if r.trees.is_empty() || r.n_features == 0 || r.max_samples == 0 {
            return Err(AnomalyError::InvalidModel("an isolation forest needs trees, features and max_samples ≥ 1".into()));
        }
        if !r.offset.is_finite() {
            return Err(AnomalyError::InvalidModel(format!("non-finite offset {}", r.offset)));
        }
        let mut trees = r.trees;
        for (t, tree) in trees.iter_mut().enumerate() {
            tree.validate(r.n_features).map_err(|e| AnomalyError::InvalidModel(format!("tree {t}: {e}")))?;
            tree.finish();
        }
        Ok(IsolationForest { trees, n_features: r.n_features, max_samples: r.max_samples, offset: r.offset })
    }
}

/// SplitMix64 finaliser: a well-mixed 64-bit function of a 64-bit input.
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a row's values (−0 and +0 alike), independent of its position.
fn row_hash<S: Data<Elem = f64>>(x: &ArrayBase<S, Ix2>, i: usize) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64;
    for &v in x.row(i) {
        let v = if v == 0.0 { 0.0 } else { v };
        h = mix64(h ^ v.to_bits());
    }
    h
}

/// The `psi` rows with the smallest per-tree keys `mix(hash ⊕ tree_seed)`:
/// a uniform sample without replacement that depends on row values only.
fn keyed_sample(hashes: &[u64], psi: usize, tree_seed: u64) -> Vec<u32> {
    let n = hashes.len();
    let key = |i: usize| mix64(hashes[i] ^ tree_seed);
    let mut cand: Vec<(u64, u32)> = Vec::new();
    if psi * 4 < n {
        // Keep keys below a cut that lets through about 2ψ rows; widen if too few.
        let mut frac = 2.0 * psi as f64 / n as f64;
        loop {
            let cut = (frac.min(1.0) * u64::MAX as f64) as u64;
            cand.clear();
            cand.extend((0..n).filter_map(|i| {
                let k = key(i);
                (k <= cut).then_some((k, i as u32))
            }));
            if cand.len() >= psi || frac >= 1.0 {
                break;
            }
            frac *= 2.0;
        }
    } else {
        cand.extend((0..n).map(|i| (key(i), i as u32)));
    }
    if cand.len() > psi {
        cand.select_nth_unstable_by_key(psi, |c| c.0);
        cand.truncate(psi);
    }
    cand.sort_unstable_by_key(|c| c.0);
    cand.into_iter().map(|c| c.1).collect()
}

/// Seed of tree `t`.
fn tree_seed(seed: u64, t: usize) -> u64 {
    mix64(seed ^ mix64(t as u64 + 1))
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for IsolationForestParams {
    type Model = IsolationForest;
    type Error = AnomalyError;

    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<IsolationForest> {
        self.check()?;
        check_records(x, None)?;
        let xv = x.view();
        let x = &xv;
        let (n, d) = x.dim();
        let psi = self.psi(n)?;
        let m = self.n_cols(d)?;
        let kind = match self.splits {
            Splits::AxisParallel => SplitKind::Axis,
            Splits::Extended { extension_level } => {
                let level = extension_level.unwrap_or(m - 1);
                if level >= m {
                    return Err(Error::param("extension_level", format!("must be below the {m} features per tree, got {level}")).into());
                }
                SplitKind::Extended { extension_level: level }
            }
        };
        let max_depth = (psi.max(2) as f64).log2().ceil() as usize;
        let hashes: Vec<u64> = if self.bootstrap { Vec::new() } else { (0..n).into_par_iter().map(|i| row_hash(x, i)).collect() };
        let trees: Vec<FlatTree> = (0..self.n_estimators)
            .into_par_iter()
            .map(|t| {
                let ts = tree_seed(self.seed, t);
                let mut rng = StdRng::seed_from_u64(ts);
                let rows: Vec<u32> = if self.bootstrap {
                    use rand::Rng;
                    (0..psi).map(|_| rng.random_range(0..n as u32)).collect()
                } else {
                    keyed_sample(&hashes, psi, ts)
                };
                let mut features: Vec<u32> = if m == d {
                    (0..d as u32).collect()
                } else {
                    rand::seq::index::sample(&mut rng, d, m).into_iter().map(|f| f as u32).collect()
                };
                features.sort_unstable();
                let mut cols = vec![0.0; m * psi];
                for (k, &f) in features.iter().enumerate() {
                    let col = x.column(f as usize);
                    for (r, &i) in rows.iter().enumerate() {
                        cols[k * psi + r] = col[i as usize];
                    }
                }
                build(&cols, psi, &features, max_depth, kind, &mut rng)
            })
            .collect();
        let mut model = IsolationForest { trees, n_features: d, max_samples: psi, offset: -0.5 };
        if let Contamination::Fraction(_) = self.contamination {
            let s = model.score_samples(&xv)?;
            model.offset = self.contamination.offset(&s.to_vec(), -0.5);
        }
        Ok(model)
    }
}

/// Rows scored together: every tree walks the whole block before the next
/// tree, so a tree stays in cache.
const BLOCK: usize = 256;

impl IsolationForest {
    /// Default hyper-parameters (scikit-learn's): 100 trees, `min(256, n)`
    /// rows and all columns per tree, no bootstrap, offset −0.5, seed 0.
    pub fn params() -> IsolationForestParams {
        IsolationForestParams::default()
    }

    /// Number of trees.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// Rows each tree was grown on (ψ).
    pub fn max_samples(&self) -> usize {
        self.max_samples
    }

    /// The same forest with an explicit threshold on `score_samples`.
    pub fn with_offset(mut self, offset: f64) -> Result<Self> {
        if !offset.is_finite() {
            return Err(Error::param("offset", format!("must be finite, got {offset}")).into());
        }
        self.offset = offset;
        Ok(self)
    }

    /// Mean path length `E[h(x)]` of each row over the trees.
    pub fn mean_path_length<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        check_records(x, Some(self.n_features))?;
        let x = x.view();
        let n = x.nrows();
        let d = self.n_features;
        let mut out = vec![0.0; n];
        out.par_chunks_mut(BLOCK).enumerate().for_each(|(b, chunk)| {
            let start = b * BLOCK;
            // Rows padded to whole lanes (padding rows are zeros, discarded).
            let padded = chunk.len().div_ceil(LANES) * LANES;
            let mut rows = vec![0.0; padded * d];
            for (r, row) in rows.chunks_exact_mut(d).take(chunk.len()).enumerate() {
                for (v, &xv) in row.iter_mut().zip(x.row(start + r)) {
                    *v = xv;
                }
            }
            // The same rows feature-major within each group of LANES rows.
            let mut cols = vec![[0.0; LANES]; padded / LANES * d];
            for (g, group) in rows.chunks_exact(LANES * d).enumerate() {
                for (k, row) in group.chunks_exact(d).enumerate() {
                    for (f, &v) in row.iter().enumerate() {
                        cols[g * d + f][k] = v;
                    }
                }
            }
            let mut acc = vec![0.0; padded];
            for tree in &self.trees {
                for ((o, lane), lane_cols) in acc.chunks_exact_mut(LANES).zip(rows.chunks_exact(LANES * d)).zip(cols.chunks_exact(d)) {
                    tree.add_path_lengths(lane, lane_cols, d, o);
                }
            }
            chunk.copy_from_slice(&acc[..chunk.len()]);
            let k = self.trees.len() as f64;
            for o in chunk.iter_mut() {
                *o /= k;
            }
        });
        Ok(Array1::from(out))
    }

    /// Per-feature attribution of each row's isolation (an `n × d` matrix,
    /// rows summing to 1 when the row is ever split): on every tree the row's
    /// path shares one unit equally among the splits on it, each split
    /// crediting its column (or, for a hyperplane, its columns by `|weight|`),
    /// averaged over trees. Features that cut the row off early and in many
    /// trees get most of the credit, a simple cousin of DIFFI (Carletti,
    /// Terzi & Susto, "Interpretable anomaly detection with DIFFI", 2023).
    pub fn feature_attribution<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<ndarray::Array2<f64>> {
        check_records(x, Some(self.n_features))?;
        let x = x.view();
        let (n, d) = (x.nrows(), self.n_features);
        let mut out = ndarray::Array2::<f64>::zeros((n, d));
        out.axis_chunks_iter_mut(ndarray::Axis(0), BLOCK).into_par_iter().enumerate().for_each(|(b, mut chunk)| {
            let mut row = vec![0.0; d];
            let mut credit = vec![0.0; d];
            let mut path = Vec::new();
            for r in 0..chunk.nrows() {
                for (v, &xv) in row.iter_mut().zip(x.row(b * BLOCK + r)) {
                    *v = xv;
                }
                credit.iter_mut().for_each(|c| *c = 0.0);
                for tree in &self.trees {
                    tree.attribute(&row, &mut credit, &mut path);
                }
                let k = self.trees.len() as f64;
                for (o, c) in chunk.row_mut(r).iter_mut().zip(&credit) {
                    *o = c / k;
                }
            }
        });
        Ok(out)
    }
}

impl Detector for IsolationForest {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn offset(&self) -> f64 {
        self.offset
    }

    /// `−2^(−E[h(x)]/c(ψ))`: about −0.5 for ordinary rows, towards −1 for anomalies.
    fn score_samples<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        let c = average_path_length(self.max_samples);
        let h = self.mean_path_length(x)?;
        // ψ = 1 has c(ψ) = 0: scikit-learn then takes the ratio as 1.
        Ok(h.mapv_into(|h| -(2f64.powf(if c > 0.0 { -h / c } else { -1.0 }))))
    }
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for IsolationForest {
    type Output = Array1<i8>;
    type Error = AnomalyError;
    /// `+1` inlier, `−1` outlier.
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<i8>> {
        Ok(labels(&self.decision_function(x)?))
    }
}
