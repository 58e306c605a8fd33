//! Checks shared by the validated deserialisation of this crate's fitted
//! types (declared through `shopml_core::validated_struct!`, which derives
//! serde with `#[serde(try_from = "…Raw")]` so that loading runs the same
//! checks as fitting).

use shopml_core::Error;

/// Fails unless every vector has length `n`.
pub(crate) fn same_len(what: &str, n: usize, lens: &[(&str, usize)]) -> shopml_core::Result<()> {
    for (name, len) in lens {
        if *len != n {
            return Err(Error::shape(format!("{what}: {name}"), n, len));
        }
    }
    Ok(())
}

/// Fails at the first non-finite value.
pub(crate) fn finite(what: &str, v: &[f64]) -> shopml_core::Result<()> {
    shopml_core::validate::finite_slice(what, v)
}

/// Fails at the first value that is not finite and > 0.
pub(crate) fn positive(what: &str, v: &[f64]) -> shopml_core::Result<()> {
    finite(what, v)?;
    match v.iter().position(|&s| s <= 0.0) {
        Some(row) => Err(Error::InvalidValue { what: what.into(), row, column: None, value: v[row], reason: "must be > 0".into() }),
        None => Ok(()),
    }
}
