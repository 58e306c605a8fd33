//! MSTL + AutoETS on half-hourly electricity demand (taylor, GPL-3 data read
//! in place through `SHOPML_DATA`): on rolling origins it must beat the
//! seasonal naive forecast (last week repeated), and its forecasts must be
//! non-negative and finite.

use std::io::Read;

use shopml_core::testdata::data_path;
use shopml_core::{Fit, Forecast, TimeSeries};
use shopml_forecast::mstl::MstlEts;

fn smape(y: &[f64], f: &[f64]) -> f64 {
    y.iter().zip(f).map(|(a, b)| 200.0 * (a - b).abs() / (a.abs() + b.abs())).sum::<f64>() / y.len() as f64
}

#[test]
#[ignore = "needs SHOPML_DATA (GPL-3 data read in place)"]
fn mstl_beats_seasonal_naive_on_taylor() {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(data_path("high_frequency/taylor.csv.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let y: Vec<f64> = text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    let (h, origins, week) = (48, 7, 336); // the protocol of `benches/peers/run forecast_mstl`: one week of daily origins
    let (mut ours, mut naive) = (0.0, 0.0);
    for o in 0..origins {
        let end = y.len() - (origins - o) * h;
        let train = &y[..end];
        let test = &y[end..end + h];
        let f = MstlEts::params(vec![48, 336]).fit(&TimeSeries::new(train.to_vec(), 48).unwrap()).unwrap().forecast(h, &[95.0]).unwrap();
        assert!(f.point.iter().all(|v| v.is_finite() && *v > 0.0));
        let sn: Vec<f64> = (0..h).map(|i| train[train.len() - week + i % week]).collect();
        ours += smape(test, &f.point);
        naive += smape(test, &sn);
    }
    assert!(ours < naive, "MSTL sMAPE {} vs seasonal naive {}", ours / origins as f64, naive / origins as f64);
}
