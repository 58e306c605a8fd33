//! [`validated_struct!`](crate::validated_struct): the one way a crate
//! declares a public fitted type whose `Deserialize` runs the same checks as
//! fitting (lengths agree, values finite, scales positive, …), so that a
//! model loaded from JSON is as trustworthy as a fitted one.
//!
//! ```
//! use shopml_core::{Error, validated_struct};
//! validated_struct! {
//!     /// A scale that must be positive.
//!     pub struct Scale ("ScaleRaw" as ScaleRaw, check = Scale::check, error = Error) {
//!         /// The factor.
//!         pub factor: f64,
//!     }
//! }
//! impl Scale {
//!     fn check(&self) -> Result<(), Error> {
//!         if self.factor > 0.0 { Ok(()) } else { Err(Error::param("factor", "must be > 0")) }
//!     }
//! }
//! assert!(serde_json::from_str::<Scale>(r#"{"factor": 2.0}"#).is_ok());
//! assert!(serde_json::from_str::<Scale>(r#"{"factor": -1.0}"#).unwrap_err().to_string().contains("factor"));
//! ```

/// Declares a public struct with public fields whose `Deserialize` goes
/// through an identical private `Raw` struct and a check function
/// `fn(&T) -> Result<(), E>`, where the crate's error type `error` is
/// `From<E>` and displays the failure (serde reports it as the load error).
#[macro_export]
macro_rules! validated_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($raw:literal as $rawty:ident, check = $check:path, error = $err:ty) {
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
            type Error = $err;
            fn try_from(r: $rawty) -> Result<Self, Self::Error> {
                let v = $name { $( $field: r.$field, )* };
                $check(&v)?;
                Ok(v)
            }
        }
    };
}
