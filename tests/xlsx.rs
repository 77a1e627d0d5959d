//! Excel workbooks as input (issue #18): a workbook shaped like Microsoft Forms' 「Excel で開く」
//! download, written by a real xlsx writer (rust_xlsxwriter), goes through `new --from` and
//! `build`; the counts on the pages must equal a tally of the rows worked out here, apart from
//! the tool. Bad cells are errors naming the sheet and cell.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use common::{NewProject as New, stderr_of as stderr, stdout_of as stdout};

/// One respondent of the Forms workbook.
struct Respondent {
    region: &'static str,
    status: &'static str,
    /// The multiple choice, as chosen (Forms writes `A;B;`).
    merits: &'static [&'static str],
    opinion: &'static str,
    /// 評価 (1–5); `None`: written as the formula `=1+2` whose cached value is 3.
    score: Option<u32>,
}

const REGIONS: [&str; 3] = ["区西南部", "区南部", "区東部"];

const RESPONDENTS: &[Respondent] = &[
    Respondent {
        region: "区西南部",
        status: "導入している",
        merits: &["情報共有", "重複検査の減少"],
        opinion: "紹介状の様式を\n統一してほしい",
        score: Some(4),
    },
    Respondent {
        region: "区西南部",
        status: "導入している",
        merits: &["情報共有"],
        opinion: "",
        score: Some(5),
    },
    Respondent {
        region: "区西南部",
        status: "導入予定なし",
        merits: &[],
        opinion: "費用が高い",
        score: None,
    },
    Respondent {
        region: "区西南部",
        status: "検討中",
        merits: &["紹介の迅速化", "情報共有"],
        opinion: "",
        score: Some(3),
    },
    Respondent {
        region: "区南部",
        status: "導入している",
        merits: &["重複検査の減少", "紹介の迅速化"],
        opinion: "",
        score: Some(4),
    },
    Respondent {
        region: "区南部",
        status: "検討中",
        merits: &["情報共有"],
        opinion: "",
        score: Some(2),
    },
    Respondent {
        region: "区南部",
        status: "導入予定なし",
        merits: &[],
        opinion: "人手が足りない",
        score: Some(3),
    },
    Respondent {
        region: "区東部",
        status: "導入している",
        merits: &["情報共有", "重複検査の減少", "紹介の迅速化"],
        opinion: "",
        score: Some(5),
    },
    Respondent {
        region: "区東部",
        status: "導入している",
        merits: &["紹介の迅速化"],
        opinion: "",
        score: None,
    },
    Respondent {
        region: "区東部",
        status: "検討中",
        merits: &["重複検査の減少"],
        opinion: "",
        score: Some(4),
    },
];

const HEADERS: [&str; 10] = [
    "ID",
    "開始時刻",
    "完了時刻",
    "メール",
    "名前",
    "地域",
    "導入状況",
    "導入のメリット",
    "ご意見",
    "評価",
];

/// Writes the Forms-shaped workbook: sheet `Form1`, header in row 1, a respondent a row. `edit`
/// may overwrite cells after (row, column counted from 0 as the writer does).
fn forms_workbook(path: &Path, edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy/m/d h:mm:ss");
    let sheet = book.add_worksheet();
    sheet.set_name("Form1").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, r) in RESPONDENTS.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, f64::from(row)).unwrap();
        let start = ExcelDateTime::from_ymd(2024, 6, 1 + i as u8)
            .unwrap()
            .and_hms(10, 0, 0)
            .unwrap();
        let end = ExcelDateTime::from_ymd(2024, 6, 1 + i as u8)
            .unwrap()
            .and_hms(10, 5, 30)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 1, &start, &date)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 2, &end, &date)
            .unwrap();
        sheet.write_string(row, 3, "anonymous").unwrap();
        sheet.write_string(row, 4, "").unwrap();
        sheet.write_string(row, 5, r.region).unwrap();
        sheet.write_string(row, 6, r.status).unwrap();
        if !r.merits.is_empty() {
            let joined: String = r.merits.iter().map(|m| format!("{m};")).collect();
            sheet.write_string(row, 7, joined).unwrap();
        }
        if !r.opinion.is_empty() {
            sheet.write_string(row, 8, r.opinion).unwrap();
        }
        match r.score {
            Some(s) => {
                sheet.write_number(row, 9, f64::from(s)).unwrap();
            }
            None => {
                sheet
                    .write_formula(row, 9, Formula::new("=1+2").set_result("3"))
                    .unwrap();
            }
        }
    }
    edit(sheet);
    // A second sheet, as an analyst adds one: `new` reads the first unless told.
    let notes = book.add_worksheet();
    notes.set_name("集計メモ").unwrap();
    notes.write_string(0, 0, "メモ").unwrap();
    notes.write_string(1, 0, "集計は区ごと").unwrap();
    book.save(path).unwrap();
}

impl New {
    fn run(workbook: impl FnOnce(&Path), extra: &[&str]) -> New {
        New::make(
            "surveysite-xlsx-",
            |tmp| {
                let from = tmp.join("回答.xlsx");
                workbook(&from);
                from
            },
            extra,
        )
    }
}

/// "label count" of every option row of the page's table of numbers, and its n.
fn counts_on_page(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in common::tables(html) {
        for r in &t.rows {
            if let Some(count) = r.td.first() {
                out.insert(r.label().to_string(), count.clone());
            }
        }
    }
    out
}

/// The independent tally: per region (None: all), option → count, over respondents that
/// `answer` maps to the options they chose.
fn tally(
    region: Option<&str>,
    answer: impl Fn(&Respondent) -> Vec<String>,
) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for r in RESPONDENTS
        .iter()
        .filter(|r| region.is_none_or(|x| x == r.region))
    {
        for a in answer(r) {
            *out.entry(a).or_default() += 1;
        }
    }
    out
}

#[test]
fn a_microsoft_forms_workbook_becomes_a_report_whose_counts_match_the_rows() {
    let n = New::run(|p| forms_workbook(p, |_| {}), &["--region-column", "地域"]);
    assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
    let summary = stdout(&n.out);
    assert!(
        summary.contains("10 rows, 10 columns, sheet \"Form1\""),
        "{summary}"
    );
    // Forms' own columns are left out; the ";"-joined column is one multiple choice.
    for line in [
        "left out: timestamp",
        "left out: personal data",
        "q2 multiple choice (\";\"), 3 options",
        "q3 free text, 3 answers",
    ] {
        assert!(summary.contains(line), "{line:?} not in {summary}");
    }
    let codebook = n.read("data/codebook.yaml");
    assert!(
        codebook.contains("file: data/responses.xlsx") && codebook.contains("sheet: \"Form1\""),
        "{codebook}"
    );
    assert!(
        codebook.contains("q2: { column: \"導入のメリット\", separator: \";\" }"),
        "{codebook}"
    );
    let out = n.run_build();
    assert!(out.status.success(), "build failed: {}", stderr(&out));

    let status = |r: &Respondent| vec![r.status.to_string()];
    let merits = |r: &Respondent| r.merits.iter().map(|m| m.to_string()).collect();
    let score = |r: &Respondent| vec![r.score.unwrap_or(3).to_string()];
    for region in REGIONS.iter().map(Some).chain([None]) {
        let id = match region {
            Some(t) => n.region_id(t),
            None => "all".to_string(),
        };
        let respondents = RESPONDENTS
            .iter()
            .filter(|r| region.is_none_or(|x| *x == r.region))
            .count();
        for (q, answer) in [
            ("q1", &status as &dyn Fn(&Respondent) -> Vec<String>),
            ("q2", &merits),
            ("q4", &score),
        ] {
            let page = n.page(&format!("regions/{id}/{q}/"));
            let shown = counts_on_page(&page);
            let expected = tally(region.copied(), answer);
            assert!(!expected.is_empty());
            for (option, count) in &expected {
                assert_eq!(
                    shown.get(option).map(String::as_str),
                    Some(count.to_string().as_str()),
                    "{id} {q} {option}: page shows {shown:?}, rows say {expected:?}"
                );
            }
            assert!(
                common::text(&page).contains(&format!("n={respondents}"))
                    || common::text(&page).contains(&format!("{respondents}件")),
                "{id} {q}: no base of {respondents} on the page"
            );
        }
    }
    // The answer with a line break is listed whole, on the all-regions page of q3.
    let q3 = n.page("regions/all/q3/");
    assert!(q3.contains("紹介状の様式を"), "{q3}");
    assert!(common::text(&q3).contains("統一してほしい"));
}

#[test]
fn an_error_value_in_a_cell_is_an_error_naming_the_sheet_and_cell() {
    // Row 5 of the sheet (the 4th respondent): 評価 is a formula that failed.
    let n = New::run(
        |p| {
            forms_workbook(p, |sheet| {
                sheet
                    .write_formula(4, 9, Formula::new("=1/0").set_result("#DIV/0!"))
                    .unwrap();
            })
        },
        &[],
    );
    assert!(!n.out.status.success(), "{}", stdout(&n.out));
    let err = stderr(&n.out);
    assert!(
        err.contains("回答.xlsx:Form1!J5: column \"評価\": the cell holds the error value #DIV/0!"),
        "{err}"
    );
    assert!(!n.dir().exists(), "a failed new wrote files");
    // In the header too.
    let n = New::run(
        |p| {
            forms_workbook(p, |sheet| {
                sheet
                    .write_formula(0, 2, Formula::new("=NA()").set_result("#N/A"))
                    .unwrap();
            })
        },
        &[],
    );
    let err = stderr(&n.out);
    assert!(
        err.contains("回答.xlsx:Form1!C1: the header holds the error value #N/A"),
        "{err}"
    );
}

#[test]
fn the_build_names_the_sheet_and_cell_of_a_bad_answer() {
    let n = New::run(|p| forms_workbook(p, |_| {}), &[]);
    assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
    // The office corrects the workbook after `new`: a typo in G8, an error value in J3.
    forms_workbook(&n.dir().join("data/responses.xlsx"), |sheet| {
        sheet.write_string(7, 6, "導入済").unwrap();
        sheet
            .write_formula(2, 9, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
    });
    let out = n.run_build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "data/responses.xlsx:Form1!G8: column \"導入状況\": \"導入済\" is not an option of question \"q1\" (did you mean \"導入している\"?)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "data/responses.xlsx:Form1!J3: column \"評価\": the cell holds the error value #DIV/0!"
        ),
        "{err}"
    );
}

#[test]
fn another_sheet_is_read_when_named() {
    // The responses on a second sheet behind a cover sheet, their header starting in B2.
    let write = |p: &Path| {
        let mut book = Workbook::new();
        let cover = book.add_worksheet();
        cover.set_name("表紙").unwrap();
        cover.write_string(0, 0, "2024年度 連携アンケート").unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name("回答 一覧").unwrap();
        for (c, h) in ["地域", "導入状況"].iter().enumerate() {
            sheet.write_string(1, 1 + c as u16, *h).unwrap();
        }
        for (i, r) in RESPONDENTS.iter().enumerate() {
            sheet.write_string(2 + i as u32, 1, r.region).unwrap();
            sheet.write_string(2 + i as u32, 2, r.status).unwrap();
        }
        book.save(p).unwrap();
    };
    let missing = New::run(write, &["--sheet", "回答一覧"]);
    let err = stderr(&missing.out);
    assert!(
        err.contains("there is no sheet \"回答一覧\" (the sheets are: \"表紙\", \"回答 一覧\")"),
        "{err}"
    );
    let n = New::run(write, &["--sheet", "回答 一覧"]);
    assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
    assert!(
        n.read("data/codebook.yaml")
            .contains("sheet: \"回答 一覧\"")
    );
    let out = n.run_build();
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let shown = counts_on_page(&n.page("regions/all/q1/"));
    let expected = tally(None, |r| vec![r.status.to_string()]);
    for (option, count) in &expected {
        assert_eq!(shown.get(option), Some(&count.to_string()), "{shown:?}");
    }
    // A bad cell names the quoted sheet and the cell where it is (the header starts at B2).
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("回答 一覧").unwrap();
    sheet.write_string(1, 1, "地域").unwrap();
    sheet.write_string(1, 2, "導入状況").unwrap();
    for (i, r) in RESPONDENTS.iter().enumerate() {
        sheet.write_string(2 + i as u32, 1, r.region).unwrap();
        sheet.write_string(2 + i as u32, 2, r.status).unwrap();
    }
    sheet.write_string(6, 1, "区北部").unwrap();
    book.save(n.dir().join("data/responses.xlsx")).unwrap();
    let err = stderr(&n.run_build());
    assert!(
        err.contains("data/responses.xlsx:'回答 一覧'!B7: column \"地域\": region \"区北部\" is not in the codebook"),
        "{err}"
    );
}

#[test]
fn a_sheet_named_for_a_csv_is_an_error_at_the_codebook_line() {
    let n = New::run(|p| forms_workbook(p, |_| {}), &[]);
    assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
    // The office saves the workbook as CSV and points the codebook at it, keeping `sheet:`.
    let codebook = n.read("data/codebook.yaml");
    let line = codebook
        .lines()
        .position(|l| l.contains("sheet: \"Form1\""))
        .unwrap()
        + 1;
    fs::write(
        n.dir().join("data/codebook.yaml"),
        codebook.replace("file: data/responses.xlsx", "file: data/responses.csv"),
    )
    .unwrap();
    fs::write(n.dir().join("data/responses.csv"), "ID,地域\n1,区南部\n").unwrap();
    let err = stderr(&n.run_build());
    assert!(
        err.contains(&format!(
            "data/codebook.yaml:{line}:10: `sheet:` is for an Excel workbook, and data/responses.csv is not one"
        )),
        "{err}"
    );
}

/// Writes a CSV table of the example as the first sheet of a workbook beside it, numbers as
/// numbers (as an office keeps them), and removes the CSV.
fn table_to_workbook(root: &Path, csv: &str, edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let text = fs::read_to_string(root.join(csv)).unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in common::parse_csv(&text).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if !cell.is_empty() => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, cell).unwrap(),
            };
        }
    }
    edit(sheet);
    book.save(root.join(csv.replace(".csv", ".xlsx"))).unwrap();
    fs::remove_file(root.join(csv)).unwrap();
}

#[test]
fn aggregated_tables_kept_as_workbooks_build_the_same_site() {
    let csv = common::Project::example();
    let from_csv = csv.build().files();
    let xlsx = common::Project::example();
    for table in [
        "data/counts.csv",
        "data/respondents.csv",
        "data/crosstab.csv",
        "data/answers.csv",
    ] {
        table_to_workbook(xlsx.root(), table, |_| {});
    }
    let from_xlsx = xlsx.build().files();
    assert_eq!(
        from_csv.keys().collect::<Vec<_>>(),
        from_xlsx.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &from_csv {
        assert!(from_xlsx[path] == *bytes, "{path} differs");
    }
}

#[test]
fn a_bad_row_of_a_table_workbook_names_its_sheet_and_row() {
    let p = common::Project::example();
    // Row 3 of the sheet (the second figure): an option the codebook does not have.
    table_to_workbook(p.root(), "data/counts.csv", |sheet| {
        sheet.set_name("集計").unwrap();
        sheet.write_string(2, 2, "plannd").unwrap();
    });
    let out = p.run_build(&p.path("site"), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("data/counts.xlsx:集計!A3: option \"plannd\" is not an option of question \"q1\" (did you mean \"planned\"?)"),
        "{err}"
    );
    assert!(!err.contains("counts.csv"), "{err}");
    // Both kinds at once is an error, not figures given twice.
    fs::copy(
        common::manifest_dir().join("data/counts.csv"),
        p.path("data/counts.csv"),
    )
    .unwrap();
    let err = stderr(&p.run_build(&p.path("site"), &[]));
    assert!(
        err.contains("data/counts.csv and data/counts.xlsx are both in the project: keep one"),
        "{err}"
    );
}

/// The table-estimates fixture (counts with the office's `estimate,lower,upper`, in percent).
fn estimates_project() -> common::Project {
    let p = common::Project::example_with(&[]);
    p.overlay("table-estimates");
    p
}

/// Writes data/counts.csv of `p` as data/counts.xlsx whose estimate, lower and upper cells are
/// numbers (`33.4` or `33.4%` in the CSV) times `scale`, in `format`.
fn estimates_to_workbook(p: &common::Project, format: &Format, scale: f64) {
    let rows = common::parse_csv(&p.read("data/counts.csv"));
    table_to_workbook(p.root(), "data/counts.csv", |sheet| {
        for (c, header) in rows[0].iter().enumerate() {
            if !["estimate", "lower", "upper"].contains(&header.as_str()) {
                continue;
            }
            for (r, row) in rows.iter().enumerate().skip(1) {
                let cell = row[c].strip_suffix('%').unwrap_or(&row[c]);
                if let Ok(percent) = cell.parse::<f64>() {
                    sheet
                        .write_number_with_format(r as u32, c as u16, percent * scale, format)
                        .unwrap();
                }
            }
        }
    });
}

/// The style part of a workbook, to see which number formats the writer used.
fn styles_xml(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut xml).unwrap();
    xml
}

#[test]
fn estimates_formatted_as_percent_in_excel_read_as_the_percent_excel_shows() {
    let csv_files = estimates_project().build().files();
    // 0.334 in a cell formatted 0.0% is 33.4% to the reader; in the built-in `0%` Excel shows
    // 33%, and the cell still holds 33.4% (never the rounded figure); `0.00"%"` shows the number
    // as it is (33.4 → 33.40%), a % sign being text in quotes, so 33.4 is 33.4.
    let custom = |code| Format::new().set_num_format(code);
    for (format, code, scale) in [
        (custom("0.0%"), "0.0%", 0.01),
        (Format::new().set_num_format_index(9), "built-in 0%", 0.01),
        (custom("0.00\"%\""), "0.00\"%\"", 1.0),
    ] {
        let p = estimates_project();
        estimates_to_workbook(&p, &format, scale);
        let styles = styles_xml(&p.path("data/counts.xlsx"));
        if code.starts_with("built-in") {
            // Excel's built-in format 9, as Excel writes `0%`: not a format of the workbook's own.
            assert!(
                styles.contains("<xf numFmtId=\"9\"") && !styles.contains("<numFmt "),
                "{styles}"
            );
        } else {
            assert!(
                styles.contains(&format!("formatCode=\"{}\"", code.replace('"', "&quot;"))),
                "{styles}"
            );
        }
        let format = code;
        let site = p.build();
        let table = common::table_captioned(&site.page("regions/kita/q1/"), "北部: Q1");
        assert_eq!(
            table.row("導入している").td[..3],
            ["12", "33.4%", "24.1〜44.2%"],
            "{format}"
        );
        assert_eq!(
            table.row("予定なし").td[..3],
            ["18", "44.6%", "33.1〜56.7%"],
            "{format}"
        );
        // Every page, chart and download is the one the CSV with 33.4 gives.
        let files = site.files();
        assert_eq!(
            csv_files.keys().collect::<Vec<_>>(),
            files.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &csv_files {
            assert!(files[path] == *bytes, "{format}: {path} differs");
        }
    }
}

#[test]
fn a_respondent_cell_formatted_as_percent_reads_as_the_percent() {
    // The second respondent's ご意見 (empty in the rows above) is 0.125 shown as 12.5%.
    let n = New::run(
        |p| {
            forms_workbook(p, |sheet| {
                let percent = Format::new().set_num_format("0.0%");
                sheet
                    .write_number_with_format(2, 8, 0.125, &percent)
                    .unwrap();
            })
        },
        &[],
    );
    assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
    let out = n.run_build();
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let answers = common::answer_items(&n.page("regions/all/q3/"));
    assert!(answers.iter().any(|a| a == "12.5%"), "{answers:?}");
    assert!(!answers.iter().any(|a| a.contains("0.125")), "{answers:?}");
}
