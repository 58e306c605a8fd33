//! Synthetic baskets in the shape of the IBM Quest generator (Agrawal &
//! Srikant 1994, "Fast algorithms for mining association rules", VLDB,
//! section 2.4.3): transactions assembled from a pool of weighted,
//! overlapping "potentially large" itemsets, each corrupted by dropping
//! items. `T10.I4.D100K` with 1,000 items is the classic benchmark shape.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp, Normal, Poisson};
use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, Params};

use crate::baskets::Baskets;
use crate::error::Result;

/// Parameters of the Quest-shaped generator.
///
/// ```
/// use shopml_basket::synth::QuestParams;
/// let b = QuestParams::default().n_transactions(1000).generate().unwrap();
/// assert_eq!(b.len(), 1000);
/// let avg = b.nnz() as f64 / b.len() as f64;
/// assert!(avg > 7.0 && avg < 13.0, "{avg}");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestParams {
    /// Number of transactions `D` (default 100,000).
    pub n_transactions: usize,
    /// Mean transaction length `T` (default 10).
    pub avg_len: f64,
    /// Number of items `N` (default 1,000).
    pub n_items: usize,
    /// Number of potentially large itemsets `L` (default 2,000).
    pub n_patterns: usize,
    /// Mean potentially-large itemset length `I` (default 4).
    pub avg_pattern_len: f64,
    /// Seed (default 0).
    pub seed: u64,
}

impl Default for QuestParams {
    fn default() -> Self {
        QuestParams { n_transactions: 100_000, avg_len: 10.0, n_items: 1000, n_patterns: 2000, avg_pattern_len: 4.0, seed: 0 }
    }
}

impl QuestParams {
    /// Sets [`n_transactions`](Self::n_transactions).
    pub fn n_transactions(mut self, n: usize) -> Self {
        self.n_transactions = n;
        self
    }
    /// Sets [`seed`](Self::seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Generates the baskets (items are `"0"`, …, `"N-1"`).
    pub fn generate(&self) -> Result<Baskets> {
        self.check()?;
        let mut rng = StdRng::seed_from_u64(self.seed);
        let n = self.n_items as u32;
        let plen = Poisson::new(self.avg_pattern_len - 1.0).map_err(|e| CoreError::param("avg_pattern_len", e.to_string()))?;
        let tlen = Poisson::new(self.avg_len - 1.0).map_err(|e| CoreError::param("avg_len", e.to_string()))?;
        let corr: Exp<f64> = Exp::new(2.0).expect("rate 2 is valid"); // mean 0.5: share taken from the previous pattern
        let weight = Exp::new(1.0).expect("rate 1 is valid");
        let noise: Normal<f64> = Normal::new(0.5, 0.1).expect("sd 0.1 is valid");
        let mut patterns: Vec<Vec<u32>> = Vec::with_capacity(self.n_patterns);
        let mut weights = Vec::with_capacity(self.n_patterns);
        let mut corruption = Vec::with_capacity(self.n_patterns);
        for p in 0..self.n_patterns {
            let len = (1 + plen.sample(&mut rng) as usize).min(self.n_items);
            let mut items: Vec<u32> = Vec::with_capacity(len);
            if p > 0 {
                let prev = &patterns[p - 1];
                let take = (corr.sample(&mut rng).min(1.0) * len as f64).round() as usize;
                for &i in prev.iter().take(take.min(prev.len())) {
                    items.push(i);
                }
            }
            while items.len() < len {
                let i = rng.random_range(0..n);
                if !items.contains(&i) {
                    items.push(i);
                }
            }
            patterns.push(items);
            weights.push(weight.sample(&mut rng));
            corruption.push(noise.sample(&mut rng).clamp(0.0, 1.0));
        }
        let total: f64 = weights.iter().sum();
        let mut cum = Vec::with_capacity(weights.len());
        let mut acc = 0.0;
        for w in &weights {
            acc += w / total;
            cum.push(acc);
        }
        let pick = |rng: &mut StdRng| {
            let u: f64 = rng.random();
            cum.partition_point(|&c| c < u).min(cum.len() - 1)
        };
        let mut lists: Vec<Vec<u32>> = Vec::with_capacity(self.n_transactions);
        for _ in 0..self.n_transactions {
            let size = 1 + tlen.sample(&mut rng) as usize;
            let mut t: Vec<u32> = Vec::with_capacity(size + 4);
            while t.len() < size {
                let p = pick(&mut rng);
                let mut items = patterns[p].clone();
                // Corrupt: drop random items while a uniform draw stays below the corruption level.
                while !items.is_empty() && rng.random::<f64>() < corruption[p] {
                    let k = rng.random_range(0..items.len());
                    items.swap_remove(k);
                }
                // A pattern that overflows goes in anyway half of the time, else ends the transaction.
                if t.len() + items.len() > size && !t.is_empty() && rng.random::<bool>() {
                    break;
                }
                t.extend(items);
                t.sort_unstable();
                t.dedup();
            }
            lists.push(t);
        }
        Baskets::from_index_lists(self.n_items, lists)
    }
}

impl Params for QuestParams {
    fn check(&self) -> shopml_core::Result<()> {
        if self.n_transactions == 0 {
            return Err(CoreError::param("n_transactions", "must be at least 1"));
        }
        if self.n_items == 0 {
            return Err(CoreError::param("n_items", "must be at least 1"));
        }
        if self.n_patterns == 0 {
            return Err(CoreError::param("n_patterns", "must be at least 1"));
        }
        if !(self.avg_len > 1.0 && self.avg_len.is_finite()) {
            return Err(CoreError::param("avg_len", "must be finite and above 1"));
        }
        if !(self.avg_pattern_len > 1.0 && self.avg_pattern_len.is_finite()) {
            return Err(CoreError::param("avg_pattern_len", "must be finite and above 1"));
        }
        Ok(())
    }
}
