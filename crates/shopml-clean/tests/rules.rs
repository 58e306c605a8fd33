//! Each validation rule on small hand-made exports, with counts worked out by hand.

use shopml_clean::{
    CleanError, CleaningReport, CleaningRules, Column, DateFormat, Encoding, EventKind, EventRules, EventSchema, Field, MissingCustomer,
    NumericField, OutlierAction, OutlierParams, OutlierRule, ReadOptions, Reason, ReturnPolicy, TransactionSchema, read, read_with,
    sample::sample_by_customer,
};
use shopml_core::Timestamp;

const H: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

fn run(body: &str, rules: &CleaningRules) -> shopml_clean::Cleaned {
    let c = read(format!("{H}{body}").as_bytes(), &TransactionSchema::online_retail(), rules).unwrap();
    assert!(c.report.balances(), "{}", c.report);
    c
}

#[test]
fn key_duplicates_and_time_window() {
    let body = "1,A,x,1,2011-01-01 10:00:00,1.0,10.0,UK\n\
                1,A,x,2,2011-01-01 10:00:00,1.0,10.0,UK\n\
                2,A,x,1,2012-01-01 10:00:00,1.0,10.0,UK\n";
    let rules = CleaningRules::online_retail().key_duplicates(Some(vec![Field::Invoice, Field::Product]));
    let c = run(body, &rules);
    assert_eq!(c.report.quarantined(Reason::KeyDuplicate), 1);
    assert_eq!(c.transactions.len(), 2);
    let end = Timestamp::from_date(2012, 1, 1).unwrap();
    let c = run(body, &CleaningRules::online_retail().time_window(Timestamp::from_date(2011, 1, 1).unwrap(), end));
    assert_eq!(c.report.quarantined(Reason::OutsideWindow), 1);
    assert!(
        CleaningRules::online_retail()
            .time_window(end, end)
            .key_duplicates(None)
            .quarantine_file("x")
            .missing_customer(MissingCustomer::Keep)
            != CleaningRules::online_retail()
    );
    let bad =
        read(format!("{H}{body}").as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail().time_window(end, end));
    assert!(matches!(bad, Err(CleanError::Core(shopml_core::Error::InvalidParameter { name: "time_window", .. }))));
}

#[test]
fn return_policies_and_first_reason_wins() {
    let body = "C1,A,x,-1,2011-01-01 10:00:00,1.0,10.0,UK\n\
                2,A,x,-5,2011-01-01 10:00:00,1.0,,UK\n\
                3,POST,postage,1,2011-01-01 10:00:00,0.0,,UK\n";
    let split = run(body, &CleaningRules::online_retail());
    assert_eq!((split.returns.len(), split.transactions.len()), (1, 0));
    assert_eq!(split.report.quarantined(Reason::MissingCustomer), 1);
    // Line 4 matches three rules; non-product comes first.
    assert_eq!(split.report.quarantined(Reason::NonProduct), 1);
    assert_eq!(split.report.matched(Reason::NonPositivePrice), 1);
    assert_eq!(split.report.matched(Reason::MissingCustomer), 2);
    assert_eq!(split.report.matched(Reason::Return), 2);
    let keep = run(body, &CleaningRules::online_retail().returns(ReturnPolicy::Keep).missing_customer(MissingCustomer::Keep));
    assert_eq!((keep.returns.len(), keep.transactions.len()), (0, 2));
    // Quarantining returns leaves nothing here: an error naming the first rejected line.
    let all_gone = read(
        format!("{H}{body}").as_bytes(),
        &TransactionSchema::online_retail(),
        &CleaningRules::online_retail().returns(ReturnPolicy::Quarantine),
    );
    assert!(matches!(all_gone, Err(CleanError::NothingKept { rows_read: 3, line: 2, reason: Reason::Return, .. })), "{all_gone:?}");
    let q =
        run(&format!("{body}4,A,x,1,2011-01-01 10:00:00,1.0,10.0,UK\n"), &CleaningRules::online_retail().returns(ReturnPolicy::Quarantine));
    assert_eq!(q.report.quarantined(Reason::Return), 1);
    let not_neg = run(
        body,
        &CleaningRules { negative_quantity_is_return: false, ..CleaningRules::online_retail().missing_customer(MissingCustomer::Keep) },
    );
    assert_eq!(not_neg.returns.len(), 1);
    assert_eq!(not_neg.transactions[0].quantity, -5.0);
}

#[test]
fn non_product_codes_are_case_insensitive_and_prefixes_work() {
    let body = "1,m,manual,1,2011-01-01 10:00:00,1.0,10,UK\n2,gift_0001_10,voucher,1,2011-01-01 10:00:00,10.0,10,UK\n3,A,mug,1,2011-01-01 10:00:00,1.0,10,UK\n";
    let c = run(body, &CleaningRules::online_retail());
    assert_eq!(c.report.quarantined(Reason::NonProduct), 1);
    let c = run(body, &CleaningRules { non_product_prefixes: vec!["GIFT_".into()], ..CleaningRules::online_retail() });
    assert_eq!(c.report.quarantined(Reason::NonProduct), 2);
    let c = run(body, &CleaningRules::online_retail().non_product_codes([] as [&str; 0]));
    assert_eq!(c.transactions.len(), 3);
}

#[test]
fn unparsable_rows_name_line_and_column() {
    let body = "1,A,x,1,2011-01-01 10:00:00,1.0,10,UK\n\
                2,A,x,1,2011-02-30 10:00:00,1.0,10,UK\n\
                3,A,x,1,2011-01-01 10:00:00,abc,10,UK\n\
                4,A,x,1,2011-01-01 10:00:00,1.0,10\n\
                ,A,x,1,2011-01-01 10:00:00,1.0,10,UK\n\
                6,A,x,inf,2011-01-01 10:00:00,1.0,10,UK\n";
    let c = run(body, &CleaningRules::online_retail());
    assert_eq!(c.report.quarantined(Reason::Unparsable), 5);
    let at: Vec<(u64, Option<usize>)> = c.report.issues.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(at, vec![(3, Some(5)), (4, Some(6)), (5, Some(8)), (6, Some(1)), (7, Some(4))]);
    let mut side = Vec::new();
    read_with(
        format!("{H}{body}").as_bytes(),
        &TransactionSchema::online_retail(),
        &CleaningRules::online_retail(),
        ReadOptions::new().quarantine(&mut side),
    )
    .unwrap();
    let side = String::from_utf8(side).unwrap();
    assert_eq!(side.lines().count(), 6);
    assert!(side.lines().nth(3).unwrap().starts_with("5,unparsable,8,\"expected 8 fields, found 7\",\"4,A,x,1,"), "{side}");
}

#[test]
fn latin1_positions_and_us_dates() {
    let mut bytes = b"1;P1;caf\xe9;2;12/1/2010 8:26;1.5;17850.0\n".to_vec();
    bytes.extend_from_slice(b"2;P2;ok;1;12/31/2010 23:59;2.5;17850\n");
    let schema = TransactionSchema::new(0usize, 1usize, 3usize, 4usize, 5usize)
        .description(2usize)
        .customer(6usize)
        .has_header(false)
        .delimiter(b';')
        .date_format(DateFormat::MdyHm);
    let c = read(&bytes[..], &schema, &CleaningRules::online_retail()).unwrap();
    assert_eq!(c.transactions.len(), 2, "{:?}", c.report);
    assert_eq!(c.transactions[0].description.as_deref(), Some("café"));
    assert_eq!(c.transactions[0].timestamp, Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap());
    assert_eq!(c.transactions[1].customer.as_deref(), Some("17850"));
    assert_eq!(c.report.latin1_fields, 1);
    let strict = read(&bytes[..], &schema.clone().encoding(Encoding::Utf8), &CleaningRules::online_retail()).unwrap();
    assert_eq!(strict.report.quarantined(Reason::Unparsable), 1);
    let latin = read(&bytes[..], &schema.encoding(Encoding::Latin1), &CleaningRules::online_retail()).unwrap();
    assert_eq!(latin.report.latin1_fields, 0);
    assert_eq!(latin.transactions[0].description.as_deref(), Some("café"));
}

#[test]
fn schema_errors() {
    let no_country = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n";
    let e = read(no_country.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap_err();
    assert!(matches!(&e, CleanError::MissingColumn { name, field, .. } if name == "Country" && field == "country"), "{e}");
    let e = read(&b""[..], &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap_err();
    assert!(matches!(e, CleanError::NoHeader));
    let by_pos = TransactionSchema::online_retail().customer(Column::Index(9));
    let e = read(H.as_bytes(), &by_pos, &CleaningRules::online_retail()).unwrap_err();
    assert!(matches!(e, CleanError::ColumnOutOfRange { index: 9, .. }), "{e}");
    // A byte-order mark before the header is ignored.
    let c = read(format!("\u{feff}{H}").as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    assert_eq!(c.report.rows_read, 0);
}

#[test]
fn outlier_rules_in_the_pipeline() {
    // Quantities 1..=8 and 100 for one product: Q1 = 3, Q3 = 7, fences [-3, 13].
    let mut body = String::new();
    for (i, q) in [1, 2, 3, 4, 5, 6, 7, 8, 100].iter().enumerate() {
        body.push_str(&format!("{i},A,x,{q},2011-01-01 10:00:00,1.0,10,UK\n"));
    }
    let rule = |action| OutlierRule { field: NumericField::Quantity, detector: OutlierParams::iqr(1.5), per_product: true, action };
    let c = run(&body, &CleaningRules::online_retail().outlier(rule(OutlierAction::Drop)));
    assert_eq!((c.transactions.len(), c.report.quarantined(Reason::Outlier)), (8, 1));
    let c = run(&body, &CleaningRules::online_retail().outlier(rule(OutlierAction::Cap)));
    assert_eq!((c.transactions[8].quantity, c.report.values_capped), (13.0, 1));
    let c = run(&body, &CleaningRules::online_retail().outlier(rule(OutlierAction::Flag)));
    assert_eq!((c.transactions[8].quantity, c.report.outliers_flagged), (100.0, 1));
    let mut side = Vec::new();
    let schema = TransactionSchema::online_retail();
    read_with(
        format!("{H}{body}").as_bytes(),
        &schema,
        &CleaningRules::online_retail().outlier(rule(OutlierAction::Drop)),
        ReadOptions::new().quarantine(&mut side),
    )
    .unwrap();
    assert!(String::from_utf8(side).unwrap().contains("10,outlier,,\"Quantity 100 outside [-3, 13]\""));
}

#[test]
fn report_serde_round_trip() {
    let c = run("1,A,x,1,2011-01-01 10:00:00,1.0,,UK\n2,A,x,1,2011-01-01 10:00:00,1.0,7,UK\n", &CleaningRules::online_retail());
    let json = serde_json::to_string(&c.report).unwrap();
    let back: CleaningReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c.report);
    assert!(json.contains("\"MissingCustomer\":1"));
}

#[test]
fn events() {
    let csv = "ts,user,item,event,session\n\
               1700000000,7.0,42,view,s1\n\
               1700000000,7.0,42,view,s1\n\
               1700000060,7,42,addtocart,s1\n\
               1700000120,7,42,wishlist,\n\
               yesterday,7,42,view,s1\n";
    let schema = EventSchema::new("user", "item", "event", "ts").session("session").date_format(DateFormat::UnixSeconds);
    let c = read(csv.as_bytes(), &schema, &EventRules::default()).unwrap();
    assert!(c.report.balances());
    assert_eq!(c.events.len(), 3);
    assert_eq!(c.events[0].user, "7");
    assert_eq!(c.events[1].kind, EventKind::Cart);
    assert_eq!(c.events[2].kind, EventKind::Other("wishlist".into()));
    assert_eq!(c.events[2].session, None);
    assert_eq!(c.report.quarantined(Reason::ExactDuplicate), 1);
    assert_eq!(c.report.issues[0].line, 6);
    let only = EventRules::default().kinds(vec![EventKind::View, EventKind::Cart]);
    let c = read(csv.as_bytes(), &schema, &only).unwrap();
    assert_eq!(c.report.quarantined(Reason::UnknownEventKind), 1);
}

#[test]
fn sample_keeps_whole_customers() {
    let mut body = String::from(H);
    for i in 0..200 {
        body.push_str(&format!("{i},A,x,1,2011-01-01 10:00:00,1.0,{}.0,UK\n", i % 20));
        body.push_str(&format!("{i},B,y,1,2011-01-01 10:00:00,1.0,{},UK\n", i % 20));
    }
    let schema = TransactionSchema::online_retail();
    let mut out = Vec::new();
    let stats = sample_by_customer(body.as_bytes(), &mut out, &schema, 4, 1).unwrap();
    assert_eq!(stats.records_read, 400);
    let again = {
        let mut o = Vec::new();
        sample_by_customer(body.as_bytes(), &mut o, &schema, 4, 1).unwrap();
        o
    };
    assert_eq!(out, again, "deterministic for a seed");
    // Whole customers: each kept customer keeps all 20 of its lines ("17" and "17.0" are one customer).
    let c = read(&out[..], &schema, &CleaningRules::permissive()).unwrap();
    let mut per = std::collections::BTreeMap::new();
    for t in &c.transactions {
        *per.entry(t.customer.clone().unwrap()).or_insert(0) += 1;
    }
    assert!(per.values().all(|&n| n == 20), "{per:?}");
    assert_eq!(stats.records_written, 20 * per.len() as u64);
}

#[test]
fn same_output_whatever_the_thread_count() {
    // Several reader batches (4,096 records each), with duplicates across batch borders.
    let mut body = String::new();
    for i in 0..20_000u32 {
        let line = format!(
            "{},P{},\"d, {}\",{},2011-01-01 10:00:00,1.5,{},UK\n",
            i / 3,
            i % 50,
            i % 7,
            (i % 5) as i32 - 1,
            if i % 4 == 0 { String::new() } else { (i % 300).to_string() }
        );
        body.push_str(&line);
        if i % 997 == 0 {
            body.push_str(&line);
        }
    }
    let text = format!("{H}{body}");
    let run = || read(text.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    shopml_core::conformance::check_thread_count_independence(run);
    let c = run();
    assert!(c.report.balances());
    assert_eq!(c.report.rows_read, 20_000 + 21);
    assert_eq!(c.report.quarantined(Reason::ExactDuplicate), 21);
    // File order is kept.
    assert!(c.transactions.windows(2).all(|w| w[0].line < w[1].line));
}
