//! Real-data check (needs `SHOPML_DATA`): the committed RFM fixture is
//! recomputed here in Rust from the raw Online Retail export, independently
//! of the pandas code in benches/peers/segment_kmeans.py.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};

use shopml_core::Timestamp;

/// Splits one CSV line, honouring double quotes.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn parse_ts(s: &str) -> Timestamp {
    // "2010-12-01 08:26:00"
    let n = |a: usize, b: usize| s[a..b].parse::<u32>().unwrap();
    Timestamp::from_civil(s[0..4].parse().unwrap(), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)).unwrap()
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn rfm_fixture_matches_raw_online_retail() {
    let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
    let reader = BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()));
    struct Acc {
        last: i64,
        invoices: HashSet<String>,
        money: f64,
    }
    let mut by: HashMap<String, Acc> = HashMap::new();
    let mut max_ts = i64::MIN;
    for line in reader.lines().skip(1) {
        let f = fields(&line.unwrap());
        let (invoice, qty, date, price, customer) = (&f[0], &f[3], &f[4], &f[5], &f[6]);
        if customer.is_empty() || invoice.starts_with('C') {
            continue;
        }
        let (q, p): (f64, f64) = (qty.parse().unwrap(), price.parse().unwrap());
        if q <= 0.0 || p <= 0.0 {
            continue;
        }
        let ts = parse_ts(date).seconds();
        max_ts = max_ts.max(ts);
        let id = format!("{}", customer.parse::<f64>().unwrap() as i64);
        let a = by.entry(id).or_insert(Acc { last: i64::MIN, invoices: HashSet::new(), money: 0.0 });
        a.last = a.last.max(ts);
        a.invoices.insert(invoice.clone());
        a.money += q * p;
    }
    let snapshot = max_ts + 86_400;
    let (ids, x) = common::rfm_fixture();
    assert_eq!(ids.len(), by.len(), "customer count");
    for (i, id) in ids.iter().enumerate() {
        let a = &by[id];
        assert_eq!(x[[i, 0]], ((snapshot - a.last).div_euclid(86_400)) as f64, "recency of {id}");
        assert_eq!(x[[i, 1]], a.invoices.len() as f64, "frequency of {id}");
        assert!((x[[i, 2]] - a.money).abs() <= 1e-5 + 1e-9 * a.money.abs(), "monetary of {id}: {} vs {}", x[[i, 2]], a.money);
    }
}
