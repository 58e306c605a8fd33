//! Property tests of the CSV readers: arbitrary bytes, truncated lines,
//! broken quoting and corrupt gzip give errors or quarantined rows, never a
//! panic, and the report always balances.

use std::io::Write;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use shopml_clean::{
    CleanError, CleaningRules, DateFormat, Encoding, EventRules, EventSchema, MissingCustomer, ReadOptions, Reason, TransactionSchema,
    read, read_with,
};

const HEADER: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const GOOD: &str = "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n\
536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,15311.0,United Kingdom\n\
536477,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",48,2010-12-01 12:27:00,2.1,16210.0,United Kingdom\n\
C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n\
536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom\n";

fn check_transactions(bytes: &[u8], schema: &TransactionSchema, rules: &CleaningRules) {
    match read(bytes, schema, rules) {
        Err(_) => {}
        Ok(c) => {
            let r = &c.report;
            assert!(r.balances(), "{r}");
            assert_eq!(c.transactions.len() as u64, r.rows_kept);
            assert_eq!(c.returns.len() as u64, r.returns);
            assert!(c.transactions.iter().all(|t| t.quantity.is_finite() && t.unit_price.is_finite()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_after_a_header(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(&body);
        check_transactions(&bytes, &TransactionSchema::online_retail(), &CleaningRules::online_retail());
        check_transactions(&bytes, &TransactionSchema::online_retail().encoding(Encoding::Utf8), &CleaningRules::permissive());
    }

    #[test]
    fn arbitrary_bytes_everywhere(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_transactions(&bytes, &TransactionSchema::online_retail(), &CleaningRules::online_retail());
        let positional = TransactionSchema::new(0usize, 1usize, 2usize, 3usize, 4usize).customer(5usize).has_header(false);
        check_transactions(&bytes, &positional, &CleaningRules::online_retail().missing_customer(MissingCustomer::Keep));
        let events = EventSchema::new(0usize, 1usize, 2usize, 3usize).price(4usize).has_header(false).date_format(DateFormat::Auto);
        if let Ok(c) = read(&bytes[..], &events, &EventRules::default()) {
            prop_assert!(c.report.balances());
        }
    }

    #[test]
    fn truncated_input_loses_nothing_silently(cut in 0usize..GOOD.len()) {
        let text = format!("{HEADER}{}", &GOOD[..cut]);
        let complete = GOOD[..cut].matches('\n').count() as u64;
        let c = match read(text.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::permissive()) {
            Ok(c) => c,
            // Only a lone partial first line can leave nothing: it is then an error naming line 2.
            Err(CleanError::NothingKept { rows_read: 1, line: 2, .. }) if complete == 0 => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert!(c.report.balances());
        // Every complete line is a row; a partial last line is one more row (parsed or quarantined).
        prop_assert!(c.report.rows_read == complete || c.report.rows_read == complete + 1, "{} rows for {complete} lines", c.report.rows_read);
        let mut side = Vec::new();
        let q = read_with(text.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail(), ReadOptions::new().quarantine(&mut side));
        if let Ok(q) = &q {
            prop_assert!(q.report.balances());
        }
        // The side file has a header plus one record per quarantined row.
        let side = String::from_utf8_lossy(&side);
        prop_assert!(side.starts_with("line,reason,column,message,record\n"));
    }

    #[test]
    fn random_quotes_and_delimiters(cells in proptest::collection::vec(proptest::sample::select(vec!["\"", ",", "\n", "\r\n", "a", "1", "\"\"", "2010-12-01 08:26:00", "C1", "-3", " ", "\u{e9}"]), 0..80)) {
        let mut text = HEADER.to_string();
        text.extend(cells);
        check_transactions(text.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail());
    }

    #[test]
    fn corrupt_gzip(cut in 0usize..200, flip in 0usize..200) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(HEADER.as_bytes()).unwrap();
        e.write_all(GOOD.as_bytes()).unwrap();
        let mut gz = e.finish().unwrap();
        if flip < gz.len() && flip > 2 {
            gz[flip] ^= 0x55;
        }
        gz.truncate(cut.max(2).min(gz.len()));
        check_transactions(&gz, &TransactionSchema::online_retail(), &CleaningRules::online_retail());
    }
}

#[test]
fn the_good_sample_itself() {
    let text = format!("{HEADER}{GOOD}");
    let c = read(text.as_bytes(), &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap();
    assert_eq!(c.report.rows_read, 5);
    assert_eq!(c.transactions.len(), 3);
    assert_eq!(c.transactions[2].description.as_deref(), Some("RECORD FRAME 7\" SINGLE SIZE"));
    assert_eq!(c.report.quarantined(Reason::NonProduct), 1);
    assert_eq!(c.report.quarantined(Reason::NonPositivePrice), 1);
}
