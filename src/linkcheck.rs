//! Finds broken internal links and anchors, and ids used twice on a page, in the generated site
//! (in memory).

use std::collections::{BTreeMap, BTreeSet};

use crate::render::OutputFile;

/// One broken link: the page it is on, the href, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub href: String,
    pub reason: String,
}

/// Values of `attr="..."` in an HTML text (our templates always quote with `"`).
pub fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let tail = &rest[i + needle.len()..];
        let Some(end) = tail.find('"') else { break };
        out.push(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// Decodes `%XX` escapes. pulldown-cmark percent-encodes non-ASCII hrefs (`#導入状況` becomes
/// `#%E5%B0%8E…`) while ids stay as written, so both sides are compared decoded. A tiny decoder
/// rather than a dependency: `percent-encoding` is not in the dependency tree. Text that does
/// not decode to UTF-8 is kept as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |i: usize| bytes.get(i).and_then(|&b| (b as char).to_digit(16));
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// Every internal href/src of every HTML file must name a file of the site, and every
/// `#fragment` an id on the target page. `base_path` ("/" or "/repo/") resolves rooted links.
pub fn check(files: &[OutputFile], base_path: &str) -> Vec<BrokenLink> {
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let ids: BTreeMap<&str, BTreeSet<String>> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            let html = String::from_utf8_lossy(&f.bytes);
            (
                f.path.as_str(),
                attribute_values(&html, "id")
                    .into_iter()
                    .map(unescape)
                    .collect(),
            )
        })
        .collect();
    let mut broken = Vec::new();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut links = attribute_values(&html, "href");
        links.extend(attribute_values(&html, "src"));
        for raw in links {
            let href = unescape(raw);
            if href.contains("://") || href.starts_with("mailto:") || href.starts_with("data:") {
                continue;
            }
            let (path, fragment) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, f)| (p, Some(percent_decode(f))));
            let path = percent_decode(path.split('?').next().unwrap_or(""));
            let path = path.as_str();
            // Decoded, so a message shows `#導入状況` as the editor wrote it.
            let href = percent_decode(&href);
            let target = if path.is_empty() {
                Some(f.path.clone())
            } else if let Some(rooted) = path.strip_prefix('/') {
                let base = base_path.trim_start_matches('/');
                rooted
                    .strip_prefix(base)
                    .map(resolve_file(&paths))
                    .unwrap_or(None)
            } else {
                resolve_file(&paths)(&join(dir, path))
            };
            let Some(target) = target else {
                broken.push(BrokenLink {
                    page: f.path.clone(),
                    href: href.clone(),
                    reason: "no such file in the site".into(),
                });
                continue;
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids
                    .get(target.as_str())
                    .is_some_and(|ids| ids.contains(&fragment));
                if !known {
                    broken.push(BrokenLink {
                        page: f.path.clone(),
                        href: href.clone(),
                        reason: format!("{target} has no id \"{fragment}\""),
                    });
                }
            }
        }
    }
    broken
}

/// An id given to more than one element of a page: a link to it reaches only the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub page: String,
    pub id: String,
    pub times: usize,
}

/// Every id used more than once on an HTML page of the site.
pub fn duplicate_ids(files: &[OutputFile]) -> Vec<DuplicateId> {
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        let mut times: BTreeMap<String, usize> = BTreeMap::new();
        for id in attribute_values(&html, "id") {
            *times.entry(unescape(id)).or_default() += 1;
        }
        out.extend(
            times
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(id, times)| DuplicateId {
                    page: f.path.clone(),
                    id,
                    times,
                }),
        );
    }
    out
}

/// A link path → the file that serves it (`x/` → `x/index.html`).
fn resolve_file<'a>(paths: &'a BTreeSet<&str>) -> impl Fn(&str) -> Option<String> + 'a {
    move |p: &str| {
        let candidate = if p.is_empty() || p.ends_with('/') {
            format!("{p}index.html")
        } else {
            p.to_string()
        };
        if paths.contains(candidate.as_str()) {
            Some(candidate)
        } else if paths.contains(format!("{p}/index.html").as_str()) {
            Some(format!("{p}/index.html"))
        } else {
            None
        }
    }
}

/// Joins a relative link to the folder of the page, folding `..` and `.`.
fn join(dir: &str, link: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing =
        link.ends_with('/') || link.ends_with("/.") || link == "." || link.ends_with("..");
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                // Climbing above the site root is a broken link: keep a marker that matches nothing.
                if parts.pop().is_none() {
                    return "\u{0}outside".into();
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn relative_rooted_and_anchor_links() {
        let files = vec![
            file(
                "index.html",
                r##"<a href="regions/a/">a</a><a href="regions/a/#h">h</a><a href="#top">t</a><p id="top"></p>"##,
            ),
            file(
                "regions/a/index.html",
                r##"<h2 id="h"></h2><a href="../../">home</a><a href="/repo/regions/a/">r</a><a href="../b/">broken</a><a href="../../#nope">x</a>"##,
            ),
            file(
                "404.html",
                r#"<a href="/repo/">home</a><a href="/other/">out</a>"#,
            ),
        ];
        let broken = check(&files, "/repo/");
        let hrefs: Vec<&str> = broken.iter().map(|b| b.href.as_str()).collect();
        assert_eq!(hrefs, vec!["../b/", "../../#nope", "/other/"]);
    }

    #[test]
    fn percent_encoded_links_match_ids_and_files_as_written() {
        // What pulldown-cmark makes of `[x](#導入状況の概要)` and `[y](../資料/)`.
        let files = vec![
            file(
                "index.html",
                r##"<h3 id="導入状況の概要"></h3><a href="#%E5%B0%8E%E5%85%A5%E7%8A%B6%E6%B3%81%E3%81%AE%E6%A6%82%E8%A6%81">x</a><a href="%E8%B3%87%E6%96%99/#a%20b">y</a><a href="#%E6%9C%AA">z</a>"##,
            ),
            file("資料/index.html", r#"<p id="a b"></p>"#),
        ];
        let broken = check(&files, "/");
        assert_eq!(
            broken,
            vec![BrokenLink {
                page: "index.html".into(),
                href: "#未".into(),
                reason: "index.html has no id \"未\"".into(),
            }]
        );
        assert_eq!(percent_decode("%zz%E5%B0"), "%zz%E5%B0", "not UTF-8: kept");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn ids_used_twice_on_a_page() {
        let files = vec![
            file(
                "a.html",
                r#"<main id="main"><h3 id="main"></h3><p id="x"></p></main>"#,
            ),
            file(
                "b.html",
                r#"<p id="main"></p><p id="x"></p><p id="x"></p><p id="x"></p>"#,
            ),
        ];
        assert_eq!(
            duplicate_ids(&files),
            vec![
                DuplicateId {
                    page: "a.html".into(),
                    id: "main".into(),
                    times: 2
                },
                DuplicateId {
                    page: "b.html".into(),
                    id: "x".into(),
                    times: 3
                },
            ]
        );
    }

    #[test]
    fn links_above_the_root_are_broken() {
        let files = vec![file("index.html", r#"<a href="../index.html">up</a>"#)];
        assert_eq!(check(&files, "/").len(), 1);
    }
}
