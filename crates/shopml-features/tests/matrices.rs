//! Interaction matrices, splits and demand series on hand-made records,
//! checked against values worked out by hand and structural properties.

use shopml_clean::{Event, EventKind, Transaction};
use shopml_core::{AsCoreError, Error, Timestamp};
use shopml_features::demand::{DemandParams, Frequency, Level};
use shopml_features::{Categories, EventWeights, InteractionParams, InteractionValue, ReturnsInSpend, SplitRule, Weighting};

fn ts(month: u32, day: u32) -> Timestamp {
    Timestamp::from_civil(2011, month, day, 12, 0, 0).unwrap()
}

fn line(invoice: &str, customer: Option<&str>, product: &str, month: u32, day: u32, qty: f64, price: f64) -> Transaction {
    Transaction {
        invoice: invoice.into(),
        product: product.into(),
        description: None,
        quantity: qty,
        timestamp: ts(month, day),
        unit_price: price,
        customer: customer.map(str::to_string),
        country: None,
        category: None,
        attributes: Default::default(),
        line: 2,
    }
}

fn orders() -> Vec<Transaction> {
    vec![
        line("1", Some("u1"), "A", 3, 1, 2.0, 1.0),
        line("1", Some("u1"), "A", 3, 1, 3.0, 1.0), // same order, second line
        line("2", Some("u1"), "A", 3, 11, 1.0, 1.0),
        line("2", Some("u1"), "B", 3, 11, 4.0, 2.0),
        line("3", Some("u2"), "B", 3, 21, 1.0, 2.0),
        line("C4", Some("u2"), "B", 3, 22, -1.0, 2.0), // a return: not an interaction
        line("5", None, "C", 3, 21, 9.0, 3.0),         // a guest: not an interaction
        line("6", Some("u2"), "C", 3, 31, 2.0, 3.0),
    ]
}

fn value(p: &InteractionParams, user: &str, item: &str) -> Option<f32> {
    let m = p.from_transactions(&orders()).unwrap();
    m.matrix.get(m.users.index(user).unwrap(), m.items.index(item).unwrap())
}

#[test]
fn values_by_hand() {
    let p = InteractionParams::new();
    assert_eq!(value(&p, "u1", "A"), Some(3.0));
    assert_eq!(value(&p, "u2", "A"), None);
    let m = p.from_transactions(&orders()).unwrap();
    assert_eq!(m.matrix.shape(), (2, 3));
    assert_eq!(m.items.ids(), &["A".to_string(), "B".into(), "C".into()]);
    assert_eq!(value(&p.clone().value(InteractionValue::Quantity), "u1", "A"), Some(6.0));
    assert_eq!(value(&p.clone().value(InteractionValue::DistinctOrders), "u1", "A"), Some(2.0));
    assert_eq!(value(&p.clone().value(InteractionValue::Binary), "u1", "A"), Some(1.0));
    assert_eq!(value(&p.clone().value(InteractionValue::EventWeights(EventWeights::default())), "u1", "A"), Some(15.0));
    // Decay to the latest line (Mar 31): A's lines are 30, 30 and 20 days old; half-life 10 days.
    let d = p.clone().half_life_days(10.0);
    let want = 2.0 * 0.5f64.powi(3) + 0.5f64.powi(2);
    assert!((value(&d, "u1", "A").unwrap() as f64 - want).abs() < 1e-6);
    let d_orders = d.clone().value(InteractionValue::DistinctOrders);
    assert!((value(&d_orders, "u1", "A").unwrap() as f64 - (0.125 + 0.25)).abs() < 1e-6);
    assert!((value(&d.clone().value(InteractionValue::Binary), "u1", "A").unwrap() - 0.25).abs() < 1e-6);
    // `until` drops later lines and measures decay to it.
    let until = InteractionParams::new().until(ts(3, 21)).half_life_days(10.0);
    assert_eq!(until.from_transactions(&orders()).unwrap().users.len(), 1);
    assert!((value(&until, "u1", "B").unwrap() - 0.5).abs() < 1e-6);
    assert!((value(&p.clone().weighting(Weighting::Log1p), "u1", "A").unwrap() as f64 - 4f64.ln()).abs() < 1e-6);
}

#[test]
fn tfidf_and_bm25_by_hand() {
    // Counts: u1 = {A: 3, B: 1}, u2 = {B: 1, C: 1}; 3 items, each user has 2: idf = ln 3 − ln 3 = 0.
    let p = InteractionParams::new().weighting(Weighting::TfIdf);
    assert!(value(&p, "u1", "A").unwrap().abs() < 1e-6);

    // BM25 on a 3-user, 2-item case with non-zero idf: users x (A:2), y (A:1, B:3), z (B:1).
    let mk = |inv: &str, u: &str, item: &str, q: f64| line(inv, Some(u), item, 3, 1, q, 1.0);
    let data = vec![mk("1", "x", "A", 2.0), mk("2", "y", "A", 1.0), mk("2", "y", "B", 3.0), mk("3", "z", "B", 1.0)];
    let (k1, b) = (1.2, 0.75);
    let m =
        InteractionParams::new().value(InteractionValue::Quantity).weighting(Weighting::Bm25 { k1, b }).from_transactions(&data).unwrap();
    // Item lengths: A = 3, B = 4, average 3.5. idf: x, z: ln 2 − ln 2 = 0; y: ln 2 − ln 3.
    let norm_b = (1.0 - b) + b * 4.0 / 3.5;
    let want = 3.0 * (k1 + 1.0) / (k1 * norm_b + 3.0) * (2f64.ln() - 3f64.ln());
    let got = m.matrix.get(m.users.index("y").unwrap(), m.items.index("B").unwrap()).unwrap() as f64;
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    let tf = InteractionParams::new().value(InteractionValue::Quantity).weighting(Weighting::TfIdf).from_transactions(&data).unwrap();
    let got = tf.matrix.get(tf.users.index("y").unwrap(), tf.items.index("A").unwrap()).unwrap() as f64;
    assert!((got - (2f64.ln() - 3f64.ln())).abs() < 1e-6);
}

#[test]
fn events_with_weights() {
    let ev = |user: &str, item: &str, kind: EventKind, session: Option<&str>| Event {
        user: user.into(),
        item: item.into(),
        kind,
        timestamp: ts(4, 1),
        session: session.map(str::to_string),
        price: None,
        line: 2,
    };
    let events = vec![
        ev("v", "A", EventKind::View, Some("s1")),
        ev("v", "A", EventKind::View, Some("s1")),
        ev("v", "A", EventKind::Cart, Some("s1")),
        ev("v", "A", EventKind::Purchase, Some("s2")),
        ev("v", "B", EventKind::Other("wishlist".into()), None),
        ev("w", "B", EventKind::View, None),
        ev("w", "B", EventKind::View, None),
    ];
    let m = InteractionParams::new().value(InteractionValue::EventWeights(EventWeights::default())).from_events(&events).unwrap();
    assert_eq!(m.matrix.get(0, 0), Some(1.0 + 1.0 + 3.0 + 5.0));
    assert_eq!(m.matrix.get(0, 1), Some(0.0));
    let s = InteractionParams::new().value(InteractionValue::DistinctOrders).from_events(&events).unwrap();
    assert_eq!(s.matrix.get(0, 0), Some(2.0)); // sessions s1 and s2
    assert_eq!(s.matrix.get(1, 1), Some(2.0)); // no session: each event counts
}

#[test]
fn splits() {
    // 4 users, each with 5 items bought on days 1..=5 (item k on day k).
    let mut data = Vec::new();
    for u in 0..4 {
        for k in 1..=5u32 {
            data.push(line(&format!("{u}-{k}"), Some(&format!("u{u}")), &format!("i{k}"), 5, k, 1.0, 1.0));
        }
    }
    data.push(line("x", Some("solo"), "i1", 5, 1, 1.0, 1.0));
    let p = InteractionParams::new();
    let full = p.from_transactions(&data).unwrap();
    let s = p.split_transactions(&data, SplitRule::LeaveLastN { n: 2 }).unwrap();
    assert_eq!(s.train.matrix.shape(), s.test.shape());
    assert_eq!(s.train.matrix.nnz() + s.test.nnz(), full.matrix.nnz());
    for u in 0..4 {
        let ui = s.train.users.index(format!("u{u}").as_str()).unwrap();
        let (items, _) = s.test.user(ui).unwrap();
        let names: Vec<&str> = items.iter().map(|&i| s.train.items.ids()[i as usize].as_str()).collect();
        assert_eq!(names, vec!["i4", "i5"], "the two latest items are held out");
    }
    let solo = s.train.users.index("solo").unwrap();
    assert_eq!((s.train.matrix.user(solo).unwrap().0.len(), s.test.user(solo).unwrap().0.len()), (1, 0));

    let h1 = p.split_transactions(&data, SplitRule::Holdout { fraction: 0.4, seed: 7 }).unwrap();
    let h2 = p.split_transactions(&data, SplitRule::Holdout { fraction: 0.4, seed: 7 }).unwrap();
    assert_eq!(h1, h2, "same seed, same split");
    assert_eq!(h1.test.nnz(), 4 * 2, "round(0.4 · 5) = 2 items per user; solo keeps its only item");
    assert_eq!(h1.train.matrix.nnz() + h1.test.nnz(), full.matrix.nnz());
    for (u, i, _) in h1.test.user_items().iter() {
        assert!(h1.train.matrix.get(u, i).is_none(), "a pair is either train or test");
    }
    let differs = (0..20).any(|seed| p.split_transactions(&data, SplitRule::Holdout { fraction: 0.4, seed }).unwrap() != h1);
    assert!(differs, "the seed matters");
    shopml_core::conformance::check_thread_count_independence(|| {
        p.split_transactions(&data, SplitRule::Holdout { fraction: 0.4, seed: 3 }).unwrap()
    });

    // Time split: days 1–3 train; the test keeps days 4–5 of known users and items.
    data.push(line("y", Some("late"), "i9", 5, 5, 1.0, 1.0));
    let t = p.split_transactions(&data, SplitRule::Time { cutoff: Timestamp::from_date(2011, 5, 4).unwrap() }).unwrap();
    assert_eq!(t.train.items.len(), 3);
    assert_eq!(t.train.matrix.nnz(), 4 * 3 + 1);
    assert_eq!(t.test.nnz(), 0, "i4 and i5 are unseen in train");
    assert_eq!(t.dropped, 4 * 2 + 1);

    let e = p.split_transactions(&data, SplitRule::Holdout { fraction: 1.0, seed: 0 }).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "fraction", .. })));
    let e = p.split_transactions(&data, SplitRule::LeaveLastN { n: 0 }).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "n", .. })));
    let e = InteractionParams::new().weighting(Weighting::Bm25 { k1: 1.0, b: 2.0 }).from_transactions(&data).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::InvalidParameter { name: "b", .. })));
    let e = InteractionParams::new().from_transactions(&[]).unwrap_err();
    assert!(matches!(e.as_core(), Some(Error::EmptyInput { .. })));
}

#[test]
fn demand_by_hand() {
    let data = orders();
    let daily = DemandParams::new().build(&data, None).unwrap();
    assert_eq!(daily.periods.len(), 31, "March 1 to 31, zero-filled");
    let a = daily.keys.index("A").unwrap();
    assert_eq!(daily.quantity[[a, 0]], 5.0);
    assert_eq!(daily.quantity[[a, 10]], 1.0);
    assert_eq!(daily.quantity.row(a).sum(), 6.0);
    assert!(daily.avg_price[[a, 1]].is_nan());
    let b = daily.keys.index("B").unwrap();
    assert_eq!(daily.quantity[[b, 21]], -1.0, "the return nets out on its day");
    assert_eq!(daily.revenue[[b, 21]], -2.0);
    assert!(daily.avg_price[[b, 21]].is_nan(), "returns never set a price");
    let c = daily.keys.index("C").unwrap();
    assert_eq!(daily.quantity[[c, 20]], 9.0, "guest sales count for demand");
    let excl = DemandParams::new().returns(ReturnsInSpend::Exclude).build(&data, None).unwrap();
    assert_eq!(excl.quantity.row(excl.keys.index("B").unwrap()).sum(), 5.0);

    // ISO weeks: Mar 1 2011 is a Tuesday, so the first week starts Mon Feb 28; Mar 31 is in the week of Mar 28.
    let weekly = DemandParams::new().frequency(Frequency::Week).level(Level::Total).build(&data, None).unwrap();
    assert_eq!(weekly.periods.first(), Some(&Timestamp::from_date(2011, 2, 28).unwrap()));
    assert_eq!(weekly.periods.len(), 5);
    assert_eq!(weekly.keys.ids(), &["total".to_string()]);
    let total_q: f64 = data.iter().map(|l| l.quantity).sum();
    assert_eq!(weekly.quantity.sum(), total_q);
    let total_r: f64 = data.iter().map(|l| l.value()).sum();
    assert!((weekly.revenue.sum() - total_r).abs() < 1e-12);
    // Week of Feb 28: lines of Mar 1 (A, 5 units at 1.0).
    assert_eq!((weekly.quantity[[0, 0]], weekly.avg_price[[0, 0]]), (5.0, 1.0));
    // Week of Mar 7: A 1 @ 1, B 4 @ 2 → revenue 9 over 5 units.
    assert_eq!(weekly.avg_price[[0, 1]], 9.0 / 5.0);

    let mut cats = Categories::default();
    cats.insert("A".into(), "x".into());
    cats.insert("B".into(), "x".into());
    let monthly = DemandParams::new()
        .frequency(Frequency::Month)
        .level(Level::Category)
        .range(Timestamp::from_date(2011, 2, 1).unwrap(), Timestamp::from_date(2011, 5, 1).unwrap())
        .build(&data, Some(&cats))
        .unwrap();
    assert_eq!(monthly.periods.len(), 3);
    assert_eq!(monthly.keys.ids(), &["x".to_string(), "C".into()]);
    assert_eq!(monthly.quantity.row(0).to_vec(), vec![0.0, 10.0, 0.0]);
    let series = monthly.quantity_series("C").unwrap();
    assert_eq!((series.values(), series.season_length()), (&[0.0, 11.0, 0.0][..], 12));
}
