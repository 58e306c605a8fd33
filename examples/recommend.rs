//! Product recommendations on the embedded Online Retail sample: a time split
//! (the last quarter of the period held out), implicit ALS and item-kNN
//! against popularity at P@10 and NDCG@10 with the crate's evaluation, and the
//! top 5 for one customer with product descriptions, marked when the customer
//! bought the product after the cut-off.
//!
//! ```text
//! cargo run --release --example recommend                      # embedded sample
//! cargo run --release --example recommend -- path/to/online_retail.csv.gz
//! ```

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Timestamp};
use shopml::features::{InteractionParams, InteractionValue, SplitRule};
use shopml::recommend::{ImplicitAls, ItemKnn, Popularity, Recommender, Request, Scorer, evaluate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let sales = &cleaned.transactions;
    let mut descriptions: HashMap<&str, &str> = HashMap::new();
    for t in sales {
        if let Some(d) = &t.description {
            descriptions.entry(t.product.as_str()).or_insert(d.as_str());
        }
    }

    // Train on the first three quarters of the period, test on the purchases after it.
    let first = sales.iter().map(|t| t.timestamp.seconds()).min().ok_or("no sales")?;
    let last = sales.iter().map(|t| t.timestamp.seconds()).max().ok_or("no sales")?;
    let cutoff = Timestamp::from_seconds(first + (last - first) * 3 / 4)?.floor_day();
    let split = InteractionParams::new().value(InteractionValue::DistinctOrders).split_transactions(sales, SplitRule::Time { cutoff })?;
    let train = &split.train.matrix;
    println!(
        "train before {cutoff}: {} customers × {} products, {} pairs; test: {} pairs ({} dropped: customer or product unseen in train)",
        train.n_users(),
        train.n_items(),
        train.nnz(),
        split.test.nnz(),
        split.dropped
    );

    let als = ImplicitAls::params().n_factors(32).regularization(0.1).alpha(20.0).iterations(15).seed(7).fit(train)?;
    let knn = ItemKnn::params().k(50).fit(train)?;
    let pop = Popularity::params().fit(train)?;
    let models: [(&str, &dyn Scorer); 3] = [("implicit ALS (32 factors)", &als), ("item-kNN (cosine, k = 50)", &knn), ("popularity", &pop)];
    println!("\n{:<26} {:>7} {:>8} {:>8} {:>7} {:>9}", "model", "P@10", "NDCG@10", "recall", "hit@10", "coverage");
    for (name, model) in models {
        let m = evaluate(model, train, &split.test, 10)?;
        println!(
            "{name:<26} {:>7.4} {:>8.4} {:>8.4} {:>7.3} {:>8.1}%   ({} customers with test purchases)",
            m.precision,
            m.ndcg,
            m.recall,
            m.hit_rate,
            100.0 * m.coverage,
            m.n_users
        );
    }

    // The returning customer with the longest history before the cut-off.
    let user = (0..train.n_users())
        .filter(|&u| split.test.user_items().row_nnz(u) > 0)
        .max_by_key(|&u| (train.user_items().row_nnz(u), std::cmp::Reverse(u)))
        .ok_or("no customer bought again after the cut-off")?;
    let customer = split.train.users.id(user).ok_or("customer index")?.clone();
    let (test_items, _) = split.test.user(user)?;
    let bought_later: HashSet<&str> = test_items.iter().filter_map(|&i| split.train.items.id(i as usize)).map(String::as_str).collect();
    println!(
        "\ncustomer {customer}: {} products before the cut-off, {} after; ALS top 5 (✓ = bought after the cut-off):",
        train.user_items().row_nnz(user),
        bought_later.len()
    );
    let recommender = Recommender::new(als, &split.train)?;
    for (product, score) in recommender.recommend(&customer, &Request::top(5))? {
        let hit = if bought_later.contains(product.as_str()) { "✓" } else { " " };
        println!("  {hit} {product:<8} {:<40} {score:.3}", descriptions.get(product.as_str()).copied().unwrap_or("?"));
    }
    let liked = recommender.recommend(&customer, &Request::top(1))?;
    if let Some((product, _)) = liked.first() {
        let similar: Vec<String> = recommender
            .similar_items(product, 3)?
            .iter()
            .map(|(p, _)| descriptions.get(p.as_str()).copied().unwrap_or(p).to_string())
            .collect();
        println!("products like {}: {}", descriptions.get(product.as_str()).copied().unwrap_or(product), similar.join("; "));
    }
    Ok(())
}
