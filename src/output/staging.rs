//! The next generation of the site, prepared in a buffer folder beside the output and swapped
//! with it in one step.
//!
//! Beside the output `site/` lives `.site.surveysite/` (ignored by git through its own
//! `.gitignore`), holding `previous/`: the generation before the one published. A build brings
//! `previous/` up to date: a file whose bytes equal the published one becomes a hard link of it
//! (so it keeps its inode and modification time), any other file is written afresh, and files
//! the build no longer produces are deleted. Then the two folders are exchanged in one step, and
//! `previous/` holds the generation just replaced. A published file is never written to: a
//! reader sees the old site or the new one, and a build that fails or is killed before the swap
//! leaves the published site as it was.
//!
//! Whether a file's bytes equal the published one is told by the manifest of the last build
//! (manifest.rs) where it can vouch for the published file, else by reading the file.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};

use super::guard::Inputs;
use super::manifest::{self, Digest, Manifest, Place, Record};
use super::{MARKER, platform, strays};

const MARKER_TEXT: &str =
    "This folder is written by surveysite build; it is replaced on every build.\n";

const GITIGNORE: &str = "# Written by surveysite build: the site before the last build, kept so that the next build\n\
# rewrites only the files that changed and swaps the new site in in one step. Safe to delete.\n\
*\n";

/// A build's output in the making. `put` each file (from any number of threads), then
/// `commit`; dropping it without `commit` leaves the published site as it was.
pub struct Staging {
    /// Where the site is published: the output, or where the output's symlink points.
    target: PathBuf,
    /// The output as given, for messages.
    shown: PathBuf,
    buffer: PathBuf,
    swapping: PathBuf,
    /// The output held files surveysite did not make (--force): they are not kept.
    replaces_foreign: bool,
    produced: Mutex<HashSet<String>>,
    /// Folders of the buffer known to be real folders (not files, not symlinks).
    folders: Mutex<HashSet<String>>,
    /// Hard links work on this file system (until one fails).
    links: AtomicBool,
    /// What the last build published (taken from `manifest_path` when the build began).
    published: Manifest,
    /// What this build puts in place, written to `manifest_path` once it is published.
    next: Mutex<Manifest>,
    manifest_path: PathBuf,
    /// Held until the staging ends: one build at a time per output.
    _lock: File,
}

impl Staging {
    /// Starts a build into `output`. `inputs` (a loaded project, or its root) is what the build
    /// reads: the output is refused when it is, holds or lies inside any of it. A folder that
    /// is not empty and was not made by surveysite is refused unless `force`.
    pub fn begin(output: &Path, inputs: impl Into<Inputs>, force: bool) -> Result<Staging> {
        inputs.into().guard(output)?;
        let target = through_symlinks(output)?;
        let replaces_foreign = match target.symlink_metadata() {
            Ok(_) if is_ours(&target)? => false,
            Ok(_) if force => true,
            Ok(_) => anyhow::bail!(
                "{} exists, is not empty and was not made by surveysite: refusing to replace it (use --force to replace it anyway)",
                output.display()
            ),
            Err(_) => false,
        };
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow::anyhow!("--output {}: not a folder name", output.display()))?;
        fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
        let home = parent.join(format!(".{name}.surveysite"));
        if !home.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            strays::remove(&home);
            fs::create_dir(&home).with_context(|| {
                format!(
                    "creating {} (the previous site is kept there, beside the output)",
                    home.display()
                )
            })?;
        }
        let ignore = home.join(".gitignore");
        if fs::read(&ignore).ok().as_deref() != Some(GITIGNORE.as_bytes()) {
            fs::write(&ignore, GITIGNORE)
                .with_context(|| format!("writing {}", ignore.display()))?;
        }
        let lock_path = home.join("lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        platform::lock(&lock).with_context(|| format!("locking {}", lock_path.display()))?;

        let manifest_path = home.join("manifest");
        let published = Manifest::take(&manifest_path);
        let buffer = home.join("previous");
        let swapping = home.join("swapping");
        strays::clean(&parent, &name, &target, &buffer, &swapping);
        if !buffer.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            strays::remove(&buffer);
            fs::create_dir(&buffer).with_context(|| format!("creating {}", buffer.display()))?;
        }
        let staging = Staging {
            target,
            shown: output.to_path_buf(),
            buffer,
            swapping,
            replaces_foreign,
            produced: Mutex::new(HashSet::new()),
            folders: Mutex::new(HashSet::new()),
            links: AtomicBool::new(true),
            published,
            next: Mutex::new(Manifest::default()),
            manifest_path,
            _lock: lock,
        };
        staging.put(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Adds one file of the site: `path` is relative to the site, with `/` ("regions/x/index.html").
    /// Safe to call from several threads at once, each path once (a second `put` of a path
    /// replaces the first, when not at the same time).
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let parts = site_path(path)?;
        self.lock_produced().insert(path.to_string());
        let (dirs, _) = parts.split_at(parts.len() - 1);
        self.folder(dirs)?;
        let dest = self.buffer.join(path);
        let published = self.target.join(path);
        let at_dest = dest.symlink_metadata().ok();
        let digest = manifest::digest(bytes);
        if let Some(now) = self.published_holds(path, &published, bytes, digest) {
            if let Some(d) = &at_dest {
                if platform::same_file(&now, d) {
                    self.record(path, &now, digest);
                    return Ok(());
                }
            }
            if self.links.load(Ordering::Relaxed) {
                remove(&dest)?;
                if fs::hard_link(&published, &dest).is_ok() {
                    // Linking changed the file's status time: recorded as it is now.
                    if let Ok(linked) = dest.symlink_metadata() {
                        self.record(path, &linked, digest);
                    }
                    return Ok(());
                }
                self.links.store(false, Ordering::Relaxed);
            } else if let Some(copy) = same_bytes(&dest, bytes) {
                // Without hard links: the same bytes as published, whatever the copy.
                self.record(path, &copy, digest);
                return Ok(());
            }
        }
        // Never written in place: the buffer's file may be a hard link of a published one.
        remove(&dest)?;
        let mut file =
            File::create_new(&dest).with_context(|| format!("writing {}", dest.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("writing {}", dest.display()))?;
        if let Ok(m) = file.metadata() {
            self.record(path, &m, digest);
        }
        Ok(())
    }

    /// The published file's metadata when it holds exactly `bytes` (whose digest is `digest`):
    /// from the last build's manifest when it vouches for the file, else by reading it.
    fn published_holds(
        &self,
        path: &str,
        published: &Path,
        bytes: &[u8],
        digest: Digest,
    ) -> Option<fs::Metadata> {
        let m = published.symlink_metadata().ok()?;
        if !m.is_file() || m.len() != bytes.len() as u64 {
            return None;
        }
        match Place::of(&m).and_then(|place| self.published.holds(path, place, digest)) {
            Some(true) => Some(m),
            Some(false) => None,
            None => same_bytes(published, bytes),
        }
    }

    /// Notes where this build's file for `path` is, for the next build's manifest.
    fn record(&self, path: &str, m: &fs::Metadata, digest: Digest) {
        if let Some(place) = Place::of(m) {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            next.insert(path, Record { place, digest });
        }
    }

    /// Deletes what the build no longer produces and swaps the new site in. The output is never
    /// missing where the system exchanges folders in one step; elsewhere it is missing between
    /// two renames.
    pub fn commit(self) -> Result<()> {
        let produced = std::mem::take(&mut *self.lock_produced());
        let mut needed = HashSet::new();
        for path in &produced {
            let mut at = path.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                if produced.contains(dir) {
                    anyhow::bail!(
                        "the site has a file {dir} and a file {path} inside a folder of the same name"
                    );
                }
                if !needed.insert(dir.to_string()) {
                    break;
                }
                at = dir;
            }
        }
        prune(&self.buffer, "", &produced, &needed)?;
        self.swap()?;
        // Published: the next build may trust what this one recorded.
        let next = std::mem::take(&mut *self.next.lock().unwrap_or_else(|e| e.into_inner()));
        next.write(&self.manifest_path);
        if self.replaces_foreign {
            strays::remove(&self.buffer);
        }
        Ok(())
    }

    fn swap(&self) -> Result<()> {
        let (buffer, target) = (&self.buffer, &self.target);
        let moving = || format!("moving the new site into {}", self.shown.display());
        if target.symlink_metadata().is_err() {
            return fs::rename(buffer, target).with_context(moving);
        }
        if platform::exchange(buffer, target).with_context(moving)? {
            return Ok(());
        }
        swap_by_renames(buffer, target, &self.swapping, &self.shown)
    }

    /// Makes `dirs` a real folder of the buffer, replacing a file or symlink in its way.
    fn folder(&self, dirs: &[&str]) -> Result<()> {
        let mut rel = String::new();
        for part in dirs {
            if !rel.is_empty() {
                rel.push('/');
            }
            rel.push_str(part);
            if self.lock_folders().contains(&rel) {
                continue;
            }
            let path = self.buffer.join(&rel);
            match path.symlink_metadata() {
                Ok(m) if m.is_dir() => {}
                found => {
                    if found.is_ok() {
                        remove(&path)?;
                    }
                    match fs::create_dir(&path) {
                        Ok(()) => {}
                        // Another thread made it.
                        Err(e)
                            if e.kind() == std::io::ErrorKind::AlreadyExists
                                && path.symlink_metadata().is_ok_and(|m| m.is_dir()) => {}
                        Err(e) => {
                            return Err(e).with_context(|| format!("creating {}", path.display()));
                        }
                    }
                }
            }
            self.lock_folders().insert(rel.clone());
        }
        Ok(())
    }

    fn lock_produced(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.produced.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_folders(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.folders.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The swap where the system cannot exchange in one step: two renames, the output missing
/// between them. Killed between them, the next build puts `swapping` back (strays.rs).
fn swap_by_renames(buffer: &Path, target: &Path, swapping: &Path, shown: &Path) -> Result<()> {
    fs::rename(target, swapping)
        .with_context(|| format!("moving the previous {} aside", shown.display()))?;
    if let Err(e) = fs::rename(buffer, target) {
        let _ = fs::rename(swapping, target);
        return Err(e).with_context(|| format!("moving the new site into {}", shown.display()));
    }
    // The new site is in place; the next build puts a leftover back where it belongs.
    let _ = fs::rename(swapping, buffer);
    Ok(())
}

/// The parts of a site path, refusing anything that would leave the site.
fn site_path(path: &str) -> Result<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').collect();
    let bad = parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains(['\\', '\0']));
    if bad {
        anyhow::bail!(
            "output file {path:?} is not a path inside the site (expected e.g. regions/x/index.html)"
        );
    }
    Ok(parts)
}

/// The metadata of the regular file at `path` when it holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    let m = path.symlink_metadata().ok()?;
    if !m.is_file() || m.len() != bytes.len() as u64 {
        return None;
    }
    (fs::read(path).ok()? == bytes).then_some(m)
}

/// Removes whatever is at `path` (a file, symlink or folder); nothing there is fine.
fn remove(path: &Path) -> Result<()> {
    let result = match path.symlink_metadata() {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => return Ok(()),
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Deletes from the buffer folder `dir` (`rel` inside the site) what is not produced.
fn prune(
    dir: &Path,
    rel: &str,
    produced: &HashSet<String>,
    needed: &HashSet<String>,
) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let site = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        if kind.is_dir() && needed.contains(&site) {
            prune(&path, &site, produced, needed)?;
        } else if !(kind.is_file() && produced.contains(&site)) {
            remove(&path)?;
        }
    }
    Ok(())
}

/// Follows the output while it is a symlink: the site is swapped where it points, and the
/// symlink stays.
fn through_symlinks(output: &Path) -> Result<PathBuf> {
    let mut at = output.to_path_buf();
    if at.file_name().is_none() {
        // `.`, `..`, `/`: the folder they name.
        at = super::guard::resolved(&at);
    }
    for _ in 0..40 {
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at)
                    .with_context(|| format!("reading the symlink {}", at.display()))?;
                at = match at.parent() {
                    Some(p) => p.join(to),
                    None => to,
                };
                if at.file_name().is_none() {
                    at = super::guard::resolved(&at);
                }
            }
            _ => return Ok(at),
        }
    }
    anyhow::bail!(
        "--output {}: too many levels of symlinks (a loop?)",
        output.display()
    )
}

/// An output may be replaced when it is an empty folder or holds our marker.
fn is_ours(output: &Path) -> Result<bool> {
    if !output.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Ok(false);
    }
    if output.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries =
        fs::read_dir(output).with_context(|| format!("reading {}", output.display()))?;
    Ok(entries.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(path: &Path, text: &str) {
        fs::create_dir_all(path).unwrap();
        fs::write(path.join("index.html"), text).unwrap();
    }

    fn text_of(path: &Path) -> String {
        fs::read_to_string(path.join("index.html")).unwrap()
    }

    #[test]
    fn the_swap_by_two_renames_exchanges_the_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, home) = (tmp.path().join("site"), tmp.path().join(".site.surveysite"));
        let (previous, swapping) = (home.join("previous"), home.join("swapping"));
        folder_with(&site, "old");
        folder_with(&previous, "new");
        swap_by_renames(&previous, &site, &swapping, &site).unwrap();
        assert_eq!(text_of(&site), "new");
        assert_eq!(text_of(&previous), "old");
        assert!(!swapping.exists());
    }

    #[test]
    fn a_swap_cut_short_is_put_back_by_the_next_build() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, home) = (tmp.path().join("site"), tmp.path().join(".site.surveysite"));
        let (previous, swapping) = (home.join("previous"), home.join("swapping"));
        // Killed after the first rename: the site is only in `swapping`.
        folder_with(&swapping, "published");
        folder_with(&previous, "half updated");
        strays::clean(tmp.path(), "site", &site, &previous, &swapping);
        assert_eq!(text_of(&site), "published");
        assert!(!swapping.exists());
        // Killed after the second: the new site is published, the old one in `swapping`.
        fs::rename(&previous, &swapping).unwrap();
        strays::clean(tmp.path(), "site", &site, &previous, &swapping);
        assert_eq!(text_of(&site), "published");
        assert_eq!(text_of(&previous), "half updated");
        assert!(!swapping.exists());
    }
}
