//! Locating the real data sets for tests, examples and benchmarks.
//!
//! Real-data tests are `#[ignore]`d by default and run with
//! `SHOPML_DATA=../shared/data cargo test --workspace -- --ignored`. They call
//! [`data_path`], which **panics** when `SHOPML_DATA` is unset or the file is
//! missing, so a run that asked for real data can never pass silently without it.

use std::path::PathBuf;

/// The environment variable naming the data directory.
pub const DATA_ENV: &str = "SHOPML_DATA";

/// `$SHOPML_DATA/relative`, checked to exist; panics with a clear message otherwise.
pub fn data_path(relative: &str) -> PathBuf {
    let root = std::env::var_os(DATA_ENV).unwrap_or_else(|| {
        panic!("{DATA_ENV} is not set: real-data tests need it (e.g. {DATA_ENV}=../shared/data cargo test -- --ignored)")
    });
    let mut root = PathBuf::from(root);
    if root.is_relative() {
        // Tests run with the crate directory as working directory; resolve
        // relative paths against the workspace root instead, so one setting works everywhere.
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        if !root.exists() || workspace.join(&root).exists() {
            root = workspace.join(root);
        }
    }
    let p = root.join(relative);
    assert!(p.exists(), "{DATA_ENV} is set but {} does not exist", p.display());
    p
}
