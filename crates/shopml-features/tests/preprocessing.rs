//! Encoders, power transforms and calendar features: hand-computed values,
//! unknown-category handling and the conformance kit.

use ndarray::{Array2, array};
use shopml_core::{AsCoreError, Error, Fit, Timestamp, Transform, conformance};
use shopml_features::FeaturesError;
use shopml_features::preprocessing::{
    BoxCoxParams, CalendarFeature, CalendarFeatures, HandleUnknown, LogTransformParams, OneHotParams, OrdinalParams, OrdinalUnknown,
};

fn s(rows: &[&[&str]]) -> Array2<String> {
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j].to_string())
}

#[test]
fn one_hot_unknowns_and_rare_groups() {
    let x = s(&[&["a", "x"], &["b", "x"], &["a", "y"], &["c", "x"], &["a", "x"]]);
    let strict = OneHotParams::new().fit(&x).unwrap();
    assert_eq!(strict.feature_names(), vec!["x0_a", "x0_b", "x0_c", "x1_x", "x1_y"]);
    match strict.transform(&s(&[&["a", "x"], &["d", "x"]])) {
        Err(FeaturesError::UnknownCategory { column: 0, row: 1, value }) => assert_eq!(value, "d"),
        other => panic!("expected UnknownCategory, got {other:?}"),
    }
    // Categories seen fewer than 2 times (b, c; y) share an "infrequent" column.
    let rare = OneHotParams::new().min_frequency(2).handle_unknown(HandleUnknown::InfrequentIfExist).fit(&x).unwrap();
    assert_eq!(rare.feature_names(), vec!["x0_a", "x0_infrequent", "x1_x", "x1_infrequent"]);
    let out = rare.transform(&s(&[&["b", "y"], &["zzz", "x"], &["a", "x"]])).unwrap();
    assert_eq!(out, array![[0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]]);
    let ignore = OneHotParams::new().min_frequency(2).handle_unknown(HandleUnknown::Ignore).fit(&x).unwrap();
    assert_eq!(ignore.transform(&s(&[&["zzz", "x"]])).unwrap(), array![[0.0, 0.0, 1.0, 0.0]]);

    conformance::check_serde_roundtrip(&rare, |m| m.transform(&x).unwrap());
    conformance::assert_send_sync::<shopml_features::preprocessing::OneHotEncoder>();
    let e = rare.transform(&s(&[&["a"]])).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::ShapeMismatch { .. })));
    let e = OneHotParams::new().fit(&Array2::<String>::from_elem((0, 2), String::new())).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::EmptyInput { .. })));
}

#[test]
fn ordinal_codes() {
    let x = s(&[&["b", "lo"], &["a", "hi"], &["c", "lo"]]);
    let enc = OrdinalParams::new().fit(&x).unwrap();
    assert_eq!(enc.transform(&x).unwrap(), array![[1.0, 1.0], [0.0, 0.0], [2.0, 1.0]]);
    assert!(matches!(enc.transform(&s(&[&["q", "lo"]])), Err(FeaturesError::UnknownCategory { column: 0, row: 0, .. })));
    let lenient = OrdinalParams::new().unknown(OrdinalUnknown::Value(-1.0)).fit(&x).unwrap();
    assert_eq!(lenient.transform(&s(&[&["q", "hi"]])).unwrap(), array![[-1.0, 0.0]]);
    let ordered =
        OrdinalParams::new().order(vec![vec!["c".into(), "b".into(), "a".into()], vec!["lo".into(), "hi".into()]]).fit(&x).unwrap();
    assert_eq!(ordered.transform(&x).unwrap(), array![[1.0, 0.0], [2.0, 1.0], [0.0, 0.0]]);
    conformance::check_serde_roundtrip(&ordered, |m| m.transform(&x).unwrap());
    let e = OrdinalParams::new().unknown(OrdinalUnknown::Value(f64::NAN)).fit(&x).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "unknown", .. })));
}

#[test]
fn log_and_box_cox() {
    let x = array![[0.0, 1.0], [3.0, 4.0], [7.0, 9.0]];
    let log = LogTransformParams::new().fit(&x).unwrap();
    let y = log.transform(&x).unwrap();
    assert!((y[[1, 0]] - 4f64.ln()).abs() < 1e-15);
    let back = log.inverse_transform(&y).unwrap();
    assert!(back.iter().zip(x.iter()).all(|(a, b)| (a - b).abs() < 1e-12));
    conformance::check_rejects_non_finite(&x, |x| LogTransformParams::new().fit(x));
    conformance::check_rejects_empty(2, |x| LogTransformParams::new().fit(x));
    conformance::check_rejects_wrong_width(2, |x| log.transform(x));
    conformance::check_serde_roundtrip(&log, |m| m.transform(&x).unwrap());
    match LogTransformParams::new().offset(0.0).fit(&x) {
        Err(FeaturesError::Domain { row: 0, column: 0, .. }) => {}
        other => panic!("expected a domain error, got {other:?}"),
    }

    // Fixed λ = 0.5: (√x − 1) / 0.5.
    let pos = &x + 1.0;
    let half = BoxCoxParams::new().lambda(0.5).fit(&pos).unwrap();
    let z = half.transform(&pos).unwrap();
    assert!((z[[2, 1]] - (10f64.sqrt() - 1.0) / 0.5).abs() < 1e-12);
    let back = half.inverse_transform(&z).unwrap();
    assert!(back.iter().zip(pos.iter()).all(|(a, b)| (a - b).abs() < 1e-12));
    // The fitted λ maximises the profile likelihood: no better value on a grid.
    let data: Vec<f64> = (1..200).map(|i| 1.0 + (i as f64 * 0.37).sin().abs() * i as f64).collect();
    let col = Array2::from_shape_vec((data.len(), 1), data.clone()).unwrap();
    let fitted = BoxCoxParams::new().fit(&col).unwrap();
    let best = shopml_features::preprocessing::boxcox_llf(&data, fitted.lambdas[0]);
    for k in -50..=50 {
        let l = k as f64 / 10.0;
        assert!(shopml_features::preprocessing::boxcox_llf(&data, l) <= best + 1e-9, "λ = {l} beats the fit");
    }
    conformance::check_rejects_non_finite(&pos, |x| BoxCoxParams::new().fit(x));
    conformance::check_rejects_empty(2, |x| BoxCoxParams::new().fit(x));
    conformance::check_rejects_wrong_width(2, |x| fitted_wide(&pos).transform(x));
    conformance::check_serde_roundtrip(&fitted, |m| m.transform(&col).unwrap());
}

fn fitted_wide(x: &Array2<f64>) -> shopml_features::preprocessing::BoxCox {
    BoxCoxParams::new().fit(x).unwrap()
}

#[test]
fn calendar_by_hand() {
    // 2010-12-01 08:26 was a Wednesday in ISO week 48; 2011-01-02 a Sunday in ISO week 52 of 2010.
    let t = [Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap(), Timestamp::from_civil(2011, 1, 2, 23, 0, 0).unwrap()];
    let cal = CalendarFeatures::new();
    let out = cal.transform(&t[..]).unwrap();
    assert_eq!(out, array![[2.0, 12.0, 48.0, 8.0, 0.0], [6.0, 1.0, 52.0, 23.0, 1.0]]);
    let cyc = CalendarFeatures::new()
        .features(vec![CalendarFeature::Month, CalendarFeature::IsWeekend, CalendarFeature::DayOfMonth])
        .cyclical(true);
    assert_eq!(cyc.feature_names(), vec!["month_sin", "month_cos", "is_weekend", "day_of_month_sin", "day_of_month_cos"]);
    let out = cyc.transform(&t[..]).unwrap();
    // December: angle 2π · 12/12 → (0, 1).
    assert!(out[[0, 0]].abs() < 1e-12 && (out[[0, 1]] - 1.0).abs() < 1e-12);
    assert!((out[[1, 0]] - (std::f64::consts::TAU / 12.0).sin()).abs() < 1e-12);
    assert_eq!(out[[1, 2]], 1.0);
    let e = CalendarFeatures::new().features(vec![]).transform(&t[..]).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "features", .. })));
}
