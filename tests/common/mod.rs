//! Helpers for the integration tests: copy a report project into a temp folder, run the real
//! binary on it, and read the pages it writes with plain string parsing (no HTML crate).

#![allow(dead_code)] // each helper is used by some test module, not all

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;

use tempfile::TempDir;

/// The example report's folders and files, at the repository root.
pub const EXAMPLE_PARTS: &[&str] = &["report.yaml", "data", "content", "templates"];

pub const REGIONS: &[&str] = &["ku-seinanbu", "tokyo"];
pub const QUESTIONS: &[&str] = &["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"];

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A report project copied into a temporary folder.
pub struct Project {
    // shared with the sites built from it, so `Project::example().build()` keeps its folder
    dir: Rc<TempDir>,
}

impl Project {
    /// The example report (report.yaml, data/, content/, templates/).
    pub fn example() -> Project {
        Project::example_with(EXAMPLE_PARTS)
    }

    /// Only these parts of the example report.
    pub fn example_with(parts: &[&str]) -> Project {
        let dir = tempfile::Builder::new()
            .prefix("surveysite-test-")
            .tempdir()
            .expect("creating a temp folder");
        for part in parts {
            let from = manifest_dir().join(part);
            assert!(from.exists(), "the example lacks {}", from.display());
            copy_recursively(&from, &dir.path().join(part));
        }
        Project { dir: Rc::new(dir) }
    }

    /// Copies tests/fixtures/<name>/ over the project, replacing the files it holds.
    pub fn overlay(&self, fixture: &str) {
        let from = manifest_dir().join("tests/fixtures").join(fixture);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_recursively(&from, self.root());
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap_or_else(|e| panic!("writing {rel}: {e}"));
    }

    /// Replaces the one line of `rel` that is exactly `old` (ignoring a trailing `\r`) by `new`
    /// and returns its 1-based line number. Panics unless exactly one line matches, so that a
    /// test cannot silently stop breaking its input when the example data changes.
    pub fn replace_line(&self, rel: &str, old: &str, new: &str) -> usize {
        let text = self.read(rel);
        let mut found = Vec::new();
        let lines: Vec<String> = text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, line)| {
                let body = line.trim_end_matches(['\n', '\r']);
                if body == old {
                    found.push(i + 1);
                    format!("{new}{}", &line[body.len()..])
                } else {
                    line.to_string()
                }
            })
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one line {old:?} in {rel}, found it on lines {found:?}"
        );
        self.write(rel, &lines.concat());
        found[0]
    }

    /// The 1-based number of the one line of `rel` that is exactly `line`.
    pub fn line_of(&self, rel: &str, line: &str) -> usize {
        let text = self.read(rel);
        let found: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_end_matches('\r') == line)
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one line {line:?} in {rel}: {found:?}"
        );
        found[0]
    }

    /// Runs `surveysite build --root ROOT --output OUTPUT` and returns what it printed.
    pub fn run_build(&self, output: &Path, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_surveysite"))
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .arg("--output")
            .arg(output)
            .args(extra)
            .output()
            .expect("running surveysite")
    }

    /// Builds into ROOT/site and panics with stderr unless the build succeeds.
    pub fn build(&self) -> Site {
        self.build_into(&self.path("site"), &[])
    }

    pub fn build_into(&self, output: &Path, extra: &[&str]) -> Site {
        let out = self.run_build(output, extra);
        assert!(
            out.status.success(),
            "build failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        Site {
            dir: output.to_path_buf(),
            _project: Rc::clone(&self.dir),
        }
    }
}

pub fn copy_recursively(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        let mut entries: Vec<_> = fs::read_dir(from).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            copy_recursively(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::copy(from, to)
            .unwrap_or_else(|e| panic!("copying {} → {}: {e}", from.display(), to.display()));
    }
}

/// A built site on disk.
pub struct Site {
    pub dir: PathBuf,
    /// Keeps the temp folder the site is in alive as long as the site.
    _project: Rc<TempDir>,
}

impl Site {
    /// The HTML of the page at a site path: "" (home), "regions/tokyo/", "404.html".
    pub fn page(&self, site_path: &str) -> String {
        let file = page_file(site_path);
        fs::read_to_string(self.dir.join(&file))
            .unwrap_or_else(|e| panic!("reading page {file} of the site: {e}"))
    }

    /// Every file of the output, hidden ones too: relative path (with `/`) → bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.dir)
    }

    /// Relative paths of every .html file.
    pub fn html_files(&self) -> BTreeSet<String> {
        self.files()
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .collect()
    }
}

/// "" → "index.html", "regions/x/" → "regions/x/index.html", "404.html" as is.
pub fn page_file(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// HTML reading: enough for the pages surveysite writes (well-formed, no nested tables).

/// Decodes the entities Tera and pulldown-cmark write.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "div",
    "section",
    "ul",
    "ol",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "nav",
    "header",
    "footer",
    "main",
    "title",
    "head",
    "body",
    "html",
    "blockquote",
    "pre",
];

/// What a reader sees: tags removed (block tags become a space), entities decoded, runs of
/// whitespace collapsed to one space.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find('>') else {
            rest = &rest[i..];
            break;
        };
        let tag = &rest[i + 1..i + end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Position of the next `<tag` opening (`<tag>` or `<tag ...>`) at or after `from`.
fn find_open(html: &str, tag: &str, from: usize) -> Option<usize> {
    let needle = format!("<{tag}");
    let mut at = from;
    while let Some(i) = html[at..].find(&needle) {
        let start = at + i;
        let after = html[start + needle.len()..].chars().next();
        if matches!(after, Some('>' | ' ' | '\n' | '\t' | '/')) {
            return Some(start);
        }
        at = start + needle.len();
    }
    None
}

/// The whole HTML (open tag to close tag) of every `<tag>` element, in order. Elements of the
/// same name must not nest.
pub fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find_open(html, tag, at) {
        let Some(end) = html[start..].find(&close) else {
            break;
        };
        let end = start + end + close.len();
        out.push(&html[start..end]);
        at = end;
    }
    out
}

/// The HTML between an element's open tag and close tag.
pub fn inner(element: &str) -> &str {
    let open_end = element.find('>').map_or(0, |i| i + 1);
    let close_start = element.rfind("</").unwrap_or(element.len());
    &element[open_end..close_start.max(open_end)]
}

/// One `<tr>`: the text of its `<th>` and `<td>` cells, and its HTML.
#[derive(Debug, Clone)]
pub struct Row {
    pub th: Vec<String>,
    pub td: Vec<String>,
    pub html: String,
}

impl Row {
    /// The row's label: the text of its first `<th>`.
    pub fn label(&self) -> &str {
        self.th.first().map_or("", String::as_str)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub caption: String,
    pub rows: Vec<Row>,
}

impl Table {
    /// The one row whose `<th>` text is `label` (panics when none or several).
    pub fn row(&self, label: &str) -> &Row {
        let found: Vec<&Row> = self.rows.iter().filter(|r| r.label() == label).collect();
        assert_eq!(
            found.len(),
            1,
            "expected one row labelled {label:?} in table {:?}; rows: {:?}",
            self.caption,
            self.rows.iter().map(Row::label).collect::<Vec<_>>()
        );
        found[0]
    }
}

fn cells(row_html: &str) -> (Vec<String>, Vec<String>) {
    // th and td in document order, each to its own list
    let (mut th, mut td) = (Vec::new(), Vec::new());
    let mut at = 0;
    loop {
        let next_th = find_open(row_html, "th", at);
        let next_td = find_open(row_html, "td", at);
        let (start, tag) = match (next_th, next_td) {
            (Some(a), Some(b)) if a < b => (a, "th"),
            (Some(a), None) => (a, "th"),
            (_, Some(b)) => (b, "td"),
            (None, None) => break,
        };
        let close = format!("</{tag}>");
        let end = start + row_html[start..].find(&close).expect("unclosed cell") + close.len();
        let t = text(inner(&row_html[start..end]));
        if tag == "th" {
            th.push(t)
        } else {
            td.push(t)
        }
        at = end;
    }
    (th, td)
}

/// Every `<table>` of a page with its caption and rows (thead, tbody and tfoot).
pub fn tables(html: &str) -> Vec<Table> {
    elements(html, "table")
        .into_iter()
        .map(|t| Table {
            caption: elements(t, "caption")
                .first()
                .map(|c| text(c))
                .unwrap_or_default(),
            rows: elements(t, "tr")
                .into_iter()
                .map(|r| {
                    let (th, td) = cells(r);
                    Row {
                        th,
                        td,
                        html: r.to_string(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The one table whose caption contains `needle`.
pub fn table_captioned(html: &str, needle: &str) -> Table {
    let all = tables(html);
    let found: Vec<&Table> = all.iter().filter(|t| t.caption.contains(needle)).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one table captioned {needle:?}; captions: {:?}",
        all.iter().map(|t| &t.caption).collect::<Vec<_>>()
    );
    found[0].clone()
}

/// The text of `<title>`.
pub fn title(html: &str) -> String {
    elements(html, "title")
        .first()
        .map(|t| text(t))
        .unwrap_or_default()
}

/// The value of `attr` in the page's first `<tag ...>` open tag.
pub fn open_tag_attr(html: &str, tag: &str, attr: &str) -> Option<String> {
    let start = find_open(html, tag, 0)?;
    let end = start + html[start..].find('>')?;
    attr_values(&html[start..=end], attr).into_iter().next()
}

/// Every value of attribute `attr` (double- or single-quoted), entities decoded.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let needle = format!("{attr}={quote}");
        let mut at = 0;
        while let Some(i) = html[at..].find(&needle) {
            let start = at + i;
            let before = html[..start].chars().next_back();
            let value_start = start + needle.len();
            let Some(len) = html[value_start..].find(quote) else {
                break;
            };
            if matches!(before, Some(' ' | '\n' | '\t')) {
                out.push(decode_entities(&html[value_start..value_start + len]));
            }
            at = value_start + len + 1;
        }
    }
    out
}

/// The items of every `<ul class="answers">` list: the free-text answers shown on a page.
pub fn answer_items(html: &str) -> Vec<String> {
    elements(html, "ul")
        .into_iter()
        .filter(|ul| {
            open_tag_attr(ul, "ul", "class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == "answers"))
        })
        .flat_map(|ul| elements(ul, "li").into_iter().map(|li| text(inner(li))))
        .collect()
}

/// A figure as a reader sees it in a cell or row: a count (a whole number or `…`) and,
/// when shown, a percentage like "25.0%".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub count: Option<String>,
    pub percent: Option<String>,
}

/// Reads the first count and the first percentage out of some text ("4 (25.0%)", "4 25.0%").
pub fn figure(text: &str) -> Figure {
    let tokens: Vec<String> = text
        .split_whitespace()
        .map(|t| {
            t.trim_matches(|c| matches!(c, '(' | ')' | '（' | '）'))
                .to_string()
        })
        .collect();
    Figure {
        count: tokens
            .iter()
            .find(|t| t.as_str() == "…" || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit())))
            .cloned(),
        percent: tokens
            .iter()
            .find(|t| {
                t.strip_suffix('%')
                    .is_some_and(|n| n.contains('.') && n.parse::<f64>().is_ok())
            })
            .cloned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Resolves a link of the page at `page_file` (e.g. "regions/tokyo/index.html") to the output
/// file it points to, or `None` for links outside the site (http(s):, mailto:, fragment-only).
/// `base_path` is the path of the base URL ("/" or "/repo/") that rooted links start with.
pub fn resolve_link(
    page_file: &str,
    href: &str,
    base_path: &str,
) -> Option<Result<String, String>> {
    let lower = href.to_ascii_lowercase();
    if href.starts_with('#')
        || lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("mailto:")
        || lower.starts_with("data:")
    {
        return None;
    }
    if href.starts_with("//") {
        return Some(Err(format!("protocol-relative link {href}")));
    }
    let path = href.split(['#', '?']).next().unwrap_or("");
    let joined = if let Some(rooted) = path.strip_prefix('/') {
        let Some(rest) = format!("/{rooted}")
            .strip_prefix(base_path)
            .map(str::to_string)
        else {
            return Some(Err(format!(
                "{href} is rooted outside the base path {base_path}"
            )));
        };
        PathBuf::from(rest)
    } else {
        let dir = Path::new(page_file).parent().unwrap_or(Path::new(""));
        dir.join(path)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Some(Err(format!("{href} climbs above the site root")));
                }
            }
            Component::CurDir => {}
            _ => return Some(Err(format!("{href}: unexpected path component"))),
        }
    }
    let mut file = parts.join("/");
    if path.is_empty() || path.ends_with('/') || file.is_empty() {
        if !file.is_empty() {
            file.push('/');
        }
        file.push_str("index.html");
    }
    Some(Ok(file))
}

/// Every href and src of a page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = attr_values(html, "href");
    out.extend(attr_values(html, "src"));
    out
}

// ---------------------------------------------------------------------------------------------
// CSV (for reading the example's answers.csv back; quoted fields are supported)

pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        if at_line_start && c == '#' && !quoted {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        at_line_start = false;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.trim().is_empty()) {
                    rows.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
                at_line_start = true;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.into_iter()
        .map(|r| r.into_iter().map(|f| f.trim().to_string()).collect())
        .collect()
}

/// The example's answers as (region, question, option, answer), in file order.
pub fn example_answers() -> Vec<[String; 4]> {
    let text = fs::read_to_string(manifest_dir().join("data/answers.csv")).unwrap();
    let mut rows = parse_csv(&text).into_iter();
    let header = rows.next().expect("answers.csv has a header");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (r, q, o, a) = (col("region"), col("question"), col("option"), col("answer"));
    rows.map(|row| {
        [
            row[r].clone(),
            row[q].clone(),
            row[o].clone(),
            row[a].clone(),
        ]
    })
    .collect()
}

/// Runs the real binary with `args`.
pub fn surveysite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(args)
        .output()
        .expect("running surveysite")
}

pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The project `surveysite new <tmp>/report --from EXPORT [extra…]` made in a temp folder, and
/// what the command said.
pub struct NewProject {
    pub tmp: TempDir,
    pub out: Output,
}

impl NewProject {
    /// `export` puts the export into the temp folder it is given and returns its path.
    pub fn make(prefix: &str, export: impl FnOnce(&Path) -> PathBuf, extra: &[&str]) -> NewProject {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .expect("creating a temp folder");
        let from = export(tmp.path()).display().to_string();
        let dir = tmp.path().join("report").display().to_string();
        let mut args = vec!["new", dir.as_str(), "--from", from.as_str()];
        args.extend_from_slice(extra);
        let out = surveysite(&args);
        NewProject { tmp, out }
    }

    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("report")
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// `surveysite build --root <project>`.
    pub fn run_build(&self) -> Output {
        surveysite(&["build", "--root", &self.dir().display().to_string()])
    }

    pub fn page(&self, site_path: &str) -> String {
        let file = self.dir().join("site").join(page_file(site_path));
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
    }

    /// The id the new codebook gives the region titled `title`.
    pub fn region_id(&self, title: &str) -> String {
        let codebook = self.read("data/codebook.yaml");
        let line = codebook
            .lines()
            .find(|l| l.contains(&format!("title: \"{title}\"")) && l.contains("{ id: "))
            .unwrap_or_else(|| panic!("no region {title} in {codebook}"));
        let id = line.split("id: ").nth(1).unwrap_or_default();
        id.split(',').next().unwrap_or_default().to_string()
    }
}

/// The error bars of a chart's SVG: (x from, x to) of each interval line.
pub fn error_bars(svg: &str) -> Vec<(f64, f64)> {
    let Some(start) = svg.find("class=\"error-bars\"") else {
        return Vec::new();
    };
    let group = &svg[start..start + svg[start..].find("</g>").unwrap()];
    group
        .split("<path d=\"M")
        .skip(1)
        .filter_map(|p| {
            let d = &p[..p.find('"').unwrap()];
            let (from, to) = d.split_once('L').unwrap();
            let (x0, y0) = from.split_once(' ').unwrap();
            let (x1, y1) = to.split_once(' ').unwrap();
            // The interval line is horizontal; its end ticks are vertical.
            (y0 == y1).then(|| (x0.parse().unwrap(), x1.parse().unwrap()))
        })
        .collect()
}

#[cfg(test)]
mod self_tests {
    use super::*;

    #[test]
    fn rows_cells_and_figures() {
        let html = "<table><caption>C <b>1</b></caption><tr><th scope=\"row\">a &amp; b</th>\
                    <td class=\"num\">4 <span class=\"pct\">(25.0%)</span></td><td>…</td></tr></table>";
        let t = &tables(html)[0];
        assert_eq!(t.caption, "C 1");
        let row = t.row("a & b");
        assert_eq!(row.td, ["4 (25.0%)", "…"]);
        assert_eq!(
            figure(&row.td[0]),
            Figure {
                count: Some("4".into()),
                percent: Some("25.0%".into())
            }
        );
        assert_eq!(figure(&row.td[1]).count.as_deref(), Some("…"));
        assert_eq!(figure(&row.td[1]).percent, None);
    }

    #[test]
    fn links_resolve_like_a_browser() {
        let r = |page, href| resolve_link(page, href, "/").unwrap().unwrap();
        assert_eq!(r("index.html", "./"), "index.html");
        assert_eq!(
            r("index.html", "regions/tokyo/"),
            "regions/tokyo/index.html"
        );
        assert_eq!(r("regions/tokyo/q1/index.html", "../../../"), "index.html");
        assert_eq!(
            r("regions/tokyo/q1/index.html", "../../../assets/style.css#x"),
            "assets/style.css"
        );
        assert_eq!(r("404.html", "/questions/q1/"), "questions/q1/index.html");
        assert!(resolve_link("index.html", "#main", "/").is_none());
        assert!(resolve_link("index.html", "https://example.org/", "/").is_none());
        assert!(resolve_link("index.html", "../x", "/").unwrap().is_err());
        assert_eq!(
            resolve_link("404.html", "/repo/assets/a.css", "/repo/")
                .unwrap()
                .unwrap(),
            "assets/a.css"
        );
    }

    #[test]
    fn csv_quotes_and_comments() {
        let rows = parse_csv("a,b\n# c\nx,\"y, \"\"z\"\"\nw\"\n");
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x", "y, \"z\"\nw"]]);
    }
}
