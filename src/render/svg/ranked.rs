//! Many regions: the regions with the highest and the lowest share of one option, highest
//! first, a row saying how many lie between, and the total marked by a dashed line across the
//! bars. Readable and small whatever the number of regions (the full list is in the table).
//! A weighted sample's bars carry error bars (95% confidence intervals).

use super::frame::{AXIS_LABELS, Plot, Scale, Svg, TEXT, bands, frame};
use crate::render::charts::Ranking;

pub fn draw(r: &Ranking, w: f64, narrow: bool) -> (Svg, f64) {
    let mut svg = Svg::new();
    let bar = 14.0;
    let mut labels: Vec<String> = Vec::new();
    // index into r.rows for each band (None: the "between" row)
    let mut which: Vec<Option<usize>> = Vec::new();
    for (i, (name, _)) in r.rows.iter().enumerate() {
        if i == r.top && r.between > 0 {
            labels.push(r.between_label.clone());
            which.push(None);
        }
        labels.push(name.clone());
        which.push(Some(i));
    }
    let mut top = 8.0;
    if let Some((name, p)) = &r.total {
        // The key to the dashed line.
        svg.open_group(&format!("stroke=\"{TEXT}\" stroke-dasharray=\"4 3\""));
        svg.line(8.0, top + 8.0, 33.0, top + 8.0);
        svg.close_group();
        svg.open_group(&format!("fill=\"{TEXT}\""));
        svg.text(38.0, top + 8.0, &format!("{name} {}", p.label));
        svg.close_group();
        top += 26.0;
    }
    let (rows, left) = bands(&labels, 216.0, bar, 22.0, top, narrow.then_some(w));
    let bottom = rows.last().map_or(top, |b| b.top + b.height);
    let scale = Scale::percent();
    let plot = Plot {
        x0: left,
        x1: w - 8.0 - 48.0,
        bottom,
        total: w,
    };
    let shown = rows
        .iter()
        .zip(&which)
        .filter(|(_, w)| w.is_some())
        .map(|(b, _)| (b.bars, bar));
    frame(
        &mut svg, &scale, &plot, top, &rows, shown, narrow, true, true,
    );
    svg.open_group(&format!("fill=\"{}\"", r.colour));
    for (b, i) in rows.iter().zip(&which) {
        if let Some((_, p)) = i.and_then(|i| r.rows.get(i)) {
            svg.bar(plot.x0, b.bars, plot.x(&scale, p.value) - plot.x0, bar);
        }
    }
    svg.close_group();
    let intervals: Vec<(f64, f64, f64)> = rows
        .iter()
        .zip(&which)
        .filter_map(|(b, i)| {
            let (_, p) = i.and_then(|i| r.rows.get(i))?;
            let (lo, hi) = p.interval?;
            Some((lo, hi, b.bars + bar / 2.0))
        })
        .collect();
    super::bars::error_bars(&mut svg, &scale, &plot, &intervals, bar);
    if let Some((_, p)) = &r.total {
        let x = plot.x(&scale, p.value).round() + 0.5;
        svg.open_group(&format!("stroke=\"{TEXT}\" stroke-dasharray=\"4 3\""));
        svg.line(x, top, x, bottom);
        svg.close_group();
    }
    // A white box behind each value keeps it readable where the total's line crosses it.
    let labels: Vec<(f64, f64, &str)> = rows
        .iter()
        .zip(&which)
        .filter_map(|(b, i)| {
            let (_, p) = i.and_then(|i| r.rows.get(i))?;
            let end = p.interval.map_or(p.value, |(_, hi)| hi.max(p.value));
            Some((
                plot.x(&scale, end) + 5.0,
                b.bars + bar / 2.0,
                p.label.as_str(),
            ))
        })
        .collect();
    svg.open_group("fill=\"#ffffff\"");
    for (x, y, label) in &labels {
        svg.bar(x - 2.0, y - 8.0, super::frame::width(label) + 4.0, 16.0);
    }
    svg.close_group();
    svg.open_group(&format!("fill=\"{TEXT}\""));
    for (x, y, label) in &labels {
        svg.text(*x, *y, label);
    }
    svg.close_group();
    (svg, bottom + AXIS_LABELS)
}
