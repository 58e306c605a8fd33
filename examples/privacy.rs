//! Privacy on a shop's order export — by default the embedded Online Retail
//! sample (`examples/data/`, CC BY 4.0):
//!
//! 1. pseudonymise customer ids with a keyed HMAC and mask personal data in
//!    descriptions, at read time;
//! 2. check a customer table (country × RFM segment) for k-anonymity and print
//!    a segment-size table that never shows a group smaller than k;
//! 3. release customers per country and the mean spend with differential
//!    privacy under a budget of ε = 1.
//!
//! `cargo run --release --example privacy [-- export.csv.gz [key-file]]`
//!
//! Without a key file a random key is made for the run (pseudonyms then differ
//! between runs); with one, they are stable and joinable across runs.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use shopml::clean::{CleaningRules, Transaction, TransactionSchema, read};
use shopml::features::{CustomerFeaturesParams, TieRule};
use shopml::privacy::dp::{Bounds, DpReport, Noise, count_into_bins};
use shopml::privacy::{
    Budget, ColumnPolicy, DpRng, Key, PiiPolicy, PiiReport, Pseudonymiser, PseudonymiserParams, Table, check_k_anonymity, mask_text,
    suppress_small_groups,
};

/// Countries the shop ships to: a public list fixed before looking at the data.
const COUNTRIES: [&str; 12] = [
    "United Kingdom",
    "Germany",
    "France",
    "EIRE",
    "Spain",
    "Netherlands",
    "Belgium",
    "Switzerland",
    "Portugal",
    "Australia",
    "Norway",
    "Italy",
];

/// The smallest group a shared report may show.
const K: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let key = match args.next() {
        Some(file) => Key::from_file(PathBuf::from(file))?,
        None => Key::from_bytes(rand::random::<[u8; 32]>().to_vec())?,
    };

    // 1. Read, then pseudonymise ids and mask descriptions.
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let ids = Pseudonymiser::new(key, PseudonymiserParams::default().domain("customer"))?;
    let policy = PiiPolicy::new().column("CustomerID", ColumnPolicy::Pseudonymise).column("Description", ColumnPolicy::Mask);
    let mut pii = PiiReport::default();
    let raw_customers: HashSet<String> = cleaned.transactions.iter().filter_map(|t| t.customer.clone()).collect();
    let mut lines: Vec<Transaction> = Vec::with_capacity(cleaned.transactions.len());
    for t in &cleaned.transactions {
        let mut t = t.clone();
        t.customer = policy.apply_opt("CustomerID", t.customer.as_deref(), Some(&ids), &mut pii)?;
        t.description = policy.apply_opt("Description", t.description.as_deref(), Some(&ids), &mut pii)?;
        lines.push(t);
    }
    println!("== 1. read {} ({} lines kept), key fingerprint {}", path.display(), lines.len(), ids.key_fingerprint());
    println!(
        "   pseudonymised {} customer ids ({} distinct); PII masked in descriptions: {:?}",
        pii.pseudonymised.get("CustomerID").copied().unwrap_or(0),
        raw_customers.len(),
        pii.column("Description")
    );
    let example = "Gift wrap pls, call 07700 900123 or mail jo.bloggs@example.co.uk";
    println!("   a free-text note: {example:?}\n     masked:          {:?}", mask_text(example).0);

    // 2. Customer table: RFM on the pseudonymised lines (joins still work).
    let (rfm, _) = CustomerFeaturesParams::default().compute_with_rfm(&lines, None, TieRule::Shared)?;
    assert_eq!(rfm.len(), raw_customers.len(), "pseudonyms keep customers apart");
    let mut country_of: BTreeMap<&str, &str> = BTreeMap::new();
    for t in &lines {
        if let (Some(c), Some(k)) = (t.customer.as_deref(), t.country.as_deref()) {
            country_of.entry(c).or_insert(k);
        }
    }
    let rows: Vec<Vec<String>> = (0..rfm.len())
        .map(|i| {
            let id = rfm.customers.id(i).map(String::as_str).unwrap_or("");
            vec![id.to_string(), country_of.get(id).copied().unwrap_or("Unspecified").to_string(), rfm.segment[i].name().to_string()]
        })
        .collect();
    let table = Table::new(vec!["customer".into(), "country".into(), "segment".into()], rows)?;
    let report = check_k_anonymity(&table, &["country", "segment"], K, &[])?;
    println!("\n== 2. k-anonymity of (country, RFM segment), k = {K}");
    println!(
        "   {} customers in {} groups; smallest group {:?}; {} groups ({} customers) below k",
        report.n_rows,
        report.n_groups,
        report.min_group_size,
        report.violating.len(),
        report.rows_in_violating_groups()
    );
    if let Some(best) = report.suggestions.first() {
        println!("   best single fix: {best:?}");
    }
    // The shared segment table: customers per (country, segment), groups below k suppressed.
    let mut sizes: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in table.rows() {
        *sizes.entry((r[1].clone(), r[2].clone())).or_default() += 1;
    }
    let shown = suppress_small_groups(sizes.into_iter().collect(), K, |r| r.1);
    println!("   segment table for the UK and Germany (groups < {K} suppressed):");
    for ((country, segment), n) in shown.kept.iter().filter(|r| r.0.0 == "United Kingdom" || r.0.0 == "Germany") {
        println!("     {country:<15} {segment:<22} {n:>5}");
    }
    println!("   {} groups suppressed; pooled as 'other': {:?}", shown.n_groups_suppressed, shown.other);
    assert!(shown.kept.iter().all(|r| r.1 >= K));

    // 3. Differentially private release, ε = 1 in total (seeded here so the
    //    example is reproducible; a real release uses DpRng::from_entropy()).
    let mut dp = DpReport::new(Budget::pure(1.0)?, DpRng::seeded(2026));
    let (counts, other) = count_into_bins(table.rows().iter().map(|r| r[1].as_str()), &COUNTRIES);
    let noisy = dp.histogram("customers per country", &counts, Noise::Laplace { epsilon: 0.5 })?;
    println!("\n== 3. differentially private customers per country (ε = 0.5, each customer counted once)");
    println!("   expected absolute error per cell: {:.2}", Noise::Laplace { epsilon: 0.5 }.mean_abs_error(1));
    for ((c, n), z) in COUNTRIES.iter().zip(&counts).zip(&noisy) {
        println!("     {c:<15} true {n:>5}   released {z:>5}");
    }
    println!("   ({other} customers in countries outside the public list are not released)");
    let spend: Vec<f64> = rfm.monetary.clone();
    let mean = dp.mean("mean spend per customer", &spend, Bounds::new(0.0, 5000.0), Noise::Laplace { epsilon: 0.5 })?;
    let true_mean = spend.iter().map(|v| v.clamp(0.0, 5000.0)).sum::<f64>() / spend.len() as f64;
    println!("   mean spend per customer, clamped to [0, 5000]: true {true_mean:.2}, released {mean:.2} (ε = 0.5)");
    match dp.count("one more query", counts[0], Noise::Laplace { epsilon: 0.1 }) {
        Err(e) => println!("   a further query is refused: {e}"),
        Ok(_) => unreachable!("the budget is spent"),
    }
    Ok(())
}
