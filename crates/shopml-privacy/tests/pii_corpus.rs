//! Precision and recall of the PII detectors on a seeded synthetic corpus of
//! shop descriptions and notes with planted e-mails, phones, cards and IBANs.
//! The planted values are made here, independently of the detectors: cards
//! get their Luhn digit and IBANs their mod-97 check digits computed by this
//! file's own code.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shopml_privacy::{PiiKind, find_pii, mask_text};

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
}

fn letters(rng: &mut StdRng, n: usize) -> String {
    (0..n).map(|_| char::from(b'A' + rng.random_range(0..26u8))).collect()
}

fn luhn_digit(body: &str) -> char {
    // The check digit makes the Luhn sum of body+digit a multiple of 10.
    let mut sum = 0;
    for (i, c) in body.bytes().rev().enumerate() {
        let mut v = (c - b'0') as u32;
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    for &g in sizes {
        out.push(&s[i..i + g]);
        i += g;
    }
    out.join(sep)
}

fn card(rng: &mut StdRng) -> String {
    let (prefix, len) = match rng.random_range(0..5) {
        0 => ("4".to_string(), 16),
        1 => (format!("5{}", rng.random_range(1..=5)), 16),
        2 => (if rng.random_bool(0.5) { "34" } else { "37" }.to_string(), 15),
        3 => ("6011".to_string(), 16),
        _ => (format!("{}", rng.random_range(2221..=2720)), 16),
    };
    let body = format!("{prefix}{}", digits(rng, len - 1 - prefix.len()));
    let number = format!("{body}{}", luhn_digit(&body));
    let sep = ["", " ", "-"][rng.random_range(0..3)];
    if sep.is_empty() {
        number
    } else if len == 15 {
        group(&number, &[4, 6, 5], sep)
    } else {
        group(&number, &[4, 4, 4, 4], sep)
    }
}

/// Remainder of a big decimal string modulo 97.
fn mod97(s: &str) -> u32 {
    s.bytes().fold(0, |r, c| (r * 10 + (c - b'0') as u32) % 97)
}

fn iban(rng: &mut StdRng) -> String {
    let (cc, bban) = match rng.random_range(0..7) {
        0 => ("GB", format!("{}{}", letters(rng, 4), digits(rng, 14))),
        1 => ("DE", digits(rng, 18)),
        2 => ("FR", format!("{}{}{}", digits(rng, 10), letters(rng, 1), digits(rng, 12))),
        3 => ("NL", format!("{}{}", letters(rng, 4), digits(rng, 10))),
        4 => ("ES", digits(rng, 20)),
        5 => ("IT", format!("{}{}", letters(rng, 1), digits(rng, 22))),
        _ => ("BE", digits(rng, 12)),
    };
    // Check digits: 98 − (BBAN ‖ country ‖ "00" as a number, letters A=10 … Z=35) mod 97.
    let numeric: String = format!("{bban}{cc}00")
        .chars()
        .map(|c| if c.is_ascii_digit() { c.to_string() } else { (c as u32 - 'A' as u32 + 10).to_string() })
        .collect();
    let check = 98 - mod97(&numeric);
    let compact = format!("{cc}{check:02}{bban}");
    if rng.random_bool(0.5) {
        compact
    } else {
        let chunks: Vec<String> = compact.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        chunks.join(" ")
    }
}

fn phone(rng: &mut StdRng) -> String {
    match rng.random_range(0..8) {
        0 => format!("+44 20 {} {}", digits(rng, 4), digits(rng, 4)),
        1 => format!("020 {} {}", digits(rng, 4), digits(rng, 4)),
        2 => format!("({}) {}-{}", 200 + rng.random_range(0..800), digits(rng, 3), digits(rng, 4)),
        3 => format!("{}-{}-{}", 200 + rng.random_range(0..800), digits(rng, 3), digits(rng, 4)),
        4 => format!("+1 {} {} {}", 200 + rng.random_range(0..800), digits(rng, 3), digits(rng, 4)),
        5 => format!("07{} {}", digits(rng, 3), digits(rng, 6)),
        6 => format!("+33 {} {} {} {} {}", rng.random_range(1..10), digits(rng, 2), digits(rng, 2), digits(rng, 2), digits(rng, 2)),
        _ => format!("+49{}{}", rng.random_range(1..10), digits(rng, 9)),
    }
}

fn email(rng: &mut StdRng) -> String {
    let first = ["anna", "jo", "m", "peter", "li", "o.brien", "sam_w", "x"][rng.random_range(0..8)];
    let local = match rng.random_range(0..4) {
        0 => first.to_string(),
        1 => format!("{first}.{}", letters(rng, 5).to_lowercase()),
        2 => format!("{first}{}", digits(rng, 3)),
        _ => format!("{first}+shop"),
    };
    let domain = ["example.com", "mail.example.co.uk", "shop-online.de", "post.fr", "uni.edu", "x.io"][rng.random_range(0..6)];
    format!("{local}@{domain}")
}

/// Text a description or note holds that is not personal data.
fn filler(rng: &mut StdRng) -> String {
    let n = rng.random_range(1..200);
    match rng.random_range(0..14) {
        0 => format!("SET OF {n} CAKE CASES"),
        1 => format!("PACK OF {} PAPER NAPKINS", 12 * n),
        2 => format!("ORDER {}", 536_000 + rng.random_range(0..10_000)),
        3 => format!(
            "DELIVERED 2011-{:02}-{:02} {:02}:{:02}",
            rng.random_range(1..13),
            rng.random_range(1..29),
            rng.random_range(0..24),
            rng.random_range(0..60)
        ),
        4 => format!("PRICE £{}.{:02}", n, rng.random_range(0..100)),
        5 => format!("SKU {}{}", digits(rng, 5), letters(rng, 1)),
        6 => format!("{} X {} CM", n, rng.random_range(1..100)),
        7 => format!("{} INCH", rng.random_range(1..10) as f64 + 0.5),
        8 => "WHITE HANGING HEART T-LIGHT HOLDER".to_string(),
        9 => format!("VAT GB{}", digits(rng, 9)),
        10 => {
            // A 16-digit reference with a wrong Luhn digit: not a card, too long for a phone.
            let body = format!("4{}", digits(rng, 14));
            let good = luhn_digit(&body);
            let bad = char::from(b'0' + ((good as u8 - b'0' + 1 + rng.random_range(0..9u8)) % 10));
            format!("REF {body}{bad}")
        }
        11 => format!("{}% OFF, 2 FOR {}", 10 * rng.random_range(1..9), n),
        12 => "meet @ the shop, 3 @ 2.50".to_string(),
        _ => format!("ROOM {}-{}", rng.random_range(1..50), rng.random_range(1..50)),
    }
}

#[derive(Default)]
struct Tally {
    planted: usize,
    found: usize,
    hit: usize,
}

#[test]
fn precision_and_recall_on_seeded_corpus() {
    let mut rng = StdRng::seed_from_u64(2026);
    let kinds = PiiKind::ALL;
    let mut tally: Vec<Tally> = kinds.iter().map(|_| Tally::default()).collect();
    let intro = ["CONTACT ", "EMAIL ", "CALL ", "PAY TO ", "CARD ", "customer wrote: ", "", "ref: "];
    for _ in 0..3000 {
        let mut text = String::new();
        let mut planted: Vec<(PiiKind, usize, usize)> = Vec::new();
        for part in 0..rng.random_range(1..5) {
            if part > 0 {
                text.push_str(["; ", " / ", ", ", " - ", " AND "][rng.random_range(0..5)]);
            }
            if rng.random_bool(0.45) {
                let kind = kinds[rng.random_range(0..4)];
                let value = match kind {
                    PiiKind::Email => email(&mut rng),
                    PiiKind::Phone => phone(&mut rng),
                    PiiKind::Card => card(&mut rng),
                    PiiKind::Iban => iban(&mut rng),
                };
                text.push_str(intro[rng.random_range(0..intro.len())]);
                let start = text.len();
                text.push_str(&value);
                planted.push((kind, start, text.len()));
                if rng.random_bool(0.3) {
                    text.push_str([".", ")", " PLEASE", " THANKS!"][rng.random_range(0..4)]);
                }
            } else {
                text.push_str(&filler(&mut rng));
            }
        }
        let found = find_pii(&text);
        for (k, t) in kinds.iter().zip(tally.iter_mut()) {
            let p: Vec<_> = planted.iter().filter(|m| m.0 == *k).map(|m| (m.1, m.2)).collect();
            let f: Vec<_> = found.iter().filter(|m| m.kind == *k).map(|m| (m.start, m.end)).collect();
            t.planted += p.len();
            t.found += f.len();
            let hits = f.iter().filter(|s| p.contains(s)).count();
            t.hit += hits;
            if hits != p.len() || hits != f.len() {
                eprintln!("{k:?} mismatch in {text:?}: planted {p:?}, found {f:?}");
            }
        }
        // Masking leaves none of the planted values behind.
        let (masked, counts) = mask_text(&text);
        assert_eq!(counts.total() as usize, found.len());
        for &(_, s, e) in &planted {
            assert!(!masked.contains(&text[s..e]), "{} survived masking in {masked:?}", &text[s..e]);
        }
    }
    let (mut hit, mut planted, mut found) = (0, 0, 0);
    for (k, t) in kinds.iter().zip(&tally) {
        let precision = t.hit as f64 / t.found as f64;
        let recall = t.hit as f64 / t.planted as f64;
        eprintln!("{k:?}: planted {}, found {}, correct {}, precision {precision:.4}, recall {recall:.4}", t.planted, t.found, t.hit);
        assert!(t.planted > 200, "too few {k:?} planted");
        assert!(precision >= 0.99 && recall >= 0.99, "{k:?}: precision {precision}, recall {recall}");
        hit += t.hit;
        planted += t.planted;
        found += t.found;
    }
    assert!(hit as f64 / found as f64 >= 0.99 && hit as f64 / planted as f64 >= 0.99);
}
