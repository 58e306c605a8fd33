//! Line and bar charts written as SVG files.

use std::path::Path;

use plotters::prelude::*;

use super::ReportError;

/// An axis range `(low, high)`.
type Range = (f64, f64);

const WIDTH: u32 = 800;
const HEIGHT: u32 = 450;

/// Colours of successive series (colour-blind-safe Okabe–Ito palette).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

#[derive(Debug, Clone)]
struct Line {
    name: String,
    points: Vec<(f64, f64)>,
    dashed: bool,
}

#[derive(Debug, Clone)]
struct Band {
    name: String,
    points: Vec<(f64, f64, f64)>,
}

/// Where a chart's legend sits (default upper right); pick the corner the
/// data leave empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Upper left corner.
    UpperLeft,
    /// Upper right corner.
    #[default]
    UpperRight,
    /// Lower right corner (a ROC curve leaves it empty).
    LowerRight,
}

/// A chart of lines over a numeric x axis, with optional shaded bands
/// (prediction intervals), scattered points and vertical markers.
///
/// Values are checked before drawing: a NaN or infinite value is an error
/// naming the series and the point, never a silently broken picture.
#[derive(Debug, Clone)]
pub struct LineChart {
    title: String,
    x_label: String,
    y_label: String,
    lines: Vec<Line>,
    bands: Vec<Band>,
    scatter: Vec<Line>,
    markers: Vec<(f64, String)>,
    legend: Legend,
}

impl LineChart {
    /// An empty chart with a title.
    pub fn new(title: &str) -> Self {
        LineChart {
            title: title.to_string(),
            x_label: String::new(),
            y_label: String::new(),
            lines: Vec::new(),
            bands: Vec::new(),
            scatter: Vec::new(),
            markers: Vec::new(),
            legend: Legend::default(),
        }
    }

    /// Moves the legend to another corner.
    pub fn legend(mut self, corner: Legend) -> Self {
        self.legend = corner;
        self
    }

    /// Axis descriptions.
    pub fn labels(mut self, x: &str, y: &str) -> Self {
        self.x_label = x.to_string();
        self.y_label = y.to_string();
        self
    }

    /// A solid line through `points` (drawn in the given order).
    pub fn line(mut self, name: &str, points: Vec<(f64, f64)>) -> Self {
        self.lines.push(Line { name: name.to_string(), points, dashed: false });
        self
    }

    /// A dashed line (a reference such as the diagonal of a ROC chart).
    pub fn dashed(mut self, name: &str, points: Vec<(f64, f64)>) -> Self {
        self.lines.push(Line { name: name.to_string(), points, dashed: true });
        self
    }

    /// A shaded band between `lower` and `upper` at each `x`: `(x, lower, upper)`.
    pub fn band(mut self, name: &str, points: Vec<(f64, f64, f64)>) -> Self {
        self.bands.push(Band { name: name.to_string(), points });
        self
    }

    /// Points drawn as small circles (observations behind a fitted curve).
    pub fn points(mut self, name: &str, points: Vec<(f64, f64)>) -> Self {
        self.scatter.push(Line { name: name.to_string(), points, dashed: false });
        self
    }

    /// A vertical marker at `x` with a label (a chosen price, a chosen k).
    pub fn marker(mut self, x: f64, label: &str) -> Self {
        self.markers.push((x, label.to_string()));
        self
    }

    /// Checks every value and returns the padded x and y ranges.
    fn check(&self) -> Result<(Range, Range), ReportError> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let bad = |series: &str, index: usize, value: f64| ReportError::NonFinite {
            chart: self.title.clone(),
            series: series.to_string(),
            index,
            value,
        };
        for l in self.lines.iter().chain(&self.scatter) {
            for (i, &(x, y)) in l.points.iter().enumerate() {
                for v in [x, y] {
                    if !v.is_finite() {
                        return Err(bad(&l.name, i, v));
                    }
                }
                xs.push(x);
                ys.push(y);
            }
        }
        for b in &self.bands {
            for (i, &(x, lo, hi)) in b.points.iter().enumerate() {
                for v in [x, lo, hi] {
                    if !v.is_finite() {
                        return Err(bad(&b.name, i, v));
                    }
                }
                xs.extend([x]);
                ys.extend([lo, hi]);
            }
        }
        for (i, (x, label)) in self.markers.iter().enumerate() {
            if !x.is_finite() {
                return Err(bad(label, i, *x));
            }
            xs.push(*x);
        }
        if xs.is_empty() || ys.is_empty() {
            return Err(ReportError::Empty { chart: self.title.clone() });
        }
        Ok((padded_range(&xs, 0.02), padded_range(&ys, 0.08)))
    }

    /// Draws the chart into an SVG file.
    pub fn write_svg(&self, path: &Path) -> Result<(), ReportError> {
        let (xr, yr) = self.check()?;
        let draw_err = |e: String| ReportError::Draw { chart: self.title.clone(), message: e };
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
            .map_err(|e| draw_err(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .light_line_style(WHITE.mix(0.0))
            .y_label_formatter(&|v| short_number(*v))
            .x_label_formatter(&|v| short_number(*v))
            .draw()
            .map_err(|e| draw_err(e.to_string()))?;
        let mut series_index = 0;
        for b in &self.bands {
            let c = colour(series_index);
            series_index += 1;
            let mut outline: Vec<(f64, f64)> = b.points.iter().map(|&(x, lo, _)| (x, lo)).collect();
            outline.extend(b.points.iter().rev().map(|&(x, _, hi)| (x, hi)));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, c.mix(0.18).filled())))
                .map_err(|e| draw_err(e.to_string()))?
                .label(b.name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], c.mix(0.18).filled()));
        }
        for l in &self.lines {
            let c = colour(series_index);
            series_index += 1;
            let style = c.stroke_width(2);
            if l.dashed {
                chart
                    .draw_series(DashedLineSeries::new(l.points.iter().copied(), 6, 4, style))
                    .map_err(|e| draw_err(e.to_string()))?
                    .label(l.name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
            } else {
                chart
                    .draw_series(LineSeries::new(l.points.iter().copied(), style))
                    .map_err(|e| draw_err(e.to_string()))?
                    .label(l.name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
            }
        }
        for s in &self.scatter {
            let c = colour(series_index);
            series_index += 1;
            chart
                .draw_series(s.points.iter().map(|&(x, y)| Circle::new((x, y), 3, c.mix(0.6).filled())))
                .map_err(|e| draw_err(e.to_string()))?
                .label(s.name.as_str())
                .legend(move |(x, y)| Circle::new((x + 9, y), 3, c.filled()));
        }
        for (x, label) in &self.markers {
            let grey = RGBColor(90, 90, 90);
            chart
                .draw_series(DashedLineSeries::new(vec![(*x, yr.0), (*x, yr.1)], 4, 4, grey.stroke_width(1)))
                .map_err(|e| draw_err(e.to_string()))?;
            chart
                .draw_series(std::iter::once(Text::new(label.clone(), (*x, yr.1), ("sans-serif", 14).into_font().color(&grey))))
                .map_err(|e| draw_err(e.to_string()))?;
        }
        if series_index > 1 || self.lines.iter().chain(&self.scatter).any(|l| !l.name.is_empty()) {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .position(match self.legend {
                    Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
                    Legend::UpperRight => SeriesLabelPosition::UpperRight,
                    Legend::LowerRight => SeriesLabelPosition::LowerRight,
                })
                .draw()
                .map_err(|e| draw_err(e.to_string()))?;
        }
        root.present().map_err(|e| draw_err(e.to_string()))
    }
}

/// A bar chart over named categories (segment sizes, revenue shares, rules).
#[derive(Debug, Clone)]
pub struct BarChart {
    title: String,
    y_label: String,
    bars: Vec<(String, f64)>,
}

impl BarChart {
    /// An empty bar chart.
    pub fn new(title: &str) -> Self {
        BarChart { title: title.to_string(), y_label: String::new(), bars: Vec::new() }
    }

    /// Description of the value axis.
    pub fn value_label(mut self, label: &str) -> Self {
        self.y_label = label.to_string();
        self
    }

    /// One bar.
    pub fn bar(mut self, category: &str, value: f64) -> Self {
        self.bars.push((category.to_string(), value));
        self
    }

    /// Draws the chart into an SVG file.
    pub fn write_svg(&self, path: &Path) -> Result<(), ReportError> {
        if self.bars.is_empty() {
            return Err(ReportError::Empty { chart: self.title.clone() });
        }
        for (i, (name, v)) in self.bars.iter().enumerate() {
            if !v.is_finite() {
                return Err(ReportError::NonFinite { chart: self.title.clone(), series: name.clone(), index: i, value: *v });
            }
        }
        let draw_err = |e: String| ReportError::Draw { chart: self.title.clone(), message: e };
        let lo = self.bars.iter().map(|b| b.1).fold(0.0, f64::min);
        let hi = self.bars.iter().map(|b| b.1).fold(0.0, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let yr = (lo - if lo < 0.0 { 0.08 * span } else { 0.0 }, hi + 0.08 * span);
        let n = self.bars.len();
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
        let labels: Vec<String> = self.bars.iter().map(|b| truncate(&b.0, 18)).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), yr.0..yr.1)
            .map_err(|e| draw_err(e.to_string()))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_labels(n.min(40))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() { labels[i as usize].clone() } else { String::new() }
            })
            .y_desc(self.y_label.as_str())
            .y_label_formatter(&|v| short_number(*v))
            .draw()
            .map_err(|e| draw_err(e.to_string()))?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (_, v))| {
                let x = i as f64;
                Rectangle::new([(x - 0.38, 0.0), (x + 0.38, *v)], colour(0).filled())
            }))
            .map_err(|e| draw_err(e.to_string()))?;
        root.present().map_err(|e| draw_err(e.to_string()))
    }
}

fn padded_range(v: &[f64], pad: f64) -> Range {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = hi - lo;
    if span > 0.0 && span.is_finite() {
        (lo - pad * span, hi + pad * span)
    } else {
        let w = if lo.abs() > 0.0 { lo.abs() * 0.1 } else { 1.0 };
        (lo - w, hi + w)
    }
}

/// Axis numbers: 1234567 → "1.23M", 0.000123 → "1.23e-4".
fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 1.0 || a == 0.0 {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else if a >= 1e-3 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shopml_chart_test_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn line_chart_writes_an_svg_with_every_series_label() {
        let p = tmp("line.svg");
        LineChart::new("Forecast")
            .labels("week", "units")
            .band("95 % interval", vec![(1.0, 0.0, 4.0), (2.0, 1.0, 5.0)])
            .line("history", vec![(0.0, 1.0), (1.0, 2.0)])
            .points("observed", vec![(0.5, 1.5)])
            .marker(1.0, "today")
            .write_svg(&p)
            .unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.starts_with("<svg") || svg.contains("<svg"), "{}", &svg[..100.min(svg.len())]);
        for label in ["Forecast", "95 % interval", "history", "observed", "today", "week", "units"] {
            assert!(svg.contains(label), "missing {label}");
        }
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn non_finite_values_and_empty_charts_are_errors() {
        let p = tmp("bad.svg");
        let e = LineChart::new("c").line("s", vec![(0.0, 1.0), (1.0, f64::NAN)]).write_svg(&p).unwrap_err();
        assert!(matches!(e, ReportError::NonFinite { index: 1, .. }), "{e}");
        assert!(matches!(LineChart::new("c").write_svg(&p).unwrap_err(), ReportError::Empty { .. }));
        assert!(matches!(BarChart::new("b").write_svg(&p).unwrap_err(), ReportError::Empty { .. }));
        let e = BarChart::new("b").bar("x", f64::INFINITY).write_svg(&p).unwrap_err();
        assert!(matches!(e, ReportError::NonFinite { .. }), "{e}");
    }

    #[test]
    fn bar_chart_labels_every_category() {
        let p = tmp("bar.svg");
        BarChart::new("Segment sizes")
            .value_label("customers")
            .bar("Champions", 120.0)
            .bar("At risk", 80.0)
            .bar("New", -3.0)
            .write_svg(&p)
            .unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        for label in ["Segment sizes", "Champions", "At risk", "New", "customers"] {
            assert!(svg.contains(label), "missing {label}");
        }
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(1_234_567.0), "1.23M");
        assert_eq!(short_number(2.5), "2.5");
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(12_500.0), "12.5k");
    }
}
