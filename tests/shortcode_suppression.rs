//! Shortcodes under small-cell suppression (`settings.suppression` in report.yaml): every
//! shortcode, for every region and question of the example, at thresholds 2, 5 and 100, shows
//! what the page of those numbers shows (`x` where it is hidden, the withheld-answers note,
//! no chart where the page has none) and never fails the build.

mod common;

use common::*;

const CHOICE: &[(&str, &[&str])] = &[
    ("q1", &["adopted", "planned", "none"]),
    ("q2", &["a", "b", "c", "d", "e"]),
    ("q3", &["a", "b", "c", "d", "e", "f", "g"]),
    ("q4", &["a", "b", "c", "d", "e"]),
];

/// The commentary of the q5 page: a `- key: value` line for every inline shortcode and a
/// heading (`### key`) before every block, all with explicit region and question.
fn every_shortcode() -> String {
    let mut body = String::from("---\ntitle: すべてのショートコード\n---\n\n");
    for r in REGIONS {
        body.push_str(&format!("- n-{r}: {{{{ n(region=\"{r}\") }}}}\n"));
        for (q, options) in CHOICE {
            body.push_str(&format!(
                "- base-{r}-{q}: {{{{ base(q=\"{q}\", region=\"{r}\") }}}}\n"
            ));
            for o in *options {
                let args = format!("q=\"{q}\", option=\"{o}\", region=\"{r}\"");
                body.push_str(&format!("- count-{r}-{q}-{o}: {{{{ count({args}) }}}}\n"));
                body.push_str(&format!(
                    "- percent-{r}-{q}-{o}: {{{{ percent({args}) }}}}\n"
                ));
            }
        }
    }
    body.push_str("- label: {{ label(q=\"q1\", option=\"adopted\") }}\n\n");
    body.push_str("## note\n\n{{ note(text=\"注記の本文\") }}\n\n");
    for (q, _) in CHOICE {
        body.push_str(&format!("## chart-{q}\n\n{{{{ chart(q=\"{q}\") }}}}\n\n"));
        body.push_str(&format!("## table-{q}\n\n{{{{ table(q=\"{q}\") }}}}\n\n"));
        for r in REGIONS {
            let args = format!("q=\"{q}\", region=\"{r}\"");
            body.push_str(&format!("## chart-{r}-{q}\n\n{{{{ chart({args}) }}}}\n\n"));
            body.push_str(&format!("## table-{r}-{q}\n\n{{{{ table({args}) }}}}\n\n"));
        }
    }
    for q in QUESTIONS {
        for r in REGIONS {
            let args = format!("q=\"{q}\", region=\"{r}\"");
            body.push_str(&format!(
                "## answers-{r}-{q}\n\n{{{{ answers({args}) }}}}\n\n"
            ));
        }
    }
    body
}

fn suppressed_example(threshold: u32) -> Project {
    let project = Project::example();
    project.replace_line(
        "report.yaml",
        "settings:",
        &format!(
            "settings:\n  suppression: {{ threshold: {threshold}, min_respondents_for_text: 10 }}"
        ),
    );
    project.write("content/questions/q5/index.md", &every_shortcode());
    project
}

/// The commentary section of a page.
fn commentary(html: &str) -> &str {
    let start = html
        .find("<section class=\"commentary\"")
        .expect("the page has a commentary section");
    let end = start + html[start..].find("</section>").expect("closed") + "</section>".len();
    &html[start..end]
}

/// The HTML under the commentary heading `## key` (an h3), up to the next heading.
fn under_heading<'a>(html: &'a str, key: &str) -> &'a str {
    let open = format!("<h3 id=\"{key}\">");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no heading {key}"))
        + open.len();
    let end = html[start..].find("<h3 ").map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// `- key: value` items of the commentary.
fn listed(html: &str, key: &str) -> String {
    let prefix = format!("{key}: ");
    let found: Vec<String> = elements(html, "li")
        .into_iter()
        .map(|li| text(inner(li)))
        .filter_map(|t| t.strip_prefix(&prefix).map(str::to_string))
        .collect();
    assert_eq!(found.len(), 1, "one item {key}: {found:?}");
    found[0].clone()
}

/// count, percent and base of an option as the region × question page shows them.
fn page_figures(site: &Site, r: &str, q: &str, label: &str) -> (String, String, String) {
    let page = site.page(&format!("regions/{r}/{q}/"));
    let table = &tables(&page)[0];
    let row = table.row(label);
    let base = table.row("対象（n）").td[0].clone();
    (row.td[0].clone(), row.td[1].clone(), base)
}

fn option_label(site: &Site, q: &str, option_index: usize) -> String {
    // The question page's table lists the options in codebook order.
    let page = site.page(&format!("questions/{q}/"));
    let table = table_captioned(&page, "件数と対象に対する%");
    table.rows[option_index + 1].label().to_string()
}

fn check_threshold(threshold: u32) {
    let project = suppressed_example(threshold);
    let site = project.build();
    let html = site.page("questions/q5/");
    let c = commentary(&html);
    let mut hidden = 0;
    for r in REGIONS {
        let region_page = site.page(&format!("regions/{r}/"));
        let respondents = elements(&region_page, "strong")
            .first()
            .map(|s| text(s))
            .expect("the region page shows its respondents");
        assert_eq!(listed(c, &format!("n-{r}")), respondents, "n of {r}");
        for (q, options) in CHOICE {
            for (i, o) in options.iter().enumerate() {
                let label = option_label(&site, q, i);
                let (count, percent, base) = page_figures(&site, r, q, &label);
                let key = format!("{r}-{q}-{o}");
                assert_eq!(listed(c, &format!("base-{r}-{q}")), base, "base {r} {q}");
                assert_eq!(listed(c, &format!("count-{key}")), count, "count {key}");
                let shown = listed(c, &format!("percent-{key}"));
                let expected = if !percent.is_empty() {
                    percent.clone()
                } else if count == "x" || count == "…" {
                    count.clone()
                } else {
                    // A count shown with no percentage: the base is hidden or unknown.
                    assert!(base == "x" || base == "…", "{key}: {count} of {base}");
                    base.clone()
                };
                assert_eq!(shown, expected, "percent {key}");
                if count == "x" {
                    hidden += 1;
                }
            }
        }
    }
    if threshold > 2 {
        assert!(hidden > 0, "threshold {threshold} hides some counts");
    }
    assert_eq!(
        listed(c, "label"),
        "地域医療連携に関するシステムを導入している"
    );
    assert!(text(under_heading(c, "note")).contains("注記の本文"));

    for (q, options) in CHOICE {
        for r in REGIONS {
            let page = site.page(&format!("regions/{r}/{q}/"));
            let page_chart = format!("id=\"rq-{r}--{q}\"");
            let block = under_heading(c, &format!("chart-{r}-{q}"));
            if page.contains(&page_chart) {
                assert!(
                    block.contains(&format!("id=\"rq-{r}--{q}-m")) && block.contains("<svg"),
                    "{r} {q}: the page has a chart, so the block has it"
                );
            } else {
                assert!(!block.contains("<svg"), "{r} {q}: no chart on the page");
                let (_, _, base) = page_figures(&site, r, q, &option_label(&site, q, 0));
                let why = if base == "x" {
                    "回答者が少ないため、この図は掲載していません。"
                } else {
                    "対象の数が資料にないため、図はありません。"
                };
                assert!(
                    text(block).contains(why),
                    "{r} {q}: the block says why there is no chart: {}",
                    text(block)
                );
            }
            // The block's table (under the chart, or instead of it) and the table block show
            // the page's numbers, `x` included.
            for key in [format!("chart-{r}-{q}"), format!("table-{r}-{q}")] {
                let block = under_heading(c, &key);
                let table = &tables(block)[0];
                for i in 0..options.len() {
                    let label = option_label(&site, q, i);
                    let (count, percent, _) = page_figures(&site, r, q, &label);
                    let expected = if percent.is_empty() {
                        count
                    } else {
                        format!("{count} ({percent})")
                    };
                    assert_eq!(table.row(&label).td, vec![expected], "{key} {label}");
                }
            }
        }
        let question_block = under_heading(c, &format!("chart-{q}"));
        assert!(question_block.contains(&format!("id=\"q-{q}-m")), "{q}");
        let question_page = site.page(&format!("questions/{q}/"));
        let page_table = table_captioned(&question_page, "件数と対象に対する%");
        let block_table = &tables(under_heading(c, &format!("table-{q}")))[0];
        for row in &page_table.rows {
            assert_eq!(block_table.row(row.label()).td, row.td, "table-{q}");
        }
    }

    for q in QUESTIONS {
        for r in REGIONS {
            let page = site.page(&format!("regions/{r}/{q}/"));
            let block = under_heading(c, &format!("answers-{r}-{q}"));
            let page_text = text(&page);
            if page_text.contains("回答者が少ないため、この地域の") {
                assert!(text(block).contains("回答者が少ないため"), "{r} {q}");
                assert!(answer_items(block).is_empty(), "{r} {q}: withheld");
            } else {
                assert_eq!(answer_items(block), answer_items(&page), "{r} {q}");
            }
        }
    }
}

#[test]
fn every_shortcode_shows_what_the_page_shows_at_threshold_2() {
    check_threshold(2);
}

#[test]
fn every_shortcode_shows_what_the_page_shows_at_threshold_5() {
    check_threshold(5);
}

#[test]
fn every_shortcode_shows_what_the_page_shows_at_threshold_100() {
    check_threshold(100);
}

/// The documented setting, on the example as it is: it builds, and the example's own
/// `chart(q="q4")` on 区西南部, whose base is hidden, shows the table with `x`, not an error.
#[test]
fn the_documented_suppression_setting_builds_the_example() {
    let project = Project::example();
    project.replace_line(
        "report.yaml",
        "settings:",
        "settings:\n  suppression: { threshold: 5, min_respondents_for_text: 10 }",
    );
    let site = project.build();
    let page = site.page("regions/ku-seinanbu/");
    let c = commentary(&page);
    assert!(
        text(c).contains("回答者が少ないため、この図は掲載していません"),
        "{}",
        text(c)
    );
    assert!(
        c.contains("<span class=\"sup\""),
        "x marks in the block's table"
    );
}
