//! Arbitrary bytes through the order-line reader under several layouts: an
//! `Ok` always balances and holds only finite, in-range rows; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shopml_clean::{CleaningRules, CsvFormat, DateFormat, Delimiter, MissingCustomer, TransactionSchema, read};
use shopml_core::Timestamp;

fuzz_target!(|data: &[u8]| {
    let (sel, body) = match data.split_first() {
        Some((s, b)) => (*s, b),
        None => (0, data),
    };
    let small = CsvFormat::default().limits(256, 16, 2 * 256 + 16 * 16 + 4096);
    let schema = match sel % 4 {
        0 => TransactionSchema::online_retail(),
        1 => TransactionSchema::online_retail().csv(small),
        2 => TransactionSchema::new(0usize, 1usize, 2usize, 3usize, 4usize)
            .customer(5usize)
            .category(6usize)
            .has_header(false)
            .delimiter(Delimiter::Whitespace)
            .date_format(DateFormat::Compact),
        _ => TransactionSchema::new("o", "s", "q", "t", "p").line_total("p").other_columns(true).delimiter("||"),
    };
    let rules = match (sel / 4) % 3 {
        0 => CleaningRules::default(),
        1 => CleaningRules::online_retail(),
        _ => CleaningRules::permissive().missing_customer(MissingCustomer::Keep),
    };
    if let Ok(c) = read(body, &schema, &rules) {
        let r = &c.report;
        assert!(r.balances());
        assert_eq!(c.transactions.len() as u64, r.rows_kept);
        assert_eq!(c.returns.len() as u64, r.returns);
        for t in c.transactions.iter().chain(&c.returns) {
            assert!(t.quantity.is_finite() && t.unit_price.is_finite());
            assert!((Timestamp::MIN..=Timestamp::MAX).contains(&t.timestamp));
        }
    }
});
