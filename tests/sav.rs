//! SPSS .sav files as input (issue #18): tests/fixtures/sav-survey/survey.sav is written by PSPP
//! (make.sps), haven.sav by R's haven, and tally.csv is R's count of the same file (tally.R), so
//! the numbers the pages show are checked against a tally surveysite had no part in. Variable
//! labels become titles, value labels options, user-missing codes no answer (said in a note),
//! the multiple-response set one question; errors name the case and the variable.

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{NewProject as New, stderr_of as stderr};

fn fixture(name: &str) -> PathBuf {
    common::manifest_dir()
        .join("tests/fixtures/sav-survey")
        .join(name)
}

impl New {
    fn run(from: &Path, extra: &[&str]) -> New {
        New::make("surveysite-sav-", |_| from.to_path_buf(), extra)
    }

    fn ok(from: &Path) -> New {
        let n = New::run(from, &[]);
        assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
        n
    }
}

/// R's tally: (region, question, option, count, n).
fn tally() -> Vec<(String, String, String, u64, u64)> {
    let text = fs::read_to_string(fixture("tally.csv")).unwrap();
    common::parse_csv(&text)
        .into_iter()
        .skip(1)
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].parse().unwrap(),
                r[4].parse().unwrap(),
            )
        })
        .collect()
}

/// The count a region × question page shows for `option`, and the page's n.
fn shown(html: &str, option: &str) -> (Option<String>, String) {
    let mut count = None;
    let mut n = String::new();
    for t in common::tables(html) {
        for r in &t.rows {
            if r.label() == option {
                count = r.td.first().cloned();
            }
            if r.label() == "対象（n）" {
                n = r.td.first().cloned().unwrap_or_default();
            }
        }
    }
    (count, n)
}

/// Builds the project `new` made from survey.sav (or a copy of it) and checks every count and n
/// on the region × question pages against R's tally.
fn builds_with_rs_counts(n: &New) {
    let out = n.run_build();
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    // Question ids as `new` numbered them: q1, the set (q2), 満足度 (q3).
    let question = |q: &str| match q {
        "q1" => "q1",
        "merit" => "q2",
        "q4" => "q3",
        other => panic!("{other}"),
    };
    let rows = tally();
    assert_eq!(rows.len(), 44);
    for (region, q, option, count, base) in &rows {
        let id = n.region_id(region);
        let page = n.page(&format!("regions/{id}/{}/", question(q)));
        let (on_page, n_on_page) = shown(&page, option);
        assert_eq!(
            on_page,
            Some(count.to_string()),
            "{region} {q} {option}: R counts {count}"
        );
        assert_eq!(n_on_page, base.to_string(), "{region} {q}: n");
    }
}

#[test]
fn an_spss_file_becomes_a_report_whose_counts_match_rs_tally() {
    let n = New::ok(&fixture("survey.sav"));
    let codebook = n.read("data/codebook.yaml");
    // Variable labels are the titles (without their numbering), value labels the options in
    // coded order, the codes mapped to them; the set of dichotomies is one question.
    for line in [
        "title: \"地域医療連携システムの導入状況\"",
        "q1: { column: \"q1\", values: { \"1\": a, \"2\": b, \"3\": c } }",
        "q2: { columns: { a: \"m1\", b: \"m2\", c: \"m3\" } }",
        "region: { column: \"area\", values: { \"1\": r1, \"2\": r2, \"3\": r3 } }",
        "file: data/responses.sav",
    ] {
        assert!(codebook.contains(line), "{line:?} not in {codebook}");
    }
    // 無回答 (user-missing) is no option.
    assert!(!codebook.contains("label: \"無回答\""), "{codebook}");
    builds_with_rs_counts(&n);
    // The note says why 9 and 8 are not counted.
    let q3 = common::text(&n.page("regions/all/q3/"));
    assert!(
        q3.contains("「わからない」（8）「無回答」（9）は SPSS ファイルで欠損値とされているため、回答に数えていません"),
        "{q3}"
    );
    assert!(common::text(&n.page("questions/q1/")).contains("地域医療連携システムの導入状況"));
    // Free text (a string variable) is listed.
    assert!(common::text(&n.page("regions/all/q4/")).contains("紹介状の様式を統一してほしい"));
}

#[test]
fn a_file_written_by_haven_reads_the_same() {
    let n = New::ok(&fixture("haven.sav"));
    let out = n.run_build();
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    // haven writes no multiple-response set: m1–m3 are questions of their own (q2–q4), and
    // q1 is still q1, counted as R counts it.
    for (region, q, option, count, base) in tally().iter().filter(|r| r.1 == "q1") {
        let id = n.region_id(region);
        let (on_page, n_on_page) = shown(&n.page(&format!("regions/{id}/{q}/")), option);
        assert_eq!(on_page, Some(count.to_string()), "{region} {option}");
        assert_eq!(n_on_page, base.to_string());
    }
    let (chosen, _) = shown(&n.page("regions/all/q2/"), "該当");
    assert_eq!(chosen, Some("5".into()), "m1 情報共有 chosen by 5 of 12");
}

#[test]
fn a_code_without_a_label_is_an_error_naming_the_case_and_variable() {
    let n = New::ok(&fixture("survey.sav"));
    // The office's next version of the file: case 7 answers q1 with 4, which has no label.
    fs::copy(fixture("bad.sav"), n.dir().join("data/responses.sav")).unwrap();
    let out = n.run_build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "data/responses.sav: case 7, variable \"q1\": \"4\" is not an option of question \"q1\""
        ),
        "{err}"
    );
}

#[test]
fn a_damaged_file_is_an_error_not_fewer_cases() {
    let bytes = fs::read(fixture("survey.sav")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for cut in [300, bytes.len() - 100] {
        let path = tmp.path().join(format!("cut{cut}.sav"));
        fs::write(&path, &bytes[..cut]).unwrap();
        let n = New::run(&path, &[]);
        let err = stderr(&n.out);
        assert!(!n.out.status.success(), "cut at {cut}: {err}");
        assert!(
            err.contains(&format!("cut{cut}.sav: "))
                && (err.contains("cannot be read as an SPSS .sav file")
                    || err.contains("the file looks damaged (header declares 12 rows")),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // The machine-integer record (metadata, no cases) declaring a negative element size. The
    // reader multiplies it: a debug build's arithmetic overflows (a panic in it, caught: the user
    // sees an error naming the file); a release build's wraps and skips the record, so every
    // case is still read. Either way no case is lost and no count changes.
    let mut bytes = bytes.clone();
    let at = bytes
        .windows(8)
        .position(|w| w == [7, 0, 0, 0, 3, 0, 0, 0])
        .expect("the integer info record");
    bytes[at + 8..at + 12].copy_from_slice(&[0xff; 4]);
    let path = tmp.path().join("negative.sav");
    fs::write(&path, &bytes).unwrap();
    let n = New::run(&path, &[]);
    let err = stderr(&n.out);
    assert!(!err.contains("panicked"), "{err}");
    if n.out.status.success() {
        builds_with_rs_counts(&n);
    } else {
        assert!(
            err.contains("negative.sav: cannot be read as an SPSS .sav file"),
            "{err}"
        );
    }
    // --sheet is for workbooks.
    let n = New::run(&fixture("survey.sav"), &["--sheet", "Sheet1"]);
    assert!(
        stderr(&n.out).contains("is an SPSS file, not an Excel workbook"),
        "{}",
        stderr(&n.out)
    );
}

#[test]
fn a_variable_the_file_lacks_is_an_error_at_the_codebook_line() {
    let n = New::ok(&fixture("survey.sav"));
    let codebook = n.read("data/codebook.yaml");
    let line = codebook
        .lines()
        .position(|l| l.contains("q1: { column: \"q1\""))
        .unwrap()
        + 1;
    fs::write(
        n.dir().join("data/codebook.yaml"),
        codebook.replace("q1: { column: \"q1\"", "q1: { column: \"q01\""),
    )
    .unwrap();
    let err = stderr(&n.run_build());
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}:19: variable \"q01\" is not in data/responses.sav (did you mean \"q1\"?)"
        )),
        "{err}"
    );
}
