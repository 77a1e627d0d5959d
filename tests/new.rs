//! `surveysite new --from EXPORT.csv` on exports an adversary or a slip could give: the real
//! binary writes the project, then builds it, and the tests read what a reader (or the user at
//! the terminal) sees. Expected numbers are worked out by hand from the rows, beside them.

#[path = "common/mod.rs"]
mod common;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use tempfile::TempDir;

fn surveysite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
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

/// An export in a temp folder and the project `new --from` made of it.
struct New {
    tmp: TempDir,
    out: Output,
}

impl New {
    /// `surveysite new <tmp>/report --from <tmp>/export.csv [extra…]`.
    fn run(export: &[u8], extra: &[&str]) -> New {
        let tmp = tempfile::Builder::new()
            .prefix("surveysite-new-")
            .tempdir()
            .expect("creating a temp folder");
        fs::write(tmp.path().join("export.csv"), export).unwrap();
        let dir = tmp.path().join("report").display().to_string();
        let from = tmp.path().join("export.csv").display().to_string();
        let mut args = vec!["new", dir.as_str(), "--from", from.as_str()];
        args.extend_from_slice(extra);
        let out = surveysite(&args);
        New { tmp, out }
    }

    /// As `run`, and `new` must succeed.
    fn ok(export: &[u8], extra: &[&str]) -> New {
        let n = New::run(export, extra);
        assert!(n.out.status.success(), "new failed: {}", stderr(&n.out));
        n
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("report")
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    fn summary(&self) -> String {
        stdout(&self.out)
    }

    /// `surveysite build --root <project>`, which must succeed.
    fn build(&self) {
        let out = surveysite(&["build", "--root", &self.dir().display().to_string()]);
        assert!(
            out.status.success(),
            "the new project does not build: {}",
            stderr(&out)
        );
    }

    fn page(&self, site_path: &str) -> String {
        let file = self.dir().join("site").join(common::page_file(site_path));
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
    }

    /// site/data.csv rows of one region × question: "option count percent n=N".
    fn rows(&self, region: &str, question: &str) -> Vec<String> {
        let data = common::parse_csv(&self.read("site/data.csv"));
        data.iter()
            .filter(|r| r[0] == region && r[1] == question)
            .map(|r| format!("{} {} {} n={}", r[4], r[5], r[6], r[8]))
            .collect()
    }

    /// Every file `new` wrote under content/, relative path → text.
    fn commentary(&self) -> Vec<(String, String)> {
        common::files_under(&self.dir().join("content"))
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
            .collect()
    }
}

/// The text of a page's heading.
fn h1(html: &str) -> String {
    common::text(common::elements(html, "h1")[0])
}

#[test]
fn nothing_from_an_export_becomes_markup_a_shortcode_or_yaml() {
    // A region cell closing an HTML comment, a header holding a shortcode, a header with a line
    // break followed by a YAML key.
    let export = "地域,{{ config }} ご意見,\"Q9\ntitle: x\"
北,よい,はい
北,わるい,いいえ
南--><script>alert(1)</script>,ふつう,はい
南--><script>alert(1)</script>,よい,はい
";
    let n = New::ok(export.as_bytes(), &[]);
    // Before the fix: the shortcode scanner stopped the build at content/questions/q1/index.md.
    n.build();
    for (path, text) in n.commentary() {
        assert!(!text.contains("{{"), "{path}: {text}");
        assert!(!text.contains("<script"), "{path}: {text}");
        // No front matter key but the commented examples.
        assert!(
            !text.lines().any(|l| l.starts_with("title:")),
            "{path}: {text}"
        );
    }
    // The region page shows the cell as text, and no script runs.
    let codebook = n.read("data/codebook.yaml");
    let south = codebook
        .lines()
        .find(|l| l.contains("alert(1)") && l.contains("{ id: "))
        .unwrap_or_else(|| panic!("no region line in {codebook}"));
    let id = south
        .split("id: ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let page = n.page(&format!("regions/{id}/"));
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(
        h1(&page).contains("南--><script>alert(1)</script>"),
        "{}",
        h1(&page)
    );
    // The question whose header holds a line break has no commentary heading "x".
    let q2 = n.page("questions/q2/");
    for h2 in common::elements(&q2, "h2") {
        assert!(!common::text(h2).contains('x'), "{h2}");
    }
    assert_eq!(h1(&n.page("questions/q1/")), "Q1 {{ config }} ご意見");
}

#[test]
fn control_characters_and_colliding_region_values_still_build() {
    // DEL and C1 controls in a header and in cells; region values 全体 and all (the total's title
    // and id), and A beside a.
    let export = "地域,Q\u{7f}満足度\u{85}
全体,はい
全体,はい
all,いいえ
all,は\u{7f}い
A,は\u{7f}い
a,\u{9b}い\u{9b}
a,\u{9b}い\u{9b}
";
    let n = New::ok(export.as_bytes(), &[]);
    // Before the fix: YAML refused the raw DEL, then 全体 and a named two regions each.
    n.build();
    // The region 全体 is the two rows of that value; the total (under another title) all 7.
    assert!(
        n.rows("全体", "Q1")
            .contains(&"はい 2 100.0 n=2".to_string()),
        "{:?}",
        n.rows("全体", "Q1")
    );
    assert!(
        n.rows("all", "Q1")
            .contains(&"いいえ 1 50.0 n=2".to_string()),
        "{:?}",
        n.rows("all", "Q1")
    );
    assert!(n.rows("A", "Q1").iter().all(|r| r.ends_with("n=1")));
    assert!(n.rows("a", "Q1").iter().all(|r| r.ends_with("n=2")));
    let codebook = n.read("data/codebook.yaml");
    let total = codebook
        .lines()
        .find(|l| l.contains("total: true"))
        .unwrap();
    let title = total
        .split("title: \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_ne!(title, "全体");
    // "は\u{7f}い" is はい: control characters are no part of a value (as the loader reads it).
    assert!(
        n.rows(title, "Q1").contains(&"はい 4 57.1 n=7".to_string()),
        "{:?}",
        n.rows(title, "Q1")
    );
    // Every region has its own page (7 rows: 全体 2, all 2, A 1, a 2).
    let regions: Vec<&str> = codebook
        .lines()
        .filter(|l| l.starts_with("  - { id: "))
        .collect();
    assert_eq!(regions.len(), 5, "{codebook}");
}

/// `n` municipalities, two respondents each, under the header `header`.
fn municipalities(header: &str, n: usize) -> String {
    let mut s = format!("{header},Q1. 満足度\n");
    for i in 0..n {
        s.push_str(&format!("第{i}町,満足\n第{i}町,不満\n"));
    }
    s
}

#[test]
fn hundreds_of_regions_stay_the_region_column() {
    // 300 municipalities, named with --region-column: before the fix an error, or free text.
    let n = New::ok(
        municipalities("所在地", 300).as_bytes(),
        &["--region-column", "所在地"],
    );
    let summary = n.summary();
    assert!(summary.contains("region: 300 regions"), "{summary}");
    assert!(!summary.contains("no region column"), "{summary}");
    assert!(!summary.contains("free text"), "{summary}");
    let codebook = n.read("data/codebook.yaml");
    assert_eq!(
        codebook
            .lines()
            .filter(|l| l.starts_with("  - { id: "))
            .count(),
        301,
        "{codebook}"
    );
    assert!(
        codebook.contains("  region: { column: \"所在地\" }"),
        "{codebook}"
    );

    // Found by its header, without --region-column, and the project builds (201: one past the
    // distinct values a question may have; every region's chart is drawn, so not 300 here).
    let n = New::ok(municipalities("市区町村", 201).as_bytes(), &[]);
    assert!(
        n.summary()
            .contains("region: 201 regions (\"第0町\" 2, \"第1町\" 2, \"第2町\" 2,"),
        "{}",
        n.summary()
    );
    n.build();
    assert_eq!(
        n.rows("第200町", "Q1"),
        ["満足 1 50.0 n=2", "不満 1 50.0 n=2"]
    );
    assert!(
        n.rows("全体", "Q1")
            .contains(&"満足 201 50.0 n=402".to_string()),
        "{:?}",
        n.rows("全体", "Q1")
    );
}

#[test]
fn the_summary_and_errors_quote_and_shorten_what_comes_from_data() {
    let long = "長".repeat(100_000);
    let export = format!(
        "地域,{long},Q2\n\u{1b}[31m北,はい,a\n\u{1b}[31m北,いいえ,b\n南,はい,a\n南,はい,b\n"
    );
    let n = New::ok(export.as_bytes(), &[]);
    let summary = n.summary();
    let head: String = summary.chars().take(600).collect();
    assert!(!summary.contains('\u{1b}'), "{head:?}");
    // Control characters are no part of a value: the region is "[31m北".
    assert!(summary.contains("\"[31m北\""), "{head}");
    for line in summary.lines() {
        assert!(line.chars().count() < 300, "a line of {} chars", line.len());
    }
    n.build();

    // An error names the columns, each shortened, and runs no escape sequence.
    let export = format!("{long},\u{1b}[2J地域\nx,y\n");
    let n = New::run(export.as_bytes(), &["--region-column", "Nope"]);
    assert!(!n.out.status.success());
    let err = stderr(&n.out);
    assert!(err.len() < 1000, "{} bytes of error", err.len());
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("\"\\u{1b}[2J地域\""), "{err}");
    assert!(err.contains("(the columns are: "), "{err}");
}

#[test]
fn a_comma_in_a_single_choice_label_stays_single_choice() {
    // 「はい, 一部の部署で」 is one option of a single choice; its pieces are never chosen apart.
    let export = "地域,導入状況
北,はい
北,\"はい, 一部の部署で\"
北,いいえ
南,\"はい, 一部の部署で\"
南,いいえ
南,はい
";
    let n = New::ok(export.as_bytes(), &[]);
    assert!(
        n.summary().contains("q1 single choice, 3 options"),
        "{}",
        n.summary()
    );
    n.build();
    // 北: はい 1, はい, 一部の部署で 1, いいえ 1 of 3.
    assert!(
        n.rows("北", "Q1")
            .contains(&"はい, 一部の部署で 1 33.3 n=3".to_string()),
        "{:?}",
        n.rows("北", "Q1")
    );
    // The hint about a multiple choice read as single names this question.
    assert!(
        n.summary()
            .contains("q1: 2 answers hold a comma (\"はい, 一部の部署で\")"),
        "{}",
        n.summary()
    );

    // Answers that combine options chosen elsewhere too are still multiple choice.
    let export = "地域,メリット
北,\"情報共有, 検査の減少\"
北,情報共有
北,\"検査の減少, 費用\"
南,費用
南,\"情報共有, 費用\"
南,検査の減少
";
    let n = New::ok(export.as_bytes(), &[]);
    assert!(
        n.summary()
            .contains("q1 multiple choice (\", \"), 3 options"),
        "{}",
        n.summary()
    );
}

#[test]
fn what_a_newcomer_reads_is_clear() {
    let export = "二次医療圏,Q1. 訪問看護との連携,問2．導入状況,Q3 ご意見
区西南部,している,はい,早く
区西南部,していない,はい,
区南部,している,いいえ,遅い
区南部,している,いいえ,
区南部,していない,たぶん,
";
    let n = New::ok(export.as_bytes(), &[]);
    n.build();
    // The header's own numbering is not repeated after the site's.
    assert_eq!(h1(&n.page("questions/q1/")), "Q1 訪問看護との連携");
    assert_eq!(h1(&n.page("questions/q2/")), "Q2 導入状況");
    let codebook = n.read("data/codebook.yaml");
    assert!(
        codebook.contains("    title: \"訪問看護との連携\""),
        "{codebook}"
    );
    assert!(
        codebook.contains("    q1: { column: \"Q1. 訪問看護との連携\" }"),
        "{codebook}"
    );
    // No pointer to docs/ files the project does not have.
    for f in ["report.yaml", "data/codebook.yaml"] {
        let text = n.read(f);
        assert!(!text.contains("docs/"), "{f}: {text}");
    }
    // The starter commentary speaks Japanese only (front matter keys and Markdown aside).
    for (path, text) in n.commentary() {
        let english: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3 && !["title", "summary", "Markdown"].contains(w))
            .collect();
        assert!(english.is_empty(), "{path}: {english:?} in {text}");
    }
    let summary = n.summary();
    // "1 value", not "1 values".
    assert!(
        summary.contains("q2: 1 value appears only once (\"たぶん\")"),
        "{summary}"
    );
    // No generic multiple-choice hint: no single choice here holds a comma.
    assert!(!summary.contains("multiple-choice"), "{summary}");
    // The header column starts at the same display width on every line (full-width = 2).
    let width = |s: &str| {
        s.chars()
            .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum::<usize>()
    };
    let starts: Vec<usize> = summary
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .map(|l| width(&l[..l.rfind(" \"").unwrap()]))
        .collect();
    assert_eq!(starts.len(), 4, "{summary}");
    assert!(
        starts.iter().all(|&s| s == starts[0]),
        "{starts:?}\n{summary}"
    );

    // A region column that is no column: the columns there are, when none is close.
    let n2 = New::run(export.as_bytes(), &["--region-column", "Nope"]);
    assert_eq!(
        stderr(&n2.out).trim_end(),
        format!(
            "error: --region-column: \"Nope\" is not a column of {} (the columns are: \"二次医療圏\", \"Q1. 訪問看護との連携\", \"問2．導入状況\", \"Q3 ご意見\")",
            n2.tmp.path().join("export.csv").display()
        )
    );

    // `check` suggests the file the docs name for a region × question page.
    let out = surveysite(&["check", "--root", &n.dir().display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = stdout(&out);
    assert!(
        check.contains("no commentary yet: /regions/r1/q1/ (content/regions/r1/q1.md)"),
        "{check}"
    );
    let docs = fs::read_to_string(common::manifest_dir().join("docs/from-forms.md")).unwrap();
    assert!(docs.contains("content/regions/r1/q1.md"));

    // The .gitignore keeps the built site and the chart cache out of git.
    let gitignore = n.read(".gitignore");
    for line in ["site/", ".surveysite-cache/"] {
        assert!(gitignore.lines().any(|l| l == line), "{gitignore}");
    }
}

#[test]
fn the_starter_project_points_to_no_missing_docs() {
    let tmp = tempfile::Builder::new()
        .prefix("surveysite-new-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().join("report");
    let out = surveysite(&["new", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in ["report.yaml", "data/codebook.yaml"] {
        let text = fs::read_to_string(dir.join(f)).unwrap();
        assert!(!text.contains("docs/"), "{f}: {text}");
    }
    let gitignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    for line in ["site/", ".surveysite-cache/"] {
        assert!(gitignore.lines().any(|l| l == line), "{gitignore}");
    }
}

#[test]
fn rows_without_a_region_are_named_by_line() {
    // Lines 3 and 5 have no region: the loader refuses them, so the summary says where.
    let export = "地域,Q1\n北,はい\n,いいえ\n南,はい\n,はい\n南,いいえ\n";
    let n = New::ok(export.as_bytes(), &[]);
    assert!(
        n.summary()
            .contains("2 rows have no region (lines 3, 5): the build stops at them"),
        "{}",
        n.summary()
    );
}

#[test]
fn region_values_yaml_would_misread_still_build() {
    // As unquoted ids, null is no id at all and 0x1f or yes are not text to every YAML reader.
    let export = "地域,Q1\nnull,はい\nnull,いいえ\n0x1f,はい\nyes,はい\n";
    let n = New::ok(export.as_bytes(), &[]);
    // Before the fix: `data/codebook.yaml:8:11: cannot deserialize null into string`.
    n.build();
    assert_eq!(
        n.rows("null", "Q1"),
        ["はい 1 50.0 n=2", "いいえ 1 50.0 n=2"]
    );
    assert_eq!(
        n.rows("0x1f", "Q1"),
        ["はい 1 100.0 n=1", "いいえ 0 0.0 n=1"]
    );
    // A Japanese export (地域, はい): the codebook's comments are Japanese, 「1行」.
    assert!(n.read("data/codebook.yaml").contains("# 1行\n"));
}

/// An export in English: headers, regions and answers (the interface language is read from it).
const ENGLISH_EXPORT: &str = "Timestamp,Region,Q1. Do you use a regional care network system?,Q2. What has it improved?,Q3. Comments
2025/04/01 10:00:00,North,Yes,\"Information sharing, Fewer duplicate tests\",Faster transfers please
2025/04/01 10:10:00,North,No,,
2025/04/01 11:00:00,South,Yes,Information sharing,
2025/04/01 12:30:00,South,No,\"Information sharing, Fewer duplicate tests\",One login
2025/04/02 09:00:00,North,Yes,Fewer duplicate tests,
2025/04/02 09:30:00,South,No,,
";

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    })
}

#[test]
fn an_english_export_gets_an_english_interface_and_says_so() {
    let n = New::ok(ENGLISH_EXPORT.as_bytes(), &[]);
    let summary = n.summary();
    assert!(
        summary.contains("interface language: en (0% of the export's letters are Japanese/CJK"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "run again with --lang ja or set `language:` in report.yaml (supported: ja, en)"
        ),
        "{summary}"
    );
    assert!(n.read("report.yaml").contains("\nlanguage: en "));
    // What new writes is English too: comments, starter commentary, the total, the base.
    for file in ["report.yaml", "data/codebook.yaml"] {
        assert!(!has_cjk(&n.read(file)), "{file}:\n{}", n.read(file));
    }
    for (path, text) in n.commentary() {
        assert!(!has_cjk(&text), "{path}: {text}");
    }
    assert!(
        n.read("data/codebook.yaml")
            .contains("title: \"All regions\", total: true")
    );
    n.build();
    let home = n.page("");
    assert!(home.contains("<html lang=\"en\">"));
    assert!(common::text(&home).contains("Home Regions Questions"));
    for page in common::files_under(&n.dir().join("site")).into_keys() {
        if page.ends_with(".html") {
            let html = n.read(&format!("site/{page}"));
            assert!(!has_cjk(&html), "site/{page} has Japanese text");
        }
    }
    let q1 = n.page("regions/north/q1/");
    assert!(q1.contains("<th scope=\"col\">Answer</th>"), "{q1}");
    assert!(common::text(&q1).contains("Base: All respondents (n=3)"));
}

#[test]
fn lang_overrides_what_the_export_suggests() {
    let n = New::ok(ENGLISH_EXPORT.as_bytes(), &["--lang", "ja"]);
    assert!(
        n.summary()
            .contains("interface language: ja (given with --lang)"),
        "{}",
        n.summary()
    );
    assert!(n.read("report.yaml").contains("\nlanguage: ja "));
    assert!(
        n.read("content/index.md")
            .contains("ここに、このページの解説を Markdown で書きます。")
    );
    n.build();
    let home = n.page("");
    assert!(home.contains("<html lang=\"ja\">"));
    assert!(home.contains(">ホーム</a>"));

    let bad = New::run(ENGLISH_EXPORT.as_bytes(), &["--lang", "fr"]);
    assert!(!bad.out.status.success());
    assert!(
        stderr(&bad.out)
            .contains("--lang \"fr\": no interface strings for this language (supported: ja, en)"),
        "{}",
        stderr(&bad.out)
    );
    assert!(
        !bad.dir().exists(),
        "nothing is written after a refused --lang"
    );
}

#[test]
fn a_japanese_export_gets_a_japanese_interface() {
    let export = "タイムスタンプ,地区,Q1. 図書館をどのくらい利用していますか,Q2. ご意見
2025/04/01 10:00:00,東地区,週に1回以上,開館時間を延ばしてほしい
2025/04/01 10:10:00,東地区,月に1回程度,
2025/04/02 09:00:00,西地区,週に1回以上,Wi-Fi がほしい
2025/04/02 09:30:00,西地区,月に1回程度,
";
    let n = New::ok(export.as_bytes(), &[]);
    assert!(
        n.summary().contains("interface language: ja ("),
        "{}",
        n.summary()
    );
    assert!(n.summary().contains("run again with --lang en"));
    assert!(n.read("report.yaml").contains("\nlanguage: ja "));
    let codebook = n.read("data/codebook.yaml");
    assert!(
        codebook.contains("title: \"全体\", total: true"),
        "{codebook}"
    );
    assert!(
        codebook
            .contains("# 調査の内容。`surveysite new --from` が \"export.csv\" から推定しました。")
    );
    n.build();
    assert!(n.page("").contains("<html lang=\"ja\">"));
}
