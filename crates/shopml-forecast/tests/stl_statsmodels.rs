//! STL against statsmodels' `STL` and MSTL against statsforecast's `mstl`
//! on AirPassengers (fixture: `benches/peers/run forecast_stl_fixture`).

use shopml_forecast::stl::{MstlParams, StlParams, mstl, stl};

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/stl_statsmodels.json")).unwrap()
}

fn vec(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tol: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what} length");
    let scale = theirs.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let worst = ours.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) / scale;
    assert!(worst < tol, "{what}: relative difference {worst:e}");
}

#[test]
fn stl_matches_statsmodels() {
    for case in fixture()["stl"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let o = &case["options"];
        let mut p = StlParams::new(o["period"].as_u64().unwrap() as usize);
        if let Some(s) = o.get("seasonal") {
            p = p.seasonal(s.as_u64().unwrap() as usize);
        }
        if let Some(d) = o.get("seasonal_deg") {
            p = p.seasonal_deg(d.as_u64().unwrap() as usize);
        }
        if o.get("robust").and_then(|v| v.as_bool()) == Some(true) {
            p = p.robust();
        }
        let d = stl(&vec(&case["y"]), &p).unwrap();
        assert_close(&format!("{name} trend"), &d.trend, &vec(&case["trend"]), 1e-9);
        assert_close(&format!("{name} seasonal"), &d.seasonal, &vec(&case["seasonal"]), 1e-9);
    }
}

#[test]
fn mstl_matches_statsforecast() {
    let f = fixture();
    let m = &f["mstl"];
    let d = mstl(&vec(&m["y"]), &MstlParams::new(vec![4, 12])).unwrap();
    assert_close("mstl trend", &d.trend, &vec(&m["trend"]), 1e-9);
    assert_close("mstl seasonal 4", &d.seasonals[0], &vec(&m["seasonals"][0]), 1e-9);
    assert_close("mstl seasonal 12", &d.seasonals[1], &vec(&m["seasonals"][1]), 1e-9);
    assert_close("mstl remainder", &d.remainder, &vec(&m["remainder"]), 1e-9);
}
