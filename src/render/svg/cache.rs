//! Chart drawings kept between builds (`.surveysite-cache/charts/`): a build reads the SVG of a
//! chart it drew before instead of drawing it again (drawing is about a sixth of an unchanged
//! rebuild's CPU; reading one file is a fraction of it). Only `build` uses it, and removes the
//! drawings it did not use at the end, so the folder holds one build's charts.
//!
//! The key is a 128-bit hash (src/cache.rs: with this binary's identity) of everything a drawing
//! depends on: the plot (its numbers by their exact bits, labels, colours) and the chart's
//! accessible name. A drawing is written beside its place and renamed, so it is whole or
//! absent.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::super::charts::{ChartSpec, Plot, Point, Ranking, Series};

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
    crate::cache::key(&DependsOn(spec))
}

/// The plot and the accessible name of a chart, hashed field by field: a number by its exact
/// bits (the smallest change is another drawing). Every field is named, so a field added to a
/// plot does not compile until it is hashed here too.
struct DependsOn<'a>(&'a ChartSpec);

impl Hash for DependsOn<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match &self.0.plot {
            Plot::Bars {
                categories,
                series,
                empty,
            } => {
                0u8.hash(h);
                categories.hash(h);
                hash_series(series, h);
                empty.hash(h);
            }
            Plot::Stacked {
                categories,
                series,
                percent,
                legend_list,
            } => {
                1u8.hash(h);
                categories.hash(h);
                hash_series(series, h);
                (percent, legend_list).hash(h);
            }
            Plot::Ranked(Ranking {
                option,
                colour,
                rows,
                top,
                between,
                between_label,
                total,
            }) => {
                2u8.hash(h);
                (option, colour, top, between, between_label).hash(h);
                rows.len().hash(h);
                for (name, p) in rows.iter().chain(total) {
                    name.hash(h);
                    hash_point(p, h);
                }
                total.is_some().hash(h);
            }
        }
        self.0.aria.hash(h);
    }
}

fn hash_series<H: Hasher>(series: &[Series], h: &mut H) {
    series.len().hash(h);
    for Series {
        name,
        colour,
        points,
    } in series
    {
        (name, colour).hash(h);
        points.len().hash(h);
        for p in points {
            p.is_some().hash(h);
            if let Some(p) = p {
                hash_point(p, h);
            }
        }
    }
}

fn hash_point<H: Hasher>(point: &Point, h: &mut H) {
    let Point {
        value,
        label,
        interval,
    } = point;
    value.to_bits().hash(h);
    label.hash(h);
    interval.map(|(a, b)| (a.to_bits(), b.to_bits())).hash(h);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_part_of_a_plot_is_in_the_key() {
        let base = spec(25.0);
        let key_of = |change: &dyn Fn(&mut ChartSpec)| {
            let mut s = base.clone();
            change(&mut s);
            key(&s)
        };
        let changes: [&dyn Fn(&mut ChartSpec); 6] = [
            &|s| s.aria.push('x'),
            &|s| {
                if let Plot::Bars { categories, .. } = &mut s.plot {
                    categories[0].push('x');
                }
            },
            &|s| {
                if let Plot::Bars { series, .. } = &mut s.plot {
                    series[0].points[0].as_mut().unwrap().label = "25%".into();
                }
            },
            &|s| {
                if let Plot::Bars { series, .. } = &mut s.plot {
                    series[0].points[0].as_mut().unwrap().interval = Some((20.0, 30.0));
                }
            },
            &|s| {
                if let Plot::Bars { series, .. } = &mut s.plot {
                    series[0].points.push(None);
                }
            },
            &|s| {
                if let Plot::Bars { empty, .. } = &mut s.plot {
                    empty.push('x');
                }
            },
        ];
        let mut keys: Vec<_> = changes.iter().map(|c| key_of(*c)).collect();
        keys.push(key(&base));
        let distinct: HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        // The same plot is the same key (the caption is not drawn: it is no part of it).
        assert_eq!(key_of(&|s| s.caption.push('x')), key(&base));
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
