//! Charts as a reader (and a screen reader, and Excel) gets them: inline SVG with the option
//! labels and values, an aria-label with the numbers, a CSV of exactly the plotted numbers.

use crate::common::{Project, parse_csv, text};

/// The `<figure class="chart">` elements of a page.
fn figures(html: &str) -> Vec<&str> {
    html.match_indices("<figure class=\"chart\"")
        .map(|(i, _)| {
            let end = html[i..].find("</figure>").expect("figure is closed");
            &html[i..i + end]
        })
        .collect()
}

fn svg_texts(figure: &str) -> Vec<String> {
    let svg = &figure[figure.find("<svg").expect("an inline svg")..];
    svg.match_indices("<text")
        .map(|(i, _)| {
            let open_end = svg[i..].find('>').unwrap() + i + 1;
            let close = svg[open_end..].find("</text>").unwrap() + open_end;
            text(&svg[open_end..close])
        })
        .collect()
}

fn aria(figure: &str) -> String {
    let start = figure.find("aria-label=\"").expect("an aria-label") + "aria-label=\"".len();
    let end = figure[start..].find('"').unwrap() + start;
    crate::common::decode_entities(&figure[start..end])
}

fn csv_href(figure: &str) -> String {
    let i = figure.find("class=\"chart-links\"").expect("a CSV link");
    let start = figure[i..].find("href=\"").unwrap() + i + 6;
    let end = figure[start..].find('"').unwrap() + start;
    figure[start..end].to_string()
}

#[test]
fn multiple_choice_chart_plots_reported_options_with_count_and_percent() {
    let site = Project::example().build();
    let html = site.page("regions/ku-seinanbu/q2/");
    let figs = figures(&html);
    assert_eq!(figs.len(), 1);
    let fig = figs[0];
    assert!(fig.contains("role=\"img\""));
    let texts = svg_texts(fig).join("|");
    // 2/4, 1/4, 1/4; b and c are not reported and not plotted.
    for label in ["2病院（50.0%）", "1病院（25.0%）"] {
        assert!(texts.contains(label), "{label} in {texts}");
    }
    // Long labels are wrapped at 16 characters; the full text is in the table.
    assert!(
        texts.contains("医療機関間での患者情報の共有が円"),
        "{texts}"
    );
    assert!(
        !texts.contains("二重検査"),
        "a not-reported option is not plotted: {texts}"
    );
    assert!(!texts.contains("0病院"), "{texts}");
    // … and named under the chart instead.
    let omitted = text(&fig[fig.find("chart-omitted").expect("omitted note")..]);
    assert!(
        omitted.contains("二重検査や重複処方の防止など、患者の負担軽減につながった"),
        "{omitted}"
    );
    assert!(
        omitted.contains("患者の状態に応じた質の高い医療の提供が可能となった"),
        "{omitted}"
    );

    let a = aria(fig);
    assert!(a.starts_with("区西南部: "), "{a}");
    assert!(
        a.contains("医療機関間での患者情報の共有が円滑・効率的に行えるようになった 2病院 (50.0%)"),
        "{a}"
    );
    assert!(
        a.contains("二重検査や重複処方の防止など、患者の負担軽減につながった …（記載なし）"),
        "{a}"
    );
}

#[test]
fn single_choice_chart_names_each_option_with_its_numbers() {
    let site = Project::example().build();
    let fig = figures(&site.page("regions/tokyo/q1/"))[0].to_string();
    let texts = svg_texts(&fig).join("|");
    for label in [
        "地域医療連携に関するシステムを導入している：80病院 (32.0%)",
        "今後導入する予定がある：51病院 (20.4%)",
        "導入予定なし：119病院 (47.6%)",
    ] {
        assert!(texts.contains(label), "{label} in {texts}");
    }
    assert!(aria(&fig).contains("導入予定なし 119病院 (47.6%)"));
}

#[test]
fn chart_csv_holds_exactly_the_plotted_numbers_and_equals_the_table() {
    let site = Project::example().build();
    let html = site.page("regions/ku-seinanbu/q2/");
    let fig = figures(&html)[0];
    let href = csv_href(fig);
    let bytes = std::fs::read(site.dir.join("regions/ku-seinanbu/q2").join(&href)).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 with BOM for Excel"
    );
    let rows = parse_csv(
        String::from_utf8(bytes)
            .unwrap()
            .trim_start_matches('\u{feff}'),
    );
    assert_eq!(
        rows[0],
        ["地域", "設問", "選択肢", "件数", "割合(%)", "対象(n)"]
    );
    let body: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[3].clone(), r[4].clone()))
        .collect();
    assert_eq!(
        body,
        vec![
            (
                "医療機関間での患者情報の共有が円滑・効率的に行えるようになった".into(),
                "2".into(),
                "50.0".into()
            ),
            (
                "患者の病状経過をより正確に把握できるようになった".into(),
                "1".into(),
                "25.0".into()
            ),
            ("その他".into(), "1".into(), "25.0".into()),
        ]
    );
    // The same numbers as the table beside the chart.
    let table = crate::common::table_captioned(&html, "Q2");
    for (label, count, pct) in &body {
        let row = table.row(label);
        let cells = row.td.join(" ");
        assert!(
            cells.contains(count.as_str()) && cells.contains(&format!("{pct}%")),
            "{label}: {cells}"
        );
    }
}

#[test]
fn question_page_chart_compares_regions_and_crosstab_has_its_own_chart() {
    let site = Project::example().build();
    let fig = figures(&site.page("questions/q2/"))[0].to_string();
    let texts = svg_texts(&fig).join("|");
    assert!(
        texts.contains("区西南部（n=4）") && texts.contains("都全域（n=80）"),
        "{texts}"
    );
    assert!(
        texts.contains("68.8%") && texts.contains("50.0%"),
        "{texts}"
    );
    let a = aria(&fig);
    assert!(a.contains("都全域（n=80）: 医療機関間での患者情報の共有が円滑・効率的に行えるようになった 55病院 (68.8%)"), "{a}");

    let html = site.page("regions/tokyo/q1/");
    let figs = figures(&html);
    assert_eq!(figs.len(), 2, "the answer chart and the cross-tab chart");
    let a = aria(figs[1]);
    assert!(
        a.contains(
            "高度急性期 36病院のうち地域医療連携に関するシステムを導入している 19病院 (52.8%)"
        ),
        "{a}"
    );
}

#[test]
fn every_choice_page_has_a_chart_and_text_pages_have_none() {
    let site = Project::example().build();
    for region in ["ku-seinanbu", "tokyo"] {
        for q in 1..=8 {
            let html = site.page(&format!("regions/{region}/q{q}/"));
            let n = figures(&html).len();
            if q <= 4 {
                assert!(n >= 1, "{region} q{q} has a chart");
            } else {
                assert_eq!(n, 0, "{region} q{q} is free text");
            }
        }
    }
    for q in 1..=4 {
        assert_eq!(figures(&site.page(&format!("questions/q{q}/"))).len(), 1);
    }
}

#[test]
fn a_warm_build_renders_no_chart_and_gives_the_same_files() {
    let project = Project::example();
    let first = project.run_build(&project.path("a"), &[]);
    assert!(first.status.success());
    let first_out = String::from_utf8_lossy(&first.stdout);
    assert!(
        first_out.contains("charts: 14 rendered, 0 cached"),
        "{first_out}"
    );
    let second = project.run_build(&project.path("b"), &[]);
    let second_out = String::from_utf8_lossy(&second.stdout);
    assert!(
        second_out.contains("charts: 0 rendered, 14 cached"),
        "{second_out}"
    );
    assert_eq!(
        crate::common::files_under(&project.path("a")),
        crate::common::files_under(&project.path("b"))
    );
}

#[test]
fn the_whole_report_csv_keeps_not_reported_apart_from_zero() {
    let site = Project::example().build();
    let bytes = std::fs::read(site.dir.join("data.csv")).unwrap();
    let rows = parse_csv(
        String::from_utf8(bytes)
            .unwrap()
            .trim_start_matches('\u{feff}'),
    );
    let find = |region: &str, q: &str, option_start: &str| {
        rows.iter()
            .find(|r| r[0] == region && r[1] == q && r[4].starts_with(option_start))
            .unwrap_or_else(|| panic!("{region} {q} {option_start}"))
            .clone()
    };
    assert_eq!(
        find("区西南部", "Q1", "地域医療連携")[5..],
        ["4", "25.0", "全回答病院", "16"]
    );
    assert_eq!(find("区西南部", "Q2", "二重検査")[5..7], ["…", ""]);
    assert_eq!(
        find("都全域", "Q4", "コスト面")[5..],
        ["…", "", "導入予定あり・導入予定なしの病院", "170"]
    );
}

#[test]
fn a_question_whose_base_is_not_reported_has_no_chart_and_no_bars() {
    // Q2 is asked of the hospitals that adopted a system (Q1 adopted): without that count the
    // base is unknown, so no percentage, bar or chart can be drawn for Q2.
    let project = Project::example();
    project.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q1,adopted,4",
        "ku-seinanbu,q1,adopted,…",
    );
    let site = project.build();
    let html = site.page("regions/ku-seinanbu/q2/");
    assert!(figures(&html).is_empty(), "no chart without a base");
    assert!(!html.contains("width: %"), "no bar without a share");
    assert!(!html.contains("（）"));
    let table = crate::common::table_captioned(&html, "Q2");
    let row = table.row("医療機関間での患者情報の共有が円滑・効率的に行えるようになった");
    assert_eq!(row.td[0], "2");
    assert_eq!(row.td[1], "", "no percentage of an unknown base");
    // The comparison chart leaves the region out and keeps the other.
    let q = figures(&site.page("questions/q2/"))[0].to_string();
    assert!(svg_texts(&q).join("|").contains("68.8%"));
}
