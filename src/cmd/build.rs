//! `surveysite build`: load, render, write atomically, print one summary line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::load;
use crate::render;

/// Loads the project, applying a `--base-url` override.
pub fn load_project(root: &Path, base_url: Option<&str>) -> Result<load::Project> {
    let mut project = load::project(root)?;
    if let Some(url) = base_url {
        crate::url::validate_base_url(url).map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
        project.config.base_url = url.to_string();
    }
    Ok(project)
}

pub fn run(
    root: &Path,
    output: Option<PathBuf>,
    base_url: Option<&str>,
    force: bool,
) -> Result<()> {
    let start = Instant::now();
    let project = load_project(root, base_url)?;
    let site = render::site(&project)?;
    // A commentary file that matches no page is most likely a mistyped id: say so.
    for c in crate::render::pages::orphan_commentary(&project) {
        eprintln!("warning: {}", crate::render::pages::orphan_message(c));
    }
    let output = output.unwrap_or_else(|| root.join("site"));
    crate::output::write(&output, &project, &site.files, force)?;
    let pages = site
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    println!(
        "built {pages} pages ({} files, charts: {} rendered, {} cached) into {} in {} ms",
        site.files.len(),
        site.charts.rendered,
        site.charts.cached,
        output.display(),
        start.elapsed().as_millis()
    );
    Ok(())
}
