//! Bought-together as a core [`Recommend`] model: each "user" is a cart.
//!
//! shopml-recommend's evaluation and batch serving rank items per user
//! through [`Recommend`]. [`CartRecommender`] gives them a
//! [`BoughtTogether`] model and a list of carts (for example the held-out
//! baskets with one item hidden), so "bought together" is measured by the
//! same code as ALS, item-kNN or popularity.

use shopml_core::{Error as CoreError, Recommend, Result as CoreResult, Scored};

use crate::baskets::Baskets;
use crate::error::{BasketError, Result};
use crate::serve::{BoughtTogether, CartRequest};

/// A [`BoughtTogether`] model over a fixed list of carts, user `u` being cart `u`.
///
/// [`Recommend::recommend`] (the trait's default: rank `score_items`, drop
/// the exclusions) returns exactly [`BoughtTogether::suggest`]'s items for
/// that cart and exclusions, in the same order: a rule's standing does not
/// depend on which other items are excluded. [`Recommend::score_items`]
/// returns *rank scores*, not rule metrics: the item suggested first scores
/// `m`, the next `m − 1`, …, the last of the `m` eligible items `1`, and an
/// item that is in the cart or that no rule (or popularity fallback) proposes
/// scores −∞. Ranking these scores reproduces `suggest`'s order, ties
/// included; the justifying rule and its metric are in `suggest`'s
/// [`Suggestion`](crate::Suggestion)s.
///
/// ```
/// use shopml_basket::{Baskets, BoughtTogether, CartRecommender, CartRequest, MinSupport};
/// use shopml_core::{Fit, Recommend};
/// let train = Baskets::from_item_lists([vec!["a", "b"], vec!["a", "b"], vec!["a", "c"], vec!["b"]])?;
/// let model = BoughtTogether::params(MinSupport::Count(1)).fit(&train)?;
/// let carts = Baskets::from_index_lists(train.n_items(), [vec![0u32], vec![1]])?;
/// let as_users = CartRecommender::new(&model, &carts)?;
/// let top = as_users.recommend(0, 2, &[])?;
/// let direct = model.suggest(&CartRequest::new(vec![0], 2))?;
/// assert_eq!(top.iter().map(|s| s.item).collect::<Vec<_>>(), direct.iter().map(|s| s.item).collect::<Vec<_>>());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CartRecommender<'a> {
    model: &'a BoughtTogether,
    carts: &'a Baskets,
}

impl<'a> CartRecommender<'a> {
    /// Pairs `model` with `carts`; their item counts must agree (the carts
    /// index the model's items, as the halves of [`Baskets::split_at`] do).
    pub fn new(model: &'a BoughtTogether, carts: &'a Baskets) -> Result<Self> {
        if carts.n_items() != model.n_items() {
            return Err(CoreError::shape("carts' items vs model's items", model.n_items(), carts.n_items()).into());
        }
        Ok(CartRecommender { model, carts })
    }

    fn cart(&self, user: usize) -> CoreResult<Vec<usize>> {
        if user >= self.carts.len() {
            return Err(CoreError::IndexOutOfRange { what: "cart", index: user, len: self.carts.len() });
        }
        Ok(self.carts.basket(user).iter().map(|&i| i as usize).collect())
    }

    fn suggest(&self, req: &CartRequest) -> CoreResult<Vec<Scored>> {
        let list = self.model.suggest(req).map_err(|e| match e {
            BasketError::Core(c) => c,
            other => CoreError::param("cart", other.to_string()),
        })?;
        let m = list.len();
        Ok(list.into_iter().enumerate().map(|(p, s)| Scored { item: s.item, score: (m - p) as f32 }).collect())
    }
}

impl Recommend for CartRecommender<'_> {
    fn n_users(&self) -> usize {
        self.carts.len()
    }

    fn n_items(&self) -> usize {
        self.model.n_items()
    }

    fn score_items(&self, user: usize) -> CoreResult<Vec<f32>> {
        let cart = self.cart(user)?;
        let mut scores = vec![f32::NEG_INFINITY; self.n_items()];
        for s in self.suggest(&CartRequest::new(cart, self.n_items()))? {
            scores[s.item] = s.score;
        }
        Ok(scores)
    }
}
