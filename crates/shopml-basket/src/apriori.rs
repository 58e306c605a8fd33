//! Apriori (Agrawal & Srikant 1994): level-wise candidate generation and
//! counting. Simple and slow; kept as the reference the FP-Growth miner is
//! tested against.

use std::collections::HashSet;

use crate::baskets::Baskets;
use crate::mining::{Ctx, Exploded, Sink};

fn is_subset(small: &[u32], big: &[u32]) -> bool {
    let mut j = 0;
    for &x in small {
        while j < big.len() && big[j] < x {
            j += 1;
        }
        if j == big.len() || big[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

pub(crate) fn apriori(baskets: &Baskets, ctx: &Ctx) -> Result<Sink, Exploded> {
    let mut sink = Sink::default();
    let counts = baskets.item_counts();
    let mut level: Vec<Vec<u32>> =
        (0..baskets.n_items() as u32).filter(|&i| counts[i as usize] >= ctx.min_count).map(|i| vec![i]).collect();
    for l in &level {
        sink.emit(l, counts[l[0] as usize], ctx)?;
    }
    let mut k = 1;
    while !level.is_empty() && k < ctx.max_len {
        // Join: two k-itemsets with the same first k-1 items.
        let known: HashSet<&[u32]> = level.iter().map(Vec::as_slice).collect();
        let mut cand: Vec<Vec<u32>> = Vec::new();
        for a in 0..level.len() {
            for b in a + 1..level.len() {
                if level[a][..k - 1] != level[b][..k - 1] {
                    break;
                }
                let mut c = level[a].clone();
                c.push(level[b][k - 1]);
                // Prune: every k-subset must be frequent.
                let all = (0..c.len()).all(|drop| {
                    let s: Vec<u32> = c.iter().enumerate().filter(|(p, _)| *p != drop).map(|(_, &x)| x).collect();
                    known.contains(s.as_slice())
                });
                if all {
                    cand.push(c);
                }
            }
        }
        let mut cc = vec![0u64; cand.len()];
        for b in baskets.iter() {
            if b.len() <= k {
                continue;
            }
            for (c, n) in cand.iter().zip(cc.iter_mut()) {
                if is_subset(c, b) {
                    *n += 1;
                }
            }
        }
        level.clear();
        for (c, n) in cand.into_iter().zip(cc) {
            if n >= ctx.min_count {
                sink.emit(&c, n, ctx)?;
                level.push(c);
            }
        }
        k += 1;
    }
    sink.flush(ctx)?;
    ctx.finish()?;
    Ok(sink)
}
