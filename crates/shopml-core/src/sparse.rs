//! Sparse user × item matrices: [`Csr`] and the [`Interactions`] built on it.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::IdMap;

/// A compressed-sparse-row matrix of `f32` values with `u32` column indices.
///
/// Columns within a row are strictly increasing (no duplicates). `f32` halves
/// the memory traffic of the recommenders' hot loops compared with `f64`;
/// statistics computed from the values are accumulated in `f64`.
///
/// Deserialisation runs [`Csr::from_parts`], so a loaded matrix satisfies
/// the same invariants as a built one (a column index past the width, an
/// unsorted row or a NaN value fails to load).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CsrRaw")]
pub struct Csr {
    n_rows: usize,
    n_cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

/// The unchecked serialised form of [`Csr`].
#[derive(Deserialize)]
struct CsrRaw {
    n_rows: usize,
    n_cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl TryFrom<CsrRaw> for Csr {
    type Error = Error;
    fn try_from(r: CsrRaw) -> Result<Self> {
        Csr::from_parts(r.n_rows, r.n_cols, r.indptr, r.indices, r.values)
    }
}

impl Csr {
    /// Builds a matrix from raw CSR arrays, checking every invariant
    /// (lengths, monotone `indptr`, sorted unique in-range columns, finite values).
    pub fn from_parts(n_rows: usize, n_cols: usize, indptr: Vec<usize>, indices: Vec<u32>, values: Vec<f32>) -> Result<Self> {
        if n_cols > u32::MAX as usize {
            return Err(Error::shape("Csr columns", "at most 2^32 - 1 columns", n_cols));
        }
        if n_rows >= u32::MAX as usize {
            return Err(Error::shape("Csr rows", "fewer than 2^32 - 1 rows", n_rows));
        }
        if indptr.len() != n_rows + 1 {
            return Err(Error::shape("Csr indptr", n_rows + 1, indptr.len()));
        }
        if indices.len() != values.len() {
            return Err(Error::shape("Csr indices vs values", indices.len(), values.len()));
        }
        if indptr[0] != 0 || indptr[n_rows] != indices.len() {
            return Err(Error::shape(
                "Csr indptr bounds",
                format!("0 .. {}", indices.len()),
                format!("{} .. {}", indptr[0], indptr[n_rows]),
            ));
        }
        for r in 0..n_rows {
            let (a, b) = (indptr[r], indptr[r + 1]);
            if b > indices.len() {
                return Err(Error::InvalidValue {
                    what: "Csr indptr".into(),
                    row: r + 1,
                    column: None,
                    value: b as f64,
                    reason: format!("points past the {} stored entries", indices.len()),
                });
            }
            if b < a {
                return Err(Error::InvalidValue {
                    what: "Csr indptr".into(),
                    row: r,
                    column: None,
                    value: b as f64,
                    reason: "indptr must be non-decreasing".into(),
                });
            }
            for k in a..b {
                let c = indices[k] as usize;
                if c >= n_cols {
                    return Err(Error::IndexOutOfRange { what: "column", index: c, len: n_cols });
                }
                if k > a && indices[k - 1] >= indices[k] {
                    return Err(Error::InvalidValue {
                        what: "Csr indices".into(),
                        row: r,
                        column: Some(c),
                        value: c as f64,
                        reason: "columns within a row must be strictly increasing".into(),
                    });
                }
                if !values[k].is_finite() {
                    return Err(Error::NonFinite { what: "Csr values".into(), row: r, column: Some(c), value: values[k] as f64 });
                }
            }
        }
        Ok(Csr { n_rows, n_cols, indptr, indices, values })
    }

    /// An all-zero matrix.
    pub fn zeros(n_rows: usize, n_cols: usize) -> Self {
        Csr { n_rows, n_cols, indptr: vec![0; n_rows + 1], indices: Vec::new(), values: Vec::new() }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }
    /// `(rows, columns)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_rows, self.n_cols)
    }
    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }
    /// Row offsets, length `n_rows + 1`.
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }
    /// Column index of every stored entry.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }
    /// Value of every stored entry.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The columns and values of row `r` (panics only if `r >= n_rows`; use
    /// [`Csr::try_row`] for untrusted indices).
    #[inline]
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Like [`Csr::row`], with an error for an out-of-range row.
    pub fn try_row(&self, r: usize) -> Result<(&[u32], &[f32])> {
        if r >= self.n_rows {
            return Err(Error::IndexOutOfRange { what: "row", index: r, len: self.n_rows });
        }
        Ok(self.row(r))
    }

    /// Number of stored entries in row `r`.
    #[inline]
    pub fn row_nnz(&self, r: usize) -> usize {
        self.indptr[r + 1] - self.indptr[r]
    }

    /// The stored value at `(r, c)`, or `None`.
    pub fn get(&self, r: usize, c: usize) -> Option<f32> {
        if r >= self.n_rows {
            return None;
        }
        let (cols, vals) = self.row(r);
        cols.binary_search(&(c as u32)).ok().map(|k| vals[k])
    }

    /// The transpose, in O(nnz + n_cols) by a counting sort.
    pub fn transpose(&self) -> Csr {
        let mut counts = vec![0usize; self.n_cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for i in 0..self.n_cols {
            counts[i + 1] += counts[i];
        }
        let indptr = counts.clone();
        let mut next = counts;
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0f32; self.nnz()];
        for r in 0..self.n_rows {
            let (cols, vals) = self.row(r);
            for (&c, &v) in cols.iter().zip(vals) {
                let p = next[c as usize];
                indices[p] = r as u32;
                values[p] = v;
                next[c as usize] += 1;
            }
        }
        Csr { n_rows: self.n_cols, n_cols: self.n_rows, indptr, indices, values }
    }

    /// Applies `f` to every stored value (zeros stay zeros and unstored).
    pub fn map_values(&self, mut f: impl FnMut(f32) -> f32) -> Result<Csr> {
        let mut out = self.clone();
        for r in 0..out.n_rows {
            for k in out.indptr[r]..out.indptr[r + 1] {
                let v = f(out.values[k]);
                if !v.is_finite() {
                    return Err(Error::NonFinite {
                        what: "mapped values".into(),
                        row: r,
                        column: Some(out.indices[k] as usize),
                        value: v as f64,
                    });
                }
                out.values[k] = v;
            }
        }
        Ok(out)
    }

    /// Iterates over `(row, column, value)` of every stored entry, row-major.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, f32)> + '_ {
        (0..self.n_rows).flat_map(move |r| {
            let (c, v) = self.row(r);
            c.iter().zip(v).map(move |(&c, &v)| (r, c as usize, v))
        })
    }

    /// A dense copy (for tests and small matrices).
    pub fn to_dense(&self) -> ndarray::Array2<f32> {
        let mut d = ndarray::Array2::zeros((self.n_rows, self.n_cols));
        for (r, c, v) in self.iter() {
            d[[r, c]] = v;
        }
        d
    }
}

/// One observed interaction: `user` did something with `item`, worth `value`.
///
/// Named fields make it impossible to pass users and items the wrong way round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Triple {
    /// Dense user index.
    pub user: u32,
    /// Dense item index.
    pub item: u32,
    /// Strength of the interaction (count, rating, confidence).
    pub value: f32,
}

/// How repeated `(user, item)` pairs are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Duplicates {
    /// Add the values (counts, quantities).
    #[default]
    Sum,
    /// Keep the largest value.
    Max,
    /// Keep the value that came last in the input (latest rating).
    Last,
    /// Reject the input with an error naming the first repeated pair.
    Error,
}

/// Validates one new row or column's `(index, value)` entries and returns
/// them sorted by index.
fn sorted_entries(what: &'static str, idx: &[u32], values: &[f32], len: usize) -> Result<Vec<(u32, f32)>> {
    if idx.len() != values.len() {
        return Err(Error::shape(format!("{what} and values"), format!("{} values", idx.len()), format!("{} values", values.len())));
    }
    let mut pairs = Vec::with_capacity(idx.len());
    for (pos, (&i, &v)) in idx.iter().zip(values).enumerate() {
        if i as usize >= len {
            return Err(Error::IndexOutOfRange { what: if what == "items" { "item" } else { "user" }, index: i as usize, len });
        }
        if !v.is_finite() {
            return Err(Error::NonFinite { what: "values".into(), row: pos, column: None, value: v as f64 });
        }
        pairs.push((i, v));
    }
    pairs.sort_unstable_by_key(|p| p.0);
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        let row = idx.iter().rposition(|&i| i == w[0].0).unwrap_or(0);
        return Err(Error::InvalidValue { what: what.into(), row, column: None, value: w[0].0 as f64, reason: "index repeated".into() });
    }
    Ok(pairs)
}

/// A user × item interaction matrix in CSR layout, rows = users.
///
/// Built from [`Triple`]s by a stable counting sort by user followed by a
/// stable sort of each (short) row by item — O(nnz + users) plus
/// O(r log r) per row of length r — which keeps repeats in input order, so
/// [`Duplicates::Last`] is well defined.
///
/// ```
/// use shopml_core::{Duplicates, Interactions, Triple};
/// let t = [
///     Triple { user: 0, item: 2, value: 1.0 },
///     Triple { user: 1, item: 0, value: 4.0 },
///     Triple { user: 0, item: 2, value: 2.0 },
/// ];
/// let m = Interactions::from_triples(2, 3, &t, Duplicates::Sum).unwrap();
/// assert_eq!(m.nnz(), 2);
/// assert_eq!(m.get(0, 2), Some(3.0));
/// assert_eq!(m.item_users().get(0, 1), Some(4.0)); // item 0, user 1
/// ```
///
/// The item-major transpose is computed once, on the first call of
/// [`Interactions::item_users`], and cached (it is not serialised). A
/// deserialised matrix is validated like a built one (through [`Csr`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "InteractionsRepr", into = "InteractionsRepr")]
pub struct Interactions {
    user_items: Csr,
    item_users: OnceLock<Csr>,
}

#[derive(Serialize, Deserialize)]
struct InteractionsRepr {
    user_items: Csr,
}

impl From<InteractionsRepr> for Interactions {
    fn from(r: InteractionsRepr) -> Self {
        Interactions::from_user_items(r.user_items)
    }
}

impl From<Interactions> for InteractionsRepr {
    fn from(m: Interactions) -> Self {
        InteractionsRepr { user_items: m.user_items }
    }
}

impl PartialEq for Interactions {
    fn eq(&self, other: &Self) -> bool {
        self.user_items == other.user_items
    }
}

impl Interactions {
    /// Builds the matrix from triples whose indices are already dense.
    ///
    /// Errors: an index outside `n_users`/`n_items` ([`Error::IndexOutOfRange`]),
    /// a NaN/∞ value ([`Error::NonFinite`] with the triple's position), or a
    /// repeated pair under [`Duplicates::Error`].
    pub fn from_triples(n_users: usize, n_items: usize, triples: &[Triple], duplicates: Duplicates) -> Result<Self> {
        if n_users > u32::MAX as usize || n_items > u32::MAX as usize {
            return Err(Error::shape("Interactions", "at most 2^32 - 1 users and items", format!("{n_users} × {n_items}")));
        }
        for (pos, t) in triples.iter().enumerate() {
            if t.user as usize >= n_users {
                return Err(Error::IndexOutOfRange { what: "user", index: t.user as usize, len: n_users });
            }
            if t.item as usize >= n_items {
                return Err(Error::IndexOutOfRange { what: "item", index: t.item as usize, len: n_items });
            }
            if !t.value.is_finite() {
                return Err(Error::NonFinite { what: "interaction values".into(), row: pos, column: None, value: t.value as f64 });
            }
        }
        let nnz = triples.len();
        // Counting sort by user (stable), then a stable sort of each row by item:
        // one scattered pass over the data instead of two, and rows are short.
        let mut indptr = vec![0usize; n_users + 1];
        for t in triples {
            indptr[t.user as usize + 1] += 1;
        }
        for u in 0..n_users {
            indptr[u + 1] += indptr[u];
        }
        let mut next = indptr[..n_users].to_vec();
        let mut pairs: Vec<(u32, f32)> = vec![(0, 0.0); nnz];
        for t in triples {
            let slot = &mut next[t.user as usize];
            pairs[*slot] = (t.item, t.value);
            *slot += 1;
        }
        drop(next);
        for u in 0..n_users {
            let row = &mut pairs[indptr[u]..indptr[u + 1]];
            if !row.is_sorted_by_key(|p| p.0) {
                // Stable, so repeats keep their input order and `Last` is well defined.
                row.sort_by_key(|p| p.0);
            }
        }
        let mut indices = vec![0u32; nnz];
        let mut values = vec![0f32; nnz];
        for (k, &(i, v)) in pairs.iter().enumerate() {
            indices[k] = i;
            values[k] = v;
        }
        drop(pairs);
        // Merge repeats (adjacent within a row), compacting in place.
        let mut write = 0usize;
        let mut new_indptr = vec![0usize; n_users + 1];
        for u in 0..n_users {
            let (a, b) = (indptr[u], indptr[u + 1]);
            let mut k = a;
            while k < b {
                let item = indices[k];
                let mut v = values[k];
                let mut j = k + 1;
                while j < b && indices[j] == item {
                    match duplicates {
                        Duplicates::Sum => v += values[j],
                        Duplicates::Max => v = v.max(values[j]),
                        Duplicates::Last => v = values[j],
                        Duplicates::Error => {
                            // Name the input triple that repeated the pair (its position in `triples`).
                            let row = triples
                                .iter()
                                .enumerate()
                                .filter(|(_, t)| t.user as usize == u && t.item == item)
                                .nth(1)
                                .map_or(0, |(pos, _)| pos);
                            return Err(Error::InvalidValue {
                                what: format!("interactions (user {u}, item {item})"),
                                row,
                                column: None,
                                value: values[j] as f64,
                                reason: "repeated (user, item) pair while duplicates are an error".into(),
                            });
                        }
                    }
                    j += 1;
                }
                if !v.is_finite() {
                    // Only a sum of finite values can overflow: name the input
                    // triple whose addition made the running sum infinite.
                    let mut run = 0f32;
                    let mut row = 0;
                    for (pos, t) in triples.iter().enumerate().filter(|(_, t)| t.user as usize == u && t.item == item) {
                        run += t.value;
                        if !run.is_finite() {
                            row = pos;
                            break;
                        }
                    }
                    return Err(Error::NonFinite {
                        what: format!("summed interaction values (user {u}, item {item})"),
                        row,
                        column: None,
                        value: v as f64,
                    });
                }
                indices[write] = item;
                values[write] = v;
                write += 1;
                k = j;
            }
            new_indptr[u + 1] = write;
        }
        indices.truncate(write);
        values.truncate(write);
        Ok(Interactions::from_user_items(Csr { n_rows: n_users, n_cols: n_items, indptr: new_indptr, indices, values }))
    }

    /// Appends a user who interacted with `items` (dense item indices, any
    /// order, no repeats) with strengths `values`; returns the new user's
    /// index. `O(len)`.
    ///
    /// Errors: lengths differ ([`Error::ShapeMismatch`]), an item index out of
    /// range ([`Error::IndexOutOfRange`]), a repeated item
    /// ([`Error::InvalidValue`] naming its position) or a non-finite value
    /// ([`Error::NonFinite`]). On error the matrix is unchanged.
    ///
    /// ```
    /// use shopml_core::{Duplicates, Interactions, Triple};
    /// let mut m = Interactions::from_triples(1, 3, &[Triple { user: 0, item: 2, value: 1.0 }], Duplicates::Sum).unwrap();
    /// let u = m.push_user(&[2, 0], &[5.0, 1.0]).unwrap();
    /// assert_eq!((u, m.user(u).unwrap()), (1, (&[0u32, 2][..], &[1.0f32, 5.0][..])));
    /// ```
    pub fn push_user(&mut self, items: &[u32], values: &[f32]) -> Result<usize> {
        let pairs = sorted_entries("items", items, values, self.n_items())?;
        if self.n_users() >= u32::MAX as usize - 1 {
            return Err(Error::shape("Interactions", "fewer than 2^32 - 1 users", self.n_users() + 1));
        }
        self.item_users = OnceLock::new();
        let m = &mut self.user_items;
        for (c, v) in pairs {
            m.indices.push(c);
            m.values.push(v);
        }
        m.indptr.push(m.indices.len());
        m.n_rows += 1;
        Ok(m.n_rows - 1)
    }

    /// Appends an item that `users` (dense user indices, any order, no
    /// repeats) interacted with, with strengths `values`; returns the new
    /// item's index. The new column is the last, so each listed user's row
    /// stays sorted by appending; the arrays are rebuilt once, `O(nnz)`.
    ///
    /// Errors as [`Interactions::push_user`], for users.
    ///
    /// ```
    /// use shopml_core::{Duplicates, Interactions, Triple};
    /// let mut m = Interactions::from_triples(2, 1, &[Triple { user: 1, item: 0, value: 1.0 }], Duplicates::Sum).unwrap();
    /// let i = m.push_item(&[1, 0], &[2.0, 3.0]).unwrap();
    /// assert_eq!(i, 1);
    /// assert_eq!((m.get(0, 1), m.get(1, 1), m.get(1, 0)), (Some(3.0), Some(2.0), Some(1.0)));
    /// ```
    pub fn push_item(&mut self, users: &[u32], values: &[f32]) -> Result<usize> {
        let pairs = sorted_entries("users", users, values, self.n_users())?;
        if self.n_items() >= u32::MAX as usize - 1 {
            return Err(Error::shape("Interactions", "fewer than 2^32 - 1 items", self.n_items() + 1));
        }
        self.item_users = OnceLock::new();
        let m = &mut self.user_items;
        let col = m.n_cols as u32;
        let nnz = m.indices.len() + pairs.len();
        let (mut indptr, mut indices, mut values) = (Vec::with_capacity(m.n_rows + 1), Vec::with_capacity(nnz), Vec::with_capacity(nnz));
        indptr.push(0);
        let mut next = pairs.iter().peekable();
        for r in 0..m.n_rows {
            let (a, b) = (m.indptr[r], m.indptr[r + 1]);
            indices.extend_from_slice(&m.indices[a..b]);
            values.extend_from_slice(&m.values[a..b]);
            if let Some(&&(u, v)) = next.peek()
                && u as usize == r
            {
                indices.push(col);
                values.push(v);
                next.next();
            }
            indptr.push(indices.len());
        }
        (m.indptr, m.indices, m.values) = (indptr, indices, values);
        m.n_cols += 1;
        Ok(m.n_cols - 1)
    }

    /// Wraps a user-major [`Csr`] (rows = users, columns = items).
    pub fn from_user_items(user_items: Csr) -> Self {
        Interactions { user_items, item_users: OnceLock::new() }
    }

    /// Number of users (rows).
    pub fn n_users(&self) -> usize {
        self.user_items.n_rows
    }
    /// Number of items (columns).
    pub fn n_items(&self) -> usize {
        self.user_items.n_cols
    }
    /// `(users, items)`.
    pub fn shape(&self) -> (usize, usize) {
        self.user_items.shape()
    }
    /// Number of stored interactions.
    pub fn nnz(&self) -> usize {
        self.user_items.nnz()
    }
    /// The user-major CSR matrix.
    pub fn user_items(&self) -> &Csr {
        &self.user_items
    }
    /// The items and values of `user`.
    pub fn user(&self, user: usize) -> Result<(&[u32], &[f32])> {
        self.user_items.try_row(user).map_err(|_| Error::IndexOutOfRange { what: "user", index: user, len: self.n_users() })
    }
    /// The stored value for `(user, item)`, if any.
    pub fn get(&self, user: usize, item: usize) -> Option<f32> {
        self.user_items.get(user, item)
    }
    /// The item-major transpose (rows = items, columns = users), computed on
    /// the first call in O(nnz + n_items) and cached; later calls are free.
    pub fn item_users(&self) -> &Csr {
        self.item_users.get_or_init(|| self.user_items.transpose())
    }
    /// Applies `f` to every stored value.
    pub fn map_values(&self, f: impl FnMut(f32) -> f32) -> Result<Interactions> {
        Ok(Interactions::from_user_items(self.user_items.map_values(f)?))
    }
    /// Iterates over every stored interaction as a [`Triple`].
    pub fn triples(&self) -> impl Iterator<Item = Triple> + '_ {
        self.user_items.iter().map(|(u, i, v)| Triple { user: u as u32, item: i as u32, value: v })
    }
}

/// An [`Interactions`] matrix together with the maps from external user and
/// item ids to its rows and columns.
///
/// Loading checks that the maps have one id per row and per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LabelledRaw")]
pub struct LabelledInteractions {
    /// The matrix.
    pub matrix: Interactions,
    /// External user id of each row.
    pub users: IdMap<String>,
    /// External item id of each column.
    pub items: IdMap<String>,
}

#[derive(Deserialize)]
struct LabelledRaw {
    matrix: Interactions,
    users: IdMap<String>,
    items: IdMap<String>,
}

impl TryFrom<LabelledRaw> for LabelledInteractions {
    type Error = Error;
    fn try_from(r: LabelledRaw) -> Result<Self> {
        if r.users.len() != r.matrix.n_users() {
            return Err(Error::shape("user ids vs matrix rows", r.matrix.n_users(), r.users.len()));
        }
        if r.items.len() != r.matrix.n_items() {
            return Err(Error::shape("item ids vs matrix columns", r.matrix.n_items(), r.items.len()));
        }
        Ok(LabelledInteractions { matrix: r.matrix, users: r.users, items: r.items })
    }
}

/// Collects interactions keyed by external ids.
///
/// ```
/// use shopml_core::{Duplicates, InteractionsBuilder};
/// let mut b = InteractionsBuilder::new();
/// b.push("alice", "mug", 1.0).unwrap();
/// b.push("bob", "mug", 2.0).unwrap();
/// b.push("alice", "mug", 1.0).unwrap();
/// let data = b.build(Duplicates::Sum).unwrap();
/// let alice = data.users.index("alice").unwrap();
/// let mug = data.items.index("mug").unwrap();
/// assert_eq!(data.matrix.get(alice, mug), Some(2.0));
/// ```
#[derive(Debug, Clone)]
pub struct InteractionsBuilder {
    users: IdMap<String>,
    items: IdMap<String>,
    triples: Vec<Triple>,
}

impl Default for InteractionsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl InteractionsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        InteractionsBuilder { users: IdMap::named("user"), items: IdMap::named("item"), triples: Vec::new() }
    }

    /// Starts from existing maps, so that known ids keep their indices.
    pub fn with_maps(users: IdMap<String>, items: IdMap<String>) -> Self {
        InteractionsBuilder { users, items, triples: Vec::new() }
    }

    /// Adds one interaction; a NaN/∞ value is rejected with its position.
    pub fn push(&mut self, user: &str, item: &str, value: f32) -> Result<()> {
        if !value.is_finite() {
            return Err(Error::NonFinite { what: "interaction values".into(), row: self.triples.len(), column: None, value: value as f64 });
        }
        let u = match self.users.get(user) {
            Some(u) => u,
            None => self.users.insert(user.to_string()),
        };
        let i = match self.items.get(item) {
            Some(i) => i,
            None => self.items.insert(item.to_string()),
        };
        self.triples.push(Triple { user: u as u32, item: i as u32, value });
        Ok(())
    }

    /// Number of interactions pushed so far.
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// Builds the matrix, combining repeats as asked.
    pub fn build(self, duplicates: Duplicates) -> Result<LabelledInteractions> {
        let matrix = Interactions::from_triples(self.users.len(), self.items.len(), &self.triples, duplicates)?;
        Ok(LabelledInteractions { matrix, users: self.users, items: self.items })
    }
}
