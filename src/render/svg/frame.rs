//! What every chart kind draws with: a lean SVG writer (short numbers, shared attributes on
//! groups, escaped text), text measuring and wrapping, the value axis and the legend.

use crate::render::escape_html;

pub const FONT: &str = "Hiragino Sans, Hiragino Kaku Gothic ProN, Yu Gothic, YuGothic, Meiryo, Noto Sans JP, Noto Sans CJK JP, sans-serif";
pub const TEXT: &str = "#1f2328";
pub const MUTED: &str = "#57606a";
pub const GRID: &str = "#E0E6F1";
pub const AXIS: &str = "#6E7079";
/// Line height of 12 px labels.
pub const LINE: f64 = 16.0;
/// Font size of every label: at the narrow width (drawn for 360 px, shown at ≥ 350 px on a
/// 390 px phone) it stays ≥ 11 px on screen.
pub const SIZE: f64 = 12.0;

/// `12.5`, `12` (not `12.0`), `0.3`: one decimal is below what a screen shows.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// An SVG being written: the body first, the root element (which needs the height) at the end.
#[derive(Default)]
pub struct Svg {
    pub out: String,
}

impl Svg {
    pub fn new() -> Svg {
        Svg::default()
    }

    pub fn open_group(&mut self, attrs: &str) {
        self.out.push_str("<g ");
        self.out.push_str(attrs);
        self.out.push('>');
    }

    pub fn close_group(&mut self) {
        self.out.push_str("</g>");
    }

    /// A line of the current group's stroke.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64) {
        self.out.push_str(&format!(
            "<path d=\"M{} {}L{} {}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        ));
    }

    /// One line of text, vertically centred on `y` (a baseline offset, not `dominant-baseline`,
    /// so every renderer places it alike). The text is escaped here and never touched again.
    pub fn text(&mut self, x: f64, y: f64, text: &str) {
        self.out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\">{}</text>",
            num(x),
            num(y + SIZE * 0.35),
            escape_html(text)
        ));
    }

    /// A rectangle filled by its group.
    pub fn bar(&mut self, x: f64, y: f64, w: f64, h: f64) {
        self.out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h)
        ));
    }

    /// The whole SVG: size and fonts on the root, inherited by every text; `role="img"` and the
    /// numbers in `aria-label` for screen readers.
    pub fn finish(self, width: f64, height: f64, class: &str, aria: &str) -> String {
        let (w, h) = (num(width), num(height.ceil()));
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" class=\"chart-svg {class}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" font-size=\"{}\">{}</svg>",
            escape_html(aria),
            num(SIZE),
            self.out
        )
    }
}

/// Width of one character in em: full-width (CJK, kana, full-width forms) 1, Latin by class.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.4,
        'm' | 'w' => 0.85,
        'M' | 'W' => 0.95,
        '%' => 0.9,
        'A'..='Z' => 0.7,
        c if c.is_ascii() => 0.58,
        // Latin-1 and other alphabets: about a Latin letter
        c if (c as u32) < 0x1100 => 0.62,
        // half-width katakana
        c if ('\u{FF61}'..='\u{FF9F}').contains(&c) => 0.5,
        _ => 1.0,
    }
}

/// Width of `text` at the label size, in px (erring wide, so text never overlaps).
pub fn width(text: &str) -> f64 {
    text.chars().map(char_em).sum::<f64>() * SIZE
}

/// Characters a line may not start with (Japanese line-breaking rules, kinsoku).
fn no_line_start(c: char) -> bool {
    "、。，．・：；？！ー）」』】〕〉》）ゃゅょっャュョッぁぃぅぇぉァィゥェォ%,.:;)]!?".contains(c)
}

/// Characters a line may not end with.
fn no_line_end(c: char) -> bool {
    "（「『【〔〈《([".contains(c)
}

fn is_wide(c: char) -> bool {
    char_em(c) >= 1.0
}

/// Wraps `text` into lines of at most `max` px: Latin words break at spaces (never mid-word
/// unless one word is wider than a line), Japanese between characters, keeping punctuation off
/// a line's start. A `\n` in the text always breaks.
pub fn wrap(text: &str, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        wrap_line(para, max, &mut lines);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn wrap_line(text: &str, max: f64, lines: &mut Vec<String>) {
    // Pieces that stay together: a Latin word with the spaces before it, or one wide character.
    let mut pieces: Vec<String> = Vec::new();
    for c in text.chars() {
        let glue = match pieces.last() {
            None => false,
            Some(last) => {
                let prev = last.chars().last().unwrap_or(' ');
                if no_line_start(c) || no_line_end(prev) {
                    true
                } else if is_wide(c) || is_wide(prev) {
                    false
                } else {
                    // inside a Latin word, or spaces before one
                    !(prev == ' ' && c != ' ')
                }
            }
        };
        match pieces.last_mut() {
            Some(last) if glue => last.push(c),
            _ => pieces.push(c.to_string()),
        }
    }
    let mut line = String::new();
    for piece in pieces {
        let candidate = format!("{line}{piece}");
        if line.is_empty() || width(candidate.trim_end()) <= max {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_string());
            line = piece.trim_start().to_string();
        }
        // One word wider than a line: break it by characters.
        while width(&line) > max && line.chars().count() > 1 {
            let mut head = String::new();
            for c in line.chars() {
                if !head.is_empty() && width(&format!("{head}{c}")) > max {
                    break;
                }
                head.push(c);
            }
            let rest = line[head.len()..].to_string();
            lines.push(head);
            line = rest;
        }
    }
    lines.push(line.trim_end().to_string());
}

/// A value axis: `max` and the step between ticks.
pub struct Scale {
    pub max: f64,
    pub step: f64,
}

impl Scale {
    pub fn percent() -> Scale {
        Scale {
            max: 100.0,
            step: 20.0,
        }
    }

    /// Round ticks (1, 2 or 5 × 10ⁿ) for counts up to `top`, about five of them.
    pub fn counts(top: f64) -> Scale {
        let top = top.max(1.0);
        let raw = top / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag)
            .max(1.0);
        Scale {
            max: (top / step).ceil() * step,
            step,
        }
    }

    pub fn ticks(&self) -> Vec<f64> {
        let n = (self.max / self.step).round() as usize;
        (0..=n).map(|i| i as f64 * self.step).collect()
    }
}

/// Where a plot is: its value range in px and its top and bottom; `total` is the SVG's width.
pub struct Plot {
    pub x0: f64,
    pub x1: f64,
    pub bottom: f64,
    pub total: f64,
}

impl Plot {
    pub fn x(&self, scale: &Scale, v: f64) -> f64 {
        self.x0 + (self.x1 - self.x0) * v.clamp(0.0, scale.max) / scale.max
    }
}

/// Vertical gridlines over `spans` (top, bottom) and tick labels under the plot (`%` after
/// them when `percent`).
pub fn value_axis(svg: &mut Svg, scale: &Scale, plot: &Plot, spans: &[(f64, f64)], percent: bool) {
    svg.open_group(&format!("stroke=\"{GRID}\""));
    for v in scale.ticks() {
        // half-pixel: a crisp 1 px line
        let px = plot.x(scale, v).round() + 0.5;
        for (top, bottom) in spans {
            svg.line(px, *top, px, *bottom);
        }
    }
    svg.close_group();
    svg.open_group(&format!("fill=\"{MUTED}\" text-anchor=\"middle\""));
    for v in scale.ticks() {
        let label = if percent {
            format!("{}%", num(v))
        } else {
            num(v)
        };
        // The first and last labels stay inside the drawing.
        let half = width(&label) / 2.0;
        let px = plot.x(scale, v).clamp(half + 1.0, plot.total - half - 1.0);
        svg.text(px, plot.bottom + 14.0, &label);
    }
    svg.close_group();
}

/// The height under the plot that the tick labels take.
pub const AXIS_LABELS: f64 = 30.0;

/// The category axis line on the left of the plot, with a tick between categories.
pub fn category_axis(svg: &mut Svg, x: f64, bands: &[(f64, f64)]) {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return;
    };
    svg.open_group(&format!("stroke=\"{AXIS}\""));
    let px = x.round() + 0.5;
    svg.line(px, first.0, px, last.0 + last.1);
    for (top, _) in bands {
        svg.line(px - 5.0, top.round() + 0.5, px, top.round() + 0.5);
    }
    svg.line(
        px - 5.0,
        (last.0 + last.1).round() + 0.5,
        px,
        (last.0 + last.1).round() + 0.5,
    );
    svg.close_group();
}

/// A legend entry: a colour swatch and a label.
pub struct Entry<'a> {
    pub label: &'a str,
    pub colour: &'a str,
}

const SWATCH: f64 = 25.0;

/// Lines of a legend laid out within `max` px: one entry per line (`list`), or entries side by
/// side wrapping to the next line. Returns the drawn height.
pub fn legend(svg: &mut Svg, entries: &[Entry], x0: f64, y0: f64, max: f64, list: bool) -> f64 {
    // (x, y, entry, lines)
    let mut placed: Vec<(f64, f64, &Entry, Vec<String>)> = Vec::new();
    let (mut x, mut y) = (x0, y0);
    let text_max = max - SWATCH - 5.0;
    for e in entries {
        let lines = wrap(e.label, text_max);
        let w = SWATCH + 5.0 + lines.iter().map(|l| width(l)).fold(0.0, f64::max);
        if !list && x > x0 && x + w > x0 + max {
            x = x0;
            y += 20.0;
        }
        let n = lines.len() as f64;
        placed.push((x, y, e, lines));
        if list {
            y += 20.0 + (n - 1.0) * LINE;
        } else {
            x += w + 10.0;
        }
    }
    if !list && !entries.is_empty() {
        y += 20.0;
    }
    for (x, y, e, _) in &placed {
        svg.out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" fill=\"{}\"/>",
            num(*x),
            num(y + 3.0),
            num(SWATCH),
            e.colour
        ));
    }
    svg.open_group(&format!("fill=\"{TEXT}\""));
    for (x, y, _, lines) in &placed {
        for (i, l) in lines.iter().enumerate() {
            svg.text(x + SWATCH + 5.0, y + 10.0 + i as f64 * LINE, l);
        }
    }
    svg.close_group();
    y - y0
}

/// Wrapped lines of a label drawn centred on `y`, ending at `x` (`text-anchor` set by the group).
pub fn label_lines(svg: &mut Svg, x: f64, y: f64, lines: &[String]) {
    let top = y - (lines.len() as f64 - 1.0) * LINE / 2.0;
    for (i, l) in lines.iter().enumerate() {
        svg.text(x, top + i as f64 * LINE, l);
    }
}

/// One category's row: where its label lines and its bars go.
/// The frame every horizontal bar chart has, drawn before its bars: the value axis (wide, one
/// from `top` to the plot's bottom; on phones one beside each band's bars, `bars`: their top and height in
/// each band shown), the category ticks (wide, when `ticks`), and the band labels.
#[allow(clippy::too_many_arguments)]
pub fn frame(
    svg: &mut Svg,
    scale: &Scale,
    plot: &Plot,
    top: f64,
    rows: &[Band],
    bars: impl Iterator<Item = (f64, f64)>,
    narrow: bool,
    percent: bool,
    ticks: bool,
) {
    let spans: Vec<(f64, f64)> = if narrow {
        bars.map(|(top, height)| (top - 3.0, top + height + 3.0))
            .collect()
    } else {
        vec![(top, plot.bottom)]
    };
    value_axis(svg, scale, plot, &spans, percent);
    if !narrow && ticks {
        let edges: Vec<(f64, f64)> = rows.iter().map(|b| (b.top, b.height)).collect();
        category_axis(svg, plot.x0, &edges);
    }
    band_labels(svg, rows, plot.x0, narrow);
}

pub struct Band {
    pub top: f64,
    pub height: f64,
    /// Where the first bar starts.
    pub bars: f64,
    pub lines: Vec<String>,
}

/// Rows of categories from `top` down. Wide: labels beside the bars, right-aligned in a column
/// of at most `label_max` px (returns the plot's left edge after it). Narrow: each label on its
/// own lines above its bars, so the bars keep the whole width.
pub fn bands(
    labels: &[String],
    label_max: f64,
    bars_height: f64,
    min_band: f64,
    top: f64,
    narrow: Option<f64>,
) -> (Vec<Band>, f64) {
    let mut out = Vec::with_capacity(labels.len());
    let mut y = top;
    let mut column: f64 = 0.0;
    for label in labels {
        let lines = if label.is_empty() {
            Vec::new()
        } else {
            wrap(label, narrow.map_or(label_max, |w| w - 16.0))
        };
        let n = lines.len() as f64;
        let band = match narrow {
            None => {
                column = column.max(lines.iter().map(|l| width(l)).fold(0.0, f64::max));
                // 20 px between two labels' blocks: wrapped labels never nearly touch.
                let height = (n * LINE + 20.0).max(min_band).max(bars_height + 8.0);
                Band {
                    top: y,
                    height,
                    bars: y + (height - bars_height) / 2.0,
                    lines,
                }
            }
            Some(_) => {
                let text = if n > 0.0 { n * LINE + 4.0 } else { 0.0 };
                let height = 6.0 + text + bars_height + 6.0;
                Band {
                    top: y,
                    height,
                    bars: y + 6.0 + text,
                    lines,
                }
            }
        };
        y += band.height;
        out.push(band);
    }
    let left = if narrow.is_some() || column == 0.0 {
        8.0
    } else {
        8.0 + column.ceil() + 8.0
    };
    (out, left)
}

/// The labels of `bands`: right-aligned before `left` (wide) or above the bars (narrow).
pub fn band_labels(svg: &mut Svg, bands: &[Band], left: f64, narrow: bool) {
    if narrow {
        svg.open_group(&format!("fill=\"{TEXT}\""));
        for b in bands {
            for (i, l) in b.lines.iter().enumerate() {
                svg.text(8.0, b.top + 6.0 + LINE / 2.0 + i as f64 * LINE, l);
            }
        }
    } else {
        svg.open_group(&format!("fill=\"{TEXT}\" text-anchor=\"end\""));
        for b in bands {
            label_lines(svg, left - 8.0, b.top + b.height / 2.0, &b.lines);
        }
    }
    svg.close_group();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.04), "0");
    }

    #[test]
    fn japanese_wraps_by_width_and_keeps_punctuation_off_a_line_start() {
        assert_eq!(
            wrap(
                "医療機関間での患者情報の共有が円滑・効率的に行えるようになった",
                16.0 * SIZE
            ),
            [
                "医療機関間での患者情報の共有が円",
                "滑・効率的に行えるようになった"
            ]
        );
        // 、 may not start a line: it goes with the character before it.
        let lines = wrap("あいうえおかきくけこさしすせそた、ちつ", 16.0 * SIZE);
        assert!(lines.iter().all(|l| !l.starts_with('、')), "{lines:?}");
    }

    #[test]
    fn english_wraps_at_spaces_not_mid_word() {
        let lines = wrap("Information sharing between hospitals became easier", 150.0);
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{l:?}");
        }
        assert_eq!(
            lines.join(" "),
            "Information sharing between hospitals became easier"
        );
        assert!(lines.contains(&"Information".to_string()) || lines[0].starts_with("Information "));
    }

    #[test]
    fn count_scales_are_round() {
        let s = Scale::counts(79.0);
        assert_eq!((s.max, s.step), (80.0, 20.0));
        let s = Scale::counts(7.0);
        assert_eq!((s.max, s.step), (8.0, 2.0));
        let s = Scale::counts(0.0);
        assert_eq!(s.ticks(), vec![0.0, 1.0]);
    }
}
