//! Imputers and forward fill against scikit-learn `SimpleImputer(add_indicator=True)`
//! and pandas `ffill(limit=1)`, saved by `benches/peers/clean_impute_fixture.py`.

use ndarray::Array2;
use serde_json::Value;
use shopml_clean::impute::forward_fill;
use shopml_clean::{ImputeStrategy, ImputerParams};
use shopml_core::{Fit, Transform};

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> =
        v.as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect()).collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

fn same(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
}

#[test]
fn matches_scikit_learn_and_pandas() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/imputer_sklearn.json")).unwrap();
    let train = matrix(&fixture["train"]);
    let test = matrix(&fixture["test"]);
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let strategy = match case["strategy"].as_str().unwrap() {
            "mean" => ImputeStrategy::Mean,
            "median" => ImputeStrategy::Median,
            "most_frequent" => ImputeStrategy::MostFrequent,
            "constant" => ImputeStrategy::Constant(case["fill_value"].as_f64().unwrap()),
            other => panic!("unknown strategy {other}"),
        };
        let model = ImputerParams::new(strategy).add_indicator(true).fit(&train).unwrap();
        let stats: Vec<f64> = case["statistics"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        for (a, b) in model.statistics.iter().zip(&stats) {
            assert!((a - b).abs() < 1e-12, "{strategy:?}: {:?} vs {stats:?}", model.statistics);
        }
        let ind: Vec<usize> = case["indicator_columns"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(model.indicator_columns, ind);
        let out = model.transform(&test).unwrap();
        assert!(same(&out, &matrix(&case["test_out"])), "{strategy:?}: {out}");
    }
    let ff = forward_fill(&train, None, Some(1)).unwrap();
    assert!(same(&ff, &matrix(&fixture["ffill_limit1_train"])), "{ff}");
}
