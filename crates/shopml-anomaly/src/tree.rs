//! Isolation trees stored flat (struct of arrays), built on a tree-local
//! column-major copy of the subsample and walked without allocation.
//!
//! Node `i` is a leaf when `split[i] == LEAF`; then `value[i]` is its path
//! length `depth + c(size)`. Otherwise its children are `left[i]` and
//! `left[i] + 1` (allocated together), and a row goes left when
//!
//! - axis-parallel: `x[split[i]] ≤ value[i]`;
//! - extended: `Σⱼ normals[split[i]·m + j] · x[features[j]] ≤ value[i]`
//!   (`m = features.len()`), the hyperplane `(x − p)·n ≤ 0` with the
//!   intercept folded into `value[i] = p·n`.

use rand::{Rng, RngCore};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// Marks a leaf in [`FlatTree::split`].
pub(crate) const LEAF: u32 = u32::MAX;

/// scikit-learn's `FEATURE_THRESHOLD`: a feature whose range in a node is at
/// most this is constant there.
const FEATURE_THRESHOLD: f64 = 1e-7;

/// Euler–Mascheroni constant.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Average path length of an unsuccessful search in a binary search tree of
/// `n` points (Liu, Ting & Zhou 2008, eq. 1), the normaliser of isolation
/// depths: `c(n) = 2 H(n − 1) − 2 (n − 1)/n` with the harmonic number
/// `H(i) ≈ ln i + γ` (as scikit-learn), `c(1) = 0`, `c(2) = 1`.
pub fn average_path_length(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}

/// One isolation tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FlatTree {
    /// Split column (axis-parallel) or hyperplane index (extended); `LEAF` for leaves.
    pub split: Vec<u32>,
    /// Threshold of an internal node, path length of a leaf.
    pub value: Vec<f64>,
    /// Left child of an internal node (the right child follows it); 0 for leaves.
    pub left: Vec<u32>,
    /// Extended trees: the columns the hyperplanes span (this tree's feature subset).
    pub features: Vec<u32>,
    /// Extended trees: one normal vector of `features.len()` weights per hyperplane.
    pub normals: Vec<f64>,
    /// Axis-parallel walk arrays (derived, not serialised): see [`Walk`].
    #[serde(skip)]
    pub walk: Walk,
}

/// A branch-free view of an axis-parallel tree for walking many rows in
/// lockstep: a leaf has threshold `+∞` and itself as next node, so every row
/// can take exactly `depth` steps and ends on its leaf.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Walk {
    nodes: Vec<WalkNode>,
    depth: usize,
}

/// One node of a [`Walk`], packed in 16 bytes so a step is one load.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WalkNode {
    thr: f64,
    feat: u32,
    next: u32,
}

/// Rows walked together through one tree: independent chains of loads hide
/// each other's latency.
pub(crate) const LANES: usize = 16;

/// How a node is split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SplitKind {
    /// One random non-constant feature, threshold uniform in its range (Liu et al.).
    Axis,
    /// Random hyperplane with `extension_level + 1` non-zero normal weights (Hariri et al.).
    Extended { extension_level: usize },
}

/// Builds a tree on `cols`, a column-major `m × psi` copy of the subsample
/// restricted to `features` (global column ids).
pub(crate) fn build(cols: &[f64], psi: usize, features: &[u32], max_depth: usize, kind: SplitKind, rng: &mut dyn RngCore) -> FlatTree {
    let m = features.len();
    let mut t =
        FlatTree { split: vec![LEAF], value: vec![0.0], left: vec![0], features: Vec::new(), normals: Vec::new(), walk: Walk::default() };
    if matches!(kind, SplitKind::Extended { .. }) {
        t.features = features.to_vec();
    }
    let mut idx: Vec<u32> = (0..psi as u32).collect();
    let mut order: Vec<usize> = (0..m).collect();
    let mut proj: Vec<f64> = Vec::new();
    let mut lo = vec![0.0; m];
    let mut hi = vec![0.0; m];
    let mut normal = vec![0.0; m];
    // (node, start, end, depth)
    let mut stack = vec![(0usize, 0usize, psi, 0usize)];
    while let Some((node, start, end, depth)) = stack.pop() {
        let n = end - start;
        let leaf_value = depth as f64 + average_path_length(n);
        if n < 2 || depth >= max_depth {
            t.value[node] = leaf_value;
            continue;
        }
        let rows = &mut idx[start..end];
        let split = match kind {
            SplitKind::Axis => axis_split(cols, psi, rows, &mut order, rng),
            SplitKind::Extended { extension_level } => {
                extended_split(cols, psi, rows, extension_level, (&mut lo, &mut hi, &mut normal, &mut proj), &mut order, rng)
            }
        };
        let Some((col, threshold, n_left)) = split else {
            t.value[node] = leaf_value;
            continue;
        };
        let child = t.split.len();
        t.split.extend([LEAF, LEAF]);
        t.value.extend([0.0, 0.0]);
        t.left.extend([0, 0]);
        t.left[node] = child as u32;
        t.value[node] = threshold;
        t.split[node] = match kind {
            SplitKind::Axis => features[col],
            SplitKind::Extended { .. } => {
                let h = t.normals.len() / m.max(1);
                t.normals.extend_from_slice(&normal);
                h as u32
            }
        };
        stack.push((child + 1, start + n_left, end, depth + 1));
        stack.push((child, start, start + n_left, depth + 1));
    }
    t.finish();
    t
}

/// Partitions `rows` so that the first `n_left` satisfy `goes_left`.
fn partition(rows: &mut [u32], goes_left: impl Fn(u32) -> bool) -> usize {
    let mut i = 0;
    for j in 0..rows.len() {
        if goes_left(rows[j]) {
            rows.swap(i, j);
            i += 1;
        }
    }
    i
}

/// scikit-learn's random splitter with `max_features = 1`: draw features in
/// random order until one is non-constant in the node, threshold uniform in
/// `[min, max)` (a draw equal to `max` becomes `min`), `x ≤ t` goes left.
/// `None` when every feature is constant (the node becomes a leaf).
fn axis_split(cols: &[f64], psi: usize, rows: &mut [u32], order: &mut [usize], rng: &mut dyn RngCore) -> Option<(usize, f64, usize)> {
    let mut remaining = order.len();
    while remaining > 0 {
        let j = rng.random_range(0..remaining);
        order.swap(j, remaining - 1);
        remaining -= 1;
        let f = order[remaining];
        let col = &cols[f * psi..(f + 1) * psi];
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &r in rows.iter() {
            let v = col[r as usize];
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi <= lo + FEATURE_THRESHOLD {
            continue;
        }
        let mut thr = rng.random_range(lo..hi);
        if thr >= hi {
            thr = lo;
        }
        let n_left = partition(rows, |r| col[r as usize] <= thr);
        return Some((f, thr, n_left));
    }
    None
}

/// Hariri, Kind & Brunner's random hyperplane: normal weights standard
/// normal, all but `extension_level + 1` of them (chosen at random) zeroed,
/// intercept point uniform in the node's bounding box. `None` when the node's
/// rows are all identical on the features.
fn extended_split(
    cols: &[f64],
    psi: usize,
    rows: &mut [u32],
    extension_level: usize,
    buf: (&mut [f64], &mut [f64], &mut [f64], &mut Vec<f64>),
    order: &mut [usize],
    rng: &mut dyn RngCore,
) -> Option<(usize, f64, usize)> {
    let (lo, hi, normal, proj) = buf;
    let m = lo.len();
    let mut any_spread = false;
    for f in 0..m {
        let col = &cols[f * psi..(f + 1) * psi];
        let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
        for &r in rows.iter() {
            let v = col[r as usize];
            a = a.min(v);
            b = b.max(v);
        }
        lo[f] = a;
        hi[f] = b;
        any_spread |= b > a + FEATURE_THRESHOLD;
    }
    if !any_spread {
        return None;
    }
    for w in normal.iter_mut() {
        *w = StandardNormal.sample(rng);
    }
    // Zero m − (extension_level + 1) weights chosen uniformly.
    let keep = (extension_level + 1).min(m);
    for (k, o) in order.iter_mut().enumerate() {
        *o = k;
    }
    for k in 0..m - keep {
        let j = rng.random_range(k..m);
        order.swap(k, j);
        normal[order[k]] = 0.0;
    }
    let mut thr = 0.0;
    for f in 0..m {
        let p = if hi[f] > lo[f] { rng.random_range(lo[f]..hi[f]) } else { lo[f] };
        thr += normal[f] * p;
    }
    proj.clear();
    proj.resize(psi, 0.0);
    for &r in rows.iter() {
        let mut s = 0.0;
        for f in 0..m {
            s += normal[f] * cols[f * psi + r as usize];
        }
        proj[r as usize] = s;
    }
    let n_left = partition(rows, |r| proj[r as usize] <= thr);
    Some((0, thr, n_left))
}

impl FlatTree {
    /// Derives the walk arrays (call after building or validating).
    pub(crate) fn finish(&mut self) {
        if !self.normals.is_empty() || !self.features.is_empty() {
            self.walk = Walk::default();
            return;
        }
        let n = self.split.len();
        let mut w = Walk { nodes: (0..n as u32).map(|i| WalkNode { thr: f64::INFINITY, feat: 0, next: i }).collect(), depth: 0 };
        let mut depth = vec![0usize; n];
        for i in 0..n {
            if self.split[i] != LEAF {
                w.nodes[i] = WalkNode { thr: self.value[i], feat: self.split[i], next: self.left[i] };
                let l = self.left[i] as usize;
                depth[l] = depth[i] + 1;
                depth[l + 1] = depth[i] + 1;
                w.depth = w.depth.max(depth[i] + 1);
            }
        }
        self.walk = w;
    }

    /// Adds the path lengths of `LANES` rows to `out`: `rows` row-major
    /// (`d` values each, for extended trees) and the same rows as `cols`,
    /// one `[f64; LANES]` per feature (for the axis-parallel walk: a lane's
    /// value is then `cols[feature][lane]`, indexed by a constant bound).
    #[inline]
    pub(crate) fn add_path_lengths(&self, rows: &[f64], cols: &[[f64; LANES]], d: usize, out: &mut [f64]) {
        if self.walk.nodes.is_empty() {
            for (o, row) in out.iter_mut().zip(rows.chunks_exact(d)) {
                *o += self.path_length(row);
            }
            return;
        }
        let w = &self.walk;
        let mut node = [0u32; LANES];
        for _ in 0..w.depth {
            for k in 0..LANES {
                let nd = w.nodes[node[k] as usize];
                let go = (cols[nd.feat as usize][k] > nd.thr) as u32;
                node[k] = nd.next + go;
            }
        }
        for k in 0..LANES {
            out[k] += self.value[node[k] as usize];
        }
    }

    /// Path length `h(x)` of one row (edges to its leaf plus `c(leaf size)`).
    #[inline]
    pub(crate) fn path_length(&self, x: &[f64]) -> f64 {
        let mut node = 0usize;
        if self.normals.is_empty() {
            while self.split[node] != LEAF {
                let go_right = x[self.split[node] as usize] > self.value[node];
                node = self.left[node] as usize + go_right as usize;
            }
        } else {
            let m = self.features.len();
            while self.split[node] != LEAF {
                let w = &self.normals[self.split[node] as usize * m..(self.split[node] as usize + 1) * m];
                let s: f64 = w.iter().zip(&self.features).map(|(w, &f)| w * x[f as usize]).sum();
                node = self.left[node] as usize + (s > self.value[node]) as usize;
            }
        }
        self.value[node]
    }

    /// Adds, for one row, each split column's share of the path to `credit`
    /// (`1/depth_of_leaf` per split on the path, extended splits spreading it by
    /// `|wⱼ| / Σ|w|`), so features that isolate the row early and often get
    /// the most credit. Returns the path length.
    pub(crate) fn attribute(&self, x: &[f64], credit: &mut [f64], path: &mut Vec<(usize, usize)>) -> f64 {
        path.clear();
        let mut node = 0usize;
        let m = self.features.len();
        while self.split[node] != LEAF {
            let s = self.split[node] as usize;
            path.push((node, s));
            let go_right = if self.normals.is_empty() {
                x[s] > self.value[node]
            } else {
                let w = &self.normals[s * m..(s + 1) * m];
                w.iter().zip(&self.features).map(|(w, &f)| w * x[f as usize]).sum::<f64>() > self.value[node]
            };
            node = self.left[node] as usize + go_right as usize;
        }
        if !path.is_empty() {
            let share = 1.0 / path.len() as f64;
            for &(_, s) in path.iter() {
                if self.normals.is_empty() {
                    credit[s] += share;
                } else {
                    let w = &self.normals[s * m..(s + 1) * m];
                    let tot: f64 = w.iter().map(|v| v.abs()).sum();
                    if tot > 0.0 {
                        for (wj, &f) in w.iter().zip(&self.features) {
                            credit[f as usize] += share * wj.abs() / tot;
                        }
                    }
                }
            }
        }
        self.value[node]
    }

    /// Structural checks for a tree loaded from JSON: sizes agree, children
    /// come after their parent and are in range, splits name valid columns
    /// or hyperplanes, values are finite.
    pub(crate) fn validate(&self, n_features: usize) -> Result<(), String> {
        let n = self.split.len();
        if n == 0 || self.value.len() != n || self.left.len() != n {
            return Err("tree arrays are empty or of different lengths".into());
        }
        let m = self.features.len();
        let extended = !self.normals.is_empty() || m > 0;
        if extended && (m == 0 || !self.normals.len().is_multiple_of(m)) {
            return Err("extended tree: normals do not match its features".into());
        }
        if self.features.iter().any(|&f| f as usize >= n_features) {
            return Err("extended tree: feature index out of range".into());
        }
        if self.normals.iter().any(|v| !v.is_finite()) {
            return Err("extended tree: non-finite normal".into());
        }
        let n_planes = self.normals.len().checked_div(m).unwrap_or(0);
        for i in 0..n {
            if !self.value[i].is_finite() {
                return Err(format!("node {i}: non-finite value"));
            }
            if self.split[i] == LEAF {
                if self.value[i] < 0.0 {
                    return Err(format!("node {i}: negative path length"));
                }
                continue;
            }
            let l = self.left[i] as usize;
            if l <= i || l + 1 >= n {
                return Err(format!("node {i}: child index {l} out of order or range"));
            }
            let s = self.split[i] as usize;
            if (!extended && s >= n_features) || (extended && s >= n_planes) {
                return Err(format!("node {i}: split index {s} out of range"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_of_n_matches_closed_form() {
        assert_eq!(average_path_length(1), 0.0);
        assert_eq!(average_path_length(2), 1.0);
        // c(256) as scikit-learn's _average_path_length: 2(ln 255 + γ) − 2·255/256.
        let want = 2.0 * (255f64.ln() + 0.5772156649015329) - 2.0 * 255.0 / 256.0;
        assert!((average_path_length(256) - want).abs() < 1e-12);
        // The approximation tracks the exact harmonic-number value 2H(n−1) − 2(n−1)/n
        // up to 2·(H(i) − ln i − γ) ≈ 1/i.
        let h: f64 = (1..1000).map(|i| 1.0 / i as f64).sum();
        let exact = 2.0 * h - 2.0 * 999.0 / 1000.0;
        let gap = average_path_length(1000) - exact;
        assert!(gap < 0.0 && gap.abs() < 1.1 / 999.0, "{gap}");
    }
}
