//! Full-text search: the rendered pages → a Pagefind index under `pagefind/`, with the search
//! script it needs and the site's own small search box script (`assets/search.js`). Everything
//! ships inside the binary (Pagefind's wasm and JS come with the crate): no network at build or
//! read time. Japanese is segmented into words at build time by ICU4X (Pagefind's `extended`
//! feature) and in the reader's browser by `Intl.Segmenter`. Only what a page shows is indexed
//! (suppressed cells and draft commentary are not in the HTML, so they cannot be found).

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use memchr::memmem;

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
    let end = memmem::rfind(html.as_bytes(), b"</main>")?;
    if !contains(&html[..end], "data-pagefind-body") {
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

/// Gathers what the index needs while pages are rendered (from several threads): each page's
/// HTML as indexed, without the parts the index never reads (the charts' drawings and their
/// interactive options), so a build holds a fraction of the site's bytes rather than all of it.
pub struct Collector {
    extras: BTreeMap<String, Extra>,
    pages: std::sync::Mutex<Vec<(String, String)>>,
}

impl Collector {
    pub fn new(project: &Project) -> Collector {
        Collector {
            extras: extras(project),
            pages: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Takes note of one output file (files that are not searchable pages are passed over).
    pub fn add(&self, file: &OutputFile) {
        let Some(extra) = self.extras.get(&file.path) else {
            return;
        };
        let Ok(html) = std::str::from_utf8(&file.bytes) else {
            return;
        };
        if let Some(indexed) = indexed_html(&unread_parts_removed(html), extra) {
            let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
            pages.push((file.path.clone(), indexed));
        }
    }

    /// The search index and scripts for the pages added.
    pub fn finish(self, project: &Project) -> Result<Vec<OutputFile>> {
        let mut inputs = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        // Pages go in sorted by path, so the index is the same bytes on every build.
        inputs.sort_by(|a, b| a.0.cmp(&b.0));
        let language = project.config.language.clone();
        // What the index is made of: an unchanged site (a warm rebuild) reuses the last index.
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
}

/// The search index and scripts for the site's `files` (the rendered pages among them).
pub fn index(project: &Project, files: &[OutputFile]) -> Result<Vec<OutputFile>> {
    let collector = Collector::new(project);
    for file in files {
        collector.add(file);
    }
    collector.finish(project)
}

/// The page without what Pagefind never reads, so the build holds a fraction of the site's
/// bytes: the content of each chart box (the drawn SVGs, about half a page's bytes), the content
/// of the charts' JSON options (scripts are not text), and the content of every other element
/// marked `data-pagefind-ignore` (tables a page shares with others, navigation) when it holds
/// nothing Pagefind reads inside an ignored element (an `id`, which would be an anchor, or a
/// `data-pagefind-…` attribute). The index made from it is the same bytes.
fn unread_parts_removed(html: &str) -> std::borrow::Cow<'_, str> {
    const BOX: &str = "<div class=\"chart-box\"";
    const OPTION: &str = "<script type=\"application/json\"";
    if !contains(html, IGNORE) && !contains(html, OPTION) {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() / 2);
    // Offsets into `html`: what is copied up to, and the next of each kind (searched again only
    // once passed, so a page is scanned once).
    let mut done = 0;
    let mut next_option = find(html, OPTION);
    let mut next_ignored = ignored_element(html, 0);
    loop {
        if next_option.is_some_and(|o| o < done) {
            next_option = find(&html[done..], OPTION).map(|o| o + done);
        }
        if next_ignored.is_some_and(|(i, _)| i < done) {
            next_ignored = ignored_element(html, done);
        }
        let (at, cut) = match (next_option, next_ignored) {
            (Some(o), i) if i.is_none_or(|(i, _)| o < i) => (o, Cut::Script),
            (_, Some((i, _))) if html[i..].starts_with(BOX) => (i, Cut::ChartBox),
            (_, Some((i, name))) => (i, Cut::Ignored(name)),
            _ => break,
        };
        // The opening tag ends at its first `>` (attribute values here hold none).
        let Some(tag_end) = html[at..].find('>').map(|e| at + e + 1) else {
            break;
        };
        let content = &html[tag_end..];
        let close = match cut {
            Cut::Script => find(content, "</script>").map(|c| (c, "</script>")),
            Cut::ChartBox => find(content, "</div>").map(|c| (c, "</div>")),
            Cut::Ignored(name) => closing_tag(content, name).filter(|&(c, _)| {
                let inside = &content[..c];
                !inside.contains(" id=") && !inside.contains(" data-pagefind")
            }),
        };
        out.push_str(&html[done..tag_end]);
        done = tag_end;
        // The element stays, empty (an element with an id is an anchor in the index); one
        // unclosed, or holding what the index reads, is left as it is.
        if let Some((c, closing)) = close {
            out.push_str(closing);
            done = tag_end + c + closing.len();
        }
    }
    out.push_str(&html[done..]);
    out.into()
}

const IGNORE: &str = " data-pagefind-ignore";

/// Where `needle` first is in `html` (a page is searched several times over: memchr's search is
/// several times faster than `str::find`). Needles start with an ASCII character, so the offset
/// is a character boundary.
fn find(html: &str, needle: &str) -> Option<usize> {
    memmem::find(html.as_bytes(), needle.as_bytes())
}

fn contains(html: &str, needle: &str) -> bool {
    find(html, needle).is_some()
}

/// What is emptied of an element the index does not read.
enum Cut<'a> {
    /// A chart's JSON option.
    Script,
    /// A chart's drawings (SVG, whose ids are not anchors of the page's text).
    ChartBox,
    /// Another element marked `data-pagefind-ignore`, by its tag name.
    Ignored(&'a str),
}

/// Where the next element marked ` data-pagefind-ignore` at or after `from` starts in `html`,
/// and its tag name.
fn ignored_element(html: &str, mut from: usize) -> Option<(usize, &str)> {
    loop {
        let attr = from + find(&html[from..], IGNORE)?;
        // Inside a start tag: the last `<` before the attribute comes after the last `>`.
        let open = html[..attr].rfind('<');
        let shut = html[..attr].rfind('>');
        if let Some(open) = open.filter(|&o| shut.is_none_or(|s| s < o)) {
            let name_end = html[open + 1..attr]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(attr, |e| open + 1 + e);
            let name = &html[open + 1..name_end];
            if !name.is_empty() {
                return Some((open, name));
            }
        }
        from = attr + 1;
    }
}

/// Where the `</name>` closing the element whose content starts `html` is, counting elements
/// of the same name opened inside it; with the closing tag's text.
fn closing_tag(html: &str, name: &str) -> Option<(usize, &'static str)> {
    const VOID: [&str; 6] = ["br", "hr", "img", "input", "meta", "link"];
    if VOID.contains(&name) {
        return None;
    }
    let closing: &'static str = match name {
        "div" => "</div>",
        "nav" => "</nav>",
        "table" => "</table>",
        "caption" => "</caption>",
        "thead" => "</thead>",
        "figcaption" => "</figcaption>",
        "p" => "</p>",
        "section" => "</section>",
        "span" => "</span>",
        "ul" => "</ul>",
        "figure" => "</figure>",
        "aside" => "</aside>",
        _ => return None,
    };
    let opening = format!("<{name}");
    let (mut depth, mut at) = (0usize, 0);
    loop {
        let next_close = html[at..].find(closing)? + at;
        let next_open = html[at..]
            .match_indices(&opening)
            .map(|(i, _)| i + at)
            .find(|&i| {
                html[i + opening.len()..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
            });
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + opening.len();
            }
            _ if depth == 0 => return Some((next_close, closing)),
            _ => {
                depth -= 1;
                at = next_close + closing.len();
            }
        }
    }
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
    fn the_index_reads_pages_without_chart_drawings_or_options() {
        let html = "<main data-pagefind-body><h1>t</h1><figure id=\"c\"><figcaption>図</figcaption>\
            <div class=\"chart-box\" data-chart=\"c\" data-pagefind-ignore><svg><text>1</text></svg><svg></svg></div>\
            <p>表</p><script type=\"application/json\" id=\"c-option\">{\"a\":1}</script></figure></main>";
        assert_eq!(
            unread_parts_removed(html),
            "<main data-pagefind-body><h1>t</h1><figure id=\"c\"><figcaption>図</figcaption>\
            <div class=\"chart-box\" data-chart=\"c\" data-pagefind-ignore></div>\
            <p>表</p><script type=\"application/json\" id=\"c-option\"></script></figure></main>"
        );
        // A page without charts is passed as it is; an unclosed box is left alone.
        assert_eq!(unread_parts_removed("<p>x</p>"), "<p>x</p>");
        let unclosed = "<div class=\"chart-box\" data-pagefind-ignore><svg>";
        assert_eq!(unread_parts_removed(unclosed), unclosed);
    }

    #[test]
    fn other_ignored_elements_are_emptied_unless_they_hold_what_the_index_reads() {
        let html = "<main data-pagefind-body><h1>t</h1>\
            <div class=\"table-scroll\" data-pagefind-ignore><div><table><tr><td>1</td></tr></table></div><p>x</p></div>\
            <p>kept</p><nav class=\"pager\" aria-label=\"a\" data-pagefind-ignore><ul><li>前</li></ul></nav>\
            <table><caption data-pagefind-ignore>表</caption><thead data-pagefind-ignore><tr><th>h</th></tr></thead></table>\
            <div data-pagefind-ignore><p id=\"anchor\">a</p></div>\
            <div data-pagefind-ignore><p data-pagefind-meta=\"m\">b</p></div>\
            <p>data-pagefind-ignore as text <b>x</b></p></main>";
        assert_eq!(
            unread_parts_removed(html),
            "<main data-pagefind-body><h1>t</h1>\
            <div class=\"table-scroll\" data-pagefind-ignore></div>\
            <p>kept</p><nav class=\"pager\" aria-label=\"a\" data-pagefind-ignore></nav>\
            <table><caption data-pagefind-ignore></caption><thead data-pagefind-ignore></thead></table>\
            <div data-pagefind-ignore><p id=\"anchor\">a</p></div>\
            <div data-pagefind-ignore><p data-pagefind-meta=\"m\">b</p></div>\
            <p>data-pagefind-ignore as text <b>x</b></p></main>"
        );
        // An element of a kind not known here, or unclosed, is left as it is.
        for kept in [
            "<main><dl data-pagefind-ignore><dt>a</dt></dl></main>",
            "<main><div data-pagefind-ignore><div>a</div></main>",
        ] {
            assert_eq!(unread_parts_removed(kept), kept);
        }
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
