//! Parity with mlxtend 0.25 (`fpgrowth` + `association_rules`) on UCI Online
//! Retail, read through shopml-clean with the default (Online Retail) rules,
//! one basket per invoice. The fixture is written by
//! `benches/peers/basket_mlxtend_fixture.py`; it holds mlxtend's itemset count
//! and a hash of its canonical (itemset, count) list — so equal hashes mean
//! identical itemsets and counts — plus its rule count, per-metric sums and a
//! sample of rules with every metric.

use shopml_basket::{BasketSpec, Baskets, FrequentItemsets, Metric, MinSupport, RuleParams, Rules};
use shopml_clean::{CleaningRules, Transaction, TransactionSchema, read};
use shopml_core::Fit;

fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

fn codes(b: &Baskets, set: &[u32]) -> Vec<String> {
    let mut v: Vec<String> = set.iter().map(|&i| b.items().id(i as usize).unwrap().clone()).collect();
    v.sort();
    v
}

fn canonical_baskets(b: &Baskets) -> String {
    let mut lines: Vec<String> = b.iter().map(|s| codes(b, s).join(" ")).collect();
    lines.sort();
    lines.into_iter().map(|l| l + "\n").collect()
}

fn canonical_itemsets(b: &Baskets, sets: &FrequentItemsets) -> Vec<String> {
    let mut lines: Vec<String> = sets.iter().map(|(s, c)| format!("{}\t{c}", codes(b, s).join(" "))).collect();
    lines.sort();
    lines
}

fn close(ours: f64, theirs: Option<f64>, tol: f64) -> bool {
    match theirs {
        None => ours == f64::INFINITY,
        Some(t) => (ours - t).abs() <= tol * t.abs().max(1.0),
    }
}

fn metric_key(m: Metric) -> &'static str {
    m.name()
}

fn check_case(txs: &[Transaction], case: &serde_json::Value) {
    let country = case["country"].as_str();
    let s = case["min_support"].as_f64().unwrap();
    let label = format!("{} at support {s}", country.unwrap_or("whole file"));
    let mut spec = BasketSpec::default();
    if let Some(c) = country {
        spec = spec.countries([c]);
    }
    let (baskets, report) = spec.build(txs).unwrap();
    assert!(report.balances());
    assert_eq!(
        baskets.len() as u64,
        case["n_baskets"].as_u64().unwrap(),
        "{label}: basket count (regenerate the fixture if the cleaning defaults changed)"
    );
    assert_eq!(
        fnv1a64(canonical_baskets(&baskets).as_bytes()),
        case["baskets_fnv1a64"].as_str().unwrap(),
        "{label}: baskets differ from the fixture's"
    );

    let sets = FrequentItemsets::params(MinSupport::Fraction(s)).fit(&baskets).unwrap();
    let lines = canonical_itemsets(&baskets, &sets);
    assert_eq!(lines.len() as u64, case["n_itemsets"].as_u64().unwrap(), "{label}: itemset count");
    for l in case["itemsets_sample"].as_array().unwrap() {
        assert!(lines.binary_search(&l.as_str().unwrap().to_string()).is_ok(), "{label}: mlxtend itemset {l} missing");
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(fnv1a64(text.as_bytes()), case["itemsets_fnv1a64"].as_str().unwrap(), "{label}: itemsets or counts differ");

    let rules: Rules = RuleParams::unfiltered().fit(&sets).unwrap();
    assert_eq!(rules.len() as u64, case["n_rules"].as_u64().unwrap(), "{label}: rule count");
    let inf = rules.rules().iter().filter(|r| r.conviction.is_infinite()).count();
    assert_eq!(inf as u64, case["n_infinite_conviction"].as_u64().unwrap(), "{label}: infinite convictions");
    for m in Metric::ALL {
        let sum: f64 = rules.rules().iter().map(|r| r.metric(m)).filter(|v| v.is_finite()).sum();
        let want = case["metric_sums"][metric_key(m)].as_f64().unwrap();
        assert!((sum - want).abs() <= 1e-9 * want.abs().max(1.0), "{label}: sum of {} {sum} vs mlxtend {want}", m.name());
    }
    let by_key: std::collections::HashMap<(Vec<String>, Vec<String>), &shopml_basket::Rule> =
        rules.rules().iter().map(|r| ((codes(&baskets, &r.antecedent), codes(&baskets, &r.consequent)), r)).collect();
    let sample = case["rules_sample"].as_array().unwrap();
    assert!(!sample.is_empty());
    for x in sample {
        let side = |k: &str| x[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>();
        let key = (side("antecedent"), side("consequent"));
        let r = by_key.get(&key).unwrap_or_else(|| panic!("{label}: mlxtend rule {key:?} missing"));
        for m in Metric::ALL {
            let theirs = x[metric_key(m)].as_f64();
            assert!(close(r.metric(m), theirs, 1e-12), "{label}: {key:?} {}: ours {} mlxtend {theirs:?}", m.name(), r.metric(m));
        }
    }
}

#[test]
#[ignore = "needs SHOPML_DATA (UCI Online Retail)"]
fn itemsets_and_rules_match_mlxtend_on_online_retail() {
    let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(include_str!("fixtures/basket_mlxtend.json"))
        .expect("fixture written by benches/peers/basket_mlxtend_fixture.py");
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        check_case(&cleaned.transactions, case);
    }
}

#[test]
#[ignore = "needs SHOPML_DATA (UCI Online Retail)"]
fn completion_on_the_whole_file_beats_popularity() {
    use shopml_basket::BoughtTogether;
    use shopml_basket::eval::{CompletionParams, evaluate_completion};
    let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    let (baskets, _) = BasketSpec::default().build(&cleaned.transactions).unwrap();
    let (train, test) = baskets.split_at(shopml_core::Timestamp::from_date(2011, 10, 1).unwrap()).unwrap();
    let model = BoughtTogether::params(MinSupport::Fraction(0.002)).fit(&train).unwrap();
    let r = evaluate_completion(&model, &train, &test, &CompletionParams::default()).unwrap();
    eprintln!("{}", serde_json::to_string(&r).unwrap());
    let bt = r.model("bought_together").unwrap();
    let pop = r.model("popularity").unwrap();
    assert!(r.queries > 4000, "{r:?}");
    assert!(bt.hit_rate > pop.hit_rate && bt.mrr > pop.mrr, "{r:?}");
}
