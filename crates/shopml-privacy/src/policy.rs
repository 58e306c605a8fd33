//! Column-level privacy policies: keep, drop, mask, generalise or pseudonymise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{PrivacyError, Result};
use crate::generalise::Generalisation;
use crate::pii::{PiiCounts, PiiReport, mask_text};
use crate::pseudonym::Pseudonymiser;

/// What to do with one column's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum ColumnPolicy {
    /// Pass the value through unchanged.
    #[default]
    Keep,
    /// Remove the value (the reader leaves the field empty / `None`).
    Drop,
    /// Replace e-mails, phones, cards and IBANs inside the text by placeholders ([`mask_text`]).
    Mask,
    /// Replace the value by a coarser one.
    Generalise(Generalisation),
    /// Replace the value by its keyed pseudonym (needs a [`Pseudonymiser`]).
    Pseudonymise,
}

/// Per-column policies, with a default for columns not listed.
///
/// Column names are matched exactly as the caller spells them (the readers
/// use the header names of their schema). The policy holds no key, so it can
/// be stored as JSON next to a pipeline's configuration.
///
/// ```
/// use shopml_privacy::{ColumnPolicy, Generalisation, PiiPolicy, PiiReport};
/// let policy = PiiPolicy::new()
///     .column("Description", ColumnPolicy::Mask)
///     .column("InvoiceDate", ColumnPolicy::Generalise(Generalisation::DateToMonth))
///     .column("Email", ColumnPolicy::Drop);
/// let mut report = PiiReport::default();
/// let d = policy.apply("Description", "GIFT FOR jo@example.com", None, &mut report).unwrap();
/// assert_eq!(d.as_deref(), Some("GIFT FOR [EMAIL]"));
/// assert_eq!(policy.apply("Email", "jo@example.com", None, &mut report).unwrap(), None);
/// assert_eq!(policy.apply("InvoiceDate", "2010-12-01 08:26", None, &mut report).unwrap().as_deref(), Some("2010-12"));
/// assert_eq!(report.column("Description").email, 1);
/// assert_eq!(report.dropped["Email"], 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "PiiPolicyRaw")]
pub struct PiiPolicy {
    /// Policies by column name.
    pub columns: BTreeMap<String, ColumnPolicy>,
    /// Policy of every column not in `columns`.
    pub default: ColumnPolicy,
}

#[derive(Deserialize)]
struct PiiPolicyRaw {
    columns: BTreeMap<String, ColumnPolicy>,
    default: ColumnPolicy,
}

impl TryFrom<PiiPolicyRaw> for PiiPolicy {
    type Error = shopml_core::Error;
    fn try_from(r: PiiPolicyRaw) -> std::result::Result<Self, Self::Error> {
        let p = PiiPolicy { columns: r.columns, default: r.default };
        p.check()?;
        Ok(p)
    }
}

impl PiiPolicy {
    /// Keep everything (add columns with [`PiiPolicy::column`]).
    pub fn new() -> Self {
        PiiPolicy::default()
    }

    /// Sets one column's policy.
    pub fn column(mut self, name: impl Into<String>, policy: ColumnPolicy) -> Self {
        self.columns.insert(name.into(), policy);
        self
    }

    /// Sets the policy of unlisted columns.
    pub fn default_policy(mut self, policy: ColumnPolicy) -> Self {
        self.default = policy;
        self
    }

    /// The policy in force for `column`.
    pub fn policy(&self, column: &str) -> &ColumnPolicy {
        self.columns.get(column).unwrap_or(&self.default)
    }

    /// Whether any column (or the default) needs a pseudonymiser.
    pub fn needs_key(&self) -> bool {
        self.default == ColumnPolicy::Pseudonymise || self.columns.values().any(|p| *p == ColumnPolicy::Pseudonymise)
    }

    /// Names the first bad generalisation parameter.
    pub fn check(&self) -> std::result::Result<(), shopml_core::Error> {
        for p in self.columns.values().chain(std::iter::once(&self.default)) {
            if let ColumnPolicy::Generalise(g) = p {
                g.check()?;
            }
        }
        Ok(())
    }

    /// Applies `column`'s policy to one value, counting what was done in
    /// `report`. `Ok(None)` means the value is dropped.
    ///
    /// Errors: [`PrivacyError::KeyRequired`] when the column is to be
    /// pseudonymised and `pseudonymiser` is `None`;
    /// [`PrivacyError::Generalisation`] when the value does not fit the
    /// column's generalisation (the value is not echoed in the error).
    pub fn apply(
        &self,
        column: &str,
        value: &str,
        pseudonymiser: Option<&Pseudonymiser>,
        report: &mut PiiReport,
    ) -> Result<Option<String>> {
        match self.policy(column) {
            ColumnPolicy::Keep => Ok(Some(value.to_owned())),
            ColumnPolicy::Drop => {
                *report.dropped.entry(column.to_owned()).or_default() += 1;
                Ok(None)
            }
            ColumnPolicy::Mask => {
                let (masked, counts) = mask_text(value);
                if counts != PiiCounts::default() {
                    report.add(column, &counts);
                }
                Ok(Some(masked))
            }
            ColumnPolicy::Generalise(g) => {
                let out = g.apply(value).map_err(|reason| PrivacyError::Generalisation {
                    column: column.to_owned(),
                    generalisation: g.name(),
                    reason,
                })?;
                *report.generalised.entry(column.to_owned()).or_default() += 1;
                Ok(Some(out))
            }
            ColumnPolicy::Pseudonymise => {
                let p = pseudonymiser.ok_or_else(|| PrivacyError::KeyRequired { column: column.to_owned() })?;
                *report.pseudonymised.entry(column.to_owned()).or_default() += 1;
                Ok(Some(p.pseudonymise(value)))
            }
        }
    }

    /// [`PiiPolicy::apply`] for an optional field: `None` stays `None`.
    pub fn apply_opt(
        &self,
        column: &str,
        value: Option<&str>,
        pseudonymiser: Option<&Pseudonymiser>,
        report: &mut PiiReport,
    ) -> Result<Option<String>> {
        match value {
            None => Ok(None),
            Some(v) => self.apply(column, v, pseudonymiser, report),
        }
    }
}
