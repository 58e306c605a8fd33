//! k-fold cross-validation over a regularisation grid.
//!
//! Each helper scores every grid value on every held-out fold with the core
//! metrics (mean squared error for regression, log-loss for classification;
//! lower is better), picks the value with the lowest mean score, and refits
//! on all the data. Fold assignment is a seeded shuffle, so results are
//! reproducible and independent of the thread count.

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Predict, metrics, validate};

use crate::enet::{ElasticNetParams, enet_path};
use crate::error::{LinearError, Result};
use crate::logistic::{ClassTargets, LogisticRegression, LogisticRegressionParams};
use crate::model::LinearModel;
use crate::ridge::ridge_path;

/// k-fold splitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KFold {
    /// Number of folds (≥ 2).
    pub n_splits: usize,
    /// Shuffle rows before cutting folds (default `true`).
    pub shuffle: bool,
    /// Seed of the shuffle.
    pub seed: u64,
}

impl Default for KFold {
    fn default() -> Self {
        KFold { n_splits: 5, shuffle: true, seed: 0 }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed seeded generator.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl KFold {
    /// `k` shuffled folds.
    pub fn new(n_splits: usize, seed: u64) -> Self {
        KFold { n_splits, shuffle: true, seed }
    }

    /// `(train, test)` row indices for each fold; fold sizes differ by at most one.
    pub fn splits(&self, n: usize) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
        validate::param::at_least("n_splits", self.n_splits, 2)?;
        if n < self.n_splits {
            return Err(
                shopml_core::Error::param("n_splits", format!("{} folds need at least as many rows, got {n}", self.n_splits)).into()
            );
        }
        let mut order: Vec<usize> = (0..n).collect();
        if self.shuffle {
            let mut st = self.seed;
            for i in (1..n).rev() {
                let j = (splitmix(&mut st) % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
        }
        let k = self.n_splits;
        let mut out = Vec::with_capacity(k);
        let mut start = 0;
        for f in 0..k {
            let size = n / k + usize::from(f < n % k);
            let mut test: Vec<usize> = order[start..start + size].to_vec();
            test.sort_unstable();
            let mut train: Vec<usize> = order[..start].iter().chain(&order[start + size..]).copied().collect();
            train.sort_unstable();
            out.push((train, test));
            start += size;
        }
        Ok(out)
    }
}

/// Scores of a grid search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvResult {
    /// The grid, in the order scored.
    pub grid: Vec<f64>,
    /// Mean held-out score per grid value (lower is better).
    pub mean_score: Vec<f64>,
    /// Standard deviation of the fold scores per grid value.
    pub std_score: Vec<f64>,
    /// Index of the best grid value.
    pub best_index: usize,
    /// The best grid value.
    pub best: f64,
}

fn summarise(grid: Vec<f64>, scores: Array2<f64>) -> CvResult {
    let mean: Vec<f64> = scores.mean_axis(Axis(0)).expect("at least one fold").to_vec();
    let std: Vec<f64> = scores.std_axis(Axis(0), 0.0).to_vec();
    let best_index = mean.iter().enumerate().fold(0, |b, (i, &v)| if v < mean[b] { i } else { b });
    CvResult { best: grid[best_index], grid, mean_score: mean, std_score: std, best_index }
}

struct Subset {
    x: Array2<f64>,
    y: Array1<f64>,
    w: Option<Array1<f64>>,
}

fn subset(
    x: ndarray::ArrayView2<'_, f64>,
    y: ndarray::ArrayView1<'_, f64>,
    w: Option<ndarray::ArrayView1<'_, f64>>,
    rows: &[usize],
) -> Subset {
    Subset { x: x.select(Axis(0), rows), y: y.select(Axis(0), rows), w: w.map(|w| w.select(Axis(0), rows)) }
}

impl Subset {
    fn dataset(&self) -> Dataset<'_> {
        Dataset { records: self.x.view(), targets: self.y.view(), weights: self.w.as_ref().map(|w| w.view()) }
    }
}

fn check_grid(name: &'static str, grid: &[f64]) -> Result<()> {
    if grid.is_empty() {
        return Err(shopml_core::Error::param(name, "needs at least one value").into());
    }
    Ok(())
}

/// Ridge over `alphas`: each fold shares one eigen-decomposition ([`ridge_path`]).
pub fn ridge_cv(data: &Dataset<'_>, alphas: &[f64], fit_intercept: bool, folds: &KFold) -> Result<(CvResult, LinearModel)> {
    check_grid("alphas", alphas)?;
    let splits = folds.splits(data.records.nrows())?;
    let mut scores = Array2::<f64>::zeros((splits.len(), alphas.len()));
    for (f, (train, test)) in splits.iter().enumerate() {
        let tr = subset(data.records, data.targets, data.weights, train);
        let te = subset(data.records, data.targets, data.weights, test);
        let models = ridge_path(&tr.dataset(), alphas, fit_intercept)?;
        for (a, m) in models.iter().enumerate() {
            let pred = m.predict(&te.x)?;
            scores[[f, a]] = metrics::regression::mse(te.y.as_slice().expect("owned"), pred.as_slice().expect("owned"))?;
        }
    }
    let res = summarise(alphas.to_vec(), scores);
    let model = crate::ridge::RidgeParams::default().alpha(res.best).fit_intercept(fit_intercept).fit(data)?;
    Ok((res, model))
}

/// Elastic net over an alpha grid (given, or `n_alphas` values down to `eps · α_max`
/// computed on all the data); each fold runs one warm-started [`enet_path`].
pub fn enet_cv(
    data: &Dataset<'_>,
    params: &ElasticNetParams,
    alphas: Option<&[f64]>,
    n_alphas: usize,
    eps: f64,
    folds: &KFold,
) -> Result<(CvResult, LinearModel)> {
    let grid: Vec<f64> = match alphas {
        Some(a) => {
            check_grid("alphas", a)?;
            a.to_vec()
        }
        None => enet_path(data, &params.clone().max_iter(1), None, n_alphas, eps)?.alphas,
    };
    let splits = folds.splits(data.records.nrows())?;
    let mut scores = Array2::<f64>::zeros((splits.len(), grid.len()));
    for (f, (train, test)) in splits.iter().enumerate() {
        let tr = subset(data.records, data.targets, data.weights, train);
        let te = subset(data.records, data.targets, data.weights, test);
        let path = enet_path(&tr.dataset(), params, Some(&grid), n_alphas, eps)?;
        for (a, m) in path.models.iter().enumerate() {
            let pred = m.predict(&te.x)?;
            scores[[f, a]] = metrics::regression::mse(te.y.as_slice().expect("owned"), pred.as_slice().expect("owned"))?;
        }
    }
    let res = summarise(grid, scores);
    let model = params.clone().alpha(res.best).fit(data)?;
    Ok((res, model))
}

/// Logistic regression over a grid of `C` values, warm-starting each fold's
/// fits along the grid; scored by held-out log-loss.
pub fn logistic_cv<T: ClassTargets>(
    data: &Dataset<'_, T>,
    params: &LogisticRegressionParams,
    cs: &[f64],
    folds: &KFold,
) -> Result<(CvResult, LogisticRegression)> {
    check_grid("Cs", cs)?;
    let targets = data.targets.class_values();
    let data = &Dataset { records: data.records, targets: targets.view(), weights: data.weights };
    let splits = folds.splits(data.records.nrows())?;
    let mut scores = Array2::<f64>::zeros((splits.len(), cs.len()));
    let all_classes = {
        let mut c = data.targets.to_vec();
        c.sort_by(f64::total_cmp);
        c.dedup();
        c
    };
    for (f, (train, test)) in splits.iter().enumerate() {
        let tr = subset(data.records, data.targets, data.weights, train);
        let te = subset(data.records, data.targets, data.weights, test);
        let trd = tr.dataset();
        let mut prev: Option<LogisticRegression> = None;
        for (ci, &c) in cs.iter().enumerate() {
            let warm = prev.as_ref().filter(|m| m.classes() == all_classes.as_slice());
            let m = params.clone().c(c).warm_start_from(warm).fit(&trd)?;
            if m.classes() != all_classes.as_slice() {
                return Err(LinearError::NotAvailable(format!("fold {f} misses a class; use fewer folds")));
            }
            let proba = m.predict_proba(&te.x)?;
            scores[[f, ci]] = if all_classes.len() == 2 {
                let yt: Vec<bool> = te.y.iter().map(|&v| v == all_classes[1]).collect();
                metrics::classification::log_loss(&yt, proba.column(1).to_vec().as_slice())?
            } else {
                let eps = 1e-15;
                te.y.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let k = all_classes.iter().position(|c| c == v).expect("class seen in training");
                        -proba[[i, k]].clamp(eps, 1.0).ln()
                    })
                    .sum::<f64>()
                    / te.y.len() as f64
            };
            prev = Some(m);
        }
    }
    let res = summarise(cs.to_vec(), scores);
    let model = params.clone().c(res.best).fit(data)?;
    Ok((res, model))
}
