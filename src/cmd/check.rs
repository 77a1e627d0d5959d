//! `surveysite check`: build in memory and report every problem at once — broken links and
//! anchors, ids used twice on a page, pages without a title, orphan commentary, data problems —
//! and the pages that have no commentary yet (a list, not an error). Drafts are checked too:
//! `serve` shows them, and a draft is published by deleting one line.

use std::path::Path;

use anyhow::Result;

use crate::render::pages::{self, Kind, orphan_commentary, orphan_message};
use crate::{linkcheck, load, render, url};

pub fn run(root: &Path, base_url: Option<&str>) -> Result<()> {
    let mut project = super::build::load_project(root, base_url)?;
    project.drafts = true;
    let files = render::site(&project)?;
    let report = check(&project, &files);
    for line in &report.missing_commentary {
        println!("no commentary yet: {line}");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    for error in &report.errors {
        eprintln!("error: {error}");
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    if report.errors.is_empty() {
        println!(
            "checked {pages} pages: no errors, {} warnings, {} pages without commentary",
            report.warnings.len(),
            report.missing_commentary.len()
        );
        Ok(())
    } else {
        anyhow::bail!(
            "check found {} errors in {pages} pages",
            report.errors.len()
        )
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub missing_commentary: Vec<String>,
}

pub fn check(project: &load::Project, files: &[render::OutputFile]) -> Report {
    let mut report = Report::default();
    let base_path = url::base_path(&project.config.base_url);
    for b in linkcheck::check(files, &base_path) {
        report.errors.push(format!(
            "{}: broken link \"{}\": {}",
            b.page, b.href, b.reason
        ));
    }
    for d in linkcheck::duplicate_ids(files) {
        report.errors.push(format!(
            "{}: id \"{}\" is used {} times on the page (a link to #{} reaches only the first)",
            d.page, d.id, d.times, d.id
        ));
    }
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t.trim());
        if title.is_none_or(str::is_empty) {
            report
                .errors
                .push(format!("{}: the page has no <title>", f.path));
        }
    }
    let orphans = orphan_commentary(project);
    report.errors.extend(orphans.iter().map(orphan_message));
    let every = project
        .commentary
        .iter()
        .chain(project.edition_commentary.values().flatten());
    for c in every {
        if orphans.iter().any(|o| o.file == c.file) {
            continue;
        } else if c.front.draft {
            report
                .warnings
                .push(format!("{}: draft: left out of `build`", c.file));
        }
    }
    // Features of the boundary file that are no region of the survey (load/geo.rs).
    if let Some(map) = &project.map {
        report.warnings.extend(map.warnings.iter().cloned());
    }
    let page_list = pages::list(project);
    for p in page_list.iter().filter(|p| p.kind != Kind::NotFound) {
        if !project.commentary.iter().any(|c| c.page == p.path) {
            report.missing_commentary.push(format!(
                "/{} ({})",
                p.path,
                commentary_file(p.kind, &p.path)
            ));
        }
    }
    report
}

/// The file the docs name for a page's commentary: `content/regions/east/index.md` for a region,
/// `content/regions/east/q1.md` for a region × question page (as in docs/content.md).
fn commentary_file(kind: Kind, page: &str) -> String {
    match kind {
        Kind::RegionQuestion => format!("content/{}.md", page.trim_end_matches('/')),
        _ => format!("content/{page}index.md"),
    }
}
