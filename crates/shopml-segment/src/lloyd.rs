//! The compute kernels: assignment by chunked matrix products, per-block
//! partial sums reduced in a fixed order, Hamerly's bounded assignment, and
//! the driver that iterates either to convergence.
//!
//! Determinism: rows are cut into fixed blocks of [`BLOCK`] rows whatever the
//! thread count; each block is processed sequentially by one task, the
//! per-block partial results are collected in block order and summed
//! sequentially. So a fit gives bit-identical results on 1 or 64 threads.

use ndarray::{Array2, ArrayView2, linalg::general_mat_mul};
use rayon::prelude::*;

use crate::float::Float;

/// Bytes of one chunk's working set (its rows plus its distance tile): half
/// of a 32 KiB L1 data cache, so the centres, the partial sums and the next
/// rows stay resident. Measured on 1M × 16, k = 16: 256-row chunks (a 32 KiB
/// `f64` tile alone) were 12–15 % slower than 64-row ones.
const CHUNK_BYTES: usize = 16 * 1024;

/// Rows per chunk product for `d` features and `kp` padded centres: a
/// multiple of 4 (the kernel's row block) between 16 and 256.
fn chunk_rows<F>(d: usize, kp: usize) -> usize {
    let per_row = (d + kp) * std::mem::size_of::<F>();
    (CHUNK_BYTES / per_row.max(1)).clamp(16, 256) / 4 * 4
}

/// Rows per parallel task. Fixed, so results do not depend on the number of
/// threads (each block's rows are summed in order by one task).
pub(crate) const BLOCK: usize = 8192;

/// Row-major records as one contiguous slice.
#[derive(Clone, Copy)]
pub(crate) struct Rows<'a, F> {
    pub data: &'a [F],
    pub n: usize,
    pub d: usize,
}

impl<'a, F: Float> Rows<'a, F> {
    #[inline(always)]
    pub fn row(&self, i: usize) -> &'a [F] {
        &self.data[i * self.d..(i + 1) * self.d]
    }
    fn block(&self, b: usize) -> (usize, usize) {
        let start = b * BLOCK;
        (start, (start + BLOCK).min(self.n))
    }
}

/// Largest `d` for which the register-blocked kernel below is used; wider
/// rows go through ndarray's GEMM (matrixmultiply), whose packing cost is
/// then amortised.
const SMALL_D: usize = 64;

/// Centres per register block of the distance kernel; the centre count is
/// padded up to a multiple of this (pad centres lie at +∞, so never win).
const LANES: usize = 8;

/// `out[r·kp + j] = ‖c_j‖² − 2 x_r·c_j` for `m` rows: the chunk × centres
/// product, blocked 4 rows × 8 centres in registers, with the centre norms
/// as the accumulators' starting values. `ct` is `−2·Cᵀ` padded to `kp`
/// columns (a multiple of [`LANES`]) and `cnorm` has `kp` entries. For the
/// small `d` and `k` of customer segmentation this beats a packing GEMM
/// (measured with perf on 1M × 16, k = 16: matrixmultiply spent more time
/// packing than multiplying).
#[inline(always)]
fn dots_body<F: Float, const W: usize, const FMA: bool>(x: &[F], m: usize, d: usize, ct: &[F], cnorm: &[F], kp: usize, out: &mut [F]) {
    #[inline(always)]
    fn madd<F: Float, const FMA: bool>(a: F, b: F, c: F) -> F {
        if FMA { a.fused_mul_add(b, c) } else { a * b + c }
    }
    let mut r = 0;
    while r + 4 <= m {
        let xs: [&[F]; 4] = std::array::from_fn(|i| &x[(r + i) * d..(r + i + 1) * d]);
        for j0 in (0..kp).step_by(W) {
            let c0: &[F; W] = cnorm[j0..j0 + W].try_into().expect("W centres");
            let mut acc = [*c0; 4];
            for t in 0..d {
                let c: &[F; W] = ct[t * kp + j0..t * kp + j0 + W].try_into().expect("W centres");
                for i in 0..4 {
                    let xv = xs[i][t];
                    for q in 0..W {
                        acc[i][q] = madd::<F, FMA>(xv, c[q], acc[i][q]);
                    }
                }
            }
            for i in 0..4 {
                out[(r + i) * kp + j0..(r + i) * kp + j0 + W].copy_from_slice(&acc[i]);
            }
        }
        r += 4;
    }
    for r in r..m {
        let xr = &x[r * d..(r + 1) * d];
        for j in 0..kp {
            let mut s = cnorm[j];
            for t in 0..d {
                s = madd::<F, FMA>(xr[t], ct[t * kp + j], s);
            }
            out[r * kp + j] = s;
        }
    }
}

/// Index of the smallest entry of `v` (the lowest index on ties); `v.len()`
/// is a non-zero multiple of [`LANES`]; `lane_ix[q] = q`.
///
/// Branch-free and lane-wise so the compiler keeps it in vector registers:
/// a running (minimum, first index) per lane over blocks of [`LANES`]
/// entries, the overall minimum by a tree across lanes, then the smallest
/// index among the lanes holding it (indices are carried as `F`, exact for
/// any realistic `k`). A scalar compare-and-select scan carries a dependency
/// through every centre and cost about a third of the assignment pass (perf,
/// 1M × 16, k = 16).
#[inline(always)]
fn argmin_lanes<F: Float>(v: &[F], lane_ix: &[F; LANES]) -> usize {
    #[inline(always)]
    fn min<F: Float>(a: F, b: F) -> F {
        if b < a { b } else { a }
    }
    #[inline(always)]
    fn tree_min<F: Float>(mut m: [F; LANES]) -> F {
        let mut w = LANES;
        while w > 1 {
            w /= 2;
            for q in 0..w {
                m[q] = min(m[q], m[q + w]);
            }
        }
        m[0]
    }
    let mut m: [F; LANES] = v[..LANES].try_into().expect("one block");
    let mut ix = *lane_ix;
    let mut base = F::zero();
    let step = F::from_f64(LANES as f64);
    for blk in v[LANES..].chunks_exact(LANES) {
        base = base + step;
        for q in 0..LANES {
            let lt = blk[q] < m[q];
            m[q] = if lt { blk[q] } else { m[q] };
            ix[q] = if lt { base + lane_ix[q] } else { ix[q] };
        }
    }
    let best = tree_min(m);
    let far = F::from_f64(f64::INFINITY);
    let cand: [F; LANES] = std::array::from_fn(|q| if m[q] == best { ix[q] } else { far });
    tree_min(cand).to_f64() as usize
}

/// Centres per register block of the distance kernel: two 256-bit vectors
/// per row, i.e. 16 for `f32` (eight independent FMA chains over 4 rows,
/// enough to cover the FMA latency) and 8 for `f64`; 8 when `k ≤ 8`.
fn kernel_width<F>(k: usize) -> usize {
    if std::mem::size_of::<F>() == 4 && k > LANES { 2 * LANES } else { LANES }
}

/// One block's (or the whole data's) contribution.
pub(crate) struct Partial {
    /// `k × d` weighted sums of the rows assigned to each cluster.
    pub sums: Vec<f64>,
    /// Summed weight per cluster.
    pub weights: Vec<f64>,
    /// Rows whose label changed.
    pub changed: usize,
    /// `Σ wᵢ ‖xᵢ − c_{labelᵢ}‖²` (only from [`assign_with_inertia`]).
    pub inertia: f64,
}

impl Partial {
    fn zeros(k: usize, d: usize) -> Self {
        Partial { sums: vec![0.0; k * d], weights: vec![0.0; k], changed: 0, inertia: 0.0 }
    }
    fn add(&mut self, o: &Partial) {
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        for (a, b) in self.weights.iter_mut().zip(&o.weights) {
            *a += b;
        }
        self.changed += o.changed;
        self.inertia += o.inertia;
    }
}

fn reduce(parts: Vec<Partial>, k: usize, d: usize) -> Partial {
    let mut total = Partial::zeros(k, d);
    for p in &parts {
        total.add(p);
    }
    total
}

#[inline(always)]
fn accumulate<F: Float>(p: &mut Partial, row: &[F], label: usize, w: f64) {
    let d = row.len();
    let s = &mut p.sums[label * d..(label + 1) * d];
    if w == 1.0 {
        for (a, &v) in s.iter_mut().zip(row) {
            *a += v.to_f64();
        }
    } else {
        for (a, &v) in s.iter_mut().zip(row) {
            *a += w * v.to_f64();
        }
    }
    p.weights[label] += w;
}

/// Squared norms of the centres, in the element type.
fn centre_norms<F: Float>(centres: ArrayView2<'_, F>) -> Vec<F> {
    centres.outer_iter().map(|c| c.iter().fold(F::zero(), |a, &v| a + v * v)).collect()
}

/// What one assignment pass needs, shared by every block.
struct AssignCtx<'a, F> {
    x: Rows<'a, F>,
    w: Option<&'a [f64]>,
    /// `‖c_j‖²`, padded with +∞ to `kp` entries.
    cnorm: &'a [F],
    /// `−2·Cᵀ`, row-major `d × kp`, zero in the pad columns.
    ct2: &'a [F],
    k: usize,
    /// `k` rounded up to a multiple of [`LANES`].
    kp: usize,
    d: usize,
    accumulate_sums: bool,
    /// Row-major centres, when the pass also sums the inertia.
    inertia_centres: Option<&'a [F]>,
}

shopml_core::avx2_dispatch!(
    /// [`assign_block`] built with AVX2 + FMA when the CPU has them
    /// ([`shopml_core::simd`]), for the baseline target otherwise.
    fn assign_block_dispatch<F: Float>(ctx: &AssignCtx<'_, F>, start: usize, end: usize, lab: &mut [u32]) -> Partial
        => fma: assign_block::<F, true>, base: assign_block::<F, false>
);

/// Assigns rows `start..end` (labels in `lab`) chunk by chunk; `FAST` builds
/// the body with AVX2 + FMA.
#[inline(always)]
fn assign_block<F: Float, const FAST: bool>(ctx: &AssignCtx<'_, F>, start: usize, end: usize, lab: &mut [u32]) -> Partial {
    let (k, kp, d, x) = (ctx.k, ctx.kp, ctx.d, ctx.x);
    let mut part = Partial::zeros(if ctx.accumulate_sums { k } else { 0 }, d);
    let chunk = chunk_rows::<F>(d, kp);
    let mut tile = vec![F::zero(); chunk * kp];
    let lane_ix: [F; LANES] = std::array::from_fn(|q| F::from_f64(q as f64));
    let ct = ArrayView2::from_shape((d, kp), ctx.ct2).expect("centre matrix shape");
    let mut c0 = start;
    while c0 < end {
        let m = chunk.min(end - c0);
        let xs = &x.data[c0 * d..(c0 + m) * d];
        if d <= SMALL_D {
            if kernel_width::<F>(k) == 2 * LANES {
                dots_body::<F, { 2 * LANES }, FAST>(xs, m, d, ctx.ct2, ctx.cnorm, kp, &mut tile);
            } else {
                dots_body::<F, LANES, FAST>(xs, m, d, ctx.ct2, ctx.cnorm, kp, &mut tile);
            }
        } else {
            for row in tile[..m * kp].chunks_exact_mut(kp) {
                row.copy_from_slice(ctx.cnorm);
            }
            let xa = ArrayView2::from_shape((m, d), xs).expect("chunk shape");
            let mut t = ndarray::ArrayViewMut2::from_shape((m, kp), &mut tile[..m * kp]).expect("tile shape");
            general_mat_mul(F::one(), &xa, &ct, F::one(), &mut t);
        }
        for r in 0..m {
            let best = argmin_lanes(&tile[r * kp..(r + 1) * kp], &lane_ix);
            let i = c0 + r;
            let slot = &mut lab[i - start];
            if *slot != best as u32 {
                part.changed += 1;
                *slot = best as u32;
            }
            let row = &xs[r * d..(r + 1) * d];
            if ctx.accumulate_sums {
                accumulate(&mut part, row, best, ctx.w.map_or(1.0, |w| w[i]));
            }
            if let Some(c) = ctx.inertia_centres {
                part.inertia += ctx.w.map_or(1.0, |w| w[i]) * sq_dist(row, &c[best * d..(best + 1) * d]);
            }
        }
        c0 += m;
    }
    part
}

/// Assigns every row to its nearest centre (ties to the lowest index),
/// writing `labels` and, when `accumulate_sums`, the per-cluster weighted sums.
///
/// Distances are `‖c‖² − 2 x·c` (the row's own norm does not change the
/// argmin), the cross term computed for a chunk of rows at a time (see [`chunk_rows`]) as one GEMM.
pub(crate) fn assign<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[f64]>,
    centres: ArrayView2<'_, F>,
    labels: &mut [u32],
    accumulate_sums: bool,
) -> Partial {
    assign_pass(x, w, centres, labels, accumulate_sums, false)
}

/// Labels every row and returns the inertia of that labelling, summed
/// directly (`‖x − c‖²`, not by expansion) in the same pass over the records.
pub(crate) fn assign_with_inertia<F: Float>(x: Rows<'_, F>, w: Option<&[f64]>, centres: ArrayView2<'_, F>, labels: &mut [u32]) -> f64 {
    assign_pass(x, w, centres, labels, false, true).inertia
}

/// Labels every row; optionally sums the rows per cluster and the inertia
/// (both against `centres`) in the same pass.
pub(crate) fn assign_pass<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[f64]>,
    centres: ArrayView2<'_, F>,
    labels: &mut [u32],
    accumulate_sums: bool,
    with_inertia: bool,
) -> Partial {
    let (k, d) = centres.dim();
    let kw = kernel_width::<F>(k);
    let kp = k.div_ceil(kw) * kw;
    let mut cnorm = centre_norms(centres);
    cnorm.resize(kp, F::from_f64(f64::INFINITY));
    let mut ct2 = vec![F::zero(); d * kp];
    for ((j, t), &v) in centres.indexed_iter() {
        ct2[t * kp + j] = v * F::from_f64(-2.0);
    }
    let cs = centres.as_standard_layout();
    let inertia_centres = if with_inertia { Some(cs.as_slice().expect("standard layout")) } else { None };
    let ctx = AssignCtx { x, w, cnorm: &cnorm, ct2: &ct2, k, kp, d, accumulate_sums, inertia_centres };
    let parts: Vec<Partial> = labels
        .par_chunks_mut(BLOCK)
        .enumerate()
        .map(|(b, lab)| {
            let (start, end) = x.block(b);
            assign_block_dispatch(&ctx, start, end, lab)
        })
        .collect();
    reduce(parts, if accumulate_sums { k } else { 0 }, d)
}

#[inline(always)]
pub(crate) fn sq_dist<F: Float>(a: &[F], b: &[F]) -> f64 {
    let mut s = F::zero();
    for (&u, &v) in a.iter().zip(b) {
        let t = u - v;
        s = s + t * t;
    }
    s.to_f64()
}

/// `Σ wᵢ ‖xᵢ − c_{labelᵢ}‖²`, computed directly (not by expansion).
pub(crate) fn inertia<F: Float>(x: Rows<'_, F>, w: Option<&[f64]>, centres: ArrayView2<'_, F>, labels: &[u32]) -> f64 {
    let cs = centres.as_standard_layout();
    let c = cs.as_slice().expect("standard layout");
    let d = x.d;
    let parts: Vec<f64> = labels
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, lab)| {
            let (start, _) = x.block(b);
            let mut s = 0.0;
            for (o, &l) in lab.iter().enumerate() {
                let i = start + o;
                let l = l as usize;
                s += w.map_or(1.0, |w| w[i]) * sq_dist(x.row(i), &c[l * d..(l + 1) * d]);
            }
            s
        })
        .collect();
    parts.iter().sum()
}

/// Per-row squared distance to the assigned centre (for empty-cluster relocation).
fn distances_to_assigned<F: Float>(x: Rows<'_, F>, centres: &[F], labels: &[u32]) -> Vec<f64> {
    let d = x.d;
    let mut out = vec![0.0; x.n];
    out.par_chunks_mut(BLOCK).enumerate().for_each(|(b, o)| {
        let start = b * BLOCK;
        for (t, v) in o.iter_mut().enumerate() {
            let i = start + t;
            let l = labels[i] as usize;
            *v = sq_dist(x.row(i), &centres[l * d..(l + 1) * d]);
        }
    });
    out
}

/// Turns summed weights into new centres. Empty clusters are first given the
/// rows farthest from their current centres (each such row's weight is moved
/// out of its old cluster's sums), as scikit-learn does; a cluster whose
/// weight is still zero keeps its old centre. Returns the number of relocations.
pub(crate) fn update_centres<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[f64]>,
    old: &Array2<F>,
    labels: &[u32],
    part: &mut Partial,
) -> (Array2<F>, usize) {
    let (k, d) = old.dim();
    let empty: Vec<usize> = (0..k).filter(|&j| part.weights[j] <= 0.0).collect();
    let mut relocated = 0;
    if !empty.is_empty() {
        let olds = old.as_slice().expect("centres are standard layout");
        let dist = distances_to_assigned(x, olds, labels);
        let mut order: Vec<usize> = (0..x.n).filter(|&i| w.is_none_or(|w| w[i] > 0.0)).collect();
        order.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
        for (&j, &i) in empty.iter().zip(&order) {
            let wi = w.map_or(1.0, |w| w[i]);
            let from = labels[i] as usize;
            let row = x.row(i);
            for t in 0..d {
                let v = wi * row[t].to_f64();
                part.sums[from * d + t] -= v;
                part.sums[j * d + t] = v;
            }
            part.weights[from] -= wi;
            part.weights[j] = wi;
            relocated += 1;
        }
    }
    let mut new = old.clone();
    for j in 0..k {
        let wj = part.weights[j];
        if wj > 0.0 {
            for t in 0..d {
                new[[j, t]] = F::from_f64(part.sums[j * d + t] / wj);
            }
        }
    }
    (new, relocated)
}

/// Hamerly's per-row state: label, upper bound on the distance to the own
/// centre, lower bound on the distance to every other centre.
pub(crate) struct HamerlyState {
    upper: Vec<f64>,
    lower: Vec<f64>,
    initialised: bool,
}

impl HamerlyState {
    pub fn new(n: usize) -> Self {
        HamerlyState { upper: vec![0.0; n], lower: vec![0.0; n], initialised: false }
    }
}

/// Nearest and second-nearest centre distances (Euclidean) of one row.
#[inline(always)]
fn two_nearest<F: Float>(row: &[F], c: &[F], k: usize) -> (usize, f64, f64) {
    let d = row.len();
    let (mut b, mut d1, mut d2) = (0usize, f64::INFINITY, f64::INFINITY);
    for j in 0..k {
        let v = sq_dist(row, &c[j * d..(j + 1) * d]);
        if v < d1 {
            d2 = d1;
            d1 = v;
            b = j;
        } else if v < d2 {
            d2 = v;
        }
    }
    (b, d1.sqrt(), d2.sqrt())
}

/// One Hamerly assignment step with the current `centres`; `moved[j]` is how
/// far centre `j` moved since the previous step (zeros on the first).
pub(crate) fn assign_hamerly<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[f64]>,
    centres: &Array2<F>,
    moved: &[f64],
    state: &mut HamerlyState,
    labels: &mut [u32],
) -> Partial {
    let (k, d) = centres.dim();
    let c = centres.as_slice().expect("centres are standard layout");
    // Half the distance from each centre to its nearest other centre.
    let mut half = vec![f64::INFINITY; k];
    for a in 0..k {
        for b in a + 1..k {
            let v = sq_dist(&c[a * d..(a + 1) * d], &c[b * d..(b + 1) * d]).sqrt() * 0.5;
            half[a] = half[a].min(v);
            half[b] = half[b].min(v);
        }
    }
    // Largest and second-largest movement, for the lower bounds.
    let (mut m1, mut m1j, mut m2) = (0.0f64, usize::MAX, 0.0f64);
    for (j, &m) in moved.iter().enumerate() {
        if m > m1 {
            m2 = m1;
            m1 = m;
            m1j = j;
        } else if m > m2 {
            m2 = m;
        }
    }
    let init = !state.initialised;
    let parts: Vec<Partial> = labels
        .par_chunks_mut(BLOCK)
        .zip(state.upper.par_chunks_mut(BLOCK))
        .zip(state.lower.par_chunks_mut(BLOCK))
        .enumerate()
        .map(|(b, ((lab, up), lo))| {
            let start = b * BLOCK;
            let mut part = Partial::zeros(k, d);
            for t in 0..lab.len() {
                let i = start + t;
                let row = x.row(i);
                let label;
                if init {
                    let (j, d1, d2) = two_nearest(row, c, k);
                    up[t] = d1;
                    lo[t] = d2;
                    label = j;
                } else {
                    let a = lab[t] as usize;
                    up[t] += moved[a];
                    lo[t] -= if a == m1j { m2 } else { m1 };
                    let z = lo[t].max(half[a]);
                    if up[t] > z {
                        up[t] = sq_dist(row, &c[a * d..(a + 1) * d]).sqrt();
                        if up[t] > z {
                            let (j, d1, d2) = two_nearest(row, c, k);
                            up[t] = d1;
                            lo[t] = d2;
                            label = j;
                        } else {
                            label = a;
                        }
                    } else {
                        label = a;
                    }
                }
                if lab[t] != label as u32 {
                    part.changed += 1;
                    lab[t] = label as u32;
                }
                accumulate(&mut part, row, label, w.map_or(1.0, |w| w[i]));
            }
            part
        })
        .collect();
    state.initialised = true;
    reduce(parts, k, d)
}

/// The outcome of one k-means run from one set of initial centres.
pub(crate) struct Run<F> {
    pub centres: Array2<F>,
    pub labels: Vec<u32>,
    pub inertia: f64,
    pub n_iter: usize,
    pub converged: bool,
}

/// Iterates Lloyd (or Hamerly) from `centres` until no label changes, the
/// summed squared centre shift is at most `tol_abs`, or `max_iter`.
pub(crate) fn run<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[f64]>,
    mut centres: Array2<F>,
    max_iter: usize,
    tol_abs: f64,
    hamerly: bool,
) -> Run<F> {
    let k = centres.nrows();
    let mut labels = vec![u32::MAX; x.n];
    let mut strict = false;
    let mut converged = false;
    let mut n_iter = 0;
    let mut state = if hamerly { Some(HamerlyState::new(x.n)) } else { None };
    let mut moved = vec![0.0; k];
    for it in 0..max_iter {
        n_iter = it + 1;
        let mut part = match state.as_mut() {
            Some(s) => assign_hamerly(x, w, &centres, &moved, s, &mut labels),
            None => assign(x, w, centres.view(), &mut labels, true),
        };
        let (new, _) = update_centres(x, w, &centres, &labels, &mut part);
        let mut shift = 0.0;
        for j in 0..k {
            let s: f64 = new.row(j).iter().zip(centres.row(j)).map(|(&a, &b)| (a.to_f64() - b.to_f64()).powi(2)).sum();
            moved[j] = s.sqrt();
            shift += s;
        }
        centres = new;
        if part.changed == 0 {
            strict = true;
            converged = true;
            break;
        }
        if shift <= tol_abs {
            converged = true;
            break;
        }
    }
    // The final labelling (after non-strict convergence) sums the inertia in
    // the same pass; after strict convergence the labels stand.
    let inertia = if strict { inertia(x, w, centres.view(), &labels) } else { assign_with_inertia(x, w, centres.view(), &mut labels) };
    Run { centres, labels, inertia, n_iter, converged }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First index of the minimum by a plain scan: the reference.
    fn scan(v: &[f64]) -> usize {
        let mut b = 0;
        for j in 1..v.len() {
            if v[j] < v[b] {
                b = j;
            }
        }
        b
    }

    /// The register-blocked kernel at both widths against a plain triple loop.
    #[test]
    fn kernel_matches_the_definition() {
        fn check<F: Float, const W: usize>(m: usize, d: usize, k: usize) {
            let kp = k.div_ceil(W) * W;
            let x: Vec<F> = (0..m * d).map(|i| F::from_f64(((i * 37) % 23) as f64 / 7.0 - 1.5)).collect();
            let c: Vec<f64> = (0..k * d).map(|i| ((i * 11) % 17) as f64 / 5.0 - 1.0).collect();
            let mut ct = vec![F::zero(); d * kp];
            let mut cn = vec![F::from_f64(f64::INFINITY); kp];
            for j in 0..k {
                cn[j] = F::from_f64((0..d).map(|t| c[j * d + t].powi(2)).sum());
                for t in 0..d {
                    ct[t * kp + j] = F::from_f64(-2.0 * c[j * d + t]);
                }
            }
            let mut out = vec![F::zero(); m * kp];
            dots_body::<F, W, false>(&x, m, d, &ct, &cn, kp, &mut out);
            for r in 0..m {
                for j in 0..kp {
                    let got = out[r * kp + j].to_f64();
                    if j >= k {
                        assert_eq!(got, f64::INFINITY);
                        continue;
                    }
                    let want: f64 = (0..d).map(|t| c[j * d + t].powi(2) - 2.0 * x[r * d + t].to_f64() * c[j * d + t]).sum();
                    assert!((got - want).abs() <= 1e-4 * (1.0 + want.abs()), "row {r} centre {j}: {got} vs {want}");
                }
            }
        }
        for (m, d, k) in [(1, 1, 1), (7, 3, 5), (13, 16, 16), (9, 5, 17), (4, 2, 33)] {
            check::<f64, LANES>(m, d, k);
            check::<f32, { 2 * LANES }>(m, d, k);
            check::<f32, LANES>(m, d, k);
        }
    }

    #[test]
    fn argmin_matches_a_scan_including_ties() {
        let lane_ix: [f64; LANES] = std::array::from_fn(|q| q as f64);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..20_000 {
            let kp = LANES * (1 + case % 5);
            // Few distinct values, so ties (in any lane and block) are common.
            let v: Vec<f64> = (0..kp).map(|_| (next() % 4) as f64 - 1.5).collect();
            assert_eq!(argmin_lanes(&v, &lane_ix), scan(&v), "{v:?}");
            let w: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            let lane32: [f32; LANES] = std::array::from_fn(|q| q as f32);
            assert_eq!(argmin_lanes(&w, &lane32), scan(&v));
        }
        // +inf padding never wins over finite values, and an all-inf row picks 0.
        let mut v = vec![f64::INFINITY; 16];
        assert_eq!(argmin_lanes(&v, &lane_ix), 0);
        v[11] = 3.0;
        assert_eq!(argmin_lanes(&v, &lane_ix), 11);
    }
}
