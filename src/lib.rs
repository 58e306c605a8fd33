//! # shopml
//!
//! E-commerce analytics in Rust. This facade re-exports the shopml crates as
//! modules so that one dependency gives the whole toolkit.
#![forbid(unsafe_code)]

pub use shopml_core as core;
