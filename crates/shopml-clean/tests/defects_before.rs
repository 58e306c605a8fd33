//! Reproductions of issue 12/13 defects against the API as it was (each must fail before the fix).
use shopml_clean::{CleaningRules, DateFormat, Fences, TransactionSchema, read_transactions_from};
use shopml_core::Timestamp;

const H: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

#[test]
fn default_rules_treat_c_prefixed_sale_as_cancellation() {
    let csv = format!("{H}CA-1001,SKU1,x,1,2024-01-01 10:00:00,5.0,u1,UK\n");
    let c = read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 1, "a sale on CA-1001 with quantity +1 is a sale");
}

#[test]
fn default_rules_treat_size_codes_as_non_products() {
    let csv = format!("{H}1,M,medium shirt,1,2024-01-01 10:00:00,5.0,u1,UK\n2,S,small shirt,1,2024-01-01 10:00:00,5.0,u1,UK\n");
    let c = read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 2);
}

#[test]
fn auto_reads_yyyymmdd_as_unix_seconds() {
    assert!(DateFormat::Auto.parse("19970101").is_err(), "{:?}", DateFormat::Auto.parse("19970101"));
}

#[test]
fn wrong_date_format_returns_ok_with_zero_rows() {
    let csv = format!("{H}1,A,x,1,01.02.2024,5.0,u1,UK\n");
    assert!(read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).is_err());
}

#[test]
fn duplicated_header_name_takes_first_column() {
    let csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Quantity,Country\n1,A,x,1,2024-01-01 10:00:00,5.0,u1,7,UK\n";
    assert!(read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).is_err());
}

#[test]
fn far_future_date_is_accepted() {
    let csv = format!("{H}1,A,x,1,9999-12-31 00:00:00,5.0,u1,UK\n2,A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n");
    let c = read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap();
    assert!(c.transactions.iter().all(|t| t.timestamp <= Timestamp::MAX));
    let unix = TransactionSchema::online_retail().date_format(DateFormat::UnixSeconds);
    let csv = format!("{H}1,A,x,1,9223372036854775807,5.0,u1,UK\n2,A,x,1,1700000000,5.0,u1,UK\n");
    let c = read_transactions_from(csv.as_bytes(), &unix, &CleaningRules::default()).unwrap();
    assert!(c.transactions.iter().all(|t| t.timestamp <= Timestamp::MAX));
}

#[test]
fn long_unquoted_field_bypasses_record_limit() {
    let big = "x".repeat(2 << 20);
    let csv = format!("{H}1,A,{big},1,2024-01-01 00:00:00,5.0,u1,UK\n2,A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n");
    let c = read_transactions_from(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 1, "a 2 MiB record is over the 1 MiB record cap");
}

#[test]
fn outlier_fences_from_extreme_data_panic_in_clamp() {
    use shopml_core::Fit;
    let f = shopml_clean::OutlierParams::z_score(3.0).fit(&[1e308, 1e308, 1e308, -1e308][..]);
    if let Ok(f) = f {
        let _: Fences = f;
        let _ = std::panic::catch_unwind(|| f.cap(1.0)).expect("cap must not panic");
    }
}
