//! Arbitrary JSON into every public serde type of shopml-clean: loading
//! either fails or gives a value that works (and re-serialises) without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shopml_clean::*;
use shopml_core::Transform;

fn round<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) {
    let json = serde_json::to_string(v).expect("serialise");
    serde_json::from_str::<T>(&json).expect("a loaded value re-loads");
}

fuzz_target!(|data: &[u8]| {
    let Some((sel, body)) = data.split_first() else { return };
    match sel % 12 {
        0 => {
            if let Ok(mut r) = serde_json::from_slice::<CleaningRules>(body) {
                round(&r);
                // Never let fuzzed input choose a file to create.
                r.quarantine_file = None;
                let _ = read(&b"a,b,c,d,e\n1,2,3,2024-01-01,5\n"[..], &TransactionSchema::new("a", "b", "c", "d", "e"), &r);
            }
        }
        1 => {
            if let Ok(s) = serde_json::from_slice::<TransactionSchema>(body) {
                round(&s);
                let _ = read(&b"InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n1,A,1,2024-01-01,2\n"[..], &s, &CleaningRules::default());
            }
        }
        2 => {
            if let Ok(s) = serde_json::from_slice::<EventSchema>(body) {
                round(&s);
                let _ = read(&b"u,i,k,t\n1,2,view,2024-01-01\n"[..], &s, &EventRules::default());
            }
        }
        3 => {
            if let Ok(r) = serde_json::from_slice::<EventRules>(body) {
                round(&r);
            }
        }
        4 => {
            if let Ok(f) = serde_json::from_slice::<Fences>(body) {
                round(&f);
                let _ = f.cap(0.0);
                let _ = f.transform(&[1.0, -1.0, 1e308][..]);
            }
        }
        5 => {
            if let Ok(f) = serde_json::from_slice::<GroupedFences>(body) {
                let _ = f.is_outlier("x", 1.0);
            }
        }
        6 => {
            if let Ok(f) = serde_json::from_slice::<ColumnFences>(body) {
                let _ = f.flags(&matrix(f.columns.len()));
            }
        }
        7 => {
            if let Ok(m) = serde_json::from_slice::<Imputer>(body) {
                round(&m);
                let p = m.statistics.len();
                if p <= 64 {
                    let _ = m.transform(&matrix(p));
                }
            }
        }
        8 => {
            if let Ok(p) = serde_json::from_slice::<ImputerParams>(body) {
                round(&p);
            }
        }
        9 => {
            if let Ok(p) = serde_json::from_slice::<OutlierParams>(body) {
                round(&p);
                let _ = shopml_core::Fit::fit(&p, &[1.0, 2.0, 3.0, 1e300][..]);
            }
        }
        10 => {
            if let Ok(c) = serde_json::from_slice::<Cleaned>(body) {
                assert!(c.report.balances());
                round(&c);
            }
        }
        _ => {
            if let Ok(c) = serde_json::from_slice::<CleanedEvents>(body) {
                assert!(c.report.balances());
                round(&c);
            }
        }
    }
});

/// A 3 × p matrix with a gap.
fn matrix(p: usize) -> ndarray::Array2<f64> {
    let mut m = ndarray::Array2::zeros((3, p));
    if p > 0 {
        m[[1, 0]] = f64::NAN;
    }
    m
}
