//! Explicit ratings from a MovieLens-format file: fit the baseline and a
//! biased matrix factorisation (Koren, Bell & Volinsky 2009) on 80 % of the
//! ratings, report RMSE and MAE on the other 20 % beside the global mean,
//! and list the best unseen films for one user.
//!
//! ```text
//! cargo run --release --example movielens -- PATH/ratings.csv [USER_ID]
//! ```
//!
//! The file has a header and the columns `userId,movieId,rating,timestamp`
//! (MovieLens' `ratings.csv`; ml-latest-small is in `../shared/data`). When a
//! `movies.csv` (`movieId,title,genres`) sits beside it, titles are shown.
//! A malformed row stops the run with the file, line and column.

use std::path::{Path, PathBuf};

use shopml::clean::{CsvFormat, CsvReader, Next};
use shopml::core::{Duplicates, Fit, InteractionsBuilder, LabelledInteractions};
use shopml::recommend::eval::{evaluate_ratings, k_fold};
use shopml::recommend::{Baseline, BiasedMf, Recommender, Request};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        println!("usage: movielens RATINGS_CSV [USER_ID]   (MovieLens format: userId,movieId,rating,timestamp)");
        return Ok(());
    };
    let user = args.next();
    let data = read_ratings(&path)?;
    println!("{} ratings by {} users of {} films", data.matrix.nnz(), data.users.len(), data.items.len());

    // One of five random folds held out (seeded, so the numbers repeat).
    let (train, test) = k_fold(&data.matrix, 5, 42)?.swap_remove(0);
    let mean = train.user_items().values().iter().map(|&v| f64::from(v)).sum::<f64>() / train.nnz() as f64;
    let (mut se, mut ae) = (0.0, 0.0);
    for t in test.triples() {
        let e = f64::from(t.value) - mean;
        se += e * e;
        ae += e.abs();
    }
    let n = test.nnz() as f64;
    println!("held out {} ratings:", test.nnz());
    println!("  global mean        RMSE {:.4}  MAE {:.4}", (se / n).sqrt(), ae / n);
    let baseline = Baseline::params().fit(&train)?;
    let m = evaluate_ratings(&baseline, &test)?;
    println!("  baseline (biases)  RMSE {:.4}  MAE {:.4}", m.rmse, m.mae);
    let mf = BiasedMf::params().seed(0).fit(&train)?;
    let m = evaluate_ratings(&mf, &test)?;
    println!("  biased MF (SGD)    RMSE {:.4}  MAE {:.4}", m.rmse, m.mae);

    let titles = read_titles(&path.with_file_name("movies.csv"));
    let who = user.unwrap_or_else(|| data.users.id(0).cloned().unwrap_or_default());
    let labelled = LabelledInteractions { matrix: train, users: data.users.clone(), items: data.items.clone() };
    let rec = Recommender::new(mf, &labelled)?;
    println!("\nbest unseen films for user {who}:");
    for (film, score) in rec.recommend(&who, &Request::top(5))? {
        let title = titles.iter().find(|(id, _)| *id == film).map_or("", |(_, t)| t.as_str());
        println!("  {score:.2}  {film} {title}");
    }
    Ok(())
}

/// `userId,movieId,rating,…` into labelled interactions (a repeated pair keeps its last rating).
fn read_ratings(path: &Path) -> Result<LabelledInteractions, Box<dyn std::error::Error>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut r = CsvReader::new(std::io::BufReader::new(file), &CsvFormat::default());
    let mut b = InteractionsBuilder::new();
    let mut header = true;
    loop {
        match r.next_record()? {
            Next::Record if header => header = false,
            Next::Record => {
                if r.len() < 3 {
                    return Err(format!("{}: line {}: expected userId,movieId,rating", path.display(), r.line()).into());
                }
                let rating: f32 = r
                    .text(2)
                    .trim()
                    .parse()
                    .map_err(|_| format!("{}: line {}, column 3: `{}` is not a rating", path.display(), r.line(), r.text(2)))?;
                b.push(r.text(0).trim(), r.text(1).trim(), rating).map_err(|e| format!("{}: line {}: {e}", path.display(), r.line()))?;
            }
            Next::Malformed { column, message } => {
                return Err(format!("{}: line {}, column {column}: {message}", path.display(), r.line()).into());
            }
            _ => break,
        }
    }
    Ok(b.build(Duplicates::Last)?)
}

/// `movieId,title,…` pairs, or none when the file is missing or unreadable.
fn read_titles(path: &Path) -> Vec<(String, String)> {
    let Ok(file) = std::fs::File::open(path) else { return Vec::new() };
    let mut r = CsvReader::new(std::io::BufReader::new(file), &CsvFormat::default());
    let mut out = Vec::new();
    let mut header = true;
    while let Ok(Next::Record) = r.next_record() {
        if !std::mem::take(&mut header) && r.len() >= 2 {
            out.push((r.text(0).into_owned(), r.text(1).into_owned()));
        }
    }
    out
}
