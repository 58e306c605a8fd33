//! One test per defect of issues 12 and 13 that lives in shopml-clean. Each
//! was first written against the API as it was and failed there (see the
//! commit "failing reproductions" in the history); the assertions are
//! properties of the input (what a sale is, what a date means), not outputs
//! of our own code.
use shopml_clean::{
    Attributes, CleanError, CleaningRules, CsvFormat, DateError, DateFormat, Delimiter, Fences, MissingCustomer, Reason, ReturnPolicy,
    TransactionSchema, read,
};
use shopml_core::Timestamp;

const H: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

fn neutral(csv: &str) -> shopml_clean::Cleaned {
    read(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap()
}

#[test]
fn default_rules_treat_c_prefixed_sale_as_cancellation() {
    let c = neutral(&format!("{H}CA-1001,SKU1,x,1,2024-01-01 10:00:00,5.0,u1,UK\n"));
    assert_eq!((c.transactions.len(), c.returns.len()), (1, 0), "a sale on CA-1001 with quantity +1 is a sale");
    // The preset keeps the Online Retail convention.
    let c = read(
        format!("{H}C1001,SKU1,x,-1,2024-01-01 10:00:00,5.0,u1,UK\n").as_bytes(),
        &TransactionSchema::online_retail(),
        &CleaningRules::online_retail(),
    )
    .unwrap();
    assert_eq!(c.returns.len(), 1);
}

#[test]
fn default_rules_treat_size_codes_as_non_products() {
    let body = "1,M,medium shirt,1,2024-01-01 10:00:00,5.0,u1,UK\n2,S,small shirt,1,2024-01-01 10:00:00,5.0,u1,UK\n";
    assert_eq!(neutral(&format!("{H}{body}")).transactions.len(), 2);
    let retail = read(format!("{H}{body}").as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail());
    // Under the preset both are non-products, so nothing is kept: an error naming line 2.
    assert!(matches!(retail, Err(CleanError::NothingKept { line: 2, reason: Reason::NonProduct, .. })), "{retail:?}");
}

#[test]
fn rules_without_setters_now_have_them_and_order_is_configurable() {
    // A return with no customer: under the default order the missing customer decides.
    let csv = format!("{H}R-1,A,x,-2,2024-01-01 10:00:00,5.0,,UK\n1,A,x,1,2024-01-01 10:00:00,5.0,u1,UK\n");
    let rules = CleaningRules::default().returns(ReturnPolicy::Quarantine);
    let c = read(csv.as_bytes(), &TransactionSchema::online_retail(), &rules).unwrap();
    assert_eq!(c.report.quarantined(Reason::MissingCustomer), 1);
    let c = read(csv.as_bytes(), &TransactionSchema::online_retail(), &rules.clone().rule_order([Reason::Return])).unwrap();
    assert_eq!(c.report.quarantined(Reason::Return), 1);
    assert_eq!(c.report.quarantined(Reason::MissingCustomer), 0);
    // Both rows matched both rules whatever the order.
    assert_eq!(c.report.matched(Reason::MissingCustomer), 1);
    // Setters: a negative quantity that is not a return, zero quantities kept,
    // a cancellation prefix, non-product codes without a turbofish, missing tokens.
    let body = "R-1,A,x,-2,2024-01-01 10:00:00,5.0,u1,UK\n2,A,x,0,2024-01-01 10:00:00,5.0,-,UK\nX-3,A,x,1,2024-01-01 10:00:00,5.0,u1,UK\n";
    let rules = CleaningRules::default()
        .negative_quantity_is_return(false)
        .reject_zero_quantity(false)
        .cancellation_prefixes(["X-"])
        .non_product_codes([] as [&str; 0])
        .missing_customer(MissingCustomer::Keep);
    let schema = TransactionSchema::online_retail().missing_values(["-"]);
    let c = read(format!("{H}{body}").as_bytes(), &schema, &rules).unwrap();
    assert_eq!(c.transactions.len(), 2);
    assert_eq!(c.transactions[1].customer, None, "`-` is a missing-value token");
    assert_eq!(c.returns.len(), 1);
    // A rule order naming a non-rule is rejected.
    let bad = CleaningRules::default().rule_order([Reason::Outlier]);
    assert!(read(format!("{H}{body}").as_bytes(), &schema, &bad).is_err());
}

#[test]
fn extra_columns_are_carried_as_named_attributes() {
    let csv = "order_id,ts,customer,sku,qty,unit_price,category,channel,coupon\n\
               A-1,2024-03-01T10:00:00Z,c1,S1,2,4.5,Mugs,web,\n\
               A-2,2024-03-02T11:00:00Z,c2,S2,1,9.0,Plates,shop,SPRING\n";
    let schema =
        TransactionSchema::new("order_id", "sku", "qty", "ts", "unit_price").customer("customer").category("category").other_columns(true);
    let c = read(csv.as_bytes(), &schema, &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions[0].category.as_deref(), Some("Mugs"));
    assert_eq!(c.transactions[0].attributes.names().unwrap(), ["channel", "coupon"]);
    assert_eq!(c.transactions[0].attributes.get("coupon"), None);
    assert_eq!(c.transactions[1].attributes.get("coupon"), Some("SPRING"));
    // Named attributes only.
    let schema = TransactionSchema::new("order_id", "sku", "qty", "ts", "unit_price").attributes(["channel"]);
    let c = read(csv.as_bytes(), &schema, &CleaningRules::default().missing_customer(MissingCustomer::Keep)).unwrap();
    assert_eq!(c.transactions[1].attributes.iter().collect::<Vec<_>>(), [("channel", Some("shop"))]);
    // Serde keeps them.
    let json = serde_json::to_string(&c.transactions[1]).unwrap();
    let back: shopml_clean::Transaction = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c.transactions[1]);
    assert!(Attributes::new(vec!["a".into(), "a".into()], vec![None, None]).is_err());
}

#[test]
fn multi_byte_and_whitespace_delimiters_read_aligned_files() {
    let aligned = "order  sku   qty  time                 price  customer\n\
                   A1     S1    2    2024-03-01T10:00:00  4.5    c1\n\
                   A2     S2    1    2024-03-02T10:00:00  9.0    c2\n";
    let schema = TransactionSchema::new("order", "sku", "qty", "time", "price").customer("customer");
    let c = read(aligned.as_bytes(), &schema.clone().delimiter(Delimiter::Whitespace), &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 2);
    assert_eq!(c.transactions[1].unit_price, 9.0);
    let piped =
        aligned.replace("  ", " ").split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join("||")).collect::<Vec<_>>().join("\n");
    let c = read(piped.as_bytes(), &schema.delimiter("||"), &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 2);
}

#[test]
fn compact_dates_are_read() {
    let csv = "order,sku,qty,day,price\nA1,S1,1,19970101,2.0\nA2,S1,1,20240229,2.0\n";
    let schema = TransactionSchema::new("order", "sku", "qty", "day", "price").date_format(DateFormat::Compact);
    let c = read(csv.as_bytes(), &schema, &CleaningRules::default().missing_customer(MissingCustomer::Keep)).unwrap();
    assert_eq!(c.transactions[0].timestamp, Timestamp::from_date(1997, 1, 1).unwrap());
    assert_eq!(c.transactions[1].timestamp, Timestamp::from_date(2024, 2, 29).unwrap());
}

#[test]
fn auto_reads_yyyymmdd_as_unix_seconds() {
    // 19970101 as Unix seconds is 1970-08-20; Auto must not pick a reading.
    assert!(matches!(DateFormat::Auto.parse("19970101"), Err(DateError::Ambiguous { .. })));
    assert!(matches!(DateFormat::Auto.parse("3/4/2024"), Err(DateError::Ambiguous { .. })));
}

#[test]
fn wrong_date_format_returns_ok_with_zero_rows() {
    let csv = format!("{H}1,A,x,1,01/02/2024,5.0,u1,UK\n2,A,x,1,01/03/2024,5.0,u1,UK\n");
    match read(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()) {
        Err(CleanError::NothingKept { rows_read: 2, line: 2, column: Some(5), reason: Reason::Unparsable, message, record }) => {
            assert!(message.contains("ambiguous"), "{message}");
            assert!(record.starts_with("1,A,x,1,01/02/2024"), "{record}");
        }
        other => panic!("{other:?}"),
    }
    // A header-only file is not an error: nothing was rejected.
    assert_eq!(neutral(H).report.rows_read, 0);
}

#[test]
fn line_total_schemas_derive_the_unit_price() {
    let csv = "order,sku,qty,time,total,customer\nA1,S1,4,2024-03-01,10.0,c\nA2,S1,-2,2024-03-02,-5.0,c\nA3,S1,0,2024-03-03,0.0,c\n";
    let schema = TransactionSchema::new("order", "sku", "qty", "time", "unused").line_total("total").customer("customer");
    let c = read(csv.as_bytes(), &schema, &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions[0].unit_price, 2.5);
    assert_eq!(c.returns[0].unit_price, 2.5);
    assert_eq!(c.report.quarantined(Reason::Unparsable), 1, "quantity 0 has no unit price");
    assert_eq!(c.report.issues[0].column, Some(5));
}

#[test]
fn duplicated_header_name_takes_first_column() {
    let csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Quantity,Country\n1,A,x,1,2024-01-01 10:00:00,5.0,u1,7,UK\n";
    let e = read(csv.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::default()).unwrap_err();
    assert!(matches!(&e, CleanError::DuplicateColumn { name, first: 4, second: 8 } if name == "Quantity"), "{e}");
}

#[test]
fn far_future_date_is_accepted() {
    let csv = format!("{H}1,A,x,1,9999-12-31 00:00:00,5.0,u1,UK\n2,A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n");
    let c = neutral(&csv);
    assert_eq!(c.transactions.len(), 1);
    assert_eq!(c.report.quarantined(Reason::DateOutOfRange), 1);
    assert_eq!((c.report.issues[0].line, c.report.issues[0].column), (2, Some(5)));
    let unix = TransactionSchema::online_retail().date_format(DateFormat::UnixSeconds);
    let csv = format!("{H}1,A,x,1,9223372036854775807,5.0,u1,UK\n2,A,x,1,1700000000,5.0,u1,UK\n3,A,x,1,-9223372036854775808,5.0,u1,UK\n");
    let c = read(csv.as_bytes(), &unix, &CleaningRules::default()).unwrap();
    assert_eq!(c.transactions.len(), 1);
    assert_eq!(c.report.quarantined(Reason::DateOutOfRange), 2);
    assert!(c.transactions.iter().all(|t| (Timestamp::MIN..=Timestamp::MAX).contains(&t.timestamp)));
}

#[test]
fn long_unquoted_field_bypasses_record_limit() {
    let big = "x".repeat(2 << 20);
    let csv = format!("{H}1,A,{big},1,2024-01-01 00:00:00,5.0,u1,UK\n2,A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n");
    let c = neutral(&csv);
    assert_eq!(c.transactions.len(), 1, "a 2 MiB record is over the 1 MiB record cap");
    assert_eq!(c.report.quarantined(Reason::Unparsable), 1);
    assert!(c.report.issues[0].message.contains("longer than 1048576 bytes"));
}

#[test]
fn malformed_records_do_not_bypass_the_batch_check() {
    // Quote-opening lines: each unterminated quote runs to the record cap.
    // With small caps, the batches must stay within max_batch_bytes; we check
    // the reading still accounts for every line and keeps the good rows.
    let csv_fmt = CsvFormat::default().limits(1000, 16, 2 * 1000 + 16 * 16 + 4096);
    let schema = TransactionSchema::online_retail().csv(csv_fmt);
    let mut body = String::from(H);
    for i in 0..2000 {
        if i % 10 == 0 {
            body.push_str(&format!("{i},A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n"));
        } else {
            body.push_str(&format!("{i},A,\"{},1\n", "y".repeat(300)));
        }
    }
    let c = read(body.as_bytes(), &schema, &CleaningRules::default()).unwrap();
    assert!(c.report.balances());
    assert!(c.report.quarantined(Reason::Unparsable) > 0);
    // Caps that cannot hold one record are rejected up front.
    let bad = TransactionSchema::online_retail().csv(CsvFormat::default().limits(1000, 16, 100));
    assert!(read(body.as_bytes(), &bad, &CleaningRules::default()).is_err());
}

#[test]
fn outlier_fences_from_extreme_data_panic_in_clamp() {
    use shopml_core::Fit;
    for p in [shopml_clean::OutlierParams::z_score(3.0), shopml_clean::OutlierParams::iqr(1.5), shopml_clean::OutlierParams::robust_z(3.5)]
    {
        for data in [&[1e308, 1e308, 1e308, -1e308][..], &[f64::MAX, -f64::MAX][..], &[f64::MAX; 3][..]] {
            match p.fit(data) {
                Ok(f) => {
                    let f: Fences = f;
                    assert!(f.lower <= f.upper && !f.lower.is_nan() && !f.upper.is_nan(), "{f:?}");
                    let _ = f.cap(1.0);
                }
                Err(e) => assert!(e.to_string().contains("finite") || e.to_string().contains("overflow"), "{e}"),
            }
        }
    }
    // A hand-made (or loaded) fence pair the wrong way round must not panic either.
    let f = Fences { lower: 1.0, upper: f64::NAN };
    let _ = f.cap(0.5);
    assert!(serde_json::from_str::<Fences>(r#"{"lower":2.0,"upper":1.0}"#).is_err());
}

#[test]
fn infinite_fences_round_trip_through_json() {
    use shopml_core::Fit;
    let f = shopml_clean::OutlierParams::z_score(3.0).fit(&[f64::MAX, -f64::MAX, 0.0][..]).unwrap();
    assert_eq!((f.lower, f.upper), (f64::NEG_INFINITY, f64::INFINITY), "the spread overflows f64");
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(serde_json::from_str::<Fences>(&json).unwrap(), f);
}

#[test]
fn loaded_json_is_validated() {
    use shopml_clean::{Cleaned, CleaningReport, EventRules, Imputer, ImputerParams, OutlierParams, Transaction};
    // Round trips of valid values.
    let rules = CleaningRules::online_retail();
    assert_eq!(serde_json::from_str::<CleaningRules>(&serde_json::to_string(&rules).unwrap()).unwrap(), rules);
    let schema = TransactionSchema::online_retail().delimiter(Delimiter::Whitespace);
    assert_eq!(serde_json::from_str::<TransactionSchema>(&serde_json::to_string(&schema).unwrap()).unwrap(), schema);
    // Edited values that would misbehave are rejected on load.
    let edit = |json: String, from: &str, to: &str| json.replacen(from, to, 1);
    let r = serde_json::to_string(&rules).unwrap();
    assert!(serde_json::from_str::<CleaningRules>(&edit(r.clone(), "[\"C\"]", "[\"\"]")).is_err(), "empty prefix");
    assert!(serde_json::from_str::<CleaningRules>(&edit(r, "\"ExactDuplicate\",", "")).is_err(), "rule order not a permutation");
    let s = serde_json::to_string(&TransactionSchema::online_retail()).unwrap();
    assert!(serde_json::from_str::<TransactionSchema>(&edit(s.clone(), "\"max_record_bytes\":1048576", "\"max_record_bytes\":0")).is_err());
    assert!(serde_json::from_str::<TransactionSchema>(&edit(s, "\"max_batch_bytes\":4194304", "\"max_batch_bytes\":10")).is_err());
    assert!(
        serde_json::from_str::<EventRules>(r#"{"drop_exact_duplicates":true,"time_window":[5,1],"kinds":null,"quarantine_file":null}"#)
            .is_err()
    );
    assert!(serde_json::from_str::<OutlierParams>(r#"{"method":{"Iqr":{"k":-1.0}},"min_group_size":8}"#).is_err());
    assert!(serde_json::from_str::<ImputerParams>(r#"{"strategy":{"Constant":1e999},"add_indicator":false}"#).is_err());
    assert!(serde_json::from_str::<Imputer>(r#"{"statistics":[1.0],"indicator_columns":[3]}"#).is_err(), "indicator past the columns");
    assert!(serde_json::from_str::<Imputer>(r#"{"statistics":[1.0,2.0],"indicator_columns":[1,0]}"#).is_err());
    let t = r#"{"invoice":"1","product":"A","description":null,"quantity":1.0,"timestamp":TS,"unit_price":2.0,"customer":null,"country":null,"line":2}"#;
    assert!(serde_json::from_str::<Transaction>(&t.replace("TS", "1700000000")).is_ok());
    assert!(serde_json::from_str::<Transaction>(&t.replace("TS", "9223372036854775807")).is_err(), "timestamp out of range");
    let report = r#"{"rows_read":3,"rows_kept":1,"returns":0,"quarantined":{},"matched":{},"outliers_flagged":0,"values_capped":0,"latin1_fields":0,"blank_lines":0,"issues":[]}"#;
    assert!(serde_json::from_str::<CleaningReport>(report).is_err(), "does not balance");
    let c = neutral(&format!("{H}1,A,x,1,2024-01-01 00:00:00,5.0,u1,UK\n"));
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Cleaned>(&json).unwrap(), c);
    assert!(serde_json::from_str::<Cleaned>(&json.replacen("\"rows_kept\":1", "\"rows_kept\":2", 1)).is_err());
}
