//! Seeded simulation of customer summaries from each model with known
//! parameters (for tests, benchmarks and power calculations).

use crate::bgnbd::BetaGeo;
use crate::summary::{CustomerSummary, Summary};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};

fn finish(customers: Vec<CustomerSummary>) -> Summary {
    Summary::new(customers).expect("simulated summaries are valid by construction")
}

/// `n` customers of a BG/NBD, each observed for `t_age` time units after
/// the first purchase.
pub fn bg_nbd(model: &BetaGeo, n: usize, t_age: f64, seed: u64) -> Summary {
    let [r, alpha, a, b] = model.parameters();
    let mut rng = StdRng::seed_from_u64(seed);
    let lam_d = Gamma::new(r, 1.0 / alpha).expect("valid Gamma");
    let p_d = Beta::new(a, b).expect("valid Beta");
    let customers = (0..n)
        .map(|i| {
            let lam: f64 = lam_d.sample(&mut rng);
            let p: f64 = p_d.sample(&mut rng);
            let exp = Exp::new(lam.max(1e-300)).expect("valid rate");
            let (mut time, mut x, mut last) = (0.0, 0.0, 0.0);
            loop {
                time += exp.sample(&mut rng);
                if time > t_age {
                    break;
                }
                x += 1.0;
                last = time;
                if rng.random::<f64>() < p {
                    break;
                }
            }
            CustomerSummary::new(i.to_string(), x, last, t_age, 0.0)
        })
        .collect();
    finish(customers)
}

/// `n` customers of an MBG/NBD (drop-out possible right after the first purchase).
pub fn mbg_nbd(model: &crate::ModifiedBetaGeo, n: usize, t_age: f64, seed: u64) -> Summary {
    let [r, alpha, a, b] = model.parameters();
    let mut rng = StdRng::seed_from_u64(seed);
    let lam_d = Gamma::new(r, 1.0 / alpha).expect("valid Gamma");
    let p_d = Beta::new(a, b).expect("valid Beta");
    let customers = (0..n)
        .map(|i| {
            let lam: f64 = lam_d.sample(&mut rng);
            let p: f64 = p_d.sample(&mut rng);
            let exp = Exp::new(lam.max(1e-300)).expect("valid rate");
            let (mut time, mut x, mut last) = (0.0, 0.0, 0.0);
            if rng.random::<f64>() >= p {
                loop {
                    time += exp.sample(&mut rng);
                    if time > t_age {
                        break;
                    }
                    x += 1.0;
                    last = time;
                    if rng.random::<f64>() < p {
                        break;
                    }
                }
            }
            CustomerSummary::new(i.to_string(), x, last, t_age, 0.0)
        })
        .collect();
    finish(customers)
}

/// `n` customers of a Pareto/NBD.
pub fn pareto_nbd(model: &crate::ParetoNbd, n: usize, t_age: f64, seed: u64) -> Summary {
    let [r, alpha, s, beta] = model.parameters();
    let mut rng = StdRng::seed_from_u64(seed);
    let lam_d = Gamma::new(r, 1.0 / alpha).expect("valid Gamma");
    let mu_d = Gamma::new(s, 1.0 / beta).expect("valid Gamma");
    let customers = (0..n)
        .map(|i| {
            let lam: f64 = lam_d.sample(&mut rng);
            let mu: f64 = mu_d.sample(&mut rng);
            let life = Exp::new(mu.max(1e-300)).expect("valid rate").sample(&mut rng).min(t_age);
            let exp = Exp::new(lam.max(1e-300)).expect("valid rate");
            let (mut time, mut x, mut last) = (0.0, 0.0, 0.0);
            loop {
                time += exp.sample(&mut rng);
                if time > life {
                    break;
                }
                x += 1.0;
                last = time;
            }
            CustomerSummary::new(i.to_string(), x, last, t_age, 0.0)
        })
        .collect();
    finish(customers)
}

/// `n` customers of a BG/BB with `opportunities` discrete opportunities.
pub fn bg_bb(model: &crate::BetaGeoBetaBinom, n: usize, opportunities: u32, seed: u64) -> Summary {
    let [al, be, ga, de] = model.parameters();
    let mut rng = StdRng::seed_from_u64(seed);
    let p_d = Beta::new(al, be).expect("valid Beta");
    let th_d = Beta::new(ga, de).expect("valid Beta");
    let customers = (0..n)
        .map(|i| {
            let p: f64 = p_d.sample(&mut rng);
            let th: f64 = th_d.sample(&mut rng);
            let (mut x, mut last) = (0.0, 0.0);
            for k in 1..=opportunities {
                if rng.random::<f64>() < th {
                    break;
                }
                if rng.random::<f64>() < p {
                    x += 1.0;
                    last = k as f64;
                }
            }
            CustomerSummary::new(i.to_string(), x, last, opportunities as f64, 0.0)
        })
        .collect();
    finish(customers)
}

/// Mean spends from a Gamma-Gamma for customers with 1 to `max_x` repeat
/// purchases (uniformly), `n` customers.
pub fn gamma_gamma(model: &crate::GammaGamma, n: usize, max_x: u32, seed: u64) -> Summary {
    let [p, q, v] = model.parameters();
    let mut rng = StdRng::seed_from_u64(seed);
    let nu_d = Gamma::new(q, 1.0 / v).expect("valid Gamma");
    let customers = (0..n)
        .map(|i| {
            let x = rng.random_range(1..=max_x.max(1));
            let nu: f64 = nu_d.sample(&mut rng);
            let z = Gamma::new(p, 1.0 / nu.max(1e-300)).expect("valid Gamma");
            let total: f64 = (0..x).map(|_| z.sample(&mut rng)).sum();
            let m = (total / x as f64).max(f64::MIN_POSITIVE);
            CustomerSummary::new(i.to_string(), x as f64, x as f64, x as f64, m)
        })
        .collect();
    finish(customers)
}
