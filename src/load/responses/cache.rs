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
const FORMAT: u32 = 3;

/// Where the counts of respondent files are kept (beside the project's other caches).
fn dir(root: &Path) -> PathBuf {
    crate::cache::dir(root).join("rows")
}

/// The cache key of a respondent file whose bytes have digest `rows`: `None` when the codebook
/// cannot be read (then nothing is cached, and the loader reports the problem as usual).
pub fn key(root: &Path, rows: Digested, codebook: &Path) -> Option<String> {
    let codebook = std::fs::read(codebook).ok()?;
    let report = std::fs::read(root.join("report.yaml")).unwrap_or_default();
    crate::cache::key(&(FORMAT, &codebook, &report, rows))
}

/// A file's length and two differently seeded hashes of its bytes.
pub type Digested = (u64, u64, u64);

/// Where the file at `path` is now (`None`: it cannot be read, or the system gives no inode).
pub fn place(path: &Path) -> Option<Place> {
    std::fs::metadata(path).ok().and_then(|m| Place::of(&m))
}

/// The memo of the digest of the file at `path` (one per file name).
fn memo(root: &Path, path: &Path) -> PathBuf {
    dir(root).join(format!("{:016x}.place", name_hash(&path.to_string_lossy())))
}

/// The digest of a respondent file as remembered by the last build that read it, when the file
/// is still where that build found it (src/cache.rs `Place`: its inode, size, modification and
/// status-change times): a warm build of a large export does not read it whole just to learn
/// it is unchanged.
pub fn remembered(root: &Path, path: &Path, place: Option<Place>) -> Option<Digested> {
    read_memo(&memo(root, path), place?)
}

/// Remembers the digest of the file at `path`, taken of the bytes read since it was at
/// `before`: not when it changed while it was read, or so recently that a change could hide.
pub fn remember(root: &Path, path: &Path, before: Option<Place>, digest: Digested) {
    if let Some(before) = before.filter(|&b| b.settled() && place(path) == Some(b)) {
        let fields: Vec<String> = before
            .fields()
            .iter()
            .chain(&[digest.0, digest.1, digest.2])
            .map(|f| format!("{f:x}"))
            .collect();
        crate::cache::write(&memo(root, path), fields.join(" ").as_bytes());
    }
}

/// The digest of a respondent file: remembered, else read whole (and remembered).
pub fn digest(root: &Path, path: &Path) -> Option<Digested> {
    let before = place(path);
    if let Some(known) = remembered(root, path, before) {
        return Some(known);
    }
    let digest = digest_of_bytes(path)?;
    remember(root, path, before, digest);
    Some(digest)
}

/// The digest remembered for the file at `place`, if the memo is of that very place.
fn read_memo(memo: &Path, place: Place) -> Option<Digested> {
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

/// The digest of a file's bytes, read in chunks: the file may be far larger than what loading
/// it keeps in memory.
fn digest_of_bytes(path: &Path) -> Option<Digested> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut digest = Digest::default();
    let mut buf = vec![0; BLOCK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => digest.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(digest.finish())
}

/// Bytes are hashed in blocks of this size.
const BLOCK: usize = 1 << 20;

/// A digest taken of bytes handed in pieces of any size (as a file is read): they are hashed
/// in blocks of `BLOCK`, so the digest of a file does not depend on how it was read (whole
/// here, or by the CSV reader as it parses: src/load/responses/decode.rs).
pub struct Digest {
    a: Box<dyn Hasher + Send>,
    b: Box<dyn Hasher + Send>,
    len: u64,
    block: Vec<u8>,
}

impl Default for Digest {
    fn default() -> Digest {
        Digest {
            a: Box::new(crate::cache::hasher(1)),
            b: Box::new(crate::cache::hasher(2)),
            len: 0,
            block: Vec::new(),
        }
    }
}

impl Digest {
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        while !bytes.is_empty() {
            if self.block.is_empty() && bytes.len() >= BLOCK {
                self.a.write(&bytes[..BLOCK]);
                self.b.write(&bytes[..BLOCK]);
                bytes = &bytes[BLOCK..];
                continue;
            }
            let take = (BLOCK - self.block.len()).min(bytes.len());
            self.block.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.block.len() == BLOCK {
                self.a.write(&self.block);
                self.b.write(&self.block);
                self.block.clear();
            }
        }
    }

    pub fn finish(mut self) -> Digested {
        if !self.block.is_empty() {
            self.a.write(&self.block);
            self.b.write(&self.block);
        }
        (self.len, self.a.finish(), self.b.finish())
    }
}

/// Is there a cache entry for the respondent file `shown` (of whatever key)? Only then can
/// reading the file whole to learn its digest save counting its rows.
pub fn has_entry(root: &Path, shown: &str) -> bool {
    file(root, shown).is_file()
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

    #[test]
    fn a_digest_does_not_depend_on_how_the_bytes_were_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows.csv");
        // Over two blocks, with a CRLF, a BOM and a quoted newline (which parsing changes).
        let mut text = String::from("\u{feff}id,q1\r\n");
        let mut i = 0;
        while text.len() < 2 * BLOCK + 1000 {
            text.push_str(&format!("{i},\"はい\n{i}\"\r\n"));
            i += 1;
        }
        std::fs::write(&path, &text).unwrap();
        let whole = digest_of_bytes(&path).unwrap();
        assert_eq!(whole.0, text.len() as u64);

        let mut pieces = Digest::default();
        for (n, chunk) in text.as_bytes().chunks(7919).enumerate() {
            let (a, b) = chunk.split_at(n % chunk.len().max(1));
            pieces.update(a);
            pieces.update(b);
        }
        assert_eq!(pieces.finish(), whole);

        // As the CSV reader reads the file: known only once every row has been read.
        let encoding = super::super::Encoding::Auto;
        let mut source =
            super::super::source::Source::open_digesting(&path, "rows.csv", encoding, None)
                .unwrap();
        let mut record = super::super::source::Record::default();
        assert!(source.next(&mut record).unwrap());
        assert_eq!(source.digest(), None, "known before the end");
        while source.next(&mut record).unwrap() {}
        assert_eq!(source.digest(), Some(whole));
        // Another file's digest differs.
        std::fs::write(&path, text.replace("はい", "いいえ")).unwrap();
        assert_ne!(digest_of_bytes(&path), Some(whole));
    }
}
