//! Hostile inputs (issues 12 and 13): every case here panicked or returned a
//! wrong `Ok` before the fix.

use proptest::prelude::*;
use shopml_core::{Duplicates, Fit, Interactions, Recommend, Triple};
use shopml_recommend::{
    Baseline, BiasedMf, Bpr, Ease, FoldIn, ImplicitAls, ItemKnn, KnnBaseline, Popularity, Request, Scorer, recommend_batch,
};

fn data() -> Interactions {
    let mut t = Vec::new();
    for u in 0..12u32 {
        for i in 0..8u32 {
            if (u * 7 + i * 3) % 5 < 2 {
                t.push(Triple { user: u, item: i, value: 1.0 + ((u + i) % 4) as f32 });
            }
        }
    }
    Interactions::from_triples(12, 8, &t, Duplicates::Sum).unwrap()
}

fn reload<T: serde::Serialize + serde::de::DeserializeOwned>(
    m: &T,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Result<T, serde_json::Error> {
    let mut v = serde_json::to_value(m).unwrap();
    edit(&mut v);
    serde_json::from_value(v)
}

#[test]
fn score_users_with_a_bad_user_or_short_buffer_is_an_error() {
    let d = data();
    let als = ImplicitAls::params().n_factors(3).iterations(2).fit(&d).unwrap();
    let bpr = Bpr::params().n_factors(3).iterations(2).fit(&d).unwrap();
    let knn = ItemKnn::params().fit(&d).unwrap();
    let ease = Ease::params().fit(&d).unwrap();
    let pop = Popularity::params().fit(&d).unwrap();
    let mf = BiasedMf::params().n_epochs(2).fit(&d).unwrap();
    let models: Vec<&dyn Scorer> = vec![&als, &bpr, &knn, &ease, &pop, &mf];
    for m in models {
        let mut out = vec![0.0; 2 * 8];
        assert!(m.score_users(&[0, 99], &mut out).is_err());
        let mut short = vec![0.0; 5];
        assert!(m.score_users(&[0, 1], &mut short).is_err());
        assert!(m.score_users(&[0, 1], &mut out).is_ok());
    }
}

#[test]
fn fold_in_rejects_nan_history_values() {
    let d = data();
    let als = ImplicitAls::params().n_factors(3).iterations(2).fit(&d).unwrap();
    let knn = ItemKnn::params().fit(&d).unwrap();
    let ease = Ease::params().fit(&d).unwrap();
    let pop = Popularity::params().fit(&d).unwrap();
    let models: Vec<&dyn FoldIn> = vec![&als, &knn, &ease, &pop];
    for m in models {
        assert!(m.score_history(&[0, 1], &[1.0, f32::NAN]).is_err());
        assert!(m.score_history(&[0, 99], &[1.0, 1.0]).is_err());
        assert!(m.score_history(&[0], &[1.0, 1.0]).is_err());
        assert!(m.score_history(&[0, 1], &[1.0, 2.0]).unwrap().iter().all(|s| s.is_finite()));
    }
}

#[test]
fn edited_models_are_rejected_on_load() {
    let d = data();
    let als = ImplicitAls::params().n_factors(3).iterations(2).fit(&d).unwrap();
    assert!(reload(&als, |v| v["item_factors"]["n_factors"] = serde_json::json!(2)).is_err());
    assert!(reload(&als, |v| v["user_factors"]["n_rows"] = serde_json::json!(1000)).is_err());
    let bpr = Bpr::params().n_factors(3).iterations(2).fit(&d).unwrap();
    assert!(reload(&bpr, |v| v["item_bias"] = serde_json::json!([0.0])).is_err());
    let knn = ItemKnn::params().fit(&d).unwrap();
    assert!(reload(&knn, |v| v["neighbours"]["indices"][0] = serde_json::json!(4_000_000)).is_err());
    let mf = BiasedMf::params().n_epochs(2).fit(&d).unwrap();
    assert!(
        reload(&mf, |v| {
            v["min_rating"] = serde_json::json!(5.0);
            v["max_rating"] = serde_json::json!(1.0);
        })
        .is_err()
    );
    assert!(reload(&mf, |v| v["user_bias"] = serde_json::json!([0.0])).is_err());
    let base = Baseline::params().fit(&d).unwrap();
    assert!(reload(&base, |v| v["max_rating"] = serde_json::json!(-1.0)).is_err());
    let kb = KnnBaseline::params().fit(&d).unwrap();
    assert!(reload(&kb, |v| v["item_bias"] = serde_json::json!([0.0, 0.0])).is_err());
    let ease = Ease::params().fit(&d).unwrap();
    assert!(reload(&ease, |v| v["weights"]["dim"] = serde_json::json!([2, 32])).is_err());
    // Unedited models load and score the same.
    let back: ImplicitAls = reload(&als, |_| {}).unwrap();
    assert_eq!(back.score_items(1).unwrap(), als.score_items(1).unwrap());
    let back: KnnBaseline = reload(&kb, |_| {}).unwrap();
    assert_eq!(back.score_items(1).unwrap(), kb.score_items(1).unwrap());
}

#[test]
fn empty_and_out_of_range_requests_are_errors_or_empty() {
    let d = data();
    let als = ImplicitAls::params().n_factors(3).iterations(2).fit(&d).unwrap();
    assert!(recommend_batch(&als, Some(&d), &[], &Request::top(3)).unwrap().is_empty());
    assert!(recommend_batch(&als, Some(&d), &[99], &Request::top(3)).is_err());
    assert!(als.recommend(99, 3, &[]).is_err());
    assert!(als.recommend(0, usize::MAX, &[]).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Every fit and scoring entry point on random (possibly empty) matrices
    /// and values: an `Err` or finite scores, never a panic.
    #[test]
    fn fits_and_scores_never_panic(n_users in 0usize..9, n_items in 0usize..9, cells in prop::collection::vec((0u32..9, 0u32..9, prop_oneof![4 => 0.5f32..5.0, 1 => Just(0.0f32), 1 => Just(1e30f32)]), 0..30)) {
        let t: Vec<Triple> = cells.into_iter().filter(|&(u, i, _)| (u as usize) < n_users && (i as usize) < n_items).map(|(user, item, value)| Triple { user, item, value }).collect();
        let Ok(d) = Interactions::from_triples(n_users, n_items, &t, Duplicates::Sum) else { return Ok(()) };
        let users: Vec<usize> = (0..n_users).collect();
        macro_rules! exercise {
            ($fit:expr) => {
                if let Ok(m) = $fit {
                    if let Ok(recs) = recommend_batch(&m, Some(&d), &users, &Request::top(3)) {
                        for r in recs.iter().flatten() {
                            prop_assert!(r.score.is_finite() && r.item < n_items);
                        }
                    }
                    let json = serde_json::to_string(&m).unwrap();
                    let _ = serde_json::from_str::<serde_json::Value>(&json);
                }
            };
        }
        exercise!(ImplicitAls::params().n_factors(2).iterations(2).fit(&d));
        exercise!(Bpr::params().n_factors(2).iterations(2).fit(&d));
        exercise!(ItemKnn::params().fit(&d));
        exercise!(Ease::params().fit(&d));
        exercise!(Popularity::params().fit(&d));
        exercise!(BiasedMf::params().n_epochs(2).fit(&d));
        exercise!(Baseline::params().fit(&d));
        exercise!(KnnBaseline::params().fit(&d));
    }
}

/// The CLI loads an id-keyed `Recommender` from a user's file: every shape
/// it holds must agree, or loading fails (before: a short popularity vector
/// or id map panicked on the first unknown-user request).
#[test]
fn a_loaded_recommender_checks_its_shapes() {
    let mut b = shopml_core::InteractionsBuilder::new();
    for (u, i) in [("ann", "mug"), ("ann", "tea"), ("bob", "mug"), ("cat", "pot")] {
        b.push(u, i, 1.0).unwrap();
    }
    let data = b.build(Duplicates::Sum).unwrap();
    let rec = shopml_recommend::Recommender::new(Popularity::params().fit(&data.matrix).unwrap(), &data).unwrap();
    type Rec = shopml_recommend::Recommender<Popularity>;
    let back: Rec = reload(&rec, |_| {}).unwrap();
    assert_eq!(back.recommend("bob", &Request::top(2)).unwrap(), rec.recommend("bob", &Request::top(2)).unwrap());
    assert!(reload::<Rec>(&rec, |v| v["popularity"] = serde_json::json!([1.0])).unwrap_err().to_string().contains("popularity"));
    assert!(reload::<Rec>(&rec, |v| v["popularity"] = serde_json::json!([1.0, -2.0, 1.0])).is_err());
    let e = reload::<Rec>(&rec, |v| v["users"]["ids"] = serde_json::json!(["ann", "bob"])).unwrap_err().to_string();
    assert!(e.contains("user"), "{e}");
    assert!(reload::<Rec>(&rec, |v| v["items"]["ids"] = serde_json::json!(["mug", "tea", "pot", "cup"])).is_err());
}

/// Two enum variants were misnamed `PopularityParams` by a mechanical rename;
/// they are `Popularity` now, and files saved with the old name still load.
#[test]
fn popularity_variants_load_under_their_old_name_too() {
    use shopml_recommend::{NegativeSampling, UnknownUser};
    assert_eq!(serde_json::from_str::<UnknownUser>("\"PopularityParams\"").unwrap(), UnknownUser::Popularity);
    assert_eq!(serde_json::from_str::<NegativeSampling>("\"PopularityParams\"").unwrap(), NegativeSampling::Popularity);
    assert_eq!(serde_json::to_string(&UnknownUser::Popularity).unwrap(), "\"Popularity\"");
}
