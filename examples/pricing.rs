//! Pricing walk-through: own- and cross-price elasticities from a store panel,
//! recommended prices at a stated unit cost, a what-if table, a markdown plan
//! and a Thompson-sampling run.
//!
//! With `SHOPML_DATA` set, the panel is Dominick's orange juice
//! (`$SHOPML_DATA/pricing/orangeJuice_yx.csv.gz`, read in place); otherwise a
//! seeded synthetic panel of the same shape.
//!
//! `cargo run --release --example pricing`

use std::io::{BufRead, BufReader};

use shopml::core::Fit;
use shopml::pricing::dynamic::{Greedy, Market, PoissonGammaTs, simulate};
use shopml::pricing::markdown::{MarkdownProblem, solve_markdown};
use shopml::pricing::{Covariance, CrossPriceParams, Demand, PanelTable, PriceProblem, optimal_price};

fn orange_juice(root: &str) -> std::io::Result<PanelTable> {
    let path = std::path::Path::new(root).join("pricing/orangeJuice_yx.csv.gz");
    let f = std::fs::File::open(path)?;
    let mut t = PanelTable::new(&["deal", "feat"]);
    for (i, line) in BufReader::new(flate2::read::GzDecoder::new(f)).lines().enumerate() {
        let line = line?;
        if i == 0 {
            continue;
        }
        let v: Vec<&str> = line.split(',').collect();
        let num = |k: usize| v[k].parse::<f64>().unwrap_or(f64::NAN);
        let brand = num(1) as usize;
        // prices are per ounce in the source; ×64 gives the price of a 64 oz carton
        let _ = t.push(v[0], v[1], num(2) as i64, 64.0 * num(4 + brand), num(3).exp(), &[num(16), num(17)]);
    }
    Ok(t)
}

fn synthetic() -> PanelTable {
    let mut s: u64 = 42;
    let mut u = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let own = [-2.8, -3.3, -2.2];
    let mut t = PanelTable::new(&["deal", "feat"]);
    for store in 0..20 {
        for week in 0..100 {
            let p: Vec<f64> = (0..3).map(|_| 2.0 + 2.0 * u()).collect();
            for b in 0..3 {
                let deal = f64::from(u8::from(u() < 0.25));
                let feat = f64::from(u8::from(u() < 0.1));
                let lq = 9.0
                    + 0.02 * store as f64
                    + own[b] * p[b].ln()
                    + 0.4 * p[(b + 1) % 3].ln()
                    + 0.3 * deal
                    + 0.5 * feat
                    + 0.3 * (u() - 0.5);
                let _ = t.push(&store.to_string(), &(b + 1).to_string(), week, p[b], lq.exp(), &[deal, feat]);
            }
        }
    }
    t
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (panel, source) = match std::env::var("SHOPML_DATA") {
        Ok(root) => (orange_juice(&root)?, "Dominick's orange juice (SHOPML_DATA)"),
        Err(_) => (synthetic(), "seeded synthetic panel"),
    };
    println!("panel: {source}, {} rows", panel.len());
    let e = CrossPriceParams::default().covariance(Covariance::Hc1).fit(&panel)?;
    // Unit cost: 60 % of the brand's median price.
    println!("\n| brand | own elasticity | 95 % CI (HC1) | median price | cost | recommended price |");
    println!("|---|---|---|---|---|---|");
    for (i, brand) in e.products.iter().enumerate() {
        let own = &e.elasticities[i][i];
        let mut prices: Vec<f64> = (0..panel.len()).filter(|&r| panel.product[r] == *brand).map(|r| panel.price[r]).collect();
        prices.sort_by(f64::total_cmp);
        let median = prices[prices.len() / 2];
        let cost = 0.6 * median;
        let d = Demand::ConstantElasticity { scale: 1.0, elasticity: own.estimate };
        let best = optimal_price(&PriceProblem::new(d, cost, prices[0], prices[prices.len() - 1]).product(brand.clone()))?;
        let note = if best.inelastic {
            " (inelastic: upper bound)"
        } else if best.binding.is_some() {
            " (bound)"
        } else {
            ""
        };
        println!(
            "| {brand} | {:.3} | [{:.3}, {:.3}] | {median:.2} | {cost:.2} | {:.2}{note} |",
            own.estimate, own.lower, own.upper, best.price
        );
    }
    let k = e.products.len().min(3);
    println!("\ncross-price elasticities (rows: demand of, columns: price of), first {k} products:");
    for i in 0..k {
        let row: Vec<String> = (0..k).map(|j| format!("{:7.3}", e.elasticities[i][j].estimate)).collect();
        println!("  {}: {}", e.products[i], row.join(" "));
    }

    let md = MarkdownProblem::new(vec![4.0, 3.5, 3.0, 2.5, 2.0], vec![2.0, 3.0, 4.5, 6.5, 9.0], 8, 40, 0.5).monotone(true);
    let plan = solve_markdown(&md)?;
    let path = plan.simulate(1)?;
    println!("\nmarkdown: 40 units, 8 weeks, expected revenue {:.2}; one simulated path:", plan.expected_revenue());
    for s in &path {
        println!("  week {}: price {:.2}, sold {}, left {}", s.period + 1, s.price, s.sold, s.stock_after);
    }

    let ladder: Vec<f64> = (1..=10).map(f64::from).collect();
    let market = Market::new(ladder.clone(), ladder.iter().map(|p| 20.0 * (-0.35 * p).exp()).collect())?;
    let ts = simulate(&mut PoissonGammaTs::new(ladder.clone(), 1.0, 1.0)?, &market, 10_000, None, 7)?;
    let gr = simulate(&mut Greedy::new(ladder, 1.0, 1.0)?, &market, 10_000, None, 7)?;
    println!(
        "\nThompson sampling earns {:.1} % of the clairvoyant revenue over 10,000 periods; greedy {:.1} %",
        100.0 * ts.revenue / ts.clairvoyant,
        100.0 * gr.revenue / gr.clairvoyant
    );
    Ok(())
}
