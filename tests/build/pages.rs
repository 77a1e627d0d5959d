//! The page set, titles and language, and what the home, region and question pages show.

use std::collections::BTreeSet;

use crate::common::*;
use crate::numbers::{CHOICE_QUESTIONS, KU, TOKYO};

const REPORT_TITLE: &str = "地域医療連携システムに関する事前アンケート";

/// Question titles in codebook order (q1..q8).
const QUESTION_TITLES: &[&str] = &[
    "地域医療連携システムの導入状況",
    "システム導入によって得られたメリット",
    "導入や運用面での課題",
    "導入していない理由",
    "どのような点が改善されれば導入するか",
    "医療連携の際にどのような手段を用いているか",
    "DXを活用した地域医療連携の理想的な姿",
    "地域医療構想に関する意見",
];

fn region_title(id: &str) -> &'static str {
    match id {
        "ku-seinanbu" => KU,
        "tokyo" => TOKYO,
        _ => unreachable!(),
    }
}

/// Every page the example report must have, as output files.
pub fn expected_pages() -> BTreeSet<String> {
    let mut pages = BTreeSet::from([
        "index.html".to_string(),
        "regions/index.html".to_string(),
        "questions/index.html".to_string(),
    ]);
    for r in REGIONS {
        pages.insert(format!("regions/{r}/index.html"));
        for q in QUESTIONS {
            pages.insert(format!("regions/{r}/{q}/index.html"));
        }
    }
    for q in QUESTIONS {
        pages.insert(format!("questions/{q}/index.html"));
    }
    pages
}

#[test]
fn every_expected_page_is_built_and_no_region_is_invented() {
    let site = Project::example().build();
    let html = site.html_files();
    let missing: Vec<_> = expected_pages().difference(&html).cloned().collect();
    assert!(missing.is_empty(), "pages not built: {missing:?}");
    // Only the two regions of the source and the eight questions: nothing invented.
    let folders = |under: &str| -> BTreeSet<String> {
        html.iter()
            .filter_map(|p| p.strip_prefix(under))
            .filter_map(|rest| rest.split_once('/').map(|(first, _)| first.to_string()))
            .collect()
    };
    assert_eq!(
        folders("regions/"),
        REGIONS.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        folders("questions/"),
        QUESTIONS.iter().map(|s| s.to_string()).collect()
    );
}

#[test]
fn every_page_is_japanese() {
    let site = Project::example().build();
    for file in site.html_files() {
        let html = site.page(&file);
        assert_eq!(
            open_tag_attr(&html, "html", "lang").as_deref(),
            Some("ja"),
            "{file}: <html lang>"
        );
        assert!(!title(&html).is_empty(), "{file}: empty <title>");
    }
}

#[test]
fn region_question_titles_name_the_question_and_the_region() {
    let site = Project::example().build();
    for r in REGIONS {
        for (i, q) in QUESTIONS.iter().enumerate() {
            let t = title(&site.page(&format!("regions/{r}/{q}/")));
            assert!(
                t.contains(QUESTION_TITLES[i]),
                "regions/{r}/{q}/ title {t:?}"
            );
            assert!(t.contains(region_title(r)), "regions/{r}/{q}/ title {t:?}");
            assert!(
                t.contains(&format!("Q{}", i + 1)),
                "regions/{r}/{q}/ title {t:?}"
            );
        }
    }
    for (i, q) in QUESTIONS.iter().enumerate() {
        let t = title(&site.page(&format!("questions/{q}/")));
        assert!(t.contains(QUESTION_TITLES[i]), "questions/{q}/ title {t:?}");
    }
    for r in REGIONS {
        let t = title(&site.page(&format!("regions/{r}/")));
        assert!(t.contains(region_title(r)), "regions/{r}/ title {t:?}");
    }
}

/// The HTML of the `<li>` that holds both `needle_a` and `needle_b` (cards, list items).
fn list_item<'a>(html: &'a str, needle_a: &str, needle_b: &str) -> &'a str {
    let found: Vec<&str> = elements(html, "li")
        .into_iter()
        .filter(|li| li.contains(needle_a) && li.contains(needle_b))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one <li> with {needle_a:?} and {needle_b:?}: {found:?}"
    );
    found[0]
}

/// Resolved link targets of a page.
fn targets(page_file: &str, html: &str) -> BTreeSet<String> {
    links(html)
        .iter()
        .filter_map(|href| resolve_link(page_file, href, "/"))
        .filter_map(Result::ok)
        .collect()
}

#[test]
fn home_page_shows_title_respondents_links_and_commentary() {
    let project = Project::example();
    let site = project.build();
    let home = site.page("");
    assert!(title(&home).contains(REPORT_TITLE), "{}", title(&home));
    assert!(text(elements(&home, "h1")[0]).contains(REPORT_TITLE));

    for (region, n) in [("ku-seinanbu", "16"), ("tokyo", "250")] {
        let card = list_item(&home, &format!("href=\"regions/{region}/\""), "回答病院数");
        assert!(
            text(card).contains(&format!("回答病院数 {n}")),
            "home: {region} should show {n} respondents: {}",
            text(card)
        );
    }

    let linked = targets("index.html", &home);
    for r in REGIONS {
        assert!(
            linked.contains(&format!("regions/{r}/index.html")),
            "home links to {r}"
        );
    }
    for q in QUESTIONS {
        assert!(
            linked.contains(&format!("questions/{q}/index.html")),
            "home links to {q}"
        );
    }

    // Every paragraph of content/index.md is on the page.
    let commentary = project.read("content/index.md");
    let body = commentary.splitn(3, "---").nth(2).expect("front matter");
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .map(str::trim)
        // Paragraphs quoting the data through shortcodes are checked in tests/shortcodes.rs.
        .filter(|p| !p.is_empty() && !p.starts_with('#') && !p.contains("{{"))
        .collect();
    assert!(
        paragraphs.len() >= 2,
        "content/index.md paragraphs: {paragraphs:?}"
    );
    let shown = text(&home);
    for p in paragraphs {
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            shown.contains(&p),
            "home page lacks the commentary paragraph {p:?}"
        );
    }
}

#[test]
fn region_pages_show_respondents_and_the_key_figure() {
    let site = Project::example().build();
    for (region, n, count, percent) in [
        ("ku-seinanbu", "16", "4", "25.0%"),
        ("tokyo", "250", "80", "32.0%"),
    ] {
        let page = site.page(&format!("regions/{region}/"));
        let shown = text(&page);
        assert!(
            shown.contains(&format!("回答病院数 {n}")),
            "regions/{region}/ should show {n} respondents"
        );
        // The key-figures table: Q1's key option, adopted.
        let table = tables(&page)
            .into_iter()
            .find(|t| t.rows.iter().any(|r| r.label().starts_with("Q1 ")))
            .expect("a table with a row per question");
        let q1 = table
            .rows
            .iter()
            .find(|r| r.label().starts_with("Q1 "))
            .unwrap();
        let row = q1.td.join(" ");
        assert!(
            row.contains(CHOICE_QUESTIONS[0].options[0]),
            "regions/{region}/ Q1 key option label: {row:?}"
        );
        let got = figure(&row.replace(&format!("n={n}"), ""));
        assert_eq!(
            got.count.as_deref(),
            Some(count),
            "regions/{region}/ Q1: {row:?}"
        );
        assert_eq!(
            got.percent.as_deref(),
            Some(percent),
            "regions/{region}/ Q1: {row:?}"
        );
        // and the page links to each of its region × question pages
        let linked = targets(&format!("regions/{region}/index.html"), &page);
        for q in QUESTIONS {
            assert!(
                linked.contains(&format!("regions/{region}/{q}/index.html")),
                "{region} {q}"
            );
        }
    }
}

#[test]
fn choice_question_pages_link_to_both_regions() {
    let site = Project::example().build();
    for q in CHOICE_QUESTIONS.iter().map(|q| q.id) {
        let page = site.page(&format!("questions/{q}/"));
        let linked = targets(&format!("questions/{q}/index.html"), &page);
        for r in REGIONS {
            assert!(
                linked.contains(&format!("regions/{r}/{q}/index.html")),
                "questions/{q}/ → {r}"
            );
        }
    }
}

#[test]
fn region_page_breadcrumb_does_not_repeat_the_region() {
    let site = Project::example().build();
    for r in REGIONS {
        let page = site.page(&format!("regions/{r}/"));
        let crumbs: Vec<String> = elements(&page, "nav")
            .into_iter()
            .filter(|n| open_tag_attr(n, "nav", "class").as_deref() == Some("breadcrumbs"))
            .flat_map(|n| elements(n, "li").into_iter().map(text))
            .collect();
        assert_eq!(
            crumbs,
            ["ホーム", "地域一覧", region_title(r)],
            "regions/{r}/ breadcrumbs"
        );
    }
}
