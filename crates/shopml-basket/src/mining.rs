//! What the miners share: thresholds, the itemset explosion guard and the output buffer.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Itemsets are counted against the limit in batches of this many.
const FLUSH: usize = 4096;

/// Mining thresholds and the shared itemset counter.
pub(crate) struct Ctx {
    pub min_count: u64,
    pub max_len: usize,
    pub limit: usize,
    emitted: AtomicUsize,
    stop: AtomicBool,
}

/// The explosion guard fired.
#[derive(Debug)]
pub(crate) struct Exploded;

impl Ctx {
    pub fn new(min_count: u64, max_len: usize, limit: usize) -> Self {
        Ctx { min_count, max_len, limit, emitted: AtomicUsize::new(0), stop: AtomicBool::new(false) }
    }

    fn add(&self, n: usize) -> Result<(), Exploded> {
        let total = self.emitted.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.limit || self.stop.load(Ordering::Relaxed) {
            self.stop.store(true, Ordering::Relaxed);
            return Err(Exploded);
        }
        Ok(())
    }

    /// Fails when the total exceeded the limit (so the outcome never depends on timing).
    pub fn finish(&self) -> Result<(), Exploded> {
        if self.emitted.load(Ordering::Relaxed) > self.limit { Err(Exploded) } else { Ok(()) }
    }
}

/// Itemsets in one flat buffer: items (sorted ascending) and counts.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sink {
    pub items: Vec<u32>,
    pub lens: Vec<u32>,
    pub counts: Vec<u64>,
    pending: usize,
}

impl Sink {
    pub fn emit(&mut self, itemset: &[u32], count: impl Into<u64>, ctx: &Ctx) -> Result<(), Exploded> {
        let start = self.items.len();
        self.items.extend_from_slice(itemset);
        self.items[start..].sort_unstable();
        self.lens.push(itemset.len() as u32);
        self.counts.push(count.into());
        self.pending += 1;
        if self.pending >= FLUSH {
            self.flush(ctx)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, ctx: &Ctx) -> Result<(), Exploded> {
        let n = std::mem::take(&mut self.pending);
        ctx.add(n)
    }

    pub fn append(&mut self, other: Sink) {
        if self.items.is_empty() {
            *self = other;
            return;
        }
        self.items.extend_from_slice(&other.items);
        self.lens.extend_from_slice(&other.lens);
        self.counts.extend_from_slice(&other.counts);
    }
}
