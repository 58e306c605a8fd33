//! Real-data checks (run with `SHOPML_DATA=../shared/data cargo test -p shopml-forecast -- --ignored`).

use shopml_core::metrics::forecast::smape;
use shopml_core::testdata::data_path;
use shopml_core::{Fit, Forecast, TimeSeries};
use shopml_forecast::ets::AutoEts;
use shopml_forecast::seasonal::Naive2Params;
use shopml_forecast::theta::Theta;

/// On the 174 M3 "Other" series (last 8 points held out), AutoETS and Theta
/// beat the M4 Naive2 benchmark on mean sMAPE and every forecast is finite.
#[test]
#[ignore = "needs SHOPML_DATA"]
fn m3_other_beats_naive2() {
    let text = std::fs::read_to_string(data_path("m3/M3Other.csv")).unwrap();
    let (mut ets, mut theta, mut naive2, mut n) = (0.0, 0.0, 0.0, 0usize);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let len: usize = f[1].parse().unwrap();
        let h: usize = f[2].parse().unwrap();
        let v: Vec<f64> = f[6..6 + len].iter().map(|x| x.parse().unwrap()).collect();
        let (train, test) = v.split_at(len - h);
        let ts = TimeSeries::new(train.to_vec(), 1).unwrap();
        let fe = AutoEts::params().fit(&ts).unwrap().forecast(h, &[95.0]).unwrap();
        let ft = Theta::params().fit(&ts).unwrap().forecast(h, &[]).unwrap();
        let fn2 = Naive2Params.fit(&ts).unwrap().forecast(h, &[]).unwrap();
        assert!(fe.point.iter().chain(&fe.intervals[0].lower).chain(&fe.intervals[0].upper).all(|x| x.is_finite()));
        ets += smape(test, &fe.point).unwrap();
        theta += smape(test, &ft.point).unwrap();
        naive2 += smape(test, &fn2.point).unwrap();
        n += 1;
    }
    let (ets, theta, naive2) = (ets / n as f64, theta / n as f64, naive2 / n as f64);
    assert_eq!(n, 174);
    assert!(ets < naive2 && theta < naive2, "AutoETS {ets}, Theta {theta}, Naive2 {naive2}");
}
