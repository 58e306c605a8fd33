//! The README's main command, as a test: the storefront run on the embedded
//! sample writes `report.md`, every chart the report links exists and is
//! well-formed SVG, and the cleaning table balances.

use shopml::storefront::{StorefrontConfig, run};

#[test]
fn storefront_writes_a_report_with_well_formed_charts() {
    let dir = std::env::temp_dir().join(format!("shopml_storefront_test_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut steps = Vec::new();
    let done = run(&StorefrontConfig::sample().out_dir(&dir), &mut |p| {
        if p.finished {
            steps.push(p.step)
        }
    })
    .unwrap();
    assert_eq!(steps, (1..=steps.len()).collect::<Vec<_>>(), "every step reports its end, in order");
    let md = std::fs::read_to_string(&done.report).unwrap();
    // Every image the report links was written, and parses as SVG.
    let links: Vec<&str> =
        md.lines().filter_map(|l| l.strip_prefix("![")).filter_map(|l| l.split("](").nth(1)).map(|l| l.trim_end_matches(')')).collect();
    assert!(links.len() >= 5, "{links:?}");
    assert_eq!(links.len(), done.charts.len());
    for link in links {
        let svg = std::fs::read_to_string(dir.join(link)).unwrap_or_else(|e| panic!("{link}: {e}"));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{link} is not well-formed XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{link}");
    }
    // The cleaning table's rows add up to the lines read.
    let table: Vec<(String, u64)> = md
        .lines()
        .skip_while(|l| !l.starts_with("| outcome"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('*').to_string(), cells[2].trim_matches('*').replace(',', "").parse().unwrap())
        })
        .collect();
    let (total, parts): (Vec<_>, Vec<_>) = table.iter().partition(|(name, _)| name == "lines read");
    assert_eq!(total.len(), 1);
    assert_eq!(parts.iter().map(|(_, n)| n).sum::<u64>(), total[0].1);
    let _ = std::fs::remove_dir_all(&dir);
}
