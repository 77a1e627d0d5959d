//! `surveysite build`: load, render, write atomically, print one summary line.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
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
    let mut prepared = render::prepare(&project)?;
    prepared.charts.drawings = Some(std::sync::Arc::new(render::svg::Drawings::new(
        &project.root,
    )));
    let output = output.unwrap_or_else(|| root.join("site"));
    // Pages go to disk as they are rendered (the site is never whole in memory); the output
    // changes only at commit, and a failed build leaves it as it was.
    let staging = crate::output::Staging::begin(&output, &project, force)?;
    let (pages, files) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let put = |f: &render::OutputFile| -> Result<()> {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        files.fetch_add(1, Ordering::Relaxed);
        staging.put(&f.path, &f.bytes)
    };
    // The search index needs every page: what it reads of each is kept (a fraction of it).
    let search = render::search::Collector::new(&project);
    render::render_pages_into(&project, &prepared, &|_| true, &|f| {
        put(&f)?;
        search.add(&f);
        Ok(())
    })?;
    // The index is made after every page: what only the pages needed is let go first.
    let charts = prepared.charts.specs.len();
    if let Some(drawings) = prepared.charts.drawings.take() {
        drawings.finish();
    }
    drop(prepared);
    for f in search
        .finish(&project)?
        .iter()
        .chain(&render::site_files(&project)?)
    {
        put(f)?;
    }
    // A commentary file that matches no page is most likely a mistyped id: say so.
    for c in &render::pages::orphan_commentary(&project) {
        eprintln!("warning: {}", render::pages::orphan_message(c));
    }
    staging.commit()?;
    println!(
        "built {} pages ({} files, {} charts) into {} in {} ms",
        pages.into_inner(),
        files.into_inner(),
        charts,
        output.display(),
        start.elapsed().as_millis()
    );
    Ok(())
}
