//! Reads and cleans the Online Retail export, then prints the report, an
//! RFM-ready summary and the wall time of read + clean.
//!
//! ```text
//! cargo run --release -p shopml-clean --example clean_online_retail -- ../shared/data/online_retail/online_retail.csv.gz [--keep-missing-customer] [--repeat N]
//! ```
//!
//! The output's last line is one JSON object, parsed by `benches/peers/clean_online_retail.py`.

use std::collections::HashMap;
use std::time::Instant;

use shopml_clean::{CleaningRules, MissingCustomer, Reason, TransactionSchema, read};

/// CPU seconds (user + system, all threads) used by this process so far, from
/// `/proc/self/stat` (Linux; NaN elsewhere). Clock ticks are assumed to be 1/100 s.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return f64::NAN };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().cloned().unwrap_or_else(|| "../shared/data/online_retail/online_retail.csv.gz".into());
    let keep = args.iter().any(|a| a == "--keep-missing-customer");
    let repeat: usize = args.iter().position(|a| a == "--repeat").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rules = CleaningRules::online_retail();
    if keep {
        rules = rules.missing_customer(MissingCustomer::Keep);
    }
    let schema = TransactionSchema::online_retail();
    let mut best = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut cleaned = None;
    for _ in 0..repeat.max(1) {
        drop(cleaned.take());
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let c = read(std::path::Path::new(&path), &schema, &rules)?;
        best = best.min(t0.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(cpu_seconds() - c0);
        cleaned = Some(c);
    }
    let c = cleaned.expect("at least one run");
    eprintln!("{}", c.report);

    // RFM-ready summary: per customer, last purchase, number of invoices, spend.
    let mut per: HashMap<&str, (i64, std::collections::HashSet<&str>, f64)> = HashMap::new();
    for t in &c.transactions {
        if let Some(cust) = t.customer.as_deref() {
            let e = per.entry(cust).or_insert((i64::MIN, Default::default(), 0.0));
            e.0 = e.0.max(t.timestamp.0);
            e.1.insert(t.invoice.as_str());
            e.2 += t.value();
        }
    }
    let frequency: usize = per.values().map(|v| v.1.len()).sum();
    let monetary: f64 = per.values().map(|v| v.2).sum();
    let r = &c.report;
    println!(
        "{{\"rows_read\":{},\"kept\":{},\"returns\":{},\"exact_duplicate\":{},\"non_product\":{},\"non_positive_price\":{},\"missing_customer\":{},\"matched_cancellation_or_negative\":{},\"matched_missing_customer\":{},\"matched_exact_duplicate\":{},\"customers\":{},\"sum_frequency\":{},\"monetary\":{:.2},\"seconds\":{:.4},\"cpu_seconds\":{:.2}}}",
        r.rows_read,
        r.rows_kept,
        r.returns,
        r.quarantined(Reason::ExactDuplicate),
        r.quarantined(Reason::NonProduct),
        r.quarantined(Reason::NonPositivePrice),
        r.quarantined(Reason::MissingCustomer),
        r.matched(Reason::Return),
        r.matched(Reason::MissingCustomer),
        r.matched(Reason::ExactDuplicate),
        per.len(),
        frequency,
        monetary,
        best,
        best_cpu
    );
    Ok(())
}
