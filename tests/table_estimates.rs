//! Count tables that carry the survey office's own estimates (`estimate,lower,upper`, issue
//! #14): a reader sees exactly the office's figures (made up in
//! tests/fixtures/table-estimates/), never count ÷ base, with their intervals and no
//! significance mark; every bad cell is an error naming `file:line:column`.

#[path = "common/mod.rs"]
mod common;

use common::{Project, parse_csv, stderr_of, table_captioned, text};

const NOTE: &str = "%と95%信頼区間は、調査の実施機関が算出して公表した推計値をそのまま載せたものです（このサイトでは計算していません）。";

fn fixture() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("table-estimates");
    p
}

/// The `<figure>` of the chart `id` on a page.
fn figure<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<figure class=\"chart\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + page[start..].find("</figure>").unwrap();
    &page[start..end]
}

/// The `<td>` texts of a table row.
fn cells(table: &common::Table, label: &str) -> Vec<String> {
    table.row(label).td.clone()
}

#[test]
fn region_question_page_shows_the_offices_estimates_and_intervals() {
    let site = fixture().build();
    let page = site.page("regions/kita/q1/");
    let table = table_captioned(&page, "北部: Q1 地域医療連携システムを導入していますか");
    // Count, the office's %, its interval: not 12 ÷ 40 = 30.0%.
    assert_eq!(
        cells(&table, "導入している")[..3],
        ["12", "33.4%", "24.1〜44.2%"]
    );
    assert_eq!(
        cells(&table, "導入予定")[..3],
        ["10", "22.0%", "14.0〜32.8%"]
    );
    assert_eq!(
        cells(&table, "予定なし")[..3],
        ["18", "44.6%", "33.1〜56.7%"]
    );
    assert!(page.contains("<th scope=\"col\" class=\"num\">95%信頼区間</th>"));
    // The page note says who computed them; no mark and no mark legend.
    assert!(text(&page).contains(NOTE), "{}", text(&page));
    assert!(!page.contains("estimate-legend") && !page.contains("▲・▼："));
    assert!(!page.contains("class=\"mark\""));
    // The cross-tab by 病床規模: the office's estimates of each group, and of the 計 row.
    let crosstab = table_captioned(&page, "北部: 病床規模別の");
    assert!(
        crosstab
            .caption
            .ends_with("（% は実施機関による各区分の推計値。件数は実際の回答数）"),
        "{}",
        crosstab.caption
    );
    assert_eq!(
        cells(&crosstab, "100床未満"),
        ["25", "5 (19.8%) ［8.9〜38.3%］"]
    );
    assert_eq!(
        cells(&crosstab, "100床以上"),
        ["15", "7 (51.2%) ［28.0〜73.9%］"]
    );
    assert_eq!(cells(&crosstab, "計"), ["40", "12 (33.4%) ［24.1〜44.2%］"]);
    let chart = figure(&page, "x-kita--q1");
    assert!(
        chart.contains("北部: 病床規模別の導入している（%、実施機関による推計値）"),
        "{chart}"
    );
}

#[test]
fn shortcodes_quote_the_offices_estimate_and_interval() {
    let site = fixture().build();
    let page = text(&site.page("regions/kita/q1/"));
    assert!(
        page.contains(
            "北部で導入している病院は推計33.4%（95%信頼区間 24.1〜44.2%）、南部は47.9%（95%信頼区間 40.2〜55.7%）でした。南部の導入予定ありは3.1%（—）です。"
        ),
        "{page}"
    );
}

#[test]
fn mark_shortcode_is_an_error_for_given_estimates() {
    let p = fixture();
    p.write(
        "content/regions/kita/q1.md",
        "---\ntitle: 北部\n---\n\n{{ mark(option=\"adopted\") }}\n",
    );
    let out = p.run_build(&p.path("site"), &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("content/regions/kita/q1.md:5:")
            && err.contains("`mark` needs a test, and the office's estimates give only intervals"),
        "{err}"
    );
}

#[test]
fn question_and_region_pages_show_the_offices_estimates() {
    let site = fixture().build();
    let page = site.page("questions/q1/");
    let table = table_captioned(&page, "地域別、件数と対象に対する%");
    assert_eq!(
        cells(&table, "導入している"),
        [
            "12 (33.4%) ［24.1〜44.2%］",
            "30 (47.9%) ［40.2〜55.7%］",
            "42 (41.2%) ［35.0〜47.7%］"
        ]
    );
    // 南部's 導入予定: the office gives no interval, and the dash says so.
    assert_eq!(cells(&table, "導入予定")[1], "2 (3.1%) ［—］");
    assert!(page.contains("title=\"実施機関が信頼区間を示していません\""));
    assert!(text(&page).contains(NOTE));
    assert!(!page.contains("estimate-legend"));
    // The region page's key figure.
    let region = text(&site.page("regions/kita/"));
    assert!(
        region.contains("導入している 12 33.4% ［24.1〜44.2%］"),
        "{region}"
    );
    // A count not reported shows no estimate: 北部 Q2 重複検査の減少.
    let q2 = site.page("regions/kita/q2/");
    let t = table_captioned(&q2, "北部: Q2");
    assert_eq!(cells(&t, "情報共有")[..3], ["9", "71.5%", "48.0〜87.2%"]);
    assert_eq!(cells(&t, "重複検査の減少")[..3], ["…", "", ""]);
    // No page anywhere carries a mark or its legend.
    for (path, bytes) in site.files() {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            assert!(!html.contains("estimate-legend"), "{path}");
            assert!(!html.contains("class=\"mark\""), "{path}");
        }
    }
}

#[test]
fn csv_downloads_carry_the_estimates_and_interval_columns() {
    let site = fixture().build();
    let files = site.files();
    let csv = |name: &str| parse_csv(std::str::from_utf8(&files[name]).unwrap());
    let question = csv("questions/q1/q-q1.csv");
    assert_eq!(
        question[0][4..],
        [
            "割合(%)",
            "対象(n)",
            "95%信頼区間下限(%)",
            "95%信頼区間上限(%)"
        ]
    );
    assert!(
        question.contains(
            &[
                "南部",
                "Q1 地域医療連携システムを導入していますか",
                "導入している",
                "30",
                "47.9",
                "60",
                "40.2",
                "55.7"
            ]
            .map(String::from)
            .to_vec()
        ),
        "{question:?}"
    );
    assert!(
        question.contains(
            &[
                "南部",
                "Q1 地域医療連携システムを導入していますか",
                "導入予定",
                "2",
                "3.1",
                "60",
                "",
                ""
            ]
            .map(String::from)
            .to_vec()
        ),
        "{question:?}"
    );
    let all = csv("data.csv");
    let row = all
        .iter()
        .find(|r| r[0] == "全域" && r[1] == "Q2" && r[4] == "重複検査の減少")
        .unwrap();
    assert_eq!(
        row[5..],
        ["15", "33.0", "導入している病院", "42", "24.4", "42.9"]
    );
    let crosstab = csv("regions/kita/q1/x-kita--q1.csv");
    assert!(
        crosstab.contains(
            &[
                "北部",
                "100床以上",
                "15",
                "導入している",
                "7",
                "51.2",
                "28.0",
                "73.9"
            ]
            .map(String::from)
            .to_vec()
        ),
        "{crosstab:?}"
    );
}

/// The lengths of the horizontal interval lines of a chart's first SVG's error bars.
fn error_bar_lengths(svg: &str) -> Vec<f64> {
    common::error_bars(svg)
        .into_iter()
        .map(|(from, to)| to - from)
        .collect()
}

#[test]
fn charts_draw_the_offices_intervals_as_error_bars() {
    let site = fixture().build();
    let page = site.page("regions/kita/q1/");
    let chart = figure(&page, "x-kita--q1");
    let wide = chart
        .split("<svg")
        .find(|s| s.contains("chart-wide"))
        .unwrap();
    let bars = error_bar_lengths(wide);
    assert_eq!(bars.len(), 2, "{wide}");
    // On one 0–100% axis: in the ratio of the given intervals' widths (29.4 : 45.9).
    let ratio = bars[0] / bars[1];
    assert!((ratio - 29.4 / 45.9).abs() < 0.01, "{bars:?}");
}

/// Builds the fixture with one line of a table replaced; returns stderr.
fn error_with(file: &str, old: &str, new: &str) -> String {
    let p = fixture();
    p.replace_line(file, old, new);
    let out = p.run_build(&p.path("site"), &[]);
    assert!(!out.status.success());
    stderr_of(&out)
}

#[test]
fn each_bad_estimate_is_a_located_error() {
    let counts = "data/counts.csv";
    let row = "kita,q1,adopted,12,33.4,24.1,44.2";
    // Line 3 of the file (a comment, the header, then this row); columns 5, 6, 7.
    let cases = [
        (
            "kita,q1,adopted,12,120,24.1,44.2",
            "data/counts.csv:3:5: estimate \"120\" is not a percent from 0 to 100 (e.g. 12.3 or 12.3%; leave it empty or write … when not given)",
        ),
        (
            "kita,q1,adopted,12,33.4,-1,44.2",
            "data/counts.csv:3:6: lower \"-1\" is not a percent from 0 to 100",
        ),
        (
            "kita,q1,adopted,12,33.4,24.1,",
            "data/counts.csv:3:7: upper is empty: give both bounds of the 95% interval or neither",
        ),
        (
            "kita,q1,adopted,12,33.4,,44.2",
            "data/counts.csv:3:6: lower is empty: give both bounds of the 95% interval or neither",
        ),
        (
            "kita,q1,adopted,12,50.0,24.1,44.2",
            "data/counts.csv:3:5: estimate 50 is not within its interval 24.1 to 44.2 (expected lower ≤ estimate ≤ upper)",
        ),
        (
            "kita,q1,adopted,12,,,",
            "data/counts.csv:3:5: the estimate is empty, but the count 12 is reported",
        ),
        (
            "kita,q1,adopted,12,…,24.1,44.2",
            "data/counts.csv:3:5: the estimate is empty but its interval is given",
        ),
        (
            "kita,q1,adopted,…,33.4,24.1,44.2",
            "data/counts.csv:3:5: the count is not reported (…), so its estimate cannot be shown",
        ),
    ];
    for (bad, expected) in cases {
        let err = error_with(counts, row, bad);
        assert!(err.contains(expected), "{bad}:\n{err}");
    }
    // The cross-tab's cells are checked the same way.
    let err = error_with(
        "data/crosstab.csv",
        "kita,q1,large,adopted,7,51.2,28.0,73.9",
        "kita,q1,large,adopted,7,51.2%,28.0,abc",
    );
    assert!(
        err.contains("data/crosstab.csv:4:8: upper \"abc\" is not a percent from 0 to 100"),
        "{err}"
    );
}

#[test]
fn estimate_columns_are_checked_in_the_header() {
    let header = "region,question,option,count,estimate,lower,upper";
    let err = error_with(
        "data/counts.csv",
        header,
        "region,question,option,count,estimate,lower,upper_bound",
    );
    assert!(
        err.contains("data/counts.csv:1:6: the columns lower and upper go together"),
        "{err}"
    );
    // The cross-tab gives estimates exactly when the counts do.
    let err = error_with(
        "data/crosstab.csv",
        "region,question,group,option,count,estimate,lower,upper",
        "region,question,group,option,count,a,b,c",
    );
    assert!(
        err.contains("data/crosstab.csv:1: data/counts.csv gives the office's estimates (columns estimate,lower,upper): the cross-tab needs them too"),
        "{err}"
    );
}

#[test]
fn a_design_and_estimate_columns_do_not_mix() {
    let p = Project::example_with(&[]);
    p.overlay("weighted");
    p.write("data/respondents.csv", "region,group,respondents\n");
    p.write(
        "data/counts.csv",
        "region,question,option,count,estimate,lower,upper\n",
    );
    let out = p.run_build(&p.path("site"), &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("data/counts.csv:1:5: the codebook's `design:` (weight column")
            && err.contains("estimates every % from the respondent rows: remove the estimate columns, or the design"),
        "{err}"
    );
}

/// data/counts.csv as an Excel sheet, numbers as numbers and estimates as text or numbers.
fn counts_workbook(p: &Project, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    let text = p.read("data/counts.csv");
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    edit(&mut rows);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("集計").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, cell).unwrap(),
            };
        }
    }
    book.save(p.path("data/counts.xlsx")).unwrap();
    std::fs::remove_file(p.path("data/counts.csv")).unwrap();
}

#[test]
fn an_xlsx_counts_table_carries_the_estimates_too() {
    let p = fixture();
    counts_workbook(&p, |_| {});
    let site = p.build();
    let page = site.page("regions/minami/q1/");
    let table = table_captioned(&page, "南部: Q1");
    assert_eq!(
        cells(&table, "導入している")[..3],
        ["30", "47.9%", "40.2〜55.7%"]
    );
    assert_eq!(cells(&table, "導入予定")[..3], ["2", "3.1%", "—"]);

    // A bad cell of the sheet is named by its own cell (G: upper, row 3).
    let p = fixture();
    counts_workbook(&p, |rows| rows[1][6] = "150".into());
    let out = p.run_build(&p.path("site"), &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("data/counts.xlsx:集計!G2: upper \"150\" is not a percent from 0 to 100"),
        "{err}"
    );
}

#[test]
fn suppression_hides_a_small_counts_estimate_and_interval() {
    let p = fixture();
    p.write(
        "report.yaml",
        &(p.read("report.yaml") + "settings:\n  suppression:\n    threshold: 3\n"),
    );
    let site = p.build();
    // 南部 導入予定: 2 hospitals, below the threshold: x, and its 3.1% shown nowhere.
    let page = site.page("regions/minami/q1/");
    let table = table_captioned(&page, "南部: Q1");
    assert_eq!(cells(&table, "導入予定")[..3], ["x", "", ""]);
    assert!(!text(&page).contains("3.1%"), "{}", text(&page));
    let files = site.files();
    let csv = std::str::from_utf8(&files["questions/q1/q-q1.csv"]).unwrap();
    assert!(!csv.contains(",3.1,"), "{csv}");
    // The other figures are still the office's.
    assert_eq!(
        cells(&table, "導入している")[..3],
        ["30", "47.9%", "40.2〜55.7%"]
    );
}

#[test]
fn an_english_report_says_the_office_computed_them() {
    let p = fixture();
    p.replace_line("report.yaml", "language: ja", "language: en");
    let site = p.build();
    let page = site.page("questions/q1/");
    assert!(
        text(&page).contains(
            "Percentages and their 95% confidence intervals are the estimates computed and published by the survey office, shown as given (surveysite does not compute them)."
        ),
        "{}",
        text(&page)
    );
    assert!(page.contains("title=\"The survey office gives no confidence interval\""));
    assert!(!page.contains("estimate-legend"));
    let chart = site.page("regions/kita/q1/");
    assert!(chart.contains("(%, the survey office’s estimates)"));
}

#[test]
fn the_map_shows_the_offices_estimates() {
    let p = fixture();
    let codebook = p.read("data/codebook.yaml").replacen(
        "regions:",
        "map:\n  tiles:\n    - { region: kita, row: 1, column: 1 }\n    - { region: minami, row: 2, column: 1 }\n\nregions:",
        1,
    );
    p.write("data/codebook.yaml", &codebook);
    let site = p.build();
    let page = text(&site.page("questions/q1/"));
    // Not 12 ÷ 40 = 30.0% nor 30 ÷ 60 = 50.0%.
    assert!(
        page.contains("北部: 33.4%") || page.contains("北部 33.4%"),
        "{page}"
    );
    assert!(!page.contains("30.0%") && !page.contains("50.0%"), "{page}");
}

/// A made-up project of 21 regions (the ranked chart), each 10 respondents of whom 3 or 4 use a
/// system, with the office's estimates; with a total region `all` when `total`.
fn many_regions(total: bool) -> Project {
    let p = Project::example_with(&[]);
    p.write(
        "report.yaml",
        "title: 多地域（テスト）\nlanguage: ja\nbase_url: \"\"\n",
    );
    let mut codebook = String::from("regions:\n");
    let mut respondents = String::from("region,group,respondents\n");
    let mut counts = String::from("region,question,option,count,estimate,lower,upper\n");
    for i in 1..=21 {
        let (c, e) = if i % 2 == 0 { (4, "41.7") } else { (3, "28.2") };
        codebook += &format!("  - {{ id: r{i:02}, title: 地域{i:02} }}\n");
        respondents += &format!("r{i:02},,10\n");
        counts += &format!(
            "r{i:02},q1,yes,{c},{e},20.1,50.3\nr{i:02},q1,no,{},60.0,50.0,70.0\n",
            10 - c
        );
    }
    if total {
        codebook += "  - { id: all, title: 全域, total: true }\n";
        respondents += "all,,210\n";
        counts += "all,q1,yes,73,36.6,30.2,43.5\nall,q1,no,137,63.4,56.5,69.8\n";
    }
    codebook += "questions:\n  - id: q1\n    title: 導入していますか\n    short: 導入\n    type: single\n    base: all\n    key_option: yes\n    options:\n      - { id: yes, label: はい }\n      - { id: no, label: いいえ }\n";
    p.write("data/codebook.yaml", &codebook);
    p.write("data/respondents.csv", &respondents);
    p.write("data/counts.csv", &counts);
    p
}

#[test]
fn the_ranked_charts_total_line_is_the_offices_or_none() {
    // A total region: its line is the office's estimate, not 73 ÷ 210 = 34.8%.
    let site = many_regions(true).build();
    let chart = figure(&site.page("questions/q1/"), "q-q1").to_string();
    assert!(chart.contains("全域 36.6%"), "{chart}");
    assert!(!chart.contains("34.8%"), "{chart}");
    // None: the office gave no all-regions figure, and 73 ÷ 210 would not be one.
    let site = many_regions(false).build();
    let chart = figure(&site.page("questions/q1/"), "q-q1").to_string();
    assert!(chart.contains("地域02"), "{chart}");
    assert!(
        !chart.contains("全地域") && !chart.contains("34.8%"),
        "{chart}"
    );
}
