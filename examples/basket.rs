//! Market-basket analysis on the embedded Online Retail sample: baskets per
//! invoice, frequent itemsets with FP-Growth, the strongest rules, "bought
//! together" suggestions for a cart, and next-item completion against
//! popularity and item-kNN.
//!
//! ```text
//! cargo run --release --example basket                      # embedded sample
//! cargo run --release --example basket -- path/to/online_retail.csv.gz
//! ```

use std::path::PathBuf;

use shopml::basket::eval::{CompletionParams, evaluate_completion};
use shopml::basket::{BasketSpec, BoughtTogether, CartRequest, FrequentItemsets, ItemsetKind, Metric, MinSupport, RuleParams};
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let (baskets, report) = BasketSpec::default().build(&cleaned.transactions)?;
    println!(
        "{} order lines -> {} baskets (invoices) over {} products, {:.1} products per basket; {} non-product lines dropped",
        report.lines_read,
        baskets.len(),
        baskets.n_items(),
        baskets.nnz() as f64 / baskets.len() as f64,
        report.dropped_non_product
    );

    // Frequent itemsets: all, closed and maximal at 1 % support.
    let params = FrequentItemsets::params(MinSupport::Fraction(0.01));
    let sets = params.fit(&baskets)?;
    let closed = sets.filter_kind(ItemsetKind::Closed)?;
    let maximal = sets.filter_kind(ItemsetKind::Maximal)?;
    println!("\nsupport ≥ 1 %: {} frequent itemsets, {} closed, {} maximal", sets.len(), closed.len(), maximal.len());

    // Rules: confidence ≥ 0.5 and lift ≥ 3, strongest lift first.
    let mut rules = RuleParams::default().min(Metric::Confidence, 0.5).min(Metric::Lift, 3.0).max_consequent_len(Some(1)).fit(&sets)?;
    rules.sort_by(Metric::Lift, true);
    println!("{} rules with one consequent, confidence ≥ 0.5 and lift ≥ 3; the top 8 by lift:", rules.len());
    let name = |i: u32| baskets.description(i as usize).unwrap_or_else(|| baskets.items().id(i as usize).unwrap()).to_string();
    for r in rules.rules().iter().take(8) {
        let a: Vec<String> = r.antecedent.iter().map(|&i| name(i)).collect();
        let c: Vec<String> = r.consequent.iter().map(|&i| name(i)).collect();
        println!(
            "  {} → {}   support {:.3}, confidence {:.2}, lift {:.1}, conviction {:.2}",
            a.join(" + "),
            c.join(" + "),
            r.support,
            r.confidence,
            r.lift,
            r.conviction
        );
    }

    // Bought together: train before October 2011, suggest for a cart, evaluate on later invoices.
    let (train, test) = baskets.split_at(Timestamp::from_date(2011, 10, 1)?)?;
    let model = BoughtTogether::params(MinSupport::Count(5)).fit(&train)?;
    let cart: Vec<usize> = rules.rules().first().map(|r| r.antecedent.iter().map(|&i| i as usize).collect()).unwrap_or_default();
    let cart_names: Vec<String> = cart.iter().map(|&i: &usize| name(i as u32)).collect();
    println!("\ncart: {}", cart_names.join(" + "));
    for s in model.suggest(&CartRequest::new(cart, 5))? {
        let why = match s.rule {
            Some(k) => {
                let r = &model.rules().rules()[k];
                format!("because of {} (confidence {:.2}, lift {:.1})", model.rules().describe(r), r.confidence, r.lift)
            }
            None => "popular".to_string(),
        };
        println!("  suggest {:<40} {why}", name(s.item as u32));
    }
    let report = evaluate_completion(&model, &train, &test, &CompletionParams::default())?;
    println!(
        "\nnext-item completion on {} held-out baskets (from 2011-10-01; {} hidden items never seen in training):",
        report.queries, report.unseen_targets
    );
    for m in &report.models {
        println!("  {:<16} hit@{} {:.3}   MRR@{} {:.3}", m.model, report.k, m.hit_rate, report.k, m.mrr);
    }
    Ok(())
}
