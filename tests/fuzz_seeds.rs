//! The seed corpus of the `json_models` fuzz target (`fuzz/corpus/json_models/`):
//! one small fitted model per type, the first byte naming the type in the
//! order of `fuzz/src/models.rs`. Without seeds the fuzzer would never reach
//! a model's nested JSON in a 30-second run.
//!
//! The test checks that the committed corpus covers every selector and that
//! every committed seed still loads as its type and re-serialises to a value
//! that loads again (a type change that breaks old files fails here, not
//! silently in the fuzzer). `SHOPML_WRITE_FUZZ_SEEDS=1 cargo test --test
//! fuzz_seeds` rewrites the corpus from freshly fitted models.

use std::path::PathBuf;

use ndarray::{Array1, Array2};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shopml::anomaly::{GroupedRobustScorer, IsolationForest, LocalOutlierFactor, RobustMethod, RobustScorer};
use shopml::basket::{Baskets, BoughtTogether, MinSupport};
use shopml::clv::{BetaGeo, GammaGamma, ParetoNbd, Summary};
use shopml::core::{Dataset, Duplicates, Fit, Interactions, TimeSeries, Triple};
use shopml::forecast::baseline::BaselineParams;
use shopml::forecast::holt_winters::HoltWintersParams;
use shopml::forecast::intermittent::IntermittentParams;
use shopml::forecast::mstl::{MstlEts, MstlEtsParams};
use shopml::forecast::reconcile::Hierarchy;
use shopml::forecast::seasonal::Naive2Params;
use shopml::forecast::{AutoEts, FittedModel, Theta};
use shopml::linear::{ElasticNetParams, EnetPath, LinearModel, LinearRegressionParams, LogisticRegression, PoissonRegression, enet_path};
use shopml::pricing::{
    DemandCurve, DemandData, DemandForm, InventoryTs, LogLinearTs, LogitShare, LogitShareParams, OrderLine, PoissonGammaTs, PriceBook,
    PriceBookParams, ShareData,
};
use shopml::recommend::{Baseline, BiasedMf, Bpr, Ease, ImplicitAls, ItemKnn, KnnBaseline, Popularity, Recommender};
use shopml::segment::{KMeans, MiniBatchKMeans};

type Seeds = Vec<(u8, &'static str, String)>;

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("a fitted model serialises")
}

fn x() -> Array2<f64> {
    Array2::from_shape_fn((24, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 3.0 + j as f64)
}

fn interactions() -> Interactions {
    let mut t = Vec::new();
    for u in 0..12u32 {
        for i in 0..8u32 {
            if (u * 7 + i * 3) % 5 < 2 {
                t.push(Triple { user: u, item: i, value: 1.0 + ((u + i) % 4) as f32 });
            }
        }
    }
    Interactions::from_triples(12, 8, &t, Duplicates::Sum).expect("interactions")
}

fn series(n: usize) -> TimeSeries {
    let v: Vec<f64> = (0..n).map(|t| 20.0 + 5.0 * ((t % 7) as f64) + 0.3 * t as f64 + ((t * 13) % 5) as f64).collect();
    TimeSeries::new(v, 7).expect("series")
}

/// Customers simulated from BG/NBD with CDNOW-like parameters, with spend
/// from Gamma-Gamma (both fits then have a real optimum to find).
fn summary() -> Summary {
    let truth = BetaGeo::new([0.24, 4.4, 0.79, 2.4]).expect("valid parameters");
    let mut s = shopml::clv::simulate::bg_nbd(&truth, 300, 39.0, 5);
    let spend = shopml::clv::simulate::gamma_gamma(&GammaGamma::new([6.25, 3.74, 15.44]).expect("valid"), 300, 5, 6);
    for (c, g) in s.customers.iter_mut().zip(&spend.customers) {
        c.monetary = if c.frequency > 0.0 { g.monetary } else { 0.0 };
    }
    s
}

/// One small fitted model per selector (the order of `fuzz/src/models.rs`).
fn seeds() -> Seeds {
    let x = x();
    let y = Array1::from_shape_fn(24, |i| x[[i, 0]] * 2.0 - x[[i, 1]] + (i % 3) as f64 * 0.1);
    let yb = Array1::from_shape_fn(24, |i| (i * 5) % 3 == 0);
    let counts = Array1::from_shape_fn(24, |i| (i % 4) as f64);
    let d = interactions();
    let s = series(42);
    let mut out: Seeds = vec![
        (0, "ols", json::<LinearModel>(&LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap())),
        (1, "logistic", json::<LogisticRegression>(&LogisticRegression::params().fit(&Dataset::new(x.view(), yb.view())).unwrap())),
        (2, "poisson", json::<PoissonRegression>(&PoissonRegression::params().fit(&Dataset::new(x.view(), counts.view())).unwrap())),
        (3, "kmeans", json::<KMeans<f64>>(&KMeans::params(2).seed(1).fit(&x).unwrap())),
        (4, "minibatch", json::<MiniBatchKMeans<f64>>(&MiniBatchKMeans::params(2).fit(&x).unwrap())),
        (5, "iforest", json(&IsolationForest::params().seed(1).fit(&x).unwrap())),
        (6, "lof", json(&LocalOutlierFactor::params().n_neighbors(3).fit(&x).unwrap())),
        (7, "robust", json(&RobustScorer::params().fit(&x).unwrap())),
        (9, "mstl", json::<MstlEts>(&MstlEtsParams::new(vec![7]).fit(&s).unwrap())),
        (10, "als", json::<ImplicitAls>(&ImplicitAls::params().n_factors(2).iterations(2).seed(1).fit(&d).unwrap())),
        (11, "itemknn", json::<ItemKnn>(&ItemKnn::params().k(3).fit(&d).unwrap())),
        (12, "popularity", json::<Popularity>(&Popularity::params().fit(&d).unwrap())),
        (13, "bpr", json::<Bpr>(&Bpr::params().n_factors(2).iterations(2).fit(&d).unwrap())),
        (14, "ease", json::<Ease>(&Ease::params().fit(&d).unwrap())),
        (15, "biasedmf", json::<BiasedMf>(&BiasedMf::params().n_epochs(2).fit(&d).unwrap())),
        (16, "baseline", json::<Baseline>(&Baseline::params().fit(&d).unwrap())),
        (17, "knnbaseline", json::<KnnBaseline>(&KnnBaseline::params().fit(&d).unwrap())),
        (19, "bgnbd", json::<BetaGeo>(&BetaGeo::params().fit(&summary()).unwrap())),
        (20, "gammagamma", json::<GammaGamma>(&GammaGamma::params().fit(&summary()).unwrap())),
        (21, "paretonbd", json::<ParetoNbd>(&ParetoNbd::params().fit(&summary()).unwrap())),
    ];
    let forecasts: [(&str, FittedModel); 6] = [
        ("autoets", FittedModel::AutoEts(AutoEts::params().fit(&s).unwrap())),
        ("theta", FittedModel::Theta(Theta::params().fit(&s).unwrap())),
        ("holt", FittedModel::HoltWinters(HoltWintersParams::holt().fit(&s).unwrap())),
        ("croston", FittedModel::Intermittent(IntermittentParams::croston(0.1).fit(&s).unwrap())),
        ("drift", FittedModel::Baseline(BaselineParams::drift().fit(&s).unwrap())),
        ("naive2", FittedModel::Naive2(Naive2Params.fit(&s).unwrap())),
    ];
    out.extend(forecasts.iter().map(|(name, m)| (8, *name, json(m))));
    let lists: Vec<Vec<u32>> = (0..60u32).map(|b| (0..5u32).filter(|i| (b * 3 + i * 7) % 4 < 2).collect()).collect();
    let baskets = Baskets::from_index_lists(5, lists).unwrap();
    out.push((18, "boughttogether", json::<BoughtTogether>(&BoughtTogether::params(MinSupport::Count(2)).fit(&baskets).unwrap())));
    let price: Vec<f64> = (0..30).map(|i| 2.0 + (i % 6) as f64 * 0.4).collect();
    let qty: Vec<f64> = price.iter().enumerate().map(|(i, p)| 100.0 * p.powf(-1.8) * (1.0 + 0.05 * ((i % 3) as f64 - 1.0))).collect();
    // The id-keyed recommender the CLI saves and loads.
    let mut b = shopml::core::InteractionsBuilder::new();
    for u in 0..10 {
        for i in 0..6 {
            if (u * 5 + i * 3) % 4 < 2 {
                b.push(&format!("u{u}"), &format!("p{i}"), 1.0).unwrap();
            }
        }
    }
    let labelled = b.build(Duplicates::Sum).unwrap();
    let als = ImplicitAls::params().n_factors(2).iterations(2).seed(1).fit(&labelled.matrix).unwrap();
    out.push((23, "recommender", json(&Recommender::new(als, &labelled).unwrap())));
    // Logit shares: 20 markets × 3 products, shares from a known logit.
    let mut shares = ShareData::default();
    for m in 0..20 {
        let prices: Vec<f64> = (0..3).map(|j| 1.0 + 0.1 * ((m * 3 + j * 7) % 5) as f64).collect();
        let u: Vec<f64> = prices.iter().enumerate().map(|(j, p)| (1.0 - 2.0 * p + 0.3 * j as f64).exp()).collect();
        let total = 1.0 + u.iter().sum::<f64>();
        for j in 0..3 {
            let noise = 1.0 + 0.01 * (((m * 7 + j) % 5) as f64 - 2.0);
            shares.push(&format!("m{m}"), &format!("b{j}"), prices[j], u[j] / total * noise);
        }
    }
    out.push((24, "logitshare", json(&LogitShareParams::default().fit(&shares).unwrap())));
    out.push((25, "poissongammats", json(&PoissonGammaTs::new(vec![1.0, 2.0, 3.0], 1.0, 1.0).unwrap())));
    let values: Vec<f64> = (0..40).map(|i| 2.0 + (i % 7) as f64 * 0.1).collect();
    let groups: Vec<String> = (0..40).map(|i| format!("g{}", i % 3)).collect();
    out.push((26, "groupedrobust", json(&GroupedRobustScorer::fit(RobustMethod::Mad { threshold: 3.5 }, 4, &values, &groups).unwrap())));
    let lines: Vec<OrderLine> = (0..24i64)
        .map(|w| {
            let p = [2.5, 3.0, 3.5][(w % 3) as usize];
            let q = 5000.0 * f64::powi(p, -3) * (1.0 + 0.01 * ((w % 2) as f64 - 0.5));
            OrderLine::new("mug", shopml::core::Timestamp::from_date(2024, 1, 1).unwrap().add_days(7 * w), q, p)
        })
        .collect();
    let paths: Vec<Vec<String>> =
        [["A", "A1"], ["A", "A2"], ["B", "B1"]].iter().map(|p| p.iter().map(|s| s.to_string()).collect()).collect();
    out.push((28, "hierarchy", json(&Hierarchy::from_paths(&paths).unwrap())));
    let xe = Array2::from_shape_fn((30, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
    let ye = Array1::from_shape_fn(30, |i| xe[[i, 0]] * 2.0 - xe[[i, 2]] + ((i % 5) as f64 - 2.0) * 0.1);
    out.push((29, "enetpath", json(&enet_path(&Dataset::new(xe.view(), ye.view()), &ElasticNetParams::default(), None, 3, 1e-2).unwrap())));
    out.push((30, "loglinearts", json(&LogLinearTs::new(vec![1.0, 2.0, 3.0], [1.0, -0.5], [2.0, 2.0]).unwrap())));
    out.push((31, "inventoryts", json(&InventoryTs::new(vec![1.0, 2.0, 3.0], 1.0, 1.0, 30.0, 20).unwrap())));
    out.push((27, "pricebook", json(&PriceBookParams::default().fit(&lines[..]).unwrap())));
    out.push((22, "demandcurve", json::<DemandCurve>(&DemandCurve::params(DemandForm::LogLog).fit(&DemandData::new(price, qty)).unwrap())));
    out
}

/// Selectors of `fuzz/src/models.rs`.
const N_SELECTORS: u8 = 32;

/// Loads `json` as the type of `sel` and checks that what it re-serialises to loads again.
fn reloads(sel: u8, json: &str) -> Result<(), String> {
    fn check<T: Serialize + DeserializeOwned>(json: &str) -> Result<(), String> {
        let v: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
        serde_json::from_str::<T>(&serde_json::to_string(&v).map_err(|e| e.to_string())?).map(|_| ()).map_err(|e| e.to_string())
    }
    match sel {
        0 => check::<LinearModel>(json),
        1 => check::<LogisticRegression>(json),
        2 => check::<PoissonRegression>(json),
        3 => check::<KMeans<f64>>(json),
        4 => check::<MiniBatchKMeans<f64>>(json),
        5 => check::<IsolationForest>(json),
        6 => check::<LocalOutlierFactor>(json),
        7 => check::<RobustScorer>(json),
        8 => check::<FittedModel>(json),
        9 => check::<MstlEts>(json),
        10 => check::<ImplicitAls>(json),
        11 => check::<ItemKnn>(json),
        12 => check::<Popularity>(json),
        13 => check::<Bpr>(json),
        14 => check::<Ease>(json),
        15 => check::<BiasedMf>(json),
        16 => check::<Baseline>(json),
        17 => check::<KnnBaseline>(json),
        18 => check::<BoughtTogether>(json),
        19 => check::<BetaGeo>(json),
        20 => check::<GammaGamma>(json),
        21 => check::<ParetoNbd>(json),
        22 => check::<DemandCurve>(json),
        23 => check::<Recommender<ImplicitAls>>(json),
        24 => check::<LogitShare>(json),
        25 => check::<PoissonGammaTs>(json),
        26 => check::<GroupedRobustScorer>(json),
        27 => check::<PriceBook>(json),
        28 => check::<Hierarchy>(json),
        29 => check::<EnetPath>(json),
        30 => check::<LogLinearTs>(json),
        31 => check::<InventoryTs>(json),
        _ => Err(format!("unknown selector {sel}")),
    }
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/json_models")
}

#[test]
fn fresh_seeds_load_as_their_type() {
    let seeds = seeds();
    for (sel, name, json) in &seeds {
        reloads(*sel, json).unwrap_or_else(|e| panic!("fresh seed {name} (selector {sel}): {e}"));
    }
    if std::env::var_os("SHOPML_WRITE_FUZZ_SEEDS").is_some() {
        let dir = corpus();
        std::fs::create_dir_all(&dir).unwrap();
        for (sel, name, json) in &seeds {
            let mut bytes = vec![*sel];
            bytes.extend_from_slice(json.as_bytes());
            std::fs::write(dir.join(format!("seed_{sel:02}_{name}")), bytes).unwrap();
        }
    }
}

#[test]
fn committed_corpus_covers_every_type_and_still_loads() {
    let mut seen = vec![false; usize::from(N_SELECTORS)];
    for entry in std::fs::read_dir(corpus()).expect("fuzz/corpus/json_models exists") {
        let path = entry.unwrap().path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed_")) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let (&sel, body) = bytes.split_first().expect("a seed has a selector byte");
        let json = std::str::from_utf8(body).expect("seeds are UTF-8 JSON");
        reloads(sel, json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        seen[usize::from(sel)] = true;
    }
    let missing: Vec<usize> = (0..seen.len()).filter(|&s| !seen[s]).collect();
    assert!(missing.is_empty(), "no committed seed for selectors {missing:?}");
}
