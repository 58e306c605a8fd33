//! Baskets from transactions: grouping, filters and the line accounting,
//! checked against hand-built expectations.

use shopml_basket::{BasketSpec, Baskets, Grouping, ItemKind};
use shopml_clean::Transaction;
use shopml_core::Timestamp;

fn line(invoice: &str, product: &str, customer: Option<&str>, country: &str, day: u32, hour: u32, qty: f64) -> Transaction {
    Transaction {
        category: None,
        attributes: Default::default(),
        invoice: invoice.into(),
        product: product.into(),
        description: Some(format!("desc {product}")),
        quantity: qty,
        timestamp: Timestamp::from_civil(2011, 3, day, hour, 0, 0).unwrap(),
        unit_price: 1.0,
        customer: customer.map(str::to_string),
        country: Some(country.into()),
        line: 0,
    }
}

fn data() -> Vec<Transaction> {
    vec![
        line("1", "pA", Some("c1"), "UK", 1, 9, 1.0),
        line("1", "pB", Some("c1"), "UK", 1, 9, 2.0),
        line("1", "pA", Some("c1"), "UK", 1, 9, 1.0), // repeated product: still one item
        line("2", "pB", Some("c2"), "France", 1, 10, 1.0),
        line("2", "pC", Some("c2"), "France", 1, 10, 1.0),
        line("3", "POST", Some("c1"), "UK", 2, 9, 1.0),
        line("3", "pC", Some("c1"), "UK", 2, 9, 1.0),
        line("4", "pD", None, "UK", 2, 11, 1.0),
        line("5", "pA", Some("c2"), "France", 5, 8, -1.0),
    ]
}

fn sets(b: &Baskets) -> Vec<(String, Vec<String>)> {
    b.iter()
        .zip(b.basket_ids())
        .map(|(items, id)| (id.clone(), items.iter().map(|&i| b.items().id(i as usize).unwrap().clone()).collect()))
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn per_invoice_with_non_products_and_returns_dropped() {
    let (b, r) = BasketSpec::default().build(&data()).unwrap();
    assert_eq!(
        sets(&b),
        vec![("1".into(), s(&["pA", "pB"])), ("2".into(), s(&["pB", "pC"])), ("3".into(), s(&["pC"])), ("4".into(), s(&["pD"]))]
    );
    assert_eq!((r.lines_read, r.lines_used, r.dropped_non_product, r.dropped_returns), (9, 7, 1, 1));
    assert!(r.balances());
    assert_eq!(b.description(b.items().index("pC").unwrap()), Some("desc pC"));
    assert_eq!(b.times().unwrap()[0], Timestamp::from_civil(2011, 3, 1, 9, 0, 0).unwrap());
}

#[test]
fn per_customer_and_per_customer_day() {
    let (b, r) = BasketSpec::default().grouping(Grouping::Customer).build(&data()).unwrap();
    assert_eq!(sets(&b), vec![("c1".into(), s(&["pA", "pB", "pC"])), ("c2".into(), s(&["pB", "pC"]))]);
    assert_eq!(r.dropped_no_customer, 1);
    assert!(r.balances());
    let (b, _) = BasketSpec::default().grouping(Grouping::CustomerWindow { seconds: 86_400 }).build(&data()).unwrap();
    let day1 = Timestamp::from_date(2011, 3, 1).unwrap().0 / 86_400;
    assert_eq!(
        sets(&b),
        vec![(format!("c1@{day1}"), s(&["pA", "pB"])), (format!("c2@{day1}"), s(&["pB", "pC"])), (format!("c1@{}", day1 + 1), s(&["pC"])),]
    );
    assert!(BasketSpec::default().grouping(Grouping::CustomerWindow { seconds: 0 }).build(&data()).is_err());
}

#[test]
fn country_customer_and_rare_item_filters() {
    let (b, r) = BasketSpec::default().countries(["France"]).build(&data()).unwrap();
    assert_eq!(sets(&b), vec![("2".into(), s(&["pB", "pC"]))]);
    assert_eq!(r.dropped_country, 6); // line 9 (France) is a return, dropped first
    assert!(r.balances());
    let (b, _) = BasketSpec::default().customers(["c1"]).build(&data()).unwrap();
    assert_eq!(sets(&b), vec![("1".into(), s(&["pA", "pB"])), ("3".into(), s(&["pC"]))]);
    // pB and pC occur in two invoices, pA and pD in one.
    let (b, r) = BasketSpec::default().min_item_baskets(2).build(&data()).unwrap();
    assert_eq!(sets(&b), vec![("1".into(), s(&["pB"])), ("2".into(), s(&["pB", "pC"])), ("3".into(), s(&["pC"]))]);
    assert_eq!((r.dropped_rare_items, r.dropped_empty_baskets, r.baskets), (2, 1, 3));
    assert!(BasketSpec::default().countries(["Japan"]).build(&data()).is_err());
}

#[test]
fn split_at_keeps_the_item_map() {
    let (b, _) = BasketSpec::default().build(&data()).unwrap();
    let (before, after) = b.split_at(Timestamp::from_date(2011, 3, 2).unwrap()).unwrap();
    assert_eq!((before.len(), after.len()), (2, 2));
    assert_eq!(before.items(), after.items());
    assert!(b.split_at(Timestamp::from_date(2000, 1, 1).unwrap()).is_err());
}

#[test]
fn categories_as_items_merge_products_of_one_department() {
    // pA and pB are both "kitchen", pC is "garden", pD has no category.
    let category = |p: &str| match p {
        "pA" | "pB" => Some("kitchen".to_string()),
        "pC" => Some(" garden ".to_string()),
        _ => None,
    };
    let lines: Vec<Transaction> = data()
        .into_iter()
        .map(|mut t| {
            t.category = category(&t.product);
            t
        })
        .collect();
    let (b, r) = BasketSpec::default().items(ItemKind::Category).build(&lines).unwrap();
    // Invoice 1 (pA, pB) is one kitchen item; invoice 2 (pB, pC) is kitchen + garden;
    // invoice 3's POST line is a non-product, its pC garden; invoice 4 (pD) has no category.
    assert_eq!(sets(&b), vec![("1".into(), s(&["kitchen"])), ("2".into(), s(&["kitchen", "garden"])), ("3".into(), s(&["garden"]))]);
    assert_eq!((r.lines_used, r.dropped_no_category, r.dropped_non_product, r.dropped_returns), (6, 1, 1, 1));
    assert!(r.balances());
    // Category items carry no product description.
    assert_eq!(b.description(b.items().index("kitchen").unwrap()), None);
    // Items are sorted by index within a basket; "kitchen" was seen first.
    assert_eq!(b.items().index("kitchen").unwrap(), 0);
}
