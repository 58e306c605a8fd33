//! Serving: top-N for one user or a batch, filters, similar items/users,
//! fold-in of unseen histories, and an id-keyed [`Recommender`] wrapper.
//!
//! Batch scoring works on blocks of users at once (one GEMM per block for the
//! factor models), in parallel with rayon, and ranks each row with a partial
//! selection — never a full sort of the catalogue.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, IdMap, Interactions, LabelledInteractions, Recommend, Scored};

use crate::error::Result;

/// Users scored together in one block by [`recommend_batch`].
const BLOCK: usize = 64;

/// A fitted model that can score many users at once.
///
/// Every model of this crate implements it; the default method scores one
/// user at a time through [`Recommend::score_items`].
pub trait Scorer: Recommend + Sync {
    /// Fills `out` (`users.len() × n_items`, row-major) with the scores of
    /// each user in `users`. Indices are checked by the caller.
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        check_block(users, self.n_users(), self.n_items(), out.len())?;
        let n = self.n_items();
        for (b, &u) in users.iter().enumerate() {
            out[b * n..(b + 1) * n].copy_from_slice(&self.score_items(u)?);
        }
        Ok(())
    }
}

/// Any [`Recommend`] model from outside this crate as a [`Scorer`], so
/// [`evaluate`](crate::evaluate), [`recommend_batch`] and the other
/// batch functions accept it. Users are scored one at a time.
///
/// shopml-basket's `CartRecommender` (held-out carts as users) is evaluated
/// this way beside this crate's models.
///
/// ```
/// use shopml_core::{Recommend, Result, Scored};
/// use shopml_recommend::{AnyRecommender, Request, recommend_batch};
/// // Every user gets the items ranked by index, highest first.
/// struct ByIndex;
/// impl Recommend for ByIndex {
///     fn n_users(&self) -> usize { 2 }
///     fn n_items(&self) -> usize { 4 }
///     fn score_items(&self, _user: usize) -> Result<Vec<f32>> { Ok(vec![0.0, 1.0, 2.0, 3.0]) }
/// }
/// let lists = recommend_batch(&AnyRecommender(ByIndex), None, &[0, 1], &Request::top(2))?;
/// assert_eq!(lists[1].iter().map(|s| s.item).collect::<Vec<_>>(), vec![3, 2]);
/// # Ok::<(), shopml_recommend::RecommendError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AnyRecommender<R>(pub R);

impl<R: Recommend> Recommend for AnyRecommender<R> {
    fn n_users(&self) -> usize {
        self.0.n_users()
    }
    fn n_items(&self) -> usize {
        self.0.n_items()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        self.0.score_items(user)
    }
    fn recommend(&self, user: usize, n: usize, exclude: &[usize]) -> shopml_core::Result<Vec<Scored>> {
        self.0.recommend(user, n, exclude)
    }
}

impl<R: Recommend + Sync> Scorer for AnyRecommender<R> {}

/// Models that can rank items most similar to an item.
pub trait SimilarItems {
    /// The `n` items most similar to `item` (never `item` itself), best first.
    fn similar_items(&self, item: usize, n: usize) -> Result<Vec<Scored>>;
}

/// Models that can rank users most similar to a user.
pub trait SimilarUsers {
    /// The `n` users most similar to `user` (never `user` itself), best first.
    fn similar_users(&self, user: usize, n: usize) -> Result<Vec<Scored>>;
}

/// Models that can score a user from their interactions alone, without
/// retraining (a new user, or a user whose history changed).
pub trait FoldIn {
    /// Scores every item for a user who interacted with `items` (dense
    /// indices, any order, no repeats) with strengths `values`.
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>>;
}

/// Models that grow without retraining: a new user from their
/// interactions, a new item from the users who interacted with it.
pub trait Extend {
    /// Adds a user who interacted with `items` (dense indices, sorted, no
    /// repeats) with strengths `values`; returns the new user's index.
    fn add_user(&mut self, items: &[u32], values: &[f32]) -> Result<usize>;
    /// Adds an item that `users` (dense indices, sorted, no repeats)
    /// interacted with, with strengths `values`; returns its index.
    fn add_item(&mut self, users: &[u32], values: &[f32]) -> Result<usize>;
}

/// What to recommend: how many, and which items to leave out or allow.
///
/// `I` is `usize` for dense indices and `String` for the id-keyed
/// [`Recommender`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request<I = usize> {
    /// How many items to return (fewer if fewer are eligible).
    pub n: usize,
    /// Leave out items the user interacted with in the training data.
    pub exclude_seen: bool,
    /// Further items to leave out.
    pub exclude: Vec<I>,
    /// If set, only these items may be recommended.
    pub candidates: Option<Vec<I>>,
}

impl<I> Request<I> {
    /// The top `n`, excluding seen items, no other filter.
    pub fn top(n: usize) -> Self {
        Request { n, exclude_seen: true, exclude: Vec::new(), candidates: None }
    }
    /// Whether to leave out items seen in training (default `true`).
    pub fn exclude_seen(mut self, yes: bool) -> Self {
        self.exclude_seen = yes;
        self
    }
    /// Items to leave out.
    pub fn exclude(mut self, items: Vec<I>) -> Self {
        self.exclude = items;
        self
    }
    /// Restrict recommendations to these items.
    pub fn candidates(mut self, items: Vec<I>) -> Self {
        self.candidates = Some(items);
        self
    }
}

/// Checks a [`Scorer::score_users`] call: every user in range and `out`
/// exactly `users.len() × n_items` long.
pub(crate) fn check_block(users: &[usize], n_users: usize, n_items: usize, out_len: usize) -> shopml_core::Result<()> {
    if let Some(&u) = users.iter().find(|&&u| u >= n_users) {
        return Err(Error::IndexOutOfRange { what: "user", index: u, len: n_users });
    }
    let want = users.len().checked_mul(n_items).ok_or_else(|| Error::param("users", "users × items overflows"))?;
    if out_len != want {
        return Err(Error::shape("score buffer", format!("{want} scores ({} users × {n_items} items)", users.len()), out_len));
    }
    Ok(())
}

/// Checks a fold-in history: as many values as items, items in range, values
/// finite and non-negative (interaction strengths).
pub(crate) fn check_history(items: &[u32], values: &[f32], n_items: usize) -> shopml_core::Result<()> {
    if items.len() != values.len() {
        return Err(Error::shape("history items vs values", items.len(), values.len()));
    }
    if let Some(&i) = items.iter().find(|&&i| i as usize >= n_items) {
        return Err(Error::IndexOutOfRange { what: "item", index: i as usize, len: n_items });
    }
    if let Some((row, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite() || **v < 0.0) {
        return Err(Error::InvalidValue {
            what: "history values".into(),
            row,
            column: None,
            value: v as f64,
            reason: "history values are finite and non-negative".into(),
        });
    }
    Ok(())
}

fn check_item(i: usize, n_items: usize) -> shopml_core::Result<()> {
    if i >= n_items { Err(Error::IndexOutOfRange { what: "item", index: i, len: n_items }) } else { Ok(()) }
}

/// A prepared filter: items masked for every user.
struct Mask {
    blocked: Vec<bool>,
}

impl Mask {
    fn new(n_items: usize, req: &Request) -> shopml_core::Result<Self> {
        let mut blocked = vec![false; n_items];
        for &i in &req.exclude {
            check_item(i, n_items)?;
            blocked[i] = true;
        }
        if let Some(c) = &req.candidates {
            let mut allowed = vec![false; n_items];
            for &i in c {
                check_item(i, n_items)?;
                allowed[i] = true;
            }
            for (b, a) in blocked.iter_mut().zip(allowed) {
                *b |= !a;
            }
        }
        Ok(Mask { blocked })
    }
}

/// The best `n` of `scores` skipping `blocked` and `seen`, best first, ties to
/// the lower index (the same order as [`shopml_core::top_n`]).
pub(crate) fn select(scores: &mut [f32], n: usize, blocked: &[bool], seen: &[u32]) -> Vec<Scored> {
    for &i in seen {
        if let Some(s) = scores.get_mut(i as usize) {
            *s = f32::NEG_INFINITY;
        }
    }
    for (s, &b) in scores.iter_mut().zip(blocked) {
        if b {
            *s = f32::NEG_INFINITY;
        }
    }
    if n > 64 {
        return shopml_core::top_n(scores, n);
    }
    // Small n: one pass keeping a sorted buffer, O(len + hits · n).
    let mut best: Vec<Scored> = Vec::with_capacity(n + 1);
    if n == 0 {
        return best;
    }
    let mut worst = f32::NEG_INFINITY;
    for (i, &s) in scores.iter().enumerate() {
        if s.is_nan() || s == f32::NEG_INFINITY || (best.len() == n && s <= worst) {
            continue;
        }
        let pos = best.partition_point(|b| b.score >= s);
        best.insert(pos, Scored { item: i, score: s });
        if best.len() > n {
            best.pop();
        }
        if best.len() == n {
            worst = best[n - 1].score;
        }
    }
    best
}

/// Top-N for one user (dense indices); `seen` is the training matrix whose
/// row for `user` is excluded when `req.exclude_seen`.
pub fn recommend<M: Scorer + ?Sized>(model: &M, seen: Option<&Interactions>, user: usize, req: &Request) -> Result<Vec<Scored>> {
    Ok(recommend_batch(model, seen, &[user], req)?.pop().unwrap_or_default())
}

/// Top-N for many users in parallel (dense indices), one list per user in the
/// order given. Users are scored in blocks of 64 (a GEMM per block for factor
/// models) and each row is ranked by partial selection.
pub fn recommend_batch<M: Scorer + ?Sized>(
    model: &M,
    seen: Option<&Interactions>,
    users: &[usize],
    req: &Request,
) -> Result<Vec<Vec<Scored>>> {
    let n_items = model.n_items();
    let n_users = model.n_users();
    for &u in users {
        if u >= n_users {
            return Err(Error::IndexOutOfRange { what: "user", index: u, len: n_users }.into());
        }
    }
    if let Some(s) = seen
        && s.n_items() != n_items
    {
        return Err(Error::shape("seen interactions (items)", n_items, s.n_items()).into());
    }
    let mask = Mask::new(n_items, req)?;
    let blocks: Vec<shopml_core::Result<Vec<Vec<Scored>>>> = users
        .par_chunks(BLOCK)
        .map_init(Vec::new, |buf: &mut Vec<f32>, chunk| {
            buf.resize(chunk.len() * n_items, 0.0);
            model.score_users(chunk, buf)?;
            let mut out = Vec::with_capacity(chunk.len());
            for (b, &u) in chunk.iter().enumerate() {
                let row = &mut buf[b * n_items..(b + 1) * n_items];
                let seen_items: &[u32] = match seen {
                    Some(s) if req.exclude_seen && u < s.n_users() => s.user_items().row(u).0,
                    _ => &[],
                };
                out.push(select(row, req.n, &mask.blocked, seen_items));
            }
            Ok(out)
        })
        .collect();
    let mut all = Vec::with_capacity(users.len());
    for b in blocks {
        all.extend(b?);
    }
    Ok(all)
}

/// What a [`Recommender`] does for a user id it has never seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UnknownUser {
    /// Return [`Error::UnknownId`].
    #[default]
    Error,
    /// Recommend the most popular items (by training interaction count).
    /// (Files written before the variant's name was fixed say
    /// `PopularityParams`; they still load.)
    #[serde(alias = "PopularityParams")]
    Popularity,
}

/// A fitted model together with its id maps and training interactions:
/// recommendations keyed by the shop's own user and item ids.
///
/// ```
/// use shopml_core::{Duplicates, InteractionsBuilder};
/// use shopml_recommend::{Popularity, Recommender, Request, UnknownUser};
/// use shopml_core::Fit;
///
/// let mut b = InteractionsBuilder::new();
/// for (u, i) in [("ann", "mug"), ("ann", "tea"), ("bob", "mug"), ("cat", "pot")] {
///     b.push(u, i, 1.0).unwrap();
/// }
/// let data = b.build(Duplicates::Sum).unwrap();
/// let model = Popularity::params().fit(&data.matrix).unwrap();
/// let rec = Recommender::new(model, &data).unwrap().unknown_user(UnknownUser::Popularity);
/// // bob already has the mug; the next most popular items follow.
/// let top = rec.recommend("bob", &Request::top(1)).unwrap();
/// assert_eq!(top[0].0, "tea");
/// // A stranger gets the overall most popular item.
/// assert_eq!(rec.recommend("zoe", &Request::top(1)).unwrap()[0].0, "mug");
/// ```
///
/// Loading from JSON checks that the model, the id maps, the purchase
/// history and the popularity counts agree in shape, and that the counts are
/// finite and non-negative.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "RecommenderRaw<M>", bound(deserialize = "M: Scorer + Deserialize<'de>"))]
pub struct Recommender<M> {
    model: M,
    users: IdMap<String>,
    items: IdMap<String>,
    seen: Interactions,
    popularity: Vec<f32>,
    unknown_user: UnknownUser,
}

#[derive(Deserialize)]
struct RecommenderRaw<M> {
    model: M,
    users: IdMap<String>,
    items: IdMap<String>,
    seen: Interactions,
    popularity: Vec<f32>,
    unknown_user: UnknownUser,
}

impl<M: Scorer> TryFrom<RecommenderRaw<M>> for Recommender<M> {
    type Error = crate::RecommendError;
    fn try_from(r: RecommenderRaw<M>) -> Result<Self> {
        let (nu, ni) = (r.users.len(), r.items.len());
        for (what, got) in [
            ("model users vs user ids", (r.model.n_users(), nu)),
            ("model items vs item ids", (r.model.n_items(), ni)),
            ("history users vs user ids", (r.seen.n_users(), nu)),
            ("history items vs item ids", (r.seen.n_items(), ni)),
            ("popularity vs item ids", (r.popularity.len(), ni)),
        ] {
            if got.0 != got.1 {
                return Err(Error::shape(what, got.1, got.0).into());
            }
        }
        if let Some(i) = r.popularity.iter().position(|p| !(p.is_finite() && *p >= 0.0)) {
            return Err(Error::InvalidValue {
                what: "popularity".into(),
                row: i,
                column: None,
                value: f64::from(r.popularity[i]),
                reason: "must be finite and >= 0".into(),
            }
            .into());
        }
        Ok(Recommender {
            model: r.model,
            users: r.users,
            items: r.items,
            seen: r.seen,
            popularity: r.popularity,
            unknown_user: r.unknown_user,
        })
    }
}

impl<M: Scorer> Recommender<M> {
    /// Wraps `model`, fitted on `data.matrix`; shapes must agree.
    pub fn new(model: M, data: &LabelledInteractions) -> Result<Self> {
        if model.n_users() != data.users.len() || model.n_items() != data.items.len() {
            return Err(Error::shape(
                "model vs labelled interactions",
                format!("{} users × {} items", data.users.len(), data.items.len()),
                format!("{} users × {} items", model.n_users(), model.n_items()),
            )
            .into());
        }
        let mut popularity = vec![0f32; data.items.len()];
        for &i in data.matrix.user_items().indices() {
            popularity[i as usize] += 1.0;
        }
        Ok(Recommender {
            model,
            users: data.users.clone(),
            items: data.items.clone(),
            seen: data.matrix.clone(),
            popularity,
            unknown_user: UnknownUser::Error,
        })
    }

    /// Chooses what happens for unknown user ids.
    pub fn unknown_user(mut self, policy: UnknownUser) -> Self {
        self.unknown_user = policy;
        self
    }

    /// The wrapped model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The user id map.
    pub fn users(&self) -> &IdMap<String> {
        &self.users
    }

    /// The item id map.
    pub fn items(&self) -> &IdMap<String> {
        &self.items
    }

    fn dense_request(&self, req: &Request<String>) -> Result<Request> {
        let exclude = req.exclude.iter().map(|i| self.items.index(i.as_str())).collect::<shopml_core::Result<Vec<_>>>()?;
        let candidates = match &req.candidates {
            Some(c) => Some(c.iter().map(|i| self.items.index(i.as_str())).collect::<shopml_core::Result<Vec<_>>>()?),
            None => None,
        };
        Ok(Request { n: req.n, exclude_seen: req.exclude_seen, exclude, candidates })
    }

    fn named(&self, list: Vec<Scored>) -> Vec<(String, f32)> {
        list.into_iter().map(|s| (self.items.ids()[s.item].clone(), s.score)).collect()
    }

    fn fallback(&self, req: &Request) -> Result<Vec<Scored>> {
        let mask = Mask::new(self.popularity.len(), req)?;
        let mut scores = self.popularity.clone();
        Ok(select(&mut scores, req.n, &mask.blocked, &[]))
    }

    /// Top-N `(item id, score)` for one user id.
    pub fn recommend(&self, user: &str, req: &Request<String>) -> Result<Vec<(String, f32)>> {
        Ok(self.recommend_batch(&[user], req)?.pop().unwrap_or_default())
    }

    /// Top-N `(item id, score)` lists for many user ids, in parallel.
    pub fn recommend_batch(&self, users: &[&str], req: &Request<String>) -> Result<Vec<Vec<(String, f32)>>> {
        let dense = self.dense_request(req)?;
        let mut known = Vec::with_capacity(users.len());
        let mut slots = Vec::with_capacity(users.len());
        for &u in users {
            match self.users.get(u) {
                Some(i) => {
                    slots.push(Some(known.len()));
                    known.push(i);
                }
                None if self.unknown_user == UnknownUser::Popularity => slots.push(None),
                None => return Err(Error::UnknownId { what: "user", id: u.to_string() }.into()),
            }
        }
        let mut lists: Vec<Option<Vec<Scored>>> =
            recommend_batch(&self.model, Some(&self.seen), &known, &dense)?.into_iter().map(Some).collect();
        let fallback = if slots.iter().any(Option::is_none) { Some(self.fallback(&dense)?) } else { None };
        Ok(slots
            .into_iter()
            .map(|s| match s {
                Some(k) => self.named(lists[k].take().unwrap_or_default()),
                None => self.named(fallback.clone().unwrap_or_default()),
            })
            .collect())
    }

    /// The `n` items most similar to item id `item`.
    pub fn similar_items(&self, item: &str, n: usize) -> Result<Vec<(String, f32)>>
    where
        M: SimilarItems,
    {
        let i = self.items.index(item)?;
        Ok(self.named(self.model.similar_items(i, n)?))
    }

    /// The `n` users most similar to user id `user`.
    pub fn similar_users(&self, user: &str, n: usize) -> Result<Vec<(String, f32)>>
    where
        M: SimilarUsers,
    {
        let u = self.users.index(user)?;
        Ok(self.model.similar_users(u, n)?.into_iter().map(|s| (self.users.ids()[s.item].clone(), s.score)).collect())
    }

    /// Adds a new user from their history `(item id, strength)` — folded into
    /// the model without retraining — and returns the user's index; the user
    /// is then served like any other (their history counts as seen).
    ///
    /// Errors: the user id is already known ([`Error::InvalidValue`]), an
    /// unknown item id ([`Error::UnknownId`]), an item listed twice, or a
    /// value the model rejects. On error nothing changes.
    ///
    /// ```
    /// use shopml_core::{Duplicates, Fit, InteractionsBuilder};
    /// use shopml_recommend::{ImplicitAls, Recommender, Request};
    /// let mut b = InteractionsBuilder::new();
    /// for (u, i) in [("ann", "mug"), ("ann", "tea"), ("bob", "mug"), ("bob", "pot"), ("cid", "tea"), ("cid", "pot")] {
    ///     b.push(u, i, 1.0).unwrap();
    /// }
    /// let data = b.build(Duplicates::Sum).unwrap();
    /// let model = ImplicitAls::params().n_factors(2).iterations(5).fit(&data.matrix).unwrap();
    /// let mut rec = Recommender::new(model, &data).unwrap();
    /// rec.add_item("cup", &[("ann", 1.0), ("bob", 1.0)]).unwrap();
    /// let dan = rec.add_user("dan", &[("mug", 1.0), ("cup", 1.0)]).unwrap();
    /// assert_eq!(rec.users().index("dan").unwrap(), dan);
    /// let top = rec.recommend("dan", &Request::top(2)).unwrap();
    /// assert!(top.iter().all(|(item, _)| item != "mug" && item != "cup"));
    /// ```
    pub fn add_user(&mut self, id: &str, history: &[(&str, f32)]) -> Result<usize>
    where
        M: Extend,
    {
        if self.users.get(id).is_some() {
            return Err(duplicate_id("user", id));
        }
        let (items, values) = dense_history(&self.items, history)?;
        let mut seen = self.seen.clone();
        seen.push_user(&items, &values)?;
        let u = self.model.add_user(&items, &values)?;
        self.users.insert(id.to_string());
        self.seen = seen;
        for &i in &items {
            self.popularity[i as usize] += 1.0;
        }
        Ok(u)
    }

    /// Adds a new item from the users who interacted with it `(user id,
    /// strength)` and returns its index; it becomes recommendable at once and
    /// counts as seen for those users. Errors as [`Recommender::add_user`].
    pub fn add_item(&mut self, id: &str, history: &[(&str, f32)]) -> Result<usize>
    where
        M: Extend,
    {
        if self.items.get(id).is_some() {
            return Err(duplicate_id("item", id));
        }
        let (users, values) = dense_history(&self.users, history)?;
        let mut seen = self.seen.clone();
        seen.push_item(&users, &values)?;
        let i = self.model.add_item(&users, &values)?;
        self.items.insert(id.to_string());
        self.seen = seen;
        self.popularity.push(users.len() as f32);
        Ok(i)
    }

    /// Top-N for a user known only by a fresh history `(item id, strength)`
    /// (fold-in: no retraining). Items of the history are excluded when
    /// `req.exclude_seen`; unknown item ids are an error.
    pub fn recommend_history(&self, history: &[(&str, f32)], req: &Request<String>) -> Result<Vec<(String, f32)>>
    where
        M: FoldIn,
    {
        let dense = self.dense_request(req)?;
        let mut pairs = Vec::with_capacity(history.len());
        for &(id, v) in history {
            if !v.is_finite() {
                return Err(Error::NonFinite { what: "history values".into(), row: pairs.len(), column: None, value: v as f64 }.into());
            }
            pairs.push((self.items.index(id)? as u32, v));
        }
        pairs.sort_unstable_by_key(|p| p.0);
        pairs.dedup_by_key(|p| p.0);
        let items: Vec<u32> = pairs.iter().map(|p| p.0).collect();
        let values: Vec<f32> = pairs.iter().map(|p| p.1).collect();
        let mut scores = self.model.score_history(&items, &values)?;
        let mask = Mask::new(scores.len(), &dense)?;
        let seen: &[u32] = if dense.exclude_seen { &items } else { &[] };
        Ok(self.named(select(&mut scores, dense.n, &mask.blocked, seen)))
    }
}

fn duplicate_id(what: &str, id: &str) -> crate::error::RecommendError {
    Error::InvalidValue {
        what: format!("new {what} id `{id}`"),
        row: 0,
        column: None,
        value: f64::NAN,
        reason: format!("the {what} is already known"),
    }
    .into()
}

/// Maps a history of `(id, strength)` to sorted dense indices; an id listed
/// twice is an error (naming its second position), as is an unknown id.
fn dense_history(ids: &IdMap<String>, history: &[(&str, f32)]) -> Result<(Vec<u32>, Vec<f32>)> {
    let mut pairs = Vec::with_capacity(history.len());
    for &(id, v) in history {
        pairs.push((ids.index(id)? as u32, v));
    }
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by_key(|&p| (pairs[p].0, p));
    if let Some(w) = order.windows(2).find(|w| pairs[w[0]].0 == pairs[w[1]].0) {
        return Err(Error::InvalidValue {
            what: "history ids".into(),
            row: w[1],
            column: None,
            value: f64::NAN,
            reason: format!("`{}` is listed twice", history[w[1]].0),
        }
        .into());
    }
    Ok((order.iter().map(|&p| pairs[p].0).collect(), order.iter().map(|&p| pairs[p].1).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_matches_top_n() {
        let scores: Vec<f32> = (0..200).map(|i| ((i * 37 % 101) as f32).sin()).collect();
        for n in [0, 1, 5, 10, 64, 100] {
            let mut s = scores.clone();
            let got = select(&mut s, n, &[false; 200], &[]);
            assert_eq!(got, shopml_core::top_n(&scores, n), "n = {n}");
        }
        let mut s = vec![1.0, 1.0, 3.0, 2.0];
        let got = select(&mut s, 3, &[false, false, false, true], &[2]);
        assert_eq!(got.iter().map(|s| s.item).collect::<Vec<_>>(), vec![0, 1]);
    }
}
