//! Charts: what to draw and what goes around each chart. `svg.rs` draws the build-time SVG
//! (natively, one module per chart kind under `svg/`), `echarts.rs` turns the same plot into an
//! ECharts option for the optional interactive layer.
//!
//! Each chart comes with what a reader without the picture needs: an aria-label that says the
//! numbers, the CSV of the numbers (the same rows as the table beside it), and the names of
//! options left out because the source does not report them.

use std::collections::BTreeMap;

use super::format::{base_title, format_count, question_label};
use super::strings::{JA, Strings, fill};
use crate::model::{ChoiceOption, Count, Question, QuestionKind, Region, Survey, percent, share};

/// Okabe–Ito hues (distinguishable with the common colour-vision deficiencies), the light ones
/// darkened to at least 3:1 against white; yellow left out.
pub const PALETTE: &[&str] = &[
    "#0072B2", "#B07800", "#007A5A", "#C26A9B", "#2F8FC8", "#D55E00", "#6E6E6E",
];
pub const TEXT: &str = "#1f2328";
/// The rest of a group in a cross-tab.
pub const REST: &str = "#C9D1D9";
const WIDTH: u32 = 720;
/// More regions than this: the question chart ranks them instead of drawing one bar each.
pub const MANY_REGIONS: usize = 20;
/// Regions shown at each end of a ranking.
pub const RANKED_EACH_END: usize = 10;

/// One chart: what it plots and everything shown around it.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Stable and unique in the site: `rq-tokyo--q1`, `q-q1`, `x-tokyo--q1`.
    pub id: String,
    pub plot: Plot,
    /// The size of the interactive chart (the SVGs size themselves).
    pub width: u32,
    pub height: u32,
    pub caption: String,
    /// One sentence with the numbers, for screen readers.
    pub aria: String,
    /// The chart's numbers as CSV rows (header first): the same rows as the table.
    pub csv_rows: Vec<Vec<String>>,
    /// Labels of options left out because the source does not report them.
    pub omitted: Vec<String>,
}

/// A bar or a segment: its value (% or a count) and the text shown on it (empty: none).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub value: f64,
    pub label: String,
    /// A weighted sample's 95% confidence interval (0–100), drawn as an error bar.
    pub interval: Option<(f64, f64)>,
}

/// Bars of one colour: one point per category (`None`: nothing drawn there).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub colour: &'static str,
    pub points: Vec<Option<Point>>,
}

/// What a chart plots; each kind is drawn by its own module in `svg/`.
#[derive(Debug, Clone)]
pub enum Plot {
    /// Horizontal bars of % per category, one per series (grouped, with a legend, when
    /// several); value labels to the right.
    Bars {
        categories: Vec<String>,
        series: Vec<Series>,
        /// Shown instead of the bars when there are none (every option not reported).
        empty: String,
    },
    /// A stacked bar per category, a segment per series; `percent`: a 0–100% axis, else counts.
    /// `legend_list`: one legend entry per line (long option labels); else side by side.
    /// Categories all empty: one bar without labels (a region's single-choice answer).
    Stacked {
        categories: Vec<String>,
        series: Vec<Series>,
        percent: bool,
        legend_list: bool,
    },
    /// Many regions: the regions with the highest and lowest % of one option, the total marked.
    Ranked(Ranking),
}

#[derive(Debug, Clone)]
pub struct Ranking {
    /// The option ranked by.
    pub option: String,
    pub colour: &'static str,
    /// Highest first: the top regions, then the bottom ones (`top` of them are the top).
    pub rows: Vec<(String, Point)>,
    pub top: usize,
    /// Regions with a value between the top and the bottom, not drawn.
    pub between: usize,
    /// The row that stands for them: `…（ほか12地域）`.
    pub between_label: String,
    /// The all-regions figure and its name, marked across the bars.
    pub total: Option<(String, Point)>,
}

impl Plot {
    /// Whether some bar has a confidence interval (a weighted sample). The interactive layer
    /// draws no error bars, so such a chart keeps its SVG, which does.
    pub fn has_intervals(&self) -> bool {
        match self {
            Plot::Bars { series, .. } | Plot::Stacked { series, .. } => series
                .iter()
                .flat_map(|s| s.points.iter().flatten())
                .any(|p| p.interval.is_some()),
            Plot::Ranked(r) => r
                .rows
                .iter()
                .map(|(_, p)| p)
                .chain(r.total.as_ref().map(|(_, p)| p))
                .any(|p| p.interval.is_some()),
        }
    }
}

impl ChartSpec {
    /// The ECharts option of the interactive chart (JSON).
    pub fn option_json(&self) -> String {
        let chart = super::echarts::option(&self.plot);
        serde_json::to_string(&chart).unwrap_or_else(|_| "{}".into())
    }

    pub fn csv_name(&self) -> String {
        format!("{}.csv", self.id)
    }

    /// UTF-8 with a BOM, so Excel in Japan opens it as UTF-8; CRLF line ends.
    pub fn csv_bytes(&self) -> Vec<u8> {
        csv_bytes(&self.csv_rows)
    }
}

/// A number as CSV may carry it: `12`, `-3`, `25.0`. Anything else is text.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    ok(whole) && parts.next().is_none_or(ok)
}

/// A text cell a spreadsheet would run as a formula gets a leading `'` (OWASP's advice for CSV
/// injection); numbers, negative ones too, stay numbers.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(row.iter().map(|c| csv_cell(c).into_owned()));
    }
    drop(w);
    out
}

/// Every chart of the site, keyed by id, in the Japanese interface.
pub fn specs(survey: &Survey) -> BTreeMap<String, ChartSpec> {
    specs_in(survey, &JA)
}

/// Every chart of the site, keyed by id, with captions and aria text in `t`'s language.
pub fn specs_in(survey: &Survey, t: &Strings) -> BTreeMap<String, ChartSpec> {
    let mut out = BTreeMap::new();
    for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
        // Once per question: which options the cross-tab gives.
        let crosstab_options = survey.crosstab_options(q);
        for r in &survey.regions {
            // Without a known base there are no percentages to plot: the table alone says it.
            if survey.base_count(&r.id, q).value().is_some_and(|b| b > 0) {
                let spec = region_question(survey, r, q, t);
                out.insert(spec.id.clone(), spec);
            }
            if let Some(spec) = crosstab(survey, r, q, &crosstab_options, t) {
                out.insert(spec.id.clone(), spec);
            }
        }
        let spec = if survey.regions.len() > MANY_REGIONS {
            ranked_chart(survey, q, t)
        } else {
            question_chart(survey, q, t)
        };
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

/// `4病院` (`t.count_unit`): a count with the survey's unit.
fn with_unit(survey: &Survey, t: &Strings, n: &str) -> String {
    fill(t.count_unit, &[("n", n), ("unit", &survey.unit)])
}

/// `4病院 (25.0%)` or `…（記載なし）` for the aria text and labels: a region's option, its %
/// the estimate where the sample is weighted.
fn count_text(survey: &Survey, t: &Strings, region: &str, q: &Question, option: &str) -> String {
    let count = survey.count(region, &q.id, option);
    with_percent(survey, t, count, survey.percent_of(region, q, option))
}

/// A cross-tab cell's % as shown (`12.2%`): count ÷ the group's size, or a weighted sample's
/// design-based estimate of the region × group (`group` `None`: the region's 計 row).
fn crosstab_percent(
    survey: &Survey,
    count: Count,
    n: Count,
    (region, question, group, option): (&str, &str, Option<&str>, &str),
) -> Option<String> {
    match survey.crosstab_shown_estimate(region, question, group, option) {
        Some(e) if survey.weighted() => Some(crate::model::percent_of(e.p)),
        _ => percent(count, n),
    }
}

fn with_percent(survey: &Survey, t: &Strings, count: Count, percent: Option<String>) -> String {
    match (count, percent) {
        (Count::Value(c), Some(p)) => fill(
            t.count_percent,
            &[
                ("count", &with_unit(survey, t, &c.to_string())),
                ("percent", &p),
            ],
        ),
        (Count::Value(c), None) => with_unit(survey, t, &c.to_string()),
        (Count::NotReported, _) => t.not_reported_text.to_string(),
        (Count::Suppressed, _) => t.suppressed_text.to_string(),
    }
}

/// White text on the dark colours of the palette, dark text on the light ones.
pub fn label_colour(background: &str) -> &'static str {
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

/// A point with its value rounded to what a chart can show.
fn point(value: f64, label: impl Into<String>) -> Point {
    Point {
        value: (value * 10.0).round() / 10.0,
        label: label.into(),
        interval: None,
    }
}

/// A bar's point with its error bar, where a weighted sample shows an interval.
fn with_interval(mut p: Point, survey: &Survey, region: &str, q: &Question, option: &str) -> Point {
    p.interval = survey
        .shown_estimate(region, &q.id, option)
        .and_then(|e| e.ci)
        .map(|(lo, hi)| (round_percent(lo), round_percent(hi)));
    p
}

/// The % inside a 100% segment, when the segment is wide enough to hold it.
fn inside_label(survey: &Survey, region: &str, q: &Question, option: &str) -> String {
    match survey.share_of(region, q, option) {
        Some(pct) if pct >= 9.0 => survey.percent_of(region, q, option).unwrap_or_default(),
        _ => String::new(),
    }
}

/// An option keeps its colour on every page, whatever else is left out.
fn option_colour(q: &Question, o: &ChoiceOption) -> &'static str {
    let i = q.options.iter().position(|x| x.id == o.id).unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

/// The height of one category in the interactive chart: ECharts spaces categories evenly, so
/// the label with the most lines (`per_line` characters each, see `echarts::wrap`) sets it, 16 px
/// a line and 20 px between labels, or the bars do (`bars`), whichever is taller.
fn category_height(labels: &[String], per_line: usize, bars: u32) -> u32 {
    let lines = labels
        .iter()
        .map(|l| {
            l.split('\n')
                .map(|part| part.chars().count().div_ceil(per_line.max(1)).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1) as u32;
    (16 * lines + 20).max(bars)
}

/// One region × question: horizontal bars of % of base (multiple choice), or one 100% bar
/// (single choice); both labelled with count and %.
fn region_question(survey: &Survey, region: &Region, q: &Question, t: &Strings) -> ChartSpec {
    let base = survey.base_count(&region.id, q);
    let label = question_label(survey, q);
    let base_text = format_count(base);
    let mut csv_rows = vec![csv_header(survey, t)];
    let mut omitted = Vec::new();
    let mut aria_parts = Vec::new();
    let reported: Vec<(&ChoiceOption, Count)> = q
        .options
        .iter()
        .map(|o| (o, survey.count(&region.id, &q.id, &o.id)))
        .collect();
    for (o, c) in &reported {
        aria_parts.push(format!(
            "{} {}",
            o.label,
            count_text(survey, t, &region.id, q, &o.id)
        ));
        if *c == Count::NotReported {
            omitted.push(o.label.clone());
        }
        // Every option, as in the table: a not-reported one shows `…`.
        csv_rows.push(csv_row(survey, region, q, &label, o, *c, base));
    }
    let shown: Vec<&(&ChoiceOption, Count)> = reported
        .iter()
        .filter(|(_, c)| c.value().is_some())
        .collect();

    let (plot, height) = if q.kind == QuestionKind::Single {
        // One 100% bar: a segment per option, the legend names each with its numbers.
        let series: Vec<Series> = shown
            .iter()
            .map(|(o, _)| Series {
                name: fill(
                    t.legend_entry,
                    &[
                        ("option", &o.label),
                        ("count", &count_text(survey, t, &region.id, q, &o.id)),
                    ],
                ),
                colour: option_colour(q, o),
                points: vec![Some(point(
                    survey.share_of(&region.id, q, &o.id).unwrap_or(0.0),
                    inside_label(survey, &region.id, q, &o.id),
                ))],
            })
            .collect();
        let height = 20 * shown.len() as u32 + 8 + 44 + 30;
        (
            Plot::Stacked {
                categories: vec![String::new()],
                series,
                percent: true,
                legend_list: true,
            },
            height,
        )
    } else {
        let categories: Vec<String> = shown.iter().map(|(o, _)| o.label.clone()).collect();
        let points = shown
            .iter()
            .map(|(o, c)| {
                let p = point(
                    survey.share_of(&region.id, q, &o.id).unwrap_or(0.0),
                    fill(
                        t.bar_label,
                        &[
                            (
                                "count",
                                &with_unit(survey, t, &c.value().unwrap_or(0).to_string()),
                            ),
                            (
                                "percent",
                                &survey.percent_of(&region.id, q, &o.id).unwrap_or_default(),
                            ),
                        ],
                    ),
                );
                Some(with_interval(p, survey, &region.id, q, &o.id))
            })
            .collect();
        let height = 40 + category_height(&categories, 16, 32) * shown.len() as u32;
        (
            Plot::Bars {
                categories,
                series: vec![Series {
                    name: region.title.clone(),
                    colour: PALETTE[0],
                    points,
                }],
                empty: t.chart_no_bars.into(),
            },
            height,
        )
    };
    ChartSpec {
        id: region_question_id(&region.id, &q.id),
        plot,
        width: WIDTH,
        height,
        caption: fill(
            t.region_question_caption,
            &[
                ("region", &region.title),
                ("question", &format!("{label} {}", q.short)),
                ("base", &base_title(survey, q)),
                ("n", &base_text),
            ],
        ),
        aria: format!("{}: {}", region.title, aria_parts.join(t.list_separator)),
        csv_rows,
        omitted,
    }
}

fn csv_header(survey: &Survey, t: &Strings) -> Vec<String> {
    let mut header: Vec<String> = [
        t.region_col,
        t.csv_question,
        t.option_col,
        t.count_col,
        t.csv_percent,
        t.csv_base,
    ]
    .map(String::from)
    .to_vec();
    if survey.weighted() {
        header.extend([t.csv_ci_low, t.csv_ci_high].map(String::from));
    }
    header
}

/// A weighted sample's interval bounds as CSV cells (empty where no interval is shown).
pub fn interval_cells(survey: &Survey, region: &str, question: &str, option: &str) -> [String; 2] {
    bounds(
        survey
            .shown_estimate(region, question, option)
            .and_then(|e| e.ci),
    )
}

/// An interval's bounds as CSV cells, in % to one decimal (empty cells for none).
fn bounds(ci: Option<(f64, f64)>) -> [String; 2] {
    match ci {
        Some((lo, hi)) => [format!("{:.1}", lo * 100.0), format!("{:.1}", hi * 100.0)],
        None => [String::new(), String::new()],
    }
}

/// A proportion as a chart's 0–100 value, to one decimal.
fn round_percent(p: f64) -> f64 {
    (p * 1000.0).round() / 10.0
}

fn csv_row(
    survey: &Survey,
    region: &Region,
    q: &Question,
    label: &str,
    o: &ChoiceOption,
    c: Count,
    base: Count,
) -> Vec<String> {
    let mut row = vec![
        region.title.clone(),
        format!("{label} {}", q.title),
        o.label.clone(),
        format_count(c),
        match c {
            Count::Value(_) => survey.percent_of(&region.id, q, &o.id),
            _ => percent(c, base),
        }
        .map(|p| p.trim_end_matches('%').to_string())
        .unwrap_or_default(),
        format_count(base),
    ];
    if survey.weighted() {
        row.extend(interval_cells(survey, &region.id, &q.id, &o.id));
    }
    row
}

/// The CSV rows, omitted options and aria text of a question over every region.
fn question_numbers(
    survey: &Survey,
    q: &Question,
    t: &Strings,
) -> (Vec<Vec<String>>, Vec<String>, Vec<String>) {
    let label = question_label(survey, q);
    let mut csv_rows = vec![csv_header(survey, t)];
    let mut omitted = Vec::new();
    let mut aria_regions = Vec::new();
    for r in &survey.regions {
        let base = survey.base_count(&r.id, q);
        let mut parts = Vec::new();
        for o in &q.options {
            let c = survey.count(&r.id, &q.id, &o.id);
            parts.push(format!(
                "{} {}",
                o.label,
                count_text(survey, t, &r.id, q, &o.id)
            ));
            if c == Count::NotReported {
                omitted.push(fill(
                    t.omitted_item,
                    &[("region", &r.title), ("option", &o.label)],
                ));
            }
            csv_rows.push(csv_row(survey, r, q, &label, o, c, base));
        }
        aria_regions.push(format!(
            "{}: {}",
            fill(t.name_n, &[("name", &r.title), ("n", &format_count(base))]),
            parts.join(t.list_separator)
        ));
    }
    (csv_rows, omitted, aria_regions)
}

/// Every region side by side: grouped bars (multiple choice) or one 100% bar per region.
fn question_chart(survey: &Survey, q: &Question, t: &Strings) -> ChartSpec {
    let label = question_label(survey, q);
    let (csv_rows, omitted, aria_regions) = question_numbers(survey, q, t);
    let (plot, height) = if q.kind == QuestionKind::Single {
        let categories: Vec<String> = survey
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
        let series = q
            .options
            .iter()
            .map(|o| Series {
                name: o.label.clone(),
                colour: option_colour(q, o),
                points: survey
                    .regions
                    .iter()
                    .map(|r| {
                        Some(point(
                            survey.share_of(&r.id, q, &o.id)?,
                            inside_label(survey, &r.id, q, &o.id),
                        ))
                    })
                    .collect(),
            })
            .collect();
        (
            Plot::Stacked {
                categories,
                series,
                percent: true,
                legend_list: true,
            },
            20 * q.options.len() as u32 + 8 + 52 * survey.regions.len() as u32 + 34,
        )
    } else {
        let categories: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
        let series = survey
            .regions
            .iter()
            .enumerate()
            .map(|(ri, r)| {
                let base = survey.base_count(&r.id, q);
                Series {
                    name: fill(t.name_n, &[("name", &r.title), ("n", &format_count(base))]),
                    colour: PALETTE[ri % PALETTE.len()],
                    points: q
                        .options
                        .iter()
                        .map(|o| {
                            let p = point(
                                survey.share_of(&r.id, q, &o.id)?,
                                survey.percent_of(&r.id, q, &o.id)?,
                            );
                            Some(with_interval(p, survey, &r.id, q, &o.id))
                        })
                        .collect(),
                }
            })
            .collect();
        let row = category_height(&categories, 16, 14 * survey.regions.len() as u32 + 12);
        (
            Plot::Bars {
                categories,
                series,
                empty: t.chart_no_bars.into(),
            },
            76 + row * q.options.len() as u32,
        )
    };
    ChartSpec {
        id: question_id(&q.id),
        plot,
        width: WIDTH,
        height,
        caption: fill(
            t.question_caption,
            &[
                ("question", &format!("{label} {}", q.short)),
                ("base", &base_title(survey, q)),
            ],
        ),
        aria: aria_regions.join(t.sentence_separator),
        csv_rows,
        omitted,
    }
}

/// Many regions: the regions with the highest and the lowest % of the question's key option,
/// the total marked. Every region's numbers are in the table beside it and in the CSV.
fn ranked_chart(survey: &Survey, q: &Question, t: &Strings) -> ChartSpec {
    let label = question_label(survey, q);
    let (csv_rows, _, _) = question_numbers(survey, q, t);
    let key = q.key_option().or(q.options.first());
    let key_label = key.map(|o| o.label.clone()).unwrap_or_default();
    let colour = key.map_or(PALETTE[0], |o| option_colour(q, o));
    let key_id = key.map(|o| o.id.as_str()).unwrap_or("");
    let figure = |r: &Region| {
        let base = survey.base_count(&r.id, q);
        Some((
            survey.share_of(&r.id, q, key_id)?,
            survey.percent_of(&r.id, q, key_id)?,
            base,
        ))
    };
    let mut ranked: Vec<(usize, f64, String, Count)> = Vec::new();
    let mut omitted = Vec::new();
    for (i, r) in survey.regions.iter().enumerate().filter(|(_, r)| !r.total) {
        match figure(r) {
            Some((s, p, base)) => ranked.push((i, s, p, base)),
            None => omitted.push(r.title.clone()),
        }
    }
    // Highest first; ties in codebook order, so the output never depends on anything else.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = ranked.len();
    let each = RANKED_EACH_END.min(n / 2 + n % 2);
    let bottom_from = (n - each.min(n)).max(each);
    let chosen: Vec<&(usize, f64, String, Count)> = ranked[..each]
        .iter()
        .chain(&ranked[bottom_from..])
        .collect();
    let row = |(i, s, p, base): &(usize, f64, String, Count)| {
        let r = &survey.regions[*i];
        (
            fill(t.name_n, &[("name", &r.title), ("n", &format_count(*base))]),
            with_interval(point(*s, p.clone()), survey, &r.id, q, key_id),
        )
    };
    let rows: Vec<(String, Point)> = chosen.iter().map(|x| row(x)).collect();
    let total = survey
        .regions
        .iter()
        .find(|r| r.total)
        .and_then(|r| figure(r).map(|(s, p, _)| (r.title.clone(), point(s, p))))
        .or_else(|| pooled_total(survey, q, key_id, t));
    let between = n - rows.len();
    let (each_text, bottom_text) = (each.to_string(), (n - bottom_from).to_string());
    let which = if between > 0 {
        fill(
            t.ranked_which,
            &[("each", &each_text), ("bottom", &bottom_text)],
        )
    } else {
        t.ranked_all.to_string()
    };
    let aria = fill(
        t.ranked_aria,
        &[
            ("option", &key_label),
            ("which", &which),
            (
                "rows",
                &rows
                    .iter()
                    .map(|(name, p)| format!("{name} {}", p.label))
                    .collect::<Vec<_>>()
                    .join(t.list_separator),
            ),
            (
                "total",
                &total
                    .as_ref()
                    .map(|(name, p)| fill(t.ranked_total, &[("name", name), ("percent", &p.label)]))
                    .unwrap_or_default(),
            ),
            ("n", &between.to_string()),
        ],
    );
    let height = 60 + 24 * (rows.len() as u32 + 1);
    ChartSpec {
        id: question_id(&q.id),
        plot: Plot::Ranked(Ranking {
            option: key_label.clone(),
            colour,
            rows,
            top: each,
            between,
            between_label: fill(t.ranked_between, &[("n", &between.to_string())]),
            total,
        }),
        width: WIDTH,
        height,
        caption: fill(
            t.ranked_caption,
            &[
                ("question", &format!("{label} {}", q.short)),
                ("option", &key_label),
                ("each", &each_text),
                ("bottom", &bottom_text),
                (
                    "regions",
                    &survey
                        .regions
                        .iter()
                        .filter(|r| !r.total)
                        .count()
                        .to_string(),
                ),
                ("base", &base_title(survey, q)),
            ],
        ),
        aria,
        csv_rows,
        omitted,
    }
}

/// The figure over all regions when the codebook has no total region: only when every region
/// reports both the count and the base (a sum with gaps would be a made-up number).
fn pooled_total(
    survey: &Survey,
    q: &Question,
    option: &str,
    t: &Strings,
) -> Option<(String, Point)> {
    let (mut count, mut base) = (0u64, 0u64);
    for r in &survey.regions {
        count += survey.count(&r.id, &q.id, option).value()?;
        base += survey.base_count(&r.id, q).value()?;
    }
    // A weighted sample: the estimate over every respondent in the base (the design's own).
    if let Some(e) = survey
        .data
        .pooled
        .get(&(q.id.clone(), option.to_string()))
        .filter(|_| survey.weighted())
    {
        return Some((
            t.all_regions.to_string(),
            point(e.p * 100.0, crate::model::percent_of(e.p)),
        ));
    }
    // The office gave no all-regions estimate (a total region would): no line, not count ÷ base.
    if matches!(survey.estimates(), crate::model::Estimates::Tables) {
        return None;
    }
    let (c, b) = (Count::Value(count), Count::Value(base));
    Some((
        t.all_regions.to_string(),
        point(share(c, b)?, percent(c, b)?),
    ))
}

/// The question by the dimension: a stacked bar per group, the options the cross-tab gives and
/// the rest of the group.
fn crosstab(
    survey: &Survey,
    region: &Region,
    q: &Question,
    options: &[&ChoiceOption],
    t: &Strings,
) -> Option<ChartSpec> {
    let d = survey.dimension.as_ref()?;
    if options.is_empty() {
        return None;
    }
    let groups: Vec<Count> = d
        .groups
        .iter()
        .map(|g| survey.group_respondents(&region.id, &g.id))
        .collect();
    let max = groups
        .iter()
        .filter_map(|n| n.value())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let small = max * 0.06;
    let shown = |v: u64| {
        if v as f64 >= small {
            v.to_string()
        } else {
            String::new()
        }
    };
    let weighted = survey.weighted();
    let mut header = vec![
        t.region_col.to_string(),
        d.title.clone(),
        fill(t.group_size, &[("unit", &survey.unit)]),
        t.option_col.into(),
        t.count_col.into(),
        t.csv_percent.into(),
    ];
    if weighted {
        header.extend([t.csv_ci_low, t.csv_ci_high].map(String::from));
    }
    let mut csv_rows = vec![header];
    let mut aria = Vec::new();
    let mut omitted = Vec::new();
    let categories: Vec<String> = d
        .groups
        .iter()
        .zip(&groups)
        .map(|(g, n)| fill(t.group_n, &[("name", &g.label), ("n", &format_count(*n))]))
        .collect();
    let mut rest: Vec<Option<u64>> = groups.iter().map(|n| n.value()).collect();
    let mut series = Vec::new();
    for (oi, o) in options.iter().enumerate() {
        let mut points = Vec::new();
        for (gi, (group, n)) in d.groups.iter().zip(&groups).enumerate() {
            let c = survey.crosstab_count(&region.id, &q.id, &group.id, &o.id);
            let cell = (
                region.id.as_str(),
                q.id.as_str(),
                Some(group.id.as_str()),
                o.id.as_str(),
            );
            let pct = crosstab_percent(survey, c, *n, cell);
            aria.push(fill(
                t.crosstab_aria,
                &[
                    ("group", &group.label),
                    ("n", &with_unit(survey, t, &format_count(*n))),
                    ("option", &o.label),
                    ("count", &with_percent(survey, t, c, pct.clone())),
                ],
            ));
            rest[gi] = rest[gi].zip(c.value()).map(|(r, c)| r.saturating_sub(c));
            if c == Count::NotReported {
                omitted.push(fill(
                    t.omitted_item,
                    &[("region", &group.label), ("option", &o.label)],
                ));
            }
            let e = survey.crosstab_shown_estimate(cell.0, cell.1, cell.2, cell.3);
            // Suppressed: hidden, no bar and no CSV row.
            if c != Count::Suppressed {
                let mut row = vec![
                    region.title.clone(),
                    group.label.clone(),
                    format_count(*n),
                    o.label.clone(),
                    format_count(c),
                    pct.as_deref()
                        .map(|p| p.trim_end_matches('%').to_string())
                        .unwrap_or_default(),
                ];
                if weighted {
                    row.extend(bounds(e.and_then(|e| e.ci)));
                }
                csv_rows.push(row);
            }
            points.push(match (weighted, e) {
                // A weighted sample: the group's estimate as a % bar with its error bar.
                (true, Some(e)) => Some(Point {
                    interval: e.ci.map(|(lo, hi)| (round_percent(lo), round_percent(hi))),
                    ..point(e.p * 100.0, pct.clone().unwrap_or_default())
                }),
                (true, None) => None,
                (false, _) => c.value().map(|v| point(v as f64, shown(v))),
            });
        }
        series.push(Series {
            name: o.label.clone(),
            colour: PALETTE[oi % PALETTE.len()],
            points,
        });
    }
    let (plot, height) = if weighted {
        // Bars of % per group, an option a colour, each with its interval: weighted counts are
        // not respondents, so no stack of counts (nor its "rest", which the estimates would give
        // away for a hidden cell).
        let height = 76
            + category_height(&categories, 16, 14 * options.len() as u32 + 12)
                * d.groups.len() as u32;
        let plot = Plot::Bars {
            categories,
            series,
            empty: t.chart_no_bars.into(),
        };
        (plot, height)
    } else {
        series.push(Series {
            name: t.rest.into(),
            colour: REST,
            points: rest
                .iter()
                .map(|r| r.map(|v| point(v as f64, shown(v))))
                .collect(),
        });
        let height = 40 + category_height(&categories, 18, 28) * d.groups.len() as u32 + 30;
        let plot = Plot::Stacked {
            categories,
            series,
            percent: false,
            legend_list: false,
        };
        (plot, height)
    };
    Some(ChartSpec {
        id: crosstab_id(&region.id, &q.id),
        plot,
        width: WIDTH,
        height,
        caption: crosstab_caption(survey, d, region, options, t),
        aria: format!("{}: {}", region.title, aria.join(t.list_separator)),
        csv_rows,
        omitted,
    })
}

fn crosstab_caption(
    survey: &Survey,
    d: &crate::model::Dimension,
    region: &Region,
    options: &[&ChoiceOption],
    t: &Strings,
) -> String {
    let caption = match survey.estimates() {
        crate::model::Estimates::Design(_) => t.crosstab_chart_caption_weighted,
        crate::model::Estimates::Tables => t.crosstab_chart_caption_given,
        crate::model::Estimates::Counts => t.crosstab_chart_caption,
    };
    fill(
        caption,
        &[
            ("region", &region.title),
            ("dimension", &d.title),
            (
                "options",
                &options
                    .iter()
                    .map(|o| o.label.as_str())
                    .collect::<Vec<_>>()
                    .join(t.option_joiner),
            ),
            ("unit", &survey.unit),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        let bytes = csv_bytes(&[vec![
            "=HYPERLINK(\"http://evil/\",\"x\")".into(),
            "+1".into(),
            "-cmd".into(),
            "@SUM(A1)".into(),
            "\tx".into(),
            "\rx".into(),
            "-3".into(),
            "-2.5".into(),
            "12".into(),
            "区西南部".into(),
        ]]);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\",'+1,'-cmd,'@SUM(A1),'\tx,\"'\rx\",-3,-2.5,12,区西南部\r\n"
        );
    }
}
