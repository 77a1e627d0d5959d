//! Chart drawings kept between builds: a build reads the SVG of a chart it drew before instead
//! of drawing it again (drawing is about a sixth of an unchanged rebuild's CPU; reading one is a
//! fraction of it). Only `build` uses it.
//!
//! The drawings live in one file, `.surveysite-cache/charts.pack` (a file each cost more to
//! create and open than to read: thousands of them at a few hundred regions): the SVGs one after
//! the other, then their index, then where the index starts. A build reads the drawings it needs
//! from the last build's pack and writes the ones it drew to a new pack as it goes; at the end
//! the drawings it used from the old pack are copied in and the new pack replaces the old one
//! (renamed over it, so a pack is whole or absent). A build that drew nothing new keeps the old
//! pack as it is, unless most of it went unused. The pack holds one build's charts.
//!
//! The key is a 128-bit hash (src/cache.rs: with this binary's identity) of everything a drawing
//! depends on: the plot (its numbers by their exact bits, labels, colours) and the chart's
//! accessible name. A pack that does not read back whole is ignored (everything is drawn).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::super::charts::{ChartSpec, Plot, Point, Ranking, Series};

/// The pack's last bytes: the number of drawings, where the index starts, and this mark.
const MARK: &[u8; 8] = b"SSCHART1";
/// A key is 32 hex digits; an index entry is the key, the drawing's offset and its length.
const KEY_LEN: usize = 32;
const ENTRY_LEN: usize = KEY_LEN + 16;
const FOOTER_LEN: u64 = 24;

pub struct Drawings {
    /// `.surveysite-cache/charts.pack`.
    path: PathBuf,
    /// The last build's drawings (`None`: there were none, or they do not read back).
    old: Option<Pack>,
    /// This build's drawings: the keys used, and the drawings made (in a new pack).
    now: Mutex<Now>,
}

/// A pack read back: its index, and the file to read a drawing from.
struct Pack {
    file: Mutex<File>,
    index: HashMap<String, (u64, u64)>,
}

#[derive(Default)]
struct Now {
    used: HashSet<String>,
    /// The new pack in the making (made at the first drawing), and where each of its drawings is.
    made: Option<Writer>,
}

struct Writer {
    tmp: PathBuf,
    out: BufWriter<File>,
    at: u64,
    index: Vec<(String, u64, u64)>,
    /// A write failed: the pack is dropped (the next build draws again).
    failed: bool,
}

impl Drawings {
    pub fn new(root: &Path) -> Drawings {
        let dir = crate::cache::dir(root);
        // Drawings were once kept a file each: that folder is no longer read.
        let _ = std::fs::remove_dir_all(dir.join("charts"));
        let path = dir.join("charts.pack");
        Drawings {
            old: Pack::open(&path),
            path,
            now: Mutex::new(Now::default()),
        }
    }

    /// Both variants of the chart (as `svg::render`), read back or drawn and kept.
    pub fn render(&self, spec: &ChartSpec) -> String {
        self.kept(key(spec), || super::render(spec))
    }

    /// The chart's ECharts option (as `ChartSpec::option_json`), read back or made and kept:
    /// making it is as much of an unchanged rebuild as reading a drawing back.
    pub fn option_json(&self, spec: &ChartSpec) -> String {
        let key = crate::cache::key(&("echarts option", DependsOn(spec)));
        self.kept(key, || spec.option_json())
    }

    /// What is kept under `key` (`None`: nothing is kept), else what `make` makes, kept.
    fn kept(&self, key: Option<String>, make: impl FnOnce() -> String) -> String {
        let Some(key) = key else {
            return make();
        };
        let kept = self.old.as_ref().and_then(|old| old.read(&key));
        let mut now = self.lock();
        let first = now.used.insert(key.clone());
        if let Some(text) = kept {
            return text;
        }
        drop(now);
        let text = make();
        if first {
            self.lock().keep(&self.path, key, &text);
        }
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Now> {
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts this build's pack in place of the last one (call once every page is rendered).
    pub fn finish(&self) {
        let mut now = self.lock();
        let used = std::mem::take(&mut now.used);
        let old_used = self.old.as_ref().map_or(0, |old| {
            old.index.keys().filter(|k| used.contains(*k)).count()
        });
        let old_len = self.old.as_ref().map_or(0, |old| old.index.len());
        if now.made.is_none() {
            if old_used == 0 && old_len > 0 {
                let _ = std::fs::remove_file(&self.path);
            }
            // Nothing new: the old pack still holds every drawing used (and a few more, unless
            // most of it went unused: then it is written anew below, without them).
            if old_used == 0 || old_used * 2 >= old_len {
                return;
            }
        }
        // Copied in: the drawings of the old pack this build used.
        if let Some(old) = &self.old {
            let mut keys: Vec<&String> = old.index.keys().filter(|k| used.contains(*k)).collect();
            keys.sort();
            for k in keys {
                if let Some(svg) = old.read(k) {
                    now.keep(&self.path, k.clone(), &svg);
                }
            }
        }
        if let Some(made) = now.made.take() {
            made.finish(&self.path);
        }
    }
}

impl Now {
    /// Adds a drawing to the new pack (made on the first one).
    fn keep(&mut self, path: &Path, key: String, svg: &str) {
        if self.made.is_none() {
            self.made = Writer::create(path);
        }
        if let Some(w) = &mut self.made
            && !w.failed
        {
            w.failed = w.out.write_all(svg.as_bytes()).is_err();
            w.index.push((key, w.at, svg.len() as u64));
            w.at += svg.len() as u64;
        }
    }
}

impl Writer {
    fn create(path: &Path) -> Option<Writer> {
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ok()?;
        }
        let file = File::create(&tmp).ok()?;
        Some(Writer {
            tmp,
            out: BufWriter::with_capacity(1 << 16, file),
            at: 0,
            index: Vec::new(),
            failed: false,
        })
    }

    /// Writes the index and puts the pack in place (a failed write leaves no pack: the next
    /// build draws again).
    fn finish(mut self, path: &Path) {
        let index_at = self.at;
        let mut tail = Vec::with_capacity(self.index.len() * ENTRY_LEN + FOOTER_LEN as usize);
        for (key, at, len) in &self.index {
            tail.extend_from_slice(key.as_bytes());
            tail.extend_from_slice(&at.to_le_bytes());
            tail.extend_from_slice(&len.to_le_bytes());
        }
        tail.extend_from_slice(&(self.index.len() as u64).to_le_bytes());
        tail.extend_from_slice(&index_at.to_le_bytes());
        tail.extend_from_slice(MARK);
        let written = !self.failed
            && self.out.write_all(&tail).is_ok()
            && self.out.flush().is_ok()
            && std::fs::rename(&self.tmp, path).is_ok();
        if !written {
            let _ = std::fs::remove_file(&self.tmp);
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Pack {
    /// The pack at `path`, if it reads back whole: every drawing within the file, before the
    /// index, under a key of 32 hex digits.
    fn open(path: &Path) -> Option<Pack> {
        let mut file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let footer_at = len.checked_sub(FOOTER_LEN)?;
        file.seek(SeekFrom::Start(footer_at)).ok()?;
        let mut footer = [0u8; FOOTER_LEN as usize];
        file.read_exact(&mut footer).ok()?;
        if &footer[16..] != MARK {
            return None;
        }
        let number = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
        let (count, index_at) = (number(&footer[..8]), number(&footer[8..16]));
        let index_len = count.checked_mul(ENTRY_LEN as u64)?;
        if index_at.checked_add(index_len)? != footer_at {
            return None;
        }
        file.seek(SeekFrom::Start(index_at)).ok()?;
        let mut raw = vec![0u8; usize::try_from(index_len).ok()?];
        file.read_exact(&mut raw).ok()?;
        let mut index = HashMap::with_capacity(raw.len() / ENTRY_LEN);
        for entry in raw.chunks_exact(ENTRY_LEN) {
            let key = std::str::from_utf8(&entry[..KEY_LEN]).ok()?;
            if !key.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let (at, len) = (
                number(&entry[KEY_LEN..KEY_LEN + 8]),
                number(&entry[KEY_LEN + 8..]),
            );
            if at.checked_add(len)? > index_at {
                return None;
            }
            index.insert(key.to_string(), (at, len));
        }
        Some(Pack {
            file: Mutex::new(file),
            index,
        })
    }

    /// The drawing under `key` (`None`: there is none, or it does not read as text).
    fn read(&self, key: &str) -> Option<String> {
        let &(at, len) = self.index.get(key)?;
        let mut bytes = vec![0u8; usize::try_from(len).ok()?];
        {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(at)).ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        String::from_utf8(bytes).ok()
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

    /// The keys of the pack a build left, and the drawing under each.
    fn pack(root: &Path) -> Vec<(String, String)> {
        let pack = Pack::open(&root.join(".surveysite-cache/charts.pack")).expect("a pack");
        let mut keys: Vec<String> = pack.index.keys().cloned().collect();
        keys.sort();
        keys.into_iter()
            .map(|k| {
                let svg = pack.read(&k).unwrap();
                (k, svg)
            })
            .collect()
    }

    #[test]
    fn a_kept_drawing_is_the_drawing_and_a_changed_number_is_drawn_afresh() {
        let tmp = tempfile::tempdir().unwrap();
        let drawn = |s: &ChartSpec| super::super::render(s);
        let drawings = Drawings::new(tmp.path());
        let (a, b, c) = (spec(25.0), spec(25.000000000000004), spec(50.0));
        assert_ne!(
            key(&a),
            key(&b),
            "the smallest change of a number is another key"
        );
        assert_eq!(drawings.render(&a), drawn(&a));
        assert_eq!(drawings.render(&a), drawn(&a), "used twice");
        assert_eq!(drawings.render(&b), drawn(&b));
        assert_eq!(drawings.render(&c), drawn(&c));
        drawings.finish();
        let mut expected = vec![
            (key(&a).unwrap(), drawn(&a)),
            (key(&b).unwrap(), drawn(&b)),
            (key(&c).unwrap(), drawn(&c)),
        ];
        expected.sort();
        assert_eq!(pack(tmp.path()), expected, "each drawing once");

        // An unchanged build reads them back and leaves the pack as it is.
        let before = std::fs::read(tmp.path().join(".surveysite-cache/charts.pack")).unwrap();
        let next = Drawings::new(tmp.path());
        assert_eq!(next.old.as_ref().unwrap().index.len(), 3);
        for s in [&a, &b, &c] {
            assert_eq!(next.render(s), drawn(s));
        }
        next.finish();
        let after = std::fs::read(tmp.path().join(".surveysite-cache/charts.pack")).unwrap();
        assert!(before == after);

        // A build that uses only `b` and draws `d`: the pack holds those two.
        let d = spec(75.0);
        let next = Drawings::new(tmp.path());
        assert_eq!(next.render(&d), drawn(&d));
        assert_eq!(next.render(&b), drawn(&b));
        next.finish();
        let mut expected = vec![(key(&b).unwrap(), drawn(&b)), (key(&d).unwrap(), drawn(&d))];
        expected.sort();
        assert_eq!(pack(tmp.path()), expected);

        // A build that uses one of the two (nothing new) keeps the pack; one that uses none
        // removes it.
        let next = Drawings::new(tmp.path());
        next.render(&d);
        next.finish();
        assert_eq!(pack(tmp.path()).len(), 2);
        let next = Drawings::new(tmp.path());
        next.finish();
        assert!(!tmp.path().join(".surveysite-cache/charts.pack").exists());
    }

    #[test]
    fn a_pack_that_does_not_read_back_whole_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".surveysite-cache/charts.pack");
        let a = spec(25.0);
        let drawings = Drawings::new(tmp.path());
        drawings.render(&a);
        drawings.finish();
        let whole = std::fs::read(&path).unwrap();
        assert!(Pack::open(&path).is_some());
        // Cut short, a byte of the index changed, an offset past the drawings, an empty file.
        let mut bad_key = whole.clone();
        let index_at = whole.len() - FOOTER_LEN as usize - ENTRY_LEN;
        bad_key[index_at] = b'!';
        let mut bad_offset = whole.clone();
        bad_offset[index_at + KEY_LEN] = 0xff;
        for broken in [&whole[..whole.len() - 1], &bad_key, &bad_offset, &[][..]] {
            std::fs::write(&path, broken).unwrap();
            assert!(Pack::open(&path).is_none());
            let next = Drawings::new(tmp.path());
            assert_eq!(next.render(&a), super::super::render(&a));
            next.finish();
            assert_eq!(pack(tmp.path()).len(), 1, "drawn and kept afresh");
        }
        // The folder of an earlier version (a file per drawing) is removed.
        std::fs::create_dir_all(tmp.path().join(".surveysite-cache/charts")).unwrap();
        Drawings::new(tmp.path());
        assert!(!tmp.path().join(".surveysite-cache/charts").exists());
    }
}
