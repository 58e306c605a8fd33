//! Initial centres: greedy k-means++ and weighted random rows.

use ndarray::Array2;
use rand::{Rng, RngCore};
use rayon::prelude::*;

use crate::float::Float;
use crate::lloyd::{BLOCK, Rows, sq_dist};

/// Index `i` of the first prefix sum `cum[i] >= v` (numpy's `searchsorted`,
/// side "left"), clipped to the last index.
fn search(cum: &[f64], v: f64) -> usize {
    cum.partition_point(|&c| c < v).min(cum.len() - 1)
}

/// Draws one row with probability proportional to `weight` (uniform without weights).
fn draw_weighted(rng: &mut dyn RngCore, n: usize, w: Option<&[f64]>) -> usize {
    match w {
        None => rng.random_range(0..n),
        Some(w) => {
            let mut cum = Vec::with_capacity(n);
            let mut s = 0.0;
            for &v in w {
                s += v;
                cum.push(s);
            }
            search(&cum, rng.random::<f64>() * s)
        }
    }
}

fn copy_rows<F: Float>(x: Rows<'_, F>, idx: &[usize]) -> Array2<F> {
    let mut c = Array2::zeros((idx.len(), x.d));
    for (r, &i) in idx.iter().enumerate() {
        for (t, &v) in x.row(i).iter().enumerate() {
            c[[r, t]] = v;
        }
    }
    c
}

/// Greedy k-means++ (Arthur & Vassilvitskii, 2007), with `trials` candidates
/// per step as in scikit-learn: the candidate that most lowers the weighted
/// potential `Σ wᵢ minⱼ ‖xᵢ − cⱼ‖²` is kept. Returns row indices.
pub(crate) fn kmeans_plusplus<F: Float>(x: Rows<'_, F>, w: Option<&[f64]>, k: usize, trials: usize, rng: &mut dyn RngCore) -> Vec<usize> {
    let n = x.n;
    let first = draw_weighted(rng, n, w);
    let mut chosen = vec![first];
    let mut closest = vec![0.0f64; n];
    closest.par_chunks_mut(BLOCK).enumerate().for_each(|(b, o)| {
        for (t, v) in o.iter_mut().enumerate() {
            *v = sq_dist(x.row(b * BLOCK + t), x.row(first));
        }
    });
    let wt = |i: usize| w.map_or(1.0, |w| w[i]);
    let mut cum = vec![0.0; n];
    while chosen.len() < k {
        let mut s = 0.0;
        for i in 0..n {
            s += wt(i) * closest[i];
            cum[i] = s;
        }
        let pot = s;
        let cands: Vec<usize> = (0..trials)
            .map(|_| {
                let v = rng.random::<f64>() * pot;
                if pot > 0.0 { search(&cum, v) } else { draw_weighted(rng, n, w) }
            })
            .collect();
        // Potential after adding each candidate, from per-block partials summed in block order.
        let parts: Vec<Vec<f64>> = closest
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(b, cl)| {
                let mut p = vec![0.0; cands.len()];
                for (t, &c0) in cl.iter().enumerate() {
                    let i = b * BLOCK + t;
                    let wi = wt(i);
                    let row = x.row(i);
                    for (q, &c) in cands.iter().enumerate() {
                        p[q] += wi * c0.min(sq_dist(row, x.row(c)));
                    }
                }
                p
            })
            .collect();
        let mut pots = vec![0.0; cands.len()];
        for p in &parts {
            for (a, b) in pots.iter_mut().zip(p) {
                *a += b;
            }
        }
        let mut best = 0;
        for q in 1..cands.len() {
            if pots[q] < pots[best] {
                best = q;
            }
        }
        let c = cands[best];
        chosen.push(c);
        closest.par_chunks_mut(BLOCK).enumerate().for_each(|(b, o)| {
            for (t, v) in o.iter_mut().enumerate() {
                *v = v.min(sq_dist(x.row(b * BLOCK + t), x.row(c)));
            }
        });
    }
    chosen
}

/// `k` distinct rows, drawn uniformly or (with weights) proportionally to
/// weight without replacement. Returns row indices.
pub(crate) fn random_rows(n: usize, w: Option<&[f64]>, k: usize, rng: &mut dyn RngCore) -> Vec<usize> {
    match w {
        None => rand::seq::index::sample(rng, n, k).into_vec(),
        Some(w) => {
            let mut w = w.to_vec();
            let mut out = Vec::with_capacity(k);
            for _ in 0..k {
                let total: f64 = w.iter().sum();
                let i = if total > 0.0 {
                    let mut cum = Vec::with_capacity(n);
                    let mut s = 0.0;
                    for &v in &w {
                        s += v;
                        cum.push(s);
                    }
                    search(&cum, rng.random::<f64>() * total)
                } else {
                    // Fewer positive-weight rows than clusters: take unused rows in order.
                    (0..n).find(|i| !out.contains(i)).unwrap_or(0)
                };
                w[i] = 0.0;
                out.push(i);
            }
            out
        }
    }
}

/// The centres at the chosen row indices.
pub(crate) fn centres_at<F: Float>(x: Rows<'_, F>, idx: &[usize]) -> Array2<F> {
    copy_rows(x, idx)
}
