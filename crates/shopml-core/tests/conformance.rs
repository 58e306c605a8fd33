//! The conformance kit exercised on a tiny reference estimator (and shown to
//! catch estimators that break its promises).

use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Error, Fit, Params, Predict, conformance, linalg, validate};

/// Ridge regression on a seeded random subsample of the rows: small, but it
/// has parameters, randomness, a fitted model and predictions.
#[derive(Debug, Clone)]
struct SubsampleRidge {
    alpha: f64,
    fraction: f64,
    seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SubsampleRidgeModel {
    coef: Vec<f64>,
}

impl Params for SubsampleRidge {
    fn check(&self) -> Result<(), Error> {
        validate::param::non_negative("alpha", self.alpha)?;
        validate::param::in_open("fraction", self.fraction, 0.0, 1.0 + f64::EPSILON)
    }
}

impl<'a> Fit<Dataset<'a>> for SubsampleRidge {
    type Model = SubsampleRidgeModel;
    type Error = Error;
    fn fit(&self, data: &Dataset<'a>) -> Result<SubsampleRidgeModel, Error> {
        self.check()?;
        validate::records(data.records)?;
        validate::targets(data.records, data.targets)?;
        let mut rng = StdRng::seed_from_u64(self.seed);
        let rows: Vec<usize> = (0..data.records.nrows()).filter(|_| rng.random::<f64>() < self.fraction).collect();
        if rows.is_empty() {
            return Err(Error::empty("subsample"));
        }
        let x = data.records.select(Axis(0), &rows);
        let y = data.targets.select(Axis(0), &rows);
        let gram = x.t().dot(&x) + Array2::<f64>::eye(x.ncols()) * self.alpha;
        let coef = linalg::solve_spd(gram.view(), x.t().dot(&y).view())?;
        Ok(SubsampleRidgeModel { coef: coef.to_vec() })
    }
}

impl<'a> Predict<ArrayView2<'a, f64>> for SubsampleRidgeModel {
    type Output = Array1<f64>;
    type Error = Error;
    fn predict(&self, x: &ArrayView2<'a, f64>) -> Result<Array1<f64>, Error> {
        validate::n_features(self.coef.len(), *x)?;
        validate::records(*x)?;
        Ok(x.dot(&Array1::from(self.coef.clone())))
    }
}

fn data() -> (Array2<f64>, Array1<f64>) {
    let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0 + j as f64 * 0.1);
    let y = x.dot(&ndarray::array![1.0, -2.0, 0.5]);
    (x, y)
}

fn params(seed: u64) -> SubsampleRidge {
    SubsampleRidge { alpha: 0.1, fraction: 0.7, seed }
}

#[test]
fn reference_estimator_passes_every_check() {
    let (x, y) = data();
    conformance::assert_send_sync::<SubsampleRidgeModel>();
    conformance::check_rejects_non_finite(&x, |x| params(1).fit(&Dataset::new(x.view(), y.view())));
    conformance::check_rejects_empty(3, |x| params(1).fit(&Dataset::new(x.view(), Array1::zeros(0).view())));
    let model = params(1).fit(&Dataset::new(x.view(), y.view())).unwrap();
    conformance::check_rejects_wrong_width(3, |x| model.predict(&x.view()));
    conformance::check_serde_roundtrip(&model, |m| m.predict(&x.view()).unwrap().to_vec());
    conformance::check_seed_determinism(|seed| params(seed).fit(&Dataset::new(x.view(), y.view())).unwrap());
    conformance::check_thread_count_independence(|| params(3).fit(&Dataset::new(x.view(), y.view())).unwrap());
    conformance::check_input_unchanged(&(x.clone(), y.clone()), |(x, y)| {
        params(1).fit(&Dataset::new(x.view(), y.view())).unwrap();
    });
    // Sanity: ridge with small alpha recovers the generating coefficients closely.
    assert!(model.coef.iter().zip([1.0, -2.0, 0.5]).all(|(a, b)| (a - b).abs() < 0.05));
}

#[test]
fn invalid_parameters_are_named() {
    let (x, y) = data();
    let bad = SubsampleRidge { alpha: -1.0, fraction: 0.5, seed: 0 };
    match bad.fit(&Dataset::new(x.view(), y.view())) {
        Err(Error::InvalidParameter { name: "alpha", .. }) => {}
        other => panic!("expected alpha to be named, got {other:?}"),
    }
}

#[test]
#[should_panic(expected = "fit accepted NaN")]
fn kit_catches_a_model_that_accepts_nan() {
    let x = Array2::<f64>::ones((4, 2));
    conformance::check_rejects_non_finite(&x, |x| Ok::<f64, Error>(x.sum()));
}

#[test]
#[should_panic(expected = "two fits with seed")]
fn kit_catches_hidden_global_randomness() {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    conformance::check_seed_determinism(|seed| seed + CALLS.fetch_add(1, Ordering::SeqCst));
}

#[test]
#[should_panic(expected = "modified its input")]
fn kit_catches_a_fit_that_mutates_its_input() {
    let x = std::cell::RefCell::new(vec![1.0, 2.0]);
    conformance::check_input_unchanged(&x, |x| x.borrow_mut()[0] = 5.0);
}

#[test]
#[should_panic(expected = "predicts differently")]
fn kit_catches_state_lost_in_serialisation() {
    #[derive(Serialize, Deserialize)]
    struct Leaky {
        kept: f64,
        #[serde(skip)]
        lost: f64,
    }
    conformance::check_serde_roundtrip(&Leaky { kept: 1.0, lost: 2.0 }, |m| m.kept + m.lost);
}
