//! Real-data checks (run with `SHOPML_DATA=../shared/data cargo test -p shopml-recommend -- --ignored`).
//!
//! MovieLens is read in place and never copied; the Surprise numbers in
//! `tests/fixtures/surprise_ml_5fold.json` were produced on the same folds by
//! `benches/peers/recommend_explicit.py --fixture ...`.

use std::io::{BufRead, BufReader};

use shopml_core::{Duplicates, Fit, IdMap, Interactions, InteractionsBuilder, Triple, testdata::data_path};
use shopml_recommend::eval::{cross_validate_ratings, evaluate, split_per_user};
use shopml_recommend::{Baseline, BiasedMf, BiasedMfParams, Bpr, ImplicitAls, ItemKnn, KnnBaseline, Popularity};

fn ratings() -> Vec<(String, String, f32)> {
    let f = std::fs::File::open(data_path("movielens-latest-small/ratings.csv")).unwrap();
    BufReader::new(f)
        .lines()
        .skip(1)
        .map(|l| {
            let l = l.unwrap();
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse().unwrap())
        })
        .collect()
}

/// ml-latest-small ratings ≥ 4 as positives, per-user 20 % holdout (seed 42):
/// the split of `benches/peers/recommend_quality.py ml`.
fn movielens_positives_split() -> (Interactions, Interactions) {
    let mut b = InteractionsBuilder::new();
    for (u, i, r) in ratings() {
        if r >= 4.0 {
            b.push(&u, &i, 1.0).unwrap();
        }
    }
    let data = b.build(Duplicates::Max).unwrap().matrix;
    split_per_user(&data, 0.2, 42).unwrap()
}

fn fixture(model: &str) -> f64 {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/surprise_ml_5fold.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[model]["rmse"].as_f64().unwrap()
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn movielens_implicit_models_beat_popularity() {
    let (train, test) = movielens_positives_split();
    let pop = evaluate(&Popularity::params().fit(&train).unwrap(), &train, &test, 10).unwrap();
    let als = evaluate(
        &ImplicitAls::params().n_factors(32).iterations(10).alpha(9.0).regularization(0.05).fit(&train).unwrap(),
        &train,
        &test,
        10,
    )
    .unwrap();
    let bpr = evaluate(&Bpr::params().n_factors(32).iterations(40).learning_rate(0.05).fit(&train).unwrap(), &train, &test, 10).unwrap();
    let knn = evaluate(&ItemKnn::params().fit(&train).unwrap(), &train, &test, 10).unwrap();
    for (name, m) in [("als", als), ("bpr", bpr), ("item-knn", knn)] {
        assert!(m.precision > pop.precision && m.ndcg > pop.ndcg, "{name} {m:?} vs popularity {pop:?}");
    }
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn movielens_explicit_matches_surprise() {
    let mut b = InteractionsBuilder::new();
    for (u, i, r) in ratings() {
        b.push(&u, &i, r).unwrap();
    }
    let data = b.build(Duplicates::Last).unwrap().matrix;
    let mean = |v: Vec<shopml_recommend::eval::RatingMetrics>| v.iter().map(|m| m.rmse).sum::<f64>() / v.len() as f64;
    // Same folds as the fixture (k_fold with seed 42).
    let base = mean(cross_validate_ratings(&Baseline::params(), &data, 5, 42).unwrap());
    assert!((base - fixture("baseline (ALS)")).abs() < 5e-4, "baseline RMSE {base}");
    let mf = mean(cross_validate_ratings(&BiasedMf::params().seed(0), &data, 5, 42).unwrap());
    assert!(mf <= fixture("biased MF (SGD)") + 0.003, "biased MF RMSE {mf}");
    // SVD++ with Surprise's SVDpp defaults.
    let pp = mean(cross_validate_ratings(&BiasedMfParams::svdpp().seed(0), &data, 5, 42).unwrap());
    assert!(pp <= fixture("SVD++ (SGD)") + 0.003, "SVD++ RMSE {pp}");
    // kNN-baseline with pearson-baseline similarity reproduces Surprise's KNNBaseline.
    let knn = mean(cross_validate_ratings(&KnnBaseline::params(), &data, 5, 42).unwrap());
    assert!((knn - fixture("kNN-baseline (item; pearson-baseline)")).abs() < 5e-4, "item kNN-baseline RMSE {knn}");
    let knn = mean(cross_validate_ratings(&KnnBaseline::params().user_based(true), &data, 5, 42).unwrap());
    assert!((knn - fixture("kNN-baseline (user; pearson-baseline)")).abs() < 5e-4, "user kNN-baseline RMSE {knn}");
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn online_retail_als_beats_popularity() {
    let f = std::fs::File::open(data_path("online_retail/online_retail.csv.gz")).unwrap();
    let r = BufReader::new(flate2::read::GzDecoder::new(f));
    let (mut users, mut items) = (IdMap::<String>::named("user"), IdMap::<String>::named("item"));
    let (mut train, mut later) = (Vec::new(), Vec::new());
    for line in r.lines().skip(1) {
        let line = line.unwrap();
        // Fields we need never contain commas before the description; take them from both ends.
        let f: Vec<&str> = line.split(',').collect();
        let n = f.len();
        if n < 8 || f[n - 2].is_empty() || f[0].starts_with('C') || f[n - 5].parse::<f64>().unwrap_or(0.0) <= 0.0 {
            continue;
        }
        let (u, i, date) = (f[n - 2].trim_end_matches(".0").to_string(), f[1].to_uppercase(), f[n - 4]);
        if date < "2011-10-01" {
            train.push(Triple { user: users.insert(u) as u32, item: items.insert(i) as u32, value: 1.0 });
        } else {
            later.push((u, i));
        }
    }
    let tr = Interactions::from_triples(users.len(), items.len(), &train, Duplicates::Sum).unwrap();
    let te: Vec<Triple> = later
        .into_iter()
        .filter_map(|(u, i)| Some(Triple { user: users.get(&u)? as u32, item: items.get(&i)? as u32, value: 1.0 }))
        .filter(|t| tr.get(t.user as usize, t.item as usize).is_none())
        .collect();
    let te = Interactions::from_triples(users.len(), items.len(), &te, Duplicates::Max).unwrap();
    let pop = evaluate(&Popularity::params().fit(&tr).unwrap(), &tr, &te, 10).unwrap();
    let als = evaluate(&ImplicitAls::params().n_factors(32).iterations(10).alpha(9.0).regularization(0.05).fit(&tr).unwrap(), &tr, &te, 10)
        .unwrap();
    assert!(als.precision > pop.precision && als.ndcg > pop.ndcg, "als {als:?} vs popularity {pop:?}");
}

/// BPR with implicit's sampling scheme (positives with replacement, negatives
/// in proportion to popularity, a negative that is a positive skips the
/// sample) at implicit's defaults reaches implicit's P@10 and NDCG@10 on
/// ml-latest-small (ratings ≥ 4, per-user 20 % holdout, seed 42): 5-seed means
/// within ±0.005 of the means in `tests/fixtures/implicit_bpr_ml_5seeds.json`
/// (written by `benches/peers/recommend_bpr_seeds.py ml --fixture …`).
#[test]
#[ignore = "needs SHOPML_DATA"]
fn movielens_bpr_matches_implicit_over_seeds() {
    use shopml_recommend::{NegativeSampling, PairSampling};
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/implicit_bpr_ml_5seeds.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mean = |key: &str| {
        let xs: Vec<f64> = v[key].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        xs.iter().sum::<f64>() / xs.len() as f64
    };
    let seeds = v["seeds"].as_u64().unwrap();
    let (train, test) = movielens_positives_split();
    let (mut p, mut n) = (0.0, 0.0);
    for seed in 0..seeds {
        let m = Bpr::params()
            .n_factors(64)
            .learning_rate(0.01)
            .regularization(0.01)
            .iterations(100)
            .negative_sampling(NegativeSampling::Popularity)
            .pair_sampling(PairSampling::WithReplacement)
            .seed(seed)
            .fit(&train)
            .unwrap();
        let r = evaluate(&m, &train, &test, 10).unwrap();
        p += r.precision / seeds as f64;
        n += r.ndcg / seeds as f64;
    }
    let (pi, ni) = (mean("precision_at_10"), mean("ndcg_at_10"));
    assert!((p - pi).abs() <= 0.005, "P@10 {p:.4} vs implicit {pi:.4}");
    assert!((n - ni).abs() <= 0.005, "NDCG@10 {n:.4} vs implicit {ni:.4}");
}
