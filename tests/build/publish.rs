//! Publishing (issue 6): the files GitHub Pages needs, absolute URLs from the base URL, the
//! output folder guard, and `check`.

use std::process::Command;

use crate::common::{Project, attr_values};

const BASE: &str = "https://user.github.io/repo/";

fn check(project: &Project, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .arg("check")
        .arg("--root")
        .arg(project.root())
        .args(extra)
        .output()
        .expect("running surveysite check")
}

#[test]
fn pages_files_and_absolute_urls_follow_the_base_url() {
    let project = Project::example();
    let site = project.build_into(&project.path("site"), &["--base-url", BASE]);
    let files = site.files();
    assert!(files.contains_key(".nojekyll"));
    let robots = String::from_utf8(files["robots.txt"].clone()).unwrap();
    assert!(
        robots.contains("Sitemap: https://user.github.io/repo/sitemap.xml"),
        "{robots}"
    );
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    // home, the regions and questions indexes, 2 regions, 8 questions and 16 region × question
    // pages, never the 404 page
    assert_eq!(locs.len(), 29, "{sitemap}");
    assert!(locs.contains(&"https://user.github.io/repo/"));
    assert!(locs.contains(&"https://user.github.io/repo/regions/tokyo/q3/"));
    assert!(locs.iter().all(|l| l.starts_with(BASE)), "{locs:?}");

    let page = site.page("regions/tokyo/q1/");
    assert!(page.contains(
        r#"<link rel="canonical" href="https://user.github.io/repo/regions/tokyo/q1/">"#
    ));
    assert!(page.contains(
        r#"<meta property="og:url" content="https://user.github.io/repo/regions/tokyo/q1/">"#
    ));
    assert!(page.contains("<meta property=\"og:title\""));
    // Region pages take their description from the commentary's front matter.
    let region = site.page("regions/ku-seinanbu/");
    let description = project.read("content/regions/ku-seinanbu/index.md");
    let want = description
        .lines()
        .find_map(|l| l.strip_prefix("description:"))
        .expect("the example's front matter has a description")
        .trim()
        .trim_matches('"');
    assert!(
        region.contains(&format!("<meta name=\"description\" content=\"{want}\">")),
        "{want}"
    );

    // The 404 page is served at any depth: its links are rooted at the base path.
    let not_found = site.page("404.html");
    for href in attr_values(&not_found, "href") {
        assert!(
            href.starts_with("/repo/")
                || href.starts_with('#')
                || href.starts_with("https://")
                || href == "data:,", // the empty favicon (no request for /favicon.ico)
            "{href}"
        );
    }
}

#[test]
fn without_a_base_url_there_is_no_sitemap_and_links_stay_relative() {
    let site = Project::example().build();
    let files = site.files();
    assert!(!files.contains_key("sitemap.xml"));
    assert!(
        !String::from_utf8(files["robots.txt"].clone())
            .unwrap()
            .contains("Sitemap")
    );
    let page = site.page("regions/tokyo/q1/");
    assert!(!page.contains("rel=\"canonical\""));
    assert!(page.contains("href=\"../../../assets/style.css\""));
}

#[test]
fn a_folder_surveysite_did_not_make_is_not_replaced_without_force() {
    let project = Project::example();
    let out = project.path("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.docx"), "precious").unwrap();
    let refused = project.run_build(&out, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("was not made by surveysite") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.docx")).unwrap(),
        "precious"
    );

    let forced = project.run_build(&out, &["--force"]);
    assert!(forced.status.success());
    assert!(out.join("index.html").is_file());
    assert!(!out.join("thesis.docx").exists());
    // Now it is ours: a plain rebuild replaces it.
    assert!(project.run_build(&out, &[]).status.success());
}

#[test]
fn check_passes_on_the_example_and_lists_pages_without_commentary() {
    let project = Project::example();
    let out = check(&project, &["--base-url", BASE]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("no errors"), "{stdout}");
    assert!(
        stdout.contains("no commentary yet: /regions/tokyo/q5/"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("no commentary yet: /regions/ku-seinanbu/ "),
        "{stdout}"
    );
}

#[test]
fn check_reports_every_problem_at_once() {
    let project = Project::example();
    // A broken link and a broken anchor in commentary, an orphan commentary file, a page
    // without a title (through a template override).
    project.write(
        "content/regions/tokyo/q2.md",
        "---\ntitle: 注\n---\n[前の設問](../q9/) と [表](#no-such-anchor)\n",
    );
    project.write(
        "content/regions/osaka/index.md",
        "---\ntitle: 大阪\n---\n本文\n",
    );
    let out = check(&project, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error: regions/tokyo/q2/index.html: broken link \"../q9/\": no such file in the site"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: regions/tokyo/q2/index.html: broken link \"#no-such-anchor\": regions/tokyo/q2/index.html has no id \"no-such-anchor\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: content/regions/osaka/index.md: commentary for /regions/osaka/ but the site has no such page"),
        "{stderr}"
    );
    assert!(stderr.contains("check found 3 errors"), "{stderr}");
}

#[test]
fn check_reports_data_problems_all_at_once() {
    let project = Project::example();
    project.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q1,planned,3",
        "ku-seinanbu,q1,plannd,3",
    );
    project.replace_line("data/counts.csv", "tokyo,q2,a,55", "tokyo,q2,a,555");
    let out = check(&project, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "option \"plannd\" is not an option of question \"q1\" (did you mean \"planned\"?)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("count 555 is larger than the base of question \"q2\" in region \"tokyo\""),
        "{stderr}"
    );
}
