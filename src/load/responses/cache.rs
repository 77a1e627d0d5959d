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
use crate::cache::Place;

/// Bump when the cached form of `Tally` changes.
const FORMAT: u32 = 1;

/// Where the counts of respondent files are kept (beside the project's other caches).
fn dir(root: &Path) -> PathBuf {
    crate::cache::dir(root).join("rows")
}

/// The cache key of a respondent file: `None` when an input cannot be read (then nothing is
/// cached, and the loader reports the problem as usual).
pub fn key(root: &Path, rows_file: &Path, codebook: &Path) -> Option<String> {
    let rows = digest(root, rows_file)?;
    let codebook = std::fs::read(codebook).ok()?;
    let report = std::fs::read(root.join("report.yaml")).unwrap_or_default();
    crate::cache::key(&(FORMAT, &codebook, &report, rows))
}

/// The digest of a respondent file, read again only when the file is not where the last build
/// found it (src/cache.rs `Place`: its inode, size, modification and status-change times): a
/// warm build of a large export does not read it whole just to learn it is unchanged.
fn digest(root: &Path, path: &Path) -> Option<(u64, u64, u64)> {
    let place = || std::fs::metadata(path).ok().and_then(|m| Place::of(&m));
    let before = place();
    let memo = dir(root).join(format!("{:016x}.place", name_hash(&path.to_string_lossy())));
    if let Some(before) = before {
        if let Some(known) = read_memo(&memo, before) {
            return Some(known);
        }
    }
    let digest = digest_of_bytes(path)?;
    // A file that changed while it was read, or so recently that a change could hide, is not
    // remembered.
    if let Some(before) = before.filter(|&b| b.settled() && place() == Some(b)) {
        let fields: Vec<String> = before
            .fields()
            .iter()
            .chain(&[digest.0, digest.1, digest.2])
            .map(|f| format!("{f:x}"))
            .collect();
        crate::cache::write(&memo, fields.join(" ").as_bytes());
    }
    Some(digest)
}

/// The digest remembered for the file at `place`, if the memo is of that very place.
fn read_memo(memo: &Path, place: Place) -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string(memo).ok()?;
    let fields: Vec<u64> = text
        .split(' ')
        .map(|f| u64::from_str_radix(f, 16).ok())
        .collect::<Option<_>>()?;
    let (at, [len, a, b]) = (fields.get(..7)?, fields.get(7..)?) else {
        return None;
    };
    (Place::from_fields(at.try_into().ok()?) == place).then_some((*len, *a, *b))
}

/// Two differently seeded hashes of a file's bytes, read in chunks: the file may be far larger
/// than what loading it keeps in memory.
fn digest_of_bytes(path: &Path) -> Option<(u64, u64, u64)> {
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
    dir(root).join(format!("{:016x}.json", name_hash(shown)))
}

fn name_hash(name: &str) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_digest_holds_only_for_the_very_same_place() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let rows = root.join("responses.csv");
        std::fs::write(&rows, "id,q1\n1,a\n").unwrap();
        let place = Place::of(&std::fs::metadata(&rows).unwrap()).unwrap();
        // Just written: not settled, so nothing is remembered and the bytes are read.
        assert!(!place.settled());
        let read = digest(root, &rows).unwrap();
        assert_eq!(read, digest_of_bytes(&rows).unwrap());
        assert!(!dir(root).exists(), "a memo of a file changed just now");

        // A memo of this place is trusted (here it says something else, to tell it was used).
        let memo = root.join("memo");
        let mut fields: Vec<String> = place.fields().iter().map(|f| format!("{f:x}")).collect();
        fields.extend(["1", "2", "3"].map(String::from));
        std::fs::write(&memo, fields.join(" ")).unwrap();
        assert_eq!(read_memo(&memo, place), Some((1, 2, 3)));
        // The same file written to again (same size) is at another place: the memo is not used.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&rows, "id,q1\n1,b\n").unwrap();
        let now = Place::of(&std::fs::metadata(&rows).unwrap()).unwrap();
        assert_ne!(now, place);
        assert_eq!(read_memo(&memo, now), None);
        // A damaged memo is not used either.
        std::fs::write(&memo, "1 2 zz").unwrap();
        assert_eq!(read_memo(&memo, place), None);
    }
}
