//! What the caches under `.surveysite-cache/` share: the identity of this very binary (a cache
//! entry made by another build of surveysite is never used) and writing an entry atomically.
//! Keys are 128-bit hashes of everything an entry depends on; an entry that does not read back
//! whole is ignored, and one that cannot be written only costs time on the next build.

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
