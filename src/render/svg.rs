//! Drawing the charts: ECharts options → inline SVG, in parallel (one engine per worker),
//! cached by the hash of option, size and ECharts version outside site/, and made fit to inline
//! (class names unique per chart and independent of render order, named for screen readers).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use super::charts::ChartSpec;
use super::echarts::{ECHARTS_VERSION, Engine};

/// Bump when what the engine is asked to draw changes outside the option (the render script),
/// so cached SVGs are made again. (Post-processing runs after the cache.)
const RENDER_VERSION: u32 = 3;

/// What a build did with its charts.
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderStats {
    pub rendered: usize,
    pub cached: usize,
}

/// Renders every chart to SVG, in parallel, using and filling the cache folder (if any).
pub fn render_all(
    specs: &BTreeMap<String, ChartSpec>,
    cache: Option<&Path>,
) -> Result<(BTreeMap<String, String>, RenderStats)> {
    let jobs: Vec<(&String, &ChartSpec, String, u64)> = specs
        .iter()
        .map(|(id, s)| {
            let json = s.option_json();
            let key = cache_key(&json, s.width, s.height);
            (id, s, json, key)
        })
        .collect();
    let mut out = BTreeMap::new();
    let mut todo = Vec::new();
    let mut stats = RenderStats::default();
    for (id, spec, json, key) in &jobs {
        match cache.and_then(|dir| read_cached(dir, *key)) {
            Some(svg) => {
                out.insert((*id).clone(), finish_svg(&svg, spec));
                stats.cached += 1;
            }
            None => todo.push((*id, *spec, json.as_str(), *key)),
        }
    }
    stats.rendered = todo.len();
    if todo.is_empty() {
        return Ok((out, stats));
    }
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(todo.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Result<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let engine = match Engine::new() {
                    Ok(e) => e,
                    Err(e) => {
                        results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((String::new(), Err(e)));
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((id, spec, json, key)) = todo.get(i) else {
                        break;
                    };
                    let svg = engine
                        .render_svg(json, spec.width, spec.height)
                        .with_context(|| format!("chart {id}"));
                    if let (Ok(svg), Some(dir)) = (&svg, cache) {
                        // A cache that cannot be written only costs time on the next build.
                        let _ = write_cached(dir, *key, svg);
                    }
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(((*id).clone(), svg));
                }
            });
        }
    });
    for (id, svg) in results.into_inner().unwrap_or_default() {
        let svg = svg?;
        let spec = &specs[&id];
        out.insert(id, finish_svg(&svg, spec));
    }
    Ok((out, stats))
}

fn cache_key(json: &str, width: u32, height: u32) -> u64 {
    // SipHash with fixed keys: stable for a given toolchain, which is all a cache needs.
    let mut h = std::hash::DefaultHasher::new();
    (json, width, height, ECHARTS_VERSION, RENDER_VERSION).hash(&mut h);
    h.finish()
}

/// A cached SVG, if it is whole (a build killed mid-write must not leave a broken chart).
fn read_cached(dir: &Path, key: u64) -> Option<String> {
    let svg = std::fs::read_to_string(cache_file(dir, key)).ok()?;
    (svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>")).then_some(svg)
}

/// Writes beside the final name and renames, so a reader never sees half a file.
fn write_cached(dir: &Path, key: u64, svg: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = cache_file(dir, key);
    let tmp = file.with_extension(
        format!(
            "tmp-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        )
        .replace(['(', ')'], ""),
    );
    std::fs::write(&tmp, svg)?;
    std::fs::rename(&tmp, &file)
}

fn cache_file(dir: &Path, key: u64) -> PathBuf {
    dir.join(format!("{key:016x}.svg"))
}

/// Makes the engine's SVG fit to inline: class names made unique to the chart and independent
/// of render order, sized by CSS, named for screen readers.
fn finish_svg(svg: &str, spec: &ChartSpec) -> String {
    let svg = renumber_classes(&strip_ecmeta(svg), &spec.id);
    let aria = super::escape_html(&spec.aria);
    let rest = svg.strip_prefix("<svg ").unwrap_or(&svg);
    // The outer size comes from CSS (width: 100%); the viewBox keeps the proportions.
    let rest = rest.replacen(
        &format!("width=\"{}\" height=\"{}\" ", spec.width, spec.height),
        "",
        1,
    );
    format!(
        "<svg role=\"img\" aria-label=\"{aria}\" class=\"chart-svg\" width=\"{}\" height=\"{}\" {rest}",
        spec.width, spec.height
    )
}

/// ECharts marks SSR elements with `ecmeta_*="…"` attributes for its own hydration; they are
/// not valid HTML and nothing here uses them.
fn strip_ecmeta(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(" ecmeta_") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        // name="value": skip to the closing quote of the value
        let end = tail
            .find("=\"")
            .and_then(|eq| tail[eq + 2..].find('"').map(|q| eq + 2 + q + 1))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `zr3-cls-12` → `<id>-c0`, numbered by first appearance in this SVG.
fn renumber_classes(svg: &str, id: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = find_zr_class(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(tail.len());
        let name = &tail[..len];
        let n = seen.iter().position(|s| *s == name).unwrap_or_else(|| {
            seen.push(name);
            seen.len() - 1
        });
        out.push_str(&format!("{id}-c{n}"));
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

fn find_zr_class(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("zr") {
        let at = from + i;
        let tail = &s[at + 2..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && tail[digits..].starts_with("-cls-") {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_renumbered_per_chart() {
        let svg = r#"<path class="zr7-cls-3"/><path class="zr7-cls-9"/><path class="zr7-cls-3"/>"#;
        assert_eq!(
            renumber_classes(svg, "rq-a-q1"),
            r#"<path class="rq-a-q1-c0"/><path class="rq-a-q1-c1"/><path class="rq-a-q1-c0"/>"#
        );
    }

    #[test]
    fn echarts_meta_attributes_are_dropped() {
        let svg = r##"<path d="M0 0" fill="#0072B2" ecmeta_series_index="0" ecmeta_ssr_type="chart" class="x">"##;
        assert_eq!(
            strip_ecmeta(svg),
            r##"<path d="M0 0" fill="#0072B2" class="x">"##
        );
    }

    #[test]
    fn a_truncated_cache_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        write_cached(dir.path(), 7, "<svg width=\"1\"></svg>").unwrap();
        assert!(read_cached(dir.path(), 7).is_some());
        std::fs::write(cache_file(dir.path(), 7), "<svg width=\"1\"><path").unwrap();
        assert!(read_cached(dir.path(), 7).is_none());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
