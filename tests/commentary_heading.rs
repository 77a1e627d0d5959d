//! The commentary section's heading as a reader sees it: never empty, never a repeat of the
//! page's h1 or the site's title, and no section at all when the commentary shows nothing
//! (the starter files `new` writes hold only an HTML comment).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn surveysite(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(args)
        .output()
        .expect("running surveysite")
}

/// (h1 text, the commentary's h2 text if the page has a commentary section) of every page.
fn headings(site: &Path) -> Vec<(String, String, Option<String>)> {
    files_under(site)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            let html = String::from_utf8(bytes).unwrap();
            let h1 = elements(&html, "h1")
                .first()
                .map(|h| text(h))
                .unwrap_or_default();
            let h2 = elements(&html, "h2")
                .into_iter()
                .find(|h| h.contains("id=\"h-commentary\""))
                .map(text);
            (path, h1, h2)
        })
        .collect()
}

fn assert_headings_say_something(site: &Path, site_title: &str) -> usize {
    let mut sections = 0;
    for (path, h1, h2) in headings(site) {
        let Some(h2) = h2 else { continue };
        sections += 1;
        assert!(!h2.is_empty(), "{path}: an empty commentary heading");
        assert_ne!(h2, h1, "{path}: the commentary heading repeats the h1");
        assert_ne!(
            h2, site_title,
            "{path}: the commentary heading repeats the site title"
        );
    }
    sections
}

#[test]
fn the_example_shows_no_commentary_heading_that_repeats_the_page_heading() {
    let site = Project::example().build();
    let home = site.page("");
    let h2 = |html: &str| {
        elements(html, "h2")
            .into_iter()
            .find(|h| h.contains("id=\"h-commentary\""))
            .map(text)
            .expect("a commentary heading")
    };
    // content/index.md's title is the site's title; the region pages' titles are the regions'.
    assert_eq!(h2(&home), "解説");
    assert_eq!(h2(&site.page("regions/ku-seinanbu/")), "解説");
    assert_eq!(h2(&site.page("regions/tokyo/")), "解説");
    let sections =
        assert_headings_say_something(&site.dir, "地域医療連携システムに関する事前アンケート");
    assert!(sections >= 4, "{sections}");
}

#[test]
fn a_commentary_title_is_its_heading_and_none_gives_kaisetsu() {
    let project = Project::example();
    project.write(
        "content/questions/q5/index.md",
        "---\ntitle: 自由記述から見えること\n---\n\n本文です。\n",
    );
    project.write("content/questions/q6/index.md", "本文だけの解説です。\n");
    project.write(
        "content/questions/q7/index.md",
        "---\nsummary: 要約だけ\n---\n\n本文です。\n",
    );
    // A title and an empty body: nothing to show under the heading.
    project.write(
        "content/questions/q8/index.md",
        "---\ntitle: 見出しだけ\n---\n\n",
    );
    let site = project.build();
    let h2 = |path: &str| {
        headings(&site.dir)
            .into_iter()
            .find(|(p, _, _)| *p == page_file(path))
            .and_then(|(_, _, h2)| h2)
    };
    assert_eq!(
        h2("questions/q5/").as_deref(),
        Some("自由記述から見えること")
    );
    assert_eq!(h2("questions/q6/").as_deref(), Some("解説"));
    assert_eq!(h2("questions/q7/").as_deref(), Some("解説"));
    assert_eq!(h2("questions/q8/"), None);
    assert!(!site.page("questions/q8/").contains("class=\"commentary\""));
}

#[test]
fn starter_pages_from_new_have_no_empty_commentary_heading() {
    let dir = tempfile::tempdir().unwrap();
    // `new` alone, and `new --from` a Forms export (starter commentary on every page).
    let plain = dir.path().join("plain");
    let out = surveysite(&["new", plain.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export = dir.path().join("export.csv");
    std::fs::write(
        &export,
        "タイムスタンプ,地域,Q1. 導入状況,Q2. ご意見\n\
         2024/06/01 10:00:00,東,導入している,よい\n\
         2024/06/01 10:05:00,東,導入予定なし,\n\
         2024/06/02 09:00:00,西,導入している,\n\
         2024/06/02 09:30:00,西,導入予定なし,早く\n",
    )
    .unwrap();
    let from = dir.path().join("from");
    let out = surveysite(&[
        "new",
        from.to_str().unwrap(),
        "--from",
        export.to_str().unwrap(),
        "--region-column",
        "地域",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for project in [&plain, &from] {
        let out = surveysite(&["build", "--root", project.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let site = project.join("site");
        let report = std::fs::read_to_string(project.join("report.yaml")).unwrap();
        let title = report
            .lines()
            .find_map(|l| l.strip_prefix("title: "))
            .unwrap()
            .trim_matches('"')
            .to_string();
        assert_headings_say_something(&site, &title);
        // The starter comments show nothing, so those pages have no commentary section.
        let empty: Vec<String> = headings(&site)
            .into_iter()
            .filter(|(p, _, h2)| p.starts_with("regions/") && h2.is_some())
            .map(|(p, _, _)| p)
            .collect();
        if project == &from {
            assert_eq!(empty, Vec::<String>::new(), "starter region pages");
        }
    }
}
