//! The [`CleaningReport`]: every row read is kept, split off as a return, or
//! quarantined with a [`Reason`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Why a row was quarantined (or, in [`CleaningReport::matched`], which rules it matched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Reason {
    /// A field could not be parsed, a required field is empty, the record has
    /// the wrong number of fields, or its quoting is broken.
    Unparsable,
    /// The same line (byte for byte, ignoring the line end) appeared earlier.
    ExactDuplicate,
    /// A row with the same caller-chosen key appeared earlier.
    KeyDuplicate,
    /// The timestamp lies outside the allowed window.
    OutsideWindow,
    /// A postage, fee, discount or manual-adjustment line, not a product.
    NonProduct,
    /// Unit price zero or negative.
    NonPositivePrice,
    /// Quantity zero.
    ZeroQuantity,
    /// No customer id (quarantined only under [`MissingCustomer::Quarantine`](crate::MissingCustomer::Quarantine)).
    MissingCustomer,
    /// A cancellation or return (quarantined only under [`ReturnPolicy::Quarantine`](crate::ReturnPolicy::Quarantine);
    /// normally split off into [`Cleaned::returns`](crate::Cleaned::returns)).
    Return,
    /// A quantity or price outlier dropped by an [`OutlierRule`](crate::OutlierRule).
    Outlier,
    /// An event without a user or an item id.
    MissingId,
    /// An event whose type is not one of the accepted kinds.
    UnknownEventKind,
    /// A well-formed date (or Unix time) outside the supported range
    /// [`Timestamp::MIN`](shopml_core::Timestamp::MIN)`..=`[`MAX`](shopml_core::Timestamp::MAX);
    /// the [`Issue`] names the line and column.
    DateOutOfRange,
}

/// Number of [`Reason`]s.
pub(crate) const N_REASONS: usize = Reason::ALL.len();

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 13] = [
        Reason::Unparsable,
        Reason::ExactDuplicate,
        Reason::KeyDuplicate,
        Reason::OutsideWindow,
        Reason::NonProduct,
        Reason::NonPositivePrice,
        Reason::ZeroQuantity,
        Reason::MissingCustomer,
        Reason::Return,
        Reason::Outlier,
        Reason::MissingId,
        Reason::UnknownEventKind,
        Reason::DateOutOfRange,
    ];

    /// The reason's code in the quarantine file and in messages (`exact_duplicate`, …).
    pub fn code(self) -> &'static str {
        match self {
            Reason::Unparsable => "unparsable",
            Reason::ExactDuplicate => "exact_duplicate",
            Reason::KeyDuplicate => "key_duplicate",
            Reason::OutsideWindow => "outside_window",
            Reason::NonProduct => "non_product",
            Reason::NonPositivePrice => "non_positive_price",
            Reason::ZeroQuantity => "zero_quantity",
            Reason::MissingCustomer => "missing_customer",
            Reason::Return => "return",
            Reason::Outlier => "outlier",
            Reason::MissingId => "missing_id",
            Reason::UnknownEventKind => "unknown_event_kind",
            Reason::DateOutOfRange => "date_out_of_range",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A row-level problem worth showing an analyst: where it is and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// One-based line in the input where the record starts.
    pub line: u64,
    /// One-based column (field) number, when one field is to blame.
    pub column: Option<usize>,
    /// The reason the row was quarantined.
    pub reason: Reason,
    /// What was wrong.
    pub message: String,
}

/// The accounting of one cleaning run.
///
/// The invariant `rows_read = rows_kept + returns + Σ quarantined` always
/// holds ([`balances`](CleaningReport::balances)): no row disappears without a reason.
///
/// Loaded from JSON it is checked: it must balance, hold at most
/// [`MAX_ISSUES`] issues, and match no more rows per rule than were read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CleaningReportRaw")]
pub struct CleaningReport {
    /// Data rows read (records after the header; blank lines are not rows).
    pub rows_read: u64,
    /// Rows in the main output.
    pub rows_kept: u64,
    /// Rows split off as returns / cancellations.
    pub returns: u64,
    /// Rows quarantined, by the first reason (in rule order) that applied.
    pub quarantined: BTreeMap<Reason, u64>,
    /// Rows matching each rule, whether or not that rule decided the row's fate
    /// (a duplicate line without a customer counts under both). Rows that
    /// could not be parsed match only [`Reason::Unparsable`]; a rule that is
    /// switched off matches nothing.
    pub matched: BTreeMap<Reason, u64>,
    /// Values flagged by outlier rules with [`OutlierAction::Flag`](crate::OutlierAction::Flag).
    pub outliers_flagged: u64,
    /// Values capped (winsorised) by outlier rules with [`OutlierAction::Cap`](crate::OutlierAction::Cap).
    pub values_capped: u64,
    /// Fields decoded as Latin-1 because they were not valid UTF-8.
    pub latin1_fields: u64,
    /// Blank lines skipped.
    pub blank_lines: u64,
    /// The first problems found (at most [`MAX_ISSUES`]), with line and column.
    pub issues: Vec<Issue>,
}

#[derive(Deserialize)]
struct CleaningReportRaw {
    rows_read: u64,
    rows_kept: u64,
    returns: u64,
    quarantined: BTreeMap<Reason, u64>,
    matched: BTreeMap<Reason, u64>,
    outliers_flagged: u64,
    values_capped: u64,
    latin1_fields: u64,
    blank_lines: u64,
    issues: Vec<Issue>,
}

impl TryFrom<CleaningReportRaw> for CleaningReport {
    type Error = shopml_core::Error;
    fn try_from(r: CleaningReportRaw) -> shopml_core::Result<Self> {
        let report = CleaningReport {
            rows_read: r.rows_read,
            rows_kept: r.rows_kept,
            returns: r.returns,
            quarantined: r.quarantined,
            matched: r.matched,
            outliers_flagged: r.outliers_flagged,
            values_capped: r.values_capped,
            latin1_fields: r.latin1_fields,
            blank_lines: r.blank_lines,
            issues: r.issues,
        };
        let sum = report.quarantined.values().try_fold(report.rows_kept.checked_add(report.returns), |acc, &n| Some(acc?.checked_add(n)));
        if sum.flatten() != Some(report.rows_read) {
            return Err(shopml_core::Error::param("report", "rows_read must equal rows_kept + returns + Σ quarantined"));
        }
        if report.issues.len() > MAX_ISSUES {
            return Err(shopml_core::Error::param("issues", format!("at most {MAX_ISSUES}")));
        }
        if report.matched.values().any(|&n| n > report.rows_read) {
            return Err(shopml_core::Error::param("matched", "a rule cannot match more rows than were read"));
        }
        Ok(report)
    }
}

/// How many [`Issue`]s a report keeps; the counts are always complete.
pub const MAX_ISSUES: usize = 100;

impl CleaningReport {
    /// Rows quarantined for `reason`.
    pub fn quarantined(&self, reason: Reason) -> u64 {
        self.quarantined.get(&reason).copied().unwrap_or(0)
    }

    /// Rows that matched `reason`'s rule.
    pub fn matched(&self, reason: Reason) -> u64 {
        self.matched.get(&reason).copied().unwrap_or(0)
    }

    /// All quarantined rows.
    pub fn quarantined_total(&self) -> u64 {
        self.quarantined.values().sum()
    }

    /// Whether `rows_read = rows_kept + returns + Σ quarantined`.
    pub fn balances(&self) -> bool {
        self.rows_read == self.rows_kept + self.returns + self.quarantined_total()
    }

    pub(crate) fn quarantine(&mut self, reason: Reason) {
        *self.quarantined.entry(reason).or_insert(0) += 1;
    }

    pub(crate) fn matched_one(&mut self, reason: Reason) {
        *self.matched.entry(reason).or_insert(0) += 1;
    }

    /// Adds per-reason counts indexed like [`Reason::ALL`].
    pub(crate) fn add_counts(&mut self, matched: &[u64; N_REASONS], quarantined: &[u64; N_REASONS]) {
        for (i, r) in Reason::ALL.into_iter().enumerate() {
            if matched[i] > 0 {
                *self.matched.entry(r).or_insert(0) += matched[i];
            }
            if quarantined[i] > 0 {
                *self.quarantined.entry(r).or_insert(0) += quarantined[i];
            }
        }
    }

    pub(crate) fn issue(&mut self, line: u64, column: Option<usize>, reason: Reason, message: &str) {
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(Issue { line, column, reason, message: message.to_string() });
        }
    }
}

impl std::fmt::Display for CleaningReport {
    /// A short multi-line summary for logs and examples.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "rows read        {:>10}", self.rows_read)?;
        writeln!(f, "rows kept        {:>10}", self.rows_kept)?;
        writeln!(f, "returns          {:>10}", self.returns)?;
        for (r, n) in &self.quarantined {
            writeln!(f, "quarantined {:<20} {:>10}", r.code(), n)?;
        }
        write!(f, "balances: {}", self.balances())
    }
}
