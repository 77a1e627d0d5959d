//! The counts of a respondent file, kept between builds: a warm build of a large export (hundreds
//! of thousands of rows) reads them instead of parsing every row again.
//!
//! The key (src/cache.rs) is a 128-bit hash of everything the counts depend on — this very
//! surveysite binary, the codebook, report.yaml and every byte of the respondent file — so any
//! change to one of them counts the rows afresh. Only a file that loaded without a problem is
//! cached; a cache entry that cannot be read back whole is ignored.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::aggregate::Tally;

/// Bump when the cached form of `Tally` changes.
const FORMAT: u32 = 1;

/// Where the counts of respondent files are kept (beside the project's other caches).
fn dir(root: &Path) -> PathBuf {
    crate::cache::dir(root).join("rows")
}

/// The cache key of a respondent file: `None` when an input cannot be read (then nothing is
/// cached, and the loader reports the problem as usual).
pub fn key(root: &Path, rows_file: &Path, codebook: &Path) -> Option<String> {
    let rows = digest(rows_file)?;
    let codebook = std::fs::read(codebook).ok()?;
    let report = std::fs::read(root.join("report.yaml")).unwrap_or_default();
    crate::cache::key(&(FORMAT, &codebook, &report, rows))
}

/// Two differently seeded hashes of a file's bytes, read in chunks: the file may be far larger
/// than what loading it keeps in memory.
fn digest(path: &Path) -> Option<(u64, u64, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let (mut a, mut b) = (crate::cache::hasher(1), crate::cache::hasher(2));
    let mut buf = vec![0; 1 << 20];
    let mut len = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                a.write(&buf[..n]);
                b.write(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, a.finish(), b.finish()))
}

/// The file of a cache entry: one per respondent file (a new key replaces the old entry).
fn file(root: &Path, shown: &str) -> PathBuf {
    let mut h = DefaultHasher::new();
    shown.hash(&mut h);
    dir(root).join(format!("{:016x}.json", h.finish()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    key: String,
    tally: Tally,
}

/// The cached counts of `shown` under `key`, if there are any.
pub fn read(root: &Path, shown: &str, key: &str) -> Option<Tally> {
    let bytes = std::fs::read(file(root, shown)).ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    (entry.key == key).then_some(entry.tally)
}

/// Keeps the counts for the next build.
pub fn write(root: &Path, shown: &str, key: &str, tally: &Tally) {
    if let Ok(json) = serde_json::to_vec(&EntryRef { key, tally }) {
        crate::cache::write(&file(root, shown), &json);
    }
}

#[derive(serde::Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    tally: &'a Tally,
}
