//! Customer segments on the embedded Online Retail sample: k-means on
//! log-scaled, standardised recency, frequency and spend; k chosen by the
//! vote of elbow, silhouette, Calinski–Harabasz and Davies–Bouldin; each
//! segment profiled and named in days, orders and pounds; a new customer
//! labelled with the fitted scaler and model.
//!
//! ```text
//! cargo run --release --example segment                      # embedded sample
//! cargo run --release --example segment -- path/to/online_retail.csv.gz
//! ```

use std::path::PathBuf;

use ndarray::array;
use shopml::clean::{CleaningRules, TransactionSchema, read};
use shopml::core::{Fit, Predict, Transform};
use shopml::features::{CustomerFeaturesParams, ReturnsInSpend};
use shopml::segment::{KMeans, RfmColumns, RfmScaler, choose_k, name_rfm, profile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));
    let cleaned = read(path.as_path(), &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();
    // Spend before returns: ln(1 + x) needs x > −1, which net spend does not guarantee.
    let table = CustomerFeaturesParams::new().returns(ReturnsInSpend::Exclude).fit(&lines[..])?;
    let rfm = table.select(&["recency", "frequency", "monetary"])?;
    let scaler = RfmScaler::params(true).fit(&rfm.values)?;
    let z = scaler.transform(&rfm.values)?;
    println!("{} customers; RFM taken to ln(1 + x) and standardised", z.nrows());

    // Fit k = 2..=8 and let the four criteria vote.
    let params = KMeans::params(2).n_init(10).seed(7);
    let choice = choose_k(&params, z.view(), 2..=8, 2_000)?;
    println!("\n  k     inertia  silhouette  Calinski–Harabasz  Davies–Bouldin");
    for s in &choice.scores {
        let mark = if s.k == choice.recommended { "  ◀" } else { "" };
        println!("{:>3} {:>11.1} {:>11.3} {:>18.1} {:>15.3}{mark}", s.k, s.inertia, s.silhouette, s.calinski_harabasz, s.davies_bouldin);
    }
    for reason in &choice.reasons {
        println!("  {reason}");
    }

    let k = choice.recommended;
    let fit = params.clone().n_clusters(k).fit_detailed(&z, None)?;
    println!(
        "\nk = {k}: inertia {:.1} after {} iterations (converged: {}), best of {} runs",
        fit.model.inertia(),
        fit.model.n_iter(),
        fit.model.converged(),
        fit.run_inertias.len()
    );

    // Profiles in original units, named from the RFM tertiles.
    let labels = fit.labels.to_vec();
    let mut profiles = profile(rfm.values.view(), &labels, k, Some(rfm.column("monetary")?))?;
    name_rfm(&mut profiles, rfm.values.view(), RfmColumns { recency: 0, frequency: 1, monetary: 2 })?;
    profiles.sort_by(|a, b| b.revenue_share.unwrap_or(0.0).total_cmp(&a.revenue_share.unwrap_or(0.0)));
    let centres = scaler.inverse_transform(fit.model.centres())?;
    println!("\n{:<34} {:>9} {:>8} {:>9}   median recency / orders / spend   centre", "segment", "customers", "share", "revenue");
    for p in &profiles {
        let c = centres.row(p.segment);
        println!(
            "{:<34} {:>9} {:>7.1}% {:>8.1}%   {:>6.0} d {:>5.1} {:>9.0}    {:>4.0} d {:>5.1} {:>7.0}",
            p.name.clone().unwrap_or_else(|| format!("segment {}", p.segment)),
            p.size,
            100.0 * p.customer_share,
            100.0 * p.revenue_share.unwrap_or(0.0),
            p.medians[0],
            p.medians[1],
            p.medians[2],
            c[0],
            c[1],
            c[2]
        );
    }

    // A customer who is not in the data: last order 10 days ago, 3 orders, £600.
    let newcomer = array![[10.0, 3.0, 600.0]];
    let label = fit.model.predict(&scaler.transform(&newcomer)?)?;
    let segment = label.first().copied().ok_or("no label")?;
    let name = profiles.iter().find(|p| p.segment == segment).and_then(|p| p.name.clone()).unwrap_or_default();
    println!("\na new customer (10 days, 3 orders, £600) falls in segment {segment}: {name}");
    Ok(())
}
