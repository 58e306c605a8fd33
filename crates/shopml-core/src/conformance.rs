//! A conformance kit: the checks every shopml model's tests run.
//!
//! Each function panics with a message naming the broken promise, so it is
//! meant for `#[test]` functions. A model's test suite typically calls:
//!
//! - [`assert_send_sync`] on the fitted model type;
//! - [`check_rejects_non_finite`] and [`check_rejects_empty`] with its fit;
//! - [`check_rejects_wrong_width`] with its predict;
//! - [`check_serde_roundtrip`] with its predictions;
//! - [`check_seed_determinism`] and [`check_thread_count_independence`];
//! - [`check_input_unchanged`] around its fit.
//!
//! ```
//! use ndarray::array;
//! use shopml_core::{conformance, validate, Error};
//!
//! // A toy "model": column means.
//! let fit = |x: &ndarray::Array2<f64>| -> Result<Vec<f64>, Error> {
//!     validate::records(x.view())?;
//!     Ok(x.mean_axis(ndarray::Axis(0)).unwrap().to_vec())
//! };
//! let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
//! conformance::check_rejects_non_finite(&x, fit);
//! conformance::check_rejects_empty(2, fit);
//! conformance::check_input_unchanged(&x, |x| { fit(x).unwrap(); });
//! ```

use std::fmt::Debug;

use ndarray::Array2;
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{AsCoreError, Error};

/// Compiles only if `T` is `Send + Sync`.
pub fn assert_send_sync<T: Send + Sync>() {}

/// Positions at which a bad value is planted: first, last and a middle cell.
fn probe_cells(x: &Array2<f64>) -> Vec<(usize, usize)> {
    let (n, p) = x.dim();
    let mut cells = vec![(0, 0), (n - 1, p - 1), (n / 2, p / 2)];
    cells.dedup();
    cells
}

/// Plants NaN, +∞ and −∞ at several cells of a valid matrix and checks that
/// `fit` returns [`Error::NonFinite`] naming that row and column.
pub fn check_rejects_non_finite<T, E: AsCoreError>(valid: &Array2<f64>, fit: impl Fn(&Array2<f64>) -> Result<T, E>) {
    assert!(valid.nrows() > 0 && valid.ncols() > 0, "conformance: the valid matrix must not be empty");
    if let Err(e) = fit(valid) {
        panic!("conformance: fit failed on the valid matrix: {e}");
    }
    for (r, c) in probe_cells(valid) {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut x = valid.clone();
            x[[r, c]] = bad;
            match fit(&x) {
                Ok(_) => panic!("conformance: fit accepted {bad} at row {r}, column {c}"),
                Err(e) => match e.as_core() {
                    Some(Error::NonFinite { row, column, .. }) => {
                        assert_eq!(
                            (*row, *column),
                            (r, Some(c)),
                            "conformance: NonFinite names the wrong cell for {bad} at ({r}, {c}): {e}"
                        )
                    }
                    _ => panic!("conformance: {bad} at ({r}, {c}) gave {e:?}, expected Error::NonFinite"),
                },
            }
        }
    }
}

/// Checks that `fit` on a matrix with no rows returns [`Error::EmptyInput`].
pub fn check_rejects_empty<T, E: AsCoreError>(n_cols: usize, fit: impl Fn(&Array2<f64>) -> Result<T, E>) {
    let x = Array2::<f64>::zeros((0, n_cols));
    match fit(&x) {
        Ok(_) => panic!("conformance: fit accepted a matrix with no rows"),
        Err(e) => assert!(
            matches!(e.as_core(), Some(Error::EmptyInput { .. })),
            "conformance: empty input gave {e:?}, expected Error::EmptyInput"
        ),
    }
}

/// Checks that `predict` rejects records with one column too many and one too
/// few with [`Error::ShapeMismatch`].
pub fn check_rejects_wrong_width<T, E: AsCoreError>(n_features: usize, predict: impl Fn(&Array2<f64>) -> Result<T, E>) {
    let mut widths = vec![n_features + 1];
    if n_features > 1 {
        widths.push(n_features - 1);
    }
    for w in widths {
        let x = Array2::<f64>::ones((3, w));
        match predict(&x) {
            Ok(_) => panic!("conformance: predict accepted {w} columns (fitted on {n_features})"),
            Err(e) => assert!(
                matches!(e.as_core(), Some(Error::ShapeMismatch { .. })),
                "conformance: {w} columns gave {e:?}, expected Error::ShapeMismatch"
            ),
        }
    }
}

/// Round-trips `model` through JSON and checks that the copy gives exactly
/// the same output as the original.
pub fn check_serde_roundtrip<M, O>(model: &M, output: impl Fn(&M) -> O)
where
    M: Serialize + DeserializeOwned,
    O: PartialEq + Debug,
{
    let json = serde_json::to_string(model).expect("conformance: model does not serialise to JSON");
    let copy: M = serde_json::from_str(&json).expect("conformance: model does not deserialise from its own JSON");
    assert_eq!(output(model), output(&copy), "conformance: deserialised model predicts differently");
    let json2 = serde_json::to_string(&copy).expect("conformance: copy does not serialise");
    assert_eq!(json, json2, "conformance: serialising the copy gives different JSON");
}

/// Fits twice with the same seed and checks the models serialise identically.
pub fn check_seed_determinism<M: Serialize>(fit: impl Fn(u64) -> M) {
    for seed in [0u64, 42] {
        let a = serde_json::to_string(&fit(seed)).expect("conformance: model does not serialise");
        let b = serde_json::to_string(&fit(seed)).expect("conformance: model does not serialise");
        assert_eq!(a, b, "conformance: two fits with seed {seed} differ");
    }
}

/// Fits inside rayon pools of 1 and 2 threads and checks the models are
/// identical, so results never depend on the machine's core count.
pub fn check_thread_count_independence<M: Serialize + Send>(fit: impl Fn() -> M + Send + Sync) {
    let mut outputs = Vec::new();
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("conformance: cannot build a rayon pool");
        let model = pool.install(&fit);
        outputs.push(serde_json::to_string(&model).expect("conformance: model does not serialise"));
    }
    assert_eq!(outputs[0], outputs[1], "conformance: fits with 1 and 2 threads differ");
}

/// Runs `fit` on a clone-checked input and checks it was not modified.
pub fn check_input_unchanged<D: Clone + PartialEq + Debug>(data: &D, fit: impl FnOnce(&D)) {
    let before = data.clone();
    fit(data);
    assert_eq!(&before, data, "conformance: fitting modified its input");
}
