//! Writing the site to disk atomically: everything goes into a temporary folder beside the
//! output, which replaces the output only when every file was written. A failed build leaves the
//! previous site as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::render::OutputFile;

/// Written into every output folder, so that a later build knows the folder is its own.
pub const MARKER: &str = ".surveysite";

pub fn write(output: &Path, files: &[OutputFile], force: bool) -> Result<()> {
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
        fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    } else {
        fs::rename(staging, output)
            .with_context(|| format!("moving the new site into {}", output.display()))?;
    }
    Ok(())
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
