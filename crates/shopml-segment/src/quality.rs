//! Internal cluster-quality indices: silhouette (exact and sampled),
//! Calinski–Harabasz and Davies–Bouldin. They follow scikit-learn's
//! definitions, so values can be compared directly.
//!
//! Labels are any `usize` ids; they are compacted to `0..k` first (ids with
//! no rows do not count as clusters).

use ndarray::{Array2, ArrayView2};
use rand::{SeedableRng, rngs::StdRng};
use rayon::prelude::*;

use crate::error::{Result, SegmentError};
use crate::float::check_records;

/// Compact labels and the number of clusters.
fn compact(n: usize, labels: &[usize]) -> Result<(Vec<usize>, usize)> {
    if labels.len() != n {
        return Err(shopml_core::Error::shape("labels vs records", format!("{n} labels"), format!("{} labels", labels.len())).into());
    }
    let mut ids: Vec<usize> = labels.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let out = labels.iter().map(|l| ids.binary_search(l).expect("present")).collect();
    Ok((out, ids.len()))
}

fn check(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<(Vec<usize>, usize)> {
    check_records("records", x)?;
    let (l, k) = compact(x.nrows(), labels)?;
    if k < 2 || k >= x.nrows() {
        return Err(SegmentError::InvalidLabels(format!(
            "need 2 ≤ number of clusters ≤ n_samples − 1, got {k} clusters for {} rows",
            x.nrows()
        )));
    }
    Ok((l, k))
}

#[inline]
fn dist(a: ndarray::ArrayView1<'_, f64>, b: ndarray::ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(u, v)| (u - v) * (u - v)).sum::<f64>().sqrt()
}

/// Mean silhouette coefficient over all rows (Rousseeuw, 1987, "Silhouettes:
/// a graphical aid to the interpretation and validation of cluster
/// analysis", J. Comput. Appl. Math. 20), Euclidean distance. A row alone in
/// its cluster scores 0. `O(n² d)` time, `O(n k)` memory, parallel over rows.
pub fn silhouette(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64> {
    let (l, k) = check(x, labels)?;
    Ok(silhouette_compact(x, &l, k))
}

fn silhouette_compact(x: ArrayView2<'_, f64>, l: &[usize], k: usize) -> f64 {
    let (n, d) = x.dim();
    let xs = x.as_standard_layout();
    let data = xs.as_slice().expect("standard layout");
    let mut size = vec![0usize; k];
    for &c in l {
        size[c] += 1;
    }
    let s: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut sum = vec![0.0; k];
            let xi = &data[i * d..(i + 1) * d];
            for (j, xj) in data.chunks_exact(d).enumerate() {
                let mut acc = 0.0;
                for t in 0..d {
                    let u = xi[t] - xj[t];
                    acc += u * u;
                }
                sum[l[j]] += acc.sqrt();
            }
            let own = l[i];
            if size[own] <= 1 {
                return 0.0;
            }
            let a = sum[own] / (size[own] - 1) as f64;
            let b = (0..k).filter(|&c| c != own && size[c] > 0).map(|c| sum[c] / size[c] as f64).fold(f64::INFINITY, f64::min);
            let m = a.max(b);
            if m > 0.0 { (b - a) / m } else { 0.0 }
        })
        .collect();
    s.iter().sum::<f64>() / n as f64
}

/// Silhouette on a random subset of `sample_size` rows (drawn without
/// replacement with `seed`), as scikit-learn's `silhouette_score(...,
/// sample_size=…)`: both the scored rows and the rows they are compared
/// with are the subset. Falls back to the exact value when
/// `sample_size ≥ n`. Cost `O(m² d)`.
pub fn silhouette_sampled(x: ArrayView2<'_, f64>, labels: &[usize], sample_size: usize, seed: u64) -> Result<f64> {
    check(x, labels)?;
    let n = x.nrows();
    if sample_size >= n {
        return silhouette(x, labels);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut idx = rand::seq::index::sample(&mut rng, n, sample_size).into_vec();
    idx.sort_unstable();
    let sub = x.select(ndarray::Axis(0), &idx);
    let sl: Vec<usize> = idx.iter().map(|&i| labels[i]).collect();
    silhouette(sub.view(), &sl)
}

fn centroids(x: ArrayView2<'_, f64>, l: &[usize], k: usize) -> (Array2<f64>, Vec<usize>) {
    let d = x.ncols();
    let mut c = Array2::zeros((k, d));
    let mut size = vec![0usize; k];
    for (i, &li) in l.iter().enumerate() {
        size[li] += 1;
        let mut r = c.row_mut(li);
        r += &x.row(i);
    }
    for j in 0..k {
        let s = size[j] as f64;
        c.row_mut(j).mapv_inplace(|v| v / s);
    }
    (c, size)
}

/// Calinski–Harabasz index (Caliński & Harabasz, 1974, "A dendrite method for
/// cluster analysis", Comm. Statist. 3): between-cluster over within-cluster
/// dispersion, each divided by its degrees of freedom; higher is better.
/// Returns 1 when the within-cluster dispersion is zero (scikit-learn's convention).
pub fn calinski_harabasz(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64> {
    let (l, k) = check(x, labels)?;
    let n = x.nrows();
    let (c, size) = centroids(x, &l, k);
    let mean = x.mean_axis(ndarray::Axis(0)).expect("non-empty");
    let mut between = 0.0;
    for j in 0..k {
        between += size[j] as f64 * dist(c.row(j), mean.view()).powi(2);
    }
    let mut within = 0.0;
    for (i, &li) in l.iter().enumerate() {
        within += dist(x.row(i), c.row(li)).powi(2);
    }
    Ok(if within == 0.0 { 1.0 } else { between * (n - k) as f64 / (within * (k - 1) as f64) })
}

/// Davies–Bouldin index (Davies & Bouldin, 1979, "A cluster separation
/// measure", IEEE TPAMI 1(2)): mean over clusters of the worst ratio of summed
/// within-cluster scatter to centroid separation; lower is better, 0 at best.
pub fn davies_bouldin(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64> {
    let (l, k) = check(x, labels)?;
    let (c, size) = centroids(x, &l, k);
    let mut scatter = vec![0.0; k];
    for (i, &li) in l.iter().enumerate() {
        scatter[li] += dist(x.row(i), c.row(li));
    }
    for j in 0..k {
        scatter[j] /= size[j] as f64;
    }
    if scatter.iter().all(|&s| s.abs() < 1e-15) {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for a in 0..k {
        let mut worst: f64 = 0.0;
        for b in 0..k {
            if a != b {
                let sep = dist(c.row(a), c.row(b));
                let r = if sep == 0.0 { 0.0 } else { (scatter[a] + scatter[b]) / sep };
                worst = worst.max(r);
            }
        }
        total += worst;
    }
    Ok(total / k as f64)
}
