//! Criterion benches: FP-Growth (and Apriori on a slice) on Quest-shaped baskets, rule
//! derivation, and one bought-together query.
//!
//! `cargo bench -p shopml-basket --bench basket -- --quick`

use criterion::{Criterion, criterion_group, criterion_main};
use shopml_basket::synth::QuestParams;
use shopml_basket::{Algorithm, BoughtTogether, CartRequest, FrequentItemsets, MinSupport, RuleParams};
use shopml_core::Fit;

fn benches(c: &mut Criterion) {
    let baskets = QuestParams::default().n_transactions(20_000).generate().unwrap();
    let mut g = c.benchmark_group("quest_T10I4D20K");
    g.sample_size(10);
    for s in [0.01, 0.005, 0.002] {
        let p = FrequentItemsets::params(MinSupport::Fraction(s));
        g.bench_function(format!("fpgrowth_{s}"), |b| b.iter(|| p.fit(&baskets).unwrap()));
    }
    // Apriori (the test reference) counts candidates basket by basket: on a 1,000-basket slice.
    let slice = baskets.select(|b| b < 1000).unwrap();
    let p = FrequentItemsets::params(MinSupport::Fraction(0.01));
    g.bench_function("fpgrowth_1k_0.01", |b| b.iter(|| p.fit(&slice).unwrap()));
    let p = p.algorithm(Algorithm::Apriori);
    g.bench_function("apriori_1k_0.01", |b| b.iter(|| p.fit(&slice).unwrap()));
    let sets = FrequentItemsets::params(MinSupport::Fraction(0.002)).fit(&baskets).unwrap();
    let rp = RuleParams::default().min(Metric::Confidence, 0.1);
    g.bench_function("rules_0.002", |b| b.iter(|| rp.fit(&sets).unwrap()));
    let model = BoughtTogether::params(MinSupport::Fraction(0.002)).fit(&baskets).unwrap();
    let cart: Vec<usize> = baskets.basket(0).iter().map(|&i| i as usize).collect();
    let req = CartRequest::new(cart, 10);
    g.bench_function("suggest_10", |b| b.iter(|| model.suggest(&req).unwrap()));
    g.finish();
}

use shopml_basket::Metric;

criterion_group!(basket, benches);
criterion_main!(basket);
