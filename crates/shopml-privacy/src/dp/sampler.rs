//! Exact samplers on rationals: Bernoulli(p), Bernoulli(exp(−γ)), discrete
//! Laplace and discrete Gaussian (Canonne, Kamath & Steinke 2020,
//! Algorithms 1–3).
//!
//! Every probability is a ratio of integers and every coin is drawn by
//! rejection from uniform integers, so no floating-point number ever touches
//! the noise: the leaks Mironov (2012) found in floating-point Laplace noise
//! (some outputs impossible, others revealing the true value) cannot happen.
//! The arithmetic is exact in `u128` (and 256-bit products in the Gaussian
//! test) for every parameter the constructors accept.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// The random source of the DP mechanisms: ChaCha20, a cryptographically
/// secure generator.
///
/// [`DpRng::from_entropy`] seeds it from the operating system (through
/// `getrandom`) and is the one to use for real releases. [`DpRng::seeded`]
/// makes it reproducible for tests and examples: anyone who knows the seed can
/// subtract the noise again, so never publish output made with a known seed.
#[derive(Clone)]
pub struct DpRng(ChaCha20Rng);

impl std::fmt::Debug for DpRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DpRng(ChaCha20, <state redacted>)")
    }
}

impl DpRng {
    /// ChaCha20 seeded from the operating system's entropy.
    pub fn from_entropy() -> DpRng {
        DpRng(ChaCha20Rng::from_os_rng())
    }

    /// ChaCha20 seeded from `seed`: reproducible, for tests only.
    pub fn seeded(seed: u64) -> DpRng {
        DpRng(ChaCha20Rng::seed_from_u64(seed))
    }

    fn next_u128(&mut self) -> u128 {
        ((self.0.next_u64() as u128) << 64) | self.0.next_u64() as u128
    }

    /// A uniform integer in `0..n` (`n ≥ 1`), by rejection: exact.
    pub fn uniform_below(&mut self, n: u128) -> u128 {
        debug_assert!(n > 0);
        if n <= 1 {
            return 0;
        }
        let bits = 128 - (n - 1).leading_zeros();
        let mask = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
        loop {
            let x = if bits <= 64 { self.0.next_u64() as u128 & mask } else { self.next_u128() & mask };
            if x < n {
                return x;
            }
        }
    }

    /// Bernoulli(num/den), `num ≤ den`, `den ≥ 1`.
    pub fn bernoulli(&mut self, num: u128, den: u128) -> bool {
        self.uniform_below(den) < num
    }

    /// Bernoulli(exp(−num/den)) for `num ≤ den` (Algorithm 1 of CKS 2020,
    /// γ ∈ [0, 1]): count K = 1, 2, … while Bernoulli(γ/K) succeeds; output
    /// whether the final K is odd. Bernoulli(γ/K) is drawn as Bernoulli(γ) and
    /// Bernoulli(1/K) together, which keeps every denominator at most `den`.
    fn bernoulli_exp_unit(&mut self, num: u128, den: u128) -> bool {
        let mut k: u128 = 1;
        while self.bernoulli(num, den) && self.bernoulli(1, k) {
            k += 1;
        }
        k % 2 == 1
    }

    /// Bernoulli(exp(−γ)) with γ = whole + num/den, whole a 256-bit
    /// integer given as (high, low) halves and `num < den`: `whole` draws of
    /// Bernoulli(exp(−1)) must all succeed, then one of Bernoulli(exp(−num/den)).
    pub(crate) fn bernoulli_exp(&mut self, whole: (u128, u128), num: u128, den: u128) -> bool {
        let (mut hi, mut lo) = whole;
        while hi > 0 || lo > 0 {
            if !self.bernoulli_exp_unit(1, 1) {
                return false;
            }
            if lo == 0 {
                hi -= 1;
                lo = u128::MAX;
            } else {
                lo -= 1;
            }
        }
        self.bernoulli_exp_unit(num, den)
    }

    /// Discrete Laplace with scale `t/s` (Algorithm 2 of CKS 2020):
    /// P(Z = z) ∝ exp(−|z|·s/t). Needs `1 ≤ s, t ≤ 2^64`.
    pub(crate) fn discrete_laplace(&mut self, s: u128, t: u128) -> i128 {
        loop {
            let u = self.uniform_below(t);
            if !self.bernoulli_exp_unit(u, t) {
                continue;
            }
            let mut v: u128 = 0;
            while self.bernoulli_exp_unit(1, 1) {
                v += 1;
            }
            // t ≤ 2^64 and v < 2^64 in any run that ends, so this cannot overflow.
            let x = u + t * v;
            let y = x / s;
            let negative = self.bernoulli(1, 2);
            if negative && y == 0 {
                continue;
            }
            let y = y as i128;
            return if negative { -y } else { y };
        }
    }

    /// Discrete Gaussian with variance parameter σ² = num/den (Algorithm 3 of
    /// CKS 2020): P(Z = z) ∝ exp(−z²/(2σ²)). Needs `num/den ≤ 2^40`,
    /// `den ≤ 2^20`, `num ≥ 1`.
    pub(crate) fn discrete_gaussian(&mut self, num: u128, den: u128) -> i128 {
        let t = isqrt(num / den) + 1;
        // γ = (|Y| − σ²/t)² / (2σ²) = (|Y|·den·t − num)² / (2·num·den·t²).
        let d = 2 * num * den * t * t;
        loop {
            let y = self.discrete_laplace(1, t);
            let a = y.unsigned_abs() * den * t;
            let m = a.abs_diff(num);
            let (hi, lo) = mul_wide(m, m);
            let (q, r) = div_rem_wide(hi, lo, d);
            if self.bernoulli_exp(q, r, d) {
                return y;
            }
        }
    }
}

/// ⌊√n⌋, exact.
pub(crate) fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = (n as f64).sqrt() as u128;
    while x * x > n {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= n {
        x += 1;
    }
    x
}

/// The 256-bit product a·b as (high, low).
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const M: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & M);
    let (b1, b0) = (b >> 64, b & M);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & M) + (p10 & M);
    let lo = (p00 & M) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// (hi·2^128 + lo) divided by `d ≥ 1`: the 256-bit quotient as (high, low) and the remainder.
pub(crate) fn div_rem_wide(hi: u128, lo: u128, d: u128) -> ((u128, u128), u128) {
    let (mut qh, mut ql, mut r) = (0u128, 0u128, 0u128);
    for i in (0..256).rev() {
        let bit = if i >= 128 { (hi >> (i - 128)) & 1 } else { (lo >> i) & 1 };
        let carry = r >> 127;
        r = (r << 1) | bit;
        let q_bit = if carry == 1 || r >= d {
            r = r.wrapping_sub(d);
            1
        } else {
            0
        };
        if i >= 128 {
            qh |= q_bit << (i - 128);
        } else {
            ql |= q_bit << i;
        }
    }
    ((qh, ql), r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_arithmetic() {
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_wide(1 << 100, 1 << 100), (1 << 72, 0));
        assert_eq!(mul_wide(123_456_789, 987_654_321), (0, 123_456_789u128 * 987_654_321));
        // (2^200 + 5) / 7
        let (q, r) = div_rem_wide(1 << 72, 5, 7);
        let (ph, pl) = mul_wide(q.1, 7);
        let extra = mul_wide(q.0, 7).1; // q.0·7·2^128
        let (lo, c) = pl.overflowing_add(r);
        assert_eq!((ph + extra + c as u128, lo), (1 << 72, 5));
        assert_eq!(div_rem_wide(0, 100, 7), ((0, 14), 2));
        for n in [0u128, 1, 2, 3, 4, 15, 16, 17, 1 << 80, (1 << 80) - 1, u64::MAX as u128] {
            let s = isqrt(n);
            assert!(s * s <= n && (s + 1) * (s + 1) > n, "{n}");
        }
    }

    #[test]
    fn uniform_is_in_range_and_covers_it() {
        let mut rng = DpRng::seeded(1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[rng.uniform_below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
        let big = (1u128 << 100) + 3;
        assert!((0..1000).all(|_| rng.uniform_below(big) < big));
    }

    /// Bernoulli(exp(−γ)) frequencies against exp(−γ): each within 4.5
    /// binomial standard errors over 200k draws (two-sided p ≈ 7·10⁻⁶ per
    /// check, with a fixed seed).
    #[test]
    fn bernoulli_exp_matches_exp() {
        let mut rng = DpRng::seeded(7);
        let n = 200_000;
        for (whole, num, den) in [(0u128, 0u128, 1u128), (0, 1, 3), (0, 1, 1), (0, 7, 8), (1, 1, 2), (2, 3, 10)] {
            let gamma = whole as f64 + num as f64 / den as f64;
            let p = (-gamma).exp();
            let hits = (0..n).filter(|_| rng.bernoulli_exp((0, whole), num, den)).count() as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-12);
            assert!(((hits / n as f64) - p).abs() <= 4.5 * se, "γ = {gamma}: {} vs {p}", hits / n as f64);
        }
    }
}
