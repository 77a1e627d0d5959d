//! Survey editions over time (issue 15, docs/editions.md), on the three-edition fixture
//! tests/fixtures/editions (made-up numbers): what a reader sees — the trend table, chart and
//! CSV, the change since the previous edition (`…` where an option or region is missing), the
//! earlier editions' pages under /2024/ and /2025/ and the switcher linking the editions — and
//! determinism and located errors for bad `editions:` input.

mod common;

use std::process::Command;

use common::{Project, Site, attr_values, elements, open_tag_attr, resolve_link, table_captioned};

fn fixture() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("editions");
    std::fs::remove_file(p.path("README.md")).unwrap();
    p
}

/// The build's error output (the build must fail).
fn build_error(p: &Project) -> String {
    let out = p.run_build(&p.path("site"), &[]);
    assert!(!out.status.success(), "the build should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The cells (td text) of the row labelled `label` in the table captioned with `caption`.
fn row(html: &str, caption: &str, label: &str) -> Vec<String> {
    table_captioned(html, caption).row(label).td.clone()
}

#[test]
fn the_trend_table_shows_every_edition_and_leaves_missing_options_unreported() {
    let site = fixture().build();
    let page = site.page("regions/north/q1/");
    let caption = "北部のQ1 地域医療連携システムの導入状況を教えてください：調査年度ごとの推移";
    let table = table_captioned(&page, caption);
    assert_eq!(
        table.rows[0].th,
        [
            "調査年度",
            "導入している",
            "導入予定あり",
            "導入予定なし",
            "検討中",
            "紙で連携"
        ]
    );
    // considering (new in 2026) is … before; paper (dropped in 2026) is … in 2026, never 0;
    // north's none and considering are suppressed in 2026 (x).
    assert_eq!(
        row(&page, caption, "2024年度調査"),
        ["40.0%", "25.0%", "20.0%", "…", "15.0%"]
    );
    assert_eq!(
        row(&page, caption, "2025年度調査"),
        ["40.0%", "30.0%", "30.0%", "…", "0.0%"]
    );
    assert_eq!(
        row(&page, caption, "2026年度調査"),
        ["55.0%", "20.0%", "x", "x", "…"]
    );
    assert!(
        page.contains("title=\"2024年度調査では尋ねていません\""),
        "a not-asked cell says so"
    );
    // The chart names the same numbers for a screen reader (both variants).
    let figure = elements(&page, "figure")
        .into_iter()
        .find(|f| open_tag_attr(f, "figure", "id").as_deref() == Some("trend"))
        .expect("a trend figure");
    let labels: Vec<String> = attr_values(figure, "aria-label");
    assert_eq!(labels.len(), 2, "{labels:?}");
    for l in &labels {
        assert!(l.contains("2024年度調査: 導入している 40.0%、導入予定あり 25.0%、導入予定なし 20.0%、検討中 …、紙で連携 15.0%"), "{l}");
        assert!(l.contains("2026年度調査: 導入している 55.0%、導入予定あり 20.0%、導入予定なし x、検討中 x、紙で連携 …"), "{l}");
    }
    assert!(figure.contains("role=\"img\""));
    // The wording of 2024 is noted.
    assert!(
        page.contains("2024年度調査では設問文が異なります：地域医療連携システムを導入していますか")
    );
    // The trend CSV beside the page, linked from it.
    assert!(figure.contains("href=\"trend.csv\""));
    let csv = String::from_utf8(site.files()["regions/north/q1/trend.csv"].clone()).unwrap();
    assert_eq!(
        csv,
        "\u{feff}調査年度,導入している(%),導入予定あり(%),導入予定なし(%),検討中(%),紙で連携(%)\r\n\
         2024年度調査,40.0,25.0,20.0,…,15.0\r\n\
         2025年度調査,40.0,30.0,30.0,…,0.0\r\n\
         2026年度調査,55.0,20.0,x,x,…\r\n"
    );
}

#[test]
fn a_region_missing_from_an_edition_is_not_reported_there() {
    let site = fixture().build();
    let page = site.page("regions/east/q1/");
    let caption = "東部のQ1 地域医療連携システムの導入状況を教えてください：調査年度ごとの推移";
    assert_eq!(
        row(&page, caption, "2024年度調査"),
        ["…", "…", "…", "…", "…"]
    );
    assert_eq!(
        row(&page, caption, "2025年度調査"),
        ["50.0%", "50.0%", "0.0%", "…", "0.0%"]
    );
    // A question not asked in the first edition: its trend starts in 2025.
    let q2 = site.page("regions/north/q2/");
    let caption = "北部のQ2 現在の連携手段：調査年度ごとの推移";
    assert_eq!(row(&q2, caption, "2024年度調査"), ["…", "…", "…"]);
    assert_eq!(
        row(&q2, caption, "2025年度調査"),
        ["100.0%", "40.0%", "30.0%"]
    );
    assert_eq!(
        row(&q2, caption, "2026年度調査"),
        ["75.0%", "40.0%", "25.0%"]
    );
}

#[test]
fn the_change_column_gives_signed_points_and_dots_where_no_comparison_can_be_made() {
    let site = fixture().build();
    let page = site.page("regions/north/q1/");
    let caption = "北部: Q1 地域医療連携システムの導入状況を教えてください";
    let table = table_captioned(&page, caption);
    assert_eq!(
        table.rows[0].th,
        ["選択肢", "件数", "%", "前回からの変化", "割合のグラフ"]
    );
    // 55.0% now, 40.0% in 2025.
    assert_eq!(row(&page, caption, "導入している")[2], "+15.0ポイント");
    assert_eq!(row(&page, caption, "導入予定あり")[2], "−10.0ポイント");
    // Suppressed now, and an option 2025 did not ask: …
    assert_eq!(row(&page, caption, "導入予定なし")[2], "…");
    assert_eq!(row(&page, caption, "検討中")[2], "…");
    assert!(page.contains("前回（2025年度調査）からの変化（ポイント）"));

    // South: 50.0% now, 62.5% then.
    let south = site.page("regions/south/q1/");
    let caption = "南部: Q1";
    assert_eq!(row(&south, caption, "導入している")[2], "−12.5ポイント");
    assert_eq!(row(&south, caption, "検討中")[2], "…");

    // The question page: each region's change in the key option.
    let question = site.page("questions/q1/");
    let caption = "前回（2025年度調査）からの変化（ポイント）：導入している";
    assert_eq!(row(&question, caption, "北部"), ["55.0%", "+15.0ポイント"]);
    assert_eq!(row(&question, caption, "南部"), ["50.0%", "−12.5ポイント"]);
    assert_eq!(row(&question, caption, "東部"), ["50.0%", "±0.0ポイント"]);

    // The region page's key figures.
    let region = site.page("regions/north/");
    let key = table_captioned(&region, "北部");
    assert!(
        key.rows[0].th.contains(&"前回からの変化".to_string()),
        "{:?}",
        key.rows[0].th
    );
    let q1 = key
        .rows
        .iter()
        .find(|r| r.label().contains("導入状況"))
        .expect("q1 row");
    assert_eq!(q1.td.last().map(String::as_str), Some("+15.0ポイント"));

    // The first edition has nothing to compare with: no column.
    let first = site.page("2024/regions/north/q1/");
    assert!(!first.contains("前回からの変化"));
    // The middle one compares with the first: 40.0% − 40.0%.
    let middle = site.page("2025/regions/north/q1/");
    assert_eq!(row(&middle, "北部: Q1", "導入している")[2], "±0.0ポイント");
}

/// Every href of the switcher on a page, by edition label (`None`: shown, not linked).
fn switcher(html: &str) -> Vec<(String, Option<String>)> {
    let nav = elements(html, "nav")
        .into_iter()
        .find(|n| open_tag_attr(n, "nav", "class").as_deref() == Some("editions"))
        .expect("an editions switcher");
    elements(nav, "li")
        .into_iter()
        .map(|li| {
            let href = open_tag_attr(li, "a", "href");
            (common::text(li), href)
        })
        .collect()
}

#[test]
fn earlier_editions_are_published_under_their_id_and_link_to_each_other() {
    let p = fixture();
    let site = p.build();
    let files = site.files();
    for path in [
        "2024/index.html",
        "2024/regions/north/q1/index.html",
        "2024/questions/q1/index.html",
        "2025/regions/east/q2/index.html",
        "2025/data.csv",
        "regions/north/q1/index.html",
    ] {
        assert!(files.contains_key(path), "{path} is missing");
    }
    // Not surveyed, not asked: no page.
    for path in [
        "2024/regions/east/index.html",
        "2024/regions/north/q2/index.html",
        "2024/questions/q2/index.html",
        "2024/404.html",
    ] {
        assert!(!files.contains_key(path), "{path} should not exist");
    }
    let page_file = "2024/regions/north/q1/index.html";
    let html = site.page("2024/regions/north/q1/");
    let links = switcher(&html);
    let resolved: Vec<(String, String)> = links
        .iter()
        .map(|(label, href)| {
            let href = href.as_deref().expect("linked");
            let to = resolve_link(page_file, href, "/").unwrap().unwrap();
            (label.clone(), to)
        })
        .collect();
    assert_eq!(
        resolved,
        [
            (
                "2024年度調査".to_string(),
                "2024/regions/north/q1/index.html".to_string()
            ),
            (
                "2025年度調査".into(),
                "2025/regions/north/q1/index.html".into()
            ),
            ("2026年度調査".into(), "regions/north/q1/index.html".into()),
        ]
    );
    assert!(html.contains("aria-current=\"page\">2024年度調査"));
    // An earlier edition says so and links to the latest.
    assert!(html.contains("この頁は2024年度調査の結果です。"));
    assert!(html.contains("最新の2026年度調査を見る"));
    // Links inside an earlier edition stay in it; shared files are at the site root.
    for href in attr_values(&html, "href") {
        let Some(Ok(to)) = resolve_link(page_file, &href, "/") else {
            continue;
        };
        assert!(files.contains_key(&to), "{href} → {to} does not exist");
    }
    assert!(html.contains("href=\"../../../../2024/questions/q1/\""));
    assert!(html.contains("href=\"../../../../assets/style.css\""));
    // A page an edition does not have is shown unlinked.
    let east = switcher(&site.page("regions/east/q1/"));
    assert_eq!(east[0], ("2024年度調査".to_string(), None));
    assert!(east[1].1.is_some());
    let q2 = switcher(&site.page("regions/north/q2/"));
    assert_eq!(q2[0].1, None);
    // A one-edition project has no switcher.
    let example = Project::example().build();
    assert!(!example.page("").contains("class=\"editions\""));
}

#[test]
fn check_passes_on_every_edition_under_a_sub_path() {
    let p = fixture();
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(["check", "--root"])
        .arg(p.root())
        .args(["--base-url", "https://example.org/repo/"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("no errors"), "{stdout}");
    let site = p.build_into(
        &p.path("site"),
        &["--base-url", "https://example.org/repo/"],
    );
    let html = site.page("2024/regions/north/q1/");
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"https://example.org/repo/2024/regions/north/q1/\">"
    ));
    let sitemap = String::from_utf8(site.files()["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/repo/2025/regions/east/q2/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/repo/regions/east/q2/</loc>"));
}

#[test]
fn two_builds_are_byte_identical() {
    let p = fixture();
    let a: Site = p.build_into(&p.path("a"), &[]);
    let b: Site = p.build_into(&p.path("b"), &[]);
    assert_eq!(a.files(), b.files());
}

#[test]
fn an_earlier_edition_has_its_own_commentary() {
    let p = fixture();
    p.write(
        "content/editions/2024/regions/north/q1.md",
        "---\ntitle: 2024年の所見\n---\n2024年度は紙での連携が残っていました。\n",
    );
    p.write(
        "content/regions/north/q1.md",
        "---\ntitle: 最新の所見\n---\n導入が進みました。\n",
    );
    let site = p.build();
    let old = site.page("2024/regions/north/q1/");
    assert!(old.contains("2024年度は紙での連携が残っていました。"));
    assert!(!old.contains("導入が進みました。"));
    let new = site.page("regions/north/q1/");
    assert!(new.contains("導入が進みました。"));
    assert!(!new.contains("2024年度は紙での連携が残っていました。"));
    assert!(!site.page("2025/regions/north/q1/").contains("所見"));
}

const CODEBOOK: &str = "data/codebook.yaml";

#[test]
fn dates_must_increase_and_ids_be_unique_slugs() {
    let p = fixture();
    p.replace_line(CODEBOOK, "    date: 2025-10-01", "    date: 2024-09-01");
    let line = p.line_of(CODEBOOK, "    date: 2024-09-01");
    let err = build_error(&p);
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}:11: date 2024-09-01 is not after the edition above (2024-10-01, line 7)"
        )),
        "{err}"
    );

    let p = fixture();
    p.replace_line(CODEBOOK, "  - id: \"2025\"", "  - id: \"2024\"");
    let line = p.line_of(CODEBOOK, "    label: 2025年度調査") - 1;
    let err = build_error(&p);
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}:9: edition id \"2024\" is given twice"
        )),
        "{err}"
    );

    let p = fixture();
    p.replace_line(CODEBOOK, "  - id: \"2026\"", "  - id: \"令和8年\"");
    let err = build_error(&p);
    assert!(
        err.contains("edition id \"令和8年\" must be an ASCII slug"),
        "{err}"
    );

    let p = fixture();
    p.replace_line(CODEBOOK, "    date: 2026-10-01", "    date: 2026/10/01");
    let err = build_error(&p);
    assert!(
        err.contains("date \"2026/10/01\" is not a date written YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn unknown_editions_in_questions_and_options_are_named_where_they_are() {
    let p = fixture();
    let old = "      - { id: considering, label: 検討中, editions: [\"2026\"] }";
    p.replace_line(
        CODEBOOK,
        old,
        "      - { id: considering, label: 検討中, editions: [\"2027\"] }",
    );
    let line = p.line_of(
        CODEBOOK,
        "      - { id: considering, label: 検討中, editions: [\"2027\"] }",
    );
    let err = build_error(&p);
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}:51: edition \"2027\" is not under `editions:`"
        )),
        "{err}"
    );

    let p = fixture();
    p.replace_line(
        CODEBOOK,
        "      \"2024\": 地域医療連携システムを導入していますか",
        "      \"2023\": 地域医療連携システムを導入していますか",
    );
    let err = build_error(&p);
    assert!(
        err.contains(
            "`wording:` of question \"q1\" names edition \"2023\", which is not under `editions:`"
        ),
        "{err}"
    );
}

#[test]
fn a_count_for_an_option_an_edition_did_not_ask_is_an_error_at_its_line() {
    let p = fixture();
    let counts = "data/editions/2024/counts.csv";
    let mut text = p.read(counts);
    text.push_str("north,q1,considering,1\n");
    p.write(counts, &text);
    let line = text.lines().count();
    let err = build_error(&p);
    assert!(
        err.contains(&format!(
            "data/editions/2024/counts.csv:{line}: option \"considering\" is not an option of question \"q1\""
        )),
        "{err}"
    );
    // A question the edition did not ask.
    let p = fixture();
    let mut text = p.read(counts);
    text.push_str("north,q2,tel,1\n");
    p.write(counts, &text);
    let err = build_error(&p);
    assert!(err.contains("data/editions/2024/counts.csv:"), "{err}");
    assert!(err.contains("\"q2\""), "{err}");
}

#[test]
fn an_editions_data_is_checked_like_a_one_edition_projects() {
    // A missing row in an edition's counts names that edition's file.
    let p = fixture();
    p.replace_line("data/editions/2024/counts.csv", "south,q1,planned,3", "");
    let err = build_error(&p);
    assert!(
        err.contains("data/editions/2024/counts.csv: no row for region \"south\", question \"q1\", option \"planned\""),
        "{err}"
    );
    // A respondent export's problems name its file and line.
    let p = fixture();
    let export = "data/editions/2025/responses.csv";
    let mut text = p.read(export);
    text.push_str("R999,W,1,電話\n");
    p.write(export, &text);
    let err = build_error(&p);
    assert!(err.contains("data/editions/2025/responses.csv:"), "{err}");
}

#[test]
fn the_top_level_responses_belong_to_the_edition_kept_in_data() {
    let p = fixture();
    let mut text = p.read(CODEBOOK);
    text.push_str("\nresponses:\n  file: data/responses.csv\n");
    p.write(CODEBOOK, &text);
    p.replace_line(CODEBOOK, "    data: data", "    data: data/editions/2026");
    let err = build_error(&p);
    assert!(
        err.contains("the top-level `responses:` belongs to the edition kept in data/, and no edition has `data: data`"),
        "{err}"
    );
    // A data folder outside the project.
    let p = fixture();
    p.replace_line(CODEBOOK, "    data: data", "    data: ../elsewhere");
    let err = build_error(&p);
    assert!(
        err.contains("`data:` \"../elsewhere\" must be a folder inside the project"),
        "{err}"
    );
}

#[test]
fn shortcodes_quote_another_editions_figures() {
    let p = fixture();
    p.write(
        "content/regions/north/q1.md",
        "---\ntitle: 所見\n---\n導入は{{ percent(q=\"q1\", option=\"adopted\", edition=\"2025\") }}（{{ count(q=\"q1\", option=\"adopted\", edition=\"2025\") }}）から{{ percent(q=\"q1\", option=\"adopted\") }}になりました。\n",
    );
    let site = p.build();
    let page = site.page("regions/north/q1/");
    assert!(
        page.contains("導入は40.0%（4）から55.0%になりました。"),
        "{}",
        common::text(&page)
    );

    let p = fixture();
    p.write(
        "content/regions/north/q1.md",
        "前回は{{ percent(q=\"q1\", option=\"adopted\", edition=\"2023\") }}。\n",
    );
    let err = build_error(&p);
    assert!(
        err.contains("content/regions/north/q1.md:1:4: edition \"2023\" is not under `editions:` in the codebook"),
        "{err}"
    );
}

#[test]
fn the_editions_words_come_from_the_strings_table_in_english() {
    let p = fixture();
    p.replace_line("report.yaml", "language: ja", "language: en");
    let site = p.build();
    let page = site.page("regions/north/q1/");
    for words in [
        "aria-label=\"Survey edition\"",
        "Change since last time",
        "+15.0 pts",
        "−10.0 pts",
        "Change since 2025年度調査 (percentage points)",
        "Over the editions",
        "In 2024年度調査 the question read: 地域医療連携システムを導入していますか",
        "title=\"not asked in 2024年度調査\"",
    ] {
        assert!(page.contains(words), "{words}");
    }
    assert!(!page.contains("ポイント"));
    assert!(!page.contains("推移"));
    let old = site.page("2024/regions/north/q1/");
    assert!(old.contains("This page shows the results of 2024年度調査."));
    assert!(old.contains("See the latest, 2026年度調査"));
    let csv = String::from_utf8(site.files()["regions/north/q1/trend.csv"].clone()).unwrap();
    assert!(csv.starts_with("\u{feff}edition,"), "{csv}");
}

/// The weighted fixture as two editions: 2025 a copy of the export where two in three hospitals
/// that adopted had not yet (made-up), 2026 the fixture itself.
fn weighted_editions() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("weighted");
    std::fs::remove_file(p.path("README.md")).unwrap();
    let rows = p.read("data/responses.csv");
    let mut out = Vec::new();
    for (i, line) in rows.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 && cells.len() >= 9 && cells[6] == "導入している" && (i - 1) % 3 != 0 {
            cells[6] = "導入予定なし".into();
            cells[7] = String::new();
        }
        out.push(cells.join(","));
    }
    p.write("data/editions/2025/responses.csv", &out.join("\n"));
    let mut codebook = p.read(CODEBOOK);
    codebook.push_str(
        "\neditions:\n  - id: \"2025\"\n    label: 2025年度調査\n    date: 2025-10-01\n    responses:\n      file: data/editions/2025/responses.csv\n      encoding: utf-8\n      id: ID\n      region: { column: 地域 }\n      dimension: { column: 規模 }\n      questions:\n        q1: { column: Q1 }\n        q2: { column: Q2, separator: \";\" }\n  - id: \"2026\"\n    label: 2026年度調査\n    date: 2026-10-01\n    data: data\n",
    );
    p.write(CODEBOOK, &codebook);
    p
}

#[test]
fn a_weighted_change_is_marked_only_when_the_test_finds_it() {
    let site = weighted_editions().build();
    let page = site.page("regions/all/q1/");
    let caption = "全域: Q1 導入状況";
    let adopted = table_captioned(&page, caption).row("導入している").clone();
    assert_eq!(adopted.td[3], "+38.2ポイント ▲", "{:?}", adopted.td);
    assert!(
        adopted
            .html
            .contains("title=\"統計的に有意な変化（5%水準）\"")
    );
    assert_eq!(row(&page, caption, "導入予定なし")[3], "−38.2ポイント ▼");
    // No change, no mark; an estimate of 0% has no standard error to test with.
    assert_eq!(row(&page, caption, "導入予定あり")[3], "±0.0ポイント");
    assert_eq!(row(&page, caption, "検討中")[3], "±0.0ポイント");
    // A hidden figure on either side: … and no mark.
    let east = site.page("regions/east/q1/");
    assert_eq!(row(&east, "東部: Q1 導入状況", "導入している")[3], "…");
}

/// One row of tests/reference/editions-change-expected.csv (tests/reference/editions-change.R).
struct ChangeReference {
    region: String,
    question: String,
    option: String,
    /// The previous (2025) and the latest (2026) estimate.
    p1: f64,
    p2: f64,
    /// R's two-sided p-value of the change; `None` where the test cannot be done.
    p_value: Option<f64>,
}

fn change_reference() -> Vec<ChangeReference> {
    let path = common::manifest_dir().join("tests/reference/editions-change-expected.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let number = |s: &str| (s != "NA" && s != "NaN").then(|| s.parse::<f64>().unwrap());
    reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|row| {
            let row = row.unwrap();
            ChangeReference {
                region: row["region"].clone(),
                question: row["question"].clone(),
                option: row["option"].clone(),
                p1: number(&row["p1"]).unwrap(),
                p2: number(&row["p2"]).unwrap(),
                p_value: number(&row["p"]),
            }
        })
        .collect()
}

/// The percentage in a results cell as shown (`62.5%`, maybe followed by a mark), or `None` for
/// a hidden one (`x`, `…`).
fn shown_percent(cell: &str) -> Option<String> {
    let number = cell.split('%').next()?;
    (cell.contains('%') && number.parse::<f64>().is_ok()).then(|| number.to_string())
}

/// The change as the page writes it, from two shown percentages: `+3.2`, `−1.0`, `±0.0`.
fn signed_change(now: &str, before: &str) -> String {
    let tenths = |s: &str| (s.parse::<f64>().unwrap() * 10.0).round() as i64;
    let d = tenths(now) - tenths(before);
    let sign = match d.signum() {
        1 => "+",
        -1 => "−",
        _ => "±",
    };
    format!("{sign}{}.{}ポイント", d.abs() / 10, d.abs() % 10)
}

#[test]
fn every_weighted_change_and_its_mark_equal_rs_test() {
    // tests/reference/editions-change.R: each edition's design-based estimate and the test of
    // their difference, from R's survey package. Every region × question page of both editions
    // shows R's estimates to one decimal; the change is their difference; ▲/▼ exactly where R's
    // p-value is below 5%.
    let site = weighted_editions().build();
    let regions = [
        ("east", "東部"),
        ("west", "西部"),
        ("island", "島しょ"),
        ("all", "全域"),
    ];
    let questions = [("q1", "Q1 導入状況"), ("q2", "Q2 導入のメリット")];
    let options = [
        ("adopted", "導入している"),
        ("planned", "導入予定あり"),
        ("none", "導入予定なし"),
        ("considering", "検討中"),
        ("share", "情報共有"),
        ("tests", "検査削減"),
        ("other", "その他"),
    ];
    let label =
        |pairs: &[(&str, &'static str)], id: &str| pairs.iter().find(|(i, _)| *i == id).unwrap().1;
    let reference = change_reference();
    assert_eq!(reference.len(), 4 * 7, "one row per region × option");
    let (mut marked, mut tested) = (0, 0);
    for r in &reference {
        let caption = format!(
            "{}: {}",
            label(&regions, &r.region),
            label(&questions, &r.question)
        );
        let option = label(&options, &r.option);
        let page = site.page(&format!("regions/{}/{}/", r.region, r.question));
        let old = site.page(&format!("2025/regions/{}/{}/", r.region, r.question));
        let now_row = row(&page, &caption, option);
        let now = shown_percent(&now_row[1]);
        let before = shown_percent(&row(&old, &caption, option)[1]);
        let at = format!("{} {} {}", r.region, r.question, r.option);
        if let Some(now) = &now {
            assert_eq!(now, &format!("{:.1}", r.p2 * 100.0), "2026 {at}");
        }
        if let Some(before) = &before {
            assert_eq!(before, &format!("{:.1}", r.p1 * 100.0), "2025 {at}");
        }
        let change = &now_row[3];
        let (Some(now), Some(before)) = (now, before) else {
            assert_eq!(change, "…", "{at}: a hidden figure has no change");
            continue;
        };
        let text = signed_change(&now, &before);
        let mark = match r.p_value {
            Some(p) if p < 0.05 => Some(if r.p2 > r.p1 { "▲" } else { "▼" }),
            _ => None,
        };
        tested += usize::from(r.p_value.is_some());
        marked += usize::from(mark.is_some());
        let expected = match mark {
            Some(m) => format!("{text} {m}"),
            None => text,
        };
        assert_eq!(change, &expected, "{at}: R's p = {:?}", r.p_value);
    }
    // The fixture holds both outcomes, so the comparison is not vacuous.
    assert!(
        marked > 0 && tested > marked,
        "{marked} marked of {tested} tested"
    );
}

#[test]
fn commentary_for_a_page_an_earlier_edition_lacks_is_named_by_build_and_check() {
    // East was not surveyed in 2024: it has no 2024 page, so its commentary would be lost.
    let p = fixture();
    p.write(
        "content/editions/2024/regions/east/q1.md",
        "---\ntitle: 東部\n---\n本文\n",
    );
    p.write(
        "content/editions/2024/regions/north/q1.md",
        "---\ntitle: 北部\n---\n本文\n",
    );
    let message = "content/editions/2024/regions/east/q1.md: commentary for /2024/regions/east/q1/ but the site has no such page (is the region or question id right?)";
    let out = p.run_build(&p.path("site"), &[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("warning: {message}\n"));
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(["check", "--root"])
        .arg(p.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("error: {message}\n")), "{stderr}");
    assert!(!stderr.contains("north/q1.md"), "{stderr}");
}
