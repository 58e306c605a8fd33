//! Explicit ratings: 5-fold cross-validation on MovieLens (driven by
//! `benches/peers/recommend_explicit.py`).
//!
//! `cargo run --release -p shopml-recommend --example recommend_explicit -- RATINGS_CSV OUT_DIR`
//!
//! Writes each fold's `train_k.csv` / `test_k.csv` (`user,item,rating`, dense
//! indices) to OUT_DIR — a scratch directory, never the repository — so that
//! Surprise runs on identical folds, and prints one
//! `model,rmse,mae,seconds` line per model (means over folds; seconds = total
//! fit + predict time over the five folds).

use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use shopml_core::{Duplicates, Fit, Interactions, InteractionsBuilder};
use shopml_recommend::eval::{RatingModel, evaluate_ratings, k_fold};
use shopml_recommend::{Baseline, BiasedMf, BiasedMfParams, ExplicitAlsParams, KnnBaseline};

fn write(path: &str, m: &Interactions) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(f, "user,item,rating").expect("write");
    for t in m.triples() {
        writeln!(f, "{},{},{}", t.user, t.item, t.value).expect("write");
    }
}

fn run<M: RatingModel>(name: &str, folds: &[(Interactions, Interactions)], fit: impl Fn(&Interactions) -> M) {
    let (mut rmse, mut mae, mut secs) = (0.0, 0.0, 0.0);
    for (train, test) in folds {
        let t = Instant::now();
        let m = fit(train);
        let e = evaluate_ratings(&m, test).expect("evaluate");
        secs += t.elapsed().as_secs_f64();
        rmse += e.rmse;
        mae += e.mae;
    }
    let k = folds.len() as f64;
    println!("{name},{:.4},{:.4},{:.3}", rmse / k, mae / k, secs);
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 3 {
        eprintln!("usage: recommend_explicit RATINGS_CSV OUT_DIR [sgd]");
        std::process::exit(2);
    }
    let mut b = InteractionsBuilder::new();
    for line in BufReader::new(std::fs::File::open(&a[1]).expect("ratings.csv")).lines().skip(1) {
        let line = line.expect("line");
        let f: Vec<&str> = line.split(',').collect();
        b.push(f[0], f[1], f[2].parse().expect("rating")).expect("push");
    }
    let data = b.build(Duplicates::Last).expect("build").matrix;
    let folds = k_fold(&data, 5, 42).expect("folds");
    std::fs::create_dir_all(&a[2]).expect("out dir");
    for (k, (train, test)) in folds.iter().enumerate() {
        write(&format!("{}/train_{k}.csv", a[2]), train);
        write(&format!("{}/test_{k}.csv", a[2]), test);
    }
    if a.get(3).is_some_and(|m| m == "sgd") {
        // Only the SGD rows (for profiling and quick before/after timings).
        for _ in 0..3 {
            run("biased MF (SGD)", &folds, |d| BiasedMf::params().seed(0).fit(d).expect("fit"));
        }
        run("SVD++ (SGD)", &folds, |d| BiasedMfParams::svdpp().seed(0).fit(d).expect("fit"));
        return;
    }
    run("baseline (ALS)", &folds, |d| Baseline::params().fit(d).expect("fit"));
    run("biased MF (SGD)", &folds, |d| BiasedMf::params().seed(0).fit(d).expect("fit"));
    run("biased MF (SGD; no shuffle)", &folds, |d| BiasedMf::params().shuffle(false).seed(0).fit(d).expect("fit"));
    run("SVD++ (SGD)", &folds, |d| BiasedMfParams::svdpp().seed(0).fit(d).expect("fit"));
    run("biased MF (ALS-WR; 20f; λ 0.1; 15 it)", &folds, |d| ExplicitAlsParams::default().seed(0).fit(d).expect("fit"));
    run("biased MF (ALS-WR; 50f; λ 0.05; 15 it)", &folds, |d| {
        ExplicitAlsParams::default().n_factors(50).regularization(0.05).seed(0).fit(d).expect("fit")
    });
    run("kNN-baseline (item; pearson-baseline)", &folds, |d| KnnBaseline::params().fit(d).expect("fit"));
    run("kNN-baseline (user; pearson-baseline)", &folds, |d| KnnBaseline::params().user_based(true).fit(d).expect("fit"));
}
