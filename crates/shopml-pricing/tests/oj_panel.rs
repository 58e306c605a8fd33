//! Dominick's orange-juice panel (GPL data, read in place through SHOPML_DATA):
//! the log-log cross-price system with store fixed effects and deal / feature
//! controls equals statsmodels OLS on the same specification to 1e-6
//! (fixture written by benches/peers/pricing_oj_fixture.py).

use std::io::{BufRead, BufReader};

use shopml_core::Fit;
use shopml_pricing::{Covariance, CrossPriceParams, PanelTable};

fn load_oj() -> PanelTable {
    let path = shopml_core::testdata::data_path("pricing/orangeJuice_yx.csv.gz");
    let f = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = BufReader::new(flate2::read::GzDecoder::new(f));
    let mut t = PanelTable::new(&["deal", "feat"]);
    for (i, line) in r.lines().enumerate() {
        let line = line.unwrap();
        if i == 0 {
            continue;
        }
        let v: Vec<&str> = line.split(',').collect();
        let brand: usize = v[1].parse().unwrap();
        let week: i64 = v[2].parse().unwrap();
        let logmove: f64 = v[3].parse().unwrap();
        let price: f64 = v[4 + brand].parse().unwrap();
        let deal: f64 = v[16].parse().unwrap();
        let feat: f64 = v[17].parse().unwrap();
        t.push(v[0], v[1], week, price, logmove.exp(), &[deal, feat]).unwrap();
    }
    t
}

#[derive(serde::Deserialize)]
struct Brand {
    brand: String,
    n_obs: usize,
    df_resid: f64,
    names: Vec<String>,
    params: Vec<f64>,
    bse: Vec<f64>,
    bse_hc1: Vec<f64>,
}

#[derive(serde::Deserialize)]
struct Fixture {
    brands: Vec<Brand>,
}

#[test]
#[ignore = "needs SHOPML_DATA (GPL orange-juice panel)"]
fn oj_cross_price_matches_statsmodels() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/oj_statsmodels.json")).unwrap();
    let t = load_oj();
    assert_eq!(t.len(), 106_139);
    let classical = CrossPriceParams::default().fit(&t).unwrap();
    let hc1 = CrossPriceParams::default().covariance(Covariance::Hc1).fit(&t).unwrap();
    let mut worst = (0.0f64, 0.0f64, 0.0f64);
    for b in &fx.brands {
        let i = classical.products.iter().position(|p| *p == b.brand).unwrap();
        let reg = &classical.regressions[i];
        let reg_h = &hc1.regressions[i];
        assert_eq!(reg.n_obs, b.n_obs);
        assert_eq!(reg.df_resid, b.df_resid);
        for (k, name) in b.names.iter().enumerate() {
            let (est, se) = reg.get(name).unwrap_or_else(|| panic!("missing {name}"));
            let (est_h, se_h) = reg_h.get(name).unwrap();
            let d = ((est - b.params[k]).abs(), (se - b.bse[k]).abs(), (se_h - b.bse_hc1[k]).abs());
            assert!(d.0 < 1e-6 && (est_h - b.params[k]).abs() < 1e-6, "brand {} {name}: {est} vs {}", b.brand, b.params[k]);
            assert!(d.1 < 1e-6, "brand {} {name}: se {se} vs {}", b.brand, b.bse[k]);
            assert!(d.2 < 1e-6, "brand {} {name}: HC1 se {se_h} vs {}", b.brand, b.bse_hc1[k]);
            worst = (worst.0.max(d.0), worst.1.max(d.1), worst.2.max(d.2));
        }
    }
    eprintln!("max |Δ| coefficient {:.2e}, classical se {:.2e}, HC1 se {:.2e}", worst.0, worst.1, worst.2);
}
