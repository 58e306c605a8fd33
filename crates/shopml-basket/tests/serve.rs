//! Bought-together suggestions against their definition, request filters,
//! serde, and next-item completion against popularity on the embedded sample.

use std::collections::BTreeSet;

use proptest::prelude::*;
use shopml_basket::eval::{CompletionParams, completion_queries, evaluate_completion};
use shopml_basket::{BasketError, BasketSpec, Baskets, BoughtTogether, CartRecommender, CartRequest, MinSupport, Score};
use shopml_clean::{CleaningRules, TransactionSchema, read};
use shopml_core::{Duplicates, Fit, Interactions, Recommend, Timestamp, Triple};
use shopml_recommend::AnyRecommender;

/// Best confidence (or lift) of `A → {j}` over non-empty `A ⊆ cart` with
/// `|A| ≤ 2`, `A ∪ {j}` frequent, confidence ≥ min_conf and lift ≥ 1 —
/// counted directly from the baskets.
fn brute_best(db: &[Vec<u32>], cart: &[u32], j: u32, min_count: u64, min_conf: f64, score: Score) -> Option<f64> {
    let n = db.len() as f64;
    let has = |b: &Vec<u32>, s: &[u32]| s.iter().all(|i| b.contains(i));
    let count = |s: &[u32]| db.iter().filter(|b| has(b, s)).count() as u64;
    let mut ants: Vec<Vec<u32>> = cart.iter().map(|&a| vec![a]).collect();
    for x in 0..cart.len() {
        for y in x + 1..cart.len() {
            ants.push(vec![cart[x], cart[y]]);
        }
    }
    let mut best: Option<f64> = None;
    for a in ants {
        let mut ac = a.clone();
        ac.push(j);
        let c_ac = count(&ac);
        if c_ac < min_count {
            continue;
        }
        let conf = c_ac as f64 / count(&a) as f64;
        let lift = conf / (count(&[j]) as f64 / n);
        if conf >= min_conf && lift >= 1.0 {
            let s = if score == Score::Confidence { conf } else { lift };
            best = Some(best.map_or(s, |b: f64| b.max(s)));
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]
    #[test]
    fn suggestions_are_the_best_applicable_rules(
        db in prop::collection::vec(prop::collection::vec(0u32..10, 1..7), 5..40),
        cart in prop::collection::btree_set(0u32..10, 1..4),
        lift_score in any::<bool>(),
    ) {
        let db: Vec<Vec<u32>> = db.into_iter().map(|b| b.into_iter().collect::<BTreeSet<_>>().into_iter().collect()).collect();
        let baskets = Baskets::from_index_lists(10, db.clone()).unwrap();
        let score = if lift_score { Score::Lift } else { Score::Confidence };
        let model = BoughtTogether::params(MinSupport::Count(2)).min_confidence(0.1).score(score).popularity_fallback(false).fit(&baskets).unwrap();
        let cart: Vec<u32> = cart.into_iter().collect();
        let got = model.suggest(&CartRequest::new(cart.iter().map(|&i| i as usize).collect(), 10)).unwrap();
        let mut want: Vec<(u32, f64)> = (0..10u32).filter(|j| !cart.contains(j))
            .filter_map(|j| brute_best(&db, &cart, j, 2, 0.1, score).map(|s| (j, s))).collect();
        prop_assert_eq!(got.len(), want.len());
        want.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((g.score - w.1).abs() < 1e-12, "score {} vs {}", g.score, w.1);
            let exact = brute_best(&db, &cart, g.item as u32, 2, 0.1, score).unwrap();
            prop_assert!((g.score - exact).abs() < 1e-12);
            // The justifying rule applies to the cart and proposes the item.
            let r = &model.rules().rules()[g.rule.unwrap()];
            prop_assert!(r.antecedent.iter().all(|a| cart.contains(a)));
            prop_assert_eq!(r.consequent.as_slice(), &[g.item as u32]);
        }
    }
}

fn tiny() -> (Baskets, BoughtTogether) {
    let b = Baskets::from_item_lists([
        vec!["tea", "mug", "spoon"],
        vec!["tea", "mug"],
        vec!["tea", "biscuits", "mug"],
        vec!["mug", "spoon"],
        vec!["tea", "biscuits"],
        vec!["cake"],
    ])
    .unwrap();
    let m = BoughtTogether::params(MinSupport::Count(2)).min_lift(0.0).fit(&b).unwrap();
    (b, m)
}

#[test]
fn request_filters_are_honoured() {
    let (b, m) = tiny();
    let idx = |s: &str| b.items().index(s).unwrap();
    let all = m.suggest(&CartRequest::new(vec![idx("tea")], 10)).unwrap();
    assert!(all.iter().all(|s| s.item != idx("tea")));
    // Every frequent item but tea (cake, in one basket, is below the count of 2):
    // rule suggestions first, then popularity fill-ins.
    assert_eq!(all.len(), b.n_items() - 2);
    assert!(all.iter().all(|s| s.item != idx("cake")));
    let first_fill = all.iter().position(|s| s.rule.is_none()).unwrap();
    assert!(all[first_fill..].iter().all(|s| s.rule.is_none()));
    let ex = m.suggest(&CartRequest::new(vec![idx("tea")], 10).exclude(vec![idx("mug")])).unwrap();
    assert!(ex.iter().all(|s| s.item != idx("mug")));
    let only = m.suggest(&CartRequest::new(vec![idx("tea")], 10).candidates(vec![idx("spoon"), idx("cake")])).unwrap();
    assert!(only.iter().all(|s| s.item == idx("spoon") || s.item == idx("cake")));
    assert_eq!(m.suggest(&CartRequest::new(vec![idx("tea")], 0)).unwrap().len(), 0);
    assert!(m.suggest(&CartRequest::new(vec![99], 3)).is_err());
    let unknown = m.resolve(&CartRequest::new(vec!["teapot".to_string()], 3)).unwrap_err();
    assert!(matches!(unknown, BasketError::Core(shopml_core::Error::UnknownId { .. })), "{unknown:?}");
    // mug → tea has confidence 3/4; it is the best rule for the cart {mug}.
    let top = m.suggest(&m.resolve(&CartRequest::new(vec!["mug"], 1)).unwrap()).unwrap();
    assert_eq!(top[0].item, idx("tea"));
    assert_eq!(top[0].score, 0.75);
}

#[test]
fn model_round_trips_through_json() {
    let (b, m) = tiny();
    let json = serde_json::to_string(&m).unwrap();
    let back: BoughtTogether = serde_json::from_str(&json).unwrap();
    for i in 0..b.n_items() {
        let req = CartRequest::new(vec![i], 5);
        assert_eq!(back.suggest(&req).unwrap(), m.suggest(&req).unwrap());
    }
    let bad = json.replace("\"popularity\":[", "\"popularity\":[1000,");
    assert!(serde_json::from_str::<BoughtTogether>(&bad).is_err());
}

#[test]
fn completion_beats_popularity_on_the_embedded_sample() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/online_retail_sample.csv.gz");
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    let (baskets, report) = BasketSpec::default().build(&cleaned.transactions).unwrap();
    assert!(report.balances());
    let (train, test) = baskets.split_at(Timestamp::from_date(2011, 10, 1).unwrap()).unwrap();
    let model = BoughtTogether::params(MinSupport::Count(5)).fit(&train).unwrap();
    let r = evaluate_completion(&model, &train, &test, &CompletionParams::default()).unwrap();
    assert!(r.queries > 300, "{r:?}");
    let bt = r.model("bought_together").unwrap();
    let pop = r.model("popularity").unwrap();
    assert!(bt.hit_rate > pop.hit_rate && bt.mrr > pop.mrr, "{r:?}");
    // Hit rate is a share and MRR never exceeds it.
    for m in &r.models {
        assert!((0.0..=1.0).contains(&m.hit_rate) && m.mrr <= m.hit_rate);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// As a core `Recommend` model over carts, bought-together returns exactly
    /// `suggest`'s list for every cart, exclusion set and length.
    #[test]
    fn cart_recommender_returns_suggest_lists(
        db in prop::collection::vec(prop::collection::vec(0u32..12, 1..7), 5..40),
        carts in prop::collection::vec(prop::collection::btree_set(0u32..12, 1..4), 1..6),
        exclude in prop::collection::btree_set(0usize..12, 0..3),
        n in 0usize..14,
        fallback in any::<bool>(),
    ) {
        let db: Vec<Vec<u32>> = db.into_iter().map(|b| b.into_iter().collect::<BTreeSet<_>>().into_iter().collect()).collect();
        let baskets = Baskets::from_index_lists(12, db).unwrap();
        let model = BoughtTogether::params(MinSupport::Count(2)).min_confidence(0.1).popularity_fallback(fallback).fit(&baskets).unwrap();
        let carts: Vec<Vec<u32>> = carts.into_iter().map(|c| c.into_iter().collect()).collect();
        let cart_baskets = Baskets::from_index_lists(12, carts.clone()).unwrap();
        let as_users = CartRecommender::new(&model, &cart_baskets).unwrap();
        let exclude: Vec<usize> = exclude.into_iter().collect();
        for (u, cart) in carts.iter().enumerate() {
            let got: Vec<usize> = as_users.recommend(u, n, &exclude).unwrap().into_iter().map(|s| s.item).collect();
            let req = CartRequest::new(cart.iter().map(|&i| i as usize).collect(), n).exclude(exclude.clone());
            let want: Vec<usize> = model.suggest(&req).unwrap().into_iter().map(|s| s.item).collect();
            prop_assert_eq!(got, want);
        }
        prop_assert!(as_users.score_items(carts.len()).is_err());
    }
}

/// The same completion queries through shopml-recommend's evaluation (the
/// code that ranks ALS, item-kNN and popularity) give the hit rate and MRR of
/// basket's own evaluation: two implementations of the metrics agree.
#[test]
fn completion_through_shopml_recommend_evaluation_agrees() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/online_retail_sample.csv.gz");
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    let (baskets, _) = BasketSpec::default().build(&cleaned.transactions).unwrap();
    let (train, test) = baskets.split_at(Timestamp::from_date(2011, 10, 1).unwrap()).unwrap();
    let model = BoughtTogether::params(MinSupport::Count(5)).fit(&train).unwrap();
    let params = CompletionParams::default();
    let own = evaluate_completion(&model, &train, &test, &params).unwrap();
    let q = completion_queries(&test, params.seed).unwrap();
    assert_eq!((q.hidden.len(), q.skipped), (own.queries, own.skipped));
    let n_items = train.n_items();
    let triples = |rows: Vec<(usize, u32)>| -> Vec<Triple> {
        rows.into_iter().map(|(u, i)| Triple { user: u as u32, item: i, value: 1.0 }).collect()
    };
    let seen = triples(q.carts.iter().enumerate().flat_map(|(u, c)| c.iter().map(move |&i| (u, i))).collect());
    let hidden = triples(q.hidden.iter().enumerate().map(|(u, &i)| (u, i)).collect());
    let seen = Interactions::from_triples(q.carts.len(), n_items, &seen, Duplicates::Sum).unwrap();
    let hidden = Interactions::from_triples(q.carts.len(), n_items, &hidden, Duplicates::Sum).unwrap();
    let as_users = AnyRecommender(CartRecommender::new(&model, &q.carts).unwrap());
    let m = shopml_recommend::evaluate(&as_users, &seen, &hidden, params.k).unwrap();
    let bt = own.model("bought_together").unwrap();
    assert_eq!(m.n_users, own.queries);
    assert!((m.hit_rate - bt.hit_rate).abs() < 1e-12, "{m:?} vs {bt:?}");
    assert!((m.mrr - bt.mrr).abs() < 1e-12, "{m:?} vs {bt:?}");
    // One relevant item per query: recall = hit rate, precision = hit rate / k.
    assert!((m.recall - m.hit_rate).abs() < 1e-12 && (m.precision - m.hit_rate / params.k as f64).abs() < 1e-12);
}
