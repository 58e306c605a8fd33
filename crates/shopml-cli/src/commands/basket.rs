//! `shopml basket`: association rules between products, or "bought
//! together" suggestions for a cart.

use std::path::PathBuf;

use shopml::basket::{BasketSpec, BoughtTogether, CartRequest, FrequentItemsets, ItemKind, Metric, MinSupport, RuleParams};
use shopml::core::Fit;

use crate::input::{ReadArgs, export_path};
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml basket`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip); not needed with --model.
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// What an item is: `product` (product codes) or `category` (the export's
    /// category column, --category-col: rules between departments).
    #[arg(long, value_enum, default_value_t = Items::Product)]
    pub items: Items,
    /// Minimum support, as a share of orders.
    #[arg(long, default_value_t = 0.01)]
    pub min_support: f64,
    /// Minimum confidence of a rule.
    #[arg(long, default_value_t = 0.3)]
    pub min_confidence: f64,
    /// Minimum lift of a rule.
    #[arg(long, default_value_t = 1.0)]
    pub min_lift: f64,
    /// Most products on a rule's left-hand side.
    #[arg(long, default_value_t = 2)]
    pub max_antecedent: usize,
    /// Most products on a rule's right-hand side.
    #[arg(long, default_value_t = 1)]
    pub max_consequent: usize,
    /// Suggest products for this cart (comma-separated product codes) instead of listing rules.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub cart: Option<Vec<String>>,
    /// Suggestions for --cart.
    #[arg(long, short, default_value_t = 5)]
    pub n: usize,
    /// Save the fitted bought-together model to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Suggest from a saved model without refitting (needs --cart).
    #[arg(long, value_name = "FILE", conflicts_with = "save_model", requires = "cart")]
    pub model: Option<PathBuf>,
}

/// Values of `--items`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Items {
    /// Product codes.
    Product,
    /// The category column.
    Category,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    if !(a.min_support > 0.0 && a.min_support <= 1.0) {
        return Err(format!("--min-support must lie in (0, 1], got {}", a.min_support).into());
    }
    if let Some(path) = &a.model {
        let model: BoughtTogether = model_file::load(path, "basket")?;
        return suggest(&a, &model);
    }
    let cleaned = a.read.read(export_path(&a.export)?)?;
    super::summary(&cleaned);
    let kind = match a.items {
        Items::Product => ItemKind::Product,
        Items::Category => ItemKind::Category,
    };
    if kind == ItemKind::Category && cleaned.transactions.iter().all(|t| t.category.is_none()) {
        return Err("--items category: the export has no category values (name its column with --category-col)".into());
    }
    let (baskets, _) = BasketSpec::default().items(kind).build(&cleaned.transactions)?;
    let support = MinSupport::Fraction(a.min_support);
    if a.cart.is_some() || a.save_model.is_some() {
        let model = BoughtTogether::params(support).min_confidence(a.min_confidence).min_lift(a.min_lift).fit(&baskets)?;
        if let Some(path) = &a.save_model {
            model_file::save(path, "basket", &model)?;
        }
        if a.cart.is_some() {
            return suggest(&a, &model);
        }
    }
    let sets = FrequentItemsets::params(support).fit(&baskets)?;
    let mut rules = RuleParams::default()
        .min(Metric::Confidence, a.min_confidence)
        .min(Metric::Lift, a.min_lift)
        .max_antecedent_len(Some(a.max_antecedent))
        .max_consequent_len(Some(a.max_consequent))
        .fit(&sets)?;
    rules.sort_by(Metric::Lift, true);
    let code = |i: &u32| baskets.items().id(*i as usize).cloned().unwrap_or_default();
    let rows = rules
        .rules()
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.antecedent.iter().map(code).collect::<Vec<_>>().join(" ")),
                Cell::from(r.consequent.iter().map(code).collect::<Vec<_>>().join(" ")),
                Cell::from(r.support),
                Cell::from(r.confidence),
                Cell::from(r.lift),
                Cell::from(r.count as f64),
            ]
        })
        .collect();
    a.out.write(&["antecedent", "consequent", "support", "confidence", "lift", "orders"], rows)
}

fn suggest(a: &Args, model: &BoughtTogether) -> Result<(), Box<dyn std::error::Error>> {
    let cart = a.cart.clone().unwrap_or_default();
    let request = model.resolve(&CartRequest::new(cart, a.n))?;
    let items = model.rules().items();
    let rows = model
        .suggest(&request)?
        .into_iter()
        .map(|s| {
            vec![
                Cell::from(items.id(s.item).cloned().unwrap_or_default()),
                Cell::from(s.score),
                Cell::from(match s.rule {
                    Some(k) => model.rules().describe(&model.rules().rules()[k]),
                    None => "popular".to_string(),
                }),
            ]
        })
        .collect();
    a.out.write(&["product", "score", "because"], rows)
}
