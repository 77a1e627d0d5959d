//! Inputs that used to build with exit 0 and publish a wrong number, or lose a file without a
//! word (issues 12 and 13): each is now an error naming `file:line` and what is wrong, or is read
//! as the reader of the file would expect. The real binary runs on a copy of the example.

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::process::{Command, Output};

use common::*;

fn run(project: &Project, command: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_surveysite"));
    c.arg(command).arg("--root").arg(project.root());
    if command == "build" {
        c.arg("--output").arg(project.path("site"));
    }
    c.output().expect("running surveysite")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `surveysite check` succeeds; its output (stdout and stderr).
fn check_ok(project: &Project) -> String {
    let out = run(project, "check");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(out.status.success(), "check failed:\n{text}");
    text
}

/// The build fails; the one stderr line naming `location` (e.g. `data/counts.csv:5:`).
fn rejected(project: &Project, location: &str) -> String {
    let out = run(project, "build");
    let err = stderr(&out);
    assert!(!out.status.success(), "the build should fail:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err.lines()
        .find(|l| l.contains(location))
        .unwrap_or_else(|| panic!("stderr should name {location:?}:\n{err}"))
        .to_string()
}

fn remove_line(project: &Project, rel: &str, line: &str) {
    let text = project.read(rel);
    let kept: Vec<&str> = text.lines().filter(|l| *l != line).collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "{line:?} in {rel}");
    project.write(rel, &(kept.join("\n") + "\n"));
}

fn with_line_ends(project: &Project, rel: &str, end: &str) {
    let text = project.read(rel).replace("\r\n", "\n");
    project.write(rel, &text.replace('\n', end));
}

// ---- issue 13 #1: CR-only line ends -------------------------------------------------------

#[test]
fn cr_only_and_mixed_line_ends_read_like_lf_and_errors_name_the_right_line() {
    let p = Project::example_with(&["report.yaml", "data", "content"]);
    let lf = check_ok(&p);
    // Every reader: the tables, the codebook, report.yaml, front matter.
    for rel in [
        "data/counts.csv",
        "data/respondents.csv",
        "data/crosstab.csv",
        "data/answers.csv",
        "data/codebook.yaml",
        "report.yaml",
        "content/index.md",
    ] {
        with_line_ends(&p, rel, "\r");
    }
    assert_eq!(check_ok(&p), lf, "CR-only files read differently");

    let text = p.read("data/counts.csv");
    assert_eq!(text.split('\r').nth(3), Some("ku-seinanbu,q1,none,9"));
    p.write(
        "data/counts.csv",
        &text.replace("ku-seinanbu,q1,none,9", "ku-seinanbu,q1,none,x"),
    );
    let err = rejected(&p, "data/counts.csv:");
    assert!(
        err.contains("data/counts.csv:4: count \"x\" is not a whole number"),
        "{err}"
    );
    // Mixed: CR, LF and CRLF in one file count one line each.
    let text = p.read("data/counts.csv");
    let mixed: String = text
        .split('\r')
        .enumerate()
        .map(|(i, l)| format!("{l}{}", ["\r", "\n", "\r\n"][i % 3]))
        .collect();
    p.write("data/counts.csv", &mixed);
    let err = rejected(&p, "data/counts.csv:");
    assert!(err.contains("data/counts.csv:4: count \"x\""), "{err}");

    // Front matter in a CR-only file: the error names the line of the bad key.
    p.write(
        "data/counts.csv",
        &mixed.replace("ku-seinanbu,q1,none,x", "ku-seinanbu,q1,none,9"),
    );
    p.write("content/index.md", "---\rtitle: a\rtitel: b\r---\r本文\r");
    let err = rejected(&p, "content/index.md:");
    assert!(err.contains("content/index.md:3:"), "{err}");
}

#[test]
fn a_duplicated_respondent_id_in_a_cr_only_export_is_an_error() {
    let p = Project::example_with(&[]);
    copy_recursively(
        &manifest_dir().join("tests/fixtures/responses-columns"),
        p.root(),
    );
    let text = p.read("data/responses.csv");
    p.write(
        "data/responses.csv",
        &text.replace("R003,2024/06/01 10:20", "R001,2024/06/01 10:20"),
    );
    let want = "data/responses.csv:4:1: column \"ID\": respondent id \"R001\" is given twice (first on line 2)";
    for end in ["\n", "\r", "\r\n"] {
        with_line_ends(&p, "data/responses.csv", end);
        let err = rejected(&p, "data/responses.csv:");
        assert!(err.contains(want), "{end:?}: {err}");
    }
}

// ---- issue 13 #2: groups larger than their region -----------------------------------------

#[test]
fn a_group_larger_than_its_region_is_an_error_even_with_groups_missing() {
    let p = Project::example_with(&["report.yaml", "data"]);
    remove_line(&p, "data/respondents.csv", "ku-seinanbu,other,2");
    check_ok(&p); // a partial breakdown is fine while it fits
    let line = p.replace_line(
        "data/respondents.csv",
        "ku-seinanbu,acute,8",
        "ku-seinanbu,acute,100",
    );
    let err = rejected(&p, &format!("data/respondents.csv:{line}:"));
    assert!(
        err.ends_with(
            "group \"acute\" of region \"ku-seinanbu\" has 100 respondents, more than the region's 16"
        ),
        "{err}"
    );
    // Each fits, together they do not: 1 + 13 + 1 + 2 = 17 > 16 at the chronic row.
    p.replace_line(
        "data/respondents.csv",
        "ku-seinanbu,acute,100",
        "ku-seinanbu,acute,13",
    );
    let line = p.line_of("data/respondents.csv", "ku-seinanbu,chronic,2");
    let err = rejected(&p, &format!("data/respondents.csv:{line}:"));
    assert!(
        err.ends_with(
            "the groups of region \"ku-seinanbu\" add up to 17 by this row, more than the region's 16 respondents"
        ),
        "{err}"
    );
}

#[test]
fn no_region_has_more_than_the_all_regions_total() {
    let p = Project::example_with(&["report.yaml", "data"]);
    // 区西南部 (16 hospitals, 8 groups) is part of 都全域 (250).
    p.replace_line(
        "data/respondents.csv",
        "ku-seinanbu,,16",
        "ku-seinanbu,,300",
    );
    p.replace_line(
        "data/respondents.csv",
        "ku-seinanbu,other,2",
        "ku-seinanbu,other,286",
    );
    let line = p.line_of("data/respondents.csv", "ku-seinanbu,,300");
    let err = rejected(&p, &format!("data/respondents.csv:{line}:"));
    assert!(
        err.ends_with(
            "region \"ku-seinanbu\" has 300 respondents, more than the all-regions total \"tokyo\" (250)"
        ),
        "{err}"
    );

    let p = Project::example_with(&["report.yaml", "data"]);
    p.replace_line(
        "data/counts.csv",
        "tokyo,q1,adopted,80",
        "tokyo,q1,adopted,3",
    );
    let line = p.line_of("data/counts.csv", "ku-seinanbu,q1,adopted,4");
    let err = rejected(&p, &format!("data/counts.csv:{line}:"));
    assert!(
        err.ends_with(
            "count 4 is larger than 3, what the all-regions total \"tokyo\" gives for the same question and option"
        ),
        "{err}"
    );
}

#[test]
fn a_partial_cross_tab_never_exceeds_the_count() {
    let p = Project::example_with(&["report.yaml", "data"]);
    remove_line(&p, "data/crosstab.csv", "ku-seinanbu,q1,other,adopted,0");
    check_ok(&p);
    // 0 + 4 + 1 + 0 + 1 + 0 = 6 of the 4 who adopted.
    p.replace_line(
        "data/crosstab.csv",
        "ku-seinanbu,q1,acute,adopted,2",
        "ku-seinanbu,q1,acute,adopted,4",
    );
    let err = rejected(&p, "data/crosstab.csv:");
    assert!(
        err.contains(
            "the groups of ku-seinanbu × q1 × adopted add up to 6, but data/counts.csv gives 4"
        ),
        "{err}"
    );
}

// ---- issue 13 #3: その他 answers vs the その他 count --------------------------------------------

#[test]
fn other_answers_are_at_most_the_count_of_their_option() {
    let p = Project::example_with(&["report.yaml", "data"]);
    let first = p.line_of(
        "data/answers.csv",
        "ku-seinanbu,q4,e,精神科の医療機関の参加が少なく利用機会が限られる",
    ) - 1;
    p.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q4,e,4",
        "ku-seinanbu,q4,e,0",
    );
    let err = rejected(&p, &format!("data/answers.csv:{first}:"));
    assert!(
        err.ends_with(
            "this is answer 1 to option \"e\" of question \"q4\" in region \"ku-seinanbu\", but its count is 0: an option chosen by no one has no answers"
        ),
        "{err}"
    );
    p.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q4,e,0",
        "ku-seinanbu,q4,e,1",
    );
    let err = rejected(&p, &format!("data/answers.csv:{}:", first + 1));
    assert!(
        err.ends_with("but its count is 1 (answers are at most the count)"),
        "{err}"
    );
}

#[test]
fn free_text_answers_are_at_most_the_respondents_asked() {
    // q5 is asked of the 3 + 9 = 12 hospitals without the system; the example lists 6 answers.
    let p = Project::example_with(&["report.yaml", "data"]);
    let text = p.read("data/answers.csv");
    let extra: String = (1..=6)
        .map(|i| format!("ku-seinanbu,q5,,追加の回答{i}\n"))
        .collect();
    p.write("data/answers.csv", &format!("{text}{extra}"));
    check_ok(&p);
    p.write(
        "data/answers.csv",
        &format!("{text}{extra}ku-seinanbu,q5,,13番目の回答\n"),
    );
    let line = text.lines().count() + 7;
    let err = rejected(&p, &format!("data/answers.csv:{line}:"));
    assert!(
        err.ends_with(
            "this is answer 13 to free-text question \"q5\" in region \"ku-seinanbu\", but it was asked of 12 respondents (導入予定あり・導入予定なしの病院): one row per respondent's answer"
        ),
        "{err}"
    );
}

// ---- issue 13 #4: duplicate header columns -------------------------------------------------

#[test]
fn a_duplicate_column_in_any_table_is_an_error() {
    for (file, column) in [
        ("data/counts.csv", "count"),
        ("data/respondents.csv", "group"),
        ("data/crosstab.csv", "option"),
        ("data/answers.csv", "answer"),
    ] {
        let p = Project::example_with(&["report.yaml", "data"]);
        let text = p.read(file);
        let (header, rest) = text.split_once('\n').unwrap();
        let rows: Vec<String> = rest.lines().map(|l| format!("{l},5")).collect();
        p.write(file, &format!("{header},{column}\n{}\n", rows.join("\n")));
        let n = header.split(',').count();
        let err = rejected(&p, &format!("{file}:1:"));
        assert!(
            err.contains(&format!(
                "{file}:1: the column \"{column}\" is given twice (columns {} and {}): keep one",
                header.split(',').position(|h| h == column).unwrap() + 1,
                n + 1
            )),
            "{err}"
        );
    }
}

// ---- issue 12 #5: unclosed quotes ---------------------------------------------------------

#[test]
fn an_unclosed_quote_in_answers_names_the_line_where_it_opened() {
    let answer = "ku-seinanbu,q4,e,現在、境界型セキュリティを採用しており、外部との接続が必要なシステムの導入は原則として行わない方針であるため";
    let open = "ku-seinanbu,q4,e,\"現在、境界型セキュリティを採用しており、外部との接続が必要なシステムの導入は原則として行わない方針であるため";

    // The next rows have no quote: the cell would run to the end of the file.
    let p = Project::example_with(&["report.yaml", "data"]);
    let text = p.read("data/answers.csv").replace('"', "");
    p.write("data/answers.csv", &text);
    let line = p.replace_line("data/answers.csv", answer, open);
    let err = rejected(&p, "data/answers.csv:");
    assert!(
        err.contains(&format!(
            "data/answers.csv:{line}: a quoted cell opens here and is never closed"
        )),
        "{err}"
    );

    // A later quoted cell closes it: the text after that quote gives it away.
    p.write("data/answers.csv", &text);
    p.replace_line("data/answers.csv", answer, open);
    let later = "ku-seinanbu,q4,e,精神科の医療機関の参加が少なく利用機会が限られる";
    let later_line = p.replace_line(
        "data/answers.csv",
        later,
        "ku-seinanbu,q4,e,\"精神科の医療機関の参加が少なく利用機会が限られる\"",
    );
    let err = rejected(&p, "data/answers.csv:");
    assert!(
        err.contains(&format!(
            "data/answers.csv:{line}: a quoted cell opens here and runs to line {later_line}"
        )),
        "{err}"
    );

    // A quote closed at a line end further down, swallowing whole rows.
    p.write("data/answers.csv", &text);
    p.replace_line("data/answers.csv", answer, open);
    p.replace_line(
        "data/answers.csv",
        "ku-seinanbu,q4,e,東京総合医療ネットワークに参入して、WEBから閲覧のみ可能なシステムを導入予定",
        "ku-seinanbu,q4,e,東京総合医療ネットワークに参入して、WEBから閲覧のみ可能なシステムを導入予定\"",
    );
    let err = rejected(&p, "data/answers.csv:");
    assert!(
        err.contains(&format!(
            "data/answers.csv:{line}: a quoted cell opens here and swallows line {}, which reads as a row of its own",
            line + 1
        )),
        "{err}"
    );

    // A real line break inside a quoted answer is still fine.
    p.write("data/answers.csv", &text);
    p.replace_line(
        "data/answers.csv",
        answer,
        "ku-seinanbu,q4,e,\"現在、境界型セキュリティを採用しており、\n外部との接続が必要なシステムの導入は原則として行わない方針であるため\"",
    );
    check_ok(&p);
}

#[test]
fn a_quoted_line_break_in_a_count_table_is_an_error() {
    let p = Project::example_with(&["report.yaml", "data"]);
    let line = p.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q1,none,9",
        "ku-seinanbu,q1,none,\"9",
    );
    let text = p.read("data/counts.csv");
    p.write("data/counts.csv", &format!("{text}\"\n"));
    let err = rejected(&p, "data/counts.csv:");
    assert!(
        err.contains(&format!(
            "data/counts.csv:{line}: a quoted cell opens here and runs to line"
        )),
        "{err}"
    );
}

#[test]
fn an_unclosed_quote_in_a_respondent_export_names_its_line() {
    let p = Project::example_with(&[]);
    copy_recursively(
        &manifest_dir().join("tests/fixtures/responses-columns"),
        p.root(),
    );
    // The last column of a row opens a quote that nothing closes: every later row would be
    // that one cell.
    let text = p.read("data/responses.csv");
    let row = text.lines().nth(2).unwrap().to_string();
    let (start, last) = row.rsplit_once(',').unwrap();
    p.write(
        "data/responses.csv",
        &text.replacen(&row, &format!("{start},\"{last}"), 1),
    );
    let err = rejected(&p, "data/responses.csv:");
    assert!(
        err.contains("data/responses.csv:3: a quoted cell opens here and is never closed"),
        "{err}"
    );
}

// ---- issue 13 #6: commentary reached through links -----------------------------------------

#[cfg(unix)]
#[test]
fn a_linked_commentary_file_is_read_and_loops_or_odd_files_are_errors() {
    use std::os::unix::fs::symlink;

    let p = Project::example_with(&["report.yaml", "data", "content"]);
    let before = check_ok(&p);
    let missing = "no commentary yet: /regions/tokyo/q1/ ";
    assert!(before.contains(missing), "{before}");
    p.write(
        "notes/tokyo-q1.md",
        "---\ntitle: 導入状況\n---\n都全域の解説。\n",
    );
    symlink(
        p.path("notes/tokyo-q1.md"),
        p.path("content/regions/tokyo/q1.md"),
    )
    .unwrap();
    let after = check_ok(&p);
    assert!(!after.contains(missing), "{after}");

    // A link leaving the project.
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("x.md"), "外\n").unwrap();
    symlink(outside.path().join("x.md"), p.path("content/regions/x.md")).unwrap();
    let err = rejected(&p, "content/regions/x.md:");
    assert!(err.contains("outside the project folder"), "{err}");
    fs::remove_file(p.path("content/regions/x.md")).unwrap();

    // A folder linked inside itself.
    symlink(p.path("content/regions"), p.path("content/regions/loop")).unwrap();
    let err = rejected(&p, "content/regions/loop");
    assert!(
        err.contains("a link that loops back to content/regions"),
        "{err}"
    );
    fs::remove_file(p.path("content/regions/loop")).unwrap();

    // A folder and a pipe named like commentary files.
    fs::create_dir_all(p.path("content/questions/q9.md")).unwrap();
    let err = rejected(&p, "content/questions/q9.md:");
    assert!(
        err.contains("this is a folder, but its name ends in .md"),
        "{err}"
    );
    fs::remove_dir(p.path("content/questions/q9.md")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(p.path("content/questions/q9.md"))
        .status();
    if fifo.is_ok_and(|s| s.success()) {
        let err = rejected(&p, "content/questions/q9.md:");
        assert!(err.contains("not a regular file"), "{err}");
    }
}

// ---- issue 12 #8: control characters, invalid UTF-8 -----------------------------------------

#[test]
fn control_characters_never_reach_a_page_and_ids_with_them_are_refused() {
    let p = Project::example();
    p.replace_line(
        "data/answers.csv",
        "ku-seinanbu,q4,e,精神科の医療機関の参加が少なく利用機会が限られる",
        "ku-seinanbu,q4,e,精神科の\u{1b}[31m医療機関の\u{0}参加が\u{7f}少なく\u{85}利用機会が限られる",
    );
    // A YAML escape in the codebook gives a title a control character.
    p.replace_line(
        "data/codebook.yaml",
        "    title: 区西南部",
        "    title: \"区西\\e[2J南部\\x7f\"",
    );
    let site = p.build();
    let page = site.page("regions/ku-seinanbu/q4/");
    assert!(title(&page).contains("区西[2J南部"), "{}", title(&page));
    assert!(
        answer_items(&page)
            .iter()
            .any(|a| a == "精神科の[31m医療機関の参加が少なく利用機会が限られる"),
        "{:?}",
        answer_items(&page)
    );
    for c in ['\u{1b}', '\u{0}', '\u{7f}', '\u{85}'] {
        assert!(!page.contains(c), "{c:?} reached the page");
    }

    let p = Project::example_with(&[]);
    copy_recursively(
        &manifest_dir().join("tests/fixtures/responses-columns"),
        p.root(),
    );
    let text = p.read("data/responses.csv");
    p.write(
        "data/responses.csv",
        &text.replace("R003,2024/06/01 10:20", "R0\u{1b}[2J03,2024/06/01 10:20"),
    );
    let err = rejected(&p, "data/responses.csv:4:1:");
    assert!(
        err.ends_with("respondent id \"R0\\u{1b}[2J03\" holds a control character"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'));
}

#[test]
fn bad_bytes_are_reported_by_line_and_as_what_they_are() {
    // A table.
    let p = Project::example_with(&["report.yaml", "data"]);
    let line = p.line_of("data/counts.csv", "tokyo,q1,adopted,80");
    let text = p.read("data/counts.csv");
    let mut bytes = text.into_bytes();
    let at = bytes
        .windows(b"tokyo,q1,adopted,80".len())
        .position(|w| w == b"tokyo,q1,adopted,80")
        .unwrap();
    bytes[at + 2] = 0xFF;
    fs::write(p.path("data/counts.csv"), &bytes).unwrap();
    let err = rejected(&p, "data/counts.csv:");
    assert!(
        err.contains(&format!("data/counts.csv:{line}: not valid UTF-8 text")),
        "{err}"
    );

    // A UTF-8 export (Japanese header) with one bad byte on line 5: not "not valid CP932" at 1.
    let p = Project::example_with(&[]);
    copy_recursively(
        &manifest_dir().join("tests/fixtures/responses-forms"),
        p.root(),
    );
    let mut bytes = fs::read(p.path("data/responses.csv")).unwrap();
    let fifth = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .unwrap()
        .0;
    bytes.insert(fifth + 3, 0xFF);
    fs::write(p.path("data/responses.csv"), &bytes).unwrap();
    let err = rejected(&p, "data/responses.csv:");
    assert!(
        err.contains("data/responses.csv:5: the file is not valid UTF-8 text"),
        "{err}"
    );
}

// ---- issue 13, smaller: messages ------------------------------------------------------------

#[test]
fn a_duplicate_yaml_key_is_named_without_library_words() {
    let p = Project::example_with(&["report.yaml", "data"]);
    let text = p.read("report.yaml");
    p.write("report.yaml", &format!("{text}title: again\n"));
    let line = text.lines().count() + 1;
    let err = rejected(&p, "report.yaml:");
    assert!(
        err.contains(&format!("report.yaml:{line}:1: duplicate key \"title\"")),
        "{err}"
    );
    assert!(!err.contains("Policy") && !err.contains("Options"), "{err}");
}

#[test]
fn a_huge_cell_is_quoted_short_in_errors() {
    let p = Project::example_with(&["report.yaml", "data"]);
    let huge = "x".repeat(5_000_000);
    let line = p.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q1,none,9",
        &format!("ku-seinanbu,{huge},none,9"),
    );
    let out = run(&p, "build");
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.len() < 1000, "{} bytes of stderr", err.len());
    assert!(
        err.contains(&format!(
            "data/counts.csv:{line}: question \"{}…\" is not in the codebook",
            "x".repeat(80)
        )),
        "{err}"
    );
}

#[test]
fn outside_a_project_the_error_names_the_folder_and_root() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    let folder = dir.path().canonicalize().unwrap();
    assert!(
        err.contains(&format!("no report.yaml in {}", folder.display()))
            || err.contains(&format!("no report.yaml in {}", dir.path().display())),
        "{err}"
    );
    assert!(err.contains("--root DIR"), "{err}");
}
