//! # shopml-clean (in progress)
#![allow(missing_docs)]
pub mod records;
pub use records::{Event, EventKind, Transaction};
