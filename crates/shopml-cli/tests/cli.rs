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
    for cmd in ["clean", "rfm", "segment", "recommend", "forecast", "report"] {
        let o = shopml(&[cmd, "--help"]);
        let text = stdout(&o);
        assert!(text.contains("Example"), "{cmd}: {text}");
        assert!(text.contains("--customer-col"), "{cmd}");
    }
}
