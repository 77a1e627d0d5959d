//! Whole-project behaviour: built-in templates, missing commentary, deterministic output.

use crate::common::*;
use crate::numbers::CHOICE_QUESTIONS;
use crate::pages::expected_pages;

#[test]
fn a_project_without_templates_or_content_still_builds() {
    let project = Project::example_with(&["report.yaml", "data"]);
    assert!(!project.path("templates").exists() && !project.path("content").exists());
    let site = project.build();

    let html = site.html_files();
    let missing: Vec<_> = expected_pages().difference(&html).cloned().collect();
    assert!(
        missing.is_empty(),
        "pages not built without content/: {missing:?}"
    );
    assert!(
        site.files().contains_key("assets/style.css"),
        "the built-in stylesheet"
    );

    // The built-in templates show the same numbers.
    let q1 = &CHOICE_QUESTIONS[0];
    let page = site.page("regions/ku-seinanbu/q1/");
    let row = table_captioned(&page, &q1.heading())
        .row(q1.options[0])
        .clone();
    let got = figure(&row.td.join(" "));
    assert_eq!(
        (got.count.as_deref(), got.percent.as_deref()),
        (Some("4"), Some("25.0%"))
    );

    // No commentary, and nothing of the example's commentary leaks in.
    let home = text(&site.page(""));
    assert!(
        home.contains("回答病院数 16"),
        "home still shows the figures"
    );
    assert!(
        !home.contains("この調査について"),
        "home shows commentary it was not given"
    );
    let region_q1 = text(&page);
    assert!(
        !region_q1.contains("機能別の内訳"),
        "regions/ku-seinanbu/q1/ shows commentary"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let project = Project::example();
    let a = project.build_into(&project.path("site-a"), &[]).files();
    let b = project.build_into(&project.path("site-b"), &[]).files();
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the two builds wrote different files"
    );
    let differing: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b[*k] != **v)
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "files that differ between two builds: {differing:?}"
    );
    assert!(a.len() >= expected_pages().len());
}

#[test]
fn a_rebuild_into_the_same_folder_gives_the_same_files() {
    let project = Project::example();
    let first = project.build().files();
    let second = project.build().files();
    assert!(
        first == second,
        "rebuilding into the same folder changed the output"
    );
}

#[test]
fn commentary_for_a_page_that_does_not_exist_is_not_dropped_silently() {
    let project = Project::example();
    project.write(
        "content/regions/osaka/index.md",
        "---\ntitle: 大阪\n---\n本文\n",
    );
    let out = project.run_build(&project.path("site"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/regions/osaka/index.md"),
        "build (exit {}) should name the orphan commentary file on stderr; stderr: {stderr:?}",
        out.status
    );
}

#[test]
fn draft_commentary_is_left_out_of_build() {
    let project = Project::example();
    project.write(
        "content/regions/tokyo/q3.md",
        "---\ntitle: 下書きの見出し\ndraft: true\n---\nまだ公開しない文章です。\n",
    );
    let site = project.build();
    let page = site.page("regions/tokyo/q3/");
    assert!(
        !page.contains("まだ公開しない文章です。"),
        "a draft is not published"
    );
    assert!(!page.contains("下書きの見出し"));
    // Without the flag it is published.
    project.write(
        "content/regions/tokyo/q3.md",
        "---\ntitle: 下書きの見出し\n---\nまだ公開しない文章です。\n",
    );
    let site = project.build_into(&project.path("site2"), &[]);
    assert!(
        site.page("regions/tokyo/q3/")
            .contains("まだ公開しない文章です。")
    );
}

#[test]
fn extra_files_in_templates_assets_are_published() {
    let project = Project::example();
    project.write(
        "templates/assets/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let site = project.build();
    let files = site.files();
    assert_eq!(
        files["assets/logo.svg"],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert!(
        files.contains_key("assets/style.css"),
        "the built-in style stays"
    );
}
