//! The project → the site's files, in memory: `(path, bytes)` for every file of the output.

pub mod charts;
pub mod commentary;
pub mod context;
pub mod echarts;
pub mod editions;
pub mod format;
pub mod maps;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod shortcodes;
pub mod strings;
pub mod svg;
pub mod templates;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::load::Project;

/// HTML-escapes text (for attributes too): Tera's escaper, the same the templates use.
pub fn escape_html(text: &str) -> String {
    let mut buf = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(text, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// One file of the generated site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/`: "regions/tokyo/index.html".
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The charts of the site: what each plots, by chart id (drawn when a page shows it).
pub struct Charts {
    pub specs: BTreeMap<String, charts::ChartSpec>,
    /// Drawings kept between builds (`build` only, shared by every edition; `None`: every
    /// chart is drawn).
    pub drawings: Option<std::sync::Arc<svg::Drawings>>,
}

impl Charts {
    /// Both SVG variants of a chart.
    pub fn svg(&self, spec: &charts::ChartSpec) -> String {
        match &self.drawings {
            Some(kept) => kept.render(spec),
            None => svg::render(spec),
        }
    }

    /// The chart's ECharts option (JSON).
    pub fn option_json(&self, spec: &charts::ChartSpec) -> String {
        match &self.drawings {
            Some(kept) => kept.option_json(spec),
            None => spec.option_json(),
        }
    }
}

/// What every page needs and a commentary edit does not change: templates and charts.
pub struct Prepared {
    pub templates: templates::Templates,
    pub charts: Charts,
}

pub fn prepare(project: &Project) -> Result<Prepared> {
    let templates = templates::load(&project.root)?;
    let specs = charts::specs_in(&project.survey, strings::of(&project.config.language));
    Ok(Prepared {
        templates,
        charts: Charts {
            specs,
            drawings: None,
        },
    })
}

/// Renders the pages `wanted` accepts, with the CSV files of their charts.
pub fn render_pages(
    project: &Project,
    prepared: &Prepared,
    wanted: &(dyn Fn(&pages::Page) -> bool + Sync),
) -> Result<Vec<OutputFile>> {
    let files = std::sync::Mutex::new(Vec::new());
    render_pages_into(project, prepared, wanted, &|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Renders the pages `wanted` accepts, with the CSV files of their charts, handing each file to
/// `sink` as soon as it is made (from several threads, in no set order), so a build need not hold
/// the whole site in memory. On errors, the first failing page in page order is reported.
pub fn render_pages_into(
    project: &Project,
    prepared: &Prepared,
    wanted: &(dyn Fn(&pages::Page) -> bool + Sync),
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    render_edition_into(project, prepared, wanted, sink)?;
    // Earlier editions (codebook `editions:`): the same page list under `<id>/`, one edition at a
    // time, its charts made from its own figures.
    for i in 0..project.editions.len() {
        let Some(earlier) = project.for_edition(i) else {
            continue;
        };
        let specs = charts::specs_in(&earlier.survey, strings::of(&earlier.config.language));
        let charts = Charts {
            specs,
            drawings: prepared.charts.drawings.clone(),
        };
        render_with_charts(&earlier, &prepared.templates, &charts, wanted, sink)?;
    }
    Ok(())
}

/// The pages of one edition (the project's own survey).
fn render_edition_into(
    project: &Project,
    prepared: &Prepared,
    wanted: &(dyn Fn(&pages::Page) -> bool + Sync),
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    render_with_charts(project, &prepared.templates, &prepared.charts, wanted, sink)
}

fn render_with_charts(
    project: &Project,
    templates: &templates::Templates,
    charts: &Charts,
    wanted: &(dyn Fn(&pages::Page) -> bool + Sync),
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    let prepared_templates = templates;
    let commentary = commentary::render_all(project, charts, prepared_templates)?;
    let index = context::Index::new(project);
    let list: Vec<pages::Page> = pages::list(project)
        .into_iter()
        .filter(|p| wanted(p))
        .collect();
    let render_one = |page: &pages::Page| -> Result<()> {
        let context = context::context(&index, page, charts, &commentary)?;
        let html = templates::render_context(prepared_templates, page.kind.template(), &context)?;
        sink(OutputFile {
            path: page.output_file(),
            bytes: html.into_bytes(),
        })?;
        for id in pages::chart_ids(page) {
            if let Some(spec) = charts.specs.get(&id) {
                sink(OutputFile {
                    path: format!("{}{}", page.path, spec.csv_name()),
                    bytes: spec.csv_bytes(),
                })?;
            }
        }
        // Several editions: the region × question's trend as CSV, beside its page.
        if let (pages::Kind::RegionQuestion, Some(r), Some(q)) =
            (page.kind, &page.region, &page.question)
            && let (Some(r), Some(q)) = (project.survey.region(r), project.survey.question(q))
            && let Some(trend) =
                editions::trend(project, r, q, strings::of(&project.config.language))
        {
            sink(OutputFile {
                path: format!("{}{}", page.path, editions::TREND_CSV),
                bytes: charts::csv_bytes(&trend.csv),
            })?;
        }
        Ok(())
    };
    parallel(&list, render_one)
}

/// Runs `work` on every item on as many threads as the machine has cores (items are taken in
/// order); the error of the first failing item in list order wins, so messages are deterministic.
fn parallel<T: Sync>(items: &[T], work: impl Fn(&T) -> Result<()> + Sync) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let first_error: std::sync::Mutex<Option<(usize, anyhow::Error)>> = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if let Err(e) = work(item) {
                        let mut slot = first_error.lock().unwrap_or_else(|e| e.into_inner());
                        if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                            *slot = Some((i, e));
                        }
                    }
                }
            });
        }
    });
    match first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Every file of the site.
pub fn site(project: &Project) -> Result<Vec<OutputFile>> {
    site_with(project, &prepare(project)?)
}

/// Every file of the site, from prepared templates and charts.
pub fn site_with(project: &Project, prepared: &Prepared) -> Result<Vec<OutputFile>> {
    let mut files = render_pages(project, prepared, &|_| true)?;
    // The search index is made from the rendered pages (what a reader sees, nothing more).
    let index = search::index(project, &files)?;
    files.extend(index);
    files.extend(site_files(project)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The files of the site that are not pages: the report's numbers, assets, sitemap, robots.txt.
pub fn site_files(project: &Project) -> Result<Vec<OutputFile>> {
    let mut files = vec![OutputFile {
        path: pages::DATA_CSV.into(),
        bytes: charts::csv_bytes(&context::all_data_rows_in(
            &project.survey,
            strings::of(&project.config.language),
        )),
    }];
    let earlier: Vec<Project> = (0..project.editions.len())
        .filter_map(|i| project.for_edition(i))
        .collect();
    for e in &earlier {
        files.push(OutputFile {
            path: format!("{}{}", e.edition_prefix(), pages::DATA_CSV),
            bytes: charts::csv_bytes(&context::all_data_rows_in(
                &e.survey,
                strings::of(&e.config.language),
            )),
        });
    }
    for (name, default) in templates::ASSETS {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            bytes: templates::asset(&project.root, name, default)?,
        });
    }
    for (name, bytes) in templates::extra_assets(&project.root)? {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            bytes,
        });
    }
    if !project.editions.is_empty() {
        let (name, default) = templates::EDITIONS_CSS;
        files.push(OutputFile {
            path: format!("assets/{name}"),
            bytes: templates::asset(&project.root, name, default)?,
        });
    }
    if project.config.settings.interactive_charts {
        files.push(OutputFile {
            path: "assets/echarts.min.js".into(),
            bytes: echarts::ECHARTS_JS.as_bytes().to_vec(),
        });
        files.push(OutputFile {
            path: "assets/charts.js".into(),
            bytes: strings::localize_script(
                templates::asset(&project.root, "charts.js", templates::CHARTS_JS)?,
                &project.config.language,
            ),
        });
    }
    // GitHub Pages: serve files as they are (no Jekyll), so folders starting with _ work too.
    files.push(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    let page_paths: Vec<String> = pages::list(project)
        .into_iter()
        .chain(earlier.iter().flat_map(pages::list))
        .filter(|p| p.kind != pages::Kind::NotFound)
        .map(|p| p.path)
        .collect();
    let base_url = &project.config.base_url;
    if let Some(sitemap) = sitemap(base_url, &page_paths) {
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap.into_bytes(),
        });
    }
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = crate::url::absolute(base_url, "sitemap.xml") {
        robots.push_str(&format!("Sitemap: {url}\n"));
    }
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: robots.into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// sitemap.xml with the absolute URL of every page; none without a base URL (a sitemap needs
/// absolute URLs).
pub fn sitemap(base_url: &str, pages: &[String]) -> Option<String> {
    crate::url::absolute(base_url, "")?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let url = crate::url::absolute(base_url, page)?;
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_html(&url)));
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_lists_absolute_urls_under_the_base_path() {
        let xml = sitemap(
            "https://u.github.io/repo/",
            &["".into(), "regions/tokyo/".into()],
        )
        .unwrap();
        assert!(xml.contains("<loc>https://u.github.io/repo/</loc>"));
        assert!(xml.contains("<loc>https://u.github.io/repo/regions/tokyo/</loc>"));
        assert!(sitemap("", &["".into()]).is_none());
    }
}
