//! Stacked bars: one 100% bar of a region's single-choice answer (legend with the numbers
//! above it), a 100% bar per region (the question page with few regions), or counts stacked per
//! group of the cross-tab. Segments are labelled inside when the label fits.

use super::frame::{AXIS_LABELS, Entry, Plot, Scale, Svg, bands, frame, legend, width};
use crate::render::charts::{Series, label_colour};

pub fn draw(
    categories: &[String],
    series: &[Series],
    percent: bool,
    legend_list: bool,
    w: f64,
    narrow: bool,
) -> (Svg, f64) {
    let mut svg = Svg::new();
    let one_bar = categories.iter().all(String::is_empty);
    let (bar, band) = if one_bar {
        (40.0, 44.0)
    } else if percent {
        (32.0, 52.0)
    } else {
        (16.0, 28.0)
    };
    let entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry {
            label: &s.name,
            colour: s.colour,
        })
        .collect();
    let top = legend(&mut svg, &entries, 8.0, 0.0, w - 16.0, legend_list) + 12.0;
    let (rows, left) = bands(categories, 216.0, bar, band, top, narrow.then_some(w));
    let bottom = rows.last().map_or(top, |b| b.top + b.height);
    let totals: Vec<f64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .filter_map(|s| s.points.get(i).and_then(Option::as_ref))
                .map(|p| p.value)
                .sum()
        })
        .collect();
    let scale = if percent {
        Scale::percent()
    } else {
        Scale::counts(totals.iter().copied().fold(0.0, f64::max))
    };
    let plot = Plot {
        x0: left,
        x1: w - if percent { 16.0 } else { 24.0 },
        bottom,
        total: w,
    };
    let shown = rows.iter().map(|b| (b.bars, bar));
    frame(
        &mut svg, &scale, &plot, top, &rows, shown, narrow, percent, !one_bar,
    );
    // (x, width) of every segment, series by series.
    let mut start: Vec<f64> = vec![0.0; rows.len()];
    let mut placed: Vec<Vec<Option<(f64, f64)>>> = Vec::new();
    svg.open_group("stroke=\"#ffffff\"");
    for s in series {
        svg.open_group(&format!("fill=\"{}\"", s.colour));
        let mut these = Vec::new();
        for (i, (b, p)) in rows.iter().zip(&s.points).enumerate() {
            let Some(p) = p else {
                these.push(None);
                continue;
            };
            let x = plot.x(&scale, start[i]);
            start[i] += p.value;
            let end = plot.x(&scale, start[i]);
            svg.bar(x, b.bars, end - x, bar);
            these.push(Some((x, end - x)));
        }
        svg.close_group();
        placed.push(these);
    }
    svg.close_group();
    for (s, these) in series.iter().zip(&placed) {
        svg.open_group(&format!(
            "fill=\"{}\" text-anchor=\"middle\"",
            label_colour(s.colour)
        ));
        for ((b, p), at) in rows.iter().zip(&s.points).zip(these) {
            if let (Some(p), Some((x, sw))) = (p, at) {
                if !p.label.is_empty() && width(&p.label) + 4.0 <= *sw {
                    svg.text(x + sw / 2.0, b.bars + bar / 2.0, &p.label);
                }
            }
        }
        svg.close_group();
    }
    (svg, bottom + AXIS_LABELS)
}
