//! Privacy of the main job on the embedded Online Retail sample itself: a
//! pseudonymised run writes none of the export's customer ids to any output
//! file, and the differentially private segment table stays within the
//! mechanism's stated error of the exact one.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use shopml::privacy::dp::Noise;
use shopml::storefront::{SAMPLE_PATH, StorefrontConfig, run};

/// Every customer id and every product code of the raw export, read with a
/// plain gzip + comma split (the sample has no quoted commas in these columns).
fn raw_ids() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(SAMPLE_PATH).unwrap()).read_to_string(&mut text).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c_product, c_customer) = (col("StockCode"), col("CustomerID"));
    let (mut customers, mut products) = (BTreeSet::new(), BTreeSet::new());
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        // Descriptions may hold commas inside quotes; the id columns are
        // second and second to last, so index from both ends.
        let (p, c) = (f[c_product], f[f.len() - (header.len() - c_customer)]);
        products.insert(p.to_ascii_uppercase());
        if !c.is_empty() {
            customers.insert(c.trim_end_matches(".0").to_string());
        }
    }
    (customers, products)
}

/// Tokens of every file in `dir`: maximal runs of letters, digits and dots,
/// without trailing dots, with a trailing ".0" also stripped.
fn tokens(dir: &Path) -> BTreeMap<String, String> {
    let mut seen = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for t in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
            let t = t.trim_end_matches('.');
            let t = t.strip_suffix(".0").unwrap_or(t);
            seen.entry(t.to_string()).or_insert_with(|| path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    seen
}

/// Rows of the markdown table whose header starts with `| segment`.
fn segment_table(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .skip_while(|l| !l.starts_with("| segment"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect())
        .collect()
}

#[test]
fn the_sample_run_pseudonymised_and_dp_leaks_no_customer_id_and_keeps_the_stated_error() {
    let dir = std::env::temp_dir().join(format!("shopml_storefront_privacy_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (customers, products) = raw_ids();
    // Online Retail's customer ids are 5-digit numbers, as are many product
    // codes: an id that is also a product code may appear legitimately.
    let checked: BTreeSet<&String> = customers.iter().filter(|c| !products.contains(*c)).collect();
    assert!(checked.len() > 500, "{} of {} ids are checkable", checked.len(), customers.len());

    // The plain run prints customer ids (recommendations, CLV and churn tables).
    let plain = run(&StorefrontConfig::sample().out_dir(dir.join("plain")), &mut |_| {}).unwrap();
    let plain_tokens = tokens(&dir.join("plain"));
    let leaked_plain = checked.iter().filter(|c| plain_tokens.contains_key(c.as_str())).count();
    assert!(leaked_plain >= 3, "the check must be able to see an id: {leaked_plain}");

    let key = dir.join("shop.key");
    std::fs::write(&key, b"another secret of at least thirty-two bytes").unwrap();
    let config = StorefrontConfig::sample().out_dir(dir.join("private")).pseudonymise_key_file(&key).dp_epsilon(1.0).dp_seed(11);
    let private = run(&config, &mut |_| {}).unwrap();
    let private_tokens = tokens(&dir.join("private"));
    for c in &checked {
        assert!(!private_tokens.contains_key(c.as_str()), "customer id {c} written to {}", private_tokens[c.as_str()]);
    }

    // The DP table: the same segments, counts within the 1 − 10⁻⁹ radius of
    // the exact ones, and the report states the 95 % radius it computed.
    let exact = segment_table(&std::fs::read_to_string(&plain.report).unwrap());
    let md = std::fs::read_to_string(&private.report).unwrap();
    let noisy = segment_table(&md);
    assert!(!noisy.is_empty() && noisy.len() <= exact.len());
    assert_eq!(noisy[0].len(), 3, "segment, noisy count, share only: {noisy:?}");
    let noise = Noise::Laplace { epsilon: 1.0 };
    let far = noise.error_bound(1, 1.0 - 1e-9).unwrap() as i64;
    for row in &noisy {
        let e = exact.iter().find(|r| r[0] == row[0]).unwrap_or_else(|| panic!("{row:?} not in {exact:?}"));
        let (n, t): (i64, i64) = (row[1].parse().unwrap(), e[1].parse().unwrap());
        assert!((n - t).abs() <= far, "{row:?} vs {e:?}");
    }
    assert!(md.contains(&format!("within ±{} of the true one with probability 95 %", noise.error_bound(1, 0.95).unwrap())));
    assert!(!md.contains("revenue share per segment"), "no revenue column or chart in DP mode");
    let _ = std::fs::remove_dir_all(&dir);
}
