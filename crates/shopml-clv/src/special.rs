//! Special functions: log-gamma, digamma, log-beta, log-space sums and the
//! Gaussian hypergeometric function ₂F₁ evaluated in log space.
//!
//! ₂F₁ is summed as a power series whose partial sum carries a separate
//! logarithmic scale (rescaled by 10²⁵⁰ when needed), so a series whose terms grow past 10³⁰⁰
//! before they shrink (large purchase counts make the upper parameters large)
//! never overflows; and Euler's transformation
//! `₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z)` is used
//! whenever it makes the upper parameters smaller, which turns the
//! Pareto/NBD and BG/NBD series into ones with bounded, quickly shrinking
//! terms (see `docs/clv.md`).

/// `ln Γ(x)` for `x > 0` (musl's algorithm via the `libm` crate).
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The digamma function ψ(x) = d ln Γ(x) / dx for `x > 0`: the recurrence
/// ψ(x) = ψ(x + 1) − 1/x up to `x ≥ 10`, then the asymptotic series.
pub fn digamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    let tail = f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))));
    acc + x.ln() - 0.5 / x - tail
}

/// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)`.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// `ln(eᵃ + eᵇ)` without overflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// `ln(eᵃ − eᵇ)` for `a ≥ b` (`−∞` when they are equal).
pub fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + (-(b - a).exp()).ln_1p()
}

/// Upper bound on the number of series terms (reached only for `z`
/// within about 10⁻⁵ of 1).
const MAX_TERMS: usize = 2_000_000;

/// `ln |₂F₁(a, b; c; z)|` and the sign, for `0 ≤ z < 1` and `c > 0`;
/// `None` when the series did not converge or summed to zero.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    if !(0.0..1.0).contains(&z) || c <= 0.0 || !(a.is_finite() && b.is_finite() && c.is_finite()) {
        return None;
    }
    if z == 0.0 {
        return Some((0.0, 1.0));
    }
    let (ca, cb) = (c - a, c - b);
    if ca.abs() + cb.abs() < a.abs() + b.abs() {
        let (l, s) = series(ca, cb, c, z)?;
        Some(((c - a - b) * (-z).ln_1p() + l, s))
    } else {
        series(a, b, c, z)
    }
}

/// The plain power series of ₂F₁; the partial sum is kept as
/// `sum · e^scale` and rescaled whenever it grows past 10²⁵⁰, so no term
/// overflows however large the parameters are.
fn series(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    const BIG: f64 = 1e250;
    let ln_big = BIG.ln();
    let mut scale = 0.0f64;
    let mut sum = 1.0f64;
    let mut term = 1.0f64;
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        let ratio = (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        if ratio == 0.0 {
            break;
        }
        if !ratio.is_finite() {
            return None;
        }
        term *= ratio;
        sum += term;
        if sum.abs() > BIG || term.abs() > BIG {
            sum /= BIG;
            term /= BIG;
            scale += ln_big;
        }
        // The ratio tends to z; once it is below one the remaining terms are
        // bounded by a geometric series with the larger of the two rates.
        let rate = ratio.abs().max(z);
        if ratio.abs() < 1.0 && n > 2 && term.abs() * rate / (1.0 - rate) <= 1e-17 * sum.abs() {
            return finish(sum, scale);
        }
    }
    finish_checked(sum, scale, a, b)
}

fn finish(sum: f64, scale: f64) -> Option<(f64, f64)> {
    if sum == 0.0 || !sum.is_finite() { None } else { Some((sum.abs().ln() + scale, sum.signum())) }
}

fn finish_checked(sum: f64, scale: f64, a: f64, b: f64) -> Option<(f64, f64)> {
    // A series that stopped because an upper parameter is a non-positive
    // integer is a polynomial and exact; otherwise the cap was hit.
    let terminating = |p: f64| p <= 0.0 && p == p.round();
    if terminating(a) || terminating(b) { finish(sum, scale) } else { None }
}

/// The standard normal quantile (Acklam's rational approximation refined by
/// one Halley step on `erfc`), for `0 < p < 1`.
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] =
        [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
    const B: [f64; 5] = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] =
        [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let lo = 0.02425;
    let x = if p < lo {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let e = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// `c/(a−1) · [1 − (1−w)^ρ ₂F₁(ρ, c+1−a; c; w)]`, the numerator shared by the
/// BG/NBD and MBG/NBD expectations, summed without cancellation:
/// expanding `(1−w)^{−ρ}` gives `c Σ_{n≥1} NB(n; ρ, w) gₙ` with the negative
/// binomial mass `NB(n) = (ρ)ₙ wⁿ (1−w)^ρ / n!` and
/// `gₙ = (1 − Πₖ₌₀ⁿ⁻¹ (c+1−a+k)/(c+k)) / (a − 1) = −expm1(Σₖ ln1p((1−a)/(c+k))) / (a − 1)`,
/// every term of which is computed to full relative precision, also for
/// a → 0 and b → ∞ where the closed form loses all digits. `None` when
/// `(1−w)^ρ` underflows (very large ρ); the caller then uses ₂F₁.
pub fn dropout_numerator(rho: f64, c: f64, a: f64, w: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&w) || c <= 0.0 {
        return None;
    }
    let mut nb = (rho * (-w).ln_1p()).exp();
    if nb < 1e-280 {
        return None;
    }
    let (mut s_log, mut sum, mut harmonic) = (0.0f64, 0.0f64, 0.0f64);
    let near_one = (1.0 - a).abs() < 1e-9;
    for n in 1..MAX_TERMS {
        let k = (n - 1) as f64;
        nb *= (rho + k) / (k + 1.0) * w;
        s_log += ((1.0 - a) / (c + k)).ln_1p();
        harmonic += 1.0 / (c + k);
        let g = if near_one { harmonic } else { -s_log.exp_m1() / (a - 1.0) };
        let term = nb * g;
        sum += term;
        // NB(n) decreases geometrically (ratio → w) past its mode and gₙ grows slower.
        if (n as f64) > rho * w / (1.0 - w) + 2.0 && term.abs() * w / (1.0 - w) <= 1e-17 * sum.abs() {
            return Some(c * sum);
        }
        if !sum.is_finite() {
            return None;
        }
    }
    None
}

/// [`dropout_numerator`] at several `ws` at once, written to `out` (same
/// length); `false` (with `out` unspecified) where the single-`w` function
/// would return `None` for any of them.
///
/// `gₙ` does not depend on `w`, so it is computed once for all of them, and
/// without a transcendental function per term: with `δₖ = (1−a)/(c+k)`,
/// `Eₙ = gₙ` obeys `Eₙ = Eₙ₋₁ (1 + δₙ₋₁) + 1/(c+n−1)`, `E₀ = 0` (from
/// `Pₙ − 1 = (Pₙ₋₁ − 1)(1 + δ) + δ` divided by `1 − a`). Every term of that
/// recurrence is positive (`1 + δₖ > 0` because `c + k > a − 1`), so it sums
/// without cancellation for any `a`, including `a = 1` where it is the
/// harmonic sum. The negative-binomial masses share the ratio
/// `(ρ+n−1)/n` and differ only by the factor `w` per step.
pub fn dropout_numerators(rho: f64, c: f64, a: f64, ws: &[f64], out: &mut [f64]) -> bool {
    if c <= 0.0 || ws.len() != out.len() || ws.iter().any(|w| !(0.0..1.0).contains(w)) {
        return false;
    }
    let Some((far, &w_far)) = ws.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else { return true };
    // NB(0; ρ, w) = (1 − w)^ρ, kept in `out` until the sums replace them.
    let mut nb: Vec<f64> = ws.iter().map(|&w| (rho * (-w).ln_1p()).exp()).collect();
    if nb.iter().any(|&v| v < 1e-280) {
        return false;
    }
    out.fill(0.0);
    let mut g = 0.0f64;
    let one_minus_a = 1.0 - a;
    for n in 1..MAX_TERMS {
        let k = (n - 1) as f64;
        let inv = 1.0 / (c + k);
        g = g * (1.0 + one_minus_a * inv) + inv;
        let step = (rho + k) / (k + 1.0);
        for ((m, &w), sum) in nb.iter_mut().zip(ws).zip(out.iter_mut()) {
            *m *= step * w;
            *sum += *m * g;
        }
        // The slowest series (largest w) decides, as in `dropout_numerator`.
        let term = nb[far] * g;
        if (n as f64) > rho * w_far / (1.0 - w_far) + 2.0 && term.abs() * w_far / (1.0 - w_far) <= 1e-17 * out[far].abs() {
            for v in out.iter_mut() {
                *v *= c;
            }
            return true;
        }
        if !out[far].is_finite() {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2.
        let g = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + g).abs() < 1e-13);
        assert!((digamma(0.5) + g + 2.0 * 2f64.ln()).abs() < 1e-13);
        // The derivative of ln Γ by central differences.
        for x in [0.3, 2.7, 15.0, 140.0] {
            let h = 1e-5 * x;
            let fd = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - fd).abs() < 1e-7 * (1.0 + fd.abs()), "x = {x}");
        }
    }

    #[test]
    fn many_numerators_equal_one_at_a_time() {
        // Parameters from a → 0 (Online Retail's boundary) to a = 1 and a > 1, with w up to 0.95.
        for &(rho, c, a) in &[(0.3, 2.5, 0.8), (5.2, 40.0, 1e-6), (1.7, 3.0, 1.0), (0.24, 9.2, 3.5), (12.0, 300.0, 0.5)] {
            let ws = [0.0, 0.05, 0.3, 0.6, 0.8, 0.95];
            let mut out = [0.0; 6];
            assert!(dropout_numerators(rho, c, a, &ws, &mut out));
            for (&w, &got) in ws.iter().zip(&out) {
                let want = dropout_numerator(rho, c, a, w).unwrap();
                assert!((got - want).abs() <= 1e-13 * want.abs().max(1e-300), "ρ {rho} c {c} a {a} w {w}: {got} vs {want}");
            }
        }
        let mut out = [0.0; 1];
        assert!(!dropout_numerators(1.0, 2.0, 0.5, &[1.0], &mut out));
        assert!(!dropout_numerators(1.0, -2.0, 0.5, &[0.5], &mut out));
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z.
        for z in [0.1, 0.5, 0.9, 0.999] {
            let (l, s) = ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap();
            let exact = -(-z).ln_1p() / z;
            assert_eq!(s, 1.0);
            assert!((l - exact.ln()).abs() < 1e-12, "z = {z}");
        }
        // ₂F₁(a, b; b; z) = (1 − z)^(−a), with a large a whose plain series overflows.
        let (l, _) = ln_hyp2f1(900.0, 3.5, 3.5, 0.8).unwrap();
        assert!((l - (-900.0 * (0.2f64).ln())).abs() < 1e-9 * l.abs());
        // ₂F₁(a, b; a + 1; z) = a z^(−a) B_z(a, 1 − b) checked against a
        // Simpson integral of a ∫₀¹ t^(a−1) (1 − z t)^(−b) dt.
        for (a, b, z) in [(3.2, 1.7, 0.6), (250.0, 240.0, 0.3), (40.0, 2.5, 0.95)] {
            let n = 200_000;
            let f = |t: f64| a * ((a - 1.0) * t.ln() - b * (-z * t).ln_1p()).exp();
            let h = 1.0 / n as f64;
            let mut s = f(1.0);
            for i in 1..n {
                let w = if i % 2 == 1 { 4.0 } else { 2.0 };
                s += w * f(i as f64 * h);
            }
            let integral = s * h / 3.0;
            let (l, _) = ln_hyp2f1(a, b, a + 1.0, z).unwrap();
            assert!((l - integral.ln()).abs() < 1e-8, "a = {a}, b = {b}, z = {z}: {} vs {}", l, integral.ln());
        }
    }

    #[test]
    fn normal_quantile_inverts_erfc() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        for p in [1e-10, 0.01, 0.3, 0.5, 0.8, 0.999] {
            let x = normal_quantile(p);
            let back = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
            assert!((back - p).abs() < 1e-13 * p.max(1e-3), "p = {p}");
        }
    }
}
