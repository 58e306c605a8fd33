//! k-anonymity and l-diversity on hand-built tables, with the violating
//! groups and the effect of the suggested fixes worked out by hand.

use shopml_privacy::{
    Generalisation, PrivacyError, Suggestion, Table, check_k_anonymity, check_l_diversity, min_group_size, plan_k_anonymity,
    suppress_small_groups,
};

fn table(rows: &[[&str; 4]]) -> Table {
    Table::new(
        ["postcode", "age", "country", "segment"].iter().map(|s| s.to_string()).collect(),
        rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
    )
    .unwrap()
}

fn customers() -> Table {
    table(&[
        ["SW1A 1AA", "34", "UK", "loyal"],
        ["SW1A 2BB", "36", "UK", "loyal"],
        ["SW1A 1AA", "34", "UK", "lapsed"],
        ["M1 1AE", "52", "UK", "new"],
        ["M1 2XY", "57", "UK", "new"],
        ["M1 1AE", "52", "UK", "loyal"],
        ["75001", "41", "FR", "new"],
    ])
}

#[test]
fn violating_groups_of_a_hand_built_table() {
    let t = customers();
    let r = check_k_anonymity(&t, &["postcode", "age"], 2, &[]).unwrap();
    // Groups: (SW1A 1AA,34)×2 (rows 0,2), (SW1A 2BB,36)×1, (M1 1AE,52)×2 (rows 3,5), (M1 2XY,57)×1, (75001,41)×1.
    assert_eq!(r.n_rows, 7);
    assert_eq!(r.n_groups, 5);
    assert_eq!(r.min_group_size, Some(1));
    let mut v: Vec<(Vec<&str>, usize, Vec<usize>)> =
        r.violating.iter().map(|g| (g.key.iter().map(String::as_str).collect(), g.size, g.rows.clone())).collect();
    v.sort();
    assert_eq!(v, vec![(vec!["75001", "41"], 1, vec![6]), (vec!["M1 2XY", "57"], 1, vec![4]), (vec!["SW1A 2BB", "36"], 1, vec![1]),]);
    assert_eq!(r.rows_in_violating_groups(), 3);
    assert!(!r.is_k_anonymous());
    assert_eq!(r.suggestions.last(), Some(&Suggestion::Suppress { rows: 3 }));

    // k = 1 always holds; k = 3 fails everywhere.
    assert!(check_k_anonymity(&t, &["postcode", "age"], 1, &[]).unwrap().is_k_anonymous());
    assert_eq!(check_k_anonymity(&t, &["postcode", "age"], 3, &[]).unwrap().violating.len(), 5);
}

#[test]
fn suggestions_rank_generalisations_by_what_they_fix() {
    let t = customers();
    let hier = [("postcode", Generalisation::postcode()), ("age", Generalisation::age_decades())];
    let r = check_k_anonymity(&t, &["postcode", "age"], 2, &hier).unwrap();
    // Postcode → district: (SW1A,34)×2, (SW1A,36)×1, (M1,52)×2, (M1,57)×1, (750**,41)×1: 3 rows left.
    // Age → decade: (SW1A 1AA,30-39)×2, (SW1A 2BB,30-39)×1, (M1 1AE,50-59)×2, (M1 2XY,50-59)×1, (75001,40-49)×1: 3 rows.
    // Doing both would leave only the French row; each single step leaves 3.
    let first = &r.suggestions[0];
    match first {
        Suggestion::Generalise { rows_to_suppress, min_group_size, .. } => {
            assert_eq!((*rows_to_suppress, *min_group_size), (3, 1));
        }
        s => panic!("expected a generalisation first, got {s:?}"),
    }
    // After generalising both columns by hand, only the lone French row violates.
    let coarse: Vec<Vec<String>> = t
        .rows()
        .iter()
        .map(|r| {
            vec![
                Generalisation::postcode().apply(&r[0]).unwrap(),
                Generalisation::age_decades().apply(&r[1]).unwrap(),
                r[2].clone(),
                r[3].clone(),
            ]
        })
        .collect();
    let t2 = Table::new(t.columns().to_vec(), coarse).unwrap();
    let r2 = check_k_anonymity(&t2, &["postcode", "age"], 2, &[]).unwrap();
    assert_eq!(r2.violating.len(), 1);
    assert_eq!(r2.violating[0].key, vec!["750**".to_string(), "40-49".to_string()]);
    // Without hierarchies each column is tried fully suppressed: dropping postcode leaves the age
    // groups 34×2, 36, 52×2, 57, 41 → still 3 rows to suppress.
    let sup = check_k_anonymity(&t, &["postcode", "age"], 2, &[]).unwrap();
    assert!(sup.suggestions.iter().any(|s| matches!(s, Suggestion::Generalise { column, generalisation: Generalisation::Suppress, rows_to_suppress: 3, .. } if column == "postcode")));
}

#[test]
fn l_diversity_finds_homogeneous_groups() {
    let t = customers();
    // Quasi-identifier: country. UK rows have segments loyal, loyal, lapsed, new, new, loyal → 3 distinct;
    // FR has one row → 1 distinct.
    let r = check_l_diversity(&t, &["country"], "segment", 2).unwrap();
    assert_eq!(r.min_distinct, Some(1));
    assert_eq!(r.violating.len(), 1);
    assert_eq!(r.violating[0].key, vec!["FR".to_string()]);
    // Entropy of the UK group: p = (3/6, 2/6, 1/6).
    let h: f64 = [0.5f64, 1.0 / 3.0, 1.0 / 6.0].iter().map(|p| -p * p.ln()).sum();
    let r3 = check_l_diversity(&t, &["postcode", "age"], "segment", 2).unwrap();
    // (SW1A 1AA,34): loyal+lapsed → 2; (M1 1AE,52): new+loyal → 2; the three singletons → 1.
    assert_eq!(r3.violating.len(), 3);
    let uk = check_l_diversity(&t, &["country"], "segment", 3).unwrap();
    assert_eq!(uk.violating.len(), 1);
    assert!((uk.min_entropy_l.unwrap() - 1.0).abs() < 1e-12); // the FR singleton: exp(0) = 1
    let only_uk = Table::new(t.columns().to_vec(), t.rows()[..6].to_vec()).unwrap();
    let u = check_l_diversity(&only_uk, &["country"], "segment", 3).unwrap();
    assert!(u.is_l_diverse());
    assert!((u.min_entropy_l.unwrap() - h.exp()).abs() < 1e-12);
}

#[test]
fn errors_name_the_problem() {
    let t = customers();
    match check_k_anonymity(&t, &["postcode", "zip"], 2, &[]) {
        Err(PrivacyError::MissingColumn { column, .. }) => assert_eq!(column, "zip"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(check_l_diversity(&t, &["country"], "diagnosis", 2), Err(PrivacyError::MissingColumn { .. })));
    assert!(check_k_anonymity(&t, &["postcode"], 0, &[]).is_err());
    assert!(check_k_anonymity(&t, &[], 2, &[]).is_err());
    assert!(matches!(
        Table::new(vec!["a".into(), "b".into()], vec![vec!["1".into()]]),
        Err(PrivacyError::RaggedRow { row: 0, expected: 2, found: 1 })
    ));
    let empty = Table::new(vec!["a".into()], vec![]).unwrap();
    let r = check_k_anonymity(&empty, &["a"], 5, &[]).unwrap();
    assert_eq!((r.min_group_size, r.is_k_anonymous()), (None, true));
}

#[test]
fn report_tables_never_show_a_group_below_k() {
    // A segment table as shopml-segment's profiles give it: (segment, customers, mean spend).
    let segments = vec![(0, 812, 91.0), (1, 4, 2500.0), (2, 1320, 35.5), (3, 2, 18_000.0), (4, 9, 640.0)];
    for k in [1, 3, 5, 10] {
        let s = suppress_small_groups(segments.clone(), k, |r| r.1);
        assert!(s.kept.iter().all(|r| r.1 >= k));
        assert_eq!(s.kept.len() + s.n_groups_suppressed, segments.len());
        if let Some(other) = s.other {
            assert!(other >= k);
        }
        assert!(min_group_size(s.kept.iter().map(|r| r.1)).unwrap() >= k);
    }
    let s = suppress_small_groups(segments.clone(), 5, |r| r.1);
    assert_eq!(s.kept.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0, 2, 4]);
    // Two small groups of 4 and 2 members: 6 ≥ 5, so an "other" line may show them pooled.
    assert_eq!(s.other, Some(6));
    // With k = 10 the suppressed 4 + 2 + 9 = 15 reach 10; a single small group never shows.
    assert_eq!(suppress_small_groups(segments, 10, |r| r.1).other, Some(15));
    assert_eq!(suppress_small_groups(vec![(0, 50), (1, 3)], 5, |r| r.1).other, None);
    assert_eq!(min_group_size(Vec::<usize>::new()), None);
}

#[test]
fn greedy_plan_reaches_k() {
    let t = customers();
    let hier = [("postcode", Generalisation::postcode()), ("age", Generalisation::age_decades())];
    // Allow one suppressed row: postcode → district and age → decade leave only the French row
    // (worked out in `suggestions_rank_generalisations_by_what_they_fix`).
    let p = plan_k_anonymity(&t, &["postcode", "age"], 2, &hier, 1).unwrap();
    let cols: Vec<&str> = p.steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(p.steps.len(), 2, "{:?}", p.steps);
    assert!(cols.contains(&"postcode") && cols.contains(&"age"));
    assert_eq!(p.rows_to_suppress, 1);
    assert_eq!(p.table.rows().len(), 6);
    // Left: (SW1A, 30-39) rows 0–2 and (M1, 50-59) rows 3–5.
    assert_eq!(p.min_group_size, Some(3));
    let check = check_k_anonymity(&p.table, &["postcode", "age"], 2, &[]).unwrap();
    assert!(check.is_k_anonymous());
    // No suppression allowed: something must be starred out as well.
    let p0 = plan_k_anonymity(&t, &["postcode", "age"], 2, &hier, 0).unwrap();
    assert_eq!(p0.rows_to_suppress, 0);
    assert_eq!(p0.table.rows().len(), 7);
    assert!(p0.steps.iter().any(|s| s.1 == Generalisation::Suppress));
    assert!(check_k_anonymity(&p0.table, &["postcode", "age"], 2, &[]).unwrap().is_k_anonymous());
    // Nothing to do when already k-anonymous.
    assert!(plan_k_anonymity(&t, &["country"], 1, &[], 0).unwrap().steps.is_empty());
}
