//! Behaviour of every model against closed forms, hand computations and
//! properties, plus the shopml conformance kit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{Array1, Array2, array};
use shopml_core::{AsCoreError, Duplicates, Error, Fit, Interactions, InteractionsBuilder, Recommend, Triple, conformance};
use shopml_recommend::eval::{self, RatingModel, from_dense};
use shopml_recommend::{
    AlsSolver, Baseline, BiasedMf, BiasedMfParams, Bpr, ExplicitAlsParams, ImplicitAls, ItemKnn, KnnBaseline, NegativeSampling,
    PairSampling, Popularity, Recommender, Request, SimilarItems, SimilarUsers, Similarity, UnknownUser, recommend, recommend_batch,
};

/// Two communities: users 0..10 like items 0..6, users 10..20 like items 6..12,
/// each user missing a couple of the community's items (a seeded pattern).
fn communities() -> Array2<f64> {
    let mut x = Array2::zeros((20, 12));
    for u in 0..20 {
        let base = if u < 10 { 0 } else { 6 };
        for j in 0..6 {
            if (u * 7 + j * 3) % 5 != 0 {
                x[[u, base + j]] = 1.0 + ((u + j) % 3) as f64;
            }
        }
    }
    x
}

fn dense_f64(m: &Interactions) -> Array2<f64> {
    m.user_items().to_dense().mapv(|v| v as f64)
}

/// Item factors after the last half-sweep solve the exact normal equations
/// `(UᵀC_iU + λI) y_i = UᵀC_i p_i` for the final user factors (Hu et al. eq. 4).
#[test]
fn als_cholesky_solves_the_normal_equations() {
    let data = from_dense(communities().view()).unwrap();
    let (lambda, alpha) = (0.1f64, 2.0f64);
    let m = ImplicitAls::params()
        .n_factors(3)
        .iterations(4)
        .regularization(lambda as f32)
        .alpha(alpha as f32)
        .solver(AlsSolver::Cholesky)
        .fit(&data)
        .unwrap();
    let r = dense_f64(&data);
    let u = m.user_factors().view().mapv(|v| v as f64);
    for i in 0..data.n_items() {
        let mut a = Array2::<f64>::eye(3) * lambda;
        let mut b = Array1::<f64>::zeros(3);
        for uu in 0..data.n_users() {
            let c = 1.0 + alpha * r[[uu, i]];
            let p = if r[[uu, i]] > 0.0 { 1.0 } else { 0.0 };
            let x = u.row(uu);
            for d in 0..3 {
                for e in 0..3 {
                    a[[d, e]] += c * x[d] * x[e];
                }
                b[d] += c * p * x[d];
            }
        }
        let y = m.item_factors().row(i).iter().map(|&v| v as f64).collect::<Array1<f64>>();
        let resid = &a.dot(&y) - &b;
        assert!(resid.iter().all(|e| e.abs() < 1e-3), "item {i}: residual {resid}");
    }
}

/// CG with enough steps reaches the exact solve's fixed point: the final item
/// factors of a CG fit also satisfy the normal equations closely.
#[test]
fn als_cg_matches_cholesky_quality() {
    let data = from_dense(communities().view()).unwrap();
    let fit = |s| ImplicitAls::params().n_factors(4).iterations(15).regularization(0.05).solver(s).seed(3).fit(&data).unwrap();
    let chol = fit(AlsSolver::Cholesky);
    let cg = fit(AlsSolver::ConjugateGradient { steps: 3 });
    // Same predictions on observed/unobserved pairs to within a small tolerance.
    let mut max_diff = 0f32;
    for u in 0..data.n_users() {
        let a = chol.score_items(u).unwrap();
        let b = cg.score_items(u).unwrap();
        for (x, y) in a.iter().zip(&b) {
            max_diff = max_diff.max((x - y).abs());
        }
    }
    assert!(max_diff < 0.05, "CG and Cholesky predictions differ by {max_diff}");
}

#[test]
fn als_fold_in_equals_exact_user_solve() {
    let data = from_dense(communities().view()).unwrap();
    let m = ImplicitAls::params().n_factors(3).iterations(5).regularization(0.1).solver(AlsSolver::Cholesky).fit(&data).unwrap();
    // Folding in user 4's own history reproduces the row the last user sweep
    // would compute from the final item factors: check its normal equations.
    let (items, vals) = data.user(4).unwrap();
    let x = m.fold_in(items, vals).unwrap();
    let y = m.item_factors().view().mapv(|v| v as f64);
    let mut a = y.t().dot(&y) + Array2::<f64>::eye(3) * 0.1;
    let mut b = Array1::<f64>::zeros(3);
    for (&i, &v) in items.iter().zip(vals) {
        let row = y.row(i as usize);
        for d in 0..3 {
            for e in 0..3 {
                a[[d, e]] += v as f64 * row[d] * row[e];
            }
            b[d] += (1.0 + v as f64) * row[d];
        }
    }
    let resid = &a.dot(&x.iter().map(|&v| v as f64).collect::<Array1<f64>>()) - &b;
    assert!(resid.iter().all(|e| e.abs() < 1e-4), "{resid}");
}

/// Every model's top pick is in the user's own community for at least 18 of
/// the 20 users (the seen items are excluded, so only 1–2 own items are left).
#[test]
fn every_model_recovers_the_communities() {
    let data = from_dense(communities().view()).unwrap();
    let check = |name: &str, m: &dyn shopml_recommend::Scorer| {
        let users: Vec<usize> = (0..20).collect();
        let recs = recommend_batch(m, Some(&data), &users, &Request::top(1)).unwrap();
        let good = users.iter().zip(&recs).filter(|(u, r)| (if **u < 10 { 0..6 } else { 6..12 }).contains(&r[0].item)).count();
        assert!(good >= 18, "{name}: only {good} of 20 top picks in the user's community");
    };
    check("ease", &shopml_recommend::Ease::params().regularization(1.0).fit(&data).unwrap());
    check("als", &ImplicitAls::params().n_factors(4).iterations(10).fit(&data).unwrap());
    check("bpr", &Bpr::params().n_factors(8).iterations(200).learning_rate(0.05).n_blocks(2).fit(&data).unwrap());
    let implicit_like = Bpr::params().negative_sampling(NegativeSampling::Popularity).pair_sampling(PairSampling::WithReplacement);
    check("bpr (implicit's sampler)", &implicit_like.n_factors(8).iterations(200).learning_rate(0.05).n_blocks(2).fit(&data).unwrap());
    for sim in [
        Similarity::Cosine,
        Similarity::AdjustedCosine,
        Similarity::Pearson,
        Similarity::Jaccard,
        Similarity::TfIdf,
        Similarity::Bm25 { k1: 1.2, b: 0.75 },
    ] {
        check("item-knn", &ItemKnn::params().similarity(sim).fit(&data).unwrap());
        check("user-knn", &ItemKnn::params().similarity(sim).user_based(true).k(5).fit(&data).unwrap());
    }
}

#[test]
fn knn_similarities_by_hand() {
    // Items as columns: i0 = (1, 1, 0), i1 = (1, 0, 2), i2 = (0, 0, 3) over three users.
    let x = array![[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0, 3.0]];
    let data = from_dense(x.view()).unwrap();
    let cos = ItemKnn::params().fit(&data).unwrap();
    let n = cos.neighbours();
    // cos(i0, i1) = 1 / (√2 √5); cos(i1, i2) = 6 / (√5 · 3); cos(i0, i2) = 0 (not stored).
    assert!((n.get(0, 1).unwrap() - 1.0 / (2f32.sqrt() * 5f32.sqrt())).abs() < 1e-6);
    assert!((n.get(1, 2).unwrap() - 2.0 / 5f32.sqrt()).abs() < 1e-6);
    assert_eq!(n.get(0, 2), None);
    let jac = ItemKnn::params().similarity(Similarity::Jaccard).fit(&data).unwrap();
    // Supports: i0 {0,1}, i1 {0,2}, i2 {2}: J(i0,i1) = 1/3, J(i1,i2) = 1/2.
    assert!((jac.neighbours().get(0, 1).unwrap() - 1.0 / 3.0).abs() < 1e-6);
    assert!((jac.neighbours().get(1, 2).unwrap() - 0.5).abs() < 1e-6);
    // Shrinkage 1: one co-rater halves the similarity.
    let shr = ItemKnn::params().similarity(Similarity::Jaccard).shrinkage(1.0).fit(&data).unwrap();
    assert!((shr.neighbours().get(1, 2).unwrap() - 0.25).abs() < 1e-6);
    // k = 1 keeps one neighbour per item: sparse, never dense.
    let k1 = ItemKnn::params().k(1).fit(&data).unwrap();
    assert!(k1.neighbours().nnz() <= 3);
    // Score of user 1 (only i0, value 1) for i1 is cos(i0, i1).
    let s = cos.score_items(1).unwrap();
    assert!((s[1] - n.get(0, 1).unwrap()).abs() < 1e-6 && s[2] == 0.0);
    assert_eq!(cos.similar_items(1, 1).unwrap()[0].item, 2);
    assert!(cos.similar_users(0, 1).is_err());
    let users = ItemKnn::params().user_based(true).fit(&data).unwrap();
    // Users 0 = (1,1,0), 1 = (1,0,0): cosine 1/√2, the closest to user 1.
    assert_eq!(users.similar_users(1, 1).unwrap()[0].item, 0);
}

/// EASE's weights satisfy the constrained ridge optimality conditions
/// (Steck 2019): zero diagonal and `((XᵀX + λI) B − XᵀX)_ij = 0` for i ≠ j.
#[test]
fn ease_optimality_and_size_limit() {
    let x = communities();
    let data = from_dense(x.view()).unwrap();
    let lambda = 2.0;
    let m = shopml_recommend::Ease::params().regularization(lambda).fit(&data).unwrap();
    let g = x.t().dot(&x);
    let b = m.weights().mapv(|v| v as f64);
    let k = (&g + &(Array2::<f64>::eye(12) * lambda)).dot(&b) - &g;
    for i in 0..12 {
        assert_eq!(b[[i, i]], 0.0);
        for j in 0..12 {
            if i != j {
                assert!(k[[i, j]].abs() < 1e-3, "KKT residual {} at ({i}, {j})", k[[i, j]]);
            }
        }
    }
    match shopml_recommend::Ease::params().max_items(11).fit(&data).unwrap_err() {
        shopml_recommend::RecommendError::TooManyItems { n_items: 12, limit: 11, .. } => {}
        e => panic!("{e:?}"),
    }
    conformance::check_serde_roundtrip(&m, |m| m.score_items(2).unwrap());
}

#[test]
fn popularity_and_filters() {
    let x = array![[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 5.0]];
    let data = from_dense(x.view()).unwrap();
    let pop = Popularity::params().fit(&data).unwrap();
    assert_eq!(pop.scores(), &[3.0, 2.0, 1.0, 1.0]);
    let weighted = Popularity::params().weighted(true).fit(&data).unwrap();
    assert_eq!(weighted.scores(), &[3.0, 2.0, 1.0, 5.0]);
    // User 1 has seen items 0 and 2: next is 1, then 3.
    let r = recommend(&pop, Some(&data), 1, &Request::top(5)).unwrap();
    assert_eq!(r.iter().map(|s| s.item).collect::<Vec<_>>(), vec![1, 3]);
    let r = recommend(&pop, Some(&data), 1, &Request::top(5).exclude(vec![1])).unwrap();
    assert_eq!(r.iter().map(|s| s.item).collect::<Vec<_>>(), vec![3]);
    let r = recommend(&pop, Some(&data), 1, &Request::top(5).exclude_seen(false).candidates(vec![2, 3])).unwrap();
    assert_eq!(r.iter().map(|s| s.item).collect::<Vec<_>>(), vec![2, 3]);
    // Out-of-range ids are typed errors.
    for bad in [
        recommend(&pop, Some(&data), 3, &Request::top(1)),
        recommend(&pop, Some(&data), 0, &Request::top(1).exclude(vec![9])),
        recommend(&pop, Some(&data), 0, &Request::top(1).candidates(vec![4])),
    ] {
        assert!(matches!(bad.unwrap_err().as_core(), Some(Error::IndexOutOfRange { .. })));
    }
}

/// The batch path (blocked GEMM + partial selection) equals core's
/// single-user default (`score_items` + `top_n`) with seen items excluded.
#[test]
fn batch_equals_single_user_default() {
    let data = from_dense(communities().view()).unwrap();
    let m = ImplicitAls::params().n_factors(5).iterations(3).fit(&data).unwrap();
    let users: Vec<usize> = (0..20).rev().collect();
    let batch = recommend_batch(&m, Some(&data), &users, &Request::top(4)).unwrap();
    for (&u, got) in users.iter().zip(&batch) {
        let seen: Vec<usize> = data.user(u).unwrap().0.iter().map(|&i| i as usize).collect();
        let want = Recommend::recommend(&m, u, 4, &seen).unwrap();
        assert_eq!(got.iter().map(|s| s.item).collect::<Vec<_>>(), want.iter().map(|s| s.item).collect::<Vec<_>>());
        for (a, b) in got.iter().zip(&want) {
            assert!((a.score - b.score).abs() < 1e-5);
        }
    }
}

#[test]
fn recommender_by_external_ids() {
    let mut b = InteractionsBuilder::new();
    for (u, i) in [("ann", "mug"), ("ann", "tea"), ("bob", "mug"), ("bob", "tea"), ("cat", "mug"), ("cat", "pot"), ("dan", "tea")] {
        b.push(u, i, 1.0).unwrap();
    }
    let data = b.build(Duplicates::Sum).unwrap();
    let knn = ItemKnn::params().fit(&data.matrix).unwrap();
    let rec = Recommender::new(knn, &data).unwrap();
    assert!(matches!(rec.recommend("zoe", &Request::top(1)).unwrap_err().as_core(), Some(Error::UnknownId { .. })));
    let rec = rec.unknown_user(UnknownUser::Popularity);
    assert_eq!(rec.recommend("zoe", &Request::top(1)).unwrap()[0].0, "mug");
    let batch = rec.recommend_batch(&["dan", "zoe"], &Request::top(1)).unwrap();
    assert_eq!(batch[0][0].0, "mug");
    assert_eq!(batch[1][0].0, "mug");
    assert_eq!(rec.similar_items("pot", 1).unwrap()[0].0, "mug");
    // A new visitor who bought a pot: fold-in through the item neighbours.
    let top = rec.recommend_history(&[("pot", 1.0)], &Request::top(2)).unwrap();
    assert_eq!(top[0].0, "mug");
    assert!(top.iter().all(|(i, _)| i != "pot"));
    assert!(rec.recommend_history(&[("nope", 1.0)], &Request::top(2)).is_err());
    let json = serde_json::to_string(&rec).unwrap();
    let back: Recommender<shopml_recommend::ItemKnn> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.recommend("ann", &Request::top(3)).unwrap(), rec.recommend("ann", &Request::top(3)).unwrap());
    let pop = Popularity::params().fit(&data.matrix).unwrap();
    let rec = Recommender::new(pop, &data).unwrap();
    assert_eq!(rec.recommend_history(&[("mug", 1.0)], &Request::top(1)).unwrap()[0].0, "tea");
}

#[test]
fn bpr_validation_hook_stops_early() {
    let data = from_dense(communities().view()).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let hook: shopml_recommend::bpr::Validation = Arc::new(move |epoch, m: &shopml_recommend::Bpr| {
        c2.fetch_add(1, Ordering::SeqCst);
        assert_eq!(m.n_users(), 20);
        epoch < 6
    });
    let m = Bpr::params().n_factors(4).iterations(50).validation(3, hook).fit(&data).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2, "called at epochs 3 and 6, stopped at 6");
    assert_eq!(m.n_items(), 12);
}

#[test]
fn explicit_models() {
    // Ratings r_ui = 3 + a_u + b_i exactly: the baseline with no
    // regularisation recovers them, biased MF fits them closely.
    let a = [0.5f32, -0.5, 1.0, 0.0, -1.0, 0.25];
    let b = [1.0f32, -1.0, 0.5, 0.0, -0.5];
    let mut t = Vec::new();
    for u in 0..6 {
        for i in 0..5 {
            if (u + i) % 4 != 0 {
                t.push(Triple { user: u as u32, item: i as u32, value: 3.0 + a[u] + b[i] });
            }
        }
    }
    let data = Interactions::from_triples(6, 5, &t, Duplicates::Error).unwrap();
    let base = Baseline::params().reg_user(0.0).reg_item(0.0).iterations(200).fit(&data).unwrap();
    let e = eval::evaluate_ratings(&base, &data).unwrap();
    assert!(e.rmse < 1e-3, "baseline rmse {}", e.rmse);
    // The unobserved pair (0, 0) is predicted from the additive structure.
    assert!((base.predict_rating(0, 0).unwrap() - 4.5).abs() < 1e-2);
    let mf = BiasedMf::params().n_factors(2).n_epochs(300).learning_rate(0.02).fit(&data).unwrap();
    let e = eval::evaluate_ratings(&mf, &data).unwrap();
    assert!(e.rmse < 0.05, "biased MF rmse {}", e.rmse);
    // Predictions are clipped to the training range.
    let (lo, hi) = (1.0f32, 5.0f32);
    for u in 0..6 {
        for i in 0..5 {
            let p = mf.predict_rating(u, i).unwrap();
            assert!((lo..=hi).contains(&p));
        }
    }
    assert!(mf.predict_rating(6, 0).is_err());
    let cv = eval::cross_validate_ratings(&Baseline::params(), &data, 3, 1).unwrap();
    assert_eq!(cv.iter().map(|m| m.n).sum::<usize>(), data.nnz());
}

#[test]
fn splits_partition_the_data() {
    let data = from_dense(communities().view()).unwrap();
    let (train, test) = eval::split_per_user(&data, 0.2, 7).unwrap();
    assert_eq!(train.nnz() + test.nnz(), data.nnz());
    for u in 0..data.n_users() {
        let n = data.user_items().row_nnz(u);
        assert_eq!(test.user_items().row_nnz(u), (0.2 * n as f64).round() as usize);
        for &i in test.user(u).unwrap().0 {
            assert_eq!(train.get(u, i as usize), None);
            assert_eq!(test.get(u, i as usize), data.get(u, i as usize));
        }
    }
    assert_eq!(eval::split_per_user(&data, 0.2, 7).unwrap().1, test, "seeded");
    let (tr, te) = eval::split_random(&data, 0.25, 1).unwrap();
    assert_eq!(te.nnz(), (0.25 * data.nnz() as f64).round() as usize);
    assert_eq!(tr.nnz() + te.nnz(), data.nnz());
    let folds = eval::k_fold(&data, 5, 3).unwrap();
    assert_eq!(folds.iter().map(|f| f.1.nnz()).sum::<usize>(), data.nnz());
    let ev = |u: u32, i: u32, time: i64| eval::TimedTriple { triple: Triple { user: u, item: i, value: 1.0 }, time };
    let events = [ev(0, 0, 5), ev(0, 1, 1), ev(0, 2, 9), ev(1, 1, 3)];
    let (tr, te) = eval::split_leave_last_n(&events, 2, 3, 1, Duplicates::Sum).unwrap();
    assert_eq!(te.get(0, 2), Some(1.0));
    assert_eq!(te.get(1, 1), Some(1.0));
    assert_eq!(tr.nnz(), 2);
    assert!(eval::split_per_user(&data, 1.0, 0).is_err());
}

#[test]
fn evaluate_by_hand() {
    // Popularity [3, 2, 1, 1]; user 1's test item is 3, ranked second after 1.
    let train = from_dense(array![[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]].view()).unwrap();
    let test = from_dense(array![[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0]].view()).unwrap();
    let pop = Popularity::params().fit(&train).unwrap();
    let m = eval::evaluate(&pop, &train, &test, 2).unwrap();
    // User 1: list [1, 3] → hit at rank 2. User 2: list [2, 3] → hit at rank 1.
    assert_eq!(m.n_users, 2);
    assert_eq!(m.precision, 0.5);
    assert!((m.ndcg - (1.0 / 3f64.log2() + 1.0) / 2.0).abs() < 1e-12);
    assert_eq!(m.mrr, 0.75);
    assert_eq!(m.coverage, 0.75);
}

fn expect_param<T: std::fmt::Debug>(r: Result<T, shopml_recommend::RecommendError>, name: &str) {
    match r.unwrap_err().as_core() {
        Some(Error::InvalidParameter { name: n, .. }) => assert_eq!(*n, name),
        other => panic!("expected InvalidParameter {name}, got {other:?}"),
    }
}

#[test]
fn conformance_of_every_model() {
    let x = communities();
    let data = from_dense(x.view()).unwrap();
    macro_rules! conform {
        ($params:expr, $model:ty) => {{
            let p = $params;
            conformance::assert_send_sync::<$model>();
            conformance::check_rejects_non_finite(&x, |x| p.fit(&from_dense(x.view())?));
            conformance::check_rejects_empty(12, |x| p.fit(&from_dense(x.view())?));
            conformance::check_input_unchanged(&data, |d| {
                p.fit(d).unwrap();
            });
            let m = p.fit(&data).unwrap();
            conformance::check_serde_roundtrip(&m, |m| m.score_items(3).unwrap());
            conformance::check_thread_count_independence(|| p.fit(&data).unwrap());
            // All-zero matrix: no stored values.
            assert!(matches!(
                p.fit(&Interactions::from_triples(3, 3, &[], Duplicates::Sum).unwrap()).unwrap_err().as_core(),
                Some(Error::EmptyInput { .. })
            ));
            assert!(matches!(m.score_items(20).unwrap_err(), Error::IndexOutOfRange { .. }));
        }};
    }
    conform!(Popularity::params(), shopml_recommend::Popularity);
    conform!(ImplicitAls::params().n_factors(4).iterations(3), shopml_recommend::ImplicitAls);
    conform!(ImplicitAls::params().n_factors(4).iterations(3).solver(AlsSolver::Cholesky), shopml_recommend::ImplicitAls);
    conform!(Bpr::params().n_factors(4).iterations(5), shopml_recommend::Bpr);
    conform!(
        Bpr::params()
            .n_factors(4)
            .iterations(5)
            .negative_sampling(NegativeSampling::Popularity)
            .pair_sampling(PairSampling::WithReplacement),
        shopml_recommend::Bpr
    );
    conform!(ItemKnn::params(), shopml_recommend::ItemKnn);
    conform!(ItemKnn::params().user_based(true).similarity(Similarity::Bm25 { k1: 100.0, b: 0.8 }), shopml_recommend::ItemKnn);
    conform!(Baseline::params(), shopml_recommend::Baseline);
    conform!(shopml_recommend::Ease::params().regularization(5.0), shopml_recommend::Ease);
    conform!(BiasedMf::params().n_factors(4).n_epochs(3), shopml_recommend::BiasedMf);
    conform!(BiasedMfParams::svdpp().n_factors(4).n_epochs(3), shopml_recommend::BiasedMf);
    conform!(ExplicitAlsParams::default().n_factors(4).iterations(3), shopml_recommend::BiasedMf);
    conform!(KnnBaseline::params(), shopml_recommend::KnnBaseline);
    conform!(KnnBaseline::params().user_based(true).max_neighbours(Some(3)), shopml_recommend::KnnBaseline);
    expect_param(KnnBaseline::params().k(0).fit(&data), "k");
    conformance::check_seed_determinism(|s| ExplicitAlsParams::default().n_factors(4).iterations(2).seed(s).fit(&data).unwrap());
    expect_param(ExplicitAlsParams::default().n_factors(0).fit(&data), "n_factors");
    expect_param(ExplicitAlsParams::default().regularization(0.0).fit(&data), "regularization");
    conformance::check_seed_determinism(|s| ImplicitAls::params().n_factors(4).iterations(2).seed(s).fit(&data).unwrap());
    conformance::check_seed_determinism(|s| Bpr::params().n_factors(4).iterations(3).seed(s).fit(&data).unwrap());
    conformance::check_seed_determinism(|s| BiasedMf::params().n_factors(4).n_epochs(2).seed(s).fit(&data).unwrap());
    conformance::check_seed_determinism(|s| BiasedMfParams::svdpp().n_factors(4).n_epochs(2).seed(s).fit(&data).unwrap());
    // Zero factors and other bad parameters name the parameter.
    expect_param(ImplicitAls::params().n_factors(0).fit(&data), "n_factors");
    expect_param(Bpr::params().n_factors(0).fit(&data), "n_factors");
    expect_param(BiasedMf::params().n_factors(0).fit(&data), "n_factors");
    expect_param(ImplicitAls::params().alpha(f32::NAN).fit(&data), "alpha");
    expect_param(Bpr::params().learning_rate(0.0).fit(&data), "learning_rate");
    expect_param(ItemKnn::params().k(0).fit(&data), "k");
    // NaN ratings are rejected where they enter.
    assert!(matches!(InteractionsBuilder::new().push("u", "i", f32::NAN).unwrap_err(), Error::NonFinite { .. }));
    // Negative implicit feedback is an InvalidValue naming the cell.
    let neg = from_dense(array![[1.0, -1.0]].view()).unwrap();
    match ImplicitAls::params().fit(&neg).unwrap_err().as_core() {
        Some(Error::InvalidValue { row: 0, column: Some(1), .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// Low-rank ratings `3 + a_u + b_i + u·v` (rank 2) plus small seeded noise.
fn low_rank_ratings() -> Interactions {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let (nu, ni) = (40, 30);
    let u: Vec<[f32; 2]> = (0..nu).map(|_| [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)]).collect();
    let v: Vec<[f32; 2]> = (0..ni).map(|_| [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)]).collect();
    let a: Vec<f32> = (0..nu).map(|_| rng.random_range(-0.5..0.5)).collect();
    let b: Vec<f32> = (0..ni).map(|_| rng.random_range(-0.5..0.5)).collect();
    let mut t = Vec::new();
    for uu in 0..nu {
        for ii in 0..ni {
            if rng.random::<f32>() < 0.6 {
                let r = 3.0 + a[uu] + b[ii] + u[uu][0] * v[ii][0] + u[uu][1] * v[ii][1] + rng.random_range(-0.05..0.05);
                t.push(Triple { user: uu as u32, item: ii as u32, value: r });
            }
        }
    }
    Interactions::from_triples(nu, ni, &t, Duplicates::Error).unwrap()
}

/// The last half-sweep of explicit ALS leaves every item's `(b_i, q_i)` equal
/// to the dense solve of its ridge normal equations given the final users.
#[test]
fn explicit_als_solves_ridge_equations() {
    let data = low_rank_ratings();
    let lambda = 0.05;
    for weighted in [true, false] {
        let m = ExplicitAlsParams::default()
            .n_factors(3)
            .iterations(4)
            .regularization(lambda)
            .weighted_regularization(weighted)
            .fit(&data)
            .unwrap();
        let mu = m.global_mean() as f64;
        let iu = data.item_users();
        for i in 0..data.n_items() {
            let (us, rs) = iu.row(i);
            let mut a = Array2::<f64>::zeros((4, 4));
            let mut b = Array1::<f64>::zeros(4);
            for (&u, &r) in us.iter().zip(rs) {
                let p = m.user_factors().row(u as usize);
                let x = [1.0, p[0] as f64, p[1] as f64, p[2] as f64];
                let t = r as f64 - mu - m.user_bias()[u as usize] as f64;
                for d in 0..4 {
                    b[d] += x[d] * t;
                    for e in 0..4 {
                        a[[d, e]] += x[d] * x[e];
                    }
                }
            }
            let l = if weighted { lambda * us.len() as f64 } else { lambda };
            a += &(Array2::<f64>::eye(4) * l);
            let w = shopml_core::linalg::solve_spd(a.view(), b.view()).unwrap();
            let q = m.item_factors().row(i);
            let got = [m.item_bias()[i] as f64, q[0] as f64, q[1] as f64, q[2] as f64];
            for d in 0..4 {
                assert!((got[d] - w[d]).abs() < 1e-4 * (1.0 + w[d].abs()), "item {i} coord {d}: {} vs {}", got[d], w[d]);
            }
        }
    }
}

/// On rank-2 ratings, explicit ALS predicts held-out ratings far better than
/// the bias-only baseline (whose error is the interaction term it cannot model).
#[test]
fn explicit_als_recovers_low_rank_ratings() {
    let data = low_rank_ratings();
    let (train, test) = eval::split_random(&data, 0.2, 3).unwrap();
    let base = eval::evaluate_ratings(&Baseline::params().reg_user(1.0).reg_item(1.0).fit(&train).unwrap(), &test).unwrap();
    let als = ExplicitAlsParams::default().n_factors(2).iterations(20).regularization(0.01).seed(1).fit(&train).unwrap();
    let e = eval::evaluate_ratings(&als, &test).unwrap();
    assert!(e.rmse < 0.5 * base.rmse, "ALS rmse {} vs baseline {}", e.rmse, base.rmse);
    assert!(e.rmse < 0.15, "ALS rmse {}", e.rmse);
}

/// kNN-baseline against a direct dense computation of Koren's formulas
/// (Pearson-baseline similarity over common raters, shrunk by
/// `(n − 1)/(n − 1 + λ)`, then the k most similar rated neighbours with a
/// positive similarity), item- and user-based, on a 5 × 5 matrix.
#[test]
fn knn_baseline_by_hand() {
    let x = array![
        [5.0, 3.0, 0.0, 1.0, 4.0],
        [4.0, 0.0, 0.0, 1.0, 5.0],
        [1.0, 1.0, 0.0, 5.0, 0.0],
        [1.0, 0.0, 4.0, 4.0, 2.0],
        [0.0, 1.0, 5.0, 4.0, 1.0]
    ];
    let data = from_dense(x.view()).unwrap();
    let base = Baseline::params().fit(&data).unwrap();
    let (shrink, k) = (1.0, 2);
    for user_based in [false, true] {
        let m = KnnBaseline::params().shrinkage(shrink).k(k).user_based(user_based).fit(&data).unwrap();
        // Work in "x = neighbour side" orientation: rows of r are x.
        let r = if user_based { x.clone() } else { x.t().to_owned() };
        let n = r.nrows();
        let bl = |xx: usize, yy: usize| -> f64 {
            let (u, i) = if user_based { (xx, yy) } else { (yy, xx) };
            (base.global_mean() + base.user_bias()[u] + base.item_bias()[i]) as f64
        };
        let mut sim = Array2::<f64>::zeros((n, n));
        for a in 0..n {
            for b in 0..n {
                let (mut p, mut sa, mut sb, mut cnt) = (0.0, 0.0, 0.0, 0.0);
                for yy in 0..r.ncols() {
                    if a != b && r[[a, yy]] > 0.0 && r[[b, yy]] > 0.0 {
                        let (da, db) = (r[[a, yy]] - bl(a, yy), r[[b, yy]] - bl(b, yy));
                        p += da * db;
                        sa += da * da;
                        sb += db * db;
                        cnt += 1.0;
                    }
                }
                if cnt >= 1.0 && sa > 0.0 && sb > 0.0 {
                    sim[[a, b]] = p / (sa * sb).sqrt() * (cnt - 1.0) / (cnt - 1.0 + shrink);
                }
            }
        }
        let mut checked = 0;
        for a in 0..n {
            for yy in 0..r.ncols() {
                if r[[a, yy]] > 0.0 {
                    continue;
                }
                let mut nb: Vec<(f64, f64, usize)> =
                    (0..n).filter(|&b| r[[b, yy]] > 0.0 && sim[[a, b]] > 0.0).map(|b| (sim[[a, b]], r[[b, yy]], b)).collect();
                nb.sort_by(|p, q| q.0.partial_cmp(&p.0).unwrap());
                nb.truncate(k);
                let mut est = bl(a, yy);
                if !nb.is_empty() {
                    est += nb.iter().map(|&(s, rr, b)| s * (rr - bl(b, yy))).sum::<f64>() / nb.iter().map(|t| t.0).sum::<f64>();
                }
                let est = est.clamp(1.0, 5.0);
                let (u, i) = if user_based { (a, yy) } else { (yy, a) };
                let got = m.predict_rating(u, i).unwrap() as f64;
                assert!((got - est).abs() < 1e-4, "user_based {user_based}, ({u}, {i}): {got} vs {est}");
                checked += 1;
            }
        }
        assert_eq!(checked, 7);
        // Only positive similarities are stored, and they match.
        for (a, b, s) in m.similarities().iter() {
            assert!(s > 0.0);
            assert!((s as f64 - sim[[a, b]]).abs() < 1e-5);
        }
        assert_eq!(m.similarities().nnz(), sim.iter().filter(|&&s| s > 0.0).count());
        assert!(m.similarities().nnz() >= 4, "the example must exercise the neighbour term");
    }
}

/// Time-decayed popularity by hand: half-life 10 days, ages 0, 10, 20 and 30
/// days weigh 1, 1/2, 1/4 and 1/8.
#[test]
fn time_decayed_popularity_by_hand() {
    use shopml_core::Timestamp;
    let now = Timestamp::from_date(2011, 12, 1).unwrap();
    let ev = |u: u32, i: u32, v: f32| Triple { user: u, item: i, value: v };
    let events = [ev(0, 0, 2.0), ev(1, 0, 1.0), ev(0, 1, 1.0), ev(1, 1, 3.0), ev(2, 2, 1.0)];
    let times = [now, now.add_days(-10), now.add_days(-20), now.add_days(-30), now.add_days(-10)];
    let p = Popularity::params().half_life_days(Some(10.0));
    let m = p.fit_timed(3, 3, &events, &times, now).unwrap();
    let want = [1.0 + 0.5, 0.25 + 0.125, 0.5];
    for (g, w) in m.scores().iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "{:?} vs {want:?}", m.scores());
    }
    let w = p.clone().weighted(true).fit_timed(3, 3, &events, &times, now).unwrap();
    let want = [2.0 + 0.5, 0.25 + 3.0 * 0.125, 0.5];
    for (g, x) in w.scores().iter().zip(want) {
        assert!((g - x).abs() < 1e-6, "{:?} vs {want:?}", w.scores());
    }
    // No half-life: plain event counts.
    assert_eq!(Popularity::params().fit_timed(3, 3, &events, &times, now).unwrap().scores(), &[2.0, 2.0, 1.0]);
    // Decay changes the ranking: by summed quantity item 1 (4) beats item 0
    // (3); decayed, the recent item 0 wins.
    let plain = Popularity::params().weighted(true).fit_timed(3, 3, &events, &times, now).unwrap();
    assert_eq!(recommend(&plain, None, 2, &Request::top(1)).unwrap()[0].item, 1);
    assert_eq!(recommend(&w, None, 2, &Request::top(1)).unwrap()[0].item, 0);
    // Bad input: future events, mismatched times, bad half-life, out-of-range item.
    assert!(matches!(
        p.fit_timed(3, 3, &events, &[now.add_days(1); 5], now).unwrap_err().as_core(),
        Some(Error::InvalidValue { row: 0, .. })
    ));
    assert!(matches!(p.fit_timed(3, 3, &events, &times[..4], now).unwrap_err().as_core(), Some(Error::ShapeMismatch { .. })));
    expect_param(Popularity::params().half_life_days(Some(0.0)).fit_timed(3, 3, &events, &times, now), "half_life_days");
    assert!(matches!(p.fit_timed(3, 2, &events, &times, now).unwrap_err().as_core(), Some(Error::IndexOutOfRange { what: "item", .. })));
}

/// A new item folded into an explicit-ALS model solves its exact ridge
/// system (dense check), and once pushed it is scored like any other item.
#[test]
fn explicit_push_item_solves_item_system() {
    let full = low_rank_ratings();
    // Train without the last item, then fold it in from its ratings.
    let last = full.n_items() - 1;
    let t: Vec<Triple> = full.triples().filter(|t| (t.item as usize) < last).collect();
    let train = Interactions::from_triples(full.n_users(), last, &t, Duplicates::Error).unwrap();
    let lambda = 0.05;
    let mut m = ExplicitAlsParams::default().n_factors(3).iterations(10).regularization(lambda).fit(&train).unwrap();
    let iu = full.item_users();
    let (us, rs) = iu.row(last);
    let (bias, q) = m.fold_in_item(us, rs, lambda, true).unwrap();
    let mu = m.global_mean() as f64;
    let mut a = Array2::<f64>::eye(4) * (lambda * us.len() as f64);
    let mut b = Array1::<f64>::zeros(4);
    for (&u, &r) in us.iter().zip(rs) {
        let p = m.user_factors().row(u as usize);
        let x = [1.0, p[0] as f64, p[1] as f64, p[2] as f64];
        for d in 0..4 {
            b[d] += x[d] * (r as f64 - mu - m.user_bias()[u as usize] as f64);
            for e in 0..4 {
                a[[d, e]] += x[d] * x[e];
            }
        }
    }
    let w = shopml_core::linalg::solve_spd(a.view(), b.view()).unwrap();
    let got = [bias as f64, q[0] as f64, q[1] as f64, q[2] as f64];
    for d in 0..4 {
        assert!((got[d] - w[d]).abs() < 1e-4 * (1.0 + w[d].abs()), "coord {d}: {} vs {}", got[d], w[d]);
    }
    assert_eq!(m.push_item(bias, &q).unwrap(), last);
    assert_eq!(m.n_items(), last + 1);
    let p = m.user_factors().row(0);
    let want = mu as f32 + m.user_bias()[0] + bias + p.iter().zip(&q).map(|(x, y)| x * y).sum::<f32>();
    assert!((m.predict_rating(0, last).unwrap() - want.clamp(1.0, 5.0)).abs() < 1e-5);
    // The new item predicts its held-out ratings well (low-rank data).
    let err = us.iter().zip(rs).map(|(&u, &r)| (m.predict_rating(u as usize, last).unwrap() - r).powi(2)).sum::<f32>() / us.len() as f32;
    assert!(err.sqrt() < 0.2, "rmse of the folded-in item {}", err.sqrt());
    // Bad input.
    assert!(m.fold_in_item(&[99], &[3.0], lambda, true).is_err());
    assert!(m.push_item(f32::NAN, &q).is_err());
    assert!(m.push_item(0.0, &q[..2]).is_err());
}

/// A new item folded into implicit ALS solves the item normal equations
/// `(UᵀU + Uᵀ(C − I)U + λI) y = UᵀC p` for the fixed user factors.
#[test]
fn implicit_push_item_solves_item_system() {
    let data = from_dense(communities().view()).unwrap();
    let mut m = ImplicitAls::params().n_factors(3).iterations(5).regularization(0.1).solver(AlsSolver::Cholesky).fit(&data).unwrap();
    // A new item liked by users 10, 12 and 15 with strengths 1, 2, 3.
    let (users, vals) = ([10u32, 12, 15], [1.0f32, 2.0, 3.0]);
    let y = m.fold_in_item(&users, &vals).unwrap();
    let x = m.user_factors().view().mapv(|v| v as f64);
    let mut a = x.t().dot(&x) + Array2::<f64>::eye(3) * 0.1;
    let mut b = Array1::<f64>::zeros(3);
    for (&u, &v) in users.iter().zip(&vals) {
        let row = x.row(u as usize);
        for d in 0..3 {
            for e in 0..3 {
                a[[d, e]] += v as f64 * row[d] * row[e];
            }
            b[d] += (1.0 + v as f64) * row[d];
        }
    }
    let resid = &a.dot(&y.iter().map(|&v| v as f64).collect::<Array1<f64>>()) - &b;
    assert!(resid.iter().all(|e| e.abs() < 1e-4), "{resid}");
    let idx = m.push_item(&y).unwrap();
    assert_eq!(idx, 12);
    assert_eq!(m.score_items(10).unwrap().len(), 13);
    assert!(m.fold_in_item(&[20], &[1.0]).is_err());
}

/// New users and items join a fitted ALS model through the id-keyed
/// `Recommender` without retraining: the new user's scores are exactly the
/// fold-in of their history, a new item bought by one community scores
/// higher for that community, and both count as seen afterwards.
#[test]
fn recommender_adds_users_and_items_without_retraining() {
    let x = communities();
    let mut b = InteractionsBuilder::new();
    for ((u, i), &v) in x.indexed_iter() {
        if v > 0.0 {
            b.push(&format!("u{u}"), &format!("i{i}"), v as f32).unwrap();
        }
    }
    let data = b.build(Duplicates::Sum).unwrap();
    let model = ImplicitAls::params().n_factors(4).iterations(10).fit(&data.matrix).unwrap();
    let mut rec = Recommender::new(model, &data).unwrap();
    let (n_users, n_items) = (rec.users().len(), rec.items().len());

    // A new item bought by the first five users of community A (items i0..i5).
    let buyers: Vec<(String, f32)> = (0..5).map(|u| (format!("u{u}"), 1.0)).collect();
    let buyers_ref: Vec<(&str, f32)> = buyers.iter().map(|(u, v)| (u.as_str(), *v)).collect();
    let new_item = rec.add_item("i_new", &buyers_ref).unwrap();
    assert_eq!((new_item, rec.items().len()), (n_items, n_items + 1));
    let score = |rec: &Recommender<shopml_recommend::ImplicitAls>, u: &str| {
        let u = rec.users().index(u).unwrap();
        rec.model().score_items(u).unwrap()[new_item]
    };
    let a: f32 = (5..10).map(|u| score(&rec, &format!("u{u}"))).sum::<f32>() / 5.0;
    let b_: f32 = (10..20).map(|u| score(&rec, &format!("u{u}"))).sum::<f32>() / 10.0;
    assert!(a > b_, "new item scores {a} for community A vs {b_} for B");
    // Its buyers have now seen it.
    let top = rec.recommend("u0", &Request::top(n_items + 1)).unwrap();
    assert!(top.iter().all(|(i, _)| i != "i_new"));

    // A new user with community-B items: scores equal the fold-in of that history.
    let history = [("i7", 2.0), ("i6", 1.0), ("i9", 3.0)];
    let dense: Vec<(u32, f32)> = {
        let mut d: Vec<(u32, f32)> = history.iter().map(|&(i, v)| (rec.items().index(i).unwrap() as u32, v)).collect();
        d.sort_by_key(|p| p.0);
        d
    };
    let (items, values): (Vec<u32>, Vec<f32>) = dense.iter().copied().unzip();
    let expect = shopml_recommend::FoldIn::score_history(rec.model(), &items, &values).unwrap();
    let u = rec.add_user("newbie", &history).unwrap();
    assert_eq!((u, rec.users().len()), (n_users, n_users + 1));
    assert_eq!(rec.model().score_items(u).unwrap(), expect);
    let top = rec.recommend("newbie", &Request::top(3)).unwrap();
    assert!(top.iter().all(|(i, _)| !["i6", "i7", "i9"].contains(&i.as_str())));
    assert!(top.iter().all(|(i, _)| ["i8", "i10", "i11"].contains(&i.as_str())), "{top:?}");

    // Bad input: typed errors, nothing changes.
    let before = (rec.users().len(), rec.items().len());
    assert!(matches!(rec.add_user("newbie", &[("i1", 1.0)]).unwrap_err().as_core(), Some(Error::InvalidValue { .. })));
    assert!(matches!(rec.add_user("x", &[("nope", 1.0)]).unwrap_err().as_core(), Some(Error::UnknownId { .. })));
    assert!(matches!(rec.add_user("x", &[("i1", 1.0), ("i1", 2.0)]).unwrap_err().as_core(), Some(Error::InvalidValue { row: 1, .. })));
    assert!(matches!(rec.add_user("x", &[("i1", f32::NAN)]).unwrap_err().as_core(), Some(Error::NonFinite { .. })));
    assert!(matches!(rec.add_item("i_new", &[("u1", 1.0)]).unwrap_err().as_core(), Some(Error::InvalidValue { .. })));
    assert_eq!((rec.users().len(), rec.items().len()), before);
    assert_eq!(rec.model().n_users(), before.0);
}
