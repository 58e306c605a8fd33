//! The privacy budget of a report and the accountant that spends it.

use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::{PrivacyError, Result};

/// A privacy budget (ε, δ) for one report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BudgetRaw")]
pub struct Budget {
    epsilon: f64,
    delta: f64,
}

#[derive(Deserialize)]
struct BudgetRaw {
    epsilon: f64,
    delta: f64,
}

impl TryFrom<BudgetRaw> for Budget {
    type Error = Error;
    fn try_from(r: BudgetRaw) -> std::result::Result<Self, Error> {
        Budget::new(r.epsilon, r.delta)
    }
}

impl Budget {
    /// ε > 0 finite, δ in `[0, 1)`.
    pub fn new(epsilon: f64, delta: f64) -> std::result::Result<Budget, Error> {
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(Error::param("epsilon", format!("{epsilon}; must be finite and > 0")));
        }
        if !(0.0..1.0).contains(&delta) {
            return Err(Error::param("delta", format!("{delta}; must be in [0, 1)")));
        }
        Ok(Budget { epsilon, delta })
    }

    /// Pure ε-DP (δ = 0).
    pub fn pure(epsilon: f64) -> std::result::Result<Budget, Error> {
        Budget::new(epsilon, 0.0)
    }

    /// ε.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// δ.
    pub fn delta(&self) -> f64 {
        self.delta
    }
}

/// One query the accountant let through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spend {
    /// The caller's label for the query.
    pub label: String,
    /// ε spent.
    pub epsilon: f64,
    /// δ spent.
    pub delta: f64,
}

/// Tracks what a report has spent of its [`Budget`] under basic (sequential)
/// composition — k queries that are (εᵢ, δᵢ)-DP together are (Σεᵢ, Σδᵢ)-DP
/// (Dwork & Roth 2014, Theorem 3.16) — and refuses the query that would go
/// past it with [`PrivacyError::BudgetExhausted`], before any noise is drawn.
///
/// A relative slack of 10⁻⁹ absorbs floating-point rounding, so ten queries of
/// ε = 0.1 fit a budget of 1.
///
/// ```
/// use shopml_privacy::{Accountant, Budget, PrivacyError};
/// let mut acc = Accountant::new(Budget::pure(1.0).unwrap());
/// acc.spend("orders by country", 0.6, 0.0).unwrap();
/// assert!(matches!(acc.spend("revenue", 0.5, 0.0), Err(PrivacyError::BudgetExhausted { .. })));
/// acc.spend("revenue", 0.4, 0.0).unwrap();
/// assert!(acc.remaining_epsilon() < 1e-9);
/// ```
///
/// The accountant serialises (for an audit trail of the report) but does not
/// deserialise: a budget is not something to resume from a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accountant {
    budget: Budget,
    ledger: Vec<Spend>,
}

const SLACK: f64 = 1e-9;

impl Accountant {
    /// A fresh accountant with nothing spent.
    pub fn new(budget: Budget) -> Accountant {
        Accountant { budget, ledger: Vec::new() }
    }

    /// The budget.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// ε spent so far.
    pub fn spent_epsilon(&self) -> f64 {
        self.ledger.iter().map(|s| s.epsilon).sum()
    }

    /// δ spent so far.
    pub fn spent_delta(&self) -> f64 {
        self.ledger.iter().map(|s| s.delta).sum()
    }

    /// ε left (never negative).
    pub fn remaining_epsilon(&self) -> f64 {
        (self.budget.epsilon - self.spent_epsilon()).max(0.0)
    }

    /// δ left (never negative).
    pub fn remaining_delta(&self) -> f64 {
        (self.budget.delta - self.spent_delta()).max(0.0)
    }

    /// Every query let through, in order.
    pub fn ledger(&self) -> &[Spend] {
        &self.ledger
    }

    /// Whether (ε, δ) would still fit.
    pub fn can_spend(&self, epsilon: f64, delta: f64) -> bool {
        self.spent_epsilon() + epsilon <= self.budget.epsilon * (1.0 + SLACK)
            && self.spent_delta() + delta <= self.budget.delta * (1.0 + SLACK)
    }

    /// Records a query of cost (ε, δ), or refuses it.
    ///
    /// Errors: ε not finite and > 0, or δ outside `[0, 1)` → `InvalidParameter`;
    /// past the budget → [`PrivacyError::BudgetExhausted`] (nothing recorded).
    pub fn spend(&mut self, label: &str, epsilon: f64, delta: f64) -> Result<()> {
        Budget::new(epsilon, delta)?;
        if !self.can_spend(epsilon, delta) {
            return Err(PrivacyError::BudgetExhausted {
                requested_epsilon: epsilon,
                requested_delta: delta,
                remaining_epsilon: self.remaining_epsilon(),
                remaining_delta: self.remaining_delta(),
            });
        }
        self.ledger.push(Spend { label: label.to_owned(), epsilon, delta });
        Ok(())
    }
}
