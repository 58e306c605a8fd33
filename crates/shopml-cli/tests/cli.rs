//! The `shopml` binary on small exports: values, round trips through saved
//! models, and the errors a user sees for bad files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shopml(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopml")).args(args).output().expect("run shopml")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "shopml_cli_test_{}_{}",
        std::process::id(),
        std::thread::current().name().unwrap_or("t").replace("::", "_")
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A neutral-layout export: three customers, four products, one bad row.
fn export(d: &Path) -> PathBuf {
    let p = d.join("orders.csv");
    let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer\n");
    let rows = [
        ("1001", "MUG", 2, "2024-01-05 10:00:00", 4.5, "ann"),
        ("1001", "TEA", 1, "2024-01-05 10:00:00", 3.0, "ann"),
        ("1002", "MUG", 1, "2024-02-10 09:00:00", 4.5, "bob"),
        ("1003", "POT", 1, "2024-03-01 12:00:00", 20.0, "ann"),
        ("1004", "TEA", 4, "2024-03-20 15:30:00", 3.0, "cid"),
        ("1005", "CUP", 6, "2024-03-30 08:00:00", 1.5, "bob"),
    ];
    for (inv, p, q, t, price, c) in rows {
        s.push_str(&format!("{inv},{p},{q},{t},{price},{c}\n"));
    }
    s.push_str("1006,MUG,two,2024-03-31 08:00:00,4.5,cid\n"); // unparsable quantity
    // Weekly history for the forecast: MUG sold every week.
    for w in 0..20 {
        let day = 1 + (w * 7) % 28;
        let month = 4 + (w * 7) / 28;
        s.push_str(&format!("2{w:03},MUG,{},2024-{month:02}-{day:02} 10:00:00,4.5,dan\n", 3 + w % 4));
    }
    std::fs::write(&p, s).unwrap();
    p
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn rfm_values_are_those_of_the_export() {
    let d = dir();
    let e = export(&d);
    let out = stdout(&shopml(&["rfm", e.to_str().unwrap()]));
    let rows = csv_rows(&out);
    let ann = rows.iter().find(|r| r[0] == "ann").expect("ann");
    // ann: invoices 1001 and 1003 → frequency 2; spend 2·4.5 + 3 + 20 = 32.
    assert_eq!(ann[2], "2");
    assert_eq!(ann[3], "32");
    let bob = rows.iter().find(|r| r[0] == "bob").expect("bob");
    assert_eq!(bob[3], "13.5"); // 4.5 + 6·1.5
    assert_eq!(rows.len(), 4, "ann, bob, cid, dan");
}

#[test]
fn clean_reports_the_bad_row_and_writes_json() {
    let d = dir();
    let e = export(&d);
    let o = shopml(&["clean", e.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 26, "6 + 20 good rows");
    assert_eq!(v[0]["product"], "MUG");
    assert_eq!(v[0]["quantity"], 2.0);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 quarantined"), "{err}");
}

#[test]
fn saved_models_answer_like_fresh_ones() {
    let d = dir();
    let e = export(&d);
    let e = e.to_str().unwrap();
    for (cmd, extra) in [("segment", vec!["--k", "2"]), ("recommend", vec!["-n", "2"]), ("forecast", vec!["--top", "1", "--horizon", "3"])]
    {
        let model = d.join(format!("{cmd}.json"));
        let mut fit = vec![cmd, e, "--save-model", model.to_str().unwrap()];
        fit.extend(&extra);
        let first = stdout(&shopml(&fit));
        let mut again: Vec<&str> = vec![cmd];
        if cmd != "recommend" && cmd != "forecast" {
            again.push(e);
        }
        again.extend(["--model", model.to_str().unwrap()]);
        if cmd == "recommend" {
            again.extend(["-n", "2"]);
        }
        if cmd == "forecast" {
            again.extend(["--horizon", "3"]);
        }
        let second = stdout(&shopml(&again));
        assert_eq!(first, second, "{cmd}");
        assert!(first.lines().count() > 1, "{cmd}: {first}");
    }
}

#[test]
fn a_model_of_another_kind_is_refused() {
    let d = dir();
    let e = export(&d);
    let model = d.join("seg.json");
    stdout(&shopml(&["segment", e.to_str().unwrap(), "--k", "2", "--save-model", model.to_str().unwrap()]));
    let o = shopml(&["recommend", "--model", model.to_str().unwrap(), "--user", "ann"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'segment' model file"));
}

#[test]
fn bad_files_give_one_line_errors_and_status_1() {
    let d = dir();
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "a,b\n1,2\n").unwrap();
    let o = shopml(&["rfm", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.csv") && err.contains("invoice"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"));
    let o = shopml(&["rfm", d.join("missing.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.csv"));
    let o = shopml(&["segment"]);
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn every_subcommand_explains_itself_with_an_example() {
    for cmd in ["clean", "rfm", "segment", "churn", "clv", "recommend", "basket", "price", "forecast", "report"] {
        let o = shopml(&[cmd, "--help"]);
        let text = stdout(&o);
        assert!(text.contains("Example"), "{cmd}: {text}");
        assert!(text.contains("--customer-col"), "{cmd}");
    }
}

#[test]
fn churn_scores_the_weekly_buyer_as_least_likely_to_leave_and_round_trips() {
    let d = dir();
    let e = export(&d);
    let e = e.to_str().unwrap();
    let model = d.join("churn.json");
    let o = shopml(&["churn", e, "--horizon-days", "30", "--save-model", model.to_str().unwrap()]);
    let first = stdout(&o);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ROC AUC"));
    let rows = csv_rows(&first);
    assert_eq!(rows.len(), 4, "{first}");
    let p = |who: &str| rows.iter().find(|r| r[0] == who).unwrap()[1].parse::<f64>().unwrap();
    // dan buys every week up to the end; ann, bob and cid stopped in March.
    for other in ["ann", "bob", "cid"] {
        assert!(p("dan") < p(other), "dan {} vs {other} {}", p("dan"), p(other));
    }
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r[1].parse::<f64>().unwrap())));
    let second = stdout(&shopml(&["churn", e, "--model", model.to_str().unwrap()]));
    assert_eq!(first, second);
}

#[test]
fn clv_counts_repeat_purchase_days_of_the_export() {
    // 150 customers over a year: each buys every `gap` days from a first
    // day until they leave; some leave early. Repeat purchases per customer
    // are counted here from the rows written, independently of the command.
    let d = dir();
    let p = d.join("clv.csv");
    let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer\n");
    let mut days: std::collections::BTreeMap<String, std::collections::BTreeSet<u32>> = Default::default();
    let mut seed = 7u64;
    let mut next = |n: u32| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % u64::from(n)) as u32
    };
    for c in 0..150 {
        let (start, gap) = (next(120), 5 + next(60));
        let leave = start + 30 + next(330);
        let mut day = start;
        let mut k = 0;
        while day < leave.min(360) {
            let (month, dom) = (1 + day / 30, 1 + day % 28);
            s.push_str(&format!("{c}-{k},P{},1,2024-{month:02}-{dom:02} 12:00:00,{}.5,cust{c}\n", next(5), 5 + next(20)));
            days.entry(format!("cust{c}")).or_default().insert(month * 100 + dom);
            day += gap;
            k += 1;
        }
    }
    std::fs::write(&p, s).unwrap();
    let out = stdout(&shopml(&["clv", p.to_str().unwrap(), "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), days.len());
    for r in rows {
        let who = r["customer"].as_str().unwrap();
        assert_eq!(r["frequency"].as_f64().unwrap(), (days[who].len() - 1) as f64, "{who}");
        let p = r["p_alive"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{r}");
        assert!(r["clv"].as_f64().unwrap() >= 0.0, "{r}");
        assert!(r["expected_purchases"].as_f64().unwrap() >= 0.0, "{r}");
    }
    // On the four-customer export the models are not identified: a clear error, no NaN.
    let o = shopml(&["clv", export(&d).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not finite"));
}

#[test]
fn basket_rules_have_the_hand_counted_support_and_saved_suggestions_match() {
    let d = dir();
    let e = export(&d);
    let e = e.to_str().unwrap();
    let out = stdout(&shopml(&["basket", e, "--min-confidence", "0.5", "--min-lift", "0"]));
    let rows = csv_rows(&out);
    // 25 orders; TEA is in 1001 and 1004, MUG in 1001, 1002 and dan's 20:
    // TEA → MUG has support 1/25, confidence 1/2, lift (1/2)/(22/25).
    let r = rows.iter().find(|r| r[0] == "TEA" && r[1] == "MUG").unwrap_or_else(|| panic!("{out}"));
    assert!((r[2].parse::<f64>().unwrap() - 0.04).abs() < 1e-12);
    assert!((r[3].parse::<f64>().unwrap() - 0.5).abs() < 1e-12);
    assert!((r[4].parse::<f64>().unwrap() - 0.5 / (22.0 / 25.0)).abs() < 1e-12);
    let model = d.join("basket.json");
    let args = ["--min-support", "0.04", "--min-confidence", "0.5", "--min-lift", "0", "--cart", "TEA"];
    let mut fit = vec!["basket", e, "--save-model", model.to_str().unwrap()];
    fit.extend(args);
    let first = stdout(&shopml(&fit));
    let mut again = vec!["basket", "--model", model.to_str().unwrap()];
    again.extend(args);
    assert_eq!(first, stdout(&shopml(&again)));
    assert_eq!(csv_rows(&first)[0][0], "MUG", "{first}");
}

#[test]
fn basket_rules_between_categories() {
    // 20 orders: every order with a mug also has tea (cups or mugs are
    // "kitchen", teas are "pantry"); 5 orders are garden only.
    let d = dir();
    let p = d.join("cat.csv");
    let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer,dept\n");
    for k in 0..20 {
        let day = 1 + k % 28;
        let t = format!("2024-01-{day:02} 10:00:00");
        if k < 15 {
            let mug = if k % 2 == 0 { "MUG" } else { "CUP" };
            s.push_str(&format!("{k},{mug},1,{t},4.5,c{k},kitchen\n{k},TEA{},1,{t},3.0,c{k},pantry\n", k % 3));
        } else {
            s.push_str(&format!("{k},SPADE,1,{t},9.0,c{k},garden\n"));
        }
    }
    std::fs::write(&p, &s).unwrap();
    let args = ["basket", p.to_str().unwrap(), "--items", "category", "--category-col", "dept", "--min-confidence", "0.5"];
    let rows = csv_rows(&stdout(&shopml(&args)));
    // kitchen → pantry: support 15/20, confidence 1, lift 1 / (15/20).
    let r = rows.iter().find(|r| r[0] == "kitchen" && r[1] == "pantry").unwrap_or_else(|| panic!("{rows:?}"));
    assert!((r[2].parse::<f64>().unwrap() - 0.75).abs() < 1e-12);
    assert!((r[3].parse::<f64>().unwrap() - 1.0).abs() < 1e-12);
    assert!((r[4].parse::<f64>().unwrap() - 20.0 / 15.0).abs() < 1e-12);
    // Product codes never appear as items.
    assert!(rows.iter().all(|r| !r[0].contains("MUG") && !r[1].contains("TEA")), "{rows:?}");
    // Without a category column the command says what is missing.
    let o = shopml(&["basket", p.to_str().unwrap(), "--items", "category"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--category-col"));
}

#[test]
fn price_recovers_a_known_elasticity_and_its_optimal_price() {
    // JAM: one order a week for 30 weeks at 2.00, 2.50 or 3.00 in turn, in
    // quantities 300 · p^−2 — elasticity −2. With cost 0.6 × the median
    // price (2.50) the optimum is c · e / (1 + e) = 1.5 · 2 = 3.00, inside a
    // ±30 % band; the command must land on the closed form of its own estimate.
    let d = dir();
    let p = d.join("jam.csv");
    let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer\n");
    for w in 0..30u32 {
        let price = [2.0, 2.5, 3.0][(w % 3) as usize];
        let q = (300.0 * f64::powi(price, -2)).round();
        let month = 1 + w / 4;
        let day = 1 + 7 * (w % 4);
        s.push_str(&format!("J{w},JAM,{q},2024-{month:02}-{day:02} 10:00:00,{price},c{}\n", w % 5));
    }
    std::fs::write(&p, s).unwrap();
    let out = stdout(&shopml(&["price", p.to_str().unwrap(), "--max-change", "0.3", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let jam = &v[0];
    assert_eq!(jam["reliable"], "yes", "{jam}");
    // Rounding the quantities to whole units moves the estimate a little off −2.
    let e = jam["elasticity"].as_f64().unwrap();
    assert!((e + 2.0).abs() < 0.05, "{jam}");
    assert_eq!(jam["median_price"].as_f64().unwrap(), 2.5);
    let closed_form = 0.6 * 2.5 * e / (1.0 + e);
    assert!((closed_form - 3.0).abs() < 0.06);
    assert!((jam["recommended_price"].as_f64().unwrap() - closed_form).abs() < 1e-4, "{jam}");
    let o = shopml(&["price", p.to_str().unwrap(), "--cost-share", "1.5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--cost-share"));
}

#[test]
fn a_key_file_pseudonymises_every_customer_id() {
    let d = dir();
    let e = export(&d);
    let e = e.to_str().unwrap();
    let (key, other) = (d.join("shop.key"), d.join("other.key"));
    std::fs::write(&key, [42u8; 32]).unwrap();
    std::fs::write(&other, [7u8; 32]).unwrap();
    let with = |k: &Path| stdout(&shopml(&["rfm", e, "--pseudonymise-key-file", k.to_str().unwrap()]));
    let first = with(&key);
    let ids: Vec<String> = csv_rows(&first).iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids.len(), 4);
    for raw in ["ann", "bob", "cid", "dan"] {
        assert!(!first.contains(raw), "{raw} in {first}");
    }
    assert_eq!(with(&key), first, "stable under one key");
    let under_other: Vec<String> = csv_rows(&with(&other)).iter().map(|r| r[0].clone()).collect();
    assert!(ids.iter().all(|id| !under_other.contains(id)), "another key, other pseudonyms");
    // The values are untouched: the same RFM rows up to the id.
    let plain = csv_rows(&stdout(&shopml(&["rfm", e])));
    let mut a: Vec<Vec<String>> = plain.iter().map(|r| r[1..].to_vec()).collect();
    let mut b: Vec<Vec<String>> = csv_rows(&first).iter().map(|r| r[1..].to_vec()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // A key that is too short is refused, naming the file.
    let short = d.join("short.key");
    std::fs::write(&short, [1u8; 8]).unwrap();
    let o = shopml(&["rfm", e, "--pseudonymise-key-file", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("short.key"));
}

#[test]
fn report_writes_every_step_on_the_embedded_sample() {
    let d = dir();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/online_retail_sample.csv.gz");
    let out = d.join("report");
    let args = ["report", sample.to_str().unwrap(), "--preset", "online-retail", "--out", out.to_str().unwrap(), "--dp-epsilon", "1"];
    let o = shopml(&args);
    let printed = stdout(&o);
    let md_path = PathBuf::from(printed.trim());
    assert_eq!(md_path, out.join("report.md"));
    let md = std::fs::read_to_string(&md_path).unwrap();
    // Not a terminal: one plain progress line per step on stderr, numbered 1..n of n.
    let progress: Vec<String> = String::from_utf8_lossy(&o.stderr).lines().filter(|l| l.starts_with('[')).map(str::to_string).collect();
    let n = progress.len();
    assert!(n >= 9, "{progress:?}");
    for (i, l) in progress.iter().enumerate() {
        assert!(l.starts_with(&format!("[{}/{n}]", i + 1)), "{l}");
    }
    // "lines read" is the number of records in the file (no field of the sample spans lines).
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(std::fs::File::open(&sample).unwrap()), &mut text).unwrap();
    let records = text.lines().count() - 1;
    let read_row = md.lines().find(|l| l.starts_with('|') && l.contains("lines read")).unwrap_or_else(|| panic!("{md}"));
    let digits: String = read_row.split('|').nth(2).unwrap().chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.parse::<usize>().unwrap(), records);
    // Every linked chart exists; the segment table is the ε-DP one.
    for link in md.lines().filter_map(|l| l.strip_prefix("![")).filter_map(|l| l.split("](").nth(1)) {
        let svg = std::fs::read_to_string(out.join(link.trim_end_matches(')'))).unwrap();
        assert!(svg.contains("<svg"), "{link}");
    }
    assert!(md.contains("| segment | customers (ε-DP) | share |"), "{md}");
    // A bad epsilon is a one-line error naming it, exit status 1.
    let o = shopml(&["report", sample.to_str().unwrap(), "--preset", "online-retail", "--out", out.to_str().unwrap(), "--dp-epsilon=-1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("dp_epsilon"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn clv_and_price_models_answer_without_refitting() {
    let d = dir();
    // CLV: 80 customers buying every `gap` days; the saved models score the
    // same export to the same digits, and score another export too.
    let write = |name: &str, customers: u32, seed: u64| {
        let p = d.join(name);
        let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer\n");
        let mut state = seed;
        let mut next = |n: u32| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % u64::from(n)) as u32
        };
        for c in 0..customers {
            let (start, gap) = (next(100), 7 + next(50));
            let mut day = start;
            let mut k = 0;
            while day < 340 && (k < 2 || next(10) > 1) {
                s.push_str(&format!(
                    "{c}-{k},P{},1,2024-{:02}-{:02} 12:00:00,{}.25,c{c}\n",
                    next(4),
                    1 + day / 30,
                    1 + day % 28,
                    3 + next(30)
                ));
                day += gap;
                k += 1;
            }
        }
        std::fs::write(&p, s).unwrap();
        p
    };
    let (one, two) = (write("clv1.csv", 80, 3), write("clv2.csv", 40, 9));
    let model = d.join("clv.json");
    let fitted = stdout(&shopml(&["clv", one.to_str().unwrap(), "--save-model", model.to_str().unwrap()]));
    let loaded = stdout(&shopml(&["clv", one.to_str().unwrap(), "--model", model.to_str().unwrap()]));
    assert_eq!(fitted, loaded);
    let other = stdout(&shopml(&["clv", two.to_str().unwrap(), "--model", model.to_str().unwrap()]));
    assert_eq!(csv_rows(&other).len(), 40);
    // A clv model file is refused by price, and vice versa.
    let o = shopml(&["price", "--model", model.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'clv' model"));

    // Price: a saved book under new assumptions equals a fresh estimate under them.
    let p = d.join("jam.csv");
    let mut s = String::from("invoice,product,quantity,timestamp,unit_price,customer\n");
    for w in 0..30u32 {
        let price = [2.0, 2.5, 3.0][(w % 3) as usize];
        s.push_str(&format!(
            "J{w},JAM,{},2024-{:02}-{:02} 10:00:00,{price},c{}\n",
            (300.0 * f64::powi(price, -2)).round(),
            1 + w / 4,
            1 + 7 * (w % 4),
            w % 5
        ));
    }
    std::fs::write(&p, s).unwrap();
    let book = d.join("prices.json");
    stdout(&shopml(&["price", p.to_str().unwrap(), "--save-model", book.to_str().unwrap()]));
    let fresh = stdout(&shopml(&["price", p.to_str().unwrap(), "--cost-share", "0.4", "--max-change", "0.1"]));
    let again = stdout(&shopml(&["price", "--model", book.to_str().unwrap(), "--cost-share", "0.4", "--max-change", "0.1"]));
    assert_eq!(fresh, again);
    let row = &csv_rows(&again)[0];
    // With cost 0.4·p₀ the unconstrained optimum 0.4·p₀·e/(1+e) ≈ 0.8·p₀ lies below the band: its lower edge.
    let (p0, price) = (row[7].parse::<f64>().unwrap(), row[8].parse::<f64>().unwrap());
    assert!((price - 0.9 * p0).abs() < 1e-12, "{row:?}");
}
