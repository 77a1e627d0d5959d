//! Shortcodes in commentary, through the real binary: each one's output on the example data
//! (inline values, charts, tables, answers, notes), and the exact message of each mistake an
//! editor can make, with `file:line:column`.
//!
//! Each test copies the example report to a temp folder, writes commentary files, and runs
//! `surveysite build` or `check` on it.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Output};

use common::*;

/// A commentary file: front matter on lines 1–3, a blank line 4, so `body` starts on line 5.
fn commentary_file(body: &str) -> String {
    format!("---\ntitle: 試験の解説\n---\n\n{body}\n")
}

/// The example with these commentary files (path, body) written over it.
fn example_with(files: &[(&str, &str)]) -> Project {
    let project = Project::example();
    for (path, body) in files {
        project.write(path, &commentary_file(body));
    }
    project
}

/// The commentary section of a page.
fn commentary(html: &str) -> &str {
    let start = html
        .find("<section class=\"commentary\"")
        .expect("the page has a commentary section");
    let end = start
        + html[start..]
            .find("</section>")
            .expect("the commentary section is closed")
        + "</section>".len();
    &html[start..end]
}

/// `- key: value` lines of a commentary, as the reader sees them: key → value.
fn listed_values(html: &str) -> BTreeMap<String, String> {
    elements(commentary(html), "li")
        .into_iter()
        .filter_map(|li| {
            let t = text(inner(li));
            let (k, v) = t.split_once(": ")?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> BTreeMap<String, String> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn run(project: &Project, command: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_surveysite"));
    cmd.arg(command).arg("--root").arg(project.root());
    if command == "build" {
        cmd.arg("--output").arg(project.path("site"));
    }
    cmd.output().expect("running surveysite")
}

/// stderr with the temp folder's path replaced by `[ROOT]`.
fn redacted_stderr(project: &Project, out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let root = project.root().display().to_string();
    stderr.replace(&root, "[ROOT]")
}

/// Runs `command`, which must fail without panicking, and returns its stderr, redacted.
fn rejected(project: &Project, command: &str) -> String {
    let out = run(project, command);
    let stderr = redacted_stderr(project, &out);
    assert!(
        !out.status.success(),
        "`{command}` should fail; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Builds with one commentary file and returns the one error line the build prints.
fn build_error(path: &str, body: &str) -> String {
    let project = example_with(&[(path, body)]);
    let stderr = rejected(&project, "build");
    assert!(
        !project.path("site").exists(),
        "a failed build must not write the site"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line expected:\n{stderr}");
    lines[0].to_string()
}

// ---------------------------------------------------------------------------------------------
// Inline values

#[test]
fn inline_values_on_a_region_page_default_to_its_region() {
    let project = example_with(&[(
        "content/regions/ku-seinanbu/index.md",
        r#"- count: {{ count(q="q1", option="adopted") }}
- percent: {{ percent(q="q1", option="adopted") }}
- base q1: {{ base(q="q1") }}
- base q2: {{ base(q="q2") }}
- base q4: {{ base(q="q4") }}
- n: {{ n() }}
- label: {{ label(q="q1", option="adopted") }}
- count tokyo: {{ count(q="q1", option="adopted", region="tokyo") }}
- percent tokyo: {{ percent(q="q1", option="adopted", region="tokyo") }}
- base q2 tokyo: {{ base(q="q2", region="tokyo") }}
- n tokyo: {{ n(region="tokyo") }}
- multiple choice: {{ count(q="q4", option="b") }}（{{ percent(q="q4", option="b") }}）"#,
    )]);
    let page = project.build().page("regions/ku-seinanbu/");
    assert_eq!(
        listed_values(&page),
        pairs(&[
            ("count", "4"),
            ("percent", "25.0%"),
            ("base q1", "16"),
            ("base q2", "4"),
            ("base q4", "12"),
            ("n", "16"),
            ("label", "地域医療連携に関するシステムを導入している"),
            ("count tokyo", "80"),
            ("percent tokyo", "32.0%"),
            ("base q2 tokyo", "80"),
            ("n tokyo", "250"),
            ("multiple choice", "8（66.7%）"),
        ])
    );
}

#[test]
fn inline_values_on_a_region_question_page_default_to_its_region_and_question() {
    let project = example_with(&[(
        "content/regions/tokyo/q2.md",
        r#"- count: {{ count(option="a") }}
- percent: {{ percent(option="a") }}
- base: {{ base() }}
- n: {{ n() }}
- label: {{ label(option="a") }}
- other question: {{ count(q="q1", option="none") }}
- other region: {{ count(option="a", region="ku-seinanbu") }}（{{ percent(option="a", region="ku-seinanbu") }}）"#,
    )]);
    let page = project.build().page("regions/tokyo/q2/");
    assert_eq!(
        listed_values(&page),
        pairs(&[
            ("count", "55"),
            ("percent", "68.8%"),
            ("base", "80"),
            ("n", "250"),
            (
                "label",
                "医療機関間での患者情報の共有が円滑・効率的に行えるようになった"
            ),
            ("other question", "119"),
            ("other region", "2（50.0%）"),
        ])
    );
}

#[test]
fn inline_values_on_a_question_page_and_the_home_page() {
    let project = example_with(&[
        (
            "content/questions/q1/index.md",
            r#"- ku: {{ count(option="planned", region="ku-seinanbu") }}（{{ percent(option="planned", region="ku-seinanbu") }}）
- tokyo: {{ count(option="planned", region="tokyo") }}（{{ percent(option="planned", region="tokyo") }}）
- base: {{ base(region="tokyo") }}
- label: {{ label(option="planned") }}"#,
        ),
        (
            "content/index.md",
            r#"- ku: {{ n(region="ku-seinanbu") }}病院中{{ count(q="q1", option="none", region="ku-seinanbu") }}病院（{{ percent(q="q1", option="none", region="ku-seinanbu") }}）
- label: {{ label(q="q4", option="b") }}"#,
        ),
    ]);
    let site = project.build();
    assert_eq!(
        listed_values(&site.page("questions/q1/")),
        pairs(&[
            ("ku", "3（18.8%）"),
            ("tokyo", "51（20.4%）"),
            ("base", "250"),
            ("label", "今後導入する予定がある"),
        ])
    );
    assert_eq!(
        listed_values(&site.page("")),
        pairs(&[("ku", "16病院中9病院（56.3%）"), ("label", "コスト面")])
    );
}

#[test]
fn not_reported_values_render_as_an_ellipsis_never_as_zero() {
    let project = example_with(&[(
        "content/index.md",
        r#"- tokyo q2 e count: {{ count(q="q2", option="e", region="tokyo") }}
- tokyo q2 e percent: {{ percent(q="q2", option="e", region="tokyo") }}
- ku q2 b count: {{ count(q="q2", option="b", region="ku-seinanbu") }}
- ku q2 b percent: {{ percent(q="q2", option="b", region="ku-seinanbu") }}
- tokyo q4 b count: {{ count(q="q4", option="b", region="tokyo") }}
- ku q3 d count: {{ count(q="q3", option="d", region="ku-seinanbu") }}
- ku q3 d percent: {{ percent(q="q3", option="d", region="ku-seinanbu") }}"#,
    )]);
    // A real 0 next to the not-reported values: the two kinds of missing stay apart.
    project.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q3,d,…",
        "ku-seinanbu,q3,d,0",
    );
    let page = project.build().page("");
    assert_eq!(
        listed_values(&page),
        pairs(&[
            ("tokyo q2 e count", "…"),
            ("tokyo q2 e percent", "…"),
            ("ku q2 b count", "…"),
            ("ku q2 b percent", "…"),
            ("tokyo q4 b count", "…"),
            ("ku q3 d count", "0"),
            ("ku q3 d percent", "0.0%"),
        ])
    );
}

#[test]
fn labels_are_shown_as_written_not_read_as_markdown_or_html() {
    let project = example_with(&[(
        "content/index.md",
        r#"- label: {{ label(q="q1", option="planned") }}"#,
    )]);
    project.replace_line(
        "data/codebook.yaml",
        "      - { id: planned, label: 今後導入する予定がある }",
        "      - { id: planned, label: \"今後*導入*する <b>予定</b> [あり]\" }",
    );
    let page = project.build().page("");
    assert_eq!(
        listed_values(&page)["label"],
        "今後*導入*する <b>予定</b> [あり]"
    );
    assert!(
        commentary(&page).contains("&lt;b&gt;予定&lt;/b&gt;"),
        "{}",
        commentary(&page)
    );
    assert!(!commentary(&page).contains("<em>"));
}

// ---------------------------------------------------------------------------------------------
// Blocks

/// The `<figure class="chart">` elements of some HTML.
fn figures(html: &str) -> Vec<&str> {
    elements(html, "figure")
        .into_iter()
        .filter(|f| f.starts_with("<figure class=\"chart\""))
        .collect()
}

/// The CSV a figure links to, resolved from the page and read from the site.
fn linked_csv(site: &Site, page_file: &str, figure: &str) -> String {
    let hrefs: Vec<String> = attr_values(figure, "href")
        .into_iter()
        .filter(|h| h.ends_with(".csv"))
        .collect();
    assert_eq!(hrefs.len(), 1, "one CSV link: {hrefs:?}");
    let file = resolve_link(page_file, &hrefs[0], "/")
        .expect("a link inside the site")
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = site
        .files()
        .remove(&file)
        .unwrap_or_else(|| panic!("{page_file}: the CSV link {} resolves to no file", hrefs[0]));
    String::from_utf8(bytes).expect("UTF-8 CSV")
}

#[test]
fn chart_blocks_render_a_figure_with_an_svg_and_a_working_csv_link() {
    let project = example_with(&[
        (
            "content/index.md",
            "東京の結果:\n\n{{ chart(q=\"q1\", region=\"tokyo\") }}\n\n地域の比較:\n\n{{ chart(q=\"q1\") }}",
        ),
        (
            "content/regions/ku-seinanbu/index.md",
            "理由:\n\n{{ chart(q=\"q4\") }}",
        ),
    ]);
    let site = project.build();

    let home = site.page("");
    let figs = figures(commentary(&home));
    assert_eq!(figs.len(), 2, "{}", commentary(&home));
    let tokyo = figs[0];
    assert_eq!(
        open_tag_attr(tokyo, "figure", "id").as_deref(),
        Some("rq-tokyo--q1-m0")
    );
    assert_eq!(open_tag_attr(tokyo, "svg", "role").as_deref(), Some("img"));
    let aria = open_tag_attr(tokyo, "svg", "aria-label").expect("an aria-label");
    assert!(
        aria.contains("地域医療連携に関するシステムを導入している 80病院 (32.0%)"),
        "{aria}"
    );
    let csv = linked_csv(&site, "index.html", tokyo);
    assert!(
        csv.contains("都全域,Q1 地域医療連携システムの導入状況,地域医療連携に関するシステムを導入している,80,32.0,250"),
        "{csv}"
    );
    // Without a region on a page without one: the question's chart of every region.
    let both = figs[1];
    assert_eq!(
        open_tag_attr(both, "figure", "id").as_deref(),
        Some("q-q1-m1")
    );
    assert_eq!(open_tag_attr(both, "svg", "role").as_deref(), Some("img"));
    let csv = linked_csv(&site, "index.html", both);
    assert!(csv.contains("区西南部") && csv.contains("都全域"), "{csv}");
    // The block replaced its placeholder paragraph: no marker, no shortcode left.
    assert!(!home.contains("SURVEYSITE-BLOCK"));
    assert!(!home.contains("{{"));

    // On a region page the region is the page's; the link works from a nested folder.
    let region = site.page("regions/ku-seinanbu/");
    let figs = figures(commentary(&region));
    assert_eq!(figs.len(), 1);
    assert_eq!(
        open_tag_attr(figs[0], "figure", "id").as_deref(),
        Some("rq-ku-seinanbu--q4-m0")
    );
    let aria = open_tag_attr(figs[0], "svg", "aria-label").unwrap();
    assert!(aria.contains("コスト面 8病院 (66.7%)"), "{aria}");
    let csv = linked_csv(&site, "regions/ku-seinanbu/index.html", figs[0]);
    assert!(csv.contains(",コスト面,8,66.7,12"), "{csv}");
}

#[test]
fn table_blocks_show_counts_percentages_and_bases() {
    let project = example_with(&[
        ("content/index.md", "{{ table(q=\"q1\") }}"),
        (
            "content/regions/ku-seinanbu/index.md",
            "{{ table(q=\"q2\", region=\"tokyo\") }}",
        ),
    ]);
    let site = project.build();

    let home = site.page("");
    let table = table_captioned(
        commentary(&home),
        "Q1 地域医療連携システムの導入状況（地域別、件数と対象に対する%）",
    );
    assert_eq!(table.rows[0].th, ["選択肢", "区西南部", "都全域"]);
    let cells = |label: &str| table.row(label).td.clone();
    assert_eq!(
        cells("地域医療連携に関するシステムを導入している"),
        ["4 (25.0%)", "80 (32.0%)"]
    );
    assert_eq!(cells("今後導入する予定がある"), ["3 (18.8%)", "51 (20.4%)"]);
    assert_eq!(cells("導入予定なし"), ["9 (56.3%)", "119 (47.6%)"]);
    assert_eq!(cells("対象（n）"), ["16", "250"]);

    // With a region: that region's column only; a not-reported count has no percentage.
    let region = site.page("regions/ku-seinanbu/");
    let table = table_captioned(
        commentary(&region),
        "Q2 システム導入によって得られたメリット",
    );
    assert_eq!(table.rows[0].th, ["選択肢", "都全域"]);
    assert_eq!(
        table
            .row("医療機関間での患者情報の共有が円滑・効率的に行えるようになった")
            .td,
        ["55 (68.8%)"]
    );
    assert_eq!(table.row("その他").td, ["…"]);
    assert_eq!(table.row("対象（n）").td, ["80"]);
}

#[test]
fn table_blocks_mark_values_like_the_question_page_and_follow_templates_table_html() {
    let project = example_with(&[(KU, "{{ table(q=\"q2\", region=\"tokyo\") }}")]);
    let page = project.build().page("regions/ku-seinanbu/");
    let table = table_captioned(
        commentary(&page),
        "Q2 システム導入によって得られたメリット（件数と対象に対する%） 複数回答のため",
    );
    assert!(
        table.row("その他").html.contains(
            "<td class=\"num\"><span class=\"nr\" title=\"資料に記載なし\">…</span></td>"
        ),
        "{}",
        table.row("その他").html
    );
    // The region's column links to its page for the question.
    assert_eq!(
        open_tag_attr(&table.rows[0].html, "a", "href").as_deref(),
        Some("../../regions/tokyo/q2/")
    );

    project.write(
        "templates/table.html",
        "<p class=\"my-table\">{{ question.label }}: {% for c in columns %}{{ c.title }} n={{ c.base }}{% endfor %}</p>",
    );
    let page = project
        .build_into(&project.path("site2"), &[])
        .page("regions/ku-seinanbu/");
    assert!(
        commentary(&page).contains("<p class=\"my-table\">Q2: 都全域 n=80</p>"),
        "{}",
        commentary(&page)
    );
}

#[test]
fn answers_blocks_quote_free_text_escaped() {
    let project = example_with(&[
        (
            "content/regions/ku-seinanbu/index.md",
            "回答:\n\n{{ answers(q=\"q7\") }}",
        ),
        (
            "content/index.md",
            "都全域:\n\n{{ answers(q=\"q7\", region=\"tokyo\") }}",
        ),
    ]);
    let answers = project.read("data/answers.csv");
    project.write(
        "data/answers.csv",
        &format!(
            "{}\nku-seinanbu,q7,,<script>alert(1)</script> & <b>太字</b> {{{{ n() }}}}\n",
            answers.trim_end()
        ),
    );
    let site = project.build();

    let region = site.page("regions/ku-seinanbu/");
    let section = commentary(&region);
    let mut want: Vec<String> = example_answers()
        .into_iter()
        .filter(|[r, q, _, _]| r == "ku-seinanbu" && q == "q7")
        .map(|[_, _, _, a]| a)
        .collect();
    assert!(want.len() >= 2, "the example has answers to q7");
    want.push("<script>alert(1)</script> & <b>太字</b> {{ n() }}".to_string());
    assert_eq!(answer_items(section), want);
    assert!(
        section.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;太字&lt;/b&gt;"),
        "{section}"
    );
    assert!(!region.contains("<script>alert(1)"));

    // No answers in the data for the region: said so, with the not-reported mark.
    let home = site.page("");
    let section = commentary(&home);
    assert!(answer_items(section).is_empty());
    assert!(
        text(section).contains("… 資料に回答の記載がありません。"),
        "{}",
        text(section)
    );
}

#[test]
fn note_blocks_render_a_callout() {
    let project = example_with(&[(
        "content/questions/q3/index.md",
        "前の段落。\n\n{{ note(text=\"注意: \\\"記載なし\\\"は **0ではありません**。\") }}\n\n後の段落。",
    )]);
    let page = project.build().page("questions/q3/");
    let section = commentary(&page);
    let asides = elements(section, "aside");
    assert_eq!(asides.len(), 1, "{section}");
    assert_eq!(
        open_tag_attr(asides[0], "aside", "class").as_deref(),
        Some("callout")
    );
    assert_eq!(
        open_tag_attr(asides[0], "aside", "role").as_deref(),
        Some("note")
    );
    assert_eq!(text(asides[0]), "注意: \"記載なし\"は 0ではありません。");
    assert!(asides[0].contains("<strong>0ではありません</strong>"));
    // The note stands between the two paragraphs, not inside either.
    let shown = text(section);
    let (before, after) = (
        shown.find("前の段落。").unwrap(),
        shown.find("後の段落。").unwrap(),
    );
    let note = shown.find("注意:").unwrap();
    assert!(before < note && note < after, "{shown}");
}

// ---------------------------------------------------------------------------------------------
// The example's own commentary

#[test]
fn the_example_commentary_builds_and_quotes_the_data() {
    let project = Project::example();
    let out = run(&project, "check");
    assert!(
        out.status.success(),
        "check of the example failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = project.build();

    let home = site.page("");
    let shown = text(commentary(&home));
    for figure in [
        "都全域で250病院中80病院（32.0%）",
        "区西南部で16病院中4病院（25.0%）",
        "都全域では119病院（47.6%）",
        "区西南部では9病院（56.3%）",
        "80病院のうち55病院（68.8%）",
        "8病院（66.7%）",
    ] {
        assert!(shown.contains(figure), "home lacks {figure:?}: {shown}");
    }
    // The home page compares the regions with a table of Q1.
    let table = table_captioned(commentary(&home), "（地域別、件数と対象に対する%）");
    assert_eq!(
        table.row("地域医療連携に関するシステムを導入している").td,
        ["4 (25.0%)", "80 (32.0%)"]
    );

    // Every block kind is used somewhere, and no shortcode or placeholder is left on any page.
    let mut kinds = BTreeMap::new();
    for file in site.html_files() {
        let html = site.page(&file);
        assert!(!html.contains("{{"), "{file}: a shortcode was left as text");
        assert!(
            !html.contains("SURVEYSITE-BLOCK"),
            "{file}: a block placeholder"
        );
        if let Some(start) = html.find("<section class=\"commentary\"") {
            let section = commentary(&html[start..]);
            *kinds.entry("chart").or_insert(0) += figures(section).len();
            *kinds.entry("answers").or_insert(0) += answer_items(section).len();
            *kinds.entry("note").or_insert(0) += elements(section, "aside").len();
            *kinds.entry("table").or_insert(0) += tables(section).len();
        }
    }
    for (kind, n) in &kinds {
        assert!(
            *n > 0,
            "the example commentary uses no {kind} block: {kinds:?}"
        );
    }
}

/// Every number the example's commentary quotes comes from a shortcode: outside shortcodes,
/// link targets and the `order:` line, its files hold no digit and no percent sign.
#[test]
fn the_example_commentary_writes_no_number_by_hand() {
    let mut files = Vec::new();
    let content = manifest_dir().join("content");
    let mut stack = vec![content.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("order:") {
                continue;
            }
            let mut rest = line.to_string();
            // shortcodes, then link targets `](…)`
            for (open, close) in [("{{", "}}"), ("](", ")")] {
                while let Some(s) = rest.find(open) {
                    let Some(e) = rest[s..].find(close) else {
                        break;
                    };
                    rest.replace_range(s..s + e + close.len(), " ");
                }
            }
            let by_hand: String = rest
                .chars()
                .filter(|c| {
                    c.is_ascii_digit() || ('０'..='９').contains(c) || matches!(*c, '%' | '％')
                })
                .collect();
            assert!(
                by_hand.is_empty(),
                "{}:{}: a number written by hand ({by_hand}): {line}",
                path.display(),
                i + 1
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation: the exact message of each mistake

const HOME: &str = "content/index.md";
const KU: &str = "content/regions/ku-seinanbu/index.md";
const KU_Q1: &str = "content/regions/ku-seinanbu/q1.md";

#[test]
fn unknown_region_names_the_closest() {
    assert_eq!(
        build_error(
            HOME,
            r#"本文 {{ count(q="q1", option="adopted", region="tokio") }}"#
        ),
        r#"error: content/index.md:5:4: region "tokio" is not in the codebook (did you mean "tokyo"?)"#
    );
    // nothing close: no guess
    assert_eq!(
        build_error(KU_Q1, r#"{{ n(region="osaka") }}"#),
        r#"error: content/regions/ku-seinanbu/q1.md:5:1: region "osaka" is not in the codebook"#
    );
}

#[test]
fn unknown_question() {
    assert_eq!(
        build_error(KU, r#"対象は{{ base(q="q9") }}病院"#),
        r#"error: content/regions/ku-seinanbu/index.md:5:4: question "q9" is not in the codebook (did you mean "q1"?)"#
    );
}

#[test]
fn unknown_option_names_the_closest() {
    assert_eq!(
        build_error(KU_Q1, "\n導入は{{ count(option=\"adoptd\") }}病院"),
        r#"error: content/regions/ku-seinanbu/q1.md:6:4: option "adoptd" is not an option of question "q1" (did you mean "adopted"?)"#
    );
}

#[test]
fn unknown_shortcode() {
    assert_eq!(
        build_error(KU, r#"{{ cuont(q="q1", option="adopted") }}"#),
        "error: content/regions/ku-seinanbu/index.md:5:1: unknown shortcode `cuont` (did you mean \"count\"?) (known: count, percent, base, n, label, chart, table, answers, note)"
    );
}

#[test]
fn unknown_argument() {
    assert_eq!(
        build_error(KU, r#"{{ count(q="q1", opton="adopted") }}"#),
        "error: content/regions/ku-seinanbu/index.md:5:1: `count` takes no argument `opton` (did you mean \"option\"?) (it takes: q, option, region)"
    );
}

#[test]
fn missing_option() {
    assert_eq!(
        build_error(KU, r#"{{ percent(q="q1") }}"#),
        "error: content/regions/ku-seinanbu/index.md:5:1: `percent` needs option=\"…\" (one of: adopted, planned, none)"
    );
}

#[test]
fn an_option_of_a_free_text_question() {
    assert_eq!(
        build_error(KU, r#"{{ count(q="q5", option="a") }}"#),
        r#"error: content/regions/ku-seinanbu/index.md:5:1: question "q5" is free text: it has no options"#
    );
    assert_eq!(
        build_error(KU, r#"{{ chart(q="q7") }}"#),
        r#"error: content/regions/ku-seinanbu/index.md:5:1: `chart` needs a choice question, and "q7" is free text"#
    );
}

#[test]
fn shortcodes_that_need_a_region_or_question_the_page_lacks() {
    assert_eq!(
        build_error(HOME, "回答は{{ n() }}病院"),
        "error: content/index.md:5:4: `n` needs a region: this page has none, so give one, e.g. region=\"ku-seinanbu\""
    );
    assert_eq!(
        build_error(HOME, r#"{{ percent(q="q1", option="adopted") }}"#),
        "error: content/index.md:5:1: `percent` needs a region: this page has none, so give one, e.g. region=\"ku-seinanbu\""
    );
    assert_eq!(
        build_error("content/questions/q7/index.md", r#"{{ answers() }}"#),
        "error: content/questions/q7/index.md:5:1: `answers` needs a region: this page has none, so give one, e.g. region=\"ku-seinanbu\""
    );
    assert_eq!(
        build_error(HOME, r#"{{ label(option="adopted") }}"#),
        "error: content/index.md:5:1: `label` needs a question: this page has none, so give one, e.g. q=\"q1\""
    );
}

#[test]
fn unclosed_braces() {
    // Another shortcode follows: the unclosed one is reported, not read together with it.
    assert_eq!(
        build_error(
            KU,
            "導入は{{ count(q=\"q1\", option=\"adopted\") 病院\n\n回答は{{ n() }}病院"
        ),
        "error: content/regions/ku-seinanbu/index.md:5:4: `{{` without a closing `}}`"
    );
    // At the end of the file.
    assert_eq!(
        build_error(KU, "回答は{{ n() }}病院、導入は{{ count(q=\"q1\""),
        "error: content/regions/ku-seinanbu/index.md:5:19: `{{` without a closing `}}`"
    );
}

#[test]
fn malformed_arguments() {
    let cases = [
        (
            r#"{{ count(q="q1" option) }}"#,
            "in `count(…)`: expected arguments like key=\"value\"",
        ),
        (
            r#"{{ note(text="閉じていない) }}"#,
            "in `note(…)`: the value of `text` has no closing `\"`",
        ),
        (r#"{{ count(q=) }}"#, "in `count(…)`: `q=` has no value"),
        (
            r#"{{ count(q="q1", option="adopted" }}"#,
            "shortcode `count` is missing its closing `)`",
        ),
        (
            r#"{{ count q="q1" }}"#,
            "expected a shortcode like `count(q=\"q1\", option=\"adopted\")`, found `count q=\"q1\"`",
        ),
        (
            r#"{{ 件数(q="q1") }}"#,
            "expected a shortcode name before `(`, found `件数`",
        ),
    ];
    // All in one file, one per line: every one is reported, each at its own line.
    let body: Vec<&str> = cases.iter().map(|(c, _)| *c).collect();
    let project = example_with(&[(KU, &body.join("\n"))]);
    let stderr = rejected(&project, "build");
    let want: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, message))| {
            let prefix = if i == 0 { "error: " } else { "" };
            format!("{prefix}{KU}:{}:1: {message}", 5 + i)
        })
        .collect();
    assert_eq!(stderr.lines().collect::<Vec<_>>(), want);
}

#[test]
fn columns_count_characters_and_lines_count_from_the_file_start() {
    // Front matter of four lines, then Japanese text before the shortcode on line 8.
    let project = Project::example();
    project.write(
        KU_Q1,
        "---\ntitle: 見出し\nsummary: 要約\n---\n\n## 見出し\n\n区西南部の導入は{{ count(option=\"adopted\", region=\"tokio\") }}病院",
    );
    let stderr = rejected(&project, "build");
    assert_eq!(
        stderr,
        "error: content/regions/ku-seinanbu/q1.md:8:9: region \"tokio\" is not in the codebook (did you mean \"tokyo\"?)\n"
    );
}

#[test]
fn check_lists_every_problem_of_every_file_at_once() {
    let project = example_with(&[
        (
            HOME,
            "回答は{{ n() }}病院。\n\n{{ table(q=\"q1\") }}\n\n{{ chart(q=\"q2\", region=\"tokio\") }}",
        ),
        (
            KU,
            "導入は{{ count(q=\"q1\", option=\"adoptd\") }}病院、{{ cuont() }}",
        ),
        (
            "content/regions/tokyo/q1.md",
            "{{ count(option=\"none\") }}病院 {{ note() }}",
        ),
    ]);
    let stderr = rejected(&project, "check");
    assert_eq!(
        stderr,
        "error: content/index.md:5:4: `n` needs a region: this page has none, so give one, e.g. region=\"ku-seinanbu\"\n\
         content/index.md:9:1: region \"tokio\" is not in the codebook (did you mean \"tokyo\"?)\n\
         content/regions/ku-seinanbu/index.md:5:4: option \"adoptd\" is not an option of question \"q1\" (did you mean \"adopted\"?)\n\
         content/regions/ku-seinanbu/index.md:5:43: unknown shortcode `cuont` (did you mean \"count\"?) (known: count, percent, base, n, label, chart, table, answers, note)\n\
         content/regions/tokyo/q1.md:5:30: `note` needs text=\"…\"\n"
    );
    // and build refuses the same project the same way
    assert_eq!(rejected(&project, "build"), stderr);
}

// ---------------------------------------------------------------------------------------------
// Code and escapes: `{{` shown as written

#[test]
fn shortcodes_in_code_are_shown_as_written_and_an_escape_writes_one_in_prose() {
    let project = example_with(&[(
        KU,
        r#"- inline code: `{{ n() }}`
- escaped: {{/* count(q="q1", option="adopted") */}}
- escaped block: {{/* chart(q="q9") */}}
- value: {{ n() }}

```markdown
{{ count(q="q1", option="adopted") }}病院
{{ cuont() }}
```

    {{ n() }} indented"#,
    )]);
    let page = project.build().page("regions/ku-seinanbu/");
    assert_eq!(
        listed_values(&page),
        pairs(&[
            ("inline code", "{{ n() }}"),
            ("escaped", r#"{{ count(q="q1", option="adopted") }}"#),
            ("escaped block", r#"{{ chart(q="q9") }}"#),
            ("value", "16"),
        ])
    );
    let code: Vec<String> = elements(commentary(&page), "pre")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        code,
        [
            r#"{{ count(q="q1", option="adopted") }}病院 {{ cuont() }}"#,
            "{{ n() }} indented"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Blocks stand alone; an argument is given once

#[test]
fn a_block_in_a_sentence_list_table_or_quote_is_refused() {
    let body = r#"導入状況は次のとおり {{ table(q="q1") }}

| 設問 | 表 |
|---|---|
| Q1 | {{ table(q="q1") }} |

- {{ chart(q="q1") }}
- 項目
  {{ note(text="注") }}

> {{ answers(q="q7") }}

{{ chart(q="q1") }} {{ table(q="q1") }}

{{ table(q="q1") }}"#;
    let project = example_with(&[(KU, body)]);
    let stderr = rejected(&project, "build");
    let block = |at: &str, name: &str| {
        format!(
            "{KU}:{at}: `{name}` is a block: put it alone on its own line, outside lists, tables and quotes"
        )
    };
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!("error: {}", block("5:12", "table")),
            block("9:8", "table"),
            block("11:3", "chart"),
            block("13:3", "note"),
            block("15:3", "answers"),
            block("17:1", "chart"),
            block("17:21", "table"),
        ]
    );
}

#[test]
fn an_argument_given_twice() {
    assert_eq!(
        build_error(
            KU,
            r#"導入は{{ count(q="q1", option="adopted", option="none") }}病院"#
        ),
        "error: content/regions/ku-seinanbu/index.md:5:4: in `count(…)`: `option` is given twice"
    );
}

// ---------------------------------------------------------------------------------------------
// Heading ids and links to them, as `check` sees them

fn check_output(project: &Project) -> (bool, String, String) {
    let out = run(project, "check");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        redacted_stderr(project, &out),
    )
}

#[test]
fn links_to_japanese_headings_pass_check_and_broken_ones_are_named_as_written() {
    let project = example_with(&[
        (
            KU,
            "## 導入状況の概要\n\n[概要へ](#導入状況の概要)、[都全域の課題へ](../tokyo/#都全域の課題)",
        ),
        ("content/regions/tokyo/index.md", "## 都全域の課題\n\n本文"),
    ]);
    let (ok, stdout, stderr) = check_output(&project);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("no errors"), "{stdout}");

    project.write(KU, &commentary_file("[なし](#存在しない見出し)"));
    assert_eq!(
        rejected(&project, "check"),
        "error: regions/ku-seinanbu/index.html: broken link \"#存在しない見出し\": regions/ku-seinanbu/index.html has no id \"存在しない見出し\"\n\
         error: check found 1 errors in 30 pages\n"
    );
}

#[test]
fn heading_ids_never_take_an_id_of_the_page_or_an_explicit_one() {
    let project = example_with(&[(
        KU_Q1,
        "## main\n\n## h-table\n\n## 概要\n\n## 詳細 {#概要}\n\n[本文へ](#main)",
    )]);
    let (ok, _, stderr) = check_output(&project);
    assert!(ok, "{stderr}");
    let page = project.build().page("regions/ku-seinanbu/q1/");
    let ids = attr_values(&page, "id");
    for (id, times) in [("main", 1), ("main-1", 1), ("h-table", 1), ("h-table-1", 1)] {
        assert_eq!(
            ids.iter().filter(|i| *i == id).count(),
            times,
            "id {id}: {ids:?}"
        );
    }
    let section = commentary(&page);
    assert!(section.contains("<h3 id=\"概要-1\">概要</h3>"), "{section}");
    assert!(section.contains("<h3 id=\"概要\">詳細</h3>"), "{section}");
}

#[test]
fn check_reports_an_id_used_twice_on_a_page() {
    let project = example_with(&[(KU_Q1, "## 見出し {#main}\n\n本文")]);
    assert_eq!(
        rejected(&project, "check"),
        "error: regions/ku-seinanbu/q1/index.html: id \"main\" is used 2 times on the page (a link to #main reaches only the first)\n\
         error: check found 1 errors in 30 pages\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Drafts and orphans

#[test]
fn check_validates_drafts_and_build_leaves_them_out() {
    let project = Project::example();
    let draft = |body: &str| format!("---\ntitle: 下書き\ndraft: true\n---\n\n{body}\n");
    project.write(KU, &draft("導入は{{ cuont() }}病院"));
    assert_eq!(
        rejected(&project, "check"),
        "error: content/regions/ku-seinanbu/index.md:6:4: unknown shortcode `cuont` (did you mean \"count\"?) (known: count, percent, base, n, label, chart, table, answers, note)\n"
    );
    let built = run(&project, "build");
    assert!(built.status.success(), "a draft is left out of build");

    project.write(KU, &draft("回答は{{ n() }}病院"));
    let (ok, _, stderr) = check_output(&project);
    assert!(ok, "{stderr}");
    assert_eq!(
        stderr,
        "warning: content/regions/ku-seinanbu/index.md: draft: left out of `build`\n"
    );
}

#[test]
fn build_warns_about_commentary_for_a_page_the_site_lacks() {
    let project = example_with(&[("content/regions/osaka/index.md", "本文")]);
    let out = run(&project, "build");
    assert!(out.status.success());
    assert_eq!(
        redacted_stderr(&project, &out),
        "warning: content/regions/osaka/index.md: commentary for /regions/osaka/ but the site has no such page (is the region or question id right?)\n"
    );
}
