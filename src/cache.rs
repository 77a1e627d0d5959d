//! What the caches under `.surveysite-cache/` share: the identity of this very binary (a cache
//! entry made by another build of surveysite is never used) and writing an entry atomically.
//! Keys are 128-bit hashes of everything an entry depends on; an entry that does not read back
//! whole is ignored, and one that cannot be written only costs time on the next build.

use std::fs::Metadata;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder of the project's caches.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".surveysite-cache")
}

/// This executable's identity: its path, size and modification time (every build of surveysite
/// writes a new file), and the version (`None` if unknown: then nothing is cached).
pub fn binary() -> Option<u64> {
    static BINARY: OnceLock<Option<u64>> = OnceLock::new();
    *BINARY.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(&exe).ok()?;
        let mut h = DefaultHasher::new();
        (
            &exe,
            meta.len(),
            meta.modified().ok()?,
            env!("CARGO_PKG_VERSION"),
        )
            .hash(&mut h);
        Some(h.finish())
    })
}

/// A fast hasher whose results are the same in every run (seeded by `seed`): keys and file
/// digests hash tens of megabytes on a warm build, where SipHash took several times longer.
pub fn hasher(seed: u64) -> impl Hasher {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(seed).build_hasher()
}

/// A 128-bit key (two differently seeded hashes) of `value` and this binary.
pub fn key(value: &impl Hash) -> Option<String> {
    let binary = binary()?;
    let hash = |seed: u64| {
        let mut h = hasher(seed);
        (binary, value).hash(&mut h);
        h.finish()
    };
    Some(format!("{:016x}{:016x}", hash(1), hash(2)))
}

/// Where a file is on disk: what must be unchanged for its recorded digest to still hold. The
/// status change time is in it because nobody can set it: a file written to in place, even with
/// its modification time put back afterwards, is not vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Place {
    /// `None` where the system gives no inode (the manifest is then never used).
    pub fn of(m: &Metadata) -> Option<Place> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Place {
                dev: m.dev(),
                ino: m.ino(),
                len: m.len(),
                modified: (m.mtime(), m.mtime_nsec()),
                changed: (m.ctime(), m.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = m;
            None
        }
    }

    /// Last changed more than two seconds ago. File times come from a coarse clock (a few
    /// milliseconds): a file changed again within the same tick, to the same size, would keep
    /// its place. Remember a place only once it has settled, as git does for its index.
    pub fn settled(&self) -> bool {
        let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
            return false;
        };
        i128::from(self.changed.0) + 2 < i128::from(now.as_secs())
    }

    /// The place as seven numbers, for a cache file (signed times as their bits).
    pub fn fields(&self) -> [u64; 7] {
        [
            self.dev,
            self.ino,
            self.len,
            self.modified.0 as u64,
            self.modified.1 as u64,
            self.changed.0 as u64,
            self.changed.1 as u64,
        ]
    }

    pub fn from_fields([dev, ino, len, m0, m1, c0, c1]: [u64; 7]) -> Place {
        Place {
            dev,
            ino,
            len,
            modified: (m0 as i64, m1 as i64),
            changed: (c0 as i64, c1 as i64),
        }
    }
}

/// Writes beside `path` and renames, so a reader never sees half an entry.
pub fn write(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
