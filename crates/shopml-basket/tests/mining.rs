//! FP-Growth = Apriori = brute force; closed/maximal by definition; rules
//! metrics against direct counting; determinism across thread counts; errors.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use shopml_basket::{Algorithm, BasketError, Baskets, FrequentItemsets, ItemsetKind, Metric, MinSupport, RuleParams, Rules};
use shopml_core::Fit;

/// Every non-empty subset of every basket, counted: the definition of support.
fn brute(db: &[Vec<u32>], min_count: u64, max_len: usize) -> BTreeMap<Vec<u32>, u64> {
    let mut all: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
    for b in db {
        let b: Vec<u32> = b.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
        for mask in 1u32..(1 << b.len()) {
            if mask.count_ones() as usize > max_len {
                continue;
            }
            let s: Vec<u32> = (0..b.len()).filter(|p| mask >> p & 1 == 1).map(|p| b[p]).collect();
            *all.entry(s).or_default() += 1;
        }
    }
    all.retain(|_, c| *c >= min_count);
    all
}

fn as_map(sets: &FrequentItemsets) -> BTreeMap<Vec<u32>, u64> {
    let m: BTreeMap<Vec<u32>, u64> = sets.iter().map(|(s, c)| (s.to_vec(), c)).collect();
    assert_eq!(m.len(), sets.len(), "an itemset was reported twice");
    m
}

fn db_strategy() -> impl Strategy<Value = Vec<Vec<u32>>> {
    prop::collection::vec(prop::collection::vec(0u32..12, 0..9), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fpgrowth_equals_apriori_equals_brute_force(db in db_strategy(), min_count in 1u64..6, max_len in 1usize..6) {
        let baskets = Baskets::from_index_lists(12, db.clone()).unwrap();
        let want = brute(&db, min_count, max_len);
        let p = FrequentItemsets::params(MinSupport::Count(min_count)).max_len(Some(max_len));
        let fp = p.fit(&baskets).unwrap();
        let ap = p.clone().algorithm(Algorithm::Apriori).fit(&baskets).unwrap();
        prop_assert_eq!(as_map(&fp), want.clone());
        prop_assert_eq!(as_map(&ap), want);
    }

    #[test]
    fn closed_and_maximal_by_definition(db in db_strategy(), min_count in 1u64..5) {
        let baskets = Baskets::from_index_lists(12, db.clone()).unwrap();
        let all = brute(&db, min_count, usize::MAX);
        let is_superset = |y: &Vec<u32>, x: &Vec<u32>| y.len() > x.len() && x.iter().all(|i| y.contains(i));
        let closed: BTreeMap<Vec<u32>, u64> = all.iter()
            .filter(|(x, c)| !all.iter().any(|(y, d)| is_superset(y, x) && d == *c))
            .map(|(x, c)| (x.clone(), *c)).collect();
        let maximal: BTreeMap<Vec<u32>, u64> = all.iter()
            .filter(|(x, _)| !all.keys().any(|y| is_superset(y, x)))
            .map(|(x, c)| (x.clone(), *c)).collect();
        let p = FrequentItemsets::params(MinSupport::Count(min_count));
        prop_assert_eq!(as_map(&p.clone().kind(ItemsetKind::Closed).fit(&baskets).unwrap()), closed);
        prop_assert_eq!(as_map(&p.kind(ItemsetKind::Maximal).fit(&baskets).unwrap()), maximal);
    }

    #[test]
    fn rules_match_direct_counts(db in db_strategy(), min_count in 1u64..4) {
        let baskets = Baskets::from_index_lists(12, db.clone()).unwrap();
        let sets = FrequentItemsets::params(MinSupport::Count(min_count)).max_len(Some(4)).fit(&baskets).unwrap();
        let rules = RuleParams::unfiltered().fit(&sets).unwrap();
        let n = db.len() as f64;
        let count = |s: &[u32]| db.iter().filter(|b| s.iter().all(|i| b.contains(i))).count() as f64;
        // Every split of every frequent itemset of length ≥ 2 is a rule.
        let expected: usize = sets.iter().map(|(s, _)| (1usize << s.len()) - 2).sum();
        prop_assert_eq!(rules.len(), expected);
        for r in rules.rules() {
            let ac: Vec<u32> = r.antecedent.iter().chain(&r.consequent).copied().collect();
            let (sa, sc, sac) = (count(&r.antecedent) / n, count(&r.consequent) / n, count(&ac) / n);
            let conf = sac / sa;
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0) || a == b;
            prop_assert!(close(r.support, sac) && close(r.antecedent_support, sa) && close(r.consequent_support, sc));
            prop_assert!(close(r.confidence, conf));
            prop_assert!(close(r.lift, conf / sc));
            prop_assert!(close(r.leverage, sac - sa * sc));
            let conv = if conf < 1.0 { (1.0 - sc) / (1.0 - conf) } else { f64::INFINITY };
            prop_assert!(close(r.conviction, conv), "conviction {} vs {}", r.conviction, conv);
            // Zhang (2000) in the form mlxtend uses.
            let d = (sac * (1.0 - sa)).max(sa * (sc - sac));
            let z = if d == 0.0 { 0.0 } else { (sac - sa * sc) / d };
            prop_assert!(close(r.zhangs_metric, z));
            prop_assert!(close(r.jaccard, sac / (sa + sc - sac)));
            let cert = if sc == 1.0 { 0.0 } else { (conf - sc) / (1.0 - sc) };
            prop_assert!(close(r.certainty, cert));
            prop_assert!(close(r.kulczynski, (sac / sa + sac / sc) / 2.0));
        }
    }
}

fn random_db(seed: u64, n: usize, n_items: u32, avg: usize) -> Vec<Vec<u32>> {
    // A small LCG keeps the test independent of rand's stream.
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) as u32
    };
    (0..n)
        .map(|_| {
            let len = 1 + (next() as usize % (2 * avg));
            // Skewed items: low indices are popular.
            (0..len).map(|_| ((next() % n_items) * (next() % n_items)) / n_items).collect()
        })
        .collect()
}

#[test]
fn same_output_for_any_thread_count() {
    let db = random_db(7, 3000, 200, 8);
    let baskets = Baskets::from_index_lists(200, db).unwrap();
    let p = FrequentItemsets::params(MinSupport::Fraction(0.002));
    let run = |t: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
        pool.install(|| {
            let sets = p.fit(&baskets).unwrap();
            let rules = RuleParams::default().min(Metric::Confidence, 0.3).fit(&sets).unwrap();
            (sets, rules)
        })
    };
    let (s1, r1) = run(1);
    assert!(s1.len() > 1000, "the test needs a non-trivial output, got {}", s1.len());
    for t in [2, 3, 8] {
        let (s, r) = run(t);
        assert_eq!(s, s1, "itemsets differ with {t} threads");
        assert_eq!(r, r1, "rules differ with {t} threads");
    }
}

#[test]
fn fpgrowth_equals_apriori_on_a_larger_skewed_database() {
    let db = random_db(11, 2000, 100, 6);
    let baskets = Baskets::from_index_lists(100, db).unwrap();
    let p = FrequentItemsets::params(MinSupport::Fraction(0.005));
    let fp = as_map(&p.fit(&baskets).unwrap());
    let ap = as_map(&p.clone().algorithm(Algorithm::Apriori).fit(&baskets).unwrap());
    assert!(fp.len() > 500);
    assert_eq!(fp, ap);
}

#[test]
fn explosion_guard_names_the_threshold() {
    // One basket of 20 items has 2^20 - 1 frequent itemsets at count 1.
    let baskets = Baskets::from_index_lists(20, [(0..20).collect::<Vec<u32>>()]).unwrap();
    let err = FrequentItemsets::params(MinSupport::Count(1)).max_itemsets(1000).fit(&baskets).unwrap_err();
    assert!(matches!(err, BasketError::TooManyItemsets { limit: 1000, min_count: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("raise `min_support`"));
    // The limit is exact: 2^10 - 1 itemsets pass a limit of 1023 and fail 1022.
    let small = Baskets::from_index_lists(10, [(0..10).collect::<Vec<u32>>()]).unwrap();
    assert_eq!(FrequentItemsets::params(MinSupport::Count(1)).max_itemsets(1023).fit(&small).unwrap().len(), 1023);
    assert!(FrequentItemsets::params(MinSupport::Count(1)).max_itemsets(1022).fit(&small).is_err());
    assert!(FrequentItemsets::params(MinSupport::Count(1)).algorithm(Algorithm::Apriori).max_itemsets(1022).fit(&small).is_err());
    let sets = FrequentItemsets::params(MinSupport::Count(1)).fit(&small).unwrap();
    let err = RuleParams::unfiltered().max_rules(100).fit(&sets).unwrap_err();
    assert!(matches!(err, BasketError::TooManyRules { limit: 100 }));
}

#[test]
fn bad_parameters_and_inputs_are_typed_errors() {
    let b = Baskets::from_item_lists([vec!["a", "b"]]).unwrap();
    for f in [0.0, -0.1, 1.5, f64::NAN] {
        let e = FrequentItemsets::params(MinSupport::Fraction(f)).fit(&b).unwrap_err();
        assert!(matches!(e, BasketError::Core(shopml_core::Error::InvalidParameter { name: "min_support", .. })), "{f}: {e:?}");
    }
    assert!(FrequentItemsets::params(MinSupport::Count(0)).fit(&b).is_err());
    assert!(FrequentItemsets::params(MinSupport::Count(1)).max_len(Some(0)).fit(&b).is_err());
    let empty: Vec<Vec<&str>> = Vec::new();
    assert!(matches!(Baskets::from_item_lists(empty).unwrap_err(), BasketError::Core(shopml_core::Error::EmptyInput { .. })));
    assert!(Baskets::from_index_lists(3, [vec![0u32, 3]]).is_err());
    // Rules need all itemsets.
    let closed = FrequentItemsets::params(MinSupport::Count(1)).kind(ItemsetKind::Closed).fit(&b).unwrap();
    assert!(matches!(RuleParams::default().fit(&closed).unwrap_err(), BasketError::NotAllItemsets("closed")));
    assert!(
        RuleParams::default().min(Metric::Lift, f64::NAN).fit(&FrequentItemsets::params(MinSupport::Count(1)).fit(&b).unwrap()).is_err()
    );
}

#[test]
fn min_support_fraction_matches_float_comparison() {
    // count/n >= f in f64, exactly as mlxtend filters.
    for n in [1usize, 3, 7, 10, 100, 999, 25_900] {
        for f in [0.001, 0.005, 0.02, 0.1, 1.0 / 3.0, 0.5, 0.7, 1.0] {
            let c = MinSupport::Fraction(f).min_count(n);
            assert!(c as f64 / n as f64 >= f, "n={n} f={f} c={c}");
            assert!(c == 1 || ((c - 1) as f64 / n as f64) < f, "n={n} f={f} c={c}");
        }
    }
}

#[test]
fn serde_round_trip_keeps_infinite_conviction_and_rejects_tampering() {
    let b = Baskets::from_item_lists([vec!["tea", "mug"], vec!["tea", "mug"], vec!["tea"], vec!["spoon"]]).unwrap();
    let sets = FrequentItemsets::params(MinSupport::Count(1)).fit(&b).unwrap();
    let rules = RuleParams::unfiltered().fit(&sets).unwrap();
    assert!(rules.rules().iter().any(|r| r.conviction.is_infinite()));
    let json = serde_json::to_string(&rules).unwrap();
    assert!(json.contains("\"inf\""));
    let back: Rules = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rules);
    let tampered = json.replacen("\"count\":2", "\"count\":1", 1);
    assert!(serde_json::from_str::<Rules>(&tampered).is_err());
    let sets_json = serde_json::to_string(&sets).unwrap();
    assert_eq!(serde_json::from_str::<FrequentItemsets>(&sets_json).unwrap(), sets);
    let b_json = serde_json::to_string(&b).unwrap();
    assert_eq!(serde_json::from_str::<Baskets>(&b_json).unwrap(), b);
    let bad = b_json.replace("\"item_indices\":[0,1", "\"item_indices\":[1,0");
    assert!(serde_json::from_str::<Baskets>(&bad).is_err());
    // CSV: header + one line per rule, infinite conviction as `inf`.
    let mut csv = Vec::new();
    rules.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), rules.len() + 1);
    assert!(csv.lines().next().unwrap().ends_with("zhangs_metric,jaccard,certainty,kulczynski"));
    assert!(csv.contains(",inf,"));
}

#[test]
fn sort_by_metric_is_total_and_descending() {
    let db = random_db(3, 500, 30, 5);
    let baskets = Baskets::from_index_lists(30, db).unwrap();
    let sets = FrequentItemsets::params(MinSupport::Fraction(0.02)).fit(&baskets).unwrap();
    let mut rules = RuleParams::unfiltered().max_antecedent_len(Some(1)).fit(&sets).unwrap();
    assert!(rules.rules().iter().all(|r| r.antecedent.len() == 1));
    rules.sort_by(Metric::Lift, true);
    assert!(rules.rules().windows(2).all(|w| w[0].lift >= w[1].lift));
    rules.sort_by(Metric::Conviction, false);
    assert!(rules.rules().windows(2).all(|w| w[0].conviction <= w[1].conviction));
}
