//! Step 7 — what is bought together: orders as baskets (guest orders
//! included), FP-Growth frequent itemsets, association rules ranked by lift,
//! "bought together" suggestions for the best sellers, and a held-out check
//! that the suggestions complete real baskets better than popularity.

use crate::basket::eval::{CompletionParams, evaluate_completion};
use crate::basket::{BasketSpec, BoughtTogether, CartRequest, FrequentItemsets, Metric, MinSupport, RuleParams};
use crate::core::{Fit, Timestamp};
use crate::report::{BarChart, ReportError};

use super::context::Context;

/// Support threshold of the itemsets behind the rules: 1 % of baskets, at
/// least 5 baskets (so a rule never rests on a handful of orders).
const MIN_SUPPORT: f64 = 0.01;
const MIN_BASKETS: u64 = 5;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cleaned = cx.cleaned()?;
    let sales = &cleaned.transactions;
    let (baskets, built) = BasketSpec::default().build(sales)?;
    if baskets.len() < 2 {
        cx.md.paragraph("Fewer than two orders; nothing to mine. Step skipped.");
        return Ok(());
    }
    let min_count = ((MIN_SUPPORT * baskets.len() as f64).ceil() as u64).max(MIN_BASKETS);
    let support = MinSupport::Count(min_count);
    let sets = FrequentItemsets::params(support).fit(&baskets)?;
    let mut rules = RuleParams::default()
        .min(Metric::Confidence, 0.5)
        .min(Metric::Lift, 3.0)
        .max_antecedent_len(Some(2))
        .max_consequent_len(Some(1))
        .fit(&sets)?;
    rules.sort_by(Metric::Lift, true);
    cx.md.paragraph(&format!(
        "{} orders over {} products ({:.1} products per order; {} non-product lines left out). \
         {} itemsets appear in at least {} orders; {} rules with one or two products on the left have confidence ≥ 0.5 and lift ≥ 3; \
         below, the strongest rule for each of the ten products most lifted by what is already in the basket.",
        baskets.len(),
        baskets.n_items(),
        baskets.nnz() as f64 / baskets.len() as f64,
        built.dropped_non_product,
        sets.len(),
        min_count,
        rules.len()
    ));
    let name = |i: usize| -> String {
        let code = baskets.items().id(i).cloned().unwrap_or_default();
        match baskets.description(i) {
            Some(d) => format!("{code} {d}"),
            None => code,
        }
    };
    // One rule per consequent: a clique of products bought as a set (a
    // series of herb markers, say) would otherwise fill the table with
    // permutations of one fact.
    let mut seen = std::collections::HashSet::new();
    let shown: Vec<&crate::basket::Rule> = rules.rules().iter().filter(|r| seen.insert(r.consequent.clone())).take(10).collect();
    if !shown.is_empty() {
        let rows: Vec<Vec<String>> = shown
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let a: Vec<String> = r.antecedent.iter().map(|&i| name(i as usize)).collect();
                let c: Vec<String> = r.consequent.iter().map(|&i| name(i as usize)).collect();
                vec![
                    format!("{}", k + 1),
                    a.join(" + "),
                    c.join(" + "),
                    format!("{:.3}", r.support),
                    format!("{:.2}", r.confidence),
                    format!("{:.1}", r.lift),
                ]
            })
            .collect();
        cx.md.table(&["rule", "if the basket holds", "it also holds", "support", "confidence", "lift"], &rows);
        let mut chart = BarChart::new("Top rules by lift (numbered as in the table)").value_label("lift");
        for (k, r) in shown.iter().take(8).enumerate() {
            chart = chart.bar(&format!("rule {}", k + 1), r.lift);
        }
        let p = cx.chart_path("basket_rules.svg");
        chart.write_svg(&p)?;
        cx.image("Top rules by lift", "basket_rules.svg");
    }

    // "Bought together" lists for the three best-selling products.
    let model = BoughtTogether::params(support).fit(&baskets)?;
    let counts = baskets.item_counts();
    let mut best: Vec<usize> = (0..counts.len()).collect();
    best.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let mut rows = Vec::new();
    for &item in best.iter().take(3) {
        let picks: Vec<String> = model
            .suggest(&CartRequest::new(vec![item], 3))?
            .iter()
            .map(|s| format!("{}{}", name(s.item), if s.rule.is_none() { " (popular)" } else { "" }))
            .collect();
        rows.push(vec![name(item), picks.join("; ")]);
    }
    cx.md.paragraph("Bought together with the three best sellers (rules first; \"popular\" fills a list the rules leave short):");
    cx.md.table(&["in the cart", "suggest"], &rows);

    // Held-out check: train on the first three quarters of the period.
    let (first, last) = sales.iter().fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t.timestamp.seconds()), b.max(t.timestamp.seconds())));
    if last > first {
        let cutoff = Timestamp(first + (last - first) * 3 / 4).floor_day();
        let (train, test) = baskets.split_at(cutoff)?;
        if train.len() >= 2 && !test.is_empty() {
            let train_support = MinSupport::Count(((MIN_SUPPORT * train.len() as f64).ceil() as u64).max(MIN_BASKETS));
            let held = BoughtTogether::params(train_support).fit(&train)?;
            let report = evaluate_completion(&held, &train, &test, &CompletionParams::default())?;
            cx.md.paragraph(&format!(
                "Completing held-out orders (from {cutoff}; one product hidden from each of {} orders, {} of them never sold before the cut-off):",
                report.queries, report.unseen_targets
            ));
            let rows: Vec<Vec<String>> =
                report.models.iter().map(|m| vec![m.model.clone(), format!("{:.3}", m.hit_rate), format!("{:.3}", m.mrr)]).collect();
            cx.md.table(&["model", &format!("hit@{}", report.k), &format!("MRR@{}", report.k)], &rows);
        }
    }
    Ok(())
}
