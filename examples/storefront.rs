//! The main job on a shop's order export — by default the embedded Online
//! Retail sample (`examples/data/`, CC BY 4.0):
//!
//! 1. clean the raw lines and account for every one of them;
//! 2. compute RFM scores and customer features;
//! 3. segment customers with k-means, choosing k, and describe the segments;
//! 4. recommend products (implicit ALS) and check them on a time split;
//! 5. forecast weekly demand of the best sellers and set reorder points.
//!
//! `cargo run --release --example storefront [-- path/to/export.csv.gz]`

use std::path::PathBuf;
use std::time::Instant;

use ndarray::{Array1, Array2};
use shopml::clean::{CleaningRules, MissingCustomer, Transaction, TransactionSchema, read_transactions};
use shopml::core::{Fit, Forecast, TimeSeries, Timestamp};
use shopml::features::{CustomerFeaturesParams, DemandParams, Frequency, InteractionParams, InteractionValue, SplitRule, TieRule};
use shopml::forecast::ets::AutoEts;
use shopml::forecast::inventory::{LeadTimeDemand, reorder_point, safety_stock_cycle_service};
use shopml::forecast::theta::Theta;
use shopml::recommend::{ImplicitAls, Popularity, Recommender, Request, evaluate};
use shopml::segment::{KMeans, RfmColumns, RfmScaler, choose_k, name_rfm, profile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/online_retail_sample.csv.gz"));

    // 1. Cleaning.
    let t = Instant::now();
    let cleaned = read_transactions(&path, &TransactionSchema::online_retail(), &CleaningRules::default())?;
    let r = &cleaned.report;
    println!("== 1. cleaning {} ({:.2} s)", path.display(), t.elapsed().as_secs_f64());
    println!("   rows read {}, kept {}, returns split off {}", r.rows_read, r.rows_kept, r.returns);
    for (reason, n) in &r.quarantined {
        println!("   quarantined {reason:?}: {n}");
    }
    let quarantined: u64 = r.quarantined.values().sum();
    assert_eq!(r.rows_read, r.rows_kept + r.returns + quarantined, "every row is accounted for");
    let lines: Vec<Transaction> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();

    // 2. RFM and customer features.
    let t = Instant::now();
    let (rfm, features) = CustomerFeaturesParams::default().compute_with_rfm(&lines, None, TieRule::Shared)?;
    println!("\n== 2. customers ({:.2} s)", t.elapsed().as_secs_f64());
    println!("   {} customers, {} features: {}", features.values.nrows(), features.names.len(), features.names.join(", "));
    println!("   RFM segments (snapshot {}):", rfm.snapshot);
    let mut counts = rfm.segment_counts();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    for (segment, n) in counts {
        println!("     {:<22} {n:>5}", segment.name());
    }

    // 3. k-means segments on log1p-standardised R, F, M.
    let t = Instant::now();
    let n = rfm.len();
    let mut raw = Array2::<f64>::zeros((n, 3));
    for i in 0..n {
        raw[[i, 0]] = rfm.recency[i];
        raw[[i, 1]] = rfm.frequency[i];
        raw[[i, 2]] = rfm.monetary[i].max(0.0);
    }
    let scaler = RfmScaler::params(true).fit(&raw)?;
    let z = shopml::core::Transform::transform(&scaler, &raw)?;
    let params = KMeans::params(4).n_init(10).seed(42);
    let choice = choose_k(&params, z.view(), 2..=8, 2000)?;
    let k = choice.recommended;
    let fit = params.clone().n_clusters(k).fit_detailed(&z, None)?;
    let labels: Vec<usize> = fit.labels.to_vec();
    let revenue = Array1::from(raw.column(2).to_vec());
    let mut profiles = profile(raw.view(), &labels, k, Some(revenue.view()))?;
    name_rfm(&mut profiles, raw.view(), RfmColumns { recency: 0, frequency: 1, monetary: 2 })?;
    println!("\n== 3. segments ({:.2} s): k = {k} recommended", t.elapsed().as_secs_f64());
    for reason in &choice.reasons {
        println!("   - {reason}");
    }
    println!("   {:<32} {:>6} {:>8} {:>9} {:>12} {:>10} {:>12}", "segment", "size", "share", "revenue", "recency(d)", "orders", "spend");
    profiles.sort_by(|a, b| b.revenue_share.unwrap_or(0.0).total_cmp(&a.revenue_share.unwrap_or(0.0)));
    for p in &profiles {
        println!(
            "   {:<32} {:>6} {:>7.1}% {:>8.1}% {:>12.0} {:>10.1} {:>12.0}",
            p.name.as_deref().unwrap_or("-"),
            p.size,
            100.0 * p.customer_share,
            100.0 * p.revenue_share.unwrap_or(0.0),
            p.medians[0],
            p.medians[1],
            p.medians[2]
        );
    }

    recommend_products(&cleaned.transactions)?;
    forecast_demand(&path)?;
    Ok(())
}

/// Step 4: implicit ALS on customer × product purchases, checked on a time
/// split (train before 2011-10-01, test after) against popularity.
fn recommend_products(sales: &[Transaction]) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let cutoff = Timestamp::from_date(2011, 10, 1)?;
    let split = InteractionParams::new().value(InteractionValue::DistinctOrders).split_transactions(sales, SplitRule::Time { cutoff })?;
    let train = &split.train.matrix;
    let als = ImplicitAls::params().n_factors(32).regularization(0.1).alpha(20.0).iterations(15).seed(7).fit(train)?;
    let pop = Popularity::params().fit(train)?;
    let m_als = evaluate(&als, train, &split.test, 10)?;
    let m_pop = evaluate(&pop, train, &split.test, 10)?;
    println!("\n== 4. recommendations ({:.2} s)", t.elapsed().as_secs_f64());
    println!(
        "   train {} customers × {} products, {} pairs; test users {} (pairs of unseen ids dropped: {})",
        train.n_users(),
        train.n_items(),
        train.nnz(),
        m_als.n_users,
        split.dropped
    );
    println!("   {:<12} {:>8} {:>8} {:>8} {:>9}", "model", "P@10", "NDCG@10", "hit@10", "coverage");
    for (name, m) in [("implicit ALS", m_als), ("popularity", m_pop)] {
        println!("   {name:<12} {:>8.4} {:>8.4} {:>8.4} {:>8.1}%", m.precision, m.ndcg, m.hit_rate, 100.0 * m.coverage);
    }
    let names: std::collections::HashMap<&str, &str> =
        sales.iter().filter_map(|l| l.description.as_deref().map(|d| (l.product.as_str(), d))).collect();
    let heaviest = (0..train.n_users()).max_by_key(|&u| train.user_items().row_nnz(u)).ok_or("no customers in train")?;
    let customer = split.train.users.id(heaviest).ok_or("customer index")?.clone();
    let rec = Recommender::new(als, &split.train)?;
    println!("   top 5 for customer {customer}:");
    for (item, score) in rec.recommend(&customer, &Request::top(5))? {
        println!("     {item:<8} {:<40} {score:.3}", names.get(item.as_str()).copied().unwrap_or("?"));
    }
    Ok(())
}

/// Step 5: weekly demand of the five best sellers (guest orders included),
/// AutoETS and Theta forecasts with 95 % intervals, and reorder points for a
/// 95 % cycle service level with a 2 ± 0.5 week lead time.
fn forecast_demand(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let rules = CleaningRules { missing_customer: MissingCustomer::Keep, ..CleaningRules::default() };
    let all = read_transactions(path, &TransactionSchema::online_retail(), &rules)?;
    let lines: Vec<Transaction> = all.transactions.into_iter().chain(all.returns).collect();
    let panel = DemandParams::new().frequency(Frequency::Week).build(&lines, None)?;
    let mut order: Vec<usize> = (0..panel.keys.len()).collect();
    order.sort_by(|&a, &b| panel.quantity.row(b).sum().total_cmp(&panel.quantity.row(a).sum()));
    println!("\n== 5. demand and reorder points ({} weeks of {} products)", panel.periods.len(), panel.keys.len());
    println!(
        "   {:<8} {:>9} {:>10} {:>10} {:>14} {:>10} {:>9}",
        "product", "units/wk", "ETS next", "Theta next", "ETS 95% band", "safety", "reorder"
    );
    for &k in order.iter().take(5) {
        let key = panel.keys.id(k).ok_or("product index")?;
        // Weekly retail data has barely one year of history: no yearly season.
        let series = TimeSeries::new(panel.quantity.row(k).to_vec(), 1)?;
        let model = AutoEts::params().fit(&series)?;
        let ets = model.forecast(4, &[95.0])?;
        let theta = Theta::params().fit(&series)?.forecast(4, &[])?;
        let band = &ets.intervals[0];
        // Demand over a 2-week lead time, with the σ of the model's own total-demand error.
        let ltd = LeadTimeDemand::from_forecast(&model, 2)?;
        let safety = safety_stock_cycle_service(&ltd, 95.0)?;
        println!(
            "   {key:<8} {:>9.0} {:>10.0} {:>10.0} {:>6.0}–{:<7.0} {:>10.0} {:>9.0}",
            series.values().iter().sum::<f64>() / series.len() as f64,
            ets.point[0],
            theta.point[0],
            band.lower[0].max(0.0), // demand cannot be negative
            band.upper[0],
            safety,
            reorder_point(&ltd, safety)?
        );
    }
    println!("   ({:.2} s)", t.elapsed().as_secs_f64());
    Ok(())
}
