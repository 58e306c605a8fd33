//! The `json_models` target: the first byte picks a fitted model type (the
//! order below; `tests/fuzz_seeds.rs` writes one seed per selector), the
//! rest is JSON. A value that loads must re-serialise and re-load, and every
//! prediction it makes on small finite inputs is an error or a value with no
//! NaN.

use ndarray::Array2;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shopml_core::{Forecast, Predict, Recommend};

/// Panics (a fuzzer finding) when `out` is `Ok` and holds a NaN.
fn no_nan<T: std::fmt::Debug, E>(what: &str, out: Result<T, E>) {
    if let Ok(v) = out {
        let text = format!("{v:?}");
        assert!(!text.contains("NaN"), "{what} returned NaN as a success: {text}");
    }
}

fn load<T: Serialize + DeserializeOwned>(body: &[u8]) -> Option<T> {
    let v: T = serde_json::from_slice(body).ok()?;
    let again = serde_json::to_string(&v).expect("a loaded model serialises");
    serde_json::from_str::<T>(&again).expect("a loaded model re-loads from its own JSON");
    Some(v)
}

/// Small finite inputs of 1 to 4 columns (a model of another width must refuse them).
fn inputs() -> impl Iterator<Item = Array2<f64>> {
    (1..=4).map(|p| Array2::from_shape_fn((5, p), |(i, j)| ((i * 3 + j) % 7) as f64 * 0.5 - 1.0))
}

/// Predictions of a loaded model on every input of [`inputs`].
macro_rules! predictor {
    ($m:expr, $what:expr) => {
        for x in inputs() {
            no_nan($what, $m.predict(&x));
        }
    };
}

fn anomaly<M: shopml_anomaly::Detector>(m: &M, what: &str) {
    for x in inputs() {
        no_nan(what, m.score_samples(&x));
    }
}

fn recommender<M: Recommend>(m: &M, what: &str) {
    let users = m.n_users();
    for u in [0, 1, users.saturating_sub(1), users] {
        no_nan(what, m.recommend(u, 5, &[0]));
    }
}

fn forecaster<M: Forecast>(m: &M, what: &str) {
    for h in [1, 7] {
        no_nan(what, m.forecast(h, &[80.0, 95.0]));
    }
}

fn customers() -> shopml_clv::Summary {
    shopml_clv::Summary::from_columns(&[0.0, 2.0, 5.0], &[0.0, 10.0, 30.0], &[40.0, 40.0, 35.0], Some(&[0.0, 12.5, 30.0]))
        .expect("a valid summary")
}

/// Loads `body` as the type of `sel` and uses it.
pub fn load_and_use(sel: u8, body: &[u8]) {
    match sel % 32 {
        0 => load::<shopml_linear::LinearModel>(body).iter().for_each(|m| predictor!(m, "LinearModel")),
        1 => {
            if let Some(m) = load::<shopml_linear::LogisticRegression>(body) {
                predictor!(m, "LogisticRegression");
                inputs().for_each(|x| no_nan("LogisticRegression::predict_proba", m.predict_proba(&x)));
            }
        }
        2 => load::<shopml_linear::PoissonRegression>(body).iter().for_each(|m| predictor!(m, "PoissonRegression")),
        3 => load::<shopml_segment::KMeans<f64>>(body).iter().for_each(|m| predictor!(m, "KMeans")),
        4 => load::<shopml_segment::MiniBatchKMeans<f64>>(body).iter().for_each(|m| predictor!(m, "MiniBatchKMeans")),
        5 => load::<shopml_anomaly::IsolationForest>(body).iter().for_each(|m| anomaly(m, "IsolationForest")),
        6 => load::<shopml_anomaly::LocalOutlierFactor>(body).iter().for_each(|m| anomaly(m, "LocalOutlierFactor")),
        7 => load::<shopml_anomaly::RobustScorer>(body).iter().for_each(|m| anomaly(m, "RobustScorer")),
        8 => load::<shopml_forecast::FittedModel>(body).iter().for_each(|m| forecaster(m, "FittedModel")),
        9 => load::<shopml_forecast::mstl::MstlEts>(body).iter().for_each(|m| forecaster(m, "MstlEts")),
        10 => load::<shopml_recommend::ImplicitAls>(body).iter().for_each(|m| recommender(m, "ImplicitAls")),
        11 => load::<shopml_recommend::ItemKnn>(body).iter().for_each(|m| recommender(m, "ItemKnn")),
        12 => load::<shopml_recommend::Popularity>(body).iter().for_each(|m| recommender(m, "Popularity")),
        13 => load::<shopml_recommend::Bpr>(body).iter().for_each(|m| recommender(m, "Bpr")),
        14 => load::<shopml_recommend::Ease>(body).iter().for_each(|m| recommender(m, "Ease")),
        15 => load::<shopml_recommend::BiasedMf>(body).iter().for_each(|m| recommender(m, "BiasedMf")),
        16 => load::<shopml_recommend::Baseline>(body).iter().for_each(|m| recommender(m, "Baseline")),
        17 => load::<shopml_recommend::KnnBaseline>(body).iter().for_each(|m| recommender(m, "KnnBaseline")),
        18 => {
            if let Some(m) = load::<shopml_basket::BoughtTogether>(body) {
                for cart in [vec![], vec![0], vec![0, 1, 2], vec![m.n_items()]] {
                    no_nan("BoughtTogether::suggest", m.suggest(&shopml_basket::CartRequest::new(cart, 3)));
                }
            }
        }
        19 => {
            if let Some(m) = load::<shopml_clv::BetaGeo>(body) {
                use shopml_clv::RepeatPurchaseModel;
                no_nan("BetaGeo::predict_alive", m.predict_alive(&customers()));
                no_nan("BetaGeo::predict_purchases", m.predict_purchases(&customers(), 30.0));
            }
        }
        20 => {
            if let Some(m) = load::<shopml_clv::GammaGamma>(body) {
                no_nan("GammaGamma::predict_spend", m.predict_spend(&customers()));
            }
        }
        21 => {
            if let Some(m) = load::<shopml_clv::ParetoNbd>(body) {
                use shopml_clv::RepeatPurchaseModel;
                no_nan("ParetoNbd::predict_alive", m.predict_alive(&customers()));
                no_nan("ParetoNbd::predict_purchases", m.predict_purchases(&customers(), 30.0));
            }
        }
        23 => {
            if let Some(m) = load::<shopml_recommend::Recommender<shopml_recommend::ImplicitAls>>(body) {
                for user in ["u0", "u9", "nobody"] {
                    no_nan("Recommender::recommend", m.recommend(user, &shopml_recommend::Request::top(3)));
                }
            }
        }
        24 => {
            if let Some(m) = load::<shopml_pricing::LogitShare>(body) {
                let n = m.products().len();
                for prices in [vec![1.5; n], vec![1.0; n + 1], vec![]] {
                    no_nan("LogitShare::shares", m.shares(&prices));
                    no_nan("LogitShare::elasticities", m.elasticities(&prices));
                }
            }
        }
        25 => {
            if let Some(mut m) = load::<shopml_pricing::PoissonGammaTs>(body) {
                let market = shopml_pricing::Market::new(vec![1.0, 2.0, 3.0], vec![5.0, 3.0, 1.0]).expect("a valid market");
                no_nan("simulate(PoissonGammaTs)", shopml_pricing::simulate(&mut m, &market, 20, None, 1));
            }
        }
        26 => {
            if let Some(m) = load::<shopml_anomaly::GroupedRobustScorer>(body) {
                no_nan("GroupedRobustScorer::score_samples", m.score_samples(&[1.0, 2.0, 50.0], &["g0", "g1", "zz"]));
            }
        }
        27 => {
            if let Some(m) = load::<shopml_pricing::PriceBook>(body) {
                for (cost_share, max_change) in [(0.6, 0.2), (0.0, 0.9), (0.99, 0.01)] {
                    no_nan("PriceBook::recommend", m.recommend(&shopml_pricing::MarginPolicy { cost_share, max_change }));
                }
            }
        }
        28 => {
            if let Some(h) = load::<shopml_forecast::reconcile::Hierarchy>(body) {
                use shopml_forecast::reconcile::{Method, ReconcileParams, reconcile};
                let base = Array2::from_shape_fn((h.n_series(), 3), |(i, j)| (i + j) as f64 + 1.0);
                no_nan("Hierarchy::aggregate", h.aggregate(base.slice(ndarray::s![h.n_series() - h.n_bottom().., ..])));
                for method in [Method::BottomUp, Method::TopDownForecastProportions, Method::Ols, Method::WlsStruct] {
                    no_nan("reconcile", reconcile(&h, base.view(), None, &ReconcileParams::new(method)));
                }
            }
        }
        29 => {
            if let Some(p) = load::<shopml_linear::EnetPath>(body) {
                let c = p.coefficients();
                assert!(c.iter().all(|v| !v.is_nan()), "EnetPath::coefficients returned NaN");
            }
        }
        30 => {
            if let Some(mut m) = load::<shopml_pricing::LogLinearTs>(body) {
                let market = shopml_pricing::Market::new(vec![1.0, 2.0, 3.0], vec![5.0, 3.0, 1.0]).expect("a valid market");
                no_nan("simulate(LogLinearTs)", shopml_pricing::simulate(&mut m, &market, 20, None, 1));
            }
        }
        31 => {
            if let Some(mut m) = load::<shopml_pricing::InventoryTs>(body) {
                let market = shopml_pricing::Market::new(vec![1.0, 2.0, 3.0], vec![5.0, 3.0, 1.0]).expect("a valid market");
                no_nan("simulate(InventoryTs)", shopml_pricing::simulate(&mut m, &market, 20, Some(30.0), 1));
            }
        }
        _ => {
            if let Some(m) = load::<shopml_pricing::DemandCurve>(body) {
                for p in [0.5, 3.0, 10.0] {
                    no_nan("DemandCurve::quantity", m.quantity(p));
                    no_nan("DemandCurve::elasticity", m.elasticity(p, 95.0));
                }
            }
        }
    }
}
