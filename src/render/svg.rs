//! Drawing the charts: each chart's plot → inline SVG, natively (no JavaScript at build time;
//! see docs/charts.md for the measurements that chose this). One module per chart kind under
//! `svg/`, sharing the writer, text wrapping, axis and legend of `svg/frame.rs`.
//!
//! Every chart is drawn twice: for the page's full width (720 px) and for phones (360 px, labels
//! above the bars, every text ≥ 11 px on a 390 px screen). CSS shows the one that fits the
//! chart's box (a container query in assets/style.css). Output is a pure function of the spec:
//! byte-identical on every build, so there is nothing worth caching.

mod bars;
mod frame;
pub mod map;
mod ranked;
mod stacked;
mod topology;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::charts::{ChartSpec, Plot};

/// The drawn width of the wide and the narrow variants.
pub const WIDE: f64 = 720.0;
pub const NARROW: f64 = 360.0;

/// What a build did with its charts (`cached` stays 0: drawing is cheaper than reading a cache).
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderStats {
    pub rendered: usize,
    pub cached: usize,
}

/// Draws every chart. `_cache` is kept for the callers' sake and not used: no chart is read
/// back from disk, so nothing outside the build can reach a page through it.
pub fn render_all(
    specs: &BTreeMap<String, ChartSpec>,
    _cache: Option<&Path>,
) -> Result<(BTreeMap<String, String>, RenderStats)> {
    // Drawn on every core: a chart is a pure function of its spec.
    let all: Vec<(&String, &ChartSpec)> = specs.iter().collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = all.len().div_ceil(workers).max(1);
    let svgs: BTreeMap<String, String> = std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(id, spec)| ((*id).clone(), render(spec)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let stats = RenderStats {
        rendered: svgs.len(),
        cached: 0,
    };
    Ok((svgs, stats))
}

/// Both variants of one chart, wide first.
pub fn render(spec: &ChartSpec) -> String {
    let mut out = draw(spec, WIDE, false);
    out.push_str(&draw(spec, NARROW, true));
    out
}

/// One variant.
pub fn draw(spec: &ChartSpec, width: f64, narrow: bool) -> String {
    let class = if narrow { "chart-narrow" } else { "chart-wide" };
    let (body, height) = match &spec.plot {
        Plot::Bars { categories, series } => bars::draw(categories, series, width, narrow),
        Plot::Stacked {
            categories,
            series,
            percent,
            legend_list,
        } => stacked::draw(categories, series, *percent, *legend_list, width, narrow),
        Plot::Ranked(r) => ranked::draw(r, width, narrow),
    };
    body.finish(width, height, class, &spec.aria)
}
