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
