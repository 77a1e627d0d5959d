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
                .map(|q| format!("{} {}", super::format::question_label(survey, q), q.title));
            let scope = (p.kind == Kind::Question)
                .then_some(super::strings::of(&project.config.language).search_scope_question);
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
    // What the index is made of: an unchanged site (a warm rebuild) reuses the last index.
    let inputs: Vec<(String, String)> = pages
        .into_iter()
        .filter_map(|(file, extra)| {
            let html = std::str::from_utf8(&file.bytes).ok()?;
            Some((file.path.clone(), indexed_html(html, extra)?))
        })
        .collect();
    let key = crate::cache::key(&(CACHE_FORMAT, &language, &inputs));
    let cache_file = crate::cache::dir(&project.root).join("search.bin");
    let cached = key
        .as_deref()
        .and_then(|k| decode(&std::fs::read(&cache_file).ok()?, k));
    let made = match cached {
        Some(files) => files,
        None => {
            let made = make(language, inputs)?;
            if let Some(k) = &key {
                crate::cache::write(&cache_file, &encode(k, &made));
            }
            made
        }
    };
    let mut out: Vec<OutputFile> = made
        .into_iter()
        .filter_map(|(name, contents)| {
            wanted(&name).then(|| OutputFile {
                path: format!("{DIR}{name}"),
                bytes: contents,
            })
        })
        .collect();
    out.push(OutputFile {
        path: "assets/search.js".into(),
        bytes: super::strings::localize_script(
            templates::asset(&project.root, "search.js", SEARCH_JS)?,
            &project.config.language,
        ),
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Bump when the cached form of the index changes.
const CACHE_FORMAT: u32 = 1;

/// Pagefind's files for these pages (path, HTML as indexed), by name.
fn make(language: String, inputs: Vec<(String, String)>) -> Result<Vec<(String, Vec<u8>)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("search index: starting the indexer")?;
    let made = runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language(language)
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))?;
        for (path, html) in inputs {
            index
                .add_html_file(Some(path.clone()), None, html)
                .await
                .with_context(|| format!("search index: {path}"))?;
        }
        index.get_files().await
    })?;
    Ok(made
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect())
}

/// The cached index: the key, the number of files, then each file's name and bytes; every part
/// preceded by its length (u64, little endian).
fn encode(key: &str, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let count = (files.len() as u64).to_le_bytes();
    let mut out = Vec::new();
    for part in [key.as_bytes(), &count[..]].into_iter().chain(
        files
            .iter()
            .flat_map(|(name, bytes)| [name.as_bytes(), bytes.as_slice()]),
    ) {
        out.extend_from_slice(&(part.len() as u64).to_le_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// The files of a cached index made under `key`; `None` if it is another key or not whole.
fn decode(mut bytes: &[u8], key: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let mut next = || -> Option<&[u8]> {
        let len = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
        let part = bytes.get(8..8usize.checked_add(len)?)?;
        bytes = &bytes[8 + len..];
        Some(part)
    };
    if next()? != key.as_bytes() {
        return None;
    }
    let count = u64::from_le_bytes(next()?.try_into().ok()?);
    let mut files = Vec::new();
    for _ in 0..count {
        let name = String::from_utf8(next()?.to_vec()).ok()?;
        files.push((name, next()?.to_vec()));
    }
    next().is_none().then_some(files)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_index_reads_back_only_whole_and_under_its_key() {
        let files = vec![
            ("a.js".to_string(), b"x".to_vec()),
            ("b".into(), vec![0, 1, 2]),
        ];
        let bytes = encode("k1", &files);
        assert_eq!(decode(&bytes, "k1"), Some(files.clone()));
        assert_eq!(decode(&bytes, "k2"), None);
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], "k1"), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&encode("k1", &files));
        assert_eq!(decode(&longer, "k1"), None);
    }

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
