//! Lossless JSON for `f64` values that may be non-finite.
//!
//! JSON has no NaN or infinity, and serde_json writes them as `null`, which
//! does not read back as a number. Fields that can legitimately hold them
//! (an infinite information criterion, the residual of an undefined step) use `#[serde(with = ...)]` with this
//! module: finite values stay JSON numbers, non-finite ones become the
//! strings `"NaN"`, `"inf"` and `"-inf"`, and reading accepts both forms.
//! (A crate-local copy until `shopml_core::serde_float` lands.)

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr {
    Number(f64),
    Text(String),
}

fn to_repr(v: f64) -> Repr {
    if v.is_finite() {
        Repr::Number(v)
    } else if v.is_nan() {
        Repr::Text("NaN".into())
    } else if v > 0.0 {
        Repr::Text("inf".into())
    } else {
        Repr::Text("-inf".into())
    }
}

fn from_repr<E: serde::de::Error>(r: Repr) -> Result<f64, E> {
    match r {
        Repr::Number(v) => Ok(v),
        Repr::Text(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            other => Err(E::custom(format!("expected a number, \"NaN\", \"inf\" or \"-inf\", got {other:?}"))),
        },
    }
}

/// A `Vec<f64>` field.
#[allow(dead_code)]
pub(crate) mod vec {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&x| to_repr(x)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Vec::<Repr>::deserialize(d)?.into_iter().map(from_repr).collect()
    }
}

/// An `f64` field.
#[allow(dead_code)]
pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    to_repr(*v).serialize(s)
}

/// An `f64` field.
#[allow(dead_code)]
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    from_repr(Repr::deserialize(d)?)
}

/// An `Option<f64>` field.
#[allow(dead_code)]
pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(to_repr).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Repr>::deserialize(d)?.map(from_repr).transpose()
    }
}

/// A `Vec<(T, f64)>` field (e.g. candidates with a criterion value that may be `+∞`).
pub(crate) mod pairs {
    use super::*;

    pub(crate) fn serialize<S: Serializer, T: Serialize>(v: &[(T, f64)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(t, x)| (t, to_repr(*x))))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<(T, f64)>, D::Error> {
        Vec::<(T, Repr)>::deserialize(d)?.into_iter().map(|(t, r)| Ok((t, from_repr(r)?))).collect()
    }
}
