//! `Interactions` / `Csr` / `IdMap` against a naive reference built with a
//! `BTreeMap`, on random inputs (proptest).

use std::collections::BTreeMap;

use proptest::prelude::*;
use shopml_core::{Csr, Duplicates, Error, IdMap, Interactions, InteractionsBuilder, Triple, top_n};

fn reference(triples: &[Triple], dup: Duplicates) -> BTreeMap<(u32, u32), f32> {
    let mut m = BTreeMap::new();
    for t in triples {
        m.entry((t.user, t.item))
            .and_modify(|v: &mut f32| {
                *v = match dup {
                    Duplicates::Sum => *v + t.value,
                    Duplicates::Max => v.max(t.value),
                    Duplicates::Last | Duplicates::Error => t.value,
                }
            })
            .or_insert(t.value);
    }
    m
}

fn triples_strategy() -> impl Strategy<Value = (usize, usize, Vec<Triple>)> {
    (1usize..12, 1usize..12).prop_flat_map(|(nu, ni)| {
        let t = (0..nu as u32, 0..ni as u32, -5i32..5).prop_map(|(user, item, v)| Triple { user, item, value: v as f32 });
        (Just(nu), Just(ni), proptest::collection::vec(t, 0..80))
    })
}

proptest! {
    #[test]
    fn matches_reference((nu, ni, triples) in triples_strategy(), dup in prop_oneof![Just(Duplicates::Sum), Just(Duplicates::Max), Just(Duplicates::Last)]) {
        let m = Interactions::from_triples(nu, ni, &triples, dup).unwrap();
        let expect = reference(&triples, dup);
        prop_assert_eq!(m.nnz(), expect.len());
        let got: BTreeMap<(u32, u32), f32> = m.triples().map(|t| ((t.user, t.item), t.value)).collect();
        prop_assert_eq!(&got, &expect);
        // Rows strictly increasing, and from_parts accepts what we built.
        let csr = m.user_items();
        let again = Csr::from_parts(nu, ni, csr.indptr().to_vec(), csr.indices().to_vec(), csr.values().to_vec());
        prop_assert!(again.is_ok());
        // The transpose holds the same entries with roles swapped, and twice is identity.
        let t = m.item_users();
        for ((u, i), v) in &expect {
            prop_assert_eq!(t.get(*i as usize, *u as usize), Some(*v));
        }
        prop_assert_eq!(&t.transpose(), csr);
    }
}

/// Issue 13: the error named the aggregated cell (the user's row of the
/// matrix) instead of the input row that repeated the pair.
#[test]
fn duplicates_error_names_the_input_row() {
    let t = [
        Triple { user: 0, item: 1, value: 1.0 },
        Triple { user: 1, item: 2, value: 1.0 },
        Triple { user: 0, item: 0, value: 1.0 },
        Triple { user: 1, item: 2, value: 3.0 },
    ];
    match Interactions::from_triples(2, 3, &t, Duplicates::Error) {
        Err(Error::InvalidValue { row: 3, what, .. }) => assert!(what.contains("user 1, item 2"), "{what}"),
        other => panic!("expected a duplicate error at input row 3, got {other:?}"),
    }
    // A sum that overflows f32 names the input row whose addition overflowed.
    let big = [
        Triple { user: 1, item: 0, value: 1.0 },
        Triple { user: 0, item: 0, value: f32::MAX },
        Triple { user: 0, item: 0, value: f32::MAX },
    ];
    assert!(matches!(Interactions::from_triples(2, 1, &big, Duplicates::Sum), Err(Error::NonFinite { row: 2, .. })));
}

/// Issue 13: a loaded matrix was trusted; a column index past the width made
/// a recommender panic on first use.
#[test]
fn loading_validates_the_sparse_invariants() {
    let m = Interactions::from_triples(2, 3, &[Triple { user: 0, item: 2, value: 1.0 }], Duplicates::Sum).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    let back: Interactions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.item_users().get(2, 0), Some(1.0));
    for bad in [
        json.replace("\"n_cols\":3", "\"n_cols\":2"),             // column 2 past the width
        json.replace("\"indptr\":[0,1,1]", "\"indptr\":[0,1]"),   // wrong indptr length
        json.replace("\"values\":[1.0]", "\"values\":[1.0,2.0]"), // lengths differ
        json.replace("\"indptr\":[0,1,1]", "\"indptr\":[1,0,1]"), // not monotone
    ] {
        assert_ne!(bad, json, "the edit must apply");
        assert!(serde_json::from_str::<Interactions>(&bad).is_err(), "{bad}");
    }
    // An id map with a repeated id, and maps that do not match the matrix.
    assert!(serde_json::from_str::<shopml_core::IdMap>(r#"{"what":"user","ids":["a","b","a"]}"#).is_err());
    let labelled = format!(r#"{{"matrix":{json},"users":{{"what":"user","ids":["a"]}},"items":{{"what":"item","ids":["x","y","z"]}}}}"#);
    assert!(serde_json::from_str::<shopml_core::LabelledInteractions>(&labelled).is_err());
    assert!(serde_json::from_str::<shopml_core::LabelledInteractions>(&labelled.replace(r#"["a"]"#, r#"["a","b"]"#)).is_ok());
}

/// The transpose behind `item_users()` is computed once and cached, and a
/// push invalidates the cache.
#[test]
fn item_users_is_cached_and_refreshed_by_pushes() {
    let mut m = Interactions::from_triples(2, 2, &[Triple { user: 0, item: 1, value: 1.0 }], Duplicates::Sum).unwrap();
    let first: *const shopml_core::Csr = m.item_users();
    assert!(std::ptr::eq(first, m.item_users()));
    m.push_user(&[0], &[4.0]).unwrap();
    assert_eq!(m.item_users().get(0, 2), Some(4.0));
    m.push_item(&[1], &[2.0]).unwrap();
    assert_eq!(m.item_users().get(2, 1), Some(2.0));
}

#[test]
fn out_of_range_and_non_finite_are_rejected() {
    let bad_user = [Triple { user: 5, item: 0, value: 1.0 }];
    assert!(matches!(
        Interactions::from_triples(2, 2, &bad_user, Duplicates::Sum),
        Err(Error::IndexOutOfRange { what: "user", index: 5, len: 2 })
    ));
    let bad_item = [Triple { user: 0, item: 2, value: 1.0 }];
    assert!(matches!(Interactions::from_triples(2, 2, &bad_item, Duplicates::Sum), Err(Error::IndexOutOfRange { what: "item", .. })));
    let nan = [Triple { user: 0, item: 0, value: 1.0 }, Triple { user: 0, item: 1, value: f32::NAN }];
    assert!(matches!(Interactions::from_triples(2, 2, &nan, Duplicates::Sum), Err(Error::NonFinite { row: 1, .. })));
    let m = Interactions::from_triples(2, 2, &[], Duplicates::Sum).unwrap();
    assert!(matches!(m.user(7), Err(Error::IndexOutOfRange { what: "user", index: 7, len: 2 })));
    assert!(Csr::from_parts(1, 2, vec![0, 2], vec![1, 0], vec![1.0, 1.0]).is_err(), "unsorted columns");
}

#[test]
fn builder_keys_by_external_ids_and_serde_round_trips() {
    let mut b = InteractionsBuilder::new();
    b.push("u1", "apple", 1.0).unwrap();
    b.push("u2", "pear", 2.0).unwrap();
    b.push("u1", "pear", 4.0).unwrap();
    assert!(b.push("u3", "fig", f32::INFINITY).is_err());
    let data = b.build(Duplicates::Sum).unwrap();
    assert_eq!(data.matrix.shape(), (2, 2));
    let (u1, pear) = (data.users.index("u1").unwrap(), data.items.index("pear").unwrap());
    assert_eq!(data.matrix.get(u1, pear), Some(4.0));
    assert!(matches!(data.users.index("nobody"), Err(Error::UnknownId { what: "user", .. })));
    let json = serde_json::to_string(&data).unwrap();
    let back: shopml_core::LabelledInteractions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, data);
    assert_eq!(back.items.kind(), "item");
}

#[test]
fn idmap_is_stable_and_rejects_duplicate_ids_on_load() {
    let mut m: IdMap<u64> = IdMap::named("customer");
    for id in [17850u64, 13047, 17850, 12583] {
        m.insert(id);
    }
    assert_eq!(m.ids(), &[17850, 13047, 12583]);
    assert!(IdMap::from_ids("customer", [1u64, 2, 1]).is_err());
    let back: IdMap<u64> = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
}

proptest! {
    #[test]
    fn top_n_equals_full_sort(scores in proptest::collection::vec(-100i32..100, 0..60), n in 0usize..70) {
        let s: Vec<f32> = scores.iter().map(|&v| v as f32 / 4.0).collect();
        let got = top_n(&s, n);
        let mut all: Vec<(usize, f32)> = s.iter().copied().enumerate().collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let expect: Vec<usize> = all.iter().take(n).map(|x| x.0).collect();
        prop_assert_eq!(got.iter().map(|x| x.item).collect::<Vec<_>>(), expect);
    }
}

proptest! {
    /// Growing a matrix by a user and an item gives the matrix built from all
    /// the triples at once (the new user and item take the next indices).
    #[test]
    fn push_user_and_item_match_a_rebuild(
        (nu, ni, triples) in triples_strategy(),
        new_user in proptest::collection::btree_map(0u32..12, 1i32..5, 0..6),
        new_item in proptest::collection::btree_map(0u32..13, 1i32..5, 0..6),
    ) {
        let mut m = Interactions::from_triples(nu, ni, &triples, Duplicates::Sum).unwrap();
        let mut all = triples.clone();
        // Items of the new user: keep those in range; pushed in reverse order (any order is accepted).
        let ui: Vec<(u32, f32)> = new_user.iter().filter(|(i, _)| (**i as usize) < ni).map(|(&i, &v)| (i, v as f32)).rev().collect();
        let u = m.push_user(&ui.iter().map(|p| p.0).collect::<Vec<_>>(), &ui.iter().map(|p| p.1).collect::<Vec<_>>()).unwrap();
        prop_assert_eq!(u, nu);
        all.extend(ui.iter().map(|&(item, value)| Triple { user: u as u32, item, value }));
        // Users of the new item (the new user included when in range).
        let iu: Vec<(u32, f32)> = new_item.iter().filter(|(w, _)| (**w as usize) <= nu).map(|(&w, &v)| (w, v as f32)).collect();
        let i = m.push_item(&iu.iter().map(|p| p.0).collect::<Vec<_>>(), &iu.iter().map(|p| p.1).collect::<Vec<_>>()).unwrap();
        prop_assert_eq!(i, ni);
        all.extend(iu.iter().map(|&(user, value)| Triple { user, item: i as u32, value }));
        let expect = Interactions::from_triples(nu + 1, ni + 1, &all, Duplicates::Sum).unwrap();
        prop_assert_eq!(m.user_items(), expect.user_items());
    }
}

#[test]
fn push_rejects_bad_entries_and_leaves_the_matrix_unchanged() {
    let mut m = Interactions::from_triples(2, 2, &[Triple { user: 0, item: 1, value: 1.0 }], Duplicates::Sum).unwrap();
    let before = m.user_items().clone();
    assert!(matches!(m.push_user(&[2], &[1.0]), Err(Error::IndexOutOfRange { what: "item", index: 2, len: 2 })));
    assert!(matches!(m.push_user(&[0, 1, 0], &[1.0, 1.0, 1.0]), Err(Error::InvalidValue { row: 2, .. })));
    assert!(matches!(m.push_user(&[0], &[f32::NAN]), Err(Error::NonFinite { row: 0, .. })));
    assert!(matches!(m.push_user(&[0, 1], &[1.0]), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(m.push_item(&[5], &[1.0]), Err(Error::IndexOutOfRange { what: "user", index: 5, len: 2 })));
    assert_eq!(m.user_items(), &before);
}

/// Found by the `json_models` fuzz target (a KnnBaseline's similarity
/// matrix): a middle `indptr` entry past the stored entries, with a valid
/// last entry, indexed out of bounds instead of failing.
#[test]
fn csr_with_an_indptr_past_the_entries_is_an_error() {
    let e = shopml_core::sparse::Csr::from_parts(3, 8, vec![0, 1, 31, 2], vec![4, 1], vec![0.5, 0.5]).unwrap_err();
    assert!(e.to_string().contains("indptr"), "{e}");
    // The same matrix with a consistent indptr loads.
    assert!(shopml_core::sparse::Csr::from_parts(3, 8, vec![0, 1, 1, 2], vec![4, 1], vec![0.5, 0.5]).is_ok());
}
