//! Weighted sample surveys: surveysite's design-based estimates, confidence intervals and tests
//! against R's survey package (tests/reference/weights-expected.csv, written by
//! tests/reference/weights.R from the made-up sample in tests/fixtures/weighted/), and the
//! figures a reader sees on the built pages: region tables, the cross-tab by the dimension
//! (病床規模), the charts, their CSVs and the ranked chart's pooled line.

#[path = "common/mod.rs"]
mod common;

/// One row of the reference CSV.
struct Reference {
    /// `clustered` (the fixture's design) or `stratified` (its weight and strata only).
    design: String,
    region: String,
    question: String,
    option: String,
    estimate: f64,
    se: f64,
    df: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    /// svyciprop's own bounds (its logistic fit stops at glm's default convergence, 1e-8).
    default_lower: Option<f64>,
    default_upper: Option<f64>,
    t: Option<f64>,
    t_df: Option<u64>,
    p: Option<f64>,
    /// A cross-tab domain: the group of the dimension, or `(all)` for the region's every
    /// respondent (the 計 row); `None`: a region's row (the question's base).
    group: Option<String>,
    /// Respondents who chose the option, and in the domain (unweighted).
    count: u64,
    n: u64,
}

fn number(s: &str) -> Option<f64> {
    (s != "NA" && s != "NaN").then(|| s.parse().unwrap_or_else(|_| panic!("bad number {s}")))
}

/// The reference rows of the regions, of the fixture's design.
fn reference() -> Vec<Reference> {
    every_reference()
        .into_iter()
        .filter(|r| r.design == "clustered" && r.group.is_none())
        .collect()
}

/// The reference rows of the cross-tab, of the fixture's design.
fn crosstab_reference() -> Vec<Reference> {
    every_reference()
        .into_iter()
        .filter(|r| r.design == "clustered" && r.group.is_some())
        .collect()
}

fn every_reference() -> Vec<Reference> {
    let text = std::fs::read_to_string(
        common::manifest_dir().join("tests/reference/weights-expected.csv"),
    )
    .unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "design,region,question,option,count,base,estimate,se,df,lower,upper,svyciprop_lower,svyciprop_upper,t,t_df,p,group"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let design = f[0].to_string();
            let f = &f[1..];
            Reference {
                design,
                region: f[0].into(),
                question: f[1].into(),
                option: f[2].into(),
                estimate: number(f[5]).unwrap(),
                se: number(f[6]).unwrap(),
                df: f[7].parse().unwrap(),
                lower: number(f[8]),
                upper: number(f[9]),
                default_lower: number(f[10]),
                default_upper: number(f[11]),
                t: number(f[12]),
                t_df: number(f[13]).map(|x| x as u64),
                p: number(f[14]),
                group: Some(f[15]).filter(|g| !g.is_empty()).map(String::from),
                count: f[3].parse().unwrap(),
                n: f[4].parse().unwrap(),
            }
        })
        .collect()
}

fn close(what: &str, ours: f64, r: f64) {
    near(what, ours, r, 1e-9);
}

fn near(what: &str, ours: f64, r: f64, relative: f64) {
    let tolerance = relative * r.abs().max(1e-12);
    assert!(
        (ours - r).abs() <= tolerance,
        "{what}: surveysite {ours:e}, R {r:e}"
    );
}

fn fixture() -> common::Project {
    let p = common::Project::example_with(&[]);
    p.overlay("weighted");
    p
}

/// The fixture with only its weight and strata declared: each respondent its own PSU.
fn stratified_fixture() -> common::Project {
    let p = fixture();
    p.replace_line("data/codebook.yaml", "  cluster: 調査区", "");
    p.replace_line("data/codebook.yaml", "  fpc: 母集団調査区数", "");
    p
}

#[test]
fn estimates_intervals_and_tests_equal_r() {
    for (design, p) in [
        ("clustered", fixture()),
        ("stratified", stratified_fixture()),
    ] {
        let rows: Vec<Reference> = every_reference()
            .into_iter()
            .filter(|r| r.design == design && r.group.is_none())
            .collect();
        equal_r(&p, &rows);
    }
}

fn equal_r(p: &common::Project, rows: &[Reference]) {
    let project = surveysite::load::project(p.root()).expect("loading the weighted fixture");
    let survey = &project.survey;
    assert_eq!(rows.len(), 28);
    assert_eq!(survey.data.estimates.len(), 28);
    for r in rows {
        let at = format!("{} {} {} {}", r.design, r.region, r.question, r.option);
        let e = survey
            .estimate(&r.region, &r.question, &r.option)
            .unwrap_or_else(|| panic!("no estimate for {at}"));
        close(&format!("{at} estimate"), e.p, r.estimate);
        close(&format!("{at} SE"), e.se, r.se);
        assert_eq!(e.df, r.df, "{at} df");
        // R's bounds where it gives an interval; none where its estimate is 0 or 1 (its fit
        // does not converge) or at 1 degree of freedom (bounds 0 and NaN): we show none there.
        interval_equals_r(&at, e.ci, r);
        match (e.test, r.t) {
            (Some(t), Some(rt)) => {
                close(&format!("{at} t"), t.t, rt);
                close(&format!("{at} p"), t.p, r.p.unwrap());
                assert_eq!(Some(t.df), r.t_df, "{at} test df");
            }
            (None, None) => {}
            (None, Some(_)) => panic!("{at}: R tests this region and surveysite does not"),
            (Some(t), None) => panic!("{at}: surveysite tests ({t:?}) where R cannot"),
        }
    }
}

/// The reference row of a region × question × option.
fn reference_of<'a>(
    rows: &'a [Reference],
    region: &str,
    question: &str,
    option: &str,
) -> &'a Reference {
    rows.iter()
        .find(|r| r.region == region && r.question == question && r.option == option)
        .unwrap_or_else(|| panic!("no reference row {region} {question} {option}"))
}

/// R's figure as a reader sees it: to one decimal.
fn shown(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

#[test]
fn the_region_question_table_shows_rs_estimate_interval_and_mark() {
    let site = fixture().build();
    let rows = reference();
    let page = site.page("regions/east/q1/");
    let table = common::table_captioned(&page, "東部: Q1 導入状況");
    assert_eq!(
        table.rows[0].th,
        ["選択肢", "件数", "%", "95%信頼区間", "割合のグラフ"],
        "the header has the interval column"
    );
    // 導入している in 東部: 39 respondents, weighted 62.5%, R's interval 45.6〜76.8%, no mark
    // (p = 0.55 against the rest).
    let r = reference_of(&rows, "east", "q1", "adopted");
    assert_eq!(
        table.row("導入している").td,
        [
            "39",
            &format!("{}%", shown(r.estimate)),
            &format!("{}〜{}%", shown(r.lower.unwrap()), shown(r.upper.unwrap())),
            ""
        ]
    );
    assert_eq!(table.row("導入している").td[1], "62.5%");
    assert_eq!(table.row("導入している").td[2], "45.6〜76.8%");
    // An option nobody chose: 0.0%, and no interval (the logit of 0 is infinite).
    assert_eq!(table.row("検討中").td, ["0", "0.0%", "—", ""]);
    // A secondarily suppressed count: `x`, no %, no interval.
    assert_eq!(table.row("導入予定あり").td, ["x", "", "", ""]);
    assert!(
        page.contains("この調査は標本調査です。%は回答者ごとの重み（列「重み」）を用いた推計値")
    );

    // 島しょ (6 respondents, 2 clusters): 87.9%, significantly above the rest (R: t = 3.82,
    // df = 8, p = 0.005), so ▲; its interval has 1 degree of freedom: not shown.
    let r = reference_of(&rows, "island", "q1", "adopted");
    assert!(r.p.unwrap() < 0.05 && r.t.unwrap() > 0.0);
    let page = site.page("regions/island/q1/");
    let table = common::table_captioned(&page, "島しょ: Q1 導入状況");
    assert_eq!(table.row("導入している").td, ["5", "87.9% ▲", "—", ""]);
    assert!(
        table
            .row("導入している")
            .html
            .contains("title=\"ほかの地域と比べて統計的に有意に高い（5%水準）\"")
    );
    // Its cells of 1 respondent (and the 0 that would give them away) are suppressed: no figure.
    assert_eq!(table.row("導入予定あり").td, ["x", "", "", ""]);
    assert!(page.contains(
        "▲・▼：その地域の割合が、ほかの地域を合わせた割合と比べて統計的に有意に高い（▲）・低い（▼）"
    ));
}

#[test]
fn marks_follow_rs_tests_and_every_shown_percent_is_rs_estimate() {
    let site = fixture().build();
    let rows = reference();
    let csv = common::parse_csv(std::str::from_utf8(&site.files()["data.csv"]).unwrap());
    assert_eq!(
        csv[0][6..],
        [
            "割合(%)",
            "対象",
            "対象(n)",
            "95%信頼区間下限(%)",
            "95%信頼区間上限(%)"
        ]
    );
    let titles = [
        ("east", "東部"),
        ("west", "西部"),
        ("island", "島しょ"),
        ("all", "全域"),
    ];
    let labels = [
        ("q1", "adopted", "導入している"),
        ("q1", "planned", "導入予定あり"),
        ("q1", "none", "導入予定なし"),
        ("q1", "considering", "検討中"),
        ("q2", "share", "情報共有"),
        ("q2", "tests", "検査削減"),
        ("q2", "other", "その他"),
    ];
    let mut checked = 0;
    for r in &rows {
        let title = titles.iter().find(|t| t.0 == r.region).unwrap().1;
        let label = labels
            .iter()
            .find(|l| l.0 == r.question && l.1 == r.option)
            .unwrap()
            .2;
        let line = csv
            .iter()
            .find(|l| l[0] == title && l[1] == r.question.to_uppercase() && l[4] == label)
            .unwrap_or_else(|| panic!("no CSV row for {title} {label}"));
        if line[5] == "x" {
            // Suppressed: no estimate, no interval.
            assert_eq!(line[6..], ["", &line[7], &line[8], "", ""][..]);
            assert_eq!(line[6], "");
            continue;
        }
        assert_eq!(line[6], shown(r.estimate), "{title} {label}");
        let interval = if r.estimate > 0.0 && r.estimate < 1.0 && r.df >= 2 {
            [shown(r.lower.unwrap()), shown(r.upper.unwrap())]
        } else {
            [String::new(), String::new()]
        };
        assert_eq!(line[9..], interval, "{title} {label}");
        // The region × question page shows the same %, with ▲/▼ exactly where R's test says.
        let page = site.page(&format!("regions/{}/{}/", r.region, r.question));
        let table =
            common::table_captioned(&page, &format!("{title}: {}", r.question.to_uppercase()));
        let mark = match (r.p, r.t) {
            (Some(p), Some(t)) if p < 0.05 => {
                if t > 0.0 {
                    " ▲"
                } else {
                    " ▼"
                }
            }
            _ => "",
        };
        assert_eq!(
            table.row(label).td[1],
            format!("{}%{mark}", shown(r.estimate)),
            "{title} {label}"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} shown figures checked");
}

#[test]
fn a_bad_weight_is_an_error_at_its_line() {
    for (bad, message) in [
        ("-3", "weight \"-3\" must be a number above 0"),
        ("0", "weight \"0\" must be a number above 0"),
        ("abc", "weight \"abc\" is not a number"),
        ("", "no weight (every respondent needs one)"),
    ] {
        let p = fixture();
        let line = p.replace_line(
            "data/responses.csv",
            "R010,西部,A,2,40,81.7,導入している,情報共有;検査削減,中規模",
            &format!("R010,西部,A,2,40,{bad},導入している,情報共有;検査削減,中規模"),
        );
        let out = p.run_build(&p.path("site"), &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            err.contains(&format!(
                "data/responses.csv:{line}:6: column \"重み\": {message}"
            )),
            "{err}"
        );
    }
}

#[test]
fn a_design_column_missing_from_the_export_is_an_error_at_its_codebook_line() {
    let p = fixture();
    let line = p.replace_line(
        "data/codebook.yaml",
        "  cluster: 調査区",
        "  cluster: 調査地区",
    );
    let out = p.run_build(&p.path("site"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}: `design:` column \"調査地区\" is not in the header of data/responses.csv (did you mean \"調査区\"?)"
        )),
        "{err}"
    );
}

#[test]
fn a_stratum_with_one_cluster_is_an_error_that_says_what_to_do() {
    let p = fixture();
    // Stratum C's clusters 2 and 3 become a stratum D of one cluster.
    let text = p.read("data/responses.csv").replace(",C,3,25,", ",D,3,25,");
    p.write("data/responses.csv", &text);
    let out = p.run_build(&p.path("site"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("stratum \"D\"")
            && err.contains("has only one cluster (PSU)")
            && err.contains("merge it with a similar stratum"),
        "{err}"
    );
}

#[test]
fn shortcodes_quote_the_estimate_its_interval_and_its_mark() {
    let site = fixture().build();
    let page = common::text(&site.page("regions/island/q1/"));
    // 島しょ: 1 degree of freedom, no interval (—); its ▲ from R's test. 東部: R's bounds, no
    // mark. 導入予定あり in 島しょ is suppressed: x, and its interval hidden (x) too.
    assert!(
        page.contains(
            "島しょで導入している病院は推計87.9%（95%信頼区間 —）▲、東部は62.5%（95%信頼区間 45.6〜76.8%）でした。導入予定ありはx（x）です。"
        ),
        "{page}"
    );
}

#[test]
fn ci_in_a_census_is_an_error_at_its_place() {
    let p = common::Project::example();
    p.write(
        "content/regions/tokyo/q1.md",
        "---\ntitle: t\n---\n\n導入は{{ ci(option=\"adopted\") }}。\n",
    );
    let out = p.run_build(&p.path("site"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("content/regions/tokyo/q1.md:5:")
            && err.contains("`ci` needs a weighted sample"),
        "{err}"
    );
}

#[test]
fn bars_carry_error_bars_at_rs_bounds() {
    let site = fixture().build();
    let rows = reference();
    // 東部 Q2: two bars shown (その他 is suppressed), each with its interval; in the wide and
    // the narrow drawing alike.
    let page = site.page("regions/east/q2/");
    let svgs: Vec<&str> = page.split("<svg").skip(1).collect();
    let wide = svgs.iter().find(|s| s.contains("chart-wide")).unwrap();
    let narrow = svgs.iter().find(|s| s.contains("chart-narrow")).unwrap();
    for svg in [wide, narrow] {
        let bars = common::error_bars(svg);
        assert_eq!(bars.len(), 2, "{svg}");
        // Lines run from R's lower to R's upper bound: their lengths are in the ratio of the
        // intervals' widths (both on the same 0–100% axis).
        let share = reference_of(&rows, "east", "q2", "share");
        let tests = reference_of(&rows, "east", "q2", "tests");
        let ratio = (bars[0].1 - bars[0].0) / (bars[1].1 - bars[1].0);
        let expected = (share.upper.unwrap() - share.lower.unwrap())
            / (tests.upper.unwrap() - tests.lower.unwrap());
        assert!((ratio - expected).abs() < 0.02, "{ratio} vs {expected}");
    }
    // The question page's grouped bars (Q2, few regions): every shown bar with an interval.
    let page = site.page("questions/q2/");
    assert!(!common::error_bars(&page).is_empty());
    // Interactive charts are on (the default), but ECharts would draw these bars without their
    // intervals: with JavaScript too, the reader sees the SVG. A chart without intervals (Q1's
    // 100% bar) still gets its interactive option.
    let east = site.page("regions/east/q2/");
    assert!(east.contains(r#"id="rq-east--q2""#), "{east}");
    assert!(!east.contains(r#"id="rq-east--q2-option""#), "{east}");
    assert!(!page.contains(r#"id="q-q2-option""#), "{page}");
    let q1 = site.page("regions/all/q1/");
    assert!(q1.contains(r#"id="rq-all--q1-option""#), "{q1}");
}

#[test]
fn new_writes_the_design_into_the_codebook_and_the_project_builds_weighted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let export = common::manifest_dir().join("tests/fixtures/weighted/data/responses.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "new".to_string(),
            dir.display().to_string(),
            "--from".into(),
            export.display().to_string(),
            "--region-column".into(),
            "地域".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        std::process::Command::new(env!("CARGO_BIN_EXE_surveysite"))
            .args(&args)
            .output()
            .unwrap()
    };
    let out = run(&["--weight", "重み", "--strata", "層", "--cluster", "調査区"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codebook = std::fs::read_to_string(dir.join("data/codebook.yaml")).unwrap();
    assert!(
        codebook.contains("design:\n  weight: \"重み\"\n  strata: \"層\"\n  cluster: \"調査区\"\n"),
        "{codebook}"
    );
    // The design columns are not questions.
    assert!(!codebook.contains("column: \"重み\"") && !codebook.contains("column: \"層\""));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(["build", "--root", &dir.display().to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = std::fs::read_to_string(dir.join("site/index.html")).unwrap();
    assert!(!index.is_empty());
    let csv = std::fs::read_to_string(dir.join("site/data.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",95%信頼区間下限(%),95%信頼区間上限(%)")
    );

    // A column that is not in the export is named, with the nearest header.
    std::fs::remove_dir_all(&dir).unwrap();
    let out = run(&["--weight", "重さ"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--weight: \"重さ\" is not a column of"),
        "{err}"
    );
}

#[test]
fn a_rebuild_from_the_kept_counts_prints_the_same_figures() {
    let p = fixture();
    let first = p.build_into(&p.path("site-1"), &[]);
    // The weighted tally is kept between builds (it failed to serialize once: nothing was kept).
    let kept = std::fs::read_dir(p.path(".surveysite-cache/rows"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 1, "the weighted counts were not kept");
    let second = p.build_into(&p.path("site-2"), &[]);
    assert_eq!(first.files(), second.files());
    assert!(second.page("regions/east/q1/").contains("45.6〜76.8%"));
}

#[test]
fn the_most_chosen_key_figure_of_a_weighted_sample_is_the_highest_estimate() {
    let p = fixture();
    // 東部's respondents who named 検査削減 (16 of 39) weigh far more than the others: the
    // estimate puts it first although 情報共有 has more respondents (26).
    let text: String = p
        .read("data/responses.csv")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            if f.len() == 9 && f[1] == "東部" && f[7].contains("検査削減") {
                format!(
                    "{},{},{},{},{},5000,{},{},{}\n",
                    f[0], f[1], f[2], f[3], f[4], f[6], f[7], f[8]
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    p.write("data/responses.csv", &text);
    let site = p.build();
    let table = common::table_captioned(&site.page("regions/east/"), "東部の設問ごとの主な数値");
    let row = table
        .rows
        .iter()
        .find(|r| r.label().contains("導入のメリット"))
        .unwrap();
    assert!(row.td[1].starts_with("検査削減"), "{:?}", row.td);
    assert_eq!(row.td[2], "16");
}

#[test]
fn a_census_shows_no_interval_mark_or_error_bar() {
    // The example report declares no design: its pages and CSVs are as before weights existed
    // (the whole site was compared byte for byte when they came; this keeps the visible parts).
    let site = common::Project::example().build();
    for (path, bytes) in site.files() {
        if !(path.ends_with(".html") || path.ends_with(".csv")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for weighted in ["95%信頼区間", "error-bars", "estimate-note", "▲・▼"] {
            assert!(!text.contains(weighted), "{path} shows {weighted:?}");
        }
    }
    let csv = String::from_utf8(site.files()["data.csv"].clone()).unwrap();
    assert_eq!(
        csv.trim_start_matches('\u{feff}').lines().next(),
        Some("地域,設問番号,設問,種類,選択肢,件数,割合(%),対象,対象(n)")
    );
}

#[test]
fn the_question_table_brackets_each_interval_and_a_dash_where_there_is_none() {
    let site = fixture().build();
    let table = common::table_captioned(&site.page("questions/q1/"), "Q1 導入状況（地域別");
    // 東部 45.6〜76.8%; 島しょ (1 degree of freedom) and an estimate of 0: ［—］.
    assert_eq!(
        table.row("導入している").td,
        [
            "39 (62.5%) ［45.6〜76.8%］",
            "35 (52.6%) ［41.6〜63.4%］",
            "5 (87.9%) ▲ ［—］",
            "79 (59.8%) ［49.0〜69.7%］"
        ]
    );
    assert_eq!(table.row("検討中").td[0], "0 (0.0%) ［—］");
    assert_eq!(table.row("導入予定あり").td[0], "x");
}

/// Does R give an interval that surveysite shows? Not for an estimate of 0 or 1 (R's fit does
/// not converge) nor below 2 degrees of freedom (R's bounds are 0 and NaN): 「—」 there.
fn r_has_ci(r: &Reference) -> bool {
    r.estimate > 0.0 && r.estimate < 1.0 && r.df >= 2
}

/// The interval, as R's (to 1e-9 against its exact bounds, 1e-7 against svyciprop's own).
fn interval_equals_r(at: &str, ours: Option<(f64, f64)>, r: &Reference) {
    match ours {
        Some((lo, hi)) => {
            assert!(r_has_ci(r), "{at}: an interval where R has none");
            close(&format!("{at} lower"), lo, r.lower.unwrap());
            close(&format!("{at} upper"), hi, r.upper.unwrap());
            near(
                &format!("{at} svyciprop lower"),
                lo,
                r.default_lower.unwrap(),
                1e-7,
            );
            near(
                &format!("{at} svyciprop upper"),
                hi,
                r.default_upper.unwrap(),
                1e-7,
            );
        }
        None => assert!(
            !r_has_ci(r),
            "{at}: no interval, R has {:?}–{:?}",
            r.lower,
            r.upper
        ),
    }
}

/// The group of a cross-tab reference row as surveysite keys it (`None`: the 計 row).
fn group_of(r: &Reference) -> Option<&str> {
    r.group.as_deref().filter(|g| *g != "(all)")
}

#[test]
fn crosstab_estimates_and_intervals_equal_r() {
    for (design, p) in [
        ("clustered", fixture()),
        ("stratified", stratified_fixture()),
    ] {
        let rows: Vec<Reference> = every_reference()
            .into_iter()
            .filter(|r| r.design == design && r.group.is_some())
            .collect();
        // 4 regions (the total too) × (3 groups + 計), less 島しょ × 小規模 (nobody), × 7 options.
        assert_eq!(rows.len(), (4 * 4 - 1) * 7);
        let project = surveysite::load::project(p.root()).expect("loading the weighted fixture");
        let survey = &project.survey;
        // An estimate for each of R's domains, and none for the empty one.
        assert_eq!(survey.data.crosstab_estimates.len(), rows.len());
        for r in &rows {
            let group = group_of(r);
            let at = format!(
                "{design} {} {} {:?} {}",
                r.region, r.question, r.group, r.option
            );
            let e = survey
                .data
                .crosstab_estimates
                .get(&(
                    r.region.clone(),
                    r.question.clone(),
                    group.map(String::from),
                    r.option.clone(),
                ))
                .unwrap_or_else(|| panic!("no estimate for {at}"));
            close(&format!("{at} estimate"), e.p, r.estimate);
            close(&format!("{at} SE"), e.se, r.se);
            assert_eq!(e.df, r.df, "{at} df");
            assert_eq!(e.test, None, "{at}: the cross-tab has no test");
            interval_equals_r(&at, e.ci, r);
            // The unweighted figures beside it are R's counts (where not suppressed).
            let (count, n) = match group {
                Some(g) => (
                    survey.crosstab_count(&r.region, &r.question, g, &r.option),
                    survey.group_respondents(&r.region, g),
                ),
                None => (
                    survey.count(&r.region, &r.question, &r.option),
                    survey.respondents(&r.region),
                ),
            };
            assert_eq!(n.value(), Some(r.n), "{at} n");
            if let Some(c) = count.value() {
                assert_eq!(c, r.count, "{at} count");
            }
        }
    }
}

/// The title of a region and the label of an option of the fixture.
fn titles(r: &Reference) -> (&'static str, &'static str, &'static str) {
    let region = match r.region.as_str() {
        "east" => "東部",
        "west" => "西部",
        "island" => "島しょ",
        _ => "全域",
    };
    let group = match r.group.as_deref() {
        Some("large") => "大規模",
        Some("medium") => "中規模",
        Some("small") => "小規模",
        _ => "計",
    };
    let option = match r.option.as_str() {
        "adopted" => "導入している",
        "planned" => "導入予定あり",
        "none" => "導入予定なし",
        "considering" => "検討中",
        "share" => "情報共有",
        "tests" => "検査削減",
        _ => "その他",
    };
    (region, group, option)
}

/// A page's chart (its `<figure>`) of this id.
fn figure<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<figure class=\"chart\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + page[start..].find("</figure>").unwrap();
    &page[start..end]
}

#[test]
fn the_crosstab_table_chart_and_csv_show_rs_estimates_with_unweighted_counts() {
    let p = fixture();
    let site = p.build();
    let files = site.files();
    let (mut shown_cells, mut suppressed, mut dashes) = (0, 0, 0);
    for r in crosstab_reference() {
        let (region, group, option) = titles(&r);
        let q = r.question.to_uppercase();
        let page = site.page(&format!("regions/{}/{}/", r.region, r.question));
        let table = common::table_captioned(&page, &format!("{region}: 病床規模別の"));
        // The caption says what the % are: not a share of the group's respondents.
        assert!(
            table
                .caption
                .ends_with("（% は重みを用いた各区分の推計値。件数は実際の回答数）"),
            "{}",
            table.caption
        );
        let columns = &table.rows[0].th;
        let column = columns
            .iter()
            .position(|c| *c == format!("うち{option}"))
            .unwrap_or_else(|| panic!("no column {option}: {columns:?}"));
        let row = table.row(group);
        // The group's size: unweighted respondents.
        assert_eq!(row.td[0], r.n.to_string(), "{region} {group} n");
        let cell = &row.td[column - 1];
        let at = format!("{region} {q} {group} {option}");
        let csv = common::parse_csv(
            std::str::from_utf8(
                &files[&format!("regions/{0}/{1}/x-{0}--{1}.csv", r.region, r.question)],
            )
            .unwrap(),
        );
        let csv_row = csv.iter().find(|l| l[1] == group && l[3] == option);
        if cell == "x" {
            // Hidden by suppression (on the unweighted counts): no %, no interval, no CSV row.
            assert!(csv_row.is_none(), "{at}: a suppressed cell in the CSV");
            suppressed += 1;
            continue;
        }
        // The unweighted count, R's estimate and R's interval (「—」 where R has none).
        let interval = if r_has_ci(&r) {
            format!("{}〜{}%", shown(r.lower.unwrap()), shown(r.upper.unwrap()))
        } else {
            dashes += 1;
            "—".to_string()
        };
        assert_eq!(
            *cell,
            format!("{} ({}%) ［{interval}］", r.count, shown(r.estimate)),
            "{at}"
        );
        shown_cells += 1;
        if group == "計" {
            continue;
        }
        // The chart's CSV: the same count, % and bounds; its aria text the same figures.
        let csv_row = csv_row.unwrap_or_else(|| panic!("{at}: no CSV row"));
        let bounds = if r_has_ci(&r) {
            [shown(r.lower.unwrap()), shown(r.upper.unwrap())]
        } else {
            [String::new(), String::new()]
        };
        assert_eq!(
            csv_row[2..],
            [
                r.n.to_string(),
                option.to_string(),
                r.count.to_string(),
                shown(r.estimate),
                bounds[0].clone(),
                bounds[1].clone()
            ],
            "{at}"
        );
        let chart = figure(&page, &format!("x-{}--{}", r.region, r.question));
        assert!(
            chart.contains(&format!(
                "{group} {}病院のうち{option} {}病院 ({}%)",
                r.n,
                r.count,
                shown(r.estimate)
            )),
            "{at}: {chart}"
        );
    }
    // Of R's 105 cells: 59 shown (18 of them with 「—」: an estimate of 0 or 1, or 島しょ's single
    // degree of freedom), 46 hidden by suppression. A 0 known from a total shown as 0 (島しょ's
    // 小規模 has no hospital) is never the cell hidden beside a small one: it protects nothing.
    assert_eq!((shown_cells, dashes, suppressed), (59, 18, 46));

    // 東部 Q1 by 病床規模: a chart of % (the caption says so), one error bar per shown bar at
    // R's bounds, and no stack of counts.
    let page = site.page("regions/east/q1/");
    let chart = figure(&page, "x-east--q1");
    assert!(
        chart.contains(
            "<figcaption data-pagefind-ignore>東部: 病床規模別の導入している・導入予定あり・導入予定なし・検討中（%、重みを用いた推計値）</figcaption>"
        ),
        "{chart}"
    );
    let wide = chart
        .split("<svg")
        .find(|s| s.contains("chart-wide"))
        .unwrap();
    let bars = common::error_bars(wide);
    let with_interval: Vec<Reference> = crosstab_reference()
        .into_iter()
        .filter(|r| {
            r.region == "east" && r.question == "q1" && group_of(r).is_some() && r_has_ci(r)
        })
        .collect();
    // Bars of suppressed cells are not drawn.
    let csv =
        common::parse_csv(std::str::from_utf8(&files["regions/east/q1/x-east--q1.csv"]).unwrap());
    let drawn = with_interval
        .iter()
        .filter(|r| {
            let (_, group, option) = titles(r);
            csv.iter().any(|l| l[1] == group && l[3] == option)
        })
        .count();
    // 4: 中規模's three and 大規模's 導入予定あり; the rest are hidden (small, or hidden with a
    // small one: never beside a 0 of 検討中, which 東部's shown 0 gives away).
    assert_eq!(drawn, 4);
    assert_eq!(bars.len(), drawn, "{wide}");
    // The bars' lengths run in the ratio of R's estimates (the same 0–100% axis), their error
    // bars' in the ratio of R's intervals.
    let intervals: Vec<f64> = bars.iter().map(|(lo, hi)| hi - lo).collect();
    let mut expected: Vec<f64> = with_interval
        .iter()
        .filter(|r| {
            let (_, group, option) = titles(r);
            csv.iter().any(|l| l[1] == group && l[3] == option)
        })
        .map(|r| r.upper.unwrap() - r.lower.unwrap())
        .collect();
    let mut ours = intervals.clone();
    ours.sort_by(f64::total_cmp);
    expected.sort_by(f64::total_cmp);
    for (o, e) in ours.iter().zip(&expected) {
        assert!(
            (o / ours[0] - e / expected[0]).abs() < 0.02,
            "{ours:?} vs {expected:?}"
        );
    }
    // No stack of counts: no "rest of the group" segment.
    assert!(!chart.contains("#C9D1D9"), "{chart}");
}

/// The fixture with 25 regions (one a cluster of each region) and no total region: a question
/// chart ranks the regions and draws the pooled 全地域 line; no suppression (every region must
/// report its count for the pooled line).
fn many_regions_fixture() -> common::Project {
    let p = fixture();
    let text = p.read("data/responses.csv");
    let mut regions: Vec<String> = Vec::new();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        if i == 0 {
            out.push_str(line);
        } else {
            let name = format!("{}{}{}", f[1], f[2], f[3]);
            if !regions.contains(&name) {
                regions.push(name.clone());
            }
            let mut f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
            f[1] = name;
            out.push_str(&f.join(","));
        }
        out.push('\n');
    }
    assert_eq!(regions.len(), 25);
    p.write("data/responses.csv", &out);
    let codebook = p.read("data/codebook.yaml");
    let start = codebook.find("regions:\n").unwrap();
    let end = start + codebook[start..].find("\n\n").unwrap();
    let list: String = regions
        .iter()
        .enumerate()
        .map(|(i, r)| format!("  - {{ id: r{i:02}, title: {r} }}\n"))
        .collect();
    let codebook = format!(
        "{}regions:\n{}{}",
        &codebook[..start],
        list.trim_end(),
        &codebook[end..]
    );
    p.write("data/codebook.yaml", &codebook);
    p.replace_line("report.yaml", "  suppression:", "");
    p.replace_line("report.yaml", "    threshold: 3", "");
    p.replace_line("report.yaml", "settings:", "");
    std::fs::remove_dir_all(p.path("content/regions/island")).unwrap();
    p
}

#[test]
fn the_ranked_charts_pooled_line_is_rs_estimate_over_every_respondent() {
    let p = many_regions_fixture();
    // The pooled figure over every region is the design's own over the question's base: R's
    // total row (svymean(~y, subset(design, inbase))), whatever the regions.
    let project = surveysite::load::project(p.root()).expect("loading 25 regions");
    let rows = reference();
    for r in rows.iter().filter(|r| r.region == "all") {
        let e = project
            .survey
            .data
            .pooled
            .get(&(r.question.clone(), r.option.clone()))
            .unwrap_or_else(|| panic!("no pooled estimate {} {}", r.question, r.option));
        close(
            &format!("pooled {} {}", r.question, r.option),
            e.p,
            r.estimate,
        );
    }
    let site = p.build();
    // Q1 is ranked by 導入している: 全地域 59.8% (R), not 79 of 145 respondents (54.5%).
    let adopted = reference_of(&rows, "all", "q1", "adopted");
    let share = reference_of(&rows, "all", "q2", "share");
    for (q, r) in [("q1", adopted), ("q2", share)] {
        let page = site.page(&format!("questions/{q}/"));
        let chart = figure(&page, &format!("q-{q}"));
        let figure = format!("全地域 {}%。", shown(r.estimate));
        assert!(chart.contains(&figure), "{q}: no {figure} in {chart}");
    }
    assert_eq!(shown(adopted.estimate), "59.8");
    assert!(!figure(&site.page("questions/q1/"), "q-q1").contains("54.5%"));
}
