//! Implicit-feedback quality on real data (driven by `benches/peers/recommend_quality.py`).
//!
//! `cargo run --release -p shopml-recommend --example recommend_quality -- (ml|retail) DATA_FILE OUT_DIR`
//!
//! - `ml`: MovieLens ratings.csv, ratings >= 4 are positives, per-user 20 %
//!   holdout (seed 42).
//! - `retail`: Online Retail (gz CSV), customer × product purchase counts;
//!   train = invoices before 2011-10-01, test = after (known customers and
//!   products only; items already bought in train are not relevant).
//!
//! Writes the split as `train.csv` / `test.csv` (`user,item,value`, dense
//! indices) into OUT_DIR — a scratch directory, never the repository — so the
//! peer script fits `implicit` on exactly the same data, and prints one
//! `model,precision,recall,ndcg,map,seconds` line per model (K = 10).

use std::io::Write;
use std::time::Instant;

use shopml_clean::{CleaningRules, CsvFormat, CsvReader, Next, TransactionSchema, read};
use shopml_core::{Duplicates, Fit, Interactions, Timestamp, Triple};
use shopml_recommend::eval::{evaluate, split_per_user};
use shopml_recommend::{AlsSolver, Bpr, Confidence, ImplicitAls, ItemKnn, NegativeSampling, PairSampling, Popularity, Scorer, Similarity};

fn movielens(path: &str) -> (Interactions, Interactions) {
    let f = std::fs::File::open(path).expect("ratings.csv");
    let mut r = CsvReader::from_reader(f, &CsvFormat::default()).expect("ratings.csv");
    let mut b = shopml_core::InteractionsBuilder::new();
    assert_eq!(r.next_record().expect("header"), Next::Record);
    while r.next_record().expect("line") == Next::Record {
        let rating: f32 = r.text(2).parse().expect("rating");
        if rating >= 4.0 {
            b.push(&r.text(0), &r.text(1), 1.0).expect("push");
        }
    }
    let data = b.build(Duplicates::Max).expect("build").matrix;
    split_per_user(&data, 0.2, 42).expect("split")
}

fn retail(path: &str) -> (Interactions, Interactions) {
    // The Online Retail preset, minus three of its filters so the split
    // matches the historical hand-written reader: every product code counts,
    // duplicate lines are kept, and so are zero prices. Cancellations,
    // returns and guests (no customer) are left out.
    let rules = CleaningRules::online_retail()
        .non_product_codes([] as [&str; 0])
        .drop_exact_duplicates(false)
        .require_positive_price(false)
        .reject_zero_quantity(false);
    let cleaned = read(std::path::Path::new(path), &TransactionSchema::online_retail(), &rules).expect("online_retail.csv.gz");
    let cut = Timestamp::from_date(2011, 10, 1).expect("date");
    let mut users = shopml_core::IdMap::<String>::named("user");
    let mut items = shopml_core::IdMap::<String>::named("item");
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for t in cleaned.transactions.iter().filter(|t| t.quantity > 0.0) {
        let (u, i) = (t.customer.clone().expect("customers are required"), t.product.to_uppercase());
        if t.timestamp < cut {
            let u = users.insert(u) as u32;
            let i = items.insert(i) as u32;
            train.push(Triple { user: u, item: i, value: 1.0 });
        } else {
            test.push((u, i));
        }
    }
    let (nu, ni) = (users.len(), items.len());
    let tr = Interactions::from_triples(nu, ni, &train, Duplicates::Sum).expect("train");
    let te: Vec<Triple> = test
        .into_iter()
        .filter_map(|(u, i)| Some(Triple { user: users.get(&u)? as u32, item: items.get(&i)? as u32, value: 1.0 }))
        .filter(|t| tr.get(t.user as usize, t.item as usize).is_none())
        .collect();
    (tr, Interactions::from_triples(nu, ni, &te, Duplicates::Max).expect("test"))
}

fn write(path: &str, m: &Interactions) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(f, "user,item,value").expect("write");
    for t in m.triples() {
        writeln!(f, "{},{},{}", t.user, t.item, t.value).expect("write");
    }
}

fn row(name: &str, m: &dyn Scorer, train: &Interactions, test: &Interactions, secs: f64) {
    let r = evaluate(m, train, test, 10).expect("evaluate");
    println!("{name},{:.4},{:.4},{:.4},{:.4},{:.3}", r.precision, r.recall, r.ndcg, r.map, secs);
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 4 {
        eprintln!("usage: recommend_quality (ml|retail) DATA_FILE OUT_DIR [als_alpha]");
        std::process::exit(2);
    }
    let (train, test) = if a[1] == "ml" { movielens(&a[2]) } else { retail(&a[2]) };
    let alpha: f32 = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    std::fs::create_dir_all(&a[3]).expect("out dir");
    write(&format!("{}/train.csv", a[3]), &train);
    write(&format!("{}/test.csv", a[3]), &test);
    eprintln!("{} users × {} items, train nnz {}, test nnz {}", train.n_users(), train.n_items(), train.nnz(), test.nnz());
    let only_bpr = std::env::var("RECQ_ONLY_BPR").is_ok();
    let t = Instant::now();
    let pop = Popularity::params().fit(&train).expect("fit");
    row("popularity", &pop, &train, &test, t.elapsed().as_secs_f64());
    if !only_bpr {
        // Same hyper-parameters as the implicit side (its confidence convention c = α r).
        let als = ImplicitAls::params()
            .n_factors(64)
            .regularization(0.05)
            .alpha(alpha)
            .confidence(Confidence::AlphaTimesValue)
            .iterations(15)
            .solver(AlsSolver::ConjugateGradient { steps: 3 })
            .seed(std::env::var("ALS_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0));
        if std::env::var("RECQ_ONLY_ALS").is_ok() {
            let m = als.fit(&train).expect("fit");
            row("als", &m, &train, &test, 0.0);
            return;
        }
        let t = Instant::now();
        let m = als.fit(&train).expect("fit");
        row("als", &m, &train, &test, t.elapsed().as_secs_f64());
        let t = Instant::now();
        let m = als.clone().confidence(Confidence::OnePlusAlpha).fit(&train).expect("fit");
        row("als (c = 1 + αr)", &m, &train, &test, t.elapsed().as_secs_f64());
        let t = Instant::now();
        let m = als.clone().solver(AlsSolver::Cholesky).fit(&train).expect("fit");
        row("als (Cholesky)", &m, &train, &test, t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let env = |k: &str, d: f64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let bpr = Bpr::params()
        .n_factors(64)
        .learning_rate(env("BPR_LR", 0.01) as f32)
        .regularization(0.01)
        .iterations(env("BPR_ITERS", 100.0) as usize)
        .n_blocks(env("BPR_BLOCKS", 8.0) as usize)
        .seed(env("BPR_SEED", 0.0) as u64);
    let m = bpr.fit(&train).expect("fit");
    row("bpr", &m, &train, &test, t.elapsed().as_secs_f64());
    let t = Instant::now();
    let m = bpr.clone().learning_rate(0.05).fit(&train).expect("fit");
    row("bpr (lr 0.05)", &m, &train, &test, t.elapsed().as_secs_f64());
    // implicit's sampler: negatives in proportion to popularity.
    let pop_bpr = bpr.clone().negative_sampling(NegativeSampling::Popularity);
    let t = Instant::now();
    let m = pop_bpr.fit(&train).expect("fit");
    row("bpr (popularity negatives)", &m, &train, &test, t.elapsed().as_secs_f64());
    let t = Instant::now();
    let m = pop_bpr.clone().learning_rate(0.05).fit(&train).expect("fit");
    row("bpr (popularity negatives; lr 0.05)", &m, &train, &test, t.elapsed().as_secs_f64());
    // implicit's whole scheme: positives drawn with replacement, a negative that is a positive skips the sample.
    let implicit_like = pop_bpr.pair_sampling(PairSampling::WithReplacement);
    let t = Instant::now();
    let m = implicit_like.clone().fit(&train).expect("fit");
    row("bpr (implicit's sampler)", &m, &train, &test, t.elapsed().as_secs_f64());
    let t = Instant::now();
    let m = implicit_like.learning_rate(0.05).fit(&train).expect("fit");
    row("bpr (implicit's sampler; lr 0.05)", &m, &train, &test, t.elapsed().as_secs_f64());
    for (name, sim) in [
        ("item-knn cosine", Similarity::Cosine),
        ("item-knn bm25", Similarity::Bm25 { k1: 100.0, b: 0.8 }),
        ("item-knn tfidf", Similarity::TfIdf),
        ("item-knn jaccard", Similarity::Jaccard),
    ] {
        let t = Instant::now();
        let m = ItemKnn::params().k(20).similarity(sim).fit(&train).expect("fit");
        row(name, &m, &train, &test, t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let m = ItemKnn::params().k(50).user_based(true).fit(&train).expect("fit");
    row("user-knn cosine k50", &m, &train, &test, t.elapsed().as_secs_f64());
}
