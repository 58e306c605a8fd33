//! Timing driver for benches/peers/basket_speed.py: mines frequent itemsets
//! and prints one JSON line per support level with the median time and the
//! process's peak memory.
//!
//! ```text
//! # baskets of the whole Online Retail file ($SHOPML_DATA), written for the peers:
//! cargo run --release -p shopml-basket --example basket_speed -- --online-retail --write-baskets /tmp/or.tsv
//! # Quest-shaped synthetic baskets (T10.I4.D100K, 1,000 items):
//! cargo run --release -p shopml-basket --example basket_speed -- --quest 0 --write-baskets /tmp/quest.tsv
//! # time mining on a baskets file (one basket per line, tab-separated items):
//! cargo run --release -p shopml-basket --example basket_speed -- --baskets /tmp/or.tsv --supports 0.02,0.005 --threads 2
//! ```

use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

use shopml_basket::synth::QuestParams;
use shopml_basket::{BasketSpec, Baskets, FrequentItemsets, MinSupport};
use shopml_clean::{CleaningRules, TransactionSchema, read};
use shopml_core::Fit;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|p| args.get(p + 1)).cloned();
    let has = |name: &str| args.iter().any(|a| a == name);
    let threads: usize = get("--threads").map(|s| s.parse()).transpose()?.unwrap_or(2);
    let repeat: usize = get("--repeat").map(|s| s.parse()).transpose()?.unwrap_or(3);
    let supports: Vec<f64> = get("--supports").unwrap_or_else(|| "0.02".into()).split(',').map(|s| s.parse()).collect::<Result<_, _>>()?;
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global()?;

    let baskets = if has("--online-retail") {
        let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
        let cleaned = read(&path, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
        let mut spec = BasketSpec::default();
        if let Some(c) = get("--country") {
            spec = spec.countries([c]);
        }
        spec.build(&cleaned.transactions)?.0
    } else if let Some(seed) = get("--quest") {
        QuestParams::default().seed(seed.parse()?).generate()?
    } else if let Some(p) = get("--baskets") {
        let f = std::io::BufReader::new(std::fs::File::open(p)?);
        let mut lists = Vec::new();
        for line in f.lines() {
            lists.push(line?.split('\t').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>());
        }
        Baskets::from_item_lists(lists)?
    } else {
        return Err("give --online-retail [--country C], --quest SEED or --baskets FILE".into());
    };
    if let Some(out) = get("--write-baskets") {
        let mut w = BufWriter::new(std::fs::File::create(out)?);
        for b in baskets.iter() {
            let codes: Vec<&str> = b.iter().map(|&i| baskets.items().id(i as usize).unwrap().as_str()).collect();
            writeln!(w, "{}", codes.join("\t"))?;
        }
        w.flush()?;
        println!("{{\"baskets\":{},\"items\":{},\"nnz\":{}}}", baskets.len(), baskets.n_items(), baskets.nnz());
        return Ok(());
    }
    let rss_input = peak_rss_mb();
    for s in supports {
        let params = FrequentItemsets::params(MinSupport::Fraction(s));
        let mut times = Vec::new();
        let mut n_sets = 0;
        for _ in 0..repeat {
            let t = Instant::now();
            let sets = params.fit(&baskets)?;
            times.push(t.elapsed().as_secs_f64());
            n_sets = sets.len();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"tool\":\"shopml\",\"support\":{s},\"min_count\":{},\"n_itemsets\":{n_sets},\"median_s\":{},\"times_s\":{:?},\"threads\":{threads},\"rss_input_mb\":{rss_input:.1},\"peak_rss_mb\":{:.1}}}",
            MinSupport::Fraction(s).min_count(baskets.len()),
            times[times.len() / 2],
            times,
            peak_rss_mb()
        );
    }
    Ok(())
}
