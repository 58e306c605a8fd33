//! Reports a person reads: a Markdown document with tables and SVG charts.
//!
//! The storefront example and the `shopml report` command write their
//! results through this module, so both produce the same `report.md` and the
//! same charts. Charts are drawn with [`plotters`](https://docs.rs/plotters)'
//! SVG backend (no system fonts or libraries needed: text is left to the
//! viewer's SVG renderer).
//!
//! ```
//! use shopml::report::{LineChart, Markdown};
//! let dir = std::env::temp_dir().join("shopml_report_doc");
//! std::fs::create_dir_all(&dir).unwrap();
//! LineChart::new("Inertia by k")
//!     .labels("k", "inertia")
//!     .line("inertia", vec![(2.0, 9.0), (3.0, 5.0), (4.0, 4.0)])
//!     .write_svg(&dir.join("elbow.svg"))
//!     .unwrap();
//! let mut md = Markdown::new();
//! md.heading(1, "Shop report");
//! md.table(&["k", "inertia"], &[vec!["2".into(), "9.0".into()]]);
//! md.image("Inertia by k", "elbow.svg");
//! assert!(md.as_str().contains("| k | inertia |"));
//! ```

mod chart;
mod error;
mod markdown;

pub use chart::{BarChart, Legend, LineChart};
pub use error::ReportError;
pub use markdown::Markdown;
