//! Step 9 — how much stock to hold: weekly demand of the best sellers
//! (guest orders included), AutoETS and Theta forecasts with 95 % intervals,
//! and reorder points for a 95 % cycle service level over a two-week lead
//! time, with the lead-time demand's spread taken from the fitted model
//! (`LeadTimeDemand::from_forecast`: exact for additive ETS, simulated
//! otherwise).

use crate::core::{Fit, Forecast, TimeSeries};
use crate::features::{DemandParams, Frequency};
use crate::forecast::ets::AutoEts;
use crate::forecast::inventory::{LeadTimeDemand, reorder_point, safety_stock_cycle_service};
use crate::forecast::theta::Theta;
use crate::report::{LineChart, ReportError};

use super::context::Context;

const HORIZON: usize = 8;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cleaned = cx.cleaned()?;
    let lines: Vec<_> = cleaned.transactions.iter().chain(&cleaned.returns).cloned().collect();
    let panel = DemandParams::new().frequency(Frequency::Week).build(&lines, None)?;
    let mut order: Vec<usize> = (0..panel.keys.len()).collect();
    order.sort_by(|&a, &b| panel.quantity.row(b).sum().total_cmp(&panel.quantity.row(a).sum()));
    cx.md.paragraph(&format!(
        "{} weeks of demand for {} products. The {} best sellers, forecast {HORIZON} weeks ahead (no yearly season: the history is about one year).",
        panel.periods.len(),
        panel.keys.len(),
        cx.config.top_products.min(order.len())
    ));
    let mut rows = Vec::new();
    for (rank, &k) in order.iter().take(cx.config.top_products).enumerate() {
        let key = panel.keys.id(k).cloned().unwrap_or_default();
        let history = panel.quantity.row(k).to_vec();
        let series = TimeSeries::new(history.clone(), 1)?;
        let model = AutoEts::params().fit(&series)?;
        let ets = model.forecast(HORIZON, &[95.0])?;
        let theta = Theta::params().fit(&series)?.forecast(HORIZON, &[])?;
        let band = &ets.intervals[0];
        let ltd = LeadTimeDemand::from_forecast(&model, 2)?;
        let safety = safety_stock_cycle_service(&ltd, 95.0)?;
        rows.push(vec![
            key.clone(),
            cx.descriptions.get(&key).cloned().unwrap_or_default(),
            format!("{:.0}", history.iter().sum::<f64>() / history.len() as f64),
            format!("{:.0}", ets.point[0]),
            format!("{:.0}", theta.point[0]),
            format!("{:.0}–{:.0}", band.lower[0].max(0.0), band.upper[0]),
            format!("{safety:.0}"),
            format!("{:.0}", reorder_point(&ltd, safety)?),
        ]);
        if rank < 3 {
            let n = history.len();
            let past: Vec<(f64, f64)> = history.iter().enumerate().map(|(t, v)| (t as f64, *v)).collect();
            let future: Vec<(f64, f64)> = ets.point.iter().enumerate().map(|(h, v)| ((n + h) as f64, *v)).collect();
            let interval: Vec<(f64, f64, f64)> = (0..HORIZON).map(|h| ((n + h) as f64, band.lower[h].max(0.0), band.upper[h])).collect();
            let name = format!("forecast_{}.svg", rank + 1);
            let p = cx.chart_path(&name);
            LineChart::new(&format!("Weekly demand of {key}"))
                .labels("week", "units")
                .band("AutoETS 95 % interval", interval)
                .line("history", past)
                .line("AutoETS forecast", future)
                .write_svg(&p)?;
            cx.image(&format!("Weekly demand of {key}"), &name);
        }
    }
    cx.md.table(
        &["product", "description", "units/week", "ETS next week", "Theta next week", "ETS 95 % band", "safety stock", "reorder point"],
        &rows,
    );
    Ok(())
}
