//! Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with the
//! orthant-wise extension OWL-QN for L1 penalties (Andrew & Gao 2007).
//!
//! Minimises `F(x) = f(x) + Σ l1ⱼ |xⱼ|` for smooth `f`. Without L1 terms this
//! is plain L-BFGS with a backtracking Armijo line search (the quasi-Newton
//! step is tried first, so most iterations take it as is). Stops when the
//! largest (pseudo-)gradient component is at most `gtol` — the criterion of
//! scipy's L-BFGS-B `pgtol`, which scikit-learn sets to its `tol` — or when
//! the relative decrease of `F` drops below `ftol`.

/// Settings of [`minimize`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub memory: usize,
    pub max_iter: usize,
    pub gtol: f64,
    pub ftol: f64,
}

/// Outcome of [`minimize`].
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub x: Vec<f64>,
    pub f: f64,
    pub n_iter: usize,
    pub converged: bool,
}

fn pseudo_gradient(x: &[f64], g: &[f64], l1: &[f64], pg: &mut [f64]) {
    for j in 0..x.len() {
        let lam = l1.get(j).copied().unwrap_or(0.0);
        pg[j] = if lam == 0.0 {
            g[j]
        } else if x[j] > 0.0 {
            g[j] + lam
        } else if x[j] < 0.0 {
            g[j] - lam
        } else if g[j] + lam < 0.0 {
            g[j] + lam
        } else if g[j] - lam > 0.0 {
            g[j] - lam
        } else {
            0.0
        };
    }
}

fn l1_term(x: &[f64], l1: &[f64]) -> f64 {
    l1.iter().zip(x).map(|(l, v)| l * v.abs()).sum()
}

fn dotv(a: &[f64], b: &[f64]) -> f64 {
    crate::kernels::dot(a, b)
}

/// Minimises `eval(x, grad) + Σ l1ⱼ|xⱼ|` from `x0`; `eval` returns `f(x)` and writes `∇f(x)`.
/// `l1` is empty or one weight per coordinate.
pub(crate) fn minimize(mut eval: impl FnMut(&[f64], &mut [f64]) -> f64, x0: Vec<f64>, l1: &[f64], opts: Options) -> Outcome {
    let n = x0.len();
    let has_l1 = l1.iter().any(|&v| v > 0.0);
    let mut x = x0;
    let mut g = vec![0.0; n];
    let mut f = eval(&x, &mut g);
    let mut big_f = f + l1_term(&x, l1);
    let mut pg = vec![0.0; n];
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho_hist: Vec<f64> = Vec::new();
    let mut d = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut alpha = vec![0.0; opts.memory];
    let mut failures = 0usize;
    for it in 0..opts.max_iter {
        pseudo_gradient(&x, &g, l1, &mut pg);
        let pg_max = pg.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if pg_max <= opts.gtol {
            return Outcome { x, f: big_f, n_iter: it, converged: true };
        }
        // Two-loop recursion: d = −H pg.
        d.iter_mut().zip(&pg).for_each(|(di, gi)| *di = -gi);
        let k = s_hist.len();
        for i in (0..k).rev() {
            alpha[i] = rho_hist[i] * dotv(&s_hist[i], &d);
            crate::kernels::axpy(-alpha[i], &y_hist[i], &mut d);
        }
        if k > 0 {
            let gamma = dotv(&s_hist[k - 1], &y_hist[k - 1]) / dotv(&y_hist[k - 1], &y_hist[k - 1]);
            d.iter_mut().for_each(|v| *v *= gamma);
        }
        for i in 0..k {
            let beta = rho_hist[i] * dotv(&y_hist[i], &d);
            crate::kernels::axpy(alpha[i] - beta, &s_hist[i], &mut d);
        }
        if has_l1 {
            // Keep only components that descend along the pseudo-gradient.
            for j in 0..n {
                if d[j] * pg[j] >= 0.0 {
                    d[j] = 0.0;
                }
            }
        }
        let mut gd = dotv(&pg, &d);
        if gd >= 0.0 || !gd.is_finite() {
            // Not a descent direction: restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            d.iter_mut().zip(&pg).for_each(|(di, gi)| *di = -gi);
            gd = dotv(&pg, &d);
        }
        let mut t = if s_hist.is_empty() { (1.0 / dotv(&d, &d).sqrt()).min(1.0) } else { 1.0 };
        let orthant: Vec<f64> =
            if has_l1 { (0..n).map(|j| if x[j] != 0.0 { x[j].signum() } else { -pg[j].signum() }).collect() } else { Vec::new() };
        let mut accepted = false;
        let mut f_new = f;
        let mut big_f_new = big_f;
        for _ in 0..40 {
            for j in 0..n {
                let mut v = x[j] + t * d[j];
                if has_l1 && l1.get(j).copied().unwrap_or(0.0) > 0.0 && v * orthant[j] <= 0.0 {
                    v = 0.0;
                }
                x_new[j] = v;
            }
            f_new = eval(&x_new, &mut g_new);
            big_f_new = f_new + l1_term(&x_new, l1);
            let decrease: f64 = if has_l1 { (0..n).map(|j| pg[j] * (x_new[j] - x[j])).sum() } else { t * gd };
            if big_f_new <= big_f + 1e-4 * decrease {
                accepted = true;
                break;
            }
            // Near the optimum `f` stops resolving progress: accept steps that satisfy
            // the approximate Wolfe conditions (Hager & Zhang 2005) instead.
            if !has_l1 && big_f_new <= big_f + 1e-12 * big_f.abs() {
                let gd_new = dotv(&g_new, &d);
                if gd_new >= 0.9 * gd && gd_new <= -0.8 * gd {
                    accepted = true;
                    break;
                }
            }
            t *= 0.5;
        }
        if !accepted {
            failures += 1;
            if !s_hist.is_empty() && failures < 3 {
                // Retry from steepest descent before giving up.
                s_hist.clear();
                y_hist.clear();
                rho_hist.clear();
                continue;
            }
            // No progress possible at working precision.
            return Outcome { x, f: big_f, n_iter: it + 1, converged: pg_max <= opts.gtol };
        }
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dotv(&s, &yv);
        if sy > 1e-12 * dotv(&yv, &yv).sqrt() * dotv(&s, &s).sqrt() && sy > 0.0 {
            if s_hist.len() == opts.memory {
                s_hist.remove(0);
                y_hist.remove(0);
                rho_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(yv);
            rho_hist.push(1.0 / sy);
        }
        let rel = (big_f - big_f_new) / big_f.abs().max(big_f_new.abs()).max(1.0);
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        f = f_new;
        big_f = big_f_new;
        if opts.ftol > 0.0 && rel <= opts.ftol {
            pseudo_gradient(&x, &g, l1, &mut pg);
            let pg_max = pg.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            return Outcome { x, f: big_f, n_iter: it + 1, converged: pg_max <= opts.gtol || rel <= opts.ftol };
        }
    }
    let _ = f;
    Outcome { x, f: big_f, n_iter: opts.max_iter, converged: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock_minimum() {
        let opts = Options { memory: 10, max_iter: 1000, gtol: 1e-10, ftol: 0.0 };
        let out = minimize(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            vec![-1.2, 1.0],
            &[],
            opts,
        );
        assert!(out.converged);
        assert!((out.x[0] - 1.0).abs() < 1e-8 && (out.x[1] - 1.0).abs() < 1e-8, "{:?}", out.x);
    }

    #[test]
    fn owlqn_soft_thresholds_a_separable_quadratic() {
        // min ½(x − c)² + λ|x| per coordinate has the closed form sign(c)·max(|c| − λ, 0).
        let c = [3.0, -0.5, 0.2, -4.0];
        let lam = [1.0, 1.0, 0.1, 0.0];
        let opts = Options { memory: 5, max_iter: 500, gtol: 1e-12, ftol: 0.0 };
        let out = minimize(
            |x, g| {
                let mut f = 0.0;
                for j in 0..4 {
                    g[j] = x[j] - c[j];
                    f += 0.5 * (x[j] - c[j]).powi(2);
                }
                f
            },
            vec![0.0; 4],
            &lam,
            opts,
        );
        let want = [2.0, 0.0, 0.1, -4.0];
        for j in 0..4 {
            assert!((out.x[j] - want[j]).abs() < 1e-9, "{:?}", out.x);
        }
    }
}
