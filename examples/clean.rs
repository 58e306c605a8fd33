//! Reading and cleaning the embedded Online Retail sample: every line read is
//! a sale, a return or quarantined with a reason, and the report says how many
//! of each. Then a deliberately malformed export, read from memory, shows the
//! row-level issues (line, column, reason) and the typed errors that stop a read.
//!
//! ```text
//! cargo run --release --example clean                      # embedded sample
//! cargo run --release --example clean -- path/to/online_retail.csv.gz
//! ```

use std::collections::HashSet;
use std::path::PathBuf;

use shopml::clean::{CleanError, Cleaned, CleaningRules, DateError, DateFormat, Reason, TransactionSchema, read};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let (schema, rules) = (TransactionSchema::online_retail(), CleaningRules::online_retail());
    let cleaned = read(path.as_path(), &schema, &rules)?;
    let r = &cleaned.report;
    println!("{} lines read from {}", r.rows_read, path.display());
    let share = |n: u64| 100.0 * n as f64 / r.rows_read.max(1) as f64;
    println!("  {:<32} {:>8} {:>6.2} %", "sales kept", r.rows_kept, share(r.rows_kept));
    println!("  {:<32} {:>8} {:>6.2} %", "returns and cancellations", r.returns, share(r.returns));
    for (reason, n) in &r.quarantined {
        println!("  {:<32} {n:>8} {:>6.2} %   (rule matched {} times)", format!("quarantined: {reason}"), share(*n), r.matched(*reason));
    }
    let quarantined = r.quarantined_total();
    println!(
        "  {} + {} + {quarantined} = {} → balances: {} ({} blank lines skipped, {} Latin-1 fields)",
        r.rows_kept,
        r.returns,
        r.rows_kept + r.returns + quarantined,
        r.balances(),
        r.blank_lines,
        r.latin1_fields
    );

    // What the kept sales hold.
    let sales = &cleaned.transactions;
    let customers: HashSet<&str> = sales.iter().filter_map(|t| t.customer.as_deref()).collect();
    let products: HashSet<&str> = sales.iter().map(|t| t.product.as_str()).collect();
    let invoices: HashSet<&str> = sales.iter().map(|t| t.invoice.as_str()).collect();
    let first = sales.iter().map(|t| t.timestamp).min().ok_or("no sales kept")?;
    let last = sales.iter().map(|t| t.timestamp).max().ok_or("no sales kept")?;
    let revenue: f64 = sales.iter().map(|t| t.value()).sum();
    let returned: f64 = cleaned.returns.iter().map(|t| t.value()).sum();
    println!(
        "\nkept: {} invoices of {} customers over {} products, {first} to {last}; revenue {revenue:.2}, returns {returned:.2}",
        invoices.len(),
        customers.len(),
        products.len()
    );

    // A malformed export in memory: one good row and one problem per line.
    let bad = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536366,71053,WHITE METAL LANTERN,six,2010-12-01 08:28:00,3.39,17850.0,United Kingdom
536367,84406B,CREAM CUPID HEARTS COAT HANGER,8,2010-02-30 08:34:00,2.75,13047.0,United Kingdom
536368,22960,JAM MAKING SET WITH JARS,6,2310-12-01 08:34:00,4.25,13047.0,United Kingdom
536369,21756,BATH BUILDING BLOCK WORD,3,2010-12-01 08:35:00,inf,13047.0,United Kingdom
,22913,RED COAT RACK PARIS FASHION,3,2010-12-01 08:45:00,4.95,12583.0,France
536371,22086,PAPER CHAIN KIT 50'S CHRISTMAS,80,2010-12-01 09:00:00,2.55,13748.0
536372,22632,\"HAND WARMER RED POLKA DOT,6,2010-12-01 09:01:00,1.85,17850.0,United Kingdom
";
    let out = read(bad.as_bytes(), &schema, &rules)?;
    let r = &out.report;
    println!(
        "\nmalformed export: {} rows, {} kept, {} unparsable, {} dates out of range; balances: {}",
        r.rows_read,
        r.rows_kept,
        r.quarantined(Reason::Unparsable),
        r.quarantined(Reason::DateOutOfRange),
        r.balances()
    );
    for issue in &r.issues {
        let column = issue.column.map(|c| format!(", column {c}")).unwrap_or_default();
        println!("  line {}{column} [{}]: {}", issue.line, issue.reason, issue.message);
    }

    // Errors that stop a whole read, each a typed `CleanError`.
    println!("\nerrors that stop a read:");
    let shop_layout = TransactionSchema::new("order_id", "sku", "qty", "ordered_at", "unit_price");
    show("a schema for another layout", read(bad.as_bytes(), &shop_layout, &CleaningRules::default()));
    let day_first = TransactionSchema::online_retail().date_format(DateFormat::DmyHm);
    show("the wrong date format", read(bad.as_bytes(), &day_first, &rules));
    show("an empty input", read(&b""[..], &schema, &rules));
    match DateFormat::Auto.parse("3/4/2011 10:00") {
        Ok(t) => println!("  `3/4/2011 10:00` read as {t}"),
        Err(e @ DateError::Ambiguous { .. }) => println!("  one date under DateFormat::Auto → DateError::Ambiguous: {e}"),
        Err(e) => println!("  one date under DateFormat::Auto → {e}"),
    }
    Ok(())
}

/// Prints which `CleanError` variant a read returned, and its message.
fn show(what: &str, result: Result<Cleaned, CleanError>) {
    let Err(e) = result else {
        println!("  {what}: read without error");
        return;
    };
    let variant = match &e {
        CleanError::MissingColumn { .. } => "MissingColumn",
        CleanError::NothingKept { .. } => "NothingKept",
        CleanError::NoHeader => "NoHeader",
        CleanError::DuplicateColumn { .. } => "DuplicateColumn",
        _ => "another CleanError",
    };
    println!("  {what} → {variant}: {e}");
}
