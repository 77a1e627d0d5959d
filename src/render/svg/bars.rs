//! Horizontal bars of %: one bar per category (a region's multiple-choice answers), or one per
//! region in each category with a legend (the question page with few regions). Each bar is
//! labelled to its right (`2病院（50.0%）`); a weighted sample's bars carry error bars (95%
//! confidence intervals).

use super::frame::{
    AXIS_LABELS, Entry, MUTED, Plot, Scale, Svg, TEXT, bands, frame, legend, width,
};
use crate::render::charts::Series;

pub fn draw(
    categories: &[String],
    series: &[Series],
    empty: &str,
    w: f64,
    narrow: bool,
) -> (Svg, f64) {
    let mut svg = Svg::new();
    let grouped = series.len() > 1;
    let (bar, gap) = if grouped { (12.0, 2.0) } else { (18.0, 0.0) };
    let n = series.len().max(1) as f64;
    let bars_height = n * bar + (n - 1.0) * gap;
    let mut top = 12.0;
    if grouped {
        let entries: Vec<Entry> = series
            .iter()
            .map(|s| Entry {
                label: &s.name,
                colour: s.colour,
            })
            .collect();
        top = legend(&mut svg, &entries, 8.0, 0.0, w - 16.0, false) + 12.0;
    }
    if categories.is_empty() {
        // Every option is not reported: no bar to draw; the note under the chart names them.
        svg.open_group(&format!("fill=\"{MUTED}\""));
        svg.text(8.0, top + 8.0, empty);
        svg.close_group();
        return (svg, top + 24.0);
    }
    let (rows, left) = bands(
        categories,
        192.0,
        bars_height,
        if grouped { 0.0 } else { 32.0 },
        top,
        narrow.then_some(w),
    );
    // Room on the right for the longest value label.
    let room = series
        .iter()
        .flat_map(|s| s.points.iter().flatten())
        .map(|p| width(&p.label))
        .fold(0.0, f64::max);
    let scale = Scale::percent();
    let bottom = rows.last().map_or(top, |b| b.top + b.height);
    let plot = Plot {
        x0: left,
        x1: (w - 8.0 - room - 6.0).max(left + 40.0),
        bottom,
        total: w,
    };
    let shown = rows.iter().map(|b| (b.bars, bars_height));
    frame(
        &mut svg, &scale, &plot, top, &rows, shown, narrow, true, true,
    );
    for (k, s) in series.iter().enumerate() {
        svg.open_group(&format!("fill=\"{}\"", s.colour));
        for (b, p) in rows.iter().zip(&s.points) {
            if let Some(p) = p {
                let y = b.bars + k as f64 * (bar + gap);
                svg.bar(plot.x0, y, plot.x(&scale, p.value) - plot.x0, bar);
            }
        }
        svg.close_group();
    }
    // A weighted sample's 95% confidence intervals: a line with end ticks across each bar.
    let intervals: Vec<(f64, f64, f64)> = series
        .iter()
        .enumerate()
        .flat_map(|(k, s)| {
            rows.iter().zip(&s.points).filter_map(move |(b, p)| {
                let (lo, hi) = p.as_ref()?.interval?;
                Some((lo, hi, b.bars + k as f64 * (bar + gap) + bar / 2.0))
            })
        })
        .collect();
    error_bars(&mut svg, &scale, &plot, &intervals, bar);
    svg.open_group(&format!("fill=\"{TEXT}\""));
    for (k, s) in series.iter().enumerate() {
        for (b, p) in rows.iter().zip(&s.points) {
            if let Some(p) = p.as_ref().filter(|p| !p.label.is_empty()) {
                let y = b.bars + k as f64 * (bar + gap) + bar / 2.0;
                // Right of the bar, or of its error bar when that reaches further.
                let end = p.interval.map_or(p.value, |(_, hi)| hi.max(p.value));
                svg.text(plot.x(&scale, end) + 5.0, y, &p.label);
            }
        }
    }
    svg.close_group();
    (svg, bottom + AXIS_LABELS)
}

/// Error bars: for each (lower, upper, y) a line from lower to upper with a tick at each end,
/// `bar` tall bars around it (a weighted sample's 95% confidence intervals; none in a census).
pub fn error_bars(
    svg: &mut Svg,
    scale: &Scale,
    plot: &Plot,
    intervals: &[(f64, f64, f64)],
    bar: f64,
) {
    if intervals.is_empty() {
        return;
    }
    let tick = (bar / 2.0 - 2.0).max(3.0);
    svg.open_group(&format!(
        "stroke=\"{TEXT}\" stroke-width=\"1.5\" class=\"error-bars\""
    ));
    for &(lo, hi, y) in intervals {
        let (x0, x1) = (plot.x(scale, lo), plot.x(scale, hi));
        svg.line(x0, y, x1, y);
        svg.line(x0, y - tick, x0, y + tick);
        svg.line(x1, y - tick, x1, y + tick);
    }
    svg.close_group();
}
