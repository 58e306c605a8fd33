//! Bad input never panics: random text through the detectors, and the public
//! types are Send + Sync.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shopml_core::conformance::assert_send_sync;
use shopml_privacy::dp::DpReport;
use shopml_privacy::{Accountant, Key, PiiPolicy, Pseudonymiser, find_pii, mask_text};

#[test]
fn random_text_gives_valid_spans() {
    let alphabet: Vec<char> = "0123456789 -.()+@_%/,:;ABCXYZabcxyz€£éü\u{1F600}\n\t\"".chars().collect();
    let mut rng = StdRng::seed_from_u64(99);
    for _ in 0..20_000 {
        let len = rng.random_range(0..60);
        let text: String = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
        let found = find_pii(&text);
        let mut last = 0;
        for m in &found {
            assert!(m.start >= last && m.start < m.end && m.end <= text.len(), "{text:?}: {found:?}");
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            last = m.end;
        }
        let (masked, counts) = mask_text(&text);
        assert_eq!(counts.total() as usize, found.len());
        if found.is_empty() {
            assert_eq!(masked, text);
        }
    }
}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<Key>();
    assert_send_sync::<Pseudonymiser>();
    assert_send_sync::<PiiPolicy>();
    assert_send_sync::<Accountant>();
    assert_send_sync::<DpReport>();
}
