//! The trend of a region × question across the survey's editions: one line per option, the
//! editions along the bottom (oldest left), 0–100% up the side. An edition where an option was
//! not reported (`…`, `x`, not asked) leaves a gap in its line, never a 0: the line stops and
//! starts again, and a lone point is still drawn as its marker. The numbers are in the table
//! below the chart (src/render/editions.rs); the `aria-label` says what is drawn.

use super::frame::{AXIS, Entry, GRID, LINE, MUTED, SIZE, Svg, TEXT, legend, num, width, wrap};

/// One line: an option, its colour and its % in each edition (`None`: a gap).
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'static str,
    pub values: Vec<Option<f64>>,
}

/// Both variants (wide, then narrow for phones), as every chart of the site.
pub fn render(editions: &[&str], lines: &[Line], aria: &str) -> String {
    let mut out = String::new();
    for (w, narrow, class) in [
        (super::WIDE, false, "chart-wide"),
        (super::NARROW, true, "chart-narrow"),
    ] {
        let (svg, height) = draw(editions, lines, w, narrow);
        out.push_str(&svg.finish(w, height, class, aria));
    }
    out
}

/// One variant: the drawing and its height.
pub fn draw(editions: &[&str], lines: &[Line], w: f64, narrow: bool) -> (Svg, f64) {
    let mut svg = Svg::new();
    let entries: Vec<Entry> = lines
        .iter()
        .map(|l| Entry {
            label: l.label,
            colour: l.colour,
        })
        .collect();
    let top = legend(&mut svg, &entries, 8.0, 0.0, w - 16.0, narrow) + 12.0;
    let plot_height = if narrow { 150.0 } else { 200.0 };
    let (x0, x1) = (44.0, w - 16.0);
    let (y0, y1) = (top, top + plot_height);
    let y = |v: f64| y1 - (v.clamp(0.0, 100.0) / 100.0) * plot_height;
    // Grid and value axis: 0, 25, 50, 75, 100%.
    svg.open_group(&format!("stroke=\"{GRID}\""));
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        svg.line(x0, y(tick), x1, y(tick));
    }
    svg.close_group();
    svg.open_group(&format!("fill=\"{MUTED}\" text-anchor=\"end\""));
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        svg.text(x0 - 6.0, y(tick), &format!("{}%", num(tick)));
    }
    svg.close_group();
    // The editions along the bottom, each in its slot (wrapped to fit on a phone).
    let n = editions.len().max(1);
    let slot = (x1 - x0) / n as f64;
    let x = |i: usize| x0 + slot * (i as f64 + 0.5);
    svg.open_group(&format!("stroke=\"{AXIS}\""));
    svg.line(x0, y1, x1, y1);
    svg.close_group();
    let mut label_lines = 1usize;
    svg.open_group(&format!("fill=\"{TEXT}\" text-anchor=\"middle\""));
    for (i, e) in editions.iter().enumerate() {
        let wrapped = if width(e) <= slot - 4.0 {
            vec![e.to_string()]
        } else {
            wrap(e, (slot - 4.0).max(SIZE * 2.0))
        };
        label_lines = label_lines.max(wrapped.len());
        for (k, l) in wrapped.iter().enumerate() {
            svg.text(x(i), y1 + 14.0 + k as f64 * LINE, l);
        }
    }
    svg.close_group();
    // The lines: a segment between two neighbouring editions that both have a value.
    for l in lines {
        svg.open_group(&format!(
            "stroke=\"{}\" stroke-width=\"2.5\" fill=\"none\" class=\"trend-line\"",
            l.colour
        ));
        for (i, pair) in l.values.windows(2).enumerate() {
            if let [Some(a), Some(b)] = pair {
                svg.line(x(i), y(*a), x(i + 1), y(*b));
            }
        }
        svg.close_group();
        svg.open_group(&format!(
            "fill=\"{}\" stroke=\"#fff\" stroke-width=\"1.5\"",
            l.colour
        ));
        for (i, v) in l.values.iter().enumerate() {
            if let Some(v) = v {
                svg.out.push_str(&format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\"/>",
                    num(x(i)),
                    num(y(*v))
                ));
            }
        }
        svg.close_group();
    }
    let _ = y0;
    let height = y1 + 14.0 + label_lines as f64 * LINE + 4.0;
    (svg, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_breaks_the_line_and_never_reads_zero() {
        let lines = [Line {
            label: "検討中",
            colour: "#0072B2",
            values: vec![Some(40.0), None, Some(55.0)],
        }];
        let (svg, _) = draw(&["2024", "2025", "2026"], &lines, 720.0, false);
        // Three editions, one gap: no segment at all, two markers.
        assert_eq!(svg.out.matches("<circle").count(), 2);
        let segments = svg
            .out
            .split("class=\"trend-line\">")
            .nth(1)
            .and_then(|s| s.split("</g>").next())
            .unwrap_or_default();
        assert!(!segments.contains("<path"), "{segments}");
    }
}
