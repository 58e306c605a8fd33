//! Step 6 — what to show each customer: implicit ALS and item-kNN against
//! popularity on a time split (the last quarter of the export held out).

use crate::core::{Fit, Timestamp};
use crate::features::{InteractionParams, InteractionValue, SplitRule};
use crate::recommend::{ImplicitAls, ItemKnn, Popularity, Recommender, Request, evaluate};
use crate::report::{BarChart, ReportError};

use super::context::Context;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let sales: Vec<_> = cx.cleaned()?.transactions.iter().filter(|t| t.customer.is_some()).cloned().collect();
    let (first, last) = sales.iter().fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t.timestamp.seconds()), b.max(t.timestamp.seconds())));
    if sales.is_empty() || last <= first {
        cx.md.paragraph("Not enough dated sales of identified customers for a time split; step skipped.");
        return Ok(());
    }
    // Train on the first three quarters of the period, test on the rest.
    let cutoff = Timestamp(first + (last - first) * 3 / 4).floor_day();
    let split = InteractionParams::new().value(InteractionValue::DistinctOrders).split_transactions(&sales, SplitRule::Time { cutoff })?;
    let train = &split.train.matrix;
    let seed = cx.config.seed;
    let als = ImplicitAls::params().n_factors(32).regularization(0.1).alpha(20.0).iterations(15).seed(seed).fit(train)?;
    let knn = ItemKnn::params().k(50).fit(train)?;
    let pop = Popularity::params().fit(train)?;
    let results = [
        ("implicit ALS", evaluate(&als, train, &split.test, 10)?),
        ("item-kNN (cosine, k = 50)", evaluate(&knn, train, &split.test, 10)?),
        ("popularity", evaluate(&pop, train, &split.test, 10)?),
    ];
    cx.md.paragraph(&format!(
        "Trained on purchases before {cutoff} ({} customers × {} products, {} customer–product pairs), evaluated on the {} customers who bought again after it.",
        train.n_users(),
        train.n_items(),
        train.nnz(),
        results[0].1.n_users
    ));
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|(name, m)| {
            vec![
                name.to_string(),
                format!("{:.4}", m.precision),
                format!("{:.4}", m.ndcg),
                format!("{:.4}", m.hit_rate),
                format!("{:.1} %", 100.0 * m.coverage),
            ]
        })
        .collect();
    cx.md.table(&["model", "P@10", "NDCG@10", "hit@10", "catalogue coverage"], &rows);
    let mut chart = BarChart::new("Precision at 10 on the held-out period").value_label("P@10");
    for (name, m) in &results {
        chart = chart.bar(name, m.precision);
    }
    let p = cx.chart_path("recommend_precision.svg");
    chart.write_svg(&p)?;
    cx.image("Precision at 10", "recommend_precision.svg");

    // Three customers with the longest histories: their top 5.
    let mut users: Vec<usize> = (0..train.n_users()).collect();
    users.sort_by_key(|&u| std::cmp::Reverse(train.user_items().row_nnz(u)));
    let rec = Recommender::new(als, &split.train)?;
    for &u in users.iter().take(3) {
        let Some(customer) = split.train.users.id(u).cloned() else { continue };
        let items = rec.recommend(&customer, &Request::top(5))?;
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|(item, score)| vec![item.clone(), cx.descriptions.get(item).cloned().unwrap_or_default(), format!("{score:.3}")])
            .collect();
        cx.md.paragraph(&format!("Top 5 for customer {customer} ({} products bought before the cut-off):", train.user_items().row_nnz(u)));
        cx.md.table(&["product", "description", "score"], &rows);
    }
    Ok(())
}
