//! Markdown DP against brute-force enumeration; Thompson sampling against the
//! clairvoyant optimum and the greedy baseline; the inventory-constrained
//! policy never sells more than the stock.

use shopml_pricing::dynamic::{EpsilonGreedy, Greedy, InventoryTs, LogLinearTs, Market, PoissonGammaTs, simulate};
use shopml_pricing::markdown::{MarkdownProblem, solve_markdown};

fn pmf(lambda: f64, d: usize) -> f64 {
    let mut f = 1.0;
    for k in 1..=d {
        f *= lambda / k as f64;
    }
    (-lambda).exp() * f
}

/// Exact expected revenue of a Markov policy `policy[t][s]` by forward propagation
/// of the stock distribution (independent of the library's backward recursion).
fn evaluate(p: &MarkdownProblem, policy: &[Vec<usize>]) -> f64 {
    let mut dist = vec![0.0; p.stock + 1];
    dist[p.stock] = 1.0;
    let mut revenue = 0.0;
    for t in 0..p.periods {
        let mut next = vec![0.0; p.stock + 1];
        for s in 0..=p.stock {
            if dist[s] == 0.0 {
                continue;
            }
            let k = policy[t][s];
            let lam = p.demand_rate[k];
            let mut tail = 1.0;
            for d in 0..s {
                let pr = pmf(lam, d);
                tail -= pr;
                revenue += dist[s] * pr * p.prices[k] * d as f64;
                next[s - d] += dist[s] * pr;
            }
            revenue += dist[s] * tail * p.prices[k] * s as f64;
            next[0] += dist[s] * tail;
        }
        dist = next;
    }
    revenue + dist.iter().enumerate().map(|(s, w)| w * s as f64 * p.salvage).sum::<f64>()
}

#[test]
fn markdown_dp_equals_brute_force_over_all_markov_policies() {
    // 3 prices, 3 periods, stock 2: 3^(3·3) = 19,683 policies.
    for (rates, salvage) in [([0.4, 0.9, 1.8], 0.5), ([0.2, 1.0, 3.0], 2.0), ([1.5, 1.6, 1.7], 0.0)] {
        let p = MarkdownProblem::new(vec![10.0, 7.0, 4.0], rates.to_vec(), 3, 2, salvage);
        let dp = solve_markdown(&p).unwrap();
        let (t, s1, k) = (p.periods, p.stock + 1, p.prices.len());
        let n_dec = t * s1;
        let mut best = f64::NEG_INFINITY;
        for code in 0..k.pow(n_dec as u32) {
            let mut c = code;
            let policy: Vec<Vec<usize>> = (0..t)
                .map(|_| {
                    (0..s1)
                        .map(|_| {
                            let a = c % k;
                            c /= k;
                            a
                        })
                        .collect()
                })
                .collect();
            best = best.max(evaluate(&p, &policy));
        }
        assert!((dp.expected_revenue() - best).abs() < 1e-10, "DP {} vs brute force {best}", dp.expected_revenue());
    }
}

/// Expectimax over every demand history, prices restricted to non-increasing.
fn monotone_brute(p: &MarkdownProblem, t: usize, s: usize, max_price: f64) -> f64 {
    if t == p.periods {
        return p.salvage * s as f64;
    }
    let mut best = f64::NEG_INFINITY;
    for k in 0..p.prices.len() {
        if p.prices[k] > max_price {
            continue;
        }
        let lam = p.demand_rate[k];
        let mut v = 0.0;
        let mut tail = 1.0;
        for d in 0..s {
            let pr = pmf(lam, d);
            tail -= pr;
            v += pr * (p.prices[k] * d as f64 + monotone_brute(p, t + 1, s - d, p.prices[k]));
        }
        v += tail * (p.prices[k] * s as f64 + monotone_brute(p, t + 1, 0, p.prices[k]));
        best = best.max(v);
    }
    best
}

#[test]
fn monotone_markdown_equals_expectimax_and_never_raises_prices() {
    let p = MarkdownProblem::new(vec![12.0, 9.0, 6.0, 3.0], vec![0.3, 0.8, 1.5, 2.5], 4, 4, 1.0).monotone(true);
    let dp = solve_markdown(&p).unwrap();
    let brute = monotone_brute(&p, 0, p.stock, f64::INFINITY);
    assert!((dp.expected_revenue() - brute).abs() < 1e-10, "{} vs {brute}", dp.expected_revenue());
    // non-monotone optimum is at least as good
    let free = solve_markdown(&p.clone().monotone(false)).unwrap();
    assert!(free.expected_revenue() >= dp.expected_revenue() - 1e-12);
    for seed in 0..50 {
        let path = dp.simulate(seed).unwrap();
        assert!(path.windows(2).all(|w| w[1].price <= w[0].price));
        let sold: u64 = path.iter().map(|s| s.sold).sum();
        assert!(sold <= 4);
    }
}

#[test]
fn markdown_rejects_bad_input() {
    assert!(solve_markdown(&MarkdownProblem::new(vec![1.0, 2.0], vec![1.0], 3, 2, 0.0)).is_err());
    assert!(solve_markdown(&MarkdownProblem::new(vec![1.0], vec![f64::NAN], 3, 2, 0.0)).is_err());
    assert!(solve_markdown(&MarkdownProblem::new(vec![1.0], vec![1.0], 0, 2, 0.0)).is_err());
}

/// The documented simulation: ladder 1, 2, …, 10; Poisson demand per period with
/// mean θ(p) = 20·exp(−0.35 p), so revenue p·θ(p) peaks inside the ladder (at p = 3, near 1/0.35).
fn market() -> Market {
    let prices: Vec<f64> = (1..=10).map(f64::from).collect();
    let rates = prices.iter().map(|p| 20.0 * (-0.35 * p).exp()).collect();
    Market::new(prices, rates).unwrap()
}

#[test]
fn thompson_earns_90_percent_of_clairvoyant_and_beats_greedy() {
    let m = market();
    let periods = 10_000;
    let (mut ts, mut ll, mut gr, mut eg) = (0.0, 0.0, 0.0, 0.0);
    for seed in 0..20 {
        let prices = m.prices.clone();
        let r = simulate(&mut PoissonGammaTs::new(prices.clone(), 1.0, 1.0).unwrap(), &m, periods, None, seed).unwrap();
        ts += r.revenue / r.clairvoyant;
        let r = simulate(&mut LogLinearTs::new(prices.clone(), [2.0, -0.5], [2.0, 1.0]).unwrap(), &m, periods, None, seed).unwrap();
        ll += r.revenue / r.clairvoyant;
        let r = simulate(&mut Greedy::new(prices.clone(), 1.0, 1.0).unwrap(), &m, periods, None, seed).unwrap();
        gr += r.revenue / r.clairvoyant;
        let r = simulate(&mut EpsilonGreedy::new(prices, 1.0, 1.0, 0.05).unwrap(), &m, periods, None, seed).unwrap();
        eg += r.revenue / r.clairvoyant;
    }
    let (ts, ll, gr, eg) = (ts / 20.0, ll / 20.0, gr / 20.0, eg / 20.0);
    eprintln!("share of clairvoyant revenue: TS {ts:.4}, log-linear TS {ll:.4}, greedy {gr:.4}, ε-greedy {eg:.4}");
    assert!(ts >= 0.90 && ll >= 0.90, "TS {ts}, log-linear TS {ll}");
    assert!(gr < ts, "greedy {gr} should earn less than TS {ts}");
}

#[test]
fn thompson_short_run_beats_greedy() {
    // The same comparison on 2,000 periods × 5 seeds, cheap enough for every test run.
    let m = market();
    let (mut ts, mut gr) = (0.0, 0.0);
    for seed in 0..5 {
        ts += simulate(&mut PoissonGammaTs::new(m.prices.clone(), 1.0, 1.0).unwrap(), &m, 2000, None, seed).unwrap().revenue;
        gr += simulate(&mut Greedy::new(m.prices.clone(), 1.0, 1.0).unwrap(), &m, 2000, None, seed).unwrap().revenue;
    }
    let best = m.best_revenue_rate() * 2000.0 * 5.0;
    assert!(ts / best > 0.85, "TS share {}", ts / best);
    assert!(gr < ts);
}

#[test]
fn inventory_ts_never_oversells_and_is_deterministic() {
    let m = market();
    for (stock, seed) in [(300.0, 1u64), (1000.0, 2), (50.0, 3)] {
        let mut pol = InventoryTs::new(m.prices.clone(), 1.0, 1.0, stock, 500).unwrap();
        let r = simulate(&mut pol, &m, 500, Some(stock), seed).unwrap();
        assert!(r.units_sold <= stock, "sold {} of {stock}", r.units_sold);
        assert!(r.revenue <= r.clairvoyant * 1.1);
        eprintln!("stock {stock}: inventory TS earns {:.3} of the LP bound", r.revenue / r.clairvoyant);
        assert!(r.revenue >= 0.9 * r.clairvoyant, "inventory TS {} of the LP bound", r.revenue / r.clairvoyant);
        let again = simulate(&mut InventoryTs::new(m.prices.clone(), 1.0, 1.0, stock, 500).unwrap(), &m, 500, Some(stock), seed).unwrap();
        assert_eq!(r, again);
    }
}

/// Policy states and markets saved to JSON reload, and a tampered file —
/// which before validation would load and then panic or misbehave on the
/// next period (ε outside [0, 1], a count per price missing, no period
/// left, NaN stock, rates of another length) — is refused, naming the field.
#[test]
fn saved_policies_reload_and_tampered_ones_are_refused() {
    use serde_json::{Value, json};
    use shopml_pricing::{EpsilonGreedy, InventoryTs, LogLinearTs, Market};
    fn tamper<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        v: &T,
        edit: impl Fn(&mut Value),
        needle: &str,
    ) {
        let mut j = serde_json::to_value(v).unwrap();
        assert_eq!(&serde_json::from_value::<T>(j.clone()).unwrap(), v, "a saved value reloads");
        edit(&mut j);
        let err = serde_json::from_value::<T>(j).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
    let ladder = vec![1.0, 1.5, 2.0];
    tamper(&EpsilonGreedy::new(ladder.clone(), 1.0, 1.0, 0.1).unwrap(), |j| j["epsilon"] = json!(5.0), "epsilon");
    let ll = LogLinearTs::new(ladder.clone(), [0.0, -1.0], [2.0, 2.0]).unwrap();
    tamper(&ll, |j| j["count"] = json!([0.0, 1.0]), "count");
    tamper(&ll, |j| j["demand"] = json!([0.0, -1.0, 2.0]), "demand");
    tamper(&ll, |j| j["prior_sd"] = json!([0.0, 1.0]), "prior_sd");
    let inv = InventoryTs::new(ladder.clone(), 1.0, 1.0, 10.0, 5).unwrap();
    tamper(&inv, |j| j["periods_left"] = json!(0), "periods_left");
    tamper(&inv, |j| j["stock"] = json!(-3.0), "stock");
    let market = Market::new(ladder, vec![5.0, 3.0, 1.0]).unwrap();
    tamper(&market, |j| j["rates"] = json!([5.0, 3.0]), "rates");
    tamper(&market, |j| j["prices"] = json!([1.0, 0.0, 2.0]), "price ladder");
}
