//! Maps as inline SVG: a choropleth from boundaries (projected and simplified once per build,
//! cached in `.surveysite-cache/maps/`) or a tile map (one square per region). Every area is a
//! link to its page with an accessible name holding its value; fills come from a sequential
//! blue palette (lightness only: colour-blind safe); "not reported", "suppressed" and "not in
//! the survey" each have their own pattern. A dark border (#1f2328, 1 CSS px at any size) gives
//! every area at least 3:1 against its neighbours and the white background (WCAG 1.4.11): the
//! palette's darkest class stays light enough for it (3.1:1), the lightest is 14:1.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::frame::{FONT, num, width, wrap};
use super::topology::{self, Vertex};
use crate::load::geo::{Feature, Tile};
use crate::render::escape_html;
use crate::render::strings::Strings;

/// The drawn width of a choropleth, and the most height it takes.
pub const WIDTH: f64 = 720.0;
pub const MAX_HEIGHT: f64 = 640.0;
const PAD: f64 = 4.0;
/// Douglas–Peucker tolerance (px at WIDTH): below what the eye sees at that size.
pub const TOLERANCE: f64 = 0.6;
/// Islands smaller than this (px², after simplification) are left out, but a region's largest.
const MIN_AREA: f64 = 2.0;
/// Bumped when the drawing of shapes changes, so old cache entries are not used.
const SHAPES_VERSION: u32 = 1;

/// Fills of the value classes, lightest first (at most 5 classes).
pub const PALETTE: [&str; 5] = ["#eff3ff", "#bdd7ee", "#7fb6dc", "#4292c6", "#2171b5"];
/// Area borders (tile text sits on a white plate, so no fill needs to carry text).
const BORDER: &str = "#1f2328";

/// One area's outline, projected and simplified: an SVG path in px.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Shape {
    /// The map key: the feature's `property` value (a region id, or a feature outside the survey).
    pub key: String,
    pub name: String,
    pub d: String,
    /// Area in px², for drawing small areas (enclaves) above large ones.
    pub area: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Shapes {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

/// What one area shows.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// The percentage as shown ("45.2%") and its class.
    Value {
        percent: String,
        class: usize,
    },
    NotReported,
    Suppressed,
    NotInSurvey,
}

impl State {
    /// The fill: a class colour or a pattern of the map `id`.
    fn fill(&self, id: &str, classes: usize) -> String {
        match self {
            State::Value { class, .. } => class_colour(*class, classes).to_string(),
            State::NotReported => format!("url(#{id}-nr)"),
            State::Suppressed => format!("url(#{id}-sup)"),
            State::NotInSurvey => format!("url(#{id}-out)"),
        }
    }

    /// The value as a reader sees it on the map and in its table.
    pub fn text(&self, t: &Strings) -> String {
        match self {
            State::Value { percent, .. } => percent.clone(),
            State::NotReported => t.map_area_not_reported.into(),
            State::Suppressed => t.map_area_suppressed.into(),
            State::NotInSurvey => t.map_not_in_survey.into(),
        }
    }

    /// The short form in a tile.
    fn short(&self, t: &Strings) -> String {
        match self {
            State::Value { percent, .. } => percent.clone(),
            State::NotReported => "…".into(),
            State::Suppressed => "x".into(),
            State::NotInSurvey => t.map_tile_not_in_survey.into(),
        }
    }
}

/// The colour of class `class` of `classes`, spread over the palette.
pub fn class_colour(class: usize, classes: usize) -> &'static str {
    let i = match classes {
        0 | 1 => 2,
        n => (class.min(n - 1) * (PALETTE.len() - 1) + (n - 1) / 2) / (n - 1),
    };
    PALETTE[i.min(PALETTE.len() - 1)]
}

/// One area of a map as drawn.
#[derive(Debug, Clone)]
pub struct Area {
    /// Region title (or the feature's name outside the survey).
    pub title: String,
    pub href: Option<String>,
    pub state: State,
    /// The page's own region: outlined.
    pub current: bool,
}

impl Area {
    /// The accessible name: 「区西南部: 45.2%」.
    pub fn label(&self, t: &Strings) -> String {
        let here = if self.current { t.map_this_region } else { "" };
        format!("{}{here}: {}", self.title, self.state.text(t))
    }
}

/// A map to draw: its id (for pattern ids), its accessible name, the areas by map key and the
/// number of value classes.
pub struct Plot<'a> {
    /// The interface's words (the areas' values in their accessible names).
    pub t: &'a Strings,
    pub id: &'a str,
    pub aria: &'a str,
    pub areas: &'a BTreeMap<String, Area>,
    pub classes: usize,
}

fn patterns(id: &str) -> String {
    format!(
        "<defs>\
<pattern id=\"{id}-nr\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M1.5 0V6\" stroke=\"#57606a\" stroke-width=\"1.5\"/></pattern>\
<pattern id=\"{id}-sup\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M1.5 0V6M0 1.5H6\" stroke=\"#6e3b00\" stroke-width=\"1.2\"/></pattern>\
<pattern id=\"{id}-out\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\"><rect width=\"5\" height=\"5\" fill=\"#f6f8fa\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"0.9\" fill=\"#6e7781\"/></pattern>\
</defs>"
    )
}

/// A legend swatch (HTML beside the map) showing the fill of `state` on map `id`.
pub fn swatch(id: &str, state: &State, classes: usize) -> String {
    format!(
        "<svg class=\"map-swatch\" width=\"28\" height=\"16\" viewBox=\"0 0 28 16\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"0.5\" y=\"0.5\" width=\"27\" height=\"15\" fill=\"{}\" stroke=\"{BORDER}\"/></svg>",
        state.fill(id, classes)
    )
}

/// The outline of the page's own region in a legend.
pub fn current_swatch() -> String {
    "<svg class=\"map-swatch\" width=\"28\" height=\"16\" viewBox=\"0 0 28 16\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"2\" y=\"2\" width=\"24\" height=\"12\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"3\"/><rect x=\"2\" y=\"2\" width=\"24\" height=\"12\" fill=\"none\" stroke=\"#fff\" stroke-width=\"1\"/></svg>"
    .to_string()
}

/// The style of the map, its legend and table (templates/map.html), carried by the map itself so
/// pages without a map (and assets/style.css) stay as they were.
const STYLE: &str = ".map{margin:0 0 1.5rem}.map figcaption{font-weight:700;margin-bottom:.25rem}\
.map-box{width:100%;max-width:720px}.map-box svg{display:block;width:100%;height:auto}\
.map-box-tiles svg{width:auto;max-width:100%}\
.map-box a:focus-visible{outline:none}.map-box a:focus-visible path,.map-box a:focus-visible rect{stroke:#e36209;stroke-width:4px}\
.map-legend{list-style:none;margin:.5rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;font-size:.9rem}\
.map-legend li{display:flex;align-items:center;gap:.4rem}.map-swatch{flex:none}\
.map-total{font-size:.95rem;margin:.25rem 0}\
.map-table{max-height:24rem;overflow:auto}.map-table table{width:auto;min-width:20rem}\
@media print{.map-box svg,.map-swatch{print-color-adjust:exact;-webkit-print-color-adjust:exact}.map-table{max-height:none;overflow:visible}}";

fn open_svg(p: &Plot, w: f64, h: f64, class: &str) -> String {
    let (w, h) = (num(w), num(h.ceil()));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" aria-label=\"{}\" class=\"map-svg {class}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" font-size=\"12\"><style>{STYLE}</style>{}",
        escape_html(p.aria),
        patterns(p.id)
    )
}

/// One area: a link (`<a>` with its accessible name and a tooltip) around `shape`, or for an
/// area without a page, the shape itself as an image with that name.
fn area_element(out: &mut String, t: &Strings, area: &Area, shape: &str) {
    let label = escape_html(&area.label(t));
    match &area.href {
        Some(href) => out.push_str(&format!(
            "<a href=\"{}\" aria-label=\"{label}\"{}><title>{label}</title>{shape}</a>",
            escape_html(href),
            if area.current {
                " aria-current=\"page\""
            } else {
                ""
            }
        )),
        None => out.push_str(&format!(
            "<g role=\"img\" aria-label=\"{label}\"><title>{label}</title>{shape}</g>"
        )),
    }
}

/// The choropleth: every shape, small ones last (an enclave stays visible), the page's own
/// region outlined on top.
pub fn choropleth(p: &Plot, shapes: &Shapes) -> String {
    let mut out = open_svg(p, shapes.width, shapes.height, "map-choropleth");
    out.push_str(&format!(
        "<g stroke=\"{BORDER}\" stroke-width=\"1\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">"
    ));
    let mut order: Vec<&Shape> = shapes.shapes.iter().collect();
    order.sort_by(|a, b| b.area.total_cmp(&a.area).then_with(|| a.key.cmp(&b.key)));
    let mut current = Vec::new();
    for s in order {
        let Some(area) = p.areas.get(&s.key) else {
            continue;
        };
        let path = format!(
            "<path d=\"{}\" fill=\"{}\" vector-effect=\"non-scaling-stroke\"/>",
            s.d,
            area.state.fill(p.id, p.classes)
        );
        area_element(&mut out, p.t, area, &path);
        if area.current {
            current.push(&s.d);
        }
    }
    out.push_str("</g>");
    for d in current {
        out.push_str(&format!(
            "<path d=\"{d}\" fill=\"none\" stroke=\"#000\" stroke-width=\"3.5\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\"/><path d=\"{d}\" fill=\"none\" stroke=\"#fff\" stroke-width=\"1.2\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\"/>"
        ));
    }
    out.push_str("</svg>");
    out
}

/// Side of a tile and the gap between tiles (px).
const TILE: f64 = 96.0;
const GAP: f64 = 4.0;

/// The tile map: a square per region at its row and column, with its name and value.
pub fn tiles(p: &Plot, tiles: &[Tile]) -> String {
    let cols = tiles.iter().map(|t| t.column).max().unwrap_or(1);
    let rows = tiles.iter().map(|t| t.row).max().unwrap_or(1);
    let w = f64::from(cols) * (TILE + GAP) + GAP;
    let h = f64::from(rows) * (TILE + GAP) + GAP;
    let mut out = open_svg(p, w, h, "map-tiles");
    out.push_str("<g text-anchor=\"middle\">");
    let mut sorted: Vec<&Tile> = tiles.iter().collect();
    sorted.sort_by_key(|t| (t.row, t.column));
    for t in sorted {
        let Some(area) = p.areas.get(&t.region) else {
            continue;
        };
        let x = GAP + f64::from(t.column - 1) * (TILE + GAP);
        let y = GAP + f64::from(t.row - 1) * (TILE + GAP);
        let mut shape = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\" vector-effect=\"non-scaling-stroke\"/>",
            num(x),
            num(y),
            num(TILE),
            num(TILE),
            area.state.fill(p.id, p.classes),
            if area.current { "#000" } else { BORDER },
            if area.current { "3.5" } else { "1" }
        );
        let mut lines = wrap(&area.title, TILE - 10.0);
        lines.truncate(2);
        if let Some(last) = lines.last_mut()
            && width(last) > TILE - 10.0
        {
            last.push('…');
        }
        lines.push(area.state.short(p.t));
        let top = y + TILE / 2.0 - (lines.len() as f64 - 1.0) * 8.0;
        // The name and value on a white plate: readable on any fill or pattern (the text is
        // #1f2328 on white, 15:1).
        let plate_w = lines.iter().map(|l| width(l)).fold(0.0, f64::max) + 8.0;
        let plate_h = lines.len() as f64 * 16.0 + 4.0;
        shape.push_str(&format!(
            "<g aria-hidden=\"true\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#fff\" stroke=\"none\"/><g fill=\"{BORDER}\">",
            num(x + (TILE - plate_w) / 2.0),
            num(top - 10.0),
            num(plate_w),
            num(plate_h)
        ));
        for (i, line) in lines.iter().enumerate() {
            let bold = if i + 1 == lines.len() {
                " font-weight=\"700\""
            } else {
                ""
            };
            shape.push_str(&format!(
                "<text x=\"{}\" y=\"{}\"{bold}>{}</text>",
                num(x + TILE / 2.0),
                num(top + i as f64 * 16.0 + 4.0),
                escape_html(line)
            ));
        }
        shape.push_str("</g></g>");
        area_element(&mut out, p.t, area, &shape);
    }
    out.push_str("</g></svg>");
    out
}

/// The shapes of a boundary file, from the cache when this binary already drew them from the
/// same bytes.
pub fn shapes_cached(root: &Path, bytes: &[u8], features: &[Feature]) -> Shapes {
    let keys: Vec<&str> = features.iter().map(|f| f.key.as_str()).collect();
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    let key = crate::cache::key(&(SHAPES_VERSION, bytes, keys, names, TOLERANCE.to_bits()));
    let path = key.map(|k| {
        crate::cache::dir(root)
            .join("maps")
            .join(format!("{k}.json"))
    });
    if let Some(path) = &path
        && let Ok(bytes) = std::fs::read(path)
        && let Ok(shapes) = serde_json::from_slice::<Shapes>(&bytes)
    {
        return shapes;
    }
    let shapes = shapes(features);
    if let (Some(path), Ok(json)) = (&path, serde_json::to_vec(&shapes)) {
        crate::cache::write(path, &json);
    }
    shapes
}

/// Projects (equirectangular, longitude scaled by the cosine of the middle latitude: true
/// enough at the scale of a prefecture or a country) and simplifies the features; features of
/// one key are one shape.
pub fn shapes(features: &[Feature]) -> Shapes {
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for f in features {
        for ring in &f.rings {
            for [lon, lat] in ring {
                lon0 = lon0.min(*lon);
                lon1 = lon1.max(*lon);
                lat0 = lat0.min(*lat);
                lat1 = lat1.max(*lat);
            }
        }
    }
    if lon0 > lon1 {
        return Shapes {
            width: WIDTH,
            height: PAD * 2.0,
            shapes: Vec::new(),
        };
    }
    let k = ((lat0 + lat1) / 2.0).to_radians().cos().max(0.01);
    let (span_x, span_y) = (((lon1 - lon0) * k).max(1e-9), (lat1 - lat0).max(1e-9));
    let scale = ((WIDTH - 2.0 * PAD) / span_x).min((MAX_HEIGHT - 2.0 * PAD) / span_y);
    let height = span_y * scale + 2.0 * PAD;
    let x_off = (WIDTH - span_x * scale) / 2.0;

    // Every ring as vertices; `owner` says which shape each ring belongs to.
    let mut order: Vec<(&str, &str)> = Vec::new();
    let mut rings: Vec<Vec<Vertex>> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for f in features {
        let i = match order.iter().position(|(k, _)| *k == f.key) {
            Some(i) => i,
            None => {
                order.push((&f.key, &f.name));
                order.len() - 1
            }
        };
        for ring in &f.rings {
            let mut vs: Vec<Vertex> = Vec::with_capacity(ring.len());
            for [lon, lat] in ring {
                let v = Vertex {
                    key: ((lon * 1e7).round() as i64, (lat * 1e7).round() as i64),
                    x: x_off + (lon - lon0) * k * scale,
                    y: PAD + (lat1 - lat) * scale,
                };
                if vs.last().is_none_or(|l: &Vertex| l.key != v.key) {
                    vs.push(v);
                }
            }
            while vs.len() > 1 && vs.first().map(|v| v.key) == vs.last().map(|v| v.key) {
                vs.pop();
            }
            if vs.len() >= 3 {
                rings.push(vs);
                owner.push(i);
            }
        }
    }
    let simplified = topology::simplify(&rings, TOLERANCE);
    // Each shape's rings: (area, points in tenths of px).
    type Rings = Vec<(f64, Vec<(i64, i64)>)>;
    let mut parts: Vec<Rings> = vec![Vec::new(); order.len()];
    for (ring, o) in simplified.iter().zip(&owner) {
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
        for v in ring {
            let p = ((v.x * 10.0).round() as i64, (v.y * 10.0).round() as i64);
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        parts[*o].push((ring_area(&pts), pts));
    }
    let shapes = order
        .iter()
        .zip(parts)
        .map(|((key, name), rings)| {
            let largest = rings.iter().map(|(a, _)| *a).fold(0.0, f64::max);
            let mut d = String::new();
            let mut area = 0.0;
            for (a, pts) in &rings {
                if pts.len() < 3 || (*a < MIN_AREA && *a < largest) {
                    continue;
                }
                area += a;
                path_ring(&mut d, pts);
            }
            Shape {
                key: key.to_string(),
                name: name.to_string(),
                d,
                area,
            }
        })
        .collect();
    Shapes {
        width: WIDTH,
        height,
        shapes,
    }
}

/// |area| in px² of a ring in tenths of px.
fn ring_area(pts: &[(i64, i64)]) -> f64 {
    let n = pts.len();
    let mut twice: i128 = 0;
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        twice += i128::from(a.0) * i128::from(b.1) - i128::from(b.0) * i128::from(a.1);
    }
    (twice.abs() as f64) / 200.0
}

/// `M x y l dx dy … z` in px with one decimal (relative steps: short numbers).
fn path_ring(d: &mut String, pts: &[(i64, i64)]) {
    let Some(first) = pts.first() else { return };
    d.push('M');
    push_pair(d, first.0, first.1, true);
    d.push('l');
    let mut fresh = true;
    for w in pts.windows(2) {
        push_pair(d, w[1].0 - w[0].0, w[1].1 - w[0].1, fresh);
        fresh = false;
    }
    d.push('z');
}

fn push_pair(d: &mut String, x: i64, y: i64, fresh: bool) {
    for (i, v) in [x, y].into_iter().enumerate() {
        let s = tenths(v);
        if (i > 0 || !fresh) && !s.starts_with('-') {
            d.push(' ');
        }
        d.push_str(&s);
    }
}

/// A value in tenths as the shortest decimal: 12 → "1.2", -5 → "-.5", 30 → "3".
fn tenths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    match (a / 10, a % 10) {
        (w, 0) => format!("{sign}{w}"),
        (0, f) => format!("{sign}.{f}"),
        (w, f) => format!("{sign}{w}.{f}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_short_and_exact() {
        let mut d = String::new();
        path_ring(&mut d, &[(0, 0), (15, 0), (15, -5), (0, -30)]);
        assert_eq!(d, "M0 0l1.5 0 0-.5-1.5-2.5z");
    }

    #[test]
    fn classes_spread_over_the_palette() {
        assert_eq!(class_colour(0, 5), PALETTE[0]);
        assert_eq!(class_colour(4, 5), PALETTE[4]);
        assert_eq!(class_colour(1, 2), PALETTE[4]);
        assert_eq!(class_colour(0, 1), PALETTE[2]);
    }
}
