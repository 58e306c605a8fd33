//! Hostile inputs through every public fit / transform entry point of
//! shopml-features (issues 12 and 13): each named defect has a test that
//! failed before its fix, and property tests throw random shapes and values
//! (finite ones across the whole f64 range, dates across the whole i64 range)
//! at every entry point, asserting "no panic, and every `Ok` is finite".

#![allow(clippy::useless_vec)]

use ndarray::{Array1, Array2, array};
use proptest::prelude::*;
use shopml_clean::Transaction;
use shopml_core::metrics::classification;
use shopml_core::{Fit, Timestamp, Transform};
use shopml_features::demand::DemandParams;
use shopml_features::preprocessing::{
    BoxCoxParams, LogTransformParams, MinMaxScaler, MinMaxScalerParams, OneHotEncoder, OneHotParams, OrdinalParams, RobustScaler,
    RobustScalerParams, StandardScaler, StandardScalerParams,
};
use shopml_features::{
    CustomerFeaturesParams, FeaturesError, InteractionParams, InteractionValue, LabelParams, RecencyDays, RfmParams, Target,
};

fn line(invoice: &str, customer: &str, product: &str, t: Timestamp, qty: f64, price: f64) -> Transaction {
    Transaction {
        category: None,
        attributes: Default::default(),
        invoice: invoice.into(),
        product: product.into(),
        description: None,
        quantity: qty,
        timestamp: t,
        unit_price: price,
        customer: Some(customer.into()),
        country: None,
        line: 7,
    }
}

fn day(d: u32) -> Timestamp {
    Timestamp::from_civil(2011, 3, d, 12, 0, 0).unwrap()
}

#[test]
fn scalers_keep_the_extremes_of_the_f64_range_apart() {
    // Issue 13: [−1e308, 1e308] became NaN (standard) or [0, 0] (min-max).
    let x = array![[-1e308], [1e308]];
    let z = StandardScalerParams::new().fit(&x).unwrap().transform(&x).unwrap();
    assert_eq!(z, array![[-1.0], [1.0]]);
    let z = MinMaxScalerParams::new().fit(&x).unwrap().transform(&x).unwrap();
    assert!((z[[0, 0]] - 0.0).abs() < 1e-12 && (z[[1, 0]] - 1.0).abs() < 1e-12, "{z}");
    let z = RobustScalerParams::new().fit(&x).unwrap().transform(&x).unwrap();
    assert!(z.iter().all(|v| v.is_finite()) && z[[0, 0]] < 0.0 && z[[1, 0]] > 0.0, "{z}");
    // New data beyond the f64 range after scaling is an error, not ∞.
    let m = MinMaxScalerParams::new().feature_range(0.0, 1e300).fit(&array![[0.0], [1.0]]).unwrap();
    assert!(matches!(m.transform(&array![[1e300]]), Err(FeaturesError::Domain { row: 0, column: 0, .. })));
}

#[test]
fn scalers_fit_views_and_owned_arrays_alike() {
    // Issue 12: StandardScalerParams fitted only an owned Array2.
    let x = array![[1.0, 5.0], [3.0, 5.0], [4.0, 9.0]];
    let owned = StandardScalerParams::new().fit(&x).unwrap();
    let view = StandardScalerParams::new().fit(&x.view()).unwrap();
    assert_eq!(owned, view);
    assert_eq!(
        owned.transform(&x.slice(ndarray::s![..2, ..])).unwrap(),
        owned.transform(&x.slice(ndarray::s![..2, ..]).to_owned()).unwrap()
    );
    let cats = array![["a".to_string()], ["b".to_string()]];
    assert_eq!(OneHotParams::new().fit(&cats.view()).unwrap(), OneHotParams::new().fit(&cats).unwrap());
}

#[test]
fn loaded_preprocessors_are_validated() {
    // Issue 13: loaded JSON was trusted (wrong lengths, zero or NaN scales).
    let good = serde_json::to_string(&StandardScalerParams::new().fit(&array![[1.0, 2.0], [3.0, 5.0]]).unwrap()).unwrap();
    assert!(serde_json::from_str::<StandardScaler>(&good).is_ok());
    for bad in [
        r#"{"mean":[0.0],"var":[1.0,1.0],"scale":[1.0,1.0]}"#,
        r#"{"mean":[0.0,0.0],"var":[1.0,1.0],"scale":[1.0,0.0]}"#,
        r#"{"mean":[0.0,"nan"],"var":[1.0,1.0],"scale":[1.0,1.0]}"#,
        r#"{"mean":[0.0,0.0],"var":[1.0,1.0],"scale":[1.0,-2.0]}"#,
    ] {
        assert!(serde_json::from_str::<StandardScaler>(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<RobustScaler>(r#"{"center":[0.0],"scale":[0.0]}"#).is_err());
    assert!(
        serde_json::from_str::<MinMaxScaler>(
            r#"{"data_min":[2.0],"data_max":[1.0],"scale":[1.0],"min":[0.0],"feature_range":[0.0,1.0],"clip":false}"#
        )
        .is_err()
    );
    let enc = OneHotParams::new().fit(&array![["b".to_string()], ["a".to_string()]]).unwrap();
    let json = serde_json::to_string(&enc).unwrap();
    assert_eq!(serde_json::from_str::<OneHotEncoder>(&json).unwrap(), enc);
    assert!(serde_json::from_str::<OneHotEncoder>(&json.replace(r#"["a","b"]"#, r#"["b","a"]"#)).is_err());
}

#[test]
fn label_cutoff_after_the_last_order_is_an_error() {
    // Issue 12: it marked every customer churned.
    let lines = vec![line("1", "a", "P", day(1), 1.0, 2.0), line("2", "b", "P", day(2), 1.0, 2.0)];
    let late = LabelParams::new(day(20), 30).build(&lines, &Target::Churn, None);
    assert!(late.is_err(), "{late:?}");
    assert!(LabelParams::new(day(2), 30).build(&lines, &Target::Churn, None).is_ok());
}

#[test]
fn labels_and_features_bridge_to_datasets_and_metrics() {
    // Issue 12: no column selection, no dataset conversion, f64 labels.
    let lines = vec![line("1", "a", "P", day(1), 1.0, 2.0), line("2", "b", "P", day(2), 2.0, 2.0), line("3", "a", "P", day(12), 1.0, 2.0)];
    let t = LabelParams::new(day(10), 20).build(&lines, &Target::Churn, None).unwrap();
    let d = t.to_dataset();
    assert_eq!(d.targets.to_vec(), vec![false, true]);
    assert_eq!(classification::accuracy(d.targets.as_slice().unwrap(), &[false, true]).unwrap(), 1.0);
    let rfm = t.features.select(&["recency", "frequency", "monetary"]).unwrap();
    assert_eq!(rfm.values.column(2).to_vec(), vec![2.0, 4.0]);
    assert!(t.features.select(&["nope"]).is_err());
    let y = Array1::from(vec![1.0, 2.0]);
    assert_eq!(rfm.to_dataset(y.view()).unwrap().n_features(), 3);
    assert!(rfm.to_dataset(Array1::<f64>::zeros(3).view()).is_err());
}

#[test]
fn recency_counts_calendar_or_elapsed_days() {
    // Issue 12: only calendar days; pandas counts whole elapsed days.
    let late = Timestamp::from_civil(2011, 3, 1, 23, 0, 0).unwrap();
    let snapshot = Timestamp::from_civil(2011, 3, 3, 1, 0, 0).unwrap();
    let lines = vec![line("1", "a", "P", late, 1.0, 2.0)];
    let cal = RfmParams::new().snapshot(snapshot).fit(&lines[..]).unwrap();
    let el = RfmParams::new().snapshot(snapshot).recency(RecencyDays::Elapsed).fit(&lines[..]).unwrap();
    assert_eq!((cal.recency[0], el.recency[0]), (2.0, 1.0)); // 26 hours: 2 calendar days, 1 whole day
    let f = CustomerFeaturesParams::new().snapshot(snapshot).recency(RecencyDays::Elapsed).fit(&lines[..]).unwrap();
    assert_eq!(f.column("recency").unwrap()[0], 1.0);
}

#[test]
fn far_future_dates_and_huge_panels_are_typed_errors() {
    // Issue 13: a sale dated 9999-12-31 made the daily panel allocate 91 GB,
    // and Timestamp(i64::MAX) looped until memory ran out.
    for t in [Timestamp(253_402_214_400), Timestamp(i64::MAX), Timestamp(i64::MIN)] {
        let lines = vec![line("1", "a", "P", day(1), 1.0, 2.0), line("2", "a", "P", t, 1.0, 2.0)];
        assert!(matches!(DemandParams::new().build(&lines, None), Err(FeaturesError::DateOutOfRange { line: 7, .. })));
        assert!(matches!(RfmParams::new().fit(&lines[..]), Err(FeaturesError::DateOutOfRange { .. })));
        assert!(matches!(CustomerFeaturesParams::new().fit(&lines[..]), Err(FeaturesError::DateOutOfRange { .. })));
    }
    // Inside the range, the cell bound applies before allocation.
    let lines = vec![line("1", "a", "P", Timestamp::MIN, 1.0, 2.0), line("2", "a", "Q", Timestamp::MAX, 1.0, 2.0)];
    let p = DemandParams::new().max_cells(50_000);
    assert!(matches!(p.build(&lines, None), Err(FeaturesError::PanelTooLarge { .. })));
    assert!(DemandParams::new().range(Timestamp(0), Timestamp(i64::MAX)).build(&lines, None).is_err());
}

#[test]
fn amounts_near_the_f64_range_are_typed_errors() {
    // Issue 13: products near the f64 range gave ∞ monetary and NaN shares.
    let lines = vec![line("1", "a", "P", day(1), 1e300, 1e10), line("2", "b", "P", day(2), 1.0, 1.0)];
    assert!(matches!(RfmParams::new().fit(&lines[..]), Err(FeaturesError::BadTransaction { .. })));
    let lines = vec![line("1", "a", "P", day(1), 1.0, 1.7e308), line("2", "a", "Q", day(2), 1.0, 1.7e308)];
    assert!(matches!(RfmParams::new().fit(&lines[..]), Err(FeaturesError::Overflow { .. })));
    assert!(matches!(CustomerFeaturesParams::new().fit(&lines[..]), Err(FeaturesError::Overflow { .. })));
    let same_day = vec![line("1", "a", "P", day(1), 1.0, 1.7e308), line("2", "b", "Q", day(1), 1.0, 1.7e308)];
    assert!(matches!(DemandParams::new().level(shopml_features::Level::Total).build(&same_day, None), Err(FeaturesError::Overflow { .. })));
}

#[test]
fn interaction_errors_name_the_input_row() {
    // Issue 13: the error named the aggregated cell's index.
    let lines = vec![line("1", "x", "P", day(1), 1.0, 1.0), line("2", "a", "P", day(1), 3e38, 1.0), line("3", "a", "P", day(2), 3e38, 1.0)];
    let err = InteractionParams::new().value(InteractionValue::Quantity).fit(&lines[..]).unwrap_err();
    match err {
        FeaturesError::Core(shopml_core::Error::NonFinite { row: 2, .. }) => {}
        other => panic!("expected input row 2, got {other:?}"),
    }
}

#[test]
fn demand_panel_round_trips_its_nan_prices() {
    let lines = vec![line("1", "a", "P", day(1), 1.0, 2.0), line("2", "a", "P", day(3), 1.0, 4.0)];
    let panel = DemandParams::new().build(&lines, None).unwrap();
    assert!(panel.avg_price[[0, 1]].is_nan());
    let back: shopml_features::DemandPanel = serde_json::from_str(&serde_json::to_string(&panel).unwrap()).unwrap();
    assert!(back.avg_price[[0, 1]].is_nan() && back.quantity == panel.quantity && back.avg_price[[0, 2]] == 4.0);
}

fn hostile_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e3..1e3f64,
        prop::num::f64::NORMAL,
        Just(0.0),
        Just(f64::MAX),
        Just(f64::MIN),
        Just(f64::MIN_POSITIVE),
        Just(1e-320),
        Just(f64::NAN),
        Just(f64::INFINITY),
    ]
}

fn matrix() -> impl Strategy<Value = Array2<f64>> {
    (0usize..5, 0usize..4)
        .prop_flat_map(|(r, c)| prop::collection::vec(hostile_f64(), r * c).prop_map(move |v| Array2::from_shape_vec((r, c), v).unwrap()))
}

fn all_finite(a: &Array2<f64>) -> bool {
    a.iter().all(|v| v.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn numeric_preprocessors_never_panic_and_never_return_non_finite(x in matrix(), y in matrix()) {
        macro_rules! check {
            ($params:expr) => {
                if let Ok(m) = $params.fit(&x) {
                    for input in [&x, &y] {
                        if let Ok(z) = m.transform(input) {
                            prop_assert!(all_finite(&z), "{:?}", z);
                        }
                    }
                }
            };
        }
        check!(StandardScalerParams::new());
        check!(MinMaxScalerParams::new());
        check!(MinMaxScalerParams::new().feature_range(-1e308, 1e308));
        check!(RobustScalerParams::new());
        check!(LogTransformParams::new());
        check!(BoxCoxParams::new());
        if let Ok(m) = StandardScalerParams::new().fit(&x)
            && let Ok(z) = m.inverse_transform(&y)
        {
            prop_assert!(all_finite(&z));
        }
    }

    #[test]
    fn encoders_never_panic(cells in prop::collection::vec("[ab]{0,2}", 0..12), cols in 1usize..3, drop in any::<bool>()) {
        let rows = cells.len() / cols;
        let x = Array2::from_shape_vec((rows, cols), cells[..rows * cols].to_vec()).unwrap();
        if let Ok(enc) = OneHotParams::new().drop_first(drop).min_frequency(2).fit(&x) {
            let z = enc.transform(&x).unwrap();
            prop_assert_eq!(z.ncols(), enc.feature_names().len());
            let back: OneHotEncoder = serde_json::from_str(&serde_json::to_string(&enc).unwrap()).unwrap();
            prop_assert_eq!(back, enc);
        }
        if let Ok(enc) = OrdinalParams::new().fit(&x) {
            prop_assert!(all_finite(&enc.transform(&x).unwrap()));
        }
    }

    #[test]
    fn order_line_features_never_panic_and_stay_finite(
        raw in prop::collection::vec((0u8..3, 0u8..3, prop_oneof![Just(i64::MIN), Just(i64::MAX), -2_300_000_000i64..7_300_000_000, 1_290_000_000i64..1_300_000_000], hostile_f64(), hostile_f64()), 0..12),
        snapshot in prop::option::of(any::<i64>()),
    ) {
        let lines: Vec<Transaction> = raw.iter().enumerate().map(|(i, &(c, p, t, q, pr))| {
            line(&format!("{}", i / 2), &format!("c{c}"), &format!("p{p}"), Timestamp(t), q, pr)
        }).collect();
        let mut rfm = RfmParams::new();
        let mut feat = CustomerFeaturesParams::new();
        if let Some(s) = snapshot {
            rfm = rfm.snapshot(Timestamp(s));
            feat = feat.snapshot(Timestamp(s));
        }
        if let Ok(r) = rfm.fit(&lines[..]) {
            prop_assert!(r.recency.iter().chain(&r.frequency).chain(&r.monetary).all(|v| v.is_finite()));
        }
        if let Ok(f) = feat.fit(&lines[..]) {
            prop_assert!(all_finite(&f.values));
        }
        if let Ok(panel) = DemandParams::new().build(&lines, None) {
            prop_assert!(all_finite(&panel.quantity) && all_finite(&panel.revenue));
        }
        if let Ok(m) = InteractionParams::new().value(InteractionValue::Quantity).half_life_days(7.0).fit(&lines[..]) {
            prop_assert!(m.matrix.user_items().values().iter().all(|v| v.is_finite()));
        }
        if let Some(s) = snapshot {
            let _ = LabelParams::new(Timestamp(s), 30).build(&lines, &Target::AnyPurchase, None);
            let _ = LabelParams::new(Timestamp(s), u32::MAX).temporal_split(&lines, &Target::Churn, None);
        }
    }
}
