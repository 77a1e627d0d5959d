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
    // Every row of the table, a not-reported option with `…` (never 0).
    assert_eq!(
        body,
        vec![
            (
                "医療機関間での患者情報の共有が円滑・効率的に行えるようになった".into(),
                "2".into(),
                "50.0".into()
            ),
            (
                "二重検査や重複処方の防止など、患者の負担軽減につながった".into(),
                "…".into(),
                "".into()
            ),
            (
                "患者の状態に応じた質の高い医療の提供が可能となった".into(),
                "…".into(),
                "".into()
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
        assert!(cells.contains(count.as_str()), "{label}: {cells}");
        if !pct.is_empty() {
            assert!(cells.contains(&format!("{pct}%")), "{label}: {cells}");
        }
    }
}

#[test]
fn a_table_whose_options_are_all_not_reported_gets_csv_rows_with_the_mark() {
    // 都全域 Q3: the source gives no count for any option.
    let site = Project::example().build();
    let html = site.page("regions/tokyo/q3/");
    let fig = figures(&html)[0];
    let bytes = std::fs::read(site.dir.join("regions/tokyo/q3").join(csv_href(fig))).unwrap();
    let rows = parse_csv(
        String::from_utf8(bytes)
            .unwrap()
            .trim_start_matches('\u{feff}'),
    );
    assert_eq!(
        rows.len(),
        1 + 7,
        "the header and the table's 7 rows: {rows:?}"
    );
    assert_eq!(rows[1][2], "患者・家族の同意取得に係る業務負担が大きい");
    assert!(
        rows[1..].iter().all(|r| r[3] == "…" && r[4].is_empty()),
        "{rows:?}"
    );
    assert!(text(fig).contains("資料に数値の記載がないため、描ける棒がありません"));
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
fn a_build_reading_kept_drawings_gives_the_same_files_as_one_drawing_them() {
    // The first build draws the 14 charts and keeps them; the second reads them back; a third,
    // without the kept drawings, draws them again: the same bytes each time.
    let project = Project::example();
    let first = project.run_build(&project.path("a"), &[]);
    assert!(first.status.success());
    let first_out = String::from_utf8_lossy(&first.stdout);
    assert!(first_out.contains("14 charts)"), "{first_out}");
    // The drawings are kept in one pack, with each chart's interactive option (the example's
    // charts are interactive): its last 24 bytes are the number of entries, where its index
    // starts and a mark.
    let kept = || {
        let pack = std::fs::read(project.path(".surveysite-cache/charts.pack")).unwrap();
        let footer = &pack[pack.len() - 24..];
        assert_eq!(&footer[16..], b"SSCHART1");
        u64::from_le_bytes(footer[..8].try_into().unwrap())
    };
    assert_eq!(kept(), 2 * 14, "one kept drawing and option per chart");
    let second = project.run_build(&project.path("b"), &[]);
    assert!(second.status.success());
    std::fs::remove_dir_all(project.path(".surveysite-cache")).unwrap();
    let third = project.run_build(&project.path("c"), &[]);
    assert!(third.status.success());
    let a = crate::common::files_under(&project.path("a"));
    assert!(a == crate::common::files_under(&project.path("b")));
    assert!(a == crate::common::files_under(&project.path("c")));

    // A changed number is drawn afresh, and the drawing no build uses any more is removed.
    project.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q2,d,1",
        "ku-seinanbu,q2,d,3",
    );
    let fourth = project.run_build(&project.path("d"), &[]);
    assert!(
        fourth.status.success(),
        "{}",
        String::from_utf8_lossy(&fourth.stderr)
    );
    assert_eq!(kept(), 2 * 14);
    let chart = |site: &str| {
        let page = std::fs::read_to_string(
            project.path(&format!("{site}/regions/ku-seinanbu/q2/index.html")),
        )
        .unwrap();
        let start = page.find("<svg").unwrap();
        page[start..start + page[start..].find("</div>").unwrap()].to_string()
    };
    // d: 1 of 4 (25.0%) before, 3 of 4 (75.0%) now.
    assert!(chart("c").contains(">1病院（25.0%）<") && !chart("c").contains("（75.0%）"));
    assert!(
        chart("d").contains(">3病院（75.0%）<"),
        "the new figure is drawn"
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

/// The root elements of a figure's SVGs: the wide variant, then the one for phones.
fn svg_roots(figure: &str) -> Vec<&str> {
    figure
        .match_indices("<svg")
        .map(|(i, _)| &figure[i..i + figure[i..].find('>').unwrap() + 1])
        .collect()
}

#[test]
fn every_chart_comes_wide_and_for_phones_with_readable_text() {
    let site = Project::example().build();
    for page in [
        "regions/ku-seinanbu/q1/",
        "regions/tokyo/q2/",
        "questions/q1/",
        "questions/q2/",
    ] {
        let html = site.page(page);
        for fig in figures(&html) {
            let roots = svg_roots(fig);
            assert_eq!(roots.len(), 2, "{page}: {roots:?}");
            assert!(
                roots[0].contains("class=\"chart-svg chart-wide\"")
                    && roots[0].contains("viewBox=\"0 0 720 "),
                "{}",
                roots[0]
            );
            // Drawn for 360 px: shown at ≥ 350 px on a 390 px phone, 12 px text stays ≥ 11 px.
            assert!(
                roots[1].contains("class=\"chart-svg chart-narrow\"")
                    && roots[1].contains("viewBox=\"0 0 360 "),
                "{}",
                roots[1]
            );
            for root in roots {
                assert!(
                    root.contains("role=\"img\"") && root.contains("font-size=\"12\""),
                    "{root}"
                );
            }
        }
    }
    let css = std::fs::read_to_string(site.dir.join("assets/style.css")).unwrap();
    assert!(
        css.contains("@container (max-width: 539px)"),
        "the box's width picks the variant"
    );
}

#[test]
fn phone_variant_puts_each_label_above_its_bar_with_the_numbers() {
    let site = Project::example().build();
    let html = site.page("regions/ku-seinanbu/q2/");
    let fig = figures(&html)[0];
    let narrow = &fig[fig.rfind("<svg").unwrap()..];
    let texts = svg_texts(narrow).join("|");
    assert!(
        texts.contains("医療機関間での患者情報の共有が円滑・効率的に行えるように|なった|"),
        "{texts}"
    );
    // The label's last line sits above its bar's value.
    let y = |content: &str| text_y(narrow, content);
    assert!(y("なった") < y("2病院（50.0%）"), "{texts}");
    assert!(y("2病院（50.0%）") < y("患者の病状経過をより正確に把握できるようになった"));
}

#[test]
fn labels_are_drawn_as_given_and_never_rewritten() {
    // Words the old SVG post-processing looked for, and markup: drawn as text, escaped, whole.
    let project = Project::example();
    let label = "ecmeta_x=\"1\" zr1-cls-2 <script>alert(1)</script> & Q";
    project.replace_line(
        "data/codebook.yaml",
        "        label: 患者の病状経過をより正確に把握できるようになった",
        &format!("        label: '{label}'"),
    );
    let site = project.build();
    for page in ["regions/ku-seinanbu/q2/", "questions/q2/"] {
        let html = site.page(page);
        let fig = figures(&html)[0];
        assert!(!fig.contains("<script>"), "{page}: markup stays text");
        assert_eq!(
            fig.matches("<text").count(),
            fig.matches("</text>").count(),
            "{page}: every text closed"
        );
        let narrow = &fig[fig.rfind("<svg").unwrap()..];
        assert!(
            svg_texts(narrow).iter().any(|t| t == label),
            "{page}: {:?}",
            svg_texts(narrow)
        );
        assert!(aria(fig).contains(label), "{page}");
        // The wide variant wraps it at spaces: each line is whole words of the label.
        let wide = &fig[..fig.rfind("<svg").unwrap()];
        let words: Vec<&str> = label.split(' ').collect();
        let lines: Vec<String> = svg_texts(wide)
            .into_iter()
            .filter(|t| t.contains("zr1") || t.contains("ecmeta") || t.contains("script"))
            .collect();
        assert!(!lines.is_empty());
        for line in lines {
            assert!(
                line.split(' ').all(|w| words.contains(&w)),
                "{line:?} breaks a word"
            );
        }
    }
}

#[test]
fn english_labels_wrap_at_spaces() {
    let project = Project::example();
    let label = "Information sharing between hospitals became smoother and more efficient";
    project.replace_line(
        "data/codebook.yaml",
        "        label: 医療機関間での患者情報の共有が円滑・効率的に行えるようになった",
        &format!("        label: {label}"),
    );
    let site = project.build();
    let html = site.page("regions/ku-seinanbu/q2/");
    let fig = figures(&html)[0];
    let words: Vec<&str> = label.split(' ').collect();
    let lines: Vec<String> = svg_texts(fig)
        .into_iter()
        .filter(|t| t.contains("Information") || t.contains("efficient") || t.contains("between"))
        .collect();
    assert!(lines.len() >= 3, "wrapped in both variants: {lines:?}");
    for line in &lines {
        assert!(
            line.split(' ').all(|w| words.contains(&w)),
            "{line:?} breaks a word"
        );
    }
}

#[test]
fn csv_downloads_neutralise_spreadsheet_formulas_and_keep_numbers() {
    let project = Project::example();
    let evil = "=HYPERLINK(\"http://evil/\",\"x\")";
    project.replace_line(
        "data/codebook.yaml",
        "    title: 区西南部",
        &format!("    title: '{evil}'"),
    );
    let site = project.build();
    let read = |rel: &str| {
        let bytes = std::fs::read(site.dir.join(rel)).unwrap();
        parse_csv(
            String::from_utf8(bytes)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        )
    };
    let chart = read("regions/ku-seinanbu/q1/rq-ku-seinanbu--q1.csv");
    assert_eq!(chart[1][0], format!("'{evil}"));
    assert_eq!(chart[1][3..], ["4", "25.0", "16"], "numbers stay numbers");
    let data = read("data.csv");
    let row = data.iter().find(|r| r[0].contains("HYPERLINK")).unwrap();
    assert_eq!(row[0], format!("'{evil}"));
    assert!(data.iter().all(|r| !r[0].starts_with('=')));
}

#[test]
fn many_regions_get_a_ranked_chart_that_stays_small() {
    // 1,000 synthetic regions: the question chart ranks the top and bottom 10 by the key option
    // with the total marked; region charts stay as small as with 2 regions.
    use crate::synth;
    let dir = tempfile::tempdir().unwrap();
    synth::write_project(
        dir.path(),
        &synth::Synth {
            regions: 1000,
            per_region: 8,
            with_id: false,
            other_text_rate: 0.0,
        },
    )
    .unwrap();
    let project = surveysite::load::project(dir.path()).unwrap();
    let specs = surveysite::render::charts::specs(&project.survey);
    let q1 = &specs["q-q1"];
    assert!(
        q1.caption
            .contains("「導入している」の割合が高い10地域と低い10地域（全1000地域は表に"),
        "{}",
        q1.caption
    );
    let svg = surveysite::render::svg::render(q1);
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "…（ほか980地域）"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("全体 ") && t.ends_with('%')),
        "{texts:?}"
    );
    let regions = texts
        .iter()
        .filter(|t| t.starts_with("地域") && t.contains("（n="))
        .count();
    assert_eq!(regions, 2 * 20, "20 regions in each variant");
    assert!(
        q1.aria.contains("ほか980地域の数値は表にあります"),
        "{}",
        q1.aria
    );
    assert!(
        svg.len() <= 20_000,
        "question chart, both variants: {} bytes",
        svg.len()
    );
    assert!(
        q1.option_json().len() <= 10_000,
        "interactive option: {}",
        q1.option_json().len()
    );
    // Every region's numbers are still in the CSV.
    assert_eq!(q1.csv_rows.len(), 1 + 1001 * 3);
    assert!(specs.contains_key("rq-r001--q1"));
    for id in ["rq-r001--q1", "rq-r001--q2", "x-r001--q1"] {
        if let Some(spec) = specs.get(id) {
            let svg = surveysite::render::svg::render(spec);
            assert!(svg.len() <= 12_000, "{id}: {} bytes", svg.len());
        }
    }
}

/// The `y` of the `<text>` holding exactly `content` in `svg`.
fn text_y(svg: &str, content: &str) -> f64 {
    let end = svg
        .find(&format!(">{content}</text>"))
        .unwrap_or_else(|| panic!("{content} in {svg}"));
    let start = svg[..end].rfind(" y=\"").unwrap() + 4;
    svg[start..start + svg[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn wrapped_labels_of_long_options_keep_apart() {
    // Q3's long options wrap to 2–4 lines at 16 characters: between one label's last line and
    // the next label's first line there is a clear gap (16 px line + 20 px), not a line's gap.
    let site = Project::example().build();
    let html = site.page("regions/ku-seinanbu/q3/");
    let fig = figures(&html)[0];
    let wide = &fig[..fig.rfind("<svg").unwrap()];
    let gap = text_y(wide, "連携先医療機関のネットワーク参加") - text_y(wide, "が限られている");
    assert!(gap >= 35.5, "{gap} px between the two labels");
}
