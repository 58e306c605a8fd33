//! FP-Growth (Han, Pei & Yin 2000) on a compact, array-based FP-tree.
//!
//! The tree is built without child lookups: the (weighted) transactions,
//! each sorted by item rank, are sorted lexicographically, so every prefix a
//! transaction shares with the tree is the prefix it shares with the
//! previous transaction. Conditional pattern bases are read off the tree by
//! walking parent links and become the next, smaller tree. The top level is
//! split by item across rayon's pool and the per-item results are
//! concatenated in item order, so the output never depends on the number of
//! threads.

use rayon::prelude::*;

use crate::baskets::Baskets;
use crate::mining::{Ctx, Exploded, Sink};

const ROOT: u32 = 0;

/// Weighted transactions in one flat buffer.
#[derive(Default)]
struct WeightedDb {
    items: Vec<u32>,
    offsets: Vec<usize>,
    weights: Vec<u32>,
}

impl WeightedDb {
    fn new() -> Self {
        WeightedDb { items: Vec::new(), offsets: vec![0], weights: Vec::new() }
    }
    fn push_from(&mut self, start: usize, w: u32) {
        // items[start..] were just appended and form the row
        self.items[start..].sort_unstable();
        self.offsets.push(self.items.len());
        self.weights.push(w);
    }
    fn len(&self) -> usize {
        self.weights.len()
    }
    fn row(&self, t: usize) -> &[u32] {
        &self.items[self.offsets[t]..self.offsets[t + 1]]
    }
}

/// An FP-tree as parallel arrays; node 0 is the root.
struct Tree {
    item: Vec<u32>,
    count: Vec<u32>,
    parent: Vec<u32>,
    /// Nodes of local item `k` are `head_nodes[head_off[k]..head_off[k + 1]]`.
    head_off: Vec<usize>,
    head_nodes: Vec<u32>,
    /// Support of each local item.
    support: Vec<u32>,
}

impl Tree {
    fn build(db: &WeightedDb, n_items: usize) -> Tree {
        let mut order: Vec<u32> = (0..db.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| db.row(a as usize).cmp(db.row(b as usize)));
        let mut item = vec![u32::MAX];
        let mut count = vec![0u32];
        let mut parent = vec![ROOT];
        let mut support = vec![0u32; n_items];
        let mut path: Vec<u32> = Vec::new();
        let mut prev: &[u32] = &[];
        for &t in &order {
            let row = db.row(t as usize);
            let w = db.weights[t as usize];
            let lcp = prev.iter().zip(row).take_while(|(a, b)| a == b).count();
            path.truncate(lcp);
            for &n in &path {
                count[n as usize] += w;
            }
            for &it in &row[lcp..] {
                let id = item.len() as u32;
                item.push(it);
                count.push(w);
                parent.push(path.last().copied().unwrap_or(ROOT));
                path.push(id);
            }
            for &it in row {
                support[it as usize] += w;
            }
            prev = row;
        }
        // Group node ids by item (counting sort keeps them in creation order).
        let mut head_off = vec![0usize; n_items + 1];
        for &it in &item[1..] {
            head_off[it as usize + 1] += 1;
        }
        for k in 0..n_items {
            head_off[k + 1] += head_off[k];
        }
        let mut fill = head_off.clone();
        let mut head_nodes = vec![0u32; item.len() - 1];
        for (id, &it) in item.iter().enumerate().skip(1) {
            head_nodes[fill[it as usize]] = id as u32;
            fill[it as usize] += 1;
        }
        Tree { item, count, parent, head_off, head_nodes, support }
    }

    fn nodes_of(&self, k: usize) -> &[u32] {
        &self.head_nodes[self.head_off[k]..self.head_off[k + 1]]
    }
}

/// Mines every frequent itemset of `baskets`; see [`crate::ItemsetParams`].
pub(crate) fn fpgrowth(baskets: &Baskets, ctx: &Ctx) -> Result<Sink, Exploded> {
    let counts = baskets.item_counts();
    let mut frequent: Vec<u32> = (0..baskets.n_items() as u32).filter(|&i| counts[i as usize] >= ctx.min_count).collect();
    frequent.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
    let mut rank = vec![u32::MAX; baskets.n_items()];
    for (r, &i) in frequent.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let mut db = WeightedDb::new();
    for b in baskets.iter() {
        let start = db.items.len();
        db.items.extend(b.iter().map(|&i| rank[i as usize]).filter(|&r| r != u32::MAX));
        if db.items.len() > start {
            db.push_from(start, 1);
        }
    }
    let tree = Tree::build(&db, frequent.len());
    drop(db);
    let parts: Vec<Result<Sink, Exploded>> = (0..frequent.len())
        .into_par_iter()
        .with_max_len(1)
        .map(|k| {
            let mut sink = Sink::default();
            let mut prefix = Vec::new();
            grow(&tree, k, &frequent, &mut prefix, &mut sink, ctx)?;
            sink.flush(ctx)?;
            Ok(sink)
        })
        .collect();
    let mut out = Sink::default();
    for p in parts {
        out.append(p?);
    }
    ctx.finish()?;
    Ok(out)
}

/// Emits `prefix ∪ {k}` and everything that grows from it in `tree`.
fn grow(tree: &Tree, k: usize, globals: &[u32], prefix: &mut Vec<u32>, sink: &mut Sink, ctx: &Ctx) -> Result<(), Exploded> {
    prefix.push(globals[k]);
    sink.emit(prefix, tree.support[k], ctx)?;
    if prefix.len() < ctx.max_len && k > 0 {
        // Conditional pattern base of local item k: every path above its nodes.
        let mut cnt = vec![0u32; k];
        for &n in tree.nodes_of(k) {
            let w = tree.count[n as usize];
            let mut p = tree.parent[n as usize];
            while p != ROOT {
                cnt[tree.item[p as usize] as usize] += w;
                p = tree.parent[p as usize];
            }
        }
        let mut loc: Vec<u32> = (0..k as u32).filter(|&j| cnt[j as usize] as u64 >= ctx.min_count).collect();
        if !loc.is_empty() {
            loc.sort_by(|&a, &b| cnt[b as usize].cmp(&cnt[a as usize]).then(a.cmp(&b)));
            let mut newrank = vec![u32::MAX; k];
            for (r, &j) in loc.iter().enumerate() {
                newrank[j as usize] = r as u32;
            }
            let mut db = WeightedDb::new();
            for &n in tree.nodes_of(k) {
                let start = db.items.len();
                let mut p = tree.parent[n as usize];
                while p != ROOT {
                    let r = newrank[tree.item[p as usize] as usize];
                    if r != u32::MAX {
                        db.items.push(r);
                    }
                    p = tree.parent[p as usize];
                }
                if db.items.len() > start {
                    db.push_from(start, tree.count[n as usize]);
                }
            }
            let sub = Tree::build(&db, loc.len());
            drop(db);
            let sub_globals: Vec<u32> = loc.iter().map(|&j| globals[j as usize]).collect();
            for j in 0..loc.len() {
                grow(&sub, j, &sub_globals, prefix, sink, ctx)?;
            }
        }
    }
    prefix.pop();
    Ok(())
}
