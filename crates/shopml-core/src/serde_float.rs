//! Lossless serde for floating-point values that may be non-finite.
//!
//! JSON has no literal for ±∞ or NaN, and `serde_json` writes them as
//! `null`, which cannot be read back as an `f64`. Models legitimately hold
//! such values (an infinite test statistic, a NaN average price of a period
//! without sales, a smoothing parameter at ∞), so every shopml type that may
//! hold one serialises it through this module: finite values stay JSON
//! numbers (bit-exact with `serde_json`'s `float_roundtrip`), and the three
//! non-finite values are written as the strings `"inf"`, `"-inf"` and
//! `"nan"`. Reading accepts a number or one of those strings (and `null`
//! as NaN, for files written before this helper).
//!
//! Use it with `#[serde(with = "…")]` on a field:
//!
//! | field type | attribute |
//! |---|---|
//! | `f64` | `#[serde(with = "shopml_core::serde_float")]` |
//! | `Option<f64>` | `#[serde(with = "shopml_core::serde_float::option")]` |
//! | `Vec<f64>` | `#[serde(with = "shopml_core::serde_float::vec")]` |
//! | `Array1<f64>` | `#[serde(with = "shopml_core::serde_float::array1")]` |
//! | `Array2<f64>` | `#[serde(with = "shopml_core::serde_float::array2")]` |
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! #[derive(Serialize, Deserialize, Debug)]
//! struct Stat {
//!     #[serde(with = "shopml_core::serde_float")]
//!     value: f64,
//!     #[serde(with = "shopml_core::serde_float::vec")]
//!     values: Vec<f64>,
//! }
//! let s = Stat { value: f64::INFINITY, values: vec![1.5, f64::NAN, f64::NEG_INFINITY] };
//! let json = serde_json::to_string(&s).unwrap();
//! assert_eq!(json, r#"{"value":"inf","values":[1.5,"nan","-inf"]}"#);
//! let back: Stat = serde_json::from_str(&json).unwrap();
//! assert_eq!(back.value, f64::INFINITY);
//! assert!(back.values[1].is_nan() && back.values[2] == f64::NEG_INFINITY);
//! ```

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// An `f64` that (de)serialises losslessly, ±∞ and NaN included.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct F64(pub f64);

impl Serialize for F64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d).map(F64)
    }
}

/// Writes a finite value as a number, ±∞ and NaN as `"inf"`, `"-inf"`, `"nan"`.
pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else if v.is_nan() {
        s.serialize_str("nan")
    } else if *v > 0.0 {
        s.serialize_str("inf")
    } else {
        s.serialize_str("-inf")
    }
}

struct FloatVisitor;

impl<'de> Visitor<'de> for FloatVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number or one of \"inf\", \"-inf\", \"nan\"")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }
    fn visit_none<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "inf" | "+inf" | "infinity" | "Infinity" => Ok(f64::INFINITY),
            "-inf" | "-infinity" | "-Infinity" => Ok(f64::NEG_INFINITY),
            "nan" | "NaN" => Ok(f64::NAN),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

/// Reads a number or one of `"inf"`, `"-inf"`, `"nan"` (and `null` as NaN).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(FloatVisitor)
}

/// For `Option<f64>` fields.
pub mod option {
    use super::*;
    /// Serialises `Some(v)` like an `f64`, `None` as `null`.
    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(F64).serialize(s)
    }
    /// Reads `null` as `None`, anything else as an `f64`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Option::<F64>::deserialize(d)?.map(|v| v.0))
    }
}

/// For `Vec<f64>` fields.
pub mod vec {
    use super::*;
    /// Serialises as a JSON list, non-finite entries as strings.
    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&x| F64(x)))
    }
    /// Reads a list of numbers or non-finite strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<F64>::deserialize(d)?.into_iter().map(|v| v.0).collect())
    }
}

/// For `Vec<(T, f64)>` fields (e.g. candidate models with a criterion that
/// may be `+∞`): a list of pairs, the `f64` written like [`serialize`].
pub mod pairs {
    use super::*;
    /// Serialises as a JSON list of `[t, value]` pairs.
    pub fn serialize<S: Serializer, T: Serialize>(v: &[(T, f64)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(t, x)| (t, F64(*x))))
    }
    /// Reads a list of `[t, value]` pairs.
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<(T, f64)>, D::Error> {
        Ok(Vec::<(T, F64)>::deserialize(d)?.into_iter().map(|(t, v)| (t, v.0)).collect())
    }
}

/// For `ndarray::Array1<f64>` fields (written as a plain list).
pub mod array1 {
    use super::*;
    use ndarray::Array1;
    /// Serialises as a JSON list, non-finite entries as strings.
    pub fn serialize<S: Serializer>(v: &Array1<f64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&x| F64(x)))
    }
    /// Reads a list of numbers or non-finite strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array1<f64>, D::Error> {
        super::vec::deserialize(d).map(Array1::from)
    }
}

/// For `ndarray::Array2<f64>` fields, written as `{"dim": [rows, cols], "data": [...]}` (row-major).
pub mod array2 {
    use super::*;
    use ndarray::Array2;

    #[derive(Serialize, Deserialize)]
    struct Repr {
        dim: (usize, usize),
        #[serde(with = "super::vec")]
        data: Vec<f64>,
    }

    /// Serialises the shape and the row-major values.
    pub fn serialize<S: Serializer>(v: &Array2<f64>, s: S) -> Result<S::Ok, S::Error> {
        Repr { dim: v.dim(), data: v.iter().copied().collect() }.serialize(s)
    }
    /// Reads the shape and values; the value count must equal `rows × cols`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array2<f64>, D::Error> {
        let r = Repr::deserialize(d)?;
        let expected = r.dim.0.checked_mul(r.dim.1).ok_or_else(|| de::Error::custom("matrix shape overflows usize"))?;
        if expected != r.data.len() {
            return Err(de::Error::custom(format!("matrix of shape {:?} needs {expected} values, found {}", r.dim, r.data.len())));
        }
        Array2::from_shape_vec(r.dim, r.data).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_value_round_trips_bit_exactly() {
        let vals = [0.0, -0.0, 1e-308, 5e-324, f64::MAX, f64::MIN, 0.1, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let json = serde_json::to_string(&vals.iter().map(|&v| F64(v)).collect::<Vec<_>>()).unwrap();
        let back: Vec<F64> = serde_json::from_str(&json).unwrap();
        for (a, b) in vals.iter().zip(&back) {
            assert!(a.to_bits() == b.0.to_bits() || (a.is_nan() && b.0.is_nan()), "{a} -> {}", b.0);
        }
        assert!(serde_json::from_str::<F64>("\"one\"").is_err());
        assert!(serde_json::from_str::<F64>("null").unwrap().0.is_nan());
    }

    #[test]
    fn array2_checks_its_shape() {
        #[derive(Serialize, Deserialize)]
        struct M(#[serde(with = "super::array2")] ndarray::Array2<f64>);
        let m = M(ndarray::array![[1.0, f64::NAN], [f64::INFINITY, 4.0]]);
        let back: M = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back.0[[1, 0]], f64::INFINITY);
        assert!(serde_json::from_str::<M>(r#"{"dim":[2,2],"data":[1.0]}"#).is_err());
        assert!(serde_json::from_str::<M>(r#"{"dim":[18446744073709551615,2],"data":[]}"#).is_err());
    }
}
