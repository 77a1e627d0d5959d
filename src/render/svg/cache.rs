//! Chart drawings kept between builds (`.surveysite-cache/charts/`): a build reads the SVG of a
//! chart it drew before instead of drawing it again (drawing is about a sixth of an unchanged
//! rebuild's CPU; reading one file is a fraction of it). Only `build` uses it, and removes the
//! drawings it did not use at the end, so the folder holds one build's charts.
//!
//! The key is a 128-bit hash (src/cache.rs: with this binary's identity) of everything a drawing
//! depends on: the plot (its numbers through their exact `Debug` form, labels, colours) and the
//! chart's accessible name. A drawing is written beside its place and renamed, so it is whole or
//! absent.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::super::charts::ChartSpec;

pub struct Drawings {
    dir: PathBuf,
    used: Mutex<HashSet<String>>,
}

impl Drawings {
    pub fn new(root: &Path) -> Drawings {
        Drawings {
            dir: crate::cache::dir(root).join("charts"),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// Both variants of the chart (as `svg::render`), read back or drawn and kept.
    pub fn render(&self, spec: &ChartSpec) -> String {
        let Some(key) = key(spec) else {
            return super::render(spec);
        };
        let file = self.dir.join(format!("{key}.svg"));
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(format!("{key}.svg"));
        if let Ok(svg) = std::fs::read_to_string(&file) {
            return svg;
        }
        let svg = super::render(spec);
        crate::cache::write(&file, svg.as_bytes());
        svg
    }

    /// Removes the drawings this build did not use (call once every page is rendered).
    pub fn forget_unused(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            if !used.contains(entry.file_name().to_string_lossy().as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// What the drawing of `spec` depends on, hashed (`None`: this binary cannot be told apart
/// from another, so nothing is kept).
fn key(spec: &ChartSpec) -> Option<String> {
    crate::cache::key(&format!("{:?}\n{}", spec.plot, spec.aria))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::charts::{Plot, Point, Series};

    fn spec(value: f64) -> ChartSpec {
        ChartSpec {
            id: "rq-a--q1".into(),
            plot: Plot::Bars {
                categories: vec!["導入している".into()],
                series: vec![Series {
                    name: "北部".into(),
                    colour: "#1f77b4",
                    points: vec![Some(Point {
                        value,
                        label: format!("{value:.1}%"),
                        interval: None,
                    })],
                }],
                empty: String::new(),
            },
            width: 600,
            height: 200,
            caption: "c".into(),
            aria: "a".into(),
            csv_rows: Vec::new(),
            omitted: Vec::new(),
        }
    }

    #[test]
    fn a_kept_drawing_is_the_drawing_and_a_changed_number_is_drawn_afresh() {
        let tmp = tempfile::tempdir().unwrap();
        let drawings = Drawings::new(tmp.path());
        let (a, b) = (spec(25.0), spec(25.000000000000004));
        assert_eq!(drawings.render(&a), super::super::render(&a));
        assert_eq!(drawings.render(&a), super::super::render(&a), "read back");
        assert_ne!(
            key(&a),
            key(&b),
            "the smallest change of a number is another key"
        );
        assert_eq!(drawings.render(&b), super::super::render(&b));
        drawings.forget_unused();
        let kept = || {
            std::fs::read_dir(tmp.path().join(".surveysite-cache/charts"))
                .unwrap()
                .count()
        };
        assert_eq!(kept(), 2);

        // The next build uses only `b`: `a` is removed.
        let next = Drawings::new(tmp.path());
        assert_eq!(next.render(&b), super::super::render(&b));
        next.forget_unused();
        assert_eq!(kept(), 1);
    }
}
