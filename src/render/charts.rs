//! Charts: what to draw — ECharts options built with charming — and what goes around each
//! chart. `svg.rs` draws them.
//!
//! Each chart comes with what a reader without the picture needs: an aria-label that says the
//! numbers, the CSV of exactly the plotted numbers, and the names of options left out because the
//! source does not report them. Rendering runs in parallel (one engine per worker) and is cached
//! by the hash of option, size and ECharts version, outside site/.

use std::collections::BTreeMap;

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    AxisLabel, AxisType, Color, ItemStyle, Label, LabelPosition, Orient, SplitLine, TextStyle,
};
use charming::series::Bar;

use super::pages::{NOT_REPORTED, base_title, format_count, question_label};
use crate::model::{ChoiceOption, Count, Question, QuestionKind, Region, Survey, percent, share};

/// Okabe–Ito hues (distinguishable with the common colour-vision deficiencies), the light ones
/// darkened to at least 3:1 against white; yellow left out.
pub const PALETTE: &[&str] = &[
    "#0072B2", "#B07800", "#007A5A", "#C26A9B", "#2F8FC8", "#D55E00", "#6E6E6E",
];
const FONT: &str = "Hiragino Sans, Hiragino Kaku Gothic ProN, Yu Gothic, YuGothic, Meiryo, Noto Sans JP, Noto Sans CJK JP, sans-serif";
const TEXT: &str = "#1f2328";
const WIDTH: u32 = 720;

/// One chart: its option and everything shown around it.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Stable and unique in the site: `rq-tokyo--q1`, `q-q1`, `x-tokyo--q1`.
    pub id: String,
    pub option: Chart,
    pub width: u32,
    pub height: u32,
    pub caption: String,
    /// One sentence with the numbers, for screen readers.
    pub aria: String,
    /// The plotted numbers as CSV rows (header first).
    pub csv_rows: Vec<Vec<String>>,
    /// Labels of options left out because the source does not report them.
    pub omitted: Vec<String>,
}

impl ChartSpec {
    pub fn option_json(&self) -> String {
        serde_json::to_string(&self.option).unwrap_or_else(|_| "{}".into())
    }

    pub fn csv_name(&self) -> String {
        format!("{}.csv", self.id)
    }

    /// UTF-8 with a BOM, so Excel in Japan opens it as UTF-8; CRLF line ends.
    pub fn csv_bytes(&self) -> Vec<u8> {
        csv_bytes(&self.csv_rows)
    }
}

pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(row);
    }
    drop(w);
    out
}

/// Every chart of the site, keyed by id.
pub fn specs(survey: &Survey) -> BTreeMap<String, ChartSpec> {
    let mut out = BTreeMap::new();
    for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
        for r in &survey.regions {
            // Without a known base there are no percentages to plot: the table alone says it.
            if survey.base_count(&r.id, q).value().is_some_and(|b| b > 0) {
                let spec = region_question(survey, r, q);
                out.insert(spec.id.clone(), spec);
            }
            if let Some(spec) = crosstab(survey, r, q) {
                out.insert(spec.id.clone(), spec);
            }
        }
        let spec = question_chart(survey, q);
        out.insert(spec.id.clone(), spec);
    }
    out
}

// Ids are slugs that may hold `-` but never `--` (see load::is_slug): joining region and
// question with `--` keeps `a` × `b-c` and `a-b` × `c` apart.

pub fn region_question_id(region: &str, question: &str) -> String {
    format!("rq-{region}--{question}")
}

pub fn question_id(question: &str) -> String {
    format!("q-{question}")
}

pub fn crosstab_id(region: &str, question: &str) -> String {
    format!("x-{region}--{question}")
}

/// `4病院 (25.0%)` or `…` for the aria text and labels.
fn count_text(survey: &Survey, count: Count, base: Count) -> String {
    match (count, percent(count, base)) {
        (Count::Value(c), Some(p)) => format!("{c}{} ({p})", survey.unit),
        (Count::Value(c), None) => format!("{c}{}", survey.unit),
        (Count::NotReported, _) => format!("{NOT_REPORTED}（記載なし）"),
        (Count::Suppressed, _) => format!("{}（秘匿）", crate::model::SUPPRESSED),
    }
}

/// Wraps a label into lines of at most `width` characters (full-width characters are 1 em in
/// the SSR renderer, so counting characters is measuring).
fn wrap(label: &str, width: usize) -> String {
    let chars: Vec<char> = label.chars().collect();
    chars
        .chunks(width)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn text_style() -> TextStyle {
    TextStyle::new().font_family(FONT).color(TEXT)
}

/// White text on the dark colours of the palette, dark text on the light ones.
fn label_colour(background: &str) -> &'static str {
    let (bg, white, dark) = (luminance(background), 1.0, luminance(TEXT));
    // Whichever of white and dark text stands out more from the bar.
    if contrast(white, bg) >= contrast(dark, bg) {
        "#ffffff"
    } else {
        TEXT
    }
}

fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// WCAG relative luminance of `#rrggbb`.
fn luminance(colour: &str) -> f64 {
    let hex = colour.trim_start_matches('#');
    let channel = |i: usize| {
        let v =
            u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// One segment of a 100% bar: an option's share, its label inside, white gaps between segments.
fn segment(name: String, colour: &str, width: i64, data: Vec<DataPoint>) -> Bar {
    Bar::new()
        .name(name)
        .stack("total")
        .bar_width(width)
        .item_style(
            ItemStyle::new()
                .color(colour)
                .border_color("#ffffff")
                .border_width(1),
        )
        .label(point_label(LabelPosition::Inside, label_colour(colour), 12))
        .data(data)
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

/// A bar's data point: x value, y category index, and the label text shown for it.
fn point(x: f64, y: usize, label: &str) -> DataPoint {
    DataPoint::Value(CompositeValue::Array(vec![
        CompositeValue::from((x * 10.0).round() / 10.0),
        CompositeValue::from(y as i64),
        CompositeValue::from(label),
    ]))
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

/// The height of one category of a bar chart: ECharts spaces categories evenly, so the label
/// with the most lines sets it (16 px a line), or the bars do (`bars`), whichever is taller.
fn category_height(labels: &[String], bars: u32) -> u32 {
    let lines = labels
        .iter()
        .map(|l| l.lines().count().max(1))
        .max()
        .unwrap_or(1) as u32;
    (16 * lines + 12).max(bars)
}

/// A legend listing one entry per line above the plot (option labels are long).
fn legend_list() -> Legend {
    Legend::new()
        .top(0)
        .left(8)
        .orient(Orient::Vertical)
        .item_gap(6)
        .text_style(text_style())
}

fn legend_height(entries: usize) -> i64 {
    20 * entries as i64
}

/// One region × question: horizontal bars of % of base (multiple choice), or one 100% bar
/// (single choice); both labelled with count and %.
fn region_question(survey: &Survey, region: &Region, q: &Question) -> ChartSpec {
    let base = survey.base_count(&region.id, q);
    let label = question_label(survey, q);
    let base_text = format_count(base);
    let mut csv_rows = vec![csv_header()];
    let mut omitted = Vec::new();
    let mut aria_parts = Vec::new();
    let reported: Vec<(&ChoiceOption, Count)> = q
        .options
        .iter()
        .map(|o| (o, survey.count(&region.id, &q.id, &o.id)))
        .collect();
    for (o, c) in &reported {
        aria_parts.push(format!("{} {}", o.label, count_text(survey, *c, base)));
        if *c == Count::NotReported {
            omitted.push(o.label.clone());
        } else {
            csv_rows.push(csv_row(region, q, &label, o, *c, base));
        }
    }
    let shown: Vec<&(&ChoiceOption, Count)> = reported
        .iter()
        .filter(|(_, c)| c.value().is_some())
        .collect();

    let (option, height) = if q.kind == QuestionKind::Single {
        // One 100% bar: a segment per option, the legend names each with its numbers.
        let mut chart = base_chart(
            Some(
                Grid::new()
                    .left(8)
                    .right(24)
                    .top(legend_height(shown.len()) + 8)
                    .height(44)
                    .contain_label(false),
            ),
            false,
        )
        .legend(legend_list())
        .x_axis(percent_axis(100.0))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .show(false)
                .data(vec![region.title.clone()]),
        );
        for (o, c) in &shown {
            let pct = share(*c, base).unwrap_or(0.0);
            // An option keeps its colour on every page, whatever else is left out.
            let i = q.options.iter().position(|x| x.id == o.id).unwrap_or(0);
            let colour = PALETTE[i % PALETTE.len()];
            let inside = if pct >= 9.0 {
                percent(*c, base).unwrap_or_default()
            } else {
                String::new()
            };
            chart = chart.series(segment(
                format!("{}：{}", o.label, count_text(survey, *c, base)),
                colour,
                40,
                vec![point(pct, 0, &inside)],
            ));
        }
        let height = legend_height(shown.len()) as u32 + 8 + 44 + 30;
        (chart, height)
    } else {
        let labels: Vec<String> = shown.iter().map(|(o, _)| wrap(&o.label, 16)).collect();
        let data: Vec<DataPoint> = shown
            .iter()
            .enumerate()
            .map(|(i, (_, c))| {
                point(
                    share(*c, base).unwrap_or(0.0),
                    i,
                    &format!(
                        "{}{}（{}）",
                        c.value().unwrap_or(0),
                        survey.unit,
                        percent(*c, base).unwrap_or_default()
                    ),
                )
            })
            .collect();
        let row = category_height(&labels, 32);
        let chart = base_chart(None, false)
            .x_axis(percent_axis(100.0))
            .y_axis(category_axis(labels))
            .series(
                Bar::new()
                    .name(region.title.clone())
                    .bar_width(18)
                    .item_style(ItemStyle::new().color(PALETTE[0]))
                    .label(point_label(LabelPosition::Right, TEXT, 12))
                    .data(data),
            );
        (chart, 40 + row * shown.len() as u32)
    };
    ChartSpec {
        id: region_question_id(&region.id, &q.id),
        option,
        width: WIDTH,
        height,
        caption: format!(
            "{}: {label} {}（対象 {} n={base_text}）",
            region.title,
            q.short,
            base_title(survey, q)
        ),
        aria: format!("{}: {}", region.title, aria_parts.join("、")),
        csv_rows,
        omitted,
    }
}

fn csv_header() -> Vec<String> {
    ["地域", "設問", "選択肢", "件数", "割合(%)", "対象(n)"]
        .map(String::from)
        .to_vec()
}

fn csv_row(
    region: &Region,
    q: &Question,
    label: &str,
    o: &ChoiceOption,
    c: Count,
    base: Count,
) -> Vec<String> {
    vec![
        region.title.clone(),
        format!("{label} {}", q.title),
        o.label.clone(),
        format_count(c),
        percent(c, base)
            .map(|p| p.trim_end_matches('%').to_string())
            .unwrap_or_default(),
        format_count(base),
    ]
}

/// Every region side by side: grouped bars (multiple choice) or one 100% bar per region.
fn question_chart(survey: &Survey, q: &Question) -> ChartSpec {
    let label = question_label(survey, q);
    let mut csv_rows = vec![csv_header()];
    let mut omitted = Vec::new();
    let mut aria_regions = Vec::new();
    for r in &survey.regions {
        let base = survey.base_count(&r.id, q);
        let mut parts = Vec::new();
        for o in &q.options {
            let c = survey.count(&r.id, &q.id, &o.id);
            parts.push(format!("{} {}", o.label, count_text(survey, c, base)));
            if c == Count::NotReported {
                omitted.push(format!("{}の「{}」", r.title, o.label));
            } else {
                csv_rows.push(csv_row(r, q, &label, o, c, base));
            }
        }
        aria_regions.push(format!(
            "{}（n={}）: {}",
            r.title,
            format_count(base),
            parts.join("、")
        ));
    }

    let (option, height) = if q.kind == QuestionKind::Single {
        let regions: Vec<String> = survey
            .regions
            .iter()
            .map(|r| {
                format!(
                    "{}\nn={}",
                    r.title,
                    format_count(survey.base_count(&r.id, q))
                )
            })
            .collect();
        let mut chart = base_chart(
            Some(
                Grid::new()
                    .left(8)
                    .right(24)
                    .top(legend_height(q.options.len()) + 8)
                    .height(52 * survey.regions.len() as i64)
                    .contain_label(true),
            ),
            false,
        )
        .legend(legend_list())
        .x_axis(percent_axis(100.0))
        .y_axis(category_axis(regions));
        for (i, o) in q.options.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let data: Vec<DataPoint> = survey
                .regions
                .iter()
                .enumerate()
                .filter_map(|(ri, r)| {
                    let base = survey.base_count(&r.id, q);
                    let c = survey.count(&r.id, &q.id, &o.id);
                    let pct = share(c, base)?;
                    let text = if pct >= 9.0 {
                        percent(c, base).unwrap_or_default()
                    } else {
                        String::new()
                    };
                    Some(point(pct, ri, &text))
                })
                .collect();
            chart = chart.series(segment(o.label.clone(), colour, 32, data));
        }
        (
            chart,
            legend_height(q.options.len()) as u32 + 8 + 52 * survey.regions.len() as u32 + 34,
        )
    } else {
        let labels: Vec<String> = q.options.iter().map(|o| wrap(&o.label, 16)).collect();
        let row = category_height(&labels, 14 * survey.regions.len() as u32 + 12);
        let mut chart = base_chart(None, true)
            .x_axis(percent_axis(100.0))
            .y_axis(category_axis(labels));
        for (ri, r) in survey.regions.iter().enumerate() {
            let base = survey.base_count(&r.id, q);
            let data: Vec<DataPoint> = q
                .options
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    let c = survey.count(&r.id, &q.id, &o.id);
                    Some(point(share(c, base)?, i, &percent(c, base)?))
                })
                .collect();
            chart = chart.series(
                Bar::new()
                    .name(format!("{}（n={}）", r.title, format_count(base)))
                    .bar_width(12)
                    .item_style(ItemStyle::new().color(PALETTE[ri % PALETTE.len()]))
                    .label(point_label(LabelPosition::Right, TEXT, 11))
                    .data(data),
            );
        }
        (chart, 76 + row * q.options.len() as u32)
    };
    ChartSpec {
        id: question_id(&q.id),
        option,
        width: WIDTH,
        height,
        caption: format!(
            "{label} {}（地域別、対象 {} に対する%）",
            q.short,
            base_title(survey, q)
        ),
        aria: aria_regions.join("。"),
        csv_rows,
        omitted,
    }
}

/// The question by the dimension: a stacked bar per group, the options the cross-tab gives and
/// the rest of the group.
fn crosstab(survey: &Survey, region: &Region, q: &Question) -> Option<ChartSpec> {
    let d = survey.dimension.as_ref()?;
    let options = survey.crosstab_options(q);
    if options.is_empty() {
        return None;
    }
    let groups: Vec<(String, Count)> = d
        .groups
        .iter()
        .map(|g| (g.id.clone(), survey.group_respondents(&region.id, &g.id)))
        .collect();
    let get = |group: &str, option: &str| survey.crosstab_count(&region.id, &q.id, group, option);
    let max = groups
        .iter()
        .filter_map(|(_, n)| n.value())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let small = max * 0.06;
    let mut csv_rows = vec![vec![
        "地域".to_string(),
        d.title.clone(),
        format!("{}数", survey.unit),
        "選択肢".into(),
        "件数".into(),
        "割合(%)".into(),
    ]];
    let mut aria = Vec::new();
    let mut omitted = Vec::new();
    let labels: Vec<String> = d
        .groups
        .iter()
        .map(|g| {
            format!(
                "{}（{}）",
                g.label,
                format_count(
                    groups
                        .iter()
                        .find(|(id, _)| id == &g.id)
                        .map_or(Count::NotReported, |x| x.1)
                )
            )
        })
        .collect();
    let mut chart = base_chart(None, true)
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .axis_label(AxisLabel::new().font_family(FONT).color("#57606a"))
                .split_line(SplitLine::new()),
        )
        .y_axis(category_axis(labels.iter().map(|l| wrap(l, 18)).collect()));
    let mut rest: Vec<Option<u64>> = groups.iter().map(|(_, n)| n.value()).collect();
    for (oi, o) in options.iter().enumerate() {
        let colour = PALETTE[oi % PALETTE.len()];
        let mut data = Vec::new();
        for (gi, (g, n)) in groups.iter().enumerate() {
            let c = get(g, &o.id);
            let group = &d.groups[gi];
            aria.push(format!(
                "{} {}{}のうち{} {}",
                group.label,
                format_count(*n),
                survey.unit,
                o.label,
                count_text(survey, c, *n)
            ));
            rest[gi] = rest[gi].zip(c.value()).map(|(r, c)| r.saturating_sub(c));
            match c {
                Count::Value(v) => {
                    let text = if v as f64 >= small {
                        v.to_string()
                    } else {
                        String::new()
                    };
                    data.push(point(v as f64, gi, &text));
                    csv_rows.push(vec![
                        region.title.clone(),
                        group.label.clone(),
                        format_count(*n),
                        o.label.clone(),
                        v.to_string(),
                        percent(c, *n)
                            .map(|p| p.trim_end_matches('%').to_string())
                            .unwrap_or_default(),
                    ]);
                }
                Count::NotReported => omitted.push(format!("{}の「{}」", group.label, o.label)),
                Count::Suppressed => {} // hidden: no bar, no CSV row
            }
        }
        chart = chart.series(
            Bar::new()
                .name(o.label.clone())
                .stack("group")
                .bar_width(16)
                .item_style(ItemStyle::new().color(colour))
                .label(point_label(LabelPosition::Inside, label_colour(colour), 12))
                .data(data),
        );
    }
    let rest_colour = "#C9D1D9";
    let data: Vec<DataPoint> = rest
        .iter()
        .enumerate()
        .filter_map(|(gi, r)| {
            r.map(|v| {
                point(
                    v as f64,
                    gi,
                    &if v as f64 >= small {
                        v.to_string()
                    } else {
                        String::new()
                    },
                )
            })
        })
        .collect();
    chart = chart.series(
        Bar::new()
            .name("それ以外")
            .stack("group")
            .bar_width(16)
            .item_style(ItemStyle::new().color(rest_colour))
            .label(point_label(LabelPosition::Inside, TEXT, 12))
            .data(data),
    );
    let height = 40 + 28 * d.groups.len() as u32 + 30;
    Some(ChartSpec {
        id: crosstab_id(&region.id, &q.id),
        option: chart,
        width: WIDTH,
        height,
        caption: format!(
            "{}: {}別の{}（{}数）",
            region.title,
            d.title,
            options
                .iter()
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>()
                .join("・"),
            survey.unit
        ),
        aria: format!("{}: {}", region.title, aria.join("、")),
        csv_rows,
        omitted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_by_characters() {
        assert_eq!(wrap("あいうえおかきくけこ", 4), "あいうえ\nおかきく\nけこ");
    }

    #[test]
    fn label_text_contrasts_with_the_bar() {
        assert_eq!(label_colour("#0072B2"), "#ffffff");
        assert_eq!(label_colour("#E69F00"), TEXT);
    }

    #[test]
    fn every_colour_stands_out_from_the_page() {
        for c in PALETTE {
            assert!(contrast(1.0, luminance(c)) >= 3.0, "{c} on white");
        }
    }

    #[test]
    fn csv_has_a_bom_and_crlf() {
        let bytes = csv_bytes(&[
            vec!["地域".into(), "件数".into()],
            vec!["区西南部".into(), "4".into()],
        ]);
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}地域,件数\r\n区西南部,4\r\n"
        );
    }
}
