//! Full-text search: the rendered pages → a Pagefind index under `pagefind/`, with the search
//! script it needs and the site's own small search box script (`assets/search.js`). Everything
//! ships inside the binary (Pagefind's wasm and JS come with the crate): no network at build or
//! read time. Japanese is segmented into words at build time by ICU4X (Pagefind's `extended`
//! feature) and in the reader's browser by `Intl.Segmenter`. Only what a page shows is indexed
//! (suppressed cells and draft commentary are not in the HTML, so they cannot be found).

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::load::Project;
use crate::render::pages::{self, Kind};
use crate::render::{OutputFile, escape_html, templates};

/// Where the index and Pagefind's scripts go in the site.
pub const DIR: &str = "pagefind/";

/// The search box: loads `pagefind/pagefind.js` when the reader first types, shows results.
pub const SEARCH_JS: &str = include_str!("../../templates/assets/search.js");

/// The files Pagefind makes that the search box uses (its own UI bundles are left out: the site
/// has its own box, and a reader downloads nothing it does not use).
fn wanted(name: &str) -> bool {
    matches!(
        name,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json" | "wasm.unknown.pagefind"
    ) || name.ends_with(".pf_meta")
        || name.starts_with("index/")
        || name.starts_with("fragment/")
        || name.starts_with("filter/")
}

/// What the index adds to a page beyond its text: its region and question as metadata (shown
/// under each result) and as words of their own, so a name is found whole even where word
/// segmentation cuts it differently from the reader's query.
struct Extra {
    region: Option<String>,
    question: Option<String>,
    /// What kind of page, for results that would otherwise look alike (a question's page beside
    /// its region × question pages); shown, not searched.
    scope: Option<&'static str>,
}

fn extras(project: &Project) -> BTreeMap<String, Extra> {
    let survey = &project.survey;
    pages::list(project)
        .into_iter()
        // The regions and questions indexes list every name: they would match every query.
        .filter(|p| !matches!(p.kind, Kind::NotFound | Kind::Regions | Kind::Questions))
        .map(|p| {
            let region = p
                .region
                .as_deref()
                .and_then(|id| survey.regions.iter().find(|r| r.id == id))
                .map(|r| r.title.clone());
            let question = p
                .question
                .as_deref()
                .and_then(|id| survey.questions.iter().find(|q| q.id == id))
                .map(|q| format!("{} {}", pages::question_label(survey, q), q.title));
            let scope = (p.kind == Kind::Question).then_some("全地域の比較");
            (
                p.output_file(),
                Extra {
                    region,
                    question,
                    scope,
                },
            )
        })
        .collect()
}

/// The HTML Pagefind reads for one page: the page with its region and question added at the end
/// of `<main>` (the published page is not changed). `None` for pages without a searchable body.
fn indexed_html(html: &str, extra: &Extra) -> Option<String> {
    let end = html.rfind("</main>")?;
    if !html[..end].contains("data-pagefind-body") {
        return None;
    }
    let mut added = String::new();
    for (key, value) in [("region", &extra.region), ("question", &extra.question)] {
        if let Some(value) = value {
            added.push_str(&format!(
                "<p data-pagefind-meta=\"{key}\">{}</p>",
                escape_html(value)
            ));
        }
    }
    if let Some(scope) = extra.scope {
        added.push_str(&format!(
            "<p data-pagefind-meta=\"scope:{}\"></p>",
            escape_html(scope)
        ));
    }
    Some(format!("{}{added}{}", &html[..end], &html[end..]))
}

/// The search index and scripts for the site's `files` (the rendered pages among them).
pub fn index(project: &Project, files: &[OutputFile]) -> Result<Vec<OutputFile>> {
    let extras = extras(project);
    // Pages go in sorted by path, so the index is the same bytes on every build; each page's
    // HTML is copied only while it is being indexed.
    let mut pages: Vec<(&OutputFile, &Extra)> = files
        .iter()
        .filter_map(|f| Some((f, extras.get(&f.path)?)))
        .collect();
    pages.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let language = project.config.language.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("search index: starting the indexer")?;
    let made = runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language(language)
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))?;
        for (file, extra) in pages {
            let Some(html) = std::str::from_utf8(&file.bytes)
                .ok()
                .and_then(|html| indexed_html(html, extra))
            else {
                continue;
            };
            index
                .add_html_file(Some(file.path.clone()), None, html)
                .await
                .with_context(|| format!("search index: {}", file.path))?;
        }
        index.get_files().await
    })?;
    let mut out: Vec<OutputFile> = made
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            wanted(&name).then(|| OutputFile {
                path: format!("{DIR}{name}"),
                bytes: f.contents,
            })
        })
        .collect();
    out.push(OutputFile {
        path: "assets/search.js".into(),
        bytes: templates::asset(&project.root, "search.js", SEARCH_JS)?,
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_question_are_added_inside_main_escaped() {
        let html =
            "<html><body><main id=\"main\" data-pagefind-body><h1>t</h1></main></body></html>";
        let extra = Extra {
            region: Some("区西南部".into()),
            question: Some("Q1 <b>連携</b>".into()),
            scope: None,
        };
        let out = indexed_html(html, &extra).unwrap();
        assert!(out.contains(
            "<h1>t</h1><p data-pagefind-meta=\"region\">区西南部</p><p data-pagefind-meta=\"question\">Q1 &lt;b&gt;連携&lt;/b&gt;</p></main>"
        ), "{out}");
    }

    #[test]
    fn pages_without_a_search_body_are_not_indexed() {
        let extra = Extra {
            region: None,
            question: None,
            scope: None,
        };
        assert!(indexed_html("<main id=\"main\"><h1>t</h1></main>", &extra).is_none());
        assert!(indexed_html("<p>no main</p>", &extra).is_none());
    }
}
