//! # shopml-privacy
//!
//! Shop exports carry personal data, and the tables made from them are shared
//! with people who should not be able to single out a customer. This crate
//! holds the tools for both ends:
//!
//! - **at read time** — keyed pseudonyms for id columns ([`Pseudonymiser`],
//!   HMAC-SHA-256 under a secret [`Key`]) and per-column policies
//!   ([`PiiPolicy`]: keep, drop, mask the e-mails, phones, cards and IBANs in
//!   free text, generalise dates, postcodes and ages);
//! - **at release time** — k-anonymity and l-diversity checks with suggested
//!   fixes ([`check_k_anonymity`], [`check_l_diversity`]), small-group
//!   suppression for report tables ([`suppress_small_groups`]), and
//!   differentially private counts, sums, means and histograms
//!   ([`dp`]) with exact discrete Laplace and Gaussian noise under a budget
//!   kept by an [`Accountant`].
//!
//! What each tool does and does not protect against is written out in
//! `docs/privacy.md`.
//!
//! ```
//! use shopml_privacy::{mask_text, Key, Pseudonymiser, PseudonymiserParams};
//!
//! let key = Key::from_bytes(*b"0123456789abcdef0123456789abcdef").unwrap();
//! let ids = Pseudonymiser::new(key, PseudonymiserParams::default().domain("customer")).unwrap();
//! let p = ids.pseudonymise("17850");
//! assert_eq!(p, ids.pseudonymise("17850")); // joins still work
//! assert!(!p.contains("17850"));
//!
//! let (text, counts) = mask_text("ring 020 7946 0958 re order");
//! assert_eq!(text, "ring [PHONE] re order");
//! assert_eq!(counts.phone, 1);
//! ```
//!
//! ## Modules
//!
//! - [`key`], [`pseudonym`]: the secret key and keyed pseudonyms.
//! - [`pii`]: detectors and masking for free text; [`policy`]: per-column policies;
//!   [`generalise`]: dates → months, postcodes → districts, ages → bands.
//! - [`anonymity`]: k-anonymity, l-diversity, small-group suppression.
//! - [`dp`]: exact discrete samplers, the accountant and the aggregates.
#![forbid(unsafe_code)]

pub mod anonymity;
pub mod dp;
pub mod error;
pub mod generalise;
pub mod hook;
pub mod key;
pub mod pii;
pub mod policy;
pub mod pseudonym;

pub use anonymity::{
    DiversityGroup, Group, KAnonymityReport, LDiversityReport, Plan, Suggestion, Suppressed, Table, check_k_anonymity, check_l_diversity,
    min_group_size, plan_k_anonymity, suppress_small_groups,
};
pub use dp::{Accountant, Budget, DpRng};
pub use error::{PrivacyError, Result};
pub use generalise::Generalisation;
pub use hook::PrivacyHook;
pub use key::Key;
pub use pii::{PiiCounts, PiiKind, PiiMatch, PiiReport, find_pii, mask_text};
pub use policy::{ColumnPolicy, PiiPolicy};
pub use pseudonym::{PseudonymEncoding, Pseudonymiser, PseudonymiserParams};
