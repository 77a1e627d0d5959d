//! What the last build published, file by file: where each file is on disk (device, inode,
//! length, modification time) and a hash of its bytes. A build that finds a published file
//! exactly where the manifest says it is compares hashes instead of reading the file back:
//! an unchanged rebuild of thousands of pages reads none of them.
//!
//! The manifest is only a shortcut, never the truth: a file whose place on disk differs from
//! its record (edited, replaced, touched) is read and compared byte for byte as before. The
//! manifest is removed when a build starts and written again only after the new site is in
//! place, so a build killed in between leaves none, and the next build compares every file.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::path::Path;

pub use crate::cache::Place;

/// The first line of the file: a manifest of another format (or another hash) is not read.
const FORMAT: &str = "surveysite manifest 2 foldhash-0.2 quality x2";

/// A file's bytes as two independently seeded 64-bit hashes.
pub type Digest = (u64, u64);

pub fn digest(bytes: &[u8]) -> Digest {
    let hash = |seed: u64| {
        let mut h = crate::cache::hasher(seed);
        h.write(bytes);
        h.finish()
    };
    (hash(0x5eed_0001), hash(0x5eed_0002))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub place: Place,
    pub digest: Digest,
}

/// Site path → record.
#[derive(Debug, Default)]
pub struct Manifest(HashMap<String, Record>);

impl Manifest {
    /// Reads the manifest at `path` and removes it (see the module comment). Missing, of
    /// another format or damaged: an empty manifest (every file is compared in full).
    pub fn take(path: &Path) -> Manifest {
        let text = fs::read_to_string(path).unwrap_or_default();
        let _ = fs::remove_file(path);
        Manifest::parse(&text).unwrap_or_default()
    }

    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let mut records = HashMap::new();
        for line in lines {
            let (path, rest) = line.split_once('\t')?;
            let n: Vec<u64> = rest
                .split('\t')
                .map(|f| u64::from_str_radix(f, 16).ok())
                .collect::<Option<_>>()?;
            let (place, [d0, d1]) = (n.get(..7)?, n.get(7..)?) else {
                return None;
            };
            let place = Place::from_fields(place.try_into().ok()?);
            records.insert(
                path.to_string(),
                Record {
                    place,
                    digest: (*d0, *d1),
                },
            );
        }
        Some(Manifest(records))
    }

    /// Does the published file, found at `place`, hold the bytes whose digest is `digest`?
    /// `None`: the manifest cannot tell (no record, or the file is not where it was recorded).
    pub fn holds(&self, path: &str, place: Place, digest: Digest) -> Option<bool> {
        let record = self.0.get(path)?;
        (record.place == place).then_some(record.digest == digest)
    }

    pub fn insert(&mut self, path: &str, record: Record) {
        self.0.insert(path.to_string(), record);
    }

    /// Writes the manifest to `path` (through a temporary file, so it is whole or absent).
    /// Failing to write it only costs the next build its shortcut.
    pub fn write(&self, path: &Path) {
        let mut paths: Vec<&String> = self.0.keys().collect();
        paths.sort();
        let mut text = String::with_capacity(64 * paths.len() + FORMAT.len() + 1);
        text.push_str(FORMAT);
        text.push('\n');
        for p in paths {
            // Site paths are checked by `site_path`; a tab or line break would break the format.
            if p.contains(['\t', '\n', '\r']) {
                continue;
            }
            let r = &self.0[p];
            text.push_str(p);
            for field in r.place.fields() {
                text.push_str(&format!("\t{field:x}"));
            }
            text.push_str(&format!("\t{:x}\t{:x}\n", r.digest.0, r.digest.1));
        }
        let temporary = path.with_extension("new");
        if fs::write(&temporary, text).is_ok() && fs::rename(&temporary, path).is_err() {
            let _ = fs::remove_file(&temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_was_written_once() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.html");
        fs::write(&file, "<p>1</p>").unwrap();
        let place = Place::of(&fs::metadata(&file).unwrap()).unwrap();
        let mut m = Manifest::default();
        m.insert(
            "regions/a.html",
            Record {
                place,
                digest: digest(b"<p>1</p>"),
            },
        );
        let at = tmp.path().join("manifest");
        m.write(&at);
        let back = Manifest::take(&at);
        assert_eq!(
            back.holds("regions/a.html", place, digest(b"<p>1</p>")),
            Some(true)
        );
        assert_eq!(
            back.holds("regions/a.html", place, digest(b"<p>2</p>")),
            Some(false)
        );
        assert_eq!(back.holds("b.html", place, digest(b"<p>1</p>")), None);
        // Taken: a second build (or one after a killed build) finds none.
        assert!(!at.exists());
        assert_eq!(
            Manifest::take(&at).holds("regions/a.html", place, (0, 0)),
            None
        );
    }

    #[test]
    fn a_file_that_moved_or_changed_is_not_vouched_for() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.html");
        fs::write(&file, "<p>1</p>").unwrap();
        let before = Place::of(&fs::metadata(&file).unwrap()).unwrap();
        let mut m = Manifest::default();
        let d = digest(b"<p>1</p>");
        m.insert(
            "a.html",
            Record {
                place: before,
                digest: d,
            },
        );
        // Replaced by another file of the same length: another inode (the old one is still
        // held open here, so the system cannot hand the same number out again).
        let _keep = fs::File::open(&file).unwrap();
        fs::remove_file(&file).unwrap();
        fs::write(&file, "<p>2</p>").unwrap();
        let after = Place::of(&fs::metadata(&file).unwrap()).unwrap();
        assert_ne!(before, after);
        assert_eq!(m.holds("a.html", after, d), None);

        // Written in place, its modification time put back: the status time tells.
        let d2 = digest(b"<p>2</p>");
        m.insert(
            "a.html",
            Record {
                place: after,
                digest: d2,
            },
        );
        let modified = fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&file, "<p>3</p>").unwrap();
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let edited = Place::of(&fs::metadata(&file).unwrap()).unwrap();
        assert_eq!(m.holds("a.html", edited, d2), None);
    }

    #[test]
    fn a_damaged_or_foreign_manifest_is_empty() {
        for text in [
            "",
            "surveysite manifest 0\n",
            &format!("{FORMAT}\na.html\t1\t2\n"),
            &format!("{FORMAT}\na.html\t1\t2\t3\t4\t5\t6\t7\t8\tzz\n"),
        ] {
            assert!(
                Manifest::parse(text).is_none_or(|m| m.0.is_empty()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn digests_differ_for_different_bytes_and_agree_for_the_same() {
        assert_eq!(digest(b"12.2%"), digest(b"12.2%"));
        assert_ne!(digest(b"12.2%"), digest(b"12.3%"));
        assert_ne!(digest(b""), digest(b"\0"));
    }
}
