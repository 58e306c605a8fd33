//! Criterion benches of the pricing hot paths (quick settings): the
//! cross-price panel on an orange-juice-sized synthetic panel, a 50-product
//! line QP, a markdown DP and 10,000 periods of Thompson sampling.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shopml_core::Fit;
use shopml_pricing::dynamic::{Market, PoissonGammaTs, simulate};
use shopml_pricing::line::{LineDemand, LineProblem, LineProduct, LineSolverParams, optimise_line};
use shopml_pricing::markdown::{MarkdownProblem, solve_markdown};
use shopml_pricing::{CrossPriceParams, PanelTable};

fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 83 stores × 11 brands × 121 weeks with deal / feature controls, like the orange-juice panel.
fn panel() -> PanelTable {
    let mut u = uniform(1);
    let mut t = PanelTable::new(&["deal", "feat"]);
    for s in 0..83 {
        for w in 0..121 {
            let prices: Vec<f64> = (0..11).map(|_| 0.02 + 0.04 * u()).collect();
            for b in 0..11 {
                let deal = f64::from(u8::from(u() < 0.3));
                let feat = u();
                let lq = 5.0 + 0.01 * s as f64 - 3.0 * prices[b].ln()
                    + 0.3 * prices[(b + 1) % 11].ln()
                    + 0.4 * deal
                    + 0.2 * feat
                    + 0.3 * (u() - 0.5);
                t.push(&s.to_string(), &b.to_string(), w, prices[b], lq.exp(), &[deal, feat]).unwrap();
            }
        }
    }
    t
}

/// A 50-product line with substitutes, bounds, a ±15 % change limit, a 25 % margin floor and capacity on every fifth product.
pub fn line_problem(n: usize) -> LineProblem {
    let mut u = uniform(2);
    let mut slopes = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            slopes[i][j] = if i == j { -(6.0 + 4.0 * u()) } else { 0.05 * u() };
        }
    }
    let intercept: Vec<f64> = (0..n).map(|_| 110.0 + 60.0 * u()).collect();
    let products = (0..n)
        .map(|i| {
            let cost = 2.0 + 3.0 * u();
            let mut p = LineProduct::new(format!("p{i}"), cost, 1.0, 20.0).current_price(6.0 + 4.0 * u());
            if i % 5 == 0 {
                p = p.capacity(120.0);
            }
            p
        })
        .collect();
    LineProblem::new(products, LineDemand::Linear { intercept, slopes }).max_change(0.15).min_margin(0.25)
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("pricing");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    let t = panel();
    g.bench_function("cross_price_panel_106k_rows", |b| b.iter(|| CrossPriceParams::default().fit(&t).unwrap()));
    let lp = line_problem(50);
    g.bench_function("line_qp_50_products", |b| b.iter(|| optimise_line(&lp, &LineSolverParams::default()).unwrap()));
    let md =
        MarkdownProblem::new(vec![10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0], vec![0.5, 0.8, 1.2, 1.8, 2.5, 3.5, 5.0, 7.0], 26, 200, 1.0)
            .monotone(true);
    g.bench_function("markdown_dp_26x200x8_monotone", |b| b.iter(|| solve_markdown(&md).unwrap()));
    let prices: Vec<f64> = (1..=10).map(f64::from).collect();
    let market = Market::new(prices.clone(), prices.iter().map(|p| 20.0 * (-0.35 * p).exp()).collect()).unwrap();
    g.bench_function("thompson_10k_periods", |b| {
        b.iter(|| simulate(&mut PoissonGammaTs::new(prices.clone(), 1.0, 1.0).unwrap(), &market, 10_000, None, 1).unwrap())
    });
    g.finish();
}

criterion_group!(pricing, benches);
criterion_main!(pricing);
