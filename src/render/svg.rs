//! Drawing the charts: each chart's plot → inline SVG, natively (no JavaScript at build time;
//! see docs/charts.md for the measurements that chose this). One module per chart kind under
//! `svg/`, sharing the writer, text wrapping, axis and legend of `svg/frame.rs`.
//!
//! Every chart is drawn twice: for the page's full width (720 px) and for phones (360 px, labels
//! above the bars, every text ≥ 11 px on a 390 px screen). CSS shows the one that fits the
//! chart's box (a container query in assets/style.css). Output is a pure function of the spec:
//! byte-identical on every build; `build` keeps the drawings between builds (`cache.rs`). A
//! chart is drawn (or read back) when its page is rendered (on that page's thread) and dropped
//! with it: a build never holds every drawing at once.

mod bars;
mod cache;
mod frame;
pub mod map;
mod ranked;
mod stacked;
mod topology;
pub mod trend;

use super::charts::{ChartSpec, Plot};

pub use cache::Drawings;

/// The drawn width of the wide and the narrow variants.
pub const WIDE: f64 = 720.0;
pub const NARROW: f64 = 360.0;

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
        Plot::Bars {
            categories,
            series,
            empty,
        } => bars::draw(categories, series, empty, width, narrow),
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
