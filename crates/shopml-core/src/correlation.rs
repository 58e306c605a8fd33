//! Rank correlation: Spearman's ρ, the Pearson correlation of the two
//! samples' ranks, ties given their average rank (Spearman 1904; the
//! tie-corrected form scipy's `spearmanr` computes).
//!
//! ```
//! use shopml_core::correlation::spearman;
//! // Ranks (1, 2, 3, 4, 5) against (1, 2, 3.5, 5, 3.5): ρ = 8 / √95.
//! let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
//! assert!((rho - 8.0 / 95f64.sqrt()).abs() < 1e-15);
//! ```

/// Average ranks (1-based) of `v`, ties sharing the mean of their positions.
pub fn average_ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation of `x` and `y`; `None` when the lengths
/// differ, there are fewer than two pairs, a value is not finite, or either
/// sample is constant (the correlation is undefined).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let mean = (x.len() as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        let (da, db) = (a - mean, b - mean);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotone_transforms_give_plus_or_minus_one() {
        let x: Vec<f64> = (0..50).map(|i| (i as f64 * 0.37).sin() * 10.0 + i as f64 * 0.01).collect();
        let up: Vec<f64> = x.iter().map(|v| v.exp()).collect();
        let down: Vec<f64> = x.iter().map(|v| -v * v * v).collect();
        assert!((spearman(&x, &up).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &down).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_cases_are_none() {
        assert_eq!(spearman(&[1.0, 2.0], &[3.0, 3.0]), None);
        assert_eq!(spearman(&[1.0], &[3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[3.0]), None);
        assert_eq!(spearman(&[1.0, f64::NAN], &[3.0, 4.0]), None);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(average_ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn symmetric_and_matches_the_rank_difference_formula_without_ties() {
        // Without ties ρ = 1 − 6 Σd² / (n(n² − 1)).
        let x = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0];
        let y = [2.0, 7.0, 1.0, 8.0, 2.5, 8.5, 0.5, 4.0];
        let (rx, ry) = (average_ranks(&x), average_ranks(&y));
        let n = x.len() as f64;
        let d2: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - b) * (a - b)).sum();
        let expected = 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
        assert!((spearman(&x, &y).unwrap() - expected).abs() < 1e-12);
        assert_eq!(spearman(&x, &y), spearman(&y, &x));
    }
}
