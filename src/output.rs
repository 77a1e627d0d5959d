//! Writing the site to disk atomically: everything goes into a temporary folder beside the
//! output, which replaces the output only when every file was written. A failed build leaves the
//! previous site as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::render::OutputFile;

/// Written into every output folder, so that a later build knows the folder is its own.
pub const MARKER: &str = ".surveysite";

pub fn write(output: &Path, root: &Path, files: &[OutputFile], force: bool) -> Result<()> {
    guard_inputs(output, root)?;
    if output.exists() && !force && !is_ours(output)? {
        anyhow::bail!(
            "{} exists, is not empty and was not made by surveysite: refusing to replace it (use --force to replace it anyway)",
            output.display()
        );
    }
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = output
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().to_string());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = write_all(&staging, files).and_then(|()| swap(&staging, output, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::write(
        dir.join(MARKER),
        "This folder is written by surveysite build; it is replaced on every build.\n",
    )?;
    for f in files {
        let path = dir.join(&f.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
        }
        fs::write(&path, &f.bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<()> {
    if output.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::rename(output, &old)
            .with_context(|| format!("moving the previous {} aside", output.display()))?;
        if let Err(e) = fs::rename(staging, output) {
            let _ = fs::rename(&old, output);
            return Err(e)
                .with_context(|| format!("moving the new site into {}", output.display()));
        }
        // The new site is in place: a leftover old copy is not a failed build.
        if let Err(e) = fs::remove_dir_all(&old) {
            eprintln!(
                "warning: could not remove the previous site at {}: {e}",
                old.display()
            );
        }
    } else {
        fs::rename(staging, output)
            .with_context(|| format!("moving the new site into {}", output.display()))?;
    }
    Ok(())
}

/// The output replaces a whole folder: never the project, a folder holding it, or its inputs
/// (not even with --force).
fn guard_inputs(output: &Path, root: &Path) -> Result<()> {
    let out = resolved(output);
    let root = resolved(root);
    if root.starts_with(&out) {
        anyhow::bail!(
            "--output {} is the project folder or holds it: building there would replace report.yaml, data/ and content/ (choose e.g. {})",
            output.display(),
            root.join("site").display()
        );
    }
    for input in ["content", "data", "templates", ".git"] {
        if out.starts_with(root.join(input)) {
            anyhow::bail!(
                "--output {} is inside the project's {input}/ folder, which the build reads: choose a folder outside it",
                output.display()
            );
        }
    }
    Ok(())
}

/// An absolute path with `.` and `..` folded and symlinks resolved as far as the path exists.
fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(name) = existing.file_name().map(|n| n.to_os_string()) else {
            break;
        };
        rest.push(name);
        existing.pop();
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    out.extend(rest.into_iter().rev());
    out
}

/// An output folder may be replaced when it is empty or holds our marker.
fn is_ours(output: &Path) -> Result<bool> {
    if !output.is_dir() {
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

    #[test]
    fn the_project_and_its_inputs_are_never_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("report");
        fs::create_dir_all(root.join("data")).unwrap();
        assert!(guard_inputs(&root, &root).is_err());
        assert!(guard_inputs(tmp.path(), &root).is_err());
        assert!(guard_inputs(&root.join("data"), &root).is_err());
        assert!(guard_inputs(&root.join("data/out"), &root).is_err());
        assert!(guard_inputs(&root.join("site/../data"), &root).is_err());
        assert!(guard_inputs(&root.join("site"), &root).is_ok());
        assert!(guard_inputs(&tmp.path().join("elsewhere"), &root).is_ok());
    }
}
