//! Request paths: the 404 page, no traversal, the base URL, escaped names.

use std::fs;

use crate::common::*;
use crate::harness::*;

// ---------------------------------------------------------------------------------------------
// Paths

#[test]
fn paths_outside_the_site_get_the_404_page_and_no_file() {
    let project = Project::example();
    let server = serve(&project, &[]);
    let not_found = server.get("/no-such-page/");
    assert_eq!(not_found.status, 404);
    assert!(
        not_found.body.contains(NOT_FOUND_HEADING),
        "the site's 404 page: {}",
        not_found.body
    );
    assert_eq!(
        not_found.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_client_injected("/no-such-page/", &not_found.body);

    // Texts of files outside the site that a traversal could reach.
    let mut secrets = vec![
        "interactive_charts".to_string(), // report.yaml
        "order: 0".to_string(),           // content/index.md's front matter
        "[package]".to_string(),          // Cargo.toml
        "root:".to_string(),              // /etc/passwd
    ];
    if let Ok(passwd) = fs::read_to_string("/etc/passwd") {
        secrets.extend(passwd.lines().take(1).map(str::to_string));
    }
    for target in [
        "/../../etc/passwd",
        "/regions/../../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc/passwd",
        "/regions/tokyo/../../../../../../etc/passwd",
        "/../report.yaml",
        "/report.yaml",
        "/content/index.md",
        "/data/counts.csv",
        // Escapes decoded: still nothing outside the site.
        "/assets/..%2f..%2freport.yaml",
        "/assets/%2e%2e/%2e%2e/report.yaml",
        "/%2e%2e%5creport.yaml",
        "/assets%5c..%5c..%5creport.yaml",
        "/index.html%00.css",
        "/%E3%81%82/..%2F..%2Freport.yaml",
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, 404, "GET {target}");
        assert_eq!(reply.body, not_found.body, "GET {target}: not the 404 page");
        for secret in &secrets {
            assert!(
                !reply.body.contains(secret.as_str()),
                "GET {target} served {secret:?}"
            );
        }
    }
}

/// `href`/`src` values of a page that point inside the site.
fn internal_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            let link = &rest[..end];
            if !(link.starts_with('#') || link.contains(':')) {
                out.push(link.to_string());
            }
        }
    }
    out
}

/// Resolves a relative link against the folder of `page` ("/repo/regions/tokyo/q1/").
fn resolve(page: &str, link: &str) -> String {
    let link = link.split('#').next().unwrap();
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        page.trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    };
    let segments: Vec<&str> = link.trim_start_matches('/').split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.into_iter().enumerate() {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" if i < last => {}
            "." => parts.push(""),
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

#[test]
fn a_base_url_serves_the_site_under_its_path() {
    let project = Project::example();
    let server = serve(&project, &["--base-url", "https://example.github.io/repo/"]);
    assert_eq!(server.base, "/repo/");

    let home = server.get("/repo/");
    assert_eq!(home.status, 200);
    assert_shows("/repo/", &home.body, HOME_ROWS);
    for from in ["/", "/repo"] {
        let reply = server.get(from);
        assert_eq!(reply.status, 301, "GET {from}");
        assert_eq!(reply.header("Location"), Some("/repo/"), "GET {from}");
    }
    let page = "/repo/regions/tokyo/q1/";
    let q1 = server.get(page);
    assert_eq!(q1.status, 200);
    assert_shows(page, &q1.body, TOKYO_Q1_ROWS);
    assert_eq!(
        server.get("/regions/tokyo/q1/").status,
        404,
        "outside the base path"
    );

    // What the page links to resolves under the base path, as it will on GitHub Pages.
    let links = internal_links(&q1.body);
    assert!(
        links.iter().any(|l| l.ends_with("assets/style.css")),
        "no stylesheet link in {links:?}"
    );
    for link in links {
        let target = resolve(page, &link);
        assert!(
            target.starts_with("/repo/"),
            "{link} leaves the base path: {target}"
        );
        let status = server.get(&target).status;
        assert_eq!(status, 200, "{page} links to {link} ({target}): {status}");
    }
}

/// Assets with Japanese or space names (templates/assets/ is copied as it is) are served at
/// the escaped path a browser asks for (issue 13: any `%` in a path gave 404).
#[test]
fn assets_with_japanese_and_space_names_are_served() {
    let project = Project::example();
    let name = "地図 東京（2025年）.svg";
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>東京</title></svg>\n";
    project.write(&format!("templates/assets/{name}"), svg);
    let server = serve(&project, &[]);
    let path = format!("/assets/{}", encode_path(name));
    assert!(path.contains("%E5%9C%B0%E5%9B%B3%20"), "{path}");
    let reply = server.get(&path);
    assert_eq!(reply.status, 200, "GET {path}");
    assert_eq!(reply.body, svg);
    assert_eq!(reply.header("Content-Type"), Some("image/svg+xml"));
    // Lower-case escapes name the same file; a malformed one names nothing.
    assert_eq!(server.get(&path.to_lowercase()).status, 200);
    assert_eq!(server.get("/assets/%E5%9C%B0%E5%9B").status, 404);
}
