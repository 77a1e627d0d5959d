//! `surveysite new . --from EXPORT --edition ID`, run as docs/from-forms.md tells people to: a
//! project made by `new --from` from a first export, then, inside it with relative paths, a later
//! edition's export added. The tests read what the user sees (the summary, the errors) and what
//! was written (the codebook's text, the copied export). Fixtures: tests/fixtures/new-edition/
//! (made-up rows).

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/new-edition")
        .join(name)
}

fn surveysite(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("running surveysite")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder holding the exports, and the project `new report --from 2025.csv` made in it.
struct Project {
    tmp: TempDir,
}

impl Project {
    fn new() -> Project {
        let tmp = tempfile::Builder::new()
            .prefix("surveysite-edition-")
            .tempdir()
            .expect("temp dir");
        for f in [
            "2025.csv",
            "2026.csv",
            "2027.csv",
            "2026-unknown-region.csv",
        ] {
            fs::copy(fixture(f), tmp.path().join(f)).expect("copying a fixture");
        }
        let out = surveysite(tmp.path(), &["new", "report", "--from", "2025.csv"]);
        assert!(out.status.success(), "{}", stderr(&out));
        Project { tmp }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("report")
    }

    /// `surveysite ARGS…` inside the project.
    fn run(&self, args: &[&str]) -> Output {
        surveysite(&self.dir(), args)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir().join(rel)).expect(rel)
    }

    /// The first edition added: 2026 after the project's own data (2025).
    fn add_2026(&self) -> Output {
        self.run(&[
            "new",
            ".",
            "--from",
            "../2026.csv",
            "--edition",
            "2026",
            "--label",
            "2026年度調査",
            "--date",
            "2026-10-01",
            "--previous-edition",
            "2025",
            "--previous-label",
            "2025年度調査",
            "--previous-date",
            "2025-10-01",
        ])
    }
}

/// Removes each of `added` (whole lines, or pieces inside a line) once from `text`.
fn without(text: &str, added: &[&str]) -> String {
    let mut t = text.to_string();
    for a in added {
        assert!(t.contains(a), "{a:?} not in:\n{text}");
        t = t.replacen(a, "", 1);
    }
    t
}

#[test]
fn a_later_export_becomes_the_latest_edition() {
    let p = Project::new();
    let before = p.read("data/codebook.yaml");
    let out = p.add_2026();
    assert!(out.status.success(), "{}", stderr(&out));
    // The summary a user reads: what matched, what is new, what is missing.
    assert_eq!(
        stdout(&out),
        "read ../2026.csv: 6 rows, 6 columns, encoding UTF-8
  regions: 3 of 3 in column \"地区\"
  q1: column \"Q1. 利用頻度\"
  q1: new option d \"年に数回\" added with editions: [\"2026\"]
  q2: column \"Q2. 利用するサービス\"
  q3: not in this export (\"満足度\"): not reported in 2026
  q4: column \"Q4. 要望\"
  not in the codebook (not added): \"Q5. 電子書籍の利用\": to report one, add a question to `questions:` with `editions: [\"2026\"]` and its column under the 2026 entry's `responses: questions:`
added edition 2026 (\"2026年度調査\", 2026-10-01) after 2025: 3 of 4 questions, missing q3; wrote data/editions/2026/responses.csv and the 2026 entry of data/codebook.yaml
"
    );
    // The export is copied byte for byte.
    assert_eq!(
        fs::read(p.dir().join("data/editions/2026/responses.csv")).unwrap(),
        fs::read(fixture("2026.csv")).unwrap()
    );
    // The codebook is the old text (every comment and line kept) with lines inserted.
    let after = p.read("data/codebook.yaml");
    let editions = "
# 調査の各回。古い順で、最後が最新の回です（`surveysite new --edition` で追加）。
editions:
  - id: \"2025\"
    label: \"2025年度調査\"
    date: 2025-10-01
    data: data   # 回を分ける前からの data/ のデータ
  - id: \"2026\"
    label: \"2026年度調査\"
    date: 2026-10-01
    responses:
      file: data/editions/2026/responses.csv
      region: { column: \"地区\" }
      questions:
        q1: { column: \"Q1. 利用頻度\" }
        q2: { column: \"Q2. 利用するサービス\", separator: \", \" }
        q4: { column: \"Q4. 要望\" }
";
    assert!(after.ends_with(editions), "{after}");
    let option = "      - { id: d, label: \"年に数回\", editions: [\"2026\"] }   # 2026 で追加\n";
    assert!(
        after.contains(&format!(
            "      - {{ id: c, label: \"利用していない\" }}   # 2\n{option}"
        )),
        "{after}"
    );
    assert!(
        after.contains("  - id: q3\n    editions: [\"2025\"]\n    title: \"満足度\"\n"),
        "{after}"
    );
    assert_eq!(
        without(&after, &[editions, option, "    editions: [\"2025\"]\n"]),
        before
    );
    // Nothing else: no file of the first edition changed.
    assert_eq!(
        fs::read(p.dir().join("data/responses.csv")).unwrap(),
        fs::read(fixture("2025.csv")).unwrap()
    );
}

#[test]
fn a_third_edition_extends_the_editions_lists() {
    let p = Project::new();
    assert!(p.add_2026().status.success());
    let before = p.read("data/codebook.yaml");
    let out = p.run(&[
        "new",
        ".",
        "--from",
        "../2027.csv",
        "--edition",
        "2027",
        "--date",
        "2027-10-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    for line in [
        "  q3: column \"Q3. 満足度\"\n",
        "check in ./data/codebook.yaml:\n  - q1: chosen by no one in 2027: \"月に1回程度\" (counted as 0; if 2027 did not offer it, give it `editions:` without \"2027\")\n",
        "added edition 2027 (\"2027\", 2027-10-01) after 2026: 4 of 4 questions, none missing; wrote data/editions/2027/responses.csv and the 2027 entry of data/codebook.yaml\n",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }
    let after = p.read("data/codebook.yaml");
    // q3 is asked again; the option new in 2026 is chosen again.
    let entry = "  - id: \"2027\"
    label: \"2027\"
    date: 2027-10-01
    responses:
      file: data/editions/2027/responses.csv
      region: { column: \"地区\" }
      questions:
        q1: { column: \"Q1. 利用頻度\" }
        q2: { column: \"Q2. 利用するサービス\", separator: \", \" }
        q3: { column: \"Q3. 満足度\" }
        q4: { column: \"Q4. 要望\" }
";
    assert!(after.ends_with(entry), "{after}");
    assert!(
        after.contains("    editions: [\"2025\", \"2027\"]\n"),
        "{after}"
    );
    assert!(
        after.contains("label: \"年に数回\", editions: [\"2026\", \"2027\"] }"),
        "{after}"
    );
    assert_eq!(
        without(&after, &[entry, ", \"2027\"", ", \"2027\""]),
        before
    );
}

#[test]
fn rows_without_a_region_are_named() {
    let p = Project::new();
    let export = fs::read_to_string(fixture("2026.csv")).unwrap();
    let export = export.replace("東地区,2026/10/01 11:00", ",2026/10/01 11:00");
    fs::write(p.tmp.path().join("2026.csv"), export).unwrap();
    let out = p.add_2026();
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let line = "check in ./data/codebook.yaml:\n  - 1 row has no region (line 4): the build stops at them until each has one (or delete them from the copy in data/editions/2026/)\n";
    assert!(said.contains(line), "{said}");
}

/// A workbook edition whose headers number the questions differently: matched by title.
#[test]
fn a_workbook_edition_is_matched_by_question_titles() {
    let p = Project::new();
    let rows: [[&str; 4]; 4] = [
        [
            "地区",
            "問1．利用頻度",
            "問2．利用するサービス",
            "問4．要望",
        ],
        [
            "東地区",
            "週に1回以上",
            "本の貸し出し, 自習室",
            "席がほしい",
        ],
        ["西地区", "利用していない", "", ""],
        ["南地区", "月に1回程度", "講座・イベント", ""],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Form1").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(p.tmp.path().join("2026.xlsx")).unwrap();
    let out = p.run(&[
        "new",
        ".",
        "--from",
        "../2026.xlsx",
        "--edition",
        "2026",
        "--date",
        "2026-10-01",
        "--previous-edition",
        "2025",
        "--previous-date",
        "2025-10-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    for line in [
        "read ../2026.xlsx: 3 rows, 4 columns, sheet \"Form1\"\n",
        "  q1: column \"問1．利用頻度\", matched by the question's title (was \"Q1. 利用頻度\")\n",
        "  q2: column \"問2．利用するサービス\", matched by the question's title (was \"Q2. 利用するサービス\")\n",
        "  q3: not in this export (\"満足度\"): not reported in 2026\n",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }
    assert_eq!(
        fs::read(p.dir().join("data/editions/2026/responses.xlsx")).unwrap(),
        fs::read(p.tmp.path().join("2026.xlsx")).unwrap()
    );
    let codebook = p.read("data/codebook.yaml");
    let entry = "    responses:
      file: data/editions/2026/responses.xlsx
      sheet: \"Form1\"
      region: { column: \"地区\" }
      questions:
        q1: { column: \"問1．利用頻度\" }
        q2: { column: \"問2．利用するサービス\", separator: \", \" }
        q4: { column: \"問4．要望\" }
";
    assert!(codebook.ends_with(entry), "{codebook}");
}

#[test]
fn a_new_option_close_to_an_old_one_says_how_to_map_it() {
    let p = Project::new();
    let export = fs::read_to_string(fixture("2026.csv")).unwrap();
    // One respondent's answer written differently from 2025's label 週に1回以上.
    let export = export.replacen("週に1回以上\n", "週1回以上\n", 1);
    fs::write(p.tmp.path().join("2026.csv"), export).unwrap();
    let out = p.add_2026();
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let line = "  q1: new option d \"週1回以上\" added with editions: [\"2026\"] (close to \"週に1回以上\": if it is the same option, map it under this edition's `responses: questions: q1: values:` and remove the new one)\n";
    assert!(said.contains(line), "{said}");
    assert!(p.read("data/codebook.yaml").contains(
        "      - { id: d, label: \"週1回以上\", editions: [\"2026\"] }   # 2026 で追加\n"
    ));
}

/// An English project gets English comments; a codebook saved with CRLF line ends keeps them.
#[test]
fn english_comments_and_crlf_line_ends() {
    let p = Project::new();
    let report = p
        .read("report.yaml")
        .replace("language: ja", "language: en");
    fs::write(p.dir().join("report.yaml"), report).unwrap();
    let crlf = p.read("data/codebook.yaml").replace('\n', "\r\n");
    fs::write(p.dir().join("data/codebook.yaml"), &crlf).unwrap();
    let out = p.add_2026();
    assert!(out.status.success(), "{}", stderr(&out));
    let after = p.read("data/codebook.yaml");
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "a bare LF in:\n{after}"
    );
    for text in [
        "\r\n# The survey's editions, oldest first (the last is the latest; `surveysite new --edition` adds one).\r\neditions:\r\n",
        "    data: data   # the files it had before editions were added\r\n",
        "editions: [\"2026\"] }   # new in 2026\r\n",
        "  - id: q3\r\n    editions: [\"2025\"]\r\n",
    ] {
        assert!(after.contains(text), "{text:?} not in:\n{after}");
    }
}

/// The command failed: it said `expected`, and wrote nothing.
fn refused(p: &Project, out: &Output, expected: &str, codebook: &str) {
    assert!(!out.status.success(), "{}", stdout(out));
    assert_eq!(stderr(out), expected);
    assert_eq!(p.read("data/codebook.yaml"), codebook);
}

#[test]
fn errors_name_what_to_fix_and_write_nothing() {
    let p = Project::new();
    let codebook = p.read("data/codebook.yaml");
    let first = |from: &str, edition: &str| {
        p.run(&[
            "new",
            ".",
            "--from",
            from,
            "--edition",
            edition,
            "--date",
            "2026-10-01",
            "--previous-edition",
            "2025",
            "--previous-date",
            "2025-10-01",
        ])
    };
    refused(
        &p,
        &first("../2026-unknown-region.csv", "2026"),
        "error: ../2026-unknown-region.csv: column \"地区\": 1 region is not in data/codebook.yaml's regions: \"東地域\" (did you mean \"東地区\"? the regions are \"南地区\", \"東地区\", \"西地区\"; add a new region to `regions:`, or map the text to a region under `responses: region: values:`)\n",
        &codebook,
    );
    assert!(!p.dir().join("data/editions").exists());
    let renamed = fs::read_to_string(fixture("2026.csv"))
        .unwrap()
        .replacen("地区", "地域", 1);
    fs::write(p.tmp.path().join("renamed.csv"), renamed).unwrap();
    refused(
        &p,
        &first("../renamed.csv", "2026"),
        "error: ../renamed.csv: no column \"地区\" (the codebook's region column, `responses: region: column`): did you mean \"地域\"? give the new export's region column with --region-column\n",
        &codebook,
    );
    // A one-edition project needs to know what its own data is.
    refused(
        &p,
        &p.run(&[
            "new",
            ".",
            "--from",
            "../2026.csv",
            "--edition",
            "2026",
            "--date",
            "2026-10-01",
        ]),
        "error: data/codebook.yaml has one edition (no `editions:` section): name the edition its data is with --previous-edition ID --previous-date YYYY-MM-DD [--previous-label TEXT] (e.g. --previous-edition 2025 --previous-date 2025-10-01)\n",
        &codebook,
    );
    refused(
        &p,
        &first("../2026.csv", "2026年"),
        "error: --edition \"2026年\": an edition id must be an ASCII slug (a-z, 0-9, single -, e.g. 2026), as earlier editions are published under /<id>/\n",
        &codebook,
    );
    // An edition is never overwritten.
    assert!(p.add_2026().status.success());
    let codebook = p.read("data/codebook.yaml");
    let line = codebook
        .lines()
        .position(|l| l == "  - id: \"2026\"")
        .expect("the 2026 entry")
        + 1;
    refused(
        &p,
        &p.run(&[
            "new",
            ".",
            "--from",
            "../2027.csv",
            "--edition",
            "2026",
            "--date",
            "2027-10-01",
        ]),
        &format!(
            "error: data/codebook.yaml:{line}: the edition \"2026\" exists already (give a new id with --edition; an edition is never overwritten)\n"
        ),
        &codebook,
    );
    refused(
        &p,
        &p.run(&[
            "new",
            ".",
            "--from",
            "../2027.csv",
            "--edition",
            "2027",
            "--date",
            "2026-04-01",
        ]),
        &format!(
            "error: --date 2026-04-01: editions are listed oldest first, and the latest (\"2026\", data/codebook.yaml:{}) is dated 2026-10-01; give a later date\n",
            line + 2
        ),
        &codebook,
    );
    assert!(!p.dir().join("data/editions/2027").exists());
}

#[test]
fn a_folder_that_is_no_project_is_refused() {
    let p = Project::new();
    let out = surveysite(
        p.tmp.path(),
        &[
            "new",
            ".",
            "--from",
            "2026.csv",
            "--edition",
            "2026",
            "--date",
            "2026-10-01",
        ],
    );
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "error: .: not a surveysite project (no report.yaml and data/codebook.yaml): --edition adds an edition to an existing project; start one with `surveysite new NEW-FOLDER --from 2026.csv`\n"
    );
    assert!(!p.tmp.path().join("data").exists());
}

/// The site of a project with an edition added: the latest at today's URLs, the earlier one
/// under its id, each with what it asked.
#[test]
fn the_project_with_an_added_edition_builds() {
    let p = Project::new();
    assert!(p.add_2026().status.success());
    let out = p.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = |rel: &str| {
        fs::read_to_string(p.dir().join("site").join(rel).join("index.html")).expect(rel)
    };
    // The latest edition at today's URLs, the first under /2025/.
    let latest = page("regions/r2/q1");
    assert!(latest.contains("年に数回"), "the option new in 2026");
    assert!(latest.contains("2025年度調査") && latest.contains("2026年度調査"));
    let old = page("2025/regions/r2/q1");
    assert!(old.contains("2025年度調査"));
    // q3 was not asked in 2026: its 2025 page stays, with its numbers.
    assert!(page("2025/regions/r2/q3").contains("満足"));
}

/// A weighted project with a dimension (tests/fixtures/weighted: strata, clusters, fpc, the
/// cross-tab by 病床規模) in `report/`, and its export beside it as `2026.csv`, edited by `edit`
/// (the rows as text).
fn weighted_project(edit: impl Fn(&str) -> String) -> TempDir {
    let tmp = tempfile::Builder::new()
        .prefix("surveysite-edition-weighted-")
        .tempdir()
        .expect("temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/weighted");
    for rel in ["report.yaml", "data/codebook.yaml", "data/responses.csv"] {
        let to = tmp.path().join("report").join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from.join(rel), &to).expect(rel);
    }
    let rows = fs::read_to_string(from.join("data/responses.csv")).unwrap();
    fs::write(tmp.path().join("2026.csv"), edit(&rows)).unwrap();
    tmp
}

/// `new . --from ../2026.csv --edition 2026`, inside the project, its data becoming 2025.
fn add_weighted_2026(tmp: &TempDir) -> Output {
    surveysite(
        &tmp.path().join("report"),
        &[
            "new",
            ".",
            "--from",
            "../2026.csv",
            "--edition",
            "2026",
            "--date",
            "2026-10-01",
            "--previous-edition",
            "2025",
            "--previous-date",
            "2025-10-01",
        ],
    )
}

/// Drops the column headed `header` from CSV text whose cells hold no quoted commas.
fn drop_column(rows: &str, header: &str) -> String {
    let at = rows
        .lines()
        .next()
        .and_then(|h| h.split(',').position(|c| c == header))
        .expect(header);
    rows.lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.remove(at);
            cells.join(",") + "\n"
        })
        .collect()
}

/// The codebook's `responses: dimension:` limited to q1 and q2.
fn limit_dimension(codebook: &Path) {
    let text = fs::read_to_string(codebook).unwrap();
    let limited = text.replace(
        "  dimension:\n    column: 規模\n",
        "  dimension:\n    column: 規模\n    questions: [q1, q2]\n",
    );
    assert_ne!(limited, text);
    fs::write(codebook, limited).unwrap();
}

#[test]
fn a_weighted_projects_edition_keeps_the_design_and_the_cross_tab() {
    // The same hospitals surveyed again: every number of 2026 equals 2025's.
    let tmp = weighted_project(str::to_string);
    let out = add_weighted_2026(&tmp);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("  dimension: column \"規模\"\n"), "{said}");
    // The design's columns and the dimension's are no unreported questions; q2's cells
    // ("情報共有;検査削減") are split at the codebook's ";".
    assert!(!said.contains("not in the codebook"), "{said}");
    assert!(!said.contains("q2: chosen by no one"), "{said}");
    assert!(
        said.contains("q1: chosen by no one in 2026: \"検討中\""),
        "{said}"
    );
    let report = tmp.path().join("report");
    let codebook = fs::read_to_string(report.join("data/codebook.yaml")).unwrap();
    assert!(
        codebook.contains("      dimension: { column: \"規模\" }\n      questions:\n"),
        "{codebook}"
    );

    let out = surveysite(&report, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = |rel: &str| fs::read_to_string(report.join("site").join(rel).join("index.html"));
    let crosstab = |rel: &str| {
        let html = page(rel).expect(rel);
        common::table_captioned(&html, "東部: 病床規模別の")
    };
    // The latest edition's cross-tab, with its estimates and intervals, equals 2025's.
    let (latest, first) = (
        crosstab("regions/east/q1"),
        crosstab("2025/regions/east/q1"),
    );
    for group in ["大規模", "中規模", "小規模", "計"] {
        assert_eq!(latest.row(group).td, first.row(group).td, "{group}");
    }
    // 中規模's counts are all shown: each with its estimate and interval.
    let cells = &latest.row("中規模").td;
    assert_eq!(cells.len(), 5, "{cells:?}");
    for c in &cells[1..4] {
        assert!(c.contains("%)") && c.contains('〜'), "{cells:?}");
    }
}

#[test]
fn a_weighted_projects_edition_needs_the_design_columns() {
    let tmp = weighted_project(|rows| drop_column(rows, "重み"));
    let report = tmp.path().join("report");
    let codebook = fs::read_to_string(report.join("data/codebook.yaml")).unwrap();
    let out = add_weighted_2026(&tmp);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "error: ../2026.csv: no column \"重み\": the project is a weighted sample (data/codebook.yaml:43: `design: weight:`), and every edition is read with that design: each edition's export needs the column, under the same name\n"
    );
    // Nothing written.
    assert_eq!(
        fs::read_to_string(report.join("data/codebook.yaml")).unwrap(),
        codebook
    );
    assert!(!report.join("data/editions").exists());
}

#[test]
fn a_misspelt_design_key_is_named_at_its_line() {
    let tmp = weighted_project(|rows| rows.to_string());
    let report = tmp.path().join("report");
    let path = report.join("data/codebook.yaml");
    let codebook = fs::read_to_string(&path)
        .unwrap()
        .replace("  weight: 重み", "  weigth: 重み");
    fs::write(&path, &codebook).unwrap();
    let out = add_weighted_2026(&tmp);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "error: data/codebook.yaml:43:3: unknown field `weigth`, expected one of weight, strata, cluster, fpc\n"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), codebook);
    assert!(!report.join("data/editions").exists());
}

#[test]
fn an_edition_without_the_dimension_column_says_it_is_not_split() {
    let tmp = weighted_project(|rows| drop_column(rows, "規模"));
    let report = tmp.path().join("report");
    let path = report.join("data/codebook.yaml");
    let out = add_weighted_2026(&tmp);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains(
            "  dimension: no column \"規模\" in this export: 2026's tables are not split by it\n"
        ),
        "{said}"
    );
    let codebook = fs::read_to_string(&path).unwrap();
    assert!(!codebook.contains("dimension: {"), "{codebook}");
    let out = surveysite(&report, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let latest = fs::read_to_string(report.join("site/regions/east/q1/index.html")).unwrap();
    assert!(!latest.contains("病床規模別の"));
    let first = fs::read_to_string(report.join("site/2025/regions/east/q1/index.html")).unwrap();
    assert!(first.contains("病床規模別の"));
}

#[test]
fn an_edition_keeps_the_dimensions_questions_it_asked() {
    // 2026 did not ask q2: the cross-tab's list keeps q1 only.
    let tmp = weighted_project(|rows| drop_column(rows, "Q2"));
    let report = tmp.path().join("report");
    let path = report.join("data/codebook.yaml");
    limit_dimension(&path);
    let out = add_weighted_2026(&tmp);
    assert!(out.status.success(), "{}", stderr(&out));
    let codebook = fs::read_to_string(&path).unwrap();
    assert!(
        codebook.contains("      dimension: { column: \"規模\", questions: [\"q1\"] }\n"),
        "{codebook}"
    );
    let out = surveysite(&report, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let latest = fs::read_to_string(report.join("site/regions/east/q1/index.html")).unwrap();
    assert!(latest.contains("東部: 病床規模別の"));
}
