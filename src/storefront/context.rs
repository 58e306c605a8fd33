//! The state handed from one storefront step to the next.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::clean::{Cleaned, Transaction};
use crate::features::{FeatureMatrix, Rfm};
use crate::report::{Markdown, ReportError};

use super::StorefrontConfig;

/// Everything the steps share: the configuration, the growing report, the
/// cleaned lines and what earlier steps computed.
pub(crate) struct Context<'a> {
    pub config: &'a StorefrontConfig,
    pub md: Markdown,
    pub charts: Vec<PathBuf>,
    /// Shared so a step can read it while writing to the report.
    pub cleaned: Option<Arc<Cleaned>>,
    /// Sales and returns of identified customers, in file order.
    pub lines: Vec<Transaction>,
    pub rfm: Option<Rfm>,
    pub features: Option<FeatureMatrix>,
    /// Product code → description (first seen).
    pub descriptions: HashMap<String, String>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a StorefrontConfig) -> Self {
        Context {
            config,
            md: Markdown::new(),
            charts: Vec::new(),
            cleaned: None,
            lines: Vec::new(),
            rfm: None,
            features: None,
            descriptions: HashMap::new(),
        }
    }

    /// The path of a chart file in the output folder, recorded for the report.
    pub fn chart_path(&mut self, name: &str) -> PathBuf {
        let p = self.config.out_dir.join(name);
        self.charts.push(p.clone());
        p
    }

    /// Embeds a chart written to `name` in the report.
    pub fn image(&mut self, alt: &str, name: &str) {
        self.md.image(alt, name);
    }

    pub fn cleaned(&self) -> Result<Arc<Cleaned>, ReportError> {
        self.cleaned.clone().ok_or_else(|| ReportError::Step { step: "cleaning", message: "the export has not been read".into() })
    }
}
