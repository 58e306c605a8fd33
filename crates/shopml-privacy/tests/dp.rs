//! Differential privacy: the noise of the public mechanisms against the exact
//! probability mass functions (chi-square at α = 0.001 over 100,000 draws,
//! fixed seeds so the tests cannot flake), the accountant's refusals, and the
//! clamping bounds.

use shopml_privacy::dp::{Bounds, DpReport, Noise, pmf};
use shopml_privacy::{Budget, DpRng, PrivacyError};

const DRAWS: usize = 100_000;

/// Upper α = 0.001 quantile of χ²(df), Wilson–Hilferty approximation
/// (accurate to well under 1 % for df ≥ 10).
fn chi2_critical_001(df: usize) -> f64 {
    let z = 3.090_232_306; // Φ⁻¹(0.999)
    let d = df as f64;
    d * (1.0 - 2.0 / (9.0 * d) + z * (2.0 / (9.0 * d)).sqrt()).powi(3)
}

/// Pearson's χ² of integer draws against a pmf, pooling each tail into one
/// cell so that every expected count is at least 5. Returns (statistic, df).
fn chi_square(draws: &[i64], pmf: impl Fn(i64) -> f64) -> (f64, usize) {
    let n = draws.len() as f64;
    let mut lim = 0i64;
    while pmf(lim + 1) * n >= 5.0 && pmf(-(lim + 1)) * n >= 5.0 {
        lim += 1;
    }
    let mut observed = vec![0f64; (2 * lim + 3) as usize]; // [< -lim], -lim..=lim, [> lim]
    for &z in draws {
        let cell = if z < -lim {
            0
        } else if z > lim {
            observed.len() - 1
        } else {
            (z + lim + 1) as usize
        };
        observed[cell] += 1.0;
    }
    let inner: Vec<f64> = (-lim..=lim).map(&pmf).collect();
    let mut tail_lo = 0.0;
    let mut z = -lim - 1;
    loop {
        let p = pmf(z);
        tail_lo += p;
        if p < 1e-18 {
            break;
        }
        z -= 1;
    }
    let tail_hi = 1.0 - inner.iter().sum::<f64>() - tail_lo;
    let expected: Vec<f64> = std::iter::once(tail_lo).chain(inner).chain(std::iter::once(tail_hi)).map(|p| p * n).collect();
    let stat = observed.iter().zip(&expected).map(|(o, e)| (o - e).powi(2) / e).sum();
    (stat, expected.len() - 1)
}

/// 100k draws of the noise a report adds: a histogram of 100k empty bins.
fn noise_draws(noise: Noise, seed: u64) -> Vec<i64> {
    let (e, d) = match noise {
        Noise::Laplace { epsilon } => (epsilon, 0.0),
        Noise::Gaussian { epsilon, delta } => (epsilon, delta),
    };
    let mut r = DpReport::new(Budget::new(e, d).unwrap(), DpRng::seeded(seed));
    r.histogram("noise", &vec![0; DRAWS], noise).unwrap()
}

#[test]
fn discrete_laplace_noise_matches_its_pmf() {
    for (epsilon, seed) in [(1.0, 11u64), (0.35, 12)] {
        let draws = noise_draws(Noise::Laplace { epsilon }, seed);
        let (stat, df) = chi_square(&draws, |z| pmf::discrete_laplace(z, 1.0 / epsilon));
        let crit = chi2_critical_001(df);
        eprintln!("Laplace ε = {epsilon}: χ² = {stat:.1} on {df} df (critical {crit:.1})");
        assert!(df >= 10 && stat < crit, "χ² = {stat} ≥ {crit} on {df} df");
        // The mean absolute error the docs quote.
        let mae = draws.iter().map(|z| z.abs() as f64).sum::<f64>() / DRAWS as f64;
        let want = Noise::Laplace { epsilon }.mean_abs_error(1);
        assert!((mae - want).abs() < 0.02 * want, "MAE {mae} vs {want}");
    }
}

#[test]
fn discrete_gaussian_noise_matches_its_pmf() {
    let (epsilon, delta) = (1.0, 1e-6);
    let draws = noise_draws(Noise::Gaussian { epsilon, delta }, 21);
    // σ² = 1/(2ρ), ρ = (√(L+ε) − √L)², L = ln(1/δ) (Bun & Steinke 2016, Prop. 1.3), rounded up to k/2^20.
    let l = (1.0f64 / delta).ln();
    let rho = ((l + epsilon).sqrt() - l.sqrt()).powi(2);
    let sigma2 = (1.0 / (2.0 * rho) * 1048576.0).ceil() / 1048576.0;
    let (stat, df) = chi_square(&draws, |z| pmf::discrete_gaussian(z, sigma2));
    let crit = chi2_critical_001(df);
    eprintln!("Gaussian σ² = {sigma2:.3}: χ² = {stat:.1} on {df} df (critical {crit:.1})");
    assert!(df >= 10 && stat < crit, "χ² = {stat} ≥ {crit} on {df} df");

    // The test has power: the same draws against a discrete Laplace of equal
    // variance are rejected by a wide margin.
    let q_var = |b: f64| {
        let q = (-1.0 / b).exp();
        2.0 * q / (1.0 - q).powi(2)
    };
    let (mut lo, mut hi) = (0.1, 100.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if q_var(mid) < sigma2 { lo = mid } else { hi = mid }
    }
    let (wrong, df2) = chi_square(&draws, |z| pmf::discrete_laplace(z, lo));
    assert!(wrong > 10.0 * chi2_critical_001(df2), "χ² against the wrong pmf only {wrong}");
}

#[test]
fn small_scales_and_extreme_epsilons_stay_exact() {
    // Very large ε: the noise is 0 except with probability ~2e^{−ε}.
    let draws = noise_draws(Noise::Laplace { epsilon: 40.0 }, 3);
    assert!(draws.iter().all(|&z| z == 0));
    // Very small ε: wide noise, still centred.
    let draws = noise_draws(Noise::Laplace { epsilon: 0.01 }, 4);
    let mean = draws.iter().sum::<i64>() as f64 / DRAWS as f64;
    let sd = Noise::Laplace { epsilon: 0.01 }.std_dev(1);
    assert!(mean.abs() < 5.0 * sd / (DRAWS as f64).sqrt(), "mean {mean}, sd {sd}");
}

#[test]
fn accountant_refuses_the_query_past_the_budget() {
    let mut r = DpReport::new(Budget::pure(1.0).unwrap(), DpRng::seeded(1));
    for i in 0..10 {
        r.count(&format!("q{i}"), 100, Noise::Laplace { epsilon: 0.1 }).unwrap();
    }
    match r.count("one too many", 100, Noise::Laplace { epsilon: 0.1 }) {
        Err(PrivacyError::BudgetExhausted { requested_epsilon, remaining_epsilon, .. }) => {
            assert_eq!(requested_epsilon, 0.1);
            assert!(remaining_epsilon < 1e-9);
        }
        other => panic!("expected BudgetExhausted, got {other:?}"),
    }
    assert_eq!(r.accountant().ledger().len(), 10);

    // δ is tracked too, and a mean that does not fit spends nothing.
    let mut r = DpReport::new(Budget::new(1.0, 1e-6).unwrap(), DpRng::seeded(2));
    r.count("a", 5, Noise::Gaussian { epsilon: 0.5, delta: 8e-7 }).unwrap();
    assert!(matches!(r.count("b", 5, Noise::Gaussian { epsilon: 0.1, delta: 5e-7 }), Err(PrivacyError::BudgetExhausted { .. })));
    assert!(matches!(
        r.mean("m", &[1.0, 2.0], Bounds::new(0.0, 10.0), Noise::Laplace { epsilon: 0.6 }),
        Err(PrivacyError::BudgetExhausted { .. })
    ));
    assert_eq!(r.accountant().ledger().len(), 1);
    r.mean("m", &[1.0, 2.0], Bounds::new(0.0, 10.0), Noise::Laplace { epsilon: 0.5 }).unwrap();
    assert_eq!(r.accountant().ledger().len(), 3); // sum and count halves
    // Gaussian with δ = 0 is a parameter error, not a spend.
    assert!(matches!(r.count("c", 1, Noise::Gaussian { epsilon: 0.0001, delta: 0.0 }), Err(PrivacyError::Core(_))));
}

#[test]
fn clamping_bounds() {
    let mut r = DpReport::new(Budget::pure(1e7).unwrap(), DpRng::seeded(5));
    for b in [Bounds::new(10.0, 0.0), Bounds::new(f64::NAN, 1.0), Bounds::new(0.0, f64::INFINITY)] {
        assert!(matches!(r.sum("revenue", &[1.0], b, Noise::Laplace { epsilon: 1.0 }), Err(PrivacyError::InvalidBounds { .. })));
        assert!(matches!(r.mean("aov", &[1.0], b, Noise::Laplace { epsilon: 1.0 }), Err(PrivacyError::InvalidBounds { .. })));
    }
    assert!(r.accountant().ledger().is_empty());
    // ε so large that the noise is 0 with probability 1 − 10⁻¹⁰⁰: the result is the clamped sum.
    let values = [-5.0, 50.0, 250.0, 12.345];
    let s = r.sum("revenue", &values, Bounds::new(0.0, 100.0), Noise::Laplace { epsilon: 1e6 }).unwrap();
    assert!((s - (0.0 + 50.0 + 100.0 + 12.35)).abs() < 1e-9, "{s}");
    let m = r.mean("aov", &values, Bounds::new(0.0, 100.0), Noise::Laplace { epsilon: 2e6 }).unwrap();
    assert!((m - 162.35 / 4.0).abs() < 1e-9, "{m}");
    assert!(matches!(
        r.sum("x", &[f64::NAN], Bounds::new(0.0, 1.0), Noise::Laplace { epsilon: 1.0 }),
        Err(PrivacyError::Core(shopml_core::Error::NonFinite { row: 0, .. }))
    ));
    // An empty mean is a number, not NaN.
    let e = r.mean("empty", &[], Bounds::new(0.0, 100.0), Noise::Laplace { epsilon: 1.0 }).unwrap();
    assert!(e.is_finite() && (0.0..=100.0).contains(&e));
}

#[test]
fn contributions_scale_the_noise() {
    let draws = {
        let mut r = DpReport::new(Budget::pure(1.0).unwrap(), DpRng::seeded(9)).max_contributions(5).unwrap();
        r.histogram("h", &vec![0; DRAWS], Noise::Laplace { epsilon: 1.0 }).unwrap()
    };
    // Scale Δ/ε = 5.
    let (stat, df) = chi_square(&draws, |z| pmf::discrete_laplace(z, 5.0));
    assert!(stat < chi2_critical_001(df), "χ² = {stat} on {df}");
    assert!(DpReport::new(Budget::pure(1.0).unwrap(), DpRng::seeded(9)).max_contributions(0).is_err());
}

/// `error_bound` against the smallest m found by summing the exact pmf.
#[test]
fn error_bound_is_the_smallest_covering_radius_of_the_pmf() {
    fn brute(pmf: impl Fn(i64) -> f64, probability: f64) -> u64 {
        let mut inside = pmf(0);
        let mut m = 0;
        while inside < probability {
            m += 1;
            inside += 2.0 * pmf(m);
        }
        m as u64
    }
    for epsilon in [0.1, 0.35, 0.5, 1.0, 2.0, 5.0] {
        for probability in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let laplace = Noise::Laplace { epsilon };
            let want = brute(|z| pmf::discrete_laplace(z, 1.0 / epsilon), probability);
            assert_eq!(laplace.error_bound(1, probability).unwrap(), want, "Laplace ε = {epsilon}, p = {probability}");
            // Sensitivity Δ is the scale Δ/ε.
            let want3 = brute(|z| pmf::discrete_laplace(z, 3.0 / epsilon), probability);
            assert_eq!(laplace.error_bound(3, probability).unwrap(), want3);
            let gauss = Noise::Gaussian { epsilon, delta: 1e-6 };
            let sigma2 = gauss.std_dev(1).powi(2);
            let want = brute(|z| pmf::discrete_gaussian(z, sigma2), probability);
            assert_eq!(gauss.error_bound(1, probability).unwrap(), want, "Gaussian ε = {epsilon}, p = {probability}");
        }
    }
    assert!(Noise::Laplace { epsilon: 1.0 }.error_bound(1, 1.0).is_err());
    assert!(Noise::Laplace { epsilon: 1.0 }.error_bound(1, f64::NAN).is_err());
    assert!(Noise::Laplace { epsilon: -1.0 }.error_bound(1, 0.9).is_err());
}
