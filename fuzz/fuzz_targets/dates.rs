//! Arbitrary text through every date layout: an `Ok` is always inside the
//! supported range, and `Auto` agrees with the layout it claims to have used.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shopml_clean::DateFormat;
use shopml_core::Timestamp;

const ALL: [DateFormat; 8] = [
    DateFormat::Auto,
    DateFormat::Iso8601,
    DateFormat::MdyHm,
    DateFormat::DmyHm,
    DateFormat::DmyDot,
    DateFormat::Compact,
    DateFormat::UnixSeconds,
    DateFormat::UnixMillis,
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut ok = Vec::new();
    for f in ALL {
        if let Ok(t) = f.parse(&text) {
            assert!((Timestamp::MIN..=Timestamp::MAX).contains(&t), "{f:?} {text:?} -> {t:?}");
            ok.push(t);
        }
    }
    // What Auto reads, some explicit layout reads the same way.
    if let Ok(t) = DateFormat::Auto.parse(&text) {
        assert!(ok[1..].contains(&t), "Auto read {text:?} as {t:?}, no explicit layout agrees");
    }
});
