//! An English report (`language: en`, tests/fixtures/english/): every page is `lang="en"` and
//! carries no Japanese interface word; a reader sees the English ones (navigation, table
//! headers, the not-reported note, chart captions, CSV headers). An unknown language is an
//! error in report.yaml naming the languages there are. Long English labels wrap at spaces.

#[path = "common/mod.rs"]
mod common;

use common::{Project, Site, decode_entities, parse_csv, table_captioned, text, title};

/// The English fixture as a project of its own.
fn english() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("english");
    p
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF      // CJK punctuation, hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF) // full-width forms (（）：)
}

fn cjk_in(s: &str) -> Option<String> {
    let i = s.find(is_cjk)?;
    let start = s[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
    Some(s[start..].chars().take(80).collect())
}

const LONG_LABEL: &str = "Information sharing between hospitals became smoother and more efficient";

#[test]
fn every_page_is_english_with_no_japanese_interface_text() {
    let site = english().build();
    let pages = site.html_files();
    assert!(pages.len() >= 15, "{pages:?}");
    for page in &pages {
        let html = std::fs::read_to_string(site.dir.join(page)).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}: {}",
            &html[..80.min(html.len())]
        );
        // The fixture's own labels are English: any CJK character is the tool's.
        if let Some(context) = cjk_in(&html) {
            panic!("{page} has Japanese text: …{context}…");
        }
    }
    // The scripts' messages (search results, the chart's download button): no line of code
    // holds Japanese (comments may).
    for script in ["assets/search.js", "assets/charts.js"] {
        let js = std::fs::read_to_string(site.dir.join(script)).unwrap();
        for line in js.lines().filter(|l| !l.trim_start().starts_with("//")) {
            assert!(cjk_in(line).is_none(), "{script}: {line}");
        }
        assert!(
            js.contains("Save as image") || js.contains("pages found: "),
            "{script}"
        );
    }
    // The CSV downloads too (data.csv and every chart's).
    for (path, bytes) in site.files() {
        if path.ends_with(".csv") {
            let csv = String::from_utf8(bytes).unwrap();
            assert!(cjk_in(&csv).is_none(), "{path}: {csv}");
        }
    }
}

#[test]
fn a_reader_sees_the_english_interface() {
    let site = english().build();

    let home = site.page("");
    let nav = text(&home[home.find("<nav").unwrap()..home.find("</nav>").unwrap()]);
    assert_eq!(nav, "Home Regions Questions");
    assert!(home.contains(">Skip to content</a>"));
    assert!(home.contains("placeholder=\"Region, question or words of an answer\""));
    assert!(text(&home).contains("Source: Regional care network survey 2025"));
    assert!(
        text(&home).contains("“…” means the source gives no number (not reported). It is not 0.")
    );
    assert!(
        text(&home).contains("Number of respondents 16"),
        "{}",
        text(&home)
    );
    assert!(home.contains(">Every number of the report (CSV)</a>"));
    // The commentary's own title is kept; a table's total row is Total.
    assert!(home.contains("<h2 id=\"h-commentary\">About this survey</h2>"));
    let by_size = table_captioned(&home, "Number of respondents by region (by Hospital size)");
    assert_eq!(by_size.row("Total").td, ["16", "12", "28"]);

    // A region × question page: its heading, table headers, the not-reported cell.
    let page = site.page("regions/south/q2/");
    assert_eq!(
        title(&page),
        "Q2 What has the system improved? (South) | Regional care network survey"
    );
    let table = table_captioned(&page, "South: Q2 What has the system improved?");
    assert_eq!(table.rows[0].th, ["Answer", "Count", "%", "Share as a bar"]);
    assert_eq!(table.row("Fewer duplicate tests").td[0], "…");
    assert!(page.contains("<span class=\"nr\" title=\"Not reported\">…</span>"));
    assert!(text(&page).contains(
        "Left out of the chart because the source gives no number: Fewer duplicate tests"
    ));
    assert!(text(&page).contains("Base: Hospitals with a system (n=4)"));
    assert!(text(&page).contains("Several answers were allowed, so the total may exceed 100%."));
    assert!(text(&page).contains("← Previous region: North"));
    assert!(text(&page).contains("Next region: Whole area →"));
    assert!(page.contains(">This question in every region</a>"));
    assert!(page.contains(">All questions of South</a>"));
    assert!(page.contains(">The numbers of this chart (CSV)</a>"));
    assert!(page.contains("<h2 id=\"h-notes\">Notes on the data</h2>"));

    // The chart's caption and the words a screen reader hears.
    let north = site.page("regions/north/q1/");
    assert!(north.contains(
        "<figcaption data-pagefind-ignore>North: Q1 Use of a system (base: All respondents, n=16)</figcaption>"
    ));
    assert!(
        north.contains(
            "aria-label=\"North: We use one 6 (37.5%), We plan to 3 (18.8%), No plans 7 (43.8%)\""
        ),
        "{north}"
    );
    assert!(north.contains("<h2 id=\"h-crosstab\">By Hospital size</h2>"));

    // Free-text answers, with their count.
    let q3 = site.page("regions/north/q3/");
    assert!(
        q3.contains("<h2 id=\"h-answers\">Free-text answers (2)</h2>"),
        "{q3}"
    );
    let south_q3 = site.page("regions/south/q3/");
    assert!(text(&south_q3).contains("… The source gives no answers for this region."));

    // A region page's key figures and the indexes.
    let region = site.page("regions/north/");
    assert!(region.contains(">List of regions</a>"));
    assert!(text(&region).contains("Next region: South →"));
    let key = table_captioned(&region, "North: the main figure of each question");
    assert_eq!(
        key.rows[0].th,
        ["Question", "Base", "Main figure", "Count", "%"]
    );
    assert!(text(&site.page("regions/")).contains(
        "Results for 3 regions. Choose a region to see its results question by question."
    ));
    let questions = site.page("questions/");
    assert!(text(&questions).contains("Single choice"));
    assert!(text(&questions).contains("Multiple choice"));
    assert!(text(&questions).contains("Free text"));

    let not_found = site.page("404.html");
    assert!(not_found.contains("<h1>Page not found</h1>"));
    assert!(not_found.contains(">Back to the home page</a>"));

    // The CSV a reader downloads has English headers.
    let csv = std::fs::read(site.dir.join("data.csv")).unwrap();
    let rows = parse_csv(
        String::from_utf8(csv)
            .unwrap()
            .trim_start_matches('\u{feff}'),
    );
    assert_eq!(
        rows[0],
        [
            "Region",
            "Question number",
            "Question",
            "Kind",
            "Answer",
            "Count",
            "Percent",
            "Base",
            "Base (n)"
        ]
    );
}

#[test]
fn withheld_numbers_are_explained_in_english() {
    let p = english();
    p.write(
        "report.yaml",
        &format!(
            "{}settings:\n  suppression: {{ threshold: 5, min_respondents_for_text: 20 }}\n",
            p.read("report.yaml")
        ),
    );
    let site = p.build();
    let page = site.page("regions/north/q3/");
    assert!(text(&page).contains(
        "“x” means a number is withheld because there are too few respondents to keep them anonymous."
    ));
    assert!(
        text(&page).contains("Too few respondents: this region’s free-text answers are not shown."),
        "{}",
        text(&page)
    );
    for page in site.html_files() {
        let html = std::fs::read_to_string(site.dir.join(&page)).unwrap();
        if let Some(context) = cjk_in(&html) {
            panic!("{page} has Japanese text: …{context}…");
        }
    }
}

#[test]
fn an_unknown_language_names_the_supported_ones() {
    let p = english();
    let line = p.replace_line("report.yaml", "language: en", "language: fr");
    assert_eq!(line, 5);
    let out = p.run_build(&p.path("site"), &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("report.yaml:5: language \"fr\" has no interface strings (supported: ja, en)"),
        "{err}"
    );
}

/// Every text line of a chart that is part of `label` starts and ends at a word boundary.
fn assert_whole_words(lines: &[String], label: &str, what: &str) {
    let parts: Vec<&String> = lines
        .iter()
        .filter(|l| l.len() > 3 && label.contains(l.as_str()))
        .collect();
    assert!(
        parts.len() >= 2,
        "{what}: the label is not wrapped: {lines:?}"
    );
    for part in parts {
        let at = label.find(part.as_str()).unwrap();
        let end = at + part.len();
        assert!(
            (at == 0 || label.as_bytes()[at - 1] == b' ')
                && (end == label.len() || label.as_bytes()[end] == b' '),
            "{what}: {part:?} breaks a word of {label:?}"
        );
    }
}

fn svg_lines(html: &str) -> Vec<String> {
    html.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(decode_entities(&body[..body.find("</text>")?]))
        })
        .collect()
}

#[test]
fn long_english_labels_wrap_at_spaces() {
    let site: Site = english().build();
    for path in ["regions/north/q2/", "questions/q2/"] {
        let html = site.page(path);
        // The SVG drawn at build time.
        assert_whole_words(&svg_lines(&html), LONG_LABEL, &format!("{path} SVG"));
        // The interactive chart's labels (ECharts breaks lines where the option says).
        let start = html.find("-option\">").expect("an interactive chart") + 9;
        let json = &html[start..start + html[start..].find("</script>").unwrap()];
        let option: serde_json::Value = serde_json::from_str(json).unwrap();
        let labels: Vec<String> = option["yAxis"]["data"]
            .as_array()
            .or_else(|| option["yAxis"][0]["data"].as_array())
            .unwrap_or_else(|| panic!("{path}: no category axis in {json}"))
            .iter()
            .filter_map(|v| v.as_str())
            .flat_map(|l| l.split('\n').map(String::from).collect::<Vec<_>>())
            .collect();
        assert_whole_words(&labels, LONG_LABEL, &format!("{path} interactive"));
    }
}

/// Many regions (a ranked chart), a region whose options are all not reported (no bars), and
/// shortcodes with nothing to show: the words the chart code and the shortcodes write are
/// English too.
#[test]
fn ranked_charts_and_empty_shortcodes_are_english() {
    let p = english();
    let ids: Vec<String> = (1..=22).map(|i| format!("r{i}")).collect();
    let mut codebook = String::from("regions:\n");
    let mut counts = String::from("region,question,option,count\n");
    let mut respondents = String::from("region,group,respondents\n");
    for (i, id) in ids.iter().enumerate() {
        codebook.push_str(&format!("  - {{ id: {id}, title: Town {} }}\n", i + 1));
        respondents.push_str(&format!("{id},,{}\n", 10 + i));
        // r1 reports none of q2's options (nothing to draw), nor q1's "We use one", so q4
        // (asked of those who use one) has no base there.
        let adopted = if id == "r1" {
            "…".to_string()
        } else {
            (1 + i % 7).to_string()
        };
        counts.push_str(&format!(
            "{id},q1,adopted,{adopted}\n{id},q1,none,{}\n",
            9 - i % 7
        ));
        let q2 = if id == "r1" { "…" } else { "2" };
        counts.push_str(&format!("{id},q2,a,{q2}\n{id},q2,b,{q2}\n"));
        counts.push_str(&format!("{id},q4,yes,1\n"));
    }
    codebook.push_str(
        "bases:
  users:
    title: Those who use one
    from: { question: q1, options: [adopted] }
questions:
  - id: q1
    title: Do you use a system?
    type: single
    base: all
    key_option: adopted
    options:
      - { id: adopted, label: We use one }
      - { id: none, label: No plans }
  - id: q2
    title: What has it improved?
    type: multiple
    base: all
    options:
      - { id: a, label: Information sharing }
      - { id: b, label: Fewer duplicate tests }
  - id: q3
    title: Comments
    type: text
    base: all
  - id: q4
    title: Is it worth it?
    type: single
    base: users
    options:
      - { id: yes, label: Yes }
",
    );
    p.write("data/codebook.yaml", &codebook);
    p.write("data/counts.csv", &counts);
    p.write("data/respondents.csv", &respondents);
    std::fs::remove_file(p.path("data/crosstab.csv")).unwrap();
    p.write("data/answers.csv", "region,question,option,answer\n");
    std::fs::remove_dir_all(p.path("content")).unwrap();
    p.write(
        "content/regions/r1/index.md",
        "Town 1 in numbers.\n\n{{ chart(q=\"q4\") }}\n\n{{ answers(q=\"q3\") }}\n",
    );
    let site = p.build();

    let q1 = site.page("questions/q1/");
    assert!(
        svg_lines(&q1).iter().any(|l| l == "… (and 1 more)"),
        "{:?}",
        svg_lines(&q1)
    );
    assert!(
        q1.contains(
            "the 10 regions with the highest and the 10 with the lowest share of “We use one”"
        ),
        "{q1}"
    );
    let r1 = site.page("regions/r1/q2/");
    assert!(
        svg_lines(&r1)
            .iter()
            .any(|l| l == "The source gives no number to draw a bar for")
    );
    let town = text(&site.page("regions/r1/"));
    assert!(
        town.contains("The source gives no base for this chart, so there is none."),
        "{town}"
    );
    assert!(
        town.contains("… The source gives no answers here."),
        "{town}"
    );
    for page in site.html_files() {
        let html = std::fs::read_to_string(site.dir.join(&page)).unwrap();
        if let Some(context) = cjk_in(&html) {
            panic!("{page} has Japanese text: …{context}…");
        }
    }
}

/// A fixture copied into a project of its own, with every Japanese label of its data replaced
/// by an English one (longest first), its commentary left out (a test writes its own) and
/// report.yaml in English: any CJK character left on a page or in a CSV is then the tool's own.
fn translated(fixture: &str, labels: &[(&str, &str)]) -> Project {
    let p = Project::example_with(&[]);
    p.overlay(fixture);
    std::fs::remove_file(p.path("README.md")).unwrap();
    if p.path("content").exists() {
        std::fs::remove_dir_all(p.path("content")).unwrap();
    }
    let mut labels = labels.to_vec();
    labels.sort_by_key(|(ja, _)| std::cmp::Reverse(ja.chars().count()));
    let files: Vec<String> = common::files_under(p.root())
        .into_keys()
        .filter(|f| f.starts_with("data/") || f.starts_with("content/"))
        .collect();
    for file in files {
        let mut text = p.read(&file);
        for (ja, en) in &labels {
            text = text.replace(ja, en);
        }
        assert!(
            cjk_in(&text).is_none(),
            "{file} still has: {:?}",
            cjk_in(&text)
        );
        p.write(&file, &text);
    }
    p.write(
        "report.yaml",
        "title: A test report\nsource: Made-up numbers\nlanguage: en\nbase_url: \"\"\n",
    );
    p
}

/// Every page and CSV of the site: no CJK character (the data's labels are English).
fn assert_no_japanese(site: &common::Site) {
    let mut checked = 0;
    for (file, bytes) in site.files() {
        if !(file.ends_with(".html") || file.ends_with(".csv")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        if let Some(context) = cjk_in(&text) {
            panic!("{file} has Japanese text: …{context}…");
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} pages and CSV files");
}

/// The map's interface words (caption, legend classes and patterns, counts of regions, the
/// total left off the map, the table's headers, the areas' accessible names) are English.
#[test]
fn a_tile_map_is_english() {
    let p = translated(
        "map-tiles",
        &[
            ("東部医療圏", "East district"),
            ("西部医療圏", "West district"),
            ("全域", "Whole area"),
            (
                "地域医療連携システムの導入状況",
                "Use of a regional network",
            ),
            ("導入状況", "Use"),
            ("導入している", "Adopted"),
            ("導入していない", "Not adopted"),
            ("病院", "hospitals"),
            ("# Test fixture (tests/maps.rs)", "# Test fixture"),
        ],
    );
    let site = p.build();
    assert_no_japanese(&site);

    let q1 = decode_entities(&site.page("questions/q1/"));
    for words in [
        "<figcaption>Map: Q1 Use: share of “Adopted” by region</figcaption>",
        "aria-label=\"Map: Q1 Use: share of “Adopted” by region\"",
        "aria-label=\"Map legend\"",
        "Not reported (…) <span class=\"muted\">(1 region)</span>",
        "West district: … (not reported)",
        "Whole area (not on the map): <strong>",
    ] {
        assert!(
            q1.contains(words),
            "{words} not in the question page:\n{q1}"
        );
    }
    // East's 4 of 16 (25%) is the only class.
    let legend = text(&q1);
    assert!(legend.contains("25% to under"), "{legend}");
    assert!(!legend.contains("regions)") || legend.contains("(1 region)"));

    let east = decode_entities(&site.page("regions/east/"));
    for words in [
        ">On a map</h2>",
        "Thick outline: East district (this page’s region)",
        "East district (this region): 25.0%",
        "<th scope=\"col\">Region</th><th scope=\"col\" class=\"num\">Share of “Adopted”</th>",
    ] {
        assert!(
            east.contains(words),
            "{words} not in the region page:\n{east}"
        );
    }
}

/// A weighted sample's interface words (the estimate note and its design, the interval's
/// column and brackets, the ▲/▼ legend and tooltips, the CSV headers) are English.
#[test]
fn a_weighted_sample_is_english() {
    let p = translated(
        "weighted",
        &[
            ("東部", "East"),
            ("西部", "West"),
            ("島しょ", "Islands"),
            ("全域", "All areas"),
            ("導入している病院", "Hospitals that adopted"),
            ("導入予定あり", "Plans to adopt"),
            ("導入予定なし", "No plans"),
            ("導入している", "Adopted"),
            ("検討中", "Considering"),
            ("導入状況", "Adoption"),
            ("導入のメリット", "Benefits"),
            ("情報共有", "Information sharing"),
            ("検査削減", "Fewer tests"),
            ("その他", "Other"),
            ("病床規模", "Bed size"),
            ("大規模", "Large"),
            ("中規模", "Medium"),
            ("小規模", "Small"),
            ("規模", "size"),
            ("母集団調査区数", "clusters_in_stratum"),
            ("調査区", "cluster"),
            ("重み", "weight"),
            ("層", "stratum"),
            ("地域", "area"),
            ("病院", "hospitals"),
        ],
    );
    p.write(
        "content/regions/island/q1.md",
        "---\ntitle: Adoption in the islands\n---\n\nAdopted: {{ percent(option=\"adopted\") }} \
         (95% confidence interval {{ ci(option=\"adopted\") }}) {{ mark(option=\"adopted\") }}.\n\n\
         {{ table(q=\"q1\") }}\n",
    );
    let site = p.build();
    assert_no_japanese(&site);

    let note = "This survey is a sample survey. Percentages are estimates using each respondent’s \
                weight (column “weight”); counts are the actual, unweighted numbers of answers. \
                The 95% confidence interval is an estimate’s margin of error, computed taking the \
                sample’s design into account (strata from column “stratum”; sampling units from \
                column “cluster”; finite population correction from column “clusters_in_stratum”)";
    let legend = "▲ / ▼: the region’s share is significantly higher (▲) or lower (▼) than that \
                  of the other regions together";
    let question = text(&site.page("questions/q1/"));
    assert!(question.contains(note), "{question}");
    assert!(
        question.contains("The figures in [ ] in the table are 95% confidence intervals."),
        "{question}"
    );
    assert!(question.contains(legend), "{question}");
    let html = decode_entities(&site.page("questions/q1/"));
    assert!(
        html.contains("title=\"Significantly higher than the other regions together (5% level)\"")
            || html.contains(
                "title=\"Significantly lower than the other regions together (5% level)\""
            ),
        "no ▲/▼ tooltip on the question page"
    );
    assert!(html.contains("<br><span class=\"pct nowrap\">["), "{html}");

    let rq = decode_entities(&site.page("regions/east/q1/"));
    assert!(
        rq.contains("<th scope=\"col\" class=\"num\">95% confidence interval</th>"),
        "{rq}"
    );
    let region = text(&site.page("regions/east/"));
    assert!(
        region.contains("The figures in [ ] are 95% confidence intervals."),
        "{region}"
    );

    let csv = parse_csv(&p_csv(&site, "data.csv"));
    assert_eq!(
        csv[0][csv[0].len() - 2..],
        ["95% CI lower (%)", "95% CI upper (%)"]
    );
    let chart_csv = parse_csv(&p_csv(&site, "regions/west/q1/rq-west--q1.csv"));
    assert_eq!(
        chart_csv[0][chart_csv[0].len() - 2..],
        ["95% CI lower (%)", "95% CI upper (%)"]
    );
}

fn p_csv(site: &common::Site, file: &str) -> String {
    std::fs::read_to_string(site.dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}
