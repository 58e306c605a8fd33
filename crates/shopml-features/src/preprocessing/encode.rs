//! One-hot and ordinal encoding of categorical columns (`Array2<String>`).

use shopml_core::validated_struct;
use std::collections::BTreeMap;

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Transform};

use crate::error::{FeaturesError, Result};

/// What a one-hot encoder does with a category it did not see in fitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HandleUnknown {
    /// Return [`FeaturesError::UnknownCategory`] naming the row and column.
    #[default]
    Error,
    /// Encode it as all zeros in that column's block.
    Ignore,
    /// Put it in the column's "infrequent" group when it has one, else zeros
    /// (scikit-learn's `infrequent_if_exist`).
    InfrequentIfExist,
}

/// Parameters of [`OneHotEncoder`].
///
/// Categories of each column are sorted byte-wise (scikit-learn sorts string
/// categories the same way). With `min_frequency = k > 1`, categories seen
/// fewer than `k` times in fitting are grouped into one extra "infrequent"
/// indicator placed after the column's frequent categories, as in
/// scikit-learn's `min_frequency`.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Fit, Transform};
/// use shopml_features::preprocessing::{HandleUnknown, OneHotParams};
/// let x = array![["red".to_string()], ["blue".to_string()], ["red".to_string()]];
/// let enc = OneHotParams::new().handle_unknown(HandleUnknown::Ignore).fit(&x).unwrap();
/// assert_eq!(enc.feature_names(), vec!["x0_blue", "x0_red"]);
/// assert_eq!(enc.transform(&x).unwrap(), array![[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]);
/// let new = array![["green".to_string()]];
/// assert_eq!(enc.transform(&new).unwrap(), array![[0.0, 0.0]]);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OneHotParams {
    handle_unknown: HandleUnknown,
    min_frequency: usize,
    column_names: Option<Vec<String>>,
    #[serde(default)]
    drop_first: bool,
}

impl OneHotParams {
    /// Unknown categories are errors; no rare grouping.
    pub fn new() -> Self {
        Self::default()
    }
    /// How unknown categories are treated at transform time.
    pub fn handle_unknown(mut self, how: HandleUnknown) -> Self {
        self.handle_unknown = how;
        self
    }
    /// Group categories seen fewer than `k` times (0 or 1: no grouping).
    pub fn min_frequency(mut self, k: usize) -> Self {
        self.min_frequency = k;
        self
    }
    /// Drop each column's first (sorted) category, as scikit-learn's
    /// `drop="first"`, so the indicators of one column are not collinear with
    /// an intercept: that category encodes as all zeros (default `false`).
    ///
    /// ```
    /// use ndarray::array;
    /// use shopml_core::{Fit, Transform};
    /// use shopml_features::preprocessing::OneHotParams;
    /// let x = array![["red".to_string()], ["blue".to_string()], ["green".to_string()]];
    /// let enc = OneHotParams::new().drop_first(true).fit(&x).unwrap();
    /// assert_eq!(enc.feature_names(), vec!["x0_green", "x0_red"]);
    /// assert_eq!(enc.transform(&x).unwrap(), array![[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]]);
    /// ```
    pub fn drop_first(mut self, yes: bool) -> Self {
        self.drop_first = yes;
        self
    }
    /// Input column names, used in [`OneHotEncoder::feature_names`] (default `x0`, `x1`, …).
    pub fn column_names(mut self, names: Vec<String>) -> Self {
        self.column_names = Some(names);
        self
    }
}

impl Params for OneHotParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// Encoding of one input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnCategories {
    /// Frequent categories, sorted; each has its own output column.
    pub categories: Vec<String>,
    /// Categories grouped as infrequent (sorted); they share one output column
    /// after the frequent ones when non-empty.
    pub infrequent: Vec<String>,
}

impl ColumnCategories {
    fn width(&self, drop_first: bool) -> usize {
        (self.categories.len() + usize::from(!self.infrequent.is_empty())).saturating_sub(usize::from(drop_first))
    }
}

validated_struct! {
    /// A fitted one-hot encoder. Loading checks one name per column and
    /// sorted, distinct categories (what the binary searches rely on).
    pub struct OneHotEncoder ("OneHotEncoderRaw" as OneHotEncoderRaw, check = OneHotEncoder::check, error = crate::FeaturesError) {
        /// Per input column, its categories.
        pub columns: Vec<ColumnCategories>,
        /// Input column names.
        pub column_names: Vec<String>,
        /// Unknown-category policy.
        pub handle_unknown: HandleUnknown,
        /// Whether each column's first category is dropped (encoded as zeros).
        #[serde(default)]
        pub drop_first: bool,
    }
}

fn strictly_sorted(what: &str, v: &[String]) -> shopml_core::Result<()> {
    match v.windows(2).position(|w| w[0] >= w[1]) {
        Some(row) => Err(Error::InvalidValue {
            what: format!("{what} `{}`", v[row + 1]),
            row: row + 1,
            column: None,
            value: f64::NAN,
            reason: "categories must be sorted and distinct".into(),
        }),
        None => Ok(()),
    }
}

impl OneHotEncoder {
    fn check(&self) -> Result<()> {
        crate::checked::same_len("OneHotEncoder", self.columns.len(), &[("column_names", self.column_names.len())])?;
        for c in &self.columns {
            strictly_sorted("one-hot categories", &c.categories)?;
            strictly_sorted("one-hot infrequent categories", &c.infrequent)?;
        }
        Ok(())
    }
}

fn check_input(x: ArrayView2<'_, String>) -> shopml_core::Result<()> {
    if x.nrows() == 0 {
        return Err(Error::empty("records has no rows"));
    }
    if x.ncols() == 0 {
        return Err(Error::empty("records has no columns"));
    }
    Ok(())
}

fn check_width(expected: usize, x: ArrayView2<'_, String>) -> shopml_core::Result<()> {
    if x.ncols() != expected {
        return Err(Error::shape("records", format!("{expected} columns"), format!("{} columns", x.ncols())));
    }
    Ok(())
}

fn counts<S: Data<Elem = String>>(x: &ArrayBase<S, Ix2>, j: usize) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for v in x.column(j) {
        *m.entry(v.as_str()).or_insert(0) += 1;
    }
    m
}

fn default_names(p: usize) -> Vec<String> {
    (0..p).map(|j| format!("x{j}")).collect()
}

impl<S: Data<Elem = String>> Fit<ArrayBase<S, Ix2>> for OneHotParams {
    type Model = OneHotEncoder;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<OneHotEncoder> {
        self.check()?;
        check_input(x.view())?;
        let column_names = match &self.column_names {
            Some(n) => {
                if n.len() != x.ncols() {
                    return Err(
                        Error::shape("column_names vs records", format!("{} names", x.ncols()), format!("{} names", n.len())).into()
                    );
                }
                n.clone()
            }
            None => default_names(x.ncols()),
        };
        let columns = (0..x.ncols())
            .map(|j| {
                let (mut categories, mut infrequent) = (Vec::new(), Vec::new());
                for (c, k) in counts(x, j) {
                    if k < self.min_frequency { infrequent.push(c.to_string()) } else { categories.push(c.to_string()) }
                }
                ColumnCategories { categories, infrequent }
            })
            .collect();
        Ok(OneHotEncoder { columns, column_names, handle_unknown: self.handle_unknown, drop_first: self.drop_first })
    }
}

impl OneHotEncoder {
    /// Number of output columns.
    pub fn n_outputs(&self) -> usize {
        self.columns.iter().map(|c| c.width(self.drop_first)).sum()
    }
    /// Output column names: `{column}_{category}` and `{column}_infrequent`.
    pub fn feature_names(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.n_outputs());
        for (c, name) in self.columns.iter().zip(&self.column_names) {
            let mut names: Vec<String> = c.categories.iter().map(|v| format!("{name}_{v}")).collect();
            if !c.infrequent.is_empty() {
                names.push(format!("{name}_infrequent"));
            }
            out.extend(names.into_iter().skip(usize::from(self.drop_first)));
        }
        out
    }
}

impl<S: Data<Elem = String>> Transform<ArrayBase<S, Ix2>> for OneHotEncoder {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        check_width(self.columns.len(), x.view())?;
        let mut out = Array2::zeros((x.nrows(), self.n_outputs()));
        let mut offset = 0;
        for (j, col) in self.columns.iter().enumerate() {
            for (i, v) in x.column(j).iter().enumerate() {
                let pos = match col.categories.binary_search(v) {
                    Ok(k) => Some(k),
                    Err(_) if col.infrequent.binary_search(v).is_ok() => Some(col.categories.len()),
                    Err(_) => match self.handle_unknown {
                        HandleUnknown::Error => return Err(FeaturesError::UnknownCategory { column: j, row: i, value: v.clone() }),
                        HandleUnknown::Ignore => None,
                        HandleUnknown::InfrequentIfExist => (!col.infrequent.is_empty()).then_some(col.categories.len()),
                    },
                };
                // With drop_first the first indicator is not an output column.
                let k = pos.and_then(|k| if self.drop_first { k.checked_sub(1) } else { Some(k) });
                if let Some(k) = k {
                    out[[i, offset + k]] = 1.0;
                }
            }
            offset += col.width(self.drop_first);
        }
        Ok(out)
    }
}

/// What an ordinal encoder does with an unseen category.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum OrdinalUnknown {
    /// Return [`FeaturesError::UnknownCategory`].
    #[default]
    Error,
    /// Encode it as this value (scikit-learn's `use_encoded_value`), e.g. `-1`.
    Value(f64),
}

/// Parameters of [`OrdinalEncoder`]: each category becomes its index in the
/// column's sorted categories (`0.0, 1.0, …`), or in an explicit order.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Fit, Transform};
/// use shopml_features::preprocessing::OrdinalParams;
/// let x = array![["M".to_string()], ["S".to_string()], ["L".to_string()]];
/// let enc = OrdinalParams::new().order(vec![vec!["S".into(), "M".into(), "L".into()]]).fit(&x).unwrap();
/// assert_eq!(enc.transform(&x).unwrap(), array![[1.0], [0.0], [2.0]]);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrdinalParams {
    unknown: OrdinalUnknown,
    order: Option<Vec<Vec<String>>>,
}

impl OrdinalParams {
    /// Sorted categories; unknowns are errors.
    pub fn new() -> Self {
        Self::default()
    }
    /// Unknown-category policy.
    pub fn unknown(mut self, how: OrdinalUnknown) -> Self {
        self.unknown = how;
        self
    }
    /// Explicit category order per column (every fitted value must appear).
    pub fn order(mut self, order: Vec<Vec<String>>) -> Self {
        self.order = Some(order);
        self
    }
}

impl Params for OrdinalParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let OrdinalUnknown::Value(v) = self.unknown
            && !v.is_finite()
        {
            return Err(Error::param("unknown", format!("the encoded value for unknowns must be finite, got {v}")));
        }
        Ok(())
    }
}

validated_struct! {
    /// A fitted ordinal encoder. Loading checks distinct categories per
    /// column and a finite code for unknowns.
    pub struct OrdinalEncoder ("OrdinalEncoderRaw" as OrdinalEncoderRaw, check = OrdinalEncoder::check, error = crate::FeaturesError) {
        /// Per input column, its categories in code order.
        pub categories: Vec<Vec<String>>,
        /// Unknown-category policy.
        pub unknown: OrdinalUnknown,
    }
}

impl OrdinalEncoder {
    fn check(&self) -> Result<()> {
        OrdinalParams { unknown: self.unknown, order: None }.check()?;
        for (j, cats) in self.categories.iter().enumerate() {
            let mut sorted = cats.clone();
            sorted.sort_unstable();
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                return Err(FeaturesError::UnknownCategory { column: j, row: 0, value: format!("{} (repeated in the encoder)", w[0]) });
            }
        }
        Ok(())
    }
}

impl<S: Data<Elem = String>> Fit<ArrayBase<S, Ix2>> for OrdinalParams {
    type Model = OrdinalEncoder;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<OrdinalEncoder> {
        self.check()?;
        check_input(x.view())?;
        let categories = match &self.order {
            Some(order) => {
                if order.len() != x.ncols() {
                    return Err(
                        Error::shape("order vs records", format!("{} columns", x.ncols()), format!("{} columns", order.len())).into()
                    );
                }
                for (j, cats) in order.iter().enumerate() {
                    for (i, v) in x.column(j).iter().enumerate() {
                        if !cats.contains(v) {
                            return Err(FeaturesError::UnknownCategory { column: j, row: i, value: v.clone() });
                        }
                    }
                }
                order.clone()
            }
            None => (0..x.ncols()).map(|j| counts(x, j).into_keys().map(str::to_string).collect()).collect(),
        };
        Ok(OrdinalEncoder { categories, unknown: self.unknown })
    }
}

impl<S: Data<Elem = String>> Transform<ArrayBase<S, Ix2>> for OrdinalEncoder {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        check_width(self.categories.len(), x.view())?;
        let lookup: Vec<BTreeMap<&str, usize>> =
            self.categories.iter().map(|c| c.iter().enumerate().map(|(k, v)| (v.as_str(), k)).collect()).collect();
        let mut out = Array2::zeros(x.dim());
        for ((i, j), v) in x.indexed_iter() {
            out[[i, j]] = match (lookup[j].get(v.as_str()), self.unknown) {
                (Some(&k), _) => k as f64,
                (None, OrdinalUnknown::Value(u)) => u,
                (None, OrdinalUnknown::Error) => return Err(FeaturesError::UnknownCategory { column: j, row: i, value: v.clone() }),
            };
        }
        Ok(out)
    }
}
