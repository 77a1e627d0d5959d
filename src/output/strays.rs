//! What interrupted builds leave beside the output, cleaned up by the next build: the
//! per-process folders of earlier versions (`.site.new-PID`, `.site.old-PID`) and a swap of
//! this version cut short. A previous site found there while the output is missing is put back.

use std::fs;
use std::path::Path;

use super::platform;

/// `parent` holds the output `name` (`target` is its path) and the folder of our buffer.
pub fn clean(parent: &Path, name: &str, target: &Path, buffer: &Path, swapping: &Path) {
    if let Ok(entries) = fs::read_dir(parent) {
        let mut strays: Vec<(String, bool)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                let (old, pid) = old_scheme(&file, name)?;
                (pid == std::process::id() || !platform::is_running(pid)).then_some((file, old))
            })
            .collect();
        // Deterministic: the same leftovers are handled in the same order.
        strays.sort();
        for (file, old) in strays {
            let path = parent.join(&file);
            if old && target.symlink_metadata().is_err() && fs::rename(&path, target).is_ok() {
                eprintln!(
                    "note: {} was missing after an interrupted build: put the previous site back from {file}",
                    target.display()
                );
                continue;
            }
            remove(&path);
        }
    }
    if swapping.symlink_metadata().is_ok() {
        let back = if target.symlink_metadata().is_err() {
            fs::rename(swapping, target)
        } else if buffer.symlink_metadata().is_err() {
            fs::rename(swapping, buffer)
        } else {
            Err(std::io::ErrorKind::AlreadyExists.into())
        };
        if back.is_err() {
            remove(swapping);
        }
    }
}

/// `.NAME.new-PID` / `.NAME.old-PID` → (is the old copy, PID).
fn old_scheme(file: &str, name: &str) -> Option<(bool, u32)> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let (old, pid) = if let Some(pid) = rest.strip_prefix("old-") {
        (true, pid)
    } else {
        (false, rest.strip_prefix("new-")?)
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((old, pid.parse().ok()?))
}

/// Removes a file or folder; what cannot be removed is reported and left.
pub fn remove(path: &Path) {
    let result = match path.symlink_metadata() {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    };
    if let Err(e) = result {
        eprintln!("warning: could not remove {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_of_earlier_versions_are_strays() {
        assert_eq!(old_scheme(".site.new-123", "site"), Some((false, 123)));
        assert_eq!(old_scheme(".site.old-9", "site"), Some((true, 9)));
        assert_eq!(old_scheme(".site.old-", "site"), None);
        assert_eq!(old_scheme(".site.old-12x", "site"), None);
        assert_eq!(old_scheme(".public.new-1", "site"), None);
        assert_eq!(old_scheme("site.new-1", "site"), None);
        assert_eq!(old_scheme(".site.surveysite", "site"), None);
    }
}
