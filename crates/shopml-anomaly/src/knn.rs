//! Exact k-nearest neighbours (Euclidean) for LOF: kiddo's immutable k-d
//! tree ([`kiddo::ImmutableKdTree`]), or a parallel exhaustive scan where a
//! tree does not pay, chosen by scikit-learn's `algorithm="auto"` rule (brute
//! force above 15 features or when `k ≥ n/2`). kiddo fixes the dimension at
//! compile time, so the tree is instantiated for 1 to 15 columns.
//!
//! Distances are `√Σ (aⱼ − bⱼ)²` summed in column order, as scikit-learn's
//! k-d tree computes them. Among rows at exactly the same distance the order
//! (and so which of them is kept as the k-th) is the index's own and may
//! differ from scikit-learn's.

use std::num::NonZero;

use kiddo::SquaredEuclidean;
use kiddo::immutable::float::kdtree::ImmutableKdTree;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

macro_rules! trees {
    ($($k:literal => $v:ident),*) => {
        /// A k-d tree over rows of a fixed width.
        enum Tree {
            $($v(Box<ImmutableKdTree<f64, u32, $k, 32>>)),*
        }

        impl Tree {
            /// The tree for `train`'s width, if it is at most 15.
            fn build(train: &Array2<f64>) -> Option<Tree> {
                match train.ncols() {
                    $($k => {
                        let pts: Vec<[f64; $k]> = train
                            .rows()
                            .into_iter()
                            .map(|r| {
                                let mut p = [0.0; $k];
                                p.iter_mut().zip(r).for_each(|(a, b)| *a = *b);
                                p
                            })
                            .collect();
                        Some(Tree::$v(Box::new(ImmutableKdTree::new_from_slice(&pts))))
                    })*
                    _ => None,
                }
            }

            /// `k ≥ 1` nearest rows as (squared distance, index), nearest first.
            fn nearest(&self, q: &[f64], k: NonZero<usize>) -> Vec<(f64, u32)> {
                match self {
                    $(Tree::$v(t) => {
                        let mut p = [0.0; $k];
                        p.copy_from_slice(q);
                        t.nearest_n::<SquaredEuclidean>(&p, k).into_iter().map(|nn| (nn.distance, nn.item)).collect()
                    })*
                }
            }
        }
    };
}

trees!(1 => D1, 2 => D2, 3 => D3, 4 => D4, 5 => D5, 6 => D6, 7 => D7, 8 => D8, 9 => D9, 10 => D10, 11 => D11, 12 => D12, 13 => D13, 14 => D14, 15 => D15);

/// A searchable copy of the training rows.
pub(crate) struct Knn {
    train: Array2<f64>,
    tree: Option<Tree>,
}

impl std::fmt::Debug for Knn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Knn").field("rows", &self.train.nrows()).field("tree", &self.tree.is_some()).finish()
    }
}

/// `k` neighbours of each query row: distances and training indices, row-major `n × k`.
pub(crate) struct Neighbours {
    pub dist: Vec<f64>,
    pub idx: Vec<u32>,
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).fold(0.0, |s, v| s + v)
}

impl Knn {
    /// Indexes `train` (finite, standard layout) for queries of `k` neighbours.
    pub(crate) fn new(train: Array2<f64>, k: usize) -> Self {
        let (n, d) = train.dim();
        let use_tree = d <= 15 && k < n / 2;
        let tree = if use_tree { Tree::build(&train) } else { None };
        Knn { train, tree }
    }

    /// The training rows.
    pub(crate) fn train(&self) -> &Array2<f64> {
        &self.train
    }

    /// The `k` nearest training rows of each row of `q`, nearest first. With
    /// `exclude_self` (`q` is the training set) each row's own index is left
    /// out; when `k + 1` duplicates hide it, the first neighbour is dropped
    /// instead (scikit-learn's rule).
    pub(crate) fn query(&self, q: ArrayView2<'_, f64>, k: usize, exclude_self: bool) -> Neighbours {
        let n = q.nrows();
        let kq = k + exclude_self as usize;
        let mut dist = vec![0.0; n * k];
        let mut idx = vec![0u32; n * k];
        dist.par_chunks_mut(k).zip(idx.par_chunks_mut(k)).enumerate().with_min_len(64).for_each(|(i, (dr, ir))| {
            let row = q.row(i).to_vec();
            let found: Vec<(f64, u32)> = match &self.tree {
                // k = 0 asks for no neighbours (LOF's parameters rule it out).
                Some(t) => NonZero::new(kq).map_or_else(Vec::new, |kq| t.nearest(&row, kq)),
                None => {
                    let mut all: Vec<(f64, u32)> = self
                        .train
                        .rows()
                        .into_iter()
                        .enumerate()
                        .map(|(j, tr)| {
                            // Rows are contiguous (the training matrix is kept in standard layout).
                            let d = match tr.as_slice() {
                                Some(s) => sq_dist(&row, s),
                                None => sq_dist(&row, &tr.to_vec()),
                            };
                            (d, j as u32)
                        })
                        .collect();
                    let cmp = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
                    if all.len() > kq {
                        all.select_nth_unstable_by(kq - 1, cmp);
                        all.truncate(kq);
                    }
                    all.sort_unstable_by(cmp);
                    all
                }
            };
            let skip = if exclude_self { found.iter().position(|&(_, j)| j as usize == i).unwrap_or(0) } else { usize::MAX };
            let mut c = 0;
            for (p, &(d2, j)) in found.iter().enumerate() {
                if p == skip || c == k {
                    continue;
                }
                dr[c] = d2.sqrt();
                ir[c] = j;
                c += 1;
            }
        });
        Neighbours { dist, idx }
    }
}
