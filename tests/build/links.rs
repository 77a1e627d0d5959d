//! Every internal link of every page points to a file of the output.

use crate::common::*;

/// Checks every href/src of every HTML file; returns how many internal links were followed.
fn check_links(site: &Site, base_path: &str) -> usize {
    let files = site.files();
    let mut broken = Vec::new();
    let mut followed = 0;
    for (file, bytes) in files.iter().filter(|(f, _)| f.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for href in links(&html) {
            match resolve_link(file, &href, base_path) {
                None => {}
                Some(Err(e)) => broken.push(format!("{file}: {e}")),
                Some(Ok(target)) => {
                    followed += 1;
                    if !files.contains_key(&target) {
                        broken.push(format!("{file}: {href} → {target} does not exist"));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    followed
}

#[test]
fn every_internal_link_points_to_a_built_file() {
    let site = Project::example().build();
    let followed = check_links(&site, "/");
    // at least: stylesheet, home and every region/question link on each of the 28 pages
    assert!(
        followed > 28 * 10,
        "only {followed} links followed: is the link parser broken?"
    );
}

#[test]
fn links_hold_with_a_base_url_under_a_sub_path() {
    // GitHub Pages project sites live under /<repo>/: the 404 page's rooted links must use it.
    let project = Project::example();
    let site = project.build_into(
        &project.path("site"),
        &["--base-url", "https://user.github.io/repo/"],
    );
    check_links(&site, "/repo/");
    let not_found = site.page("404.html");
    let rooted: Vec<String> = links(&not_found)
        .into_iter()
        .filter(|h| h.starts_with('/'))
        .collect();
    assert!(!rooted.is_empty(), "the 404 page has rooted links");
    assert!(rooted.iter().all(|h| h.starts_with("/repo/")), "{rooted:?}");
}

#[test]
fn links_hold_without_templates_or_content() {
    let project = Project::example_with(&["report.yaml", "data"]);
    check_links(&project.build(), "/");
}
