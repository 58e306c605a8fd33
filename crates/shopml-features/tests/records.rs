//! RFM, customer features and labels on hand-made order lines, checked
//! against values worked out by hand.

use shopml_clean::Transaction;
use shopml_core::{AsCoreError, Error, Timestamp, conformance};
use shopml_features::{
    Categories, CustomerFeaturesParams, FeaturesError, LabelParams, ReturnsInSpend, RfmParams, Segment, Target, TieRule, labels::split_at,
};

fn ts(day: u32, hour: u32) -> Timestamp {
    Timestamp::from_civil(2011, 3, day, hour, 0, 0).unwrap()
}

fn line(invoice: &str, customer: Option<&str>, product: &str, day: u32, hour: u32, qty: f64, price: f64) -> Transaction {
    Transaction {
        invoice: invoice.into(),
        product: product.into(),
        description: None,
        quantity: qty,
        timestamp: ts(day, hour),
        unit_price: price,
        customer: customer.map(str::to_string),
        country: None,
        category: None,
        attributes: Default::default(),
        line: 2,
    }
}

/// Customer a: orders on day 1 (two lines), day 4, day 10; a return on day 5.
/// Customer b: one order on day 8. Customer c: orders on day 2 and 3.
/// A guest order and a line after the snapshot are noise.
fn lines() -> Vec<Transaction> {
    vec![
        line("1", Some("a"), "P1", 1, 10, 2.0, 5.0),   // 10
        line("1", Some("a"), "P2", 1, 10, 1.0, 20.0),  // 20
        line("2", Some("c"), "P1", 2, 9, 1.0, 5.0),    // 5
        line("3", Some("c"), "P3", 3, 21, 4.0, 1.0),   // 4
        line("4", Some("a"), "P1", 4, 10, 1.0, 5.0),   // 5
        line("C5", Some("a"), "P2", 5, 8, -1.0, 20.0), // -20
        line("6", None, "P1", 6, 12, 50.0, 5.0),
        line("7", Some("b"), "P3", 8, 16, 10.0, 1.0), // 10
        line("8", Some("a"), "P3", 10, 22, 3.0, 1.0), // 3
        line("9", Some("b"), "P1", 20, 10, 1.0, 5.0), // after the snapshot below
    ]
}

#[test]
fn rfm_by_hand() {
    let snapshot = ts(12, 0);
    let rfm = RfmParams::new().snapshot(snapshot).compute(&lines()).unwrap();
    assert_eq!(rfm.customers.ids(), &["a".to_string(), "c".into(), "b".into()]);
    let (a, b, c) = (0, 2, 1);
    assert_eq!([rfm.recency[a], rfm.recency[b], rfm.recency[c]], [2.0, 4.0, 9.0]);
    assert_eq!([rfm.frequency[a], rfm.frequency[b], rfm.frequency[c]], [3.0, 1.0, 2.0]);
    assert_eq!([rfm.monetary[a], rfm.monetary[b], rfm.monetary[c]], [18.0, 10.0, 9.0]);
    let gross = RfmParams::new().snapshot(snapshot).returns(ReturnsInSpend::Exclude).compute(&lines()).unwrap();
    assert_eq!(gross.monetary[a], 38.0);
    // n = 3: scores are 1 + floor(5 · (customers strictly worse) / 3) = 1, 2, 4.
    assert_eq!([rfm.r_score[a], rfm.r_score[b], rfm.r_score[c]], [4, 2, 1]);
    assert_eq!([rfm.f_score[a], rfm.f_score[b], rfm.f_score[c]], [4, 1, 2]);
    assert_eq!([rfm.m_score[a], rfm.m_score[b], rfm.m_score[c]], [4, 2, 1]);
    assert_eq!(rfm.segment[a], Segment::LoyalCustomers);
    assert_eq!(rfm.segment[b], Segment::Hibernating);
    assert_eq!(rfm.cell(a).as_deref(), Some("444"));

    // Default snapshot: midnight after the last purchase day (day 20), so b's recency is 1.
    let all = RfmParams::new().compute(&lines()).unwrap();
    assert_eq!(all.snapshot, ts(21, 0));
    assert_eq!(all.recency[all.customers.index("b").unwrap()], 1.0);
}

#[test]
fn tie_rules() {
    use shopml_features::rfm::quintile_scores;
    let ids: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
    let v = [1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0];
    // Shared: ties take the bin of their lowest position: 1 + floor(5 p / 10).
    assert_eq!(quintile_scores(&v, &ids, TieRule::Shared), vec![1, 1, 1, 1, 3, 3, 3, 4, 5, 5]);
    assert_eq!(quintile_scores(&v, &ids, TieRule::ById), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Order-independent: permuting input permutes output.
    let rev: Vec<f64> = v.iter().rev().copied().collect();
    let rev_ids: Vec<String> = ids.iter().rev().cloned().collect();
    let mut s = quintile_scores(&rev, &rev_ids, TieRule::ById);
    s.reverse();
    assert_eq!(s, quintile_scores(&v, &ids, TieRule::ById));
    // Every segment cell of the grid is named; spot checks of the corners.
    assert_eq!(Segment::from_scores(5, 5), Segment::Champions);
    assert_eq!(Segment::from_scores(1, 5), Segment::CantLoseThem);
    assert_eq!(Segment::from_scores(1, 1), Segment::Hibernating);
    assert_eq!(Segment::from_scores(5, 1), Segment::NewCustomers);
    assert_eq!(Segment::from_scores(2, 3), Segment::AtRisk);
}

#[test]
fn customer_features_by_hand() {
    let mut cats = Categories::default();
    cats.insert("P1".into(), "candles".into());
    cats.insert("P3".into(), "candles".into());
    let f = CustomerFeaturesParams::new().snapshot(ts(12, 0)).windows_days(vec![3, 10]).compute(&lines(), Some(&cats)).unwrap();
    let a = f.row("a").unwrap();
    let get = |name: &str| a[f.column_index(name).unwrap()];
    assert_eq!(get("recency"), 2.0);
    assert_eq!(get("frequency"), 3.0);
    assert_eq!(get("monetary"), 18.0);
    // Orders at day 1 10:00, day 4 10:00, day 10 22:00: gaps 3 and 6.5 days.
    assert!((get("tenure_days") - 9.5).abs() < 1e-12);
    assert_eq!(get("days_since_first"), 11.0);
    assert!((get("avg_order_value") - 38.0 / 3.0).abs() < 1e-12);
    assert!((get("avg_basket_lines") - 4.0 / 3.0).abs() < 1e-12);
    assert!((get("avg_basket_units") - 7.0 / 3.0).abs() < 1e-12);
    assert!((get("interpurchase_mean_days") - 4.75).abs() < 1e-12);
    assert!((get("interpurchase_std_days") - 1.75).abs() < 1e-12);
    assert!((get("return_rate") - 20.0 / 38.0).abs() < 1e-12);
    assert_eq!(get("distinct_products"), 3.0);
    // P1 and P3 are candles (18), P2 its own category (20).
    assert_eq!(get("distinct_categories"), 2.0);
    assert!((get("top_category_share") - 20.0 / 38.0).abs() < 1e-12);
    // Window from day 9 00:00 (3 days) holds the day-10 order; from day 2 (10 days) two orders.
    assert_eq!((get("orders_last_3d"), get("spend_last_3d")), (1.0, 3.0));
    assert_eq!((get("orders_last_10d"), get("spend_last_10d")), (2.0, 8.0));
    // One order: no gaps.
    let b = f.row("b").unwrap();
    assert_eq!((b[f.column_index("interpurchase_mean_days").unwrap()], b[f.column_index("tenure_days").unwrap()]), (0.0, 0.0));
    assert_eq!(f.names.len(), 14 + 4);
    assert!(f.values.iter().all(|v| v.is_finite()));
}

#[test]
fn features_are_deterministic_and_serialisable() {
    let p = CustomerFeaturesParams::new().snapshot(ts(12, 0));
    let data = lines();
    conformance::check_thread_count_independence(|| p.compute(&data, None).unwrap());
    conformance::check_input_unchanged(&data, |d| {
        p.compute(d, None).unwrap();
    });
    let f = p.compute(&data, None).unwrap();
    let copy: shopml_features::FeatureMatrix = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(copy, f);
    let rfm = RfmParams::new().compute(&data).unwrap();
    let (rfm2, f2) = CustomerFeaturesParams::new().compute_with_rfm(&data, None, TieRule::Shared).unwrap();
    assert_eq!(rfm2, rfm, "the combined entry point gives the same RFM table");
    assert_eq!(f2, CustomerFeaturesParams::new().compute(&data, None).unwrap());
    conformance::check_serde_roundtrip(&rfm, |r| r.monetary.clone());
    conformance::assert_send_sync::<shopml_features::Rfm>();
    conformance::assert_send_sync::<shopml_features::FeatureMatrix>();
}

#[test]
fn bad_input_is_an_error() {
    let mut data = lines();
    data[3].unit_price = f64::NAN;
    data[3].line = 7;
    match RfmParams::new().compute(&data) {
        Err(FeaturesError::BadTransaction { line: 7, field: "unit_price", .. }) => {}
        other => panic!("expected BadTransaction, got {other:?}"),
    }
    let e = RfmParams::new().compute(&[]).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::EmptyInput { .. })));
    let e = RfmParams::new().snapshot(ts(1, 0)).compute(&lines()).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::EmptyInput { .. })));
    let e = CustomerFeaturesParams::new().windows_days(vec![0]).compute(&lines(), None).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "windows_days", .. })));
    let e = LabelParams::new(ts(5, 0), 0).build(&lines(), &Target::Churn, None).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "horizon_days", .. })));
}

#[test]
fn labels_are_leak_free() {
    let data = lines();
    let cutoff = ts(7, 0);
    let t = LabelParams::new(cutoff, 5).build(&data, &Target::Churn, None).unwrap();
    // Customers with a purchase before day 7: a and c (b first buys on day 8).
    assert_eq!(t.features.rows.ids(), &["a".to_string(), "c".into()]);
    // In [day 7, day 12): a buys on day 10, c does not.
    assert_eq!(t.labels.to_vec(), vec![false, true]);
    // Features equal those computed from the lines before the cut-off only.
    let (before, after) = split_at(&data, cutoff);
    assert_eq!(before.len() + after.len(), data.len());
    let direct = CustomerFeaturesParams::new().snapshot(cutoff).compute(&before, None).unwrap();
    assert_eq!(direct, t.features);
    // Changing anything after the cut-off cannot change a feature.
    let mut tampered = data.clone();
    for l in tampered.iter_mut().filter(|l| l.timestamp >= cutoff) {
        l.quantity *= 7.0;
    }
    assert_eq!(LabelParams::new(cutoff, 5).build(&tampered, &Target::Churn, None).unwrap().features, t.features);

    let p3 = LabelParams::new(cutoff, 30).build(&data, &Target::Product("P3".into()), None).unwrap();
    assert_eq!(p3.labels.to_vec(), vec![true, false]);
    let p1 = LabelParams::new(cutoff, 30).build(&data, &Target::Product("P1".into()), None).unwrap();
    assert_eq!(p1.labels.to_vec(), vec![false, false]); // b buys P1 on day 20 but b has no history before day 7
    let mut cats = Categories::default();
    cats.insert("P3".into(), "candles".into());
    let cat = LabelParams::new(cutoff, 30).build(&data, &Target::Category("candles".into()), Some(&cats)).unwrap();
    assert_eq!(cat.labels.to_vec(), vec![true, false]);

    // Issue 12: the cut-off given to `LabelParams::new` was ignored by
    // `temporal_split`; now it is the train cut-off.
    assert!(LabelParams::new(ts(3, 0), 5).temporal_split_at(&data, ts(7, 0), &Target::Churn, None).is_err());
    let p = LabelParams::new(ts(2, 0), 5);
    let (train, test) = p.temporal_split(&data, &Target::Churn, None).unwrap();
    assert_eq!(train.cutoff, ts(2, 0));
    assert_eq!(test.cutoff, ts(7, 0));
    assert_eq!(train.features.rows.ids(), &["a".to_string()]);
    assert_eq!(train.labels.to_vec(), vec![false]); // a buys on day 4, inside [day 2, day 7)
    assert_eq!(test.features, t.features);
}
