//! Top-N selection without a full sort.

use serde::{Deserialize, Serialize};

/// A recommended item and its score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Dense item index (translate with the model's item [`IdMap`](crate::IdMap)).
    pub item: usize,
    /// Model score; comparable only within one model.
    pub score: f32,
}

/// The `n` highest finite scores, best first, ties broken by the lower index.
///
/// Runs in O(len + n log n) with a partial selection (`select_nth_unstable`)
/// instead of sorting every score. Scores that are NaN or −∞ (the usual marker
/// for an excluded item) are never returned, so the result may be shorter
/// than `n`.
///
/// ```
/// let best = shopml_core::top_n(&[0.1, 0.9, f32::NEG_INFINITY, 0.5], 2);
/// assert_eq!(best.iter().map(|s| s.item).collect::<Vec<_>>(), vec![1, 3]);
/// ```
pub fn top_n(scores: &[f32], n: usize) -> Vec<Scored> {
    let mut cand: Vec<Scored> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_finite() || **s == f32::INFINITY)
        .map(|(item, &score)| Scored { item, score })
        .collect();
    select_best(&mut cand, n);
    cand
}

/// Keeps the `n` best of `cand` (highest score, then lowest item), sorted.
pub fn select_best(cand: &mut Vec<Scored>, n: usize) {
    let better = |a: &Scored, b: &Scored| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item));
    if n == 0 {
        cand.clear();
        return;
    }
    if cand.len() > n {
        cand.select_nth_unstable_by(n - 1, better);
        cand.truncate(n);
    }
    cand.sort_unstable_by(better);
}
