//! `shopml recommend`: implicit ALS recommendations for one customer or all.

use std::path::PathBuf;

use shopml::core::Fit;
use shopml::features::{InteractionParams, InteractionValue};
use shopml::recommend::{ImplicitAls, Recommender, Request};

use crate::input::{ReadArgs, export_path};
use crate::model_file;
use crate::output::{Cell, OutArgs};

/// Options of `shopml recommend`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export (CSV, plain or gzip); not needed with --model.
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub out: OutArgs,
    /// Recommend for this customer only (default: every customer).
    #[arg(long)]
    pub user: Option<String>,
    /// Items per customer.
    #[arg(long, short, default_value_t = 10)]
    pub n: usize,
    /// Latent factors.
    #[arg(long, default_value_t = 32)]
    pub factors: usize,
    /// Training iterations.
    #[arg(long, default_value_t = 15)]
    pub iterations: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Save the fitted recommender (model, id maps, purchase history) to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Answer from a saved recommender without refitting.
    #[arg(long, value_name = "FILE", conflicts_with = "save_model")]
    pub model: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let rec: Recommender<ImplicitAls> = match &a.model {
        Some(path) => model_file::load(path, "recommend")?,
        None => {
            let cleaned = a.read.read(export_path(&a.export)?)?;
            super::summary(&cleaned);
            let sales: Vec<_> = cleaned.transactions.iter().filter(|t| t.customer.is_some()).cloned().collect();
            let data = InteractionParams::new().value(InteractionValue::DistinctOrders).from_transactions(&sales)?;
            let als = ImplicitAls::params()
                .n_factors(a.factors)
                .iterations(a.iterations)
                .regularization(0.1)
                .alpha(20.0)
                .seed(a.seed)
                .fit(&data.matrix)?;
            Recommender::new(als, &data)?
        }
    };
    if let Some(path) = &a.save_model {
        model_file::save(path, "recommend", &rec)?;
    }
    let users: Vec<String> = match &a.user {
        Some(u) => vec![u.clone()],
        None => rec.users().ids().to_vec(),
    };
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let lists = rec.recommend_batch(&refs, &Request::top(a.n))?;
    let mut rows = Vec::new();
    for (user, list) in users.iter().zip(lists) {
        for (rank, (item, score)) in list.into_iter().enumerate() {
            rows.push(vec![Cell::from(user.as_str()), Cell::from(rank + 1), Cell::from(item), Cell::from(score as f64)]);
        }
    }
    a.out.write(&["customer", "rank", "product", "score"], rows)
}
