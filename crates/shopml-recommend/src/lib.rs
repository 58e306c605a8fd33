//! # shopml-recommend
//!
//! Product recommendations from purchase, cart and view histories (implicit
//! feedback) and from ratings (explicit feedback), built on
//! [`shopml_core::Interactions`] (users × items, CSR, `f32`).
//!
//! ```
//! use shopml_core::{Duplicates, Fit, InteractionsBuilder};
//! use shopml_recommend::{ImplicitAls, Recommender, Request};
//!
//! let mut b = InteractionsBuilder::new();
//! for (u, i) in [("ann", "mug"), ("ann", "tea"), ("bob", "mug"), ("bob", "tea"), ("cat", "mug"), ("cat", "pot")] {
//!     b.push(u, i, 1.0).unwrap();
//! }
//! let data = b.build(Duplicates::Sum).unwrap();
//! let model = ImplicitAls::params().n_factors(4).iterations(10).seed(7).fit(&data.matrix).unwrap();
//! let rec = Recommender::new(model, &data).unwrap();
//! // cat has mug and pot; tea is the one item left.
//! let top = rec.recommend("cat", &Request::top(3)).unwrap();
//! assert_eq!(top.len(), 1);
//! assert_eq!(top[0].0, "tea");
//! ```
//!
//! | model | feedback | paper |
//! |---|---|---|
//! | [`PopularityParams`] | implicit | — (the baseline every model must beat; optionally time-decayed) |
//! | [`ImplicitAlsParams`] | implicit | Hu, Koren & Volinsky 2008; CG solver of Takács et al. 2011 |
//! | [`BprParams`] | implicit | Rendle et al. 2009 |
//! | [`ItemKnnParams`] / user kNN | implicit or explicit | Sarwar et al. 2001 (item-based CF) |
//! | [`BiasedMfParams`] | explicit | Koren, Bell & Volinsky 2009 (Funk SVD, Surprise's `SVD`) |
//! | [`BiasedMfParams::svdpp`] | explicit | Koren 2008 (SVD++, Surprise's `SVDpp`; trained user by user) |
//! | [`EaseParams`] | implicit | Steck 2019 (closed-form item–item, ≤ `max_items`) |
//! | [`BaselineParams`] | explicit | Koren 2010 (global mean + biases by ALS) |
//! | [`ExplicitAlsParams`] | explicit | Zhou et al. 2008 (biased MF by ALS, fits a [`BiasedMf`]) |
//! | [`KnnBaselineParams`] | explicit | Koren 2010 (kNN on baseline residuals, Surprise's `KNNBaseline`) |
//!
//! ## Serving and evaluation
//!
//! Every fitted model implements [`shopml_core::Recommend`] and this crate's
//! [`Scorer`], so the same [`recommend_batch`] (parallel, partial selection)
//! and the same [`eval::evaluate`] work for all of them. [`Recommender`] wraps
//! a model with its id maps for serving by external ids: top-N for one user
//! or a batch, excluding seen items and any caller list, restricted to a
//! candidate set, `similar_items` / `similar_users`, fold-in of a new history
//! ([`FoldIn`]: ALS solves the user's factors, item-kNN scores from the
//! neighbours), new users and items added to a fitted model without
//! retraining ([`Extend`], [`Recommender::add_user`] / [`Recommender::add_item`]),
//! and a caller-chosen [`UnknownUser`] policy (error or popularity). [`eval`] has seeded random / per-user / leave-last-N-out
//! splits, one `evaluate` at K for every model, RMSE/MAE and k-fold CV.
//!
//! ## Floats and threads
//!
//! Factors and interaction values are `f32` (memory bandwidth bounds the hot
//! loops); statistics are accumulated in `f64`. Fits parallelise with rayon
//! over independent rows (ALS) or conflict-free strata (BPR), so a seed gives
//! the same model whatever the thread count.
//!
//! The SGD, BPR and ALS inner loops also run as an AVX2 + FMA build picked at
//! run time ([`shopml_core::simd`]). SGD and BPR perform the same
//! floating-point operations in the same order in both builds, so their
//! results are bit-identical either way; the ALS conjugate-gradient solver
//! fuses its multiply-adds in the AVX2 build, so ALS factors differ in the
//! last bits between CPUs with and without FMA (on one machine a fit stays
//! deterministic for its seed).
//!
//! ## Not yet here
//!
//! [`Extend`] is implemented for [`ImplicitAls`]; biased MF models take new
//! items through `BiasedMf::fold_in_item` / `push_item`; the kNN models
//! serve new users through [`FoldIn`] but need a refit for new items.
//! Time-decayed popularity is [`PopularityParams::fit_timed`].
//!
#![cfg_attr(not(test), warn(missing_docs))]

pub mod als;
pub mod bpr;
pub mod ease;
pub mod error;
pub mod eval;
pub mod explicit;
pub mod factors;
pub mod knn;
pub mod knn_baseline;
pub mod popularity;
mod rng;
pub mod serve;

// Implicit-feedback models.
pub use als::{AlsSolver, Confidence, ImplicitAls, ImplicitAlsParams};
pub use bpr::{Bpr, BprParams, NegativeSampling, PairSampling};
pub use ease::{Ease, EaseParams, Precision};
pub use knn::{ItemKnn, ItemKnnParams, Similarity};
pub use popularity::{Popularity, PopularityParams};
// Explicit-feedback (rating) models.
pub use explicit::{Baseline, BaselineParams, BiasedMf, BiasedMfParams, ExplicitAlsParams};
pub use knn_baseline::{KnnBaseline, KnnBaselineParams};
// Serving and evaluation.
pub use eval::{RatingModel, evaluate, evaluate_ratings};
pub use serve::{
    AnyRecommender, Extend, FoldIn, Recommender, Request, Scorer, SimilarItems, SimilarUsers, UnknownUser, recommend, recommend_batch,
};
// Building blocks and errors.
pub use error::{RecommendError, Result};
pub use factors::Factors;
