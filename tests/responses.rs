//! Respondent-level data, end to end with the real binary: Forms exports in UTF-8, UTF-8 with BOM
//! and CP932; coded cells and one column per option; suppression; bad input; `surveysite new`.
//! Every expected number is worked out by hand from the rows, in the comments beside it.

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A project in a temp folder.
struct Dir(TempDir);

impl Dir {
    fn empty() -> Dir {
        Dir(tempfile::Builder::new()
            .prefix("surveysite-responses-")
            .tempdir()
            .expect("creating a temp folder"))
    }

    fn fixture(name: &str) -> Dir {
        let d = Dir::empty();
        common::copy_recursively(
            &common::manifest_dir().join("tests/fixtures").join(name),
            d.root(),
        );
        d
    }

    fn root(&self) -> &Path {
        self.0.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
    }

    /// Replaces `old` (which must occur once) in a file.
    fn replace(&self, rel: &str, old: &str, new: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(old).count(), 1, "{old:?} in {rel}");
        self.write(rel, text.replace(old, new));
    }

    fn run_build(&self) -> Output {
        surveysite(&["build", "--root", &self.root().display().to_string()])
    }

    /// Builds into ROOT/site; panics with stderr unless it succeeds.
    fn build(&self) -> Data {
        let out = self.run_build();
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        Data(common::parse_csv(&self.read("site/data.csv")))
    }

    /// The build's error message (the build must fail).
    fn build_error(&self) -> String {
        let out = self.run_build();
        assert!(!out.status.success(), "the build should fail");
        stderr(&out).trim_end().to_string()
    }

    fn page(&self, site_path: &str) -> String {
        self.read(&format!("site/{site_path}index.html"))
    }
}

fn surveysite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(args)
        .output()
        .expect("running surveysite")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// site/data.csv: 地域,設問番号,設問,種類,選択肢,件数,割合(%),対象,対象(n)
struct Data(Vec<Vec<String>>);

impl Data {
    /// One region × question: "option count percent n" per option, as a reader sees them.
    fn rows(&self, region: &str, question: &str) -> Vec<String> {
        let rows: Vec<String> = self
            .0
            .iter()
            .filter(|r| r[0] == region && r[1] == question)
            .map(|r| {
                let n = format!("n={}", r[8]);
                // An empty % (hidden or not reported) is left out.
                [r[4].as_str(), &r[5], &r[6], &n]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert!(!rows.is_empty(), "no rows for {region} {question}");
        rows
    }
}

/// The fixture's responses as Excel in Japan saves them: CP932 and CRLF.
fn cp932_crlf(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&crlf);
    assert!(!unmappable);
    bytes.into_owned()
}

// The Forms fixture (tests/fixtures/responses-forms/data/responses.csv), by hand:
//   北部: rows 1–4. q1: 導入している rows 1, 3; 導入予定あり row 4; 導入予定なし row 2.
//         q2 (asked of the 2 adopters): 情報共有 rows 1, 3; 重複検査 row 1; その他 row 3
//         ("紹介状の統計が取れる" is not an option: text typed into その他).
//   南部: rows 5–8. q1: 導入している rows 5, 8; 導入予定なし rows 6, 7.
//         q2: 情報共有 row 8; 重複検査 row 5.
//   全域: every row: q1 4 / 1 / 3 of 8; q2 of the 4 adopters: 3 / 2 / 1.

fn assert_forms_numbers(data: &Data) {
    assert_eq!(
        data.rows("北部", "Q1"),
        [
            "導入している 2 50.0 n=4",
            "導入予定あり 1 25.0 n=4",
            "導入予定なし 1 25.0 n=4"
        ]
    );
    assert_eq!(
        data.rows("北部", "Q2"),
        [
            "情報共有が円滑になった 2 100.0 n=2",
            "重複検査が減った 1 50.0 n=2",
            "その他 1 50.0 n=2"
        ]
    );
    assert_eq!(
        data.rows("南部", "Q1"),
        [
            "導入している 2 50.0 n=4",
            "導入予定あり 0 0.0 n=4",
            "導入予定なし 2 50.0 n=4"
        ]
    );
    assert_eq!(
        data.rows("南部", "Q2"),
        [
            "情報共有が円滑になった 1 50.0 n=2",
            "重複検査が減った 1 50.0 n=2",
            "その他 0 0.0 n=2"
        ]
    );
    // 4/8 = 50.0, 1/8 = 12.5, 3/8 = 37.5; q2: 3/4, 2/4, 1/4.
    assert_eq!(
        data.rows("全域", "Q1"),
        [
            "導入している 4 50.0 n=8",
            "導入予定あり 1 12.5 n=8",
            "導入予定なし 3 37.5 n=8"
        ]
    );
    assert_eq!(
        data.rows("全域", "Q2"),
        [
            "情報共有が円滑になった 3 75.0 n=4",
            "重複検査が減った 2 50.0 n=4",
            "その他 1 25.0 n=4"
        ]
    );
}

#[test]
fn forms_export_in_utf8_is_counted_per_region_and_in_total() {
    let d = Dir::fixture("responses-forms");
    assert_forms_numbers(&d.build());
}

#[test]
fn forms_export_with_bom_and_crlf_or_in_cp932_gives_the_same_numbers() {
    let d = Dir::fixture("responses-forms");
    let text = d.read("data/responses.csv");
    d.write(
        "data/responses.csv",
        format!("\u{feff}{}", text.replace('\n', "\r\n")),
    );
    assert_forms_numbers(&d.build());

    let d = Dir::fixture("responses-forms");
    d.write("data/responses.csv", cp932_crlf(&text));
    assert_forms_numbers(&d.build());
    // The text answers come through the decoding intact.
    let answers = common::answer_items(&d.page("regions/north/q3/"));
    assert_eq!(answers[1], "費用が課題, 特に保守費");

    // Declared, too.
    let d = Dir::fixture("responses-forms");
    d.write("data/responses.csv", cp932_crlf(&text));
    d.replace(
        "data/codebook.yaml",
        "  file: data/responses.csv\n",
        "  file: data/responses.csv\n  encoding: cp932\n",
    );
    assert_forms_numbers(&d.build());
    // Or set for the project in report.yaml.
    let d = Dir::fixture("responses-forms");
    d.write("data/responses.csv", cp932_crlf(&text));
    d.replace(
        "report.yaml",
        "base_url: \"\"\n",
        "base_url: \"\"\nsettings:\n  encoding: cp932\n",
    );
    assert_forms_numbers(&d.build());
    // A wrong setting is named.
    d.replace("report.yaml", "  encoding: cp932\n", "  encoding: latin1\n");
    assert!(
        d.build_error().contains(
            "report.yaml: settings.encoding \"latin1\" is not known (write auto, utf-8 or cp932)"
        ),
        "{}",
        d.build_error()
    );
}

#[test]
fn forms_export_lists_free_text_and_text_typed_into_other() {
    let d = Dir::fixture("responses-forms");
    d.build();
    // Quoted fields keep their commas and newlines.
    assert_eq!(
        common::answer_items(&d.page("regions/north/q3/")),
        ["よい取り組み", "費用が課題, 特に保守費", "複数行の 意見"]
    );
    assert!(common::answer_items(&d.page("regions/south/q3/")).is_empty());
    // The total lists every answer.
    assert_eq!(common::answer_items(&d.page("regions/all/q3/")).len(), 3);
    let other = common::answer_items(&d.page("regions/north/q2/"));
    assert_eq!(other, ["紹介状の統計が取れる"]);
}

#[test]
fn forms_export_is_cross_tabulated_by_the_dimension_column() {
    let d = Dir::fixture("responses-forms");
    d.build();
    // 北部: 急性期 rows 1, 3 (both 導入している); 慢性期 rows 2 (なし), 4 (予定あり).
    // 全域: 急性期 rows 1, 3, 5, 6, 8: 導入している 4, 導入予定なし 1.
    let csv = |rel: &str| -> Vec<String> {
        common::parse_csv(&d.read(rel))
            .into_iter()
            .skip(1)
            .map(|r| r[1..].join(" "))
            .collect()
    };
    assert_eq!(
        csv("site/regions/north/q1/x-north--q1.csv"),
        [
            "急性期 2 導入している 2 100.0",
            "慢性期 2 導入している 0 0.0",
            "急性期 2 導入予定あり 0 0.0",
            "慢性期 2 導入予定あり 1 50.0",
            "急性期 2 導入予定なし 0 0.0",
            "慢性期 2 導入予定なし 1 50.0",
        ]
    );
    let all = csv("site/regions/all/q1/x-all--q1.csv");
    assert_eq!(all[0], "急性期 5 導入している 4 80.0");
    assert_eq!(all[4], "急性期 5 導入予定なし 1 20.0");
}

#[test]
fn coded_cells_and_one_column_per_option() {
    // tests/fixtures/responses-columns: Q1 coded 1/2/3 (9 = no answer), Q2 one 1/0 column per
    // option plus a その他 text column, Q3 joined by ";", a UTF-8 BOM.
    //   北部 R001–R003: q1 1, 2, 1 → 導入している 2, 予定あり 1; q2 of 2 adopters: a R001 R003,
    //        b R003; q3: 電話 R001 R002, FAX R001, メール R003.
    //   南部 R004–R006: q1 3, 1, 9 → 導入している 1, なし 1 (R006 left it blank, still counted
    //        in n); q2 of 1 adopter: その他 R005 (text only, no box ticked); q3: 電話 R006,
    //        FAX R004, メール R004.
    let d = Dir::fixture("responses-columns");
    let data = d.build();
    assert_eq!(
        data.rows("北部", "Q2"),
        [
            "情報共有が円滑になった 2 100.0 n=2",
            "重複検査が減った 1 50.0 n=2",
            "その他 0 0.0 n=2"
        ]
    );
    assert_eq!(
        data.rows("南部", "Q1"),
        [
            "導入している 1 33.3 n=3",
            "導入予定あり 0 0.0 n=3",
            "導入予定なし 1 33.3 n=3"
        ]
    );
    assert_eq!(
        data.rows("南部", "Q2"),
        [
            "情報共有が円滑になった 0 0.0 n=1",
            "重複検査が減った 0 0.0 n=1",
            "その他 1 100.0 n=1"
        ]
    );
    // 全域: q1 3/6 = 50.0, 1/6 = 16.7; q2 of 3: 2, 1, 1; q3 of 6: 電話 3, FAX 2, メール 2.
    assert_eq!(
        data.rows("全域", "Q1"),
        [
            "導入している 3 50.0 n=6",
            "導入予定あり 1 16.7 n=6",
            "導入予定なし 1 16.7 n=6"
        ]
    );
    assert_eq!(
        data.rows("全域", "Q2"),
        [
            "情報共有が円滑になった 2 66.7 n=3",
            "重複検査が減った 1 33.3 n=3",
            "その他 1 33.3 n=3"
        ]
    );
    assert_eq!(
        data.rows("全域", "Q3"),
        ["電話 3 50.0 n=6", "FAX 2 33.3 n=6", "メール 2 33.3 n=6"]
    );
    assert_eq!(
        common::answer_items(&d.page("regions/south/q2/")),
        ["院内の周知が進んだ"]
    );
}

#[test]
fn small_cells_are_suppressed_with_their_complements() {
    let d = Dir::fixture("responses-forms");
    d.replace(
        "report.yaml",
        "base_url: \"\"\n",
        "base_url: \"\"\nsettings:\n  suppression: { threshold: 3, min_respondents_for_text: 5 }\n",
    );
    let data = d.build();
    // Counts 1 and 2 are hidden (primary); 0 stays.
    // 北部 q1 2/1/1: all hidden. q2's base is 北部's 導入している (2, hidden): hidden too, so
    // no q2 percentages anywhere in 北部 or 南部.
    assert_eq!(
        data.rows("北部", "Q1"),
        [
            "導入している x n=4",
            "導入予定あり x n=4",
            "導入予定なし x n=4"
        ]
    );
    assert_eq!(
        data.rows("北部", "Q2"),
        [
            "情報共有が円滑になった x n=x",
            "重複検査が減った x n=x",
            "その他 x n=x"
        ]
    );
    // 南部 q1 2/0/2: the 2s hidden, 0 shown (4 - 0 = 4 tells only that they add up to 4).
    assert_eq!(
        data.rows("南部", "Q1"),
        [
            "導入している x n=4",
            "導入予定あり 0 0.0 n=4",
            "導入予定なし x n=4"
        ]
    );
    assert_eq!(
        data.rows("南部", "Q2"),
        [
            "情報共有が円滑になった x n=x",
            "重複検査が減った x n=x",
            "その他 0 n=x"
        ]
    );
    // 全域 q1 4/1/3: 1 hidden (primary); then 8 - 4 - 3 would give it away, so the smaller of
    // the rest, 3, is hidden too (secondary). 4 stays.
    assert_eq!(
        data.rows("全域", "Q1"),
        [
            "導入している 4 50.0 n=8",
            "導入予定あり x n=8",
            "導入予定なし x n=8"
        ]
    );
    // 全域 q2 3/2/1 of 4: 2 and 1 hidden; multiple choice has no row total to subtract from.
    assert_eq!(
        data.rows("全域", "Q2"),
        [
            "情報共有が円滑になった 3 75.0 n=4",
            "重複検査が減った x n=4",
            "その他 x n=4"
        ]
    );
    // No hidden number reaches a chart's CSV: 1s and 2s are all hidden in this data.
    for (path, bytes) in common::files_under(&d.path("site")) {
        if path.ends_with(".csv") && path != "data.csv" {
            let text = String::from_utf8(bytes).unwrap();
            let rows = common::parse_csv(&text);
            let count = rows[0].iter().position(|h| h == "件数").unwrap();
            for r in &rows[1..] {
                assert!(
                    !matches!(r[count].as_str(), "1" | "2"),
                    "{path} shows a hidden count: {r:?}"
                );
            }
        }
    }
    // The page shows x, not the number, with no percentage and no bar.
    let html = d.page("regions/north/q1/");
    let page = common::text(&html);
    assert!(page.contains('x'), "{page}");
    assert!(html.contains(r#"<span class="sup" title="回答者が少ないため秘匿">x</span>"#));
    assert!(
        !html.contains("class=\"bar\" style=\"width: %\""),
        "no bar for a hidden count"
    );
    assert!(page.contains("回答者が少ないため"), "the footer explains x");
    let question = d.page("questions/q1/");
    assert!(
        !question.contains("x <span class=\"pct\">"),
        "no percentage beside x"
    );
}

#[test]
fn free_text_of_small_regions_is_withheld() {
    let d = Dir::fixture("responses-forms");
    d.replace(
        "report.yaml",
        "base_url: \"\"\n",
        "base_url: \"\"\nsettings:\n  suppression: { threshold: 1, min_respondents_for_text: 5 }\n",
    );
    d.build();
    // 北部 and 南部 have 4 respondents each (< 5): their answers are withheld, with a note;
    // 全域 (8) lists them all, no region named.
    let north = d.page("regions/north/q3/");
    assert!(common::answer_items(&north).is_empty());
    assert!(
        common::text(&north)
            .contains("回答者が5病院未満の地域のため、自由記述の回答は掲載していません。"),
        "{}",
        common::text(&north)
    );
    assert_eq!(common::answer_items(&d.page("regions/all/q3/")).len(), 3);
    // threshold 1 hides no count.
    assert!(!d.read("site/data.csv").contains(",x,"));
    // Withheld, not absent from the source: the page, the question page, the region's list and
    // the answers shortcode say so.
    let withheld = "回答者が少ないため、この地域の自由記述は掲載していません。";
    assert!(
        common::text(&north).contains(withheld),
        "{}",
        common::text(&north)
    );
    assert!(!common::text(&north).contains("資料に掲載されていません"));
    let question = common::text(&d.page("questions/q3/"));
    assert!(question.contains(&format!("北部 {withheld}")), "{question}");
    let region = d.page("regions/north/");
    assert!(
        region.contains(r#"<span class="sup" title="回答者が少ないため掲載していません">x</span>"#),
        "{region}"
    );

    let d = Dir::fixture("responses-forms");
    d.replace(
        "report.yaml",
        "base_url: \"\"\n",
        "base_url: \"\"\nsettings:\n  suppression: { threshold: 1, min_respondents_for_text: 5 }\n",
    );
    d.write(
        "content/index.md",
        "---\ntitle: 概要\n---\n\n{{ answers(q=\"q3\", region=\"north\") }}\n",
    );
    d.build();
    let home = common::text(&d.page(""));
    assert!(home.contains(withheld), "{home}");
    assert!(!home.contains("資料に回答の記載がありません"), "{home}");
}

#[test]
fn text_typed_into_a_hidden_other_option_is_withheld() {
    // threshold 3, no rule on region size. 北部 q2 その他 is 1 (row 3, "紹介状の統計が取れる"),
    // hidden; 全域 その他 is 1 too, hidden. Listing the text would show that one chose it.
    let d = Dir::fixture("responses-forms");
    d.replace(
        "report.yaml",
        "base_url: \"\"\n",
        "base_url: \"\"\nsettings:\n  suppression: { threshold: 3 }\n",
    );
    let data = d.build();
    assert_eq!(data.rows("北部", "Q2")[2], "その他 x n=x");
    assert_eq!(data.rows("全域", "Q2")[2], "その他 x n=4");
    for region in ["north", "all"] {
        let page = d.page(&format!("regions/{region}/q2/"));
        assert!(common::answer_items(&page).is_empty(), "{region}");
        let text = common::text(&page);
        assert!(!text.contains("紹介状の統計"), "{region}: {text}");
        assert!(
            text.contains("回答者が少ないため、この地域の「その他」の記述は掲載していません。"),
            "{region}: {text}"
        );
        assert!(
            text.contains("「その他」の件数を秘匿しているため、自由記述の回答は掲載していません。"),
            "{region}: {text}"
        );
    }
    let question = d.page("questions/q2/");
    assert!(common::answer_items(&question).is_empty());
    assert!(!question.contains("紹介状の統計"));
    // Free text of q3 is not affected: no rule on region size.
    assert_eq!(common::answer_items(&d.page("regions/north/q3/")).len(), 3);
}

#[test]
fn respondent_rows_and_aggregated_tables_mix() {
    // Own regions from rows; the prefecture's published figures from data/counts.csv.
    let d = Dir::fixture("responses-forms");
    d.replace(
        "data/codebook.yaml",
        "  - { id: all, title: 全域, total: true }\n",
        "  - { id: pref, title: 県全体, total: true }\n",
    );
    d.replace(
        "data/codebook.yaml",
        "  file: data/responses.csv\n",
        "  file: data/responses.csv\n  compute_total: false\n",
    );
    d.write(
        "data/respondents.csv",
        "region,group,respondents\npref,,100\n",
    );
    d.write(
        "data/counts.csv",
        "region,question,option,count\n\
         pref,q1,adopted,40\npref,q1,planned,10\npref,q1,none,50\n\
         pref,q2,a,30\npref,q2,b,20\npref,q2,c,…\n",
    );
    let data = d.build();
    assert_eq!(
        data.rows("県全体", "Q2"),
        [
            "情報共有が円滑になった 30 75.0 n=40",
            "重複検査が減った 20 50.0 n=40",
            "その他 … n=40"
        ]
    );
    assert_eq!(data.rows("北部", "Q1")[0], "導入している 2 50.0 n=4");

    // A region given both ways is an error, even with the same figure.
    d.write(
        "data/respondents.csv",
        "region,group,respondents\npref,,100\nnorth,,4\n",
    );
    assert_eq!(
        d.build_error(),
        "error: data/respondents.csv:3: region \"north\" is counted from data/responses.csv: leave it out of data/respondents.csv"
    );
    d.write(
        "data/respondents.csv",
        "region,group,respondents\npref,,100\nnorth,acute,2\n",
    );
    assert_eq!(
        d.build_error(),
        "error: data/respondents.csv:3: region \"north\" is counted from data/responses.csv: leave it out of data/respondents.csv"
    );
    // So is a count: 北部 導入している is 2 in the rows, and 2 here.
    d.write(
        "data/respondents.csv",
        "region,group,respondents\npref,,100\n",
    );
    let counts = d.read("data/counts.csv");
    d.write("data/counts.csv", format!("{counts}north,q1,adopted,2\n"));
    assert_eq!(
        d.build_error(),
        "error: data/counts.csv:8: region \"north\", question \"q1\", option \"adopted\" is counted from data/responses.csv: leave it out of data/counts.csv"
    );
}

/// The Forms fixture with one line of data/responses.csv replaced.
fn forms_with_line(line: usize, text: &str) -> Dir {
    let d = Dir::fixture("responses-forms");
    let csv = d.read("data/responses.csv");
    let mut lines: Vec<&str> = csv.lines().collect();
    lines[line - 1] = text;
    d.write("data/responses.csv", lines.join("\n") + "\n");
    d
}

#[test]
fn a_value_the_codebook_does_not_know_names_file_line_column_and_the_nearest_option() {
    let d = forms_with_line(3, "2024/06/01 10:05:00,北部,慢性期,導入済,,");
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:3:4: column \"Q1. 導入状況\": \"導入済\" is not an option of question \"q1\" (did you mean \"導入している\"?)"
    );
}

#[test]
fn errors_in_a_crlf_file_name_the_same_lines_as_in_an_lf_file() {
    // Line 8 is the 6th respondent: row 4 spans lines 5 and 6 (a quoted line break).
    let d = forms_with_line(8, "2024/06/02 10:00:00,南部,急性期,導入済,,");
    let lf = "error: data/responses.csv:8:4: column \"Q1. 導入状況\": \"導入済\" is not an option of question \"q1\" (did you mean \"導入している\"?)";
    assert_eq!(d.build_error(), lf);
    let text = d.read("data/responses.csv");
    d.write("data/responses.csv", text.replace('\n', "\r\n"));
    assert_eq!(d.build_error(), lf);
    d.write("data/responses.csv", cp932_crlf(&text));
    assert_eq!(d.build_error(), lf);

    // A repeated id names both lines.
    let d = Dir::fixture("responses-columns");
    d.replace(
        "data/responses.csv",
        "R003,2024/06/01 10:20",
        "R001,2024/06/01 10:20",
    );
    let text = d.read("data/responses.csv").replace("\r\n", "\n");
    d.write("data/responses.csv", text.replace('\n', "\r\n"));
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:4:1: column \"ID\": respondent id \"R001\" is given twice (first on line 2)"
    );
}

#[test]
fn a_cell_text_that_is_the_id_of_one_option_and_the_label_of_another_is_an_error() {
    // As `new --from` writes a column of letters: options most chosen first get ids a, b …, so
    // the label "b" belongs to option a and the label "a" to option b.
    let d = Dir::empty();
    d.write("report.yaml", "title: t\nlanguage: ja\nbase_url: \"\"\n");
    d.write(
        "data/codebook.yaml",
        "regions:\n  - { id: all, title: 全体, total: true }\n\
         bases:\n  all:\n    title: 全員\n\
         questions:\n  - id: q1\n    title: 評価\n    type: single\n    base: all\n    options:\n\
         \x20     - { id: a, label: \"b\" }\n      - { id: b, label: \"a\" }\n\
         responses:\n  file: data/responses.csv\n  questions:\n    q1: { column: Q1 }\n",
    );
    d.write("data/responses.csv", "Q1\nb\nb\nb\nb\na\n");
    assert_eq!(
        d.build_error(),
        "error: data/codebook.yaml:17:5: `responses: questions: q1:`: the cell text \"a\" is the id of option \"a\" and the label of option \"b\": say which it means under `values:` (`{ \"a\": a }` or `{ \"a\": b }`), or rename option \"a\""
    );
    // Saying which: the cells are the labels. "b" 4 of 5, "a" 1.
    d.replace(
        "data/codebook.yaml",
        "q1: { column: Q1 }",
        "q1: { column: Q1, values: { \"b\": a, \"a\": b } }",
    );
    assert_eq!(
        d.build().rows("全体", "Q1"),
        ["b 4 80.0 n=5", "a 1 20.0 n=5"]
    );

    // Regions and groups alike: the title of north is the id of south.
    let d = Dir::fixture("responses-forms");
    d.replace(
        "data/codebook.yaml",
        "{ id: north, title: 北部 }",
        "{ id: north, title: south }",
    );
    let e = d.build_error();
    assert!(
        e.ends_with(
            "`responses: region:`: the cell text \"south\" is the title of region \"north\" and the id of region \"south\": say which it means under `values:` (`{ \"south\": north }` or `{ \"south\": south }`), or rename region \"south\""
        ),
        "{e}"
    );
    let d = Dir::fixture("responses-forms");
    d.replace(
        "data/codebook.yaml",
        "{ id: acute, label: 急性期 }",
        "{ id: acute, label: chronic }",
    );
    let e = d.build_error();
    assert!(
        e.starts_with("error: data/codebook.yaml:")
            && e.ends_with(
                "`responses: dimension:`: the cell text \"chronic\" is the label of group \"acute\" and the id of group \"chronic\": say which it means under `values:` (`{ \"chronic\": acute }` or `{ \"chronic\": chronic }`), or rename group \"chronic\""
            ),
        "{e}"
    );
}

#[test]
fn rows_without_a_known_region_are_errors() {
    let d = forms_with_line(3, "2024/06/01 10:05:00,,慢性期,導入予定なし,,");
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:3:2: column \"地域\": no region: every respondent needs one"
    );
    let d = forms_with_line(3, "2024/06/01 10:05:00,北,慢性期,導入予定なし,,");
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:3:2: column \"地域\": region \"北\" is not in the codebook (did you mean \"北部\"?)"
    );
}

#[test]
fn answers_outside_a_questions_base_are_errors() {
    // Row 2 did not adopt the system, so q2 was not asked of it.
    let d = forms_with_line(
        3,
        "2024/06/01 10:05:00,北部,慢性期,導入予定なし,重複検査が減った,",
    );
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:3:5: column \"Q2. メリット\": question \"q2\" is asked only of 「導入している病院」, but this respondent answered \"q1\" 「導入予定なし」: clear this answer or correct \"q1\""
    );
}

#[test]
fn duplicate_ids_empty_files_and_bad_checkboxes_are_errors() {
    let d = Dir::fixture("responses-columns");
    d.replace(
        "data/responses.csv",
        "R003,2024/06/01 10:20",
        "R001,2024/06/01 10:20",
    );
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:4:1: column \"ID\": respondent id \"R001\" is given twice (first on line 2)"
    );

    let d = Dir::fixture("responses-columns");
    d.replace(
        "data/responses.csv",
        "R002,2024/06/01 10:10,N,2,,,",
        "R002,2024/06/01 10:10,N,2,2,,",
    );
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:3:5: column \"Q2_a\": \"2\" is neither checked (1, TRUE, ○, the label) nor unchecked (0, blank) for option \"a\" of question \"q2\""
    );

    let d = Dir::fixture("responses-columns");
    d.write("data/responses.csv", "");
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv: the file is empty (expected a header row naming the columns, then one row per respondent)"
    );
    d.write(
        "data/responses.csv",
        "ID,開始時刻,地域,Q1,Q2_a,Q2_b,Q2_c,Q2_other,Q3\r\n",
    );
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv: no respondent rows below the header"
    );
}

#[test]
fn codebook_mistakes_point_into_the_codebook() {
    let d = Dir::fixture("responses-forms");
    d.replace(
        "data/codebook.yaml",
        "q1: { column: Q1. 導入状況 }",
        "q1: { column: Q1 導入状況 }",
    );
    let e = d.build_error();
    assert!(
        e.starts_with("error: data/codebook.yaml:")
            && e.ends_with(
                "column \"Q1 導入状況\" is not in the header of data/responses.csv (did you mean \"Q1. 導入状況\"?)"
            ),
        "{e}"
    );

    // A CP932 file declared UTF-8: the line of the first bad byte and what to do.
    let d = Dir::fixture("responses-forms");
    let text = d.read("data/responses.csv");
    d.write("data/responses.csv", cp932_crlf(&text));
    d.replace(
        "data/codebook.yaml",
        "  file: data/responses.csv\n",
        "  file: data/responses.csv\n  encoding: utf-8\n",
    );
    assert_eq!(
        d.build_error(),
        "error: data/responses.csv:1: the file is not valid UTF-8 text (if Excel saved the file, set `encoding: cp932` under `responses:` in data/codebook.yaml)"
    );
}

#[test]
fn new_without_from_makes_a_project_that_builds() {
    let d = Dir::empty();
    let dir = d.path("report");
    let out = surveysite(&["new", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in [
        "report.yaml",
        "data/codebook.yaml",
        "data/responses.csv",
        "content/index.md",
        ".github/workflows/pages.yml",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let out = surveysite(&["build", "--root", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = Data(common::parse_csv(
        &fs::read_to_string(dir.join("site/data.csv")).unwrap(),
    ));
    // 10 sample rows: 週に1回以上 3 (東 2, 南 1), 月に1回程度 3, 年に数回 1, 利用していない 3.
    assert_eq!(
        data.rows("全体", "Q1"),
        [
            "週に1回以上 3 30.0 n=10",
            "月に1回程度 3 30.0 n=10",
            "年に数回 1 10.0 n=10",
            "利用していない 3 30.0 n=10"
        ]
    );
    // A second `new` into the same folder refuses.
    let out = surveysite(&["new", &dir.display().to_string()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("the folder exists and is not empty"));
}

/// A Google Forms export: timestamp, e-mail, region, a single, a ", "-joined multiple choice
/// with text typed into その他, free text.
const EXPORT: &str = "タイムスタンプ,メールアドレス,二次医療圏,Q1. 導入状況,Q2. メリット,Q3. ご意見
2024/06/01 10:00:00,a@example.jp,区西南部,導入している,\"情報共有, 重複検査の減少\",よい取り組み
2024/06/01 10:05:00,b@example.jp,区西南部,導入予定なし,,
2024/06/01 11:00:00,c@example.jp,区西南部,導入している,\"情報共有, 紹介状の統計\",\"費用が課題, 特に保守費\"
2024/06/02 09:00:00,d@example.jp,区西南部,導入予定なし,,
2024/06/02 09:30:00,e@example.jp,区南部,導入している,\"重複検査の減少, 情報共有\",
2024/06/02 10:00:00,f@example.jp,区南部,導入予定なし,,
2024/06/03 10:00:00,g@example.jp,区南部,導入予定なし,,早く進めてほしい
2024/06/03 12:00:00,h@example.jp,区南部,導入している,情報共有,
";

fn new_from(export: &[u8]) -> (Dir, PathBuf, String) {
    let d = Dir::empty();
    d.write("フォームの回答 1.csv", export);
    let dir = d.path("report");
    let out = surveysite(&[
        "new",
        &dir.display().to_string(),
        "--from",
        &d.path("フォームの回答 1.csv").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (d, dir, stdout)
}

#[test]
fn new_from_a_forms_export_infers_a_codebook_that_builds() {
    let (_d, dir, stdout) = new_from(EXPORT.as_bytes());
    // What it inferred, column by column.
    for line in [
        "left out: timestamp",
        "left out: personal data",
        "region: 2 regions (\"区南部\" 4, \"区西南部\" 4)",
        "q1 single choice, 2 options",
        "q2 multiple choice (\", \"), 2 options + その他 (typed answers: 1)",
        "q3 free text, 3 answers",
        "q2: answered by 4 of 8 rows: if it was asked only of some respondents",
    ] {
        assert!(stdout.contains(line), "{line:?} not in:\n{stdout}");
    }
    let codebook = fs::read_to_string(dir.join("data/codebook.yaml")).unwrap();
    for line in [
        "  - { id: r1, title: \"区南部\" }   # 4行",
        "  - { id: all, title: \"全体\", total: true }",
        "    title: \"導入状況\"",
        "      - { id: a, label: \"情報共有\" }   # 4",
        "      - { id: b, label: \"重複検査の減少\" }   # 2",
        "      - { id: other, label: \"その他\", other: true }   # 入力された記述1件",
        "  region: { column: \"二次医療圏\" }",
        "    q2: { column: \"Q2. メリット\", separator: \", \", other_in_cell: true }",
        "    q3: { column: \"Q3. ご意見\" }",
    ] {
        assert!(codebook.contains(line), "{line:?} not in:\n{codebook}");
    }
    assert!(!codebook.contains("example.jp"));
    assert_eq!(
        fs::read_to_string(dir.join("data/responses.csv")).unwrap(),
        EXPORT
    );
    assert!(dir.join("content/regions/r1/index.md").is_file());
    assert!(dir.join("content/questions/q3/index.md").is_file());

    let out = surveysite(&["build", "--root", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = Data(common::parse_csv(
        &fs::read_to_string(dir.join("site/data.csv")).unwrap(),
    ));
    // 全体: 導入している rows 1, 3, 5, 8 (4 of 8); q2 (base: all 8): 情報共有 rows 1, 3, 5, 8;
    // 重複検査の減少 rows 1, 5; その他 row 3.
    assert_eq!(
        data.rows("全体", "Q1"),
        ["導入している 4 50.0 n=8", "導入予定なし 4 50.0 n=8"]
    );
    assert_eq!(
        data.rows("全体", "Q2"),
        [
            "情報共有 4 50.0 n=8",
            "重複検査の減少 2 25.0 n=8",
            "その他 1 12.5 n=8"
        ]
    );
    // 区南部: rows 5–8.
    assert_eq!(
        data.rows("区南部", "Q2"),
        [
            "情報共有 2 50.0 n=4",
            "重複検査の減少 1 25.0 n=4",
            "その他 0 0.0 n=4"
        ]
    );
}

#[test]
fn new_from_a_cp932_export_detects_the_encoding() {
    let (_d, dir, stdout) = new_from(&cp932_crlf(EXPORT));
    assert!(stdout.contains("encoding CP932 (Shift_JIS)"), "{stdout}");
    let codebook = fs::read_to_string(dir.join("data/codebook.yaml")).unwrap();
    assert!(codebook.contains("  encoding: cp932"), "{codebook}");
    let out = surveysite(&["build", "--root", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = Data(common::parse_csv(
        &fs::read_to_string(dir.join("site/data.csv")).unwrap(),
    ));
    assert_eq!(data.rows("区西南部", "Q1")[0], "導入している 2 50.0 n=4");
}

#[test]
fn new_from_names_the_region_column_when_asked() {
    let d = Dir::empty();
    d.write(
        "export.csv",
        "医療圏コード,Q1\nA,はい\nA,いいえ\nB,はい\nB,はい\n",
    );
    let dir = d.path("report");
    let out = surveysite(&[
        "new",
        &dir.display().to_string(),
        "--from",
        &d.path("export.csv").display().to_string(),
        "--region-column",
        "医療圏コード",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let codebook = fs::read_to_string(dir.join("data/codebook.yaml")).unwrap();
    assert!(
        codebook.contains("  - { id: a, title: \"A\" }   # 2行"),
        "{codebook}"
    );

    let out = surveysite(&[
        "new",
        &d.path("other").display().to_string(),
        "--from",
        &d.path("export.csv").display().to_string(),
        "--region-column",
        "医療圏",
    ]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim_end(),
        "error: --region-column: \"医療圏\" is not a column of ".to_string()
            + &d.path("export.csv").display().to_string()
            + " (did you mean \"医療圏コード\"?)"
    );
}

#[test]
fn new_from_never_gives_an_option_an_id_that_is_another_options_label() {
    // Cells that are single letters: options labelled "b" and "a" must not get the ids a, b
    // (the cell "b" would then count for the option labelled "a").
    let export = "地域,評価\n北,b\n北,b\n北,b\n北,b\n北,a\n南,a\n南,b\n";
    let (_d, dir, _) = new_from(export.as_bytes());
    let out = surveysite(&["build", "--root", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = Data(common::parse_csv(
        &fs::read_to_string(dir.join("site/data.csv")).unwrap(),
    ));
    let rows = data.rows("北", "Q1");
    // 北: b 4 of 5 (80.0%), a 1 of 5 (20.0%)
    assert!(rows.contains(&"b 4 80.0 n=5".to_string()), "{rows:?}");
    assert!(rows.contains(&"a 1 20.0 n=5".to_string()), "{rows:?}");
}

/// Counts kept between builds (.surveysite-cache/rows/) never outlive the file they came from:
/// an unchanged rebuild gives the same bytes, an edited row is counted afresh, and a damaged
/// cache entry is ignored.
#[test]
fn cached_counts_follow_every_edit_of_the_respondent_file() {
    let d = Dir::fixture("responses-forms");
    let first = d.build();
    let first_page = d.page("regions/north/q1/");
    let cached = || {
        std::fs::read_dir(d.path(".surveysite-cache/rows"))
            .map(|r| {
                r.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".json"))
                })
                .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(cached(), 1, "the counts of the rows are kept");
    let again = d.build();
    assert_eq!(first.0, again.0);
    assert_eq!(first_page, d.page("regions/north/q1/"));

    // Row 2 (北部, 導入予定なし) moves to 南部: 北部 3 respondents, 南部 5.
    d.replace(
        "data/responses.csv",
        "2024/06/01 10:05:00,北部,",
        "2024/06/01 10:05:00,南部,",
    );
    let moved = d.build();
    let north = moved.rows("北部", "Q1");
    assert!(north.iter().all(|r| r.ends_with("n=3")), "{north:?}");
    let south = moved.rows("南部", "Q1");
    assert!(south.iter().all(|r| r.ends_with("n=5")), "{south:?}");

    // A damaged entry is not trusted: the rows are counted again, the same numbers come out.
    for entry in std::fs::read_dir(d.path(".surveysite-cache/rows")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"{\"key\": \"x\", \"tally\": [").unwrap();
    }
    assert_eq!(d.build().0, moved.0);
}
