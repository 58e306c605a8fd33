//! Ranking metrics at a cut-off `K`, for one user's ranked recommendations
//! against the set of items that user actually interacted with (binary
//! relevance). [`evaluate`] averages them over users.
//!
//! With `hits@K` the number of relevant items among the first `K`
//! recommendations and `R` the set of relevant items:
//! - precision@K `= hits@K / K` (the recommender is charged for every slot);
//! - recall@K `= hits@K / |R|`;
//! - NDCG@K `= DCG / IDCG`, `DCG = Σ_{i<K, recᵢ∈R} 1 / log₂(i + 2)`,
//!   `IDCG = Σ_{i < min(K, |R|)} 1 / log₂(i + 2)`;
//! - AP@K `= Σ_{i<K, recᵢ∈R} precision@(i+1) / min(K, |R|)` (MAP is its mean);
//! - reciprocal rank `= 1 / (1 + first i < K with recᵢ ∈ R)`, else 0 (MRR is its mean);
//! - hit rate@K `= 1` if `hits@K > 0` else 0;
//! - catalogue coverage `= |⋃ top-K lists| / n_items`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

fn relevant_set(relevant: &[usize]) -> Result<Vec<usize>> {
    if relevant.is_empty() {
        return Err(Error::empty("ranking metric: the user has no relevant items"));
    }
    let mut r = relevant.to_vec();
    r.sort_unstable();
    r.dedup();
    Ok(r)
}

fn check_k(k: usize) -> Result<()> {
    if k == 0 { Err(Error::param("k", "the cut-off must be at least 1")) } else { Ok(()) }
}

fn hits(recommended: &[usize], rel: &[usize], k: usize) -> impl Iterator<Item = (usize, bool)> {
    recommended.iter().take(k).map(|i| rel.binary_search(i).is_ok()).enumerate().collect::<Vec<_>>().into_iter()
}

/// hits@K / K.
pub fn precision_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    Ok(hits(recommended, &rel, k).filter(|h| h.1).count() as f64 / k as f64)
}

/// hits@K / |R|.
pub fn recall_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    Ok(hits(recommended, &rel, k).filter(|h| h.1).count() as f64 / rel.len() as f64)
}

/// Normalised discounted cumulative gain with binary relevance.
pub fn ndcg_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    let dcg: f64 = hits(recommended, &rel, k).filter(|h| h.1).map(|(i, _)| 1.0 / ((i + 2) as f64).log2()).sum();
    let idcg: f64 = (0..k.min(rel.len())).map(|i| 1.0 / ((i + 2) as f64).log2()).sum();
    Ok(dcg / idcg)
}

/// Average precision at K (normalised by `min(K, |R|)`).
pub fn average_precision_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    let mut n_hits = 0usize;
    let mut sum = 0.0;
    for (i, hit) in hits(recommended, &rel, k) {
        if hit {
            n_hits += 1;
            sum += n_hits as f64 / (i + 1) as f64;
        }
    }
    Ok(sum / k.min(rel.len()) as f64)
}

/// Reciprocal rank of the first relevant item within the top K (0 if none).
pub fn reciprocal_rank_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    Ok(hits(recommended, &rel, k).find(|h| h.1).map(|(i, _)| 1.0 / (i + 1) as f64).unwrap_or(0.0))
}

/// 1 if any of the top K is relevant, else 0.
pub fn hit_rate_at_k(recommended: &[usize], relevant: &[usize], k: usize) -> Result<f64> {
    check_k(k)?;
    let rel = relevant_set(relevant)?;
    Ok(if hits(recommended, &rel, k).any(|h| h.1) { 1.0 } else { 0.0 })
}

/// Share of the catalogue that appears in at least one top-K list.
pub fn catalogue_coverage<'a>(lists: impl IntoIterator<Item = &'a [usize]>, k: usize, n_items: usize) -> Result<f64> {
    check_k(k)?;
    if n_items == 0 {
        return Err(Error::empty("catalogue coverage: the catalogue has no items"));
    }
    let mut seen = vec![false; n_items];
    for list in lists {
        for &i in list.iter().take(k) {
            if i >= n_items {
                return Err(Error::IndexOutOfRange { what: "item", index: i, len: n_items });
            }
            seen[i] = true;
        }
    }
    Ok(seen.iter().filter(|&&s| s).count() as f64 / n_items as f64)
}

/// Mean ranking metrics over the evaluated users.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RankingMetrics {
    /// The cut-off K.
    pub k: usize,
    /// Users with at least one relevant item (the others are skipped).
    pub n_users: usize,
    /// Mean precision@K.
    pub precision: f64,
    /// Mean recall@K.
    pub recall: f64,
    /// Mean NDCG@K.
    pub ndcg: f64,
    /// Mean average precision@K.
    pub map: f64,
    /// Mean reciprocal rank@K.
    pub mrr: f64,
    /// Share of users with a hit in the top K.
    pub hit_rate: f64,
    /// Catalogue coverage of all top-K lists.
    pub coverage: f64,
}

/// Averages every ranking metric over `(recommended, relevant)` pairs, one per
/// user; users without relevant items are skipped (and not counted).
pub fn evaluate<'a>(users: impl IntoIterator<Item = (&'a [usize], &'a [usize])>, k: usize, n_items: usize) -> Result<RankingMetrics> {
    check_k(k)?;
    let mut m = RankingMetrics { k, n_users: 0, precision: 0.0, recall: 0.0, ndcg: 0.0, map: 0.0, mrr: 0.0, hit_rate: 0.0, coverage: 0.0 };
    let mut lists: Vec<&[usize]> = Vec::new();
    for (rec, rel) in users {
        lists.push(rec);
        if rel.is_empty() {
            continue;
        }
        m.n_users += 1;
        m.precision += precision_at_k(rec, rel, k)?;
        m.recall += recall_at_k(rec, rel, k)?;
        m.ndcg += ndcg_at_k(rec, rel, k)?;
        m.map += average_precision_at_k(rec, rel, k)?;
        m.mrr += reciprocal_rank_at_k(rec, rel, k)?;
        m.hit_rate += hit_rate_at_k(rec, rel, k)?;
    }
    if m.n_users == 0 {
        return Err(Error::empty("ranking evaluation: no user has relevant items"));
    }
    let n = m.n_users as f64;
    m.precision /= n;
    m.recall /= n;
    m.ndcg /= n;
    m.map /= n;
    m.mrr /= n;
    m.hit_rate /= n;
    m.coverage = catalogue_coverage(lists, k, n_items)?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recommended [7, 1, 9, 3], relevant {1, 3, 5}, K = 4: hits at ranks 2 and 4.
    const REC: [usize; 4] = [7, 1, 9, 3];
    const REL: [usize; 3] = [5, 3, 1];

    #[test]
    fn hand_computed() {
        assert_eq!(precision_at_k(&REC, &REL, 4).unwrap(), 0.5);
        assert!((recall_at_k(&REC, &REL, 4).unwrap() - 2.0 / 3.0).abs() < 1e-15);
        let dcg = 1.0 / 3f64.log2() + 1.0 / 5f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((ndcg_at_k(&REC, &REL, 4).unwrap() - dcg / idcg).abs() < 1e-15);
        assert!((average_precision_at_k(&REC, &REL, 4).unwrap() - (0.5 + 0.5) / 3.0).abs() < 1e-15);
        assert_eq!(reciprocal_rank_at_k(&REC, &REL, 4).unwrap(), 0.5);
        assert_eq!(hit_rate_at_k(&REC, &REL, 1).unwrap(), 0.0);
        // Precision is charged for every slot, even if fewer were recommended.
        assert_eq!(precision_at_k(&[1], &REL, 10).unwrap(), 0.1);
        assert!(precision_at_k(&REC, &[], 4).is_err());
        assert!(precision_at_k(&REC, &REL, 0).is_err());
    }

    #[test]
    fn evaluate_averages_and_coverage() {
        let rec_a = [0usize, 1];
        let rec_b = [2usize, 3];
        let rel_a = [1usize];
        let rel_b: [usize; 0] = [];
        let m = evaluate([(&rec_a[..], &rel_a[..]), (&rec_b[..], &rel_b[..])], 2, 8).unwrap();
        assert_eq!(m.n_users, 1);
        assert_eq!(m.precision, 0.5);
        assert_eq!(m.coverage, 0.5);
        assert!(catalogue_coverage([&[9usize][..]], 1, 4).is_err());
    }
}
