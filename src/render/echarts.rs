//! The optional interactive layer: a chart's plot as an ECharts option (built with charming),
//! drawn in the reader's browser by the vendored ECharts (assets/charts.js). Nothing here runs
//! at build time beyond writing the option: the build-time SVG is drawn natively (`svg.rs`).
//!
//! The ECharts bundle is vendored in vendor/echarts/ (Apache-2.0, the npm release's file).

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    AxisLabel, AxisType, Color, ItemStyle, Label, LabelPosition, Orient, SplitLine, TextStyle,
};
use charming::series::Bar;

use super::charts::{PALETTE, Plot, Point, Series, TEXT, label_colour};

/// ECharts itself, embedded: copied to site/assets/ for the optional interactive charts.
pub static ECHARTS_JS: &str = include_str!("../../vendor/echarts/echarts-5.5.1.min.js");
pub const ECHARTS_VERSION: &str = "5.5.1";

const FONT: &str = "Hiragino Sans, Hiragino Kaku Gothic ProN, Yu Gothic, YuGothic, Meiryo, Noto Sans JP, Noto Sans CJK JP, sans-serif";

/// The interactive chart of a plot: the same bars, colours and labels as the SVG.
pub fn option(plot: &Plot) -> Chart {
    match plot {
        Plot::Bars {
            categories, series, ..
        } => {
            let legend = series.len() > 1;
            let mut chart =
                base_chart(None, legend)
                    .x_axis(percent_axis(100.0))
                    .y_axis(category_axis(
                        categories.iter().map(|c| wrap(c, 16)).collect(),
                    ));
            for s in series {
                chart = chart.series(
                    Bar::new()
                        .name(s.name.clone())
                        .bar_width(if legend { 12 } else { 18 })
                        .item_style(ItemStyle::new().color(s.colour))
                        .label(point_label(
                            LabelPosition::Right,
                            TEXT,
                            if legend { 11 } else { 12 },
                        ))
                        .data(points(&s.points)),
                );
            }
            chart
        }
        Plot::Stacked {
            categories,
            series,
            percent,
            legend_list,
        } => {
            let one_bar = categories.iter().all(String::is_empty);
            let grid = legend_list.then(|| {
                let top = 20 * series.len() as i64 + 8;
                let grid = Grid::new().left(8).right(24).top(top);
                if one_bar {
                    grid.height(44).contain_label(false)
                } else {
                    grid.height(52 * categories.len() as i64)
                        .contain_label(true)
                }
            });
            let mut chart = base_chart(grid, !legend_list);
            if *legend_list {
                chart = chart.legend(
                    Legend::new()
                        .top(0)
                        .left(8)
                        .orient(Orient::Vertical)
                        .item_gap(6)
                        .text_style(text_style()),
                );
            }
            chart = chart.x_axis(if *percent {
                percent_axis(100.0)
            } else {
                Axis::new()
                    .type_(AxisType::Value)
                    .axis_label(AxisLabel::new().font_family(FONT).color("#57606a"))
                    .split_line(SplitLine::new())
            });
            chart = if one_bar {
                chart.y_axis(
                    Axis::new()
                        .type_(AxisType::Category)
                        .show(false)
                        .data(categories.clone()),
                )
            } else {
                chart.y_axis(category_axis(
                    categories.iter().map(|c| wrap(c, 18)).collect(),
                ))
            };
            let width = if one_bar {
                40
            } else if *percent {
                32
            } else {
                16
            };
            for s in series {
                chart = chart.series(segment(s, width));
            }
            chart
        }
        Plot::Ranked(r) => {
            let mut names: Vec<String> = Vec::new();
            let mut data: Vec<Option<Point>> = Vec::new();
            if let Some((name, p)) = &r.total {
                names.push(name.clone());
                data.push(Some(p.clone()));
            }
            for (i, (name, p)) in r.rows.iter().enumerate() {
                if i == r.top && r.between > 0 {
                    names.push(r.between_label.clone());
                    data.push(None);
                }
                names.push(name.clone());
                data.push(Some(p.clone()));
            }
            let series = Series {
                name: r.option.clone(),
                colour: r.colour,
                points: data,
            };
            base_chart(None, false)
                .x_axis(percent_axis(100.0))
                .y_axis(category_axis(names))
                .series(
                    Bar::new()
                        .name(series.name.clone())
                        .bar_width(14)
                        .item_style(ItemStyle::new().color(series.colour))
                        .label(point_label(LabelPosition::Right, TEXT, 12))
                        .data(points(&series.points)),
                )
        }
    }
}

/// Lines of at most `width` characters (ECharts without a canvas counts a character as 1 em):
/// Latin words break at spaces, never inside (unless one word is longer than a line), CJK
/// between any two characters.
fn wrap(label: &str, width: usize) -> String {
    label
        .split('\n')
        .flat_map(|line| wrap_line(line, width.max(1)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_line(line: &str, width: usize) -> Vec<String> {
    // Pieces: one wide character, or a run of narrow non-space characters (a word); the spaces
    // between pieces are kept only inside a line.
    let mut pieces: Vec<(String, bool)> = Vec::new(); // (text, spaces before it)
    let mut space = false;
    for c in line.chars() {
        let wide = c as u32 >= 0x1100;
        match pieces.last_mut() {
            _ if c == ' ' => space = true,
            Some((word, _))
                if !wide && !space && word.chars().last().is_some_and(|p| (p as u32) < 0x1100) =>
            {
                word.push(c)
            }
            _ => {
                pieces.push((c.to_string(), space));
                space = false;
            }
        }
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for (piece, spaced) in pieces {
        let used = current.chars().count();
        let gap = usize::from(spaced && used > 0);
        if used > 0 && used + gap + piece.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        } else if gap == 1 {
            current.push(' ');
        }
        current.push_str(&piece);
        // One word longer than a line: cut it.
        while current.chars().count() > width {
            let head: String = current.chars().take(width).collect();
            current = current.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn points(points: &[Option<Point>]) -> Vec<DataPoint> {
    points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|p| point(p, i)))
        .collect()
}

/// A bar's data point: x value, y category index, and the label text shown for it.
fn point(p: &Point, y: usize) -> DataPoint {
    DataPoint::Value(CompositeValue::Array(vec![
        CompositeValue::from(p.value),
        CompositeValue::from(y as i64),
        CompositeValue::from(p.label.as_str()),
    ]))
}

fn text_style() -> TextStyle {
    TextStyle::new().font_family(FONT).color(TEXT)
}

/// One series of a stacked bar: white gaps between segments, labels inside.
fn segment(s: &Series, width: i64) -> Bar {
    Bar::new()
        .name(s.name.clone())
        .stack("total")
        .bar_width(width)
        .item_style(
            ItemStyle::new()
                .color(s.colour)
                .border_color("#ffffff")
                .border_width(1),
        )
        .label(point_label(
            LabelPosition::Inside,
            label_colour(s.colour),
            12,
        ))
        .data(points(&s.points))
}

/// The label every bar shows: the text carried in its data point (see `point`).
fn point_label(position: LabelPosition, colour: &str, size: u32) -> Label {
    Label::new()
        .show(true)
        .position(position)
        .formatter("{@[2]}")
        .color(colour)
        .font_family(FONT)
        .font_size(size)
}

fn category_axis(labels: Vec<String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .inverse(true)
        .data(labels)
        .axis_label(AxisLabel::new().font_family(FONT).color(TEXT).font_size(12))
}

fn percent_axis(max: f64) -> Axis {
    Axis::new()
        .type_(AxisType::Value)
        .max(max)
        .axis_label(
            AxisLabel::new()
                .formatter("{value}%")
                .font_family(FONT)
                .color("#57606a"),
        )
        .split_line(SplitLine::new())
}

/// The palette, one grid (a second `.grid()` would add a second grid, not replace this one),
/// and a one-line legend on top when asked.
fn base_chart(grid: Option<Grid>, legend: bool) -> Chart {
    let grid = grid.unwrap_or_else(|| {
        Grid::new()
            .left(8)
            .right(if legend { 48 } else { 110 })
            .top(if legend { 40 } else { 12 })
            .bottom(28)
            .contain_label(true)
    });
    let chart = Chart::new()
        .color(PALETTE.iter().map(|c| Color::from(*c)).collect())
        .grid(grid);
    if legend {
        chart.legend(Legend::new().top(0).left(8).text_style(text_style()))
    } else {
        chart
    }
}
