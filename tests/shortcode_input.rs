//! Commentary that is unusual rather than wrong, through the real binary: CR-only and CRLF line
//! ends, text that looks like a block placeholder, links that would run script, shortcodes
//! commented out in HTML, and files with thousands of broken shortcodes (messages capped).

mod common;

use std::process::{Command, Output};

use common::*;

const FILE: &str = "content/questions/q5/index.md";

fn run(project: &Project, command: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_surveysite"));
    cmd.arg(command).arg("--root").arg(project.root());
    if command == "build" {
        cmd.arg("--output").arg(project.path("site"));
    }
    cmd.output().expect("running surveysite")
}

/// The example with `text` as the q5 page's commentary file, built; stderr of the failure.
fn build_error(text: &str) -> String {
    let project = Project::example();
    project.write(FILE, text);
    let out = run(&project, "build");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "the build should fail");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// The commentary section of the q5 page built with `text` as its commentary file.
fn commentary_of(project: &Project, text: &str) -> String {
    project.write(FILE, text);
    let site = project.build();
    let html = site.page("questions/q5/");
    let start = html
        .find("<section class=\"commentary\"")
        .expect("a commentary section");
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    html[start..end].to_string()
}

#[test]
fn errors_point_at_the_right_line_with_cr_lf_and_crlf_line_ends() {
    let lines = [
        "一行目",
        "",
        r#"{{ count(q="q1", option="nope", region="tokyo") }}"#,
        "",
        r#"本文{{ n(region="nowhere") }}"#,
    ];
    for (name, end) in [("LF", "\n"), ("CR", "\r"), ("CRLF", "\r\n")] {
        let stderr = build_error(&lines.join(end));
        assert!(
            stderr.contains(&format!(
                "{FILE}:3:1: option \"nope\" is not an option of question \"q1\""
            )),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "{FILE}:5:3: region \"nowhere\" is not in the codebook"
            )),
            "{name}: {stderr}"
        );
    }
    // Below front matter, lines still count from the file's first line.
    for (name, end) in [("LF", "\n"), ("CRLF", "\r\n")] {
        let text = ["---", "title: 試験", "---"]
            .iter()
            .chain(lines.iter())
            .copied()
            .collect::<Vec<_>>()
            .join(end);
        let stderr = build_error(&text);
        assert!(
            stderr.contains(&format!("{FILE}:6:1: option \"nope\"")),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("{FILE}:8:3: region \"nowhere\"")),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn a_block_alone_on_its_line_works_with_cr_line_ends() {
    let project = Project::example();
    let c = commentary_of(&project, "前文\r\r{{ chart(q=\"q1\") }}\r\r後文\r");
    assert!(c.contains("id=\"q-q1-m0\"") && c.contains("<svg"), "{c}");
    let t = text(&c);
    assert!(t.find("前文").unwrap() < t.find("後文").unwrap(), "{t}");
}

#[test]
fn a_paragraph_that_reads_like_a_block_placeholder_stays_text() {
    let project = Project::example();
    let c = commentary_of(
        &project,
        "SURVEYSITE-BLOCK-0\n\n{{ note(text=\"本物の注記\") }}\n\nSURVEYSITE-BLOCK-1\n",
    );
    let first = c
        .find("<p>SURVEYSITE-BLOCK-0</p>")
        .expect("the first paragraph stays");
    let note = c
        .find("<aside class=\"callout\"")
        .expect("the note is there");
    let last = c
        .find("<p>SURVEYSITE-BLOCK-1</p>")
        .expect("the last paragraph stays");
    assert!(first < note && note < last, "{c}");
    assert_eq!(c.matches("本物の注記").count(), 1, "{c}");
}

/// Every href and src of some HTML, lower-cased and without white space (as a browser reads
/// the scheme).
fn addresses(html: &str) -> Vec<String> {
    ["href", "src"]
        .iter()
        .flat_map(|a| attr_values(html, a))
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

#[test]
fn links_that_would_run_script_are_shown_as_text() {
    let body = "[一](javascript:alert(1)) [二](JavaScript:alert(2)) [三](&#106;avascript:alert(3)) \
<javascript:alert(4)> [五](vbscript:msgbox(5)) [六](data:text/html;base64,PHNjcmlwdD4=) [七][ref] \
![八](javascript:alert(8)) ![九](data:image/png;base64,iVBORw0KGgo=) \
[安全](https://example.org/) [相対](../q1/)\n\n\
[ref]: java\tscript:alert(7)\n\n\
{{ note(text=\"[注](javascript:alert(10))\") }}\n";
    for allow_html in ["true", "false"] {
        let project = Project::example();
        project.replace_line(
            "report.yaml",
            "  allow_html: true           # raw HTML in commentary (editors are trusted)",
            &format!("  allow_html: {allow_html}"),
        );
        let c = commentary_of(&project, body);
        let addresses = addresses(&c);
        for a in &addresses {
            assert!(
                !a.starts_with("javascript:")
                    && !a.starts_with("vbscript:")
                    && !a.starts_with("data:text"),
                "allow_html {allow_html}: {a} in {c}"
            );
        }
        assert!(
            addresses.contains(&"https://example.org/".to_string()),
            "{addresses:?}"
        );
        assert!(addresses.contains(&"../q1/".to_string()), "{addresses:?}");
        assert!(
            addresses.contains(&"data:image/png;base64,ivborw0kggo=".to_string()),
            "{addresses:?}"
        );
        // The words of the refused links stay, as text.
        let t = text(&c);
        for word in ["一", "二", "三", "五", "六", "七", "八", "注"] {
            assert!(t.contains(word), "{word} in {t}");
        }
    }
}

#[test]
fn shortcodes_commented_out_in_html_are_not_run() {
    let project = Project::example();
    let c = commentary_of(
        &project,
        "<!-- {{ config }} -->\n\n<!--\n{{ chart(q=\"nope\") }}\n-->\n\n\
本文{{ n(region=\"tokyo\") }}、文中<!-- {{ n() }} -->です。\n",
    );
    assert!(text(&c).contains("本文250、文中です。"), "{}", text(&c));
    assert!(
        c.contains("<!-- {{ config }} -->"),
        "the comment stays as written: {c}"
    );
}

#[test]
fn a_block_swallowed_by_raw_html_is_a_located_error() {
    let stderr = build_error("前文\n\n<pre>\n{{ note(text=\"注\") }}\n</pre>\n");
    assert!(
        stderr.contains(&format!(
            "{FILE}:4:1: a block cannot go inside raw HTML: put it after the HTML's end"
        )),
        "{stderr}"
    );
}

#[test]
fn a_block_that_fails_to_render_names_its_line() {
    let project = Project::example();
    project.write(FILE, "前文\n\n{{ table(q=\"q1\") }}\n");
    project.write("templates/table.html", "{{ no_such_value.x }}\n");
    let out = run(&project, "build");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(&format!("{FILE}:3:1: ")), "{stderr}");
}

#[test]
fn thousands_of_broken_shortcodes_give_twenty_messages_and_a_count() {
    let stderr = build_error(&"{{ ".repeat(100_000));
    let listed = stderr
        .lines()
        .filter(|l| l.contains("`{{` without a closing `}}`"))
        .count();
    assert_eq!(listed, 20, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{FILE}: … and 99980 more shortcode problems (the first 20 are listed)"
        )),
        "{stderr}"
    );
    assert!(stderr.len() < 4_000, "{} bytes of errors", stderr.len());
    // A shortcode of 100,000 characters is quoted, not echoed whole.
    let stderr = build_error(&format!("{{{{ {} }}}}", "あ".repeat(100_000)));
    assert!(
        stderr.contains(&format!("{FILE}:1:1: expected a shortcode like")),
        "{stderr}"
    );
    assert!(stderr.len() < 1_000, "{} bytes of errors", stderr.len());
}

#[test]
fn values_inside_raw_html_are_escaped_as_html_not_as_markdown() {
    let label = "<b>導入</b> & *済*";
    let body = "<div class=\"box\">\n{{ label(q=\"q1\", option=\"adopted\") }}\n</div>\n\n\
本文{{ label(q=\"q1\", option=\"adopted\") }}\n";
    for allow_html in ["true", "false"] {
        let project = Project::example();
        project.replace_line(
            "data/codebook.yaml",
            "      - { id: adopted, label: 地域医療連携に関するシステムを導入している }",
            &format!("      - {{ id: adopted, label: \"{label}\" }}"),
        );
        project.replace_line(
            "report.yaml",
            "  allow_html: true           # raw HTML in commentary (editors are trusted)",
            &format!("  allow_html: {allow_html}"),
        );
        let c = commentary_of(&project, body);
        assert!(
            !c.contains("<b>"),
            "allow_html {allow_html}: the label made markup: {c}"
        );
        assert_eq!(
            text(&c).matches(label).count(),
            2,
            "allow_html {allow_html}: the label as written, in the div and in the paragraph: {}",
            text(&c)
        );
        assert_eq!(
            allow_html == "true",
            c.contains("<div class=\"box\">"),
            "{c}"
        );
    }
}
