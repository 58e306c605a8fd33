//! Criterion benches: reading + cleaning a synthetic Online-Retail-shaped
//! export in memory, and fitting outlier fences and an imputer.
//!
//! `cargo bench -p shopml-clean` (quick settings: a run takes seconds).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use shopml_clean::{CleaningRules, ImputeStrategy, ImputerParams, OutlierParams, TransactionSchema, read};
use shopml_core::Fit;

/// 50,000 lines with duplicates, returns, guests, postage and a quoted description.
fn synthetic_csv() -> Vec<u8> {
    let mut s = String::from("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    for i in 0..50_000u64 {
        let inv = if i % 97 == 0 { format!("C{}", 536_000 + i / 7) } else { (536_000 + i / 7).to_string() };
        let code = if i % 113 == 0 { "POST".to_string() } else { format!("{}", 20_000 + (i * 7919) % 3_000) };
        let qty: i64 = if i % 97 == 0 { -((i % 5) as i64 + 1) } else { (i % 24) as i64 + 1 };
        let cust = if i % 4 == 0 { String::new() } else { format!("{}.0", 12_000 + (i * 31) % 4_000) };
        let (d, h, m) = (1 + (i / 2_000) % 28, 8 + (i / 100) % 10, i % 60);
        s.push_str(&format!(
            "{inv},{code},\"PRODUCT, NO {code}\",{qty},2011-02-{d:02} {h:02}:{m:02}:00,{}.{:02},{cust},United Kingdom\n",
            1 + i % 9,
            i % 100
        ));
        if i % 101 == 0 {
            let last = s.lines().last().unwrap_or_default().to_string();
            s.push_str(&last);
            s.push('\n');
        }
    }
    s.into_bytes()
}

fn benches(c: &mut Criterion) {
    let csv = synthetic_csv();
    let schema = TransactionSchema::online_retail();
    let rules = CleaningRules::online_retail();
    c.bench_function("read_clean_50k_lines", |b| b.iter(|| read(&csv[..], &schema, &rules).unwrap()));

    let values: Vec<f64> = (0..100_000).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
    c.bench_function("iqr_fences_100k", |b| b.iter(|| OutlierParams::iqr(1.5).fit(&values[..]).unwrap()));
    let groups: Vec<String> = (0..100_000).map(|i| format!("p{}", i % 500)).collect();
    c.bench_function("robust_z_per_group_100k_500_groups", |b| {
        b.iter(|| OutlierParams::robust_z(3.5).fit_grouped(&values, &groups).unwrap())
    });

    let x = Array2::from_shape_fn((20_000, 20), |(i, j)| if (i * 31 + j * 17) % 11 == 0 { f64::NAN } else { (i + j) as f64 });
    c.bench_function("median_imputer_fit_20k_x_20", |b| b.iter(|| ImputerParams::new(ImputeStrategy::Median).fit(&x).unwrap()));
}

criterion_group! {
    name = clean;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(clean);
