//! Arbitrary bytes through the event reader: balanced report or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shopml_clean::{DateFormat, EventRules, EventSchema, read};
use shopml_core::Timestamp;

fuzz_target!(|data: &[u8]| {
    let (sel, body) = match data.split_first() {
        Some((s, b)) => (*s, b),
        None => (0, data),
    };
    let schema = match sel % 3 {
        0 => EventSchema::new("user", "item", "event", "ts").session("session").price("price"),
        1 => EventSchema::new(0usize, 1usize, 2usize, 3usize).price(4usize).has_header(false).date_format(DateFormat::UnixMillis),
        _ => EventSchema::new(0usize, 1usize, 2usize, 3usize).has_header(false).delimiter(';').date_format(DateFormat::UnixSeconds),
    };
    if let Ok(c) = read(body, &schema, &EventRules::default()) {
        assert!(c.report.balances());
        assert_eq!(c.events.len() as u64, c.report.rows_kept);
        for e in &c.events {
            assert!(e.price.is_none_or(f64::is_finite));
            assert!((Timestamp::MIN..=Timestamp::MAX).contains(&e.timestamp));
        }
    }
});
