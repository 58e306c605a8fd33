//! Validated deserialisation: every public fitted type of this crate is
//! declared through [`validated_struct!`], which derives serde with
//! `#[serde(try_from = "…Raw")]` so that loading runs the same checks as
//! fitting (lengths agree, values finite, scales positive, …).

/// Declares a public struct with public fields whose `Deserialize` goes
/// through an identical private `Raw` struct and a check function
/// `fn(&T) -> crate::Result<()>`.
macro_rules! validated_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($raw:literal as $rawty:ident, check = $check:path) {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = $raw)]
        pub struct $name { $( $(#[$fmeta])* pub $field: $ty, )* }

        #[derive(serde::Deserialize)]
        #[allow(missing_docs)]
        struct $rawty { $( $(#[$fmeta])* $field: $ty, )* }

        impl TryFrom<$rawty> for $name {
            type Error = crate::FeaturesError;
            fn try_from(r: $rawty) -> Result<Self, Self::Error> {
                let v = $name { $( $field: r.$field, )* };
                $check(&v)?;
                Ok(v)
            }
        }
    };
}

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
