//! The counts of a respondent file, kept between builds: a warm build of a large export (hundreds
//! of thousands of rows) reads them instead of parsing every row again.
//!
//! The key is a 128-bit hash of everything the counts depend on — this very surveysite binary,
//! the codebook, report.yaml and every byte of the respondent file — so any change to one of them
//! counts the rows afresh. Only a file that loaded without a problem is cached; a cache entry that
//! cannot be read back whole is ignored.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::aggregate::Tally;

/// Bump when the cached form of `Tally` changes.
const FORMAT: u32 = 1;

/// Where the counts of respondent files are kept (beside the project's other caches).
fn dir(root: &Path) -> PathBuf {
    root.join(".surveysite-cache/rows")
}

/// The cache key of a respondent file: `None` when an input cannot be read (then nothing is
/// cached, and the loader reports the problem as usual).
pub fn key(root: &Path, rows_file: &Path, codebook: &Path) -> Option<String> {
    let exe = std::fs::read(std::env::current_exe().ok()?).ok()?;
    let rows = std::fs::read(rows_file).ok()?;
    let codebook = std::fs::read(codebook).ok()?;
    let report = std::fs::read(root.join("report.yaml")).unwrap_or_default();
    // Two differently seeded 64-bit hashes make a 128-bit key.
    let hash = |seed: u64| {
        let mut h = DefaultHasher::new();
        (seed, FORMAT, &exe, &codebook, &report, &rows).hash(&mut h);
        h.finish()
    };
    Some(format!("{:016x}{:016x}", hash(1), hash(2)))
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

/// Keeps the counts for the next build; a cache that cannot be written only costs time.
pub fn write(root: &Path, shown: &str, key: &str, tally: &Tally) {
    let path = file(root, shown);
    let Ok(json) = serde_json::to_vec(&EntryRef { key, tally }) else {
        return;
    };
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    let written = std::fs::create_dir_all(dir(root))
        .and_then(|()| std::fs::write(&tmp, json))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[derive(serde::Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    tally: &'a Tally,
}
