//! Bad input: the build fails with `file:line` and a message a person can act on, and leaves
//! the previously built site exactly as it was.
//!
//! Each test builds the example once, breaks one line of its input, and builds again. Line
//! numbers are those of the broken line in the copied file (found by `replace_line`), so the
//! tests keep pointing at the right line when the example data grows.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fs;

use crate::common::*;

/// The example, built once into ROOT/site, with a snapshot of what was written.
struct BuiltOnce {
    project: Project,
    before: BTreeMap<String, Vec<u8>>,
    siblings: BTreeSet<String>,
}

fn root_entries(project: &Project) -> BTreeSet<String> {
    fs::read_dir(project.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

impl BuiltOnce {
    fn example() -> BuiltOnce {
        let project = Project::example();
        let before = project.build().files();
        assert!(before.contains_key("index.html"));
        let siblings = root_entries(&project);
        BuiltOnce {
            project,
            before,
            siblings,
        }
    }

    /// Builds again and checks the build fails with `location` (e.g. "data/counts.csv:5:")
    /// followed on the same line by every one of `message`, and that the site is unchanged.
    /// Returns the error line.
    fn assert_rejected(&self, location: &str, message: &[&str]) -> String {
        let out = self.project.run_build(&self.project.path("site"), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success(),
            "the build should fail; stderr:\n{stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "the binary panicked:\n{stderr}"
        );
        let line = stderr
            .lines()
            .find(|l| l.contains(location))
            .unwrap_or_else(|| panic!("stderr should name {location:?}; it is:\n{stderr}"));
        let after = &line[line.find(location).unwrap() + location.len()..];
        // `file:line:` may be followed by a column: `file:line:column:`
        let after = after
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(':');
        assert!(
            after.starts_with(' '),
            "{location:?} should be a whole `file:line[:column]:` prefix: {line:?}"
        );
        for part in message {
            assert!(
                line.contains(part),
                "the error should say {part:?}: {line:?}"
            );
        }
        let after_files = files_under(&self.project.path("site"));
        assert_eq!(
            after_files.keys().collect::<Vec<_>>(),
            self.before.keys().collect::<Vec<_>>(),
            "a failed build changed the output's file list"
        );
        for (file, bytes) in &self.before {
            assert!(after_files[file] == *bytes, "a failed build changed {file}");
        }
        assert_eq!(
            root_entries(&self.project),
            self.siblings,
            "a failed build left files beside the output"
        );
        line.to_string()
    }
}

const COUNTS: &str = "data/counts.csv";
const ANSWERS: &str = "data/answers.csv";
const CODEBOOK: &str = "data/codebook.yaml";

#[test]
fn counts_option_not_in_the_codebook() {
    let b = BuiltOnce::example();
    let line = b.project.replace_line(
        COUNTS,
        "ku-seinanbu,q1,planned,3",
        "ku-seinanbu,q1,plannedd,3",
    );
    b.assert_rejected(
        &format!("{COUNTS}:{line}:"),
        &["\"plannedd\"", "q1", "did you mean \"planned\"?"],
    );
}

#[test]
fn counts_count_larger_than_its_base() {
    // Q2 is asked of the 4 adopted hospitals of 区西南部
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "ku-seinanbu,q2,a,2", "ku-seinanbu,q2,a,5");
    b.assert_rejected(
        &format!("{COUNTS}:{line}:"),
        &["5", "larger than", "base", "(4"],
    );
}

#[test]
fn counts_single_choice_options_adding_up_to_more_than_the_base() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "ku-seinanbu,q1,none,9", "ku-seinanbu,q1,none,10");
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["add up to 17", "16"]);
}

#[test]
fn counts_region_not_in_the_codebook() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "tokyo,q1,planned,51", "osaka,q1,planned,51");
    b.assert_rejected(
        &format!("{COUNTS}:{line}:"),
        &["\"osaka\"", "not in the codebook"],
    );
}

#[test]
fn answers_region_typo_suggests_the_region() {
    let b = BuiltOnce::example();
    let line = b.project.replace_line(
        ANSWERS,
        "ku-seinanbu,q6,,電話、Webカンファレンス",
        "ku-seinanbuu,q6,,電話、Webカンファレンス",
    );
    b.assert_rejected(
        &format!("{ANSWERS}:{line}:"),
        &["\"ku-seinanbuu\"", "did you mean \"ku-seinanbu\"?"],
    );
}

#[test]
fn codebook_key_without_colon() {
    let b = BuiltOnce::example();
    let line = b.project.replace_line(CODEBOOK, "regions:", "regions");
    b.assert_rejected(&format!("{CODEBOOK}:{line}:"), &["expected ':'"]);
}

#[test]
fn codebook_unclosed_quote() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(CODEBOOK, "    title: 区西南部", "    title: \"区西南部");
    b.assert_rejected(&format!("{CODEBOOK}:{line}:"), &["unclosed quote"]);
}

#[test]
fn codebook_mismatched_bracket() {
    let b = BuiltOnce::example();
    let line = b.project.replace_line(
        CODEBOOK,
        "    from: { question: q1, options: [adopted] }",
        "    from: { question: q1, options: [adopted }",
    );
    b.assert_rejected(&format!("{CODEBOOK}:{line}:"), &["bracket"]);
}

const COMMENTARY: &str = "content/regions/ku-seinanbu/q1.md";

#[test]
fn front_matter_without_its_closing_line() {
    let b = BuiltOnce::example();
    let text = b.project.read(COMMENTARY);
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines[0].trim_end(), "---");
    let close = 1 + lines[1..]
        .iter()
        .position(|l| l.trim_end() == "---")
        .expect("a closing ---");
    lines.remove(close);
    b.project.write(COMMENTARY, &lines.concat());
    // the front matter that never ends starts on line 1
    b.assert_rejected(&format!("{COMMENTARY}:1:"), &["closing `---`"]);
}

/// The line of the example's commentary file starting with `key: `.
fn front_matter_line(project: &Project, key: &str) -> String {
    project
        .read(COMMENTARY)
        .lines()
        .find(|l| l.starts_with(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("{COMMENTARY} has no {key}:"))
        .to_string()
}

#[test]
fn front_matter_with_an_unclosed_quote() {
    let b = BuiltOnce::example();
    let old = front_matter_line(&b.project, "summary");
    let new = old.replacen("summary: ", "summary: \"", 1);
    let line = b.project.replace_line(COMMENTARY, &old, &new);
    b.assert_rejected(&format!("{COMMENTARY}:{line}:"), &["unclosed quote"]);
}

#[test]
fn front_matter_with_a_mapping_in_a_value() {
    let b = BuiltOnce::example();
    let old = front_matter_line(&b.project, "title");
    let line = b
        .project
        .replace_line(COMMENTARY, &old, "title: 見出し: 副題");
    b.assert_rejected(
        &format!("{COMMENTARY}:{line}:"),
        &["mapping values are not allowed"],
    );
}

#[test]
fn csv_row_with_too_many_fields() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "ku-seinanbu,q1,none,9", "ku-seinanbu,q1,none,9,1");
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["5 fields", "expected 4"]);
}

#[test]
fn csv_row_with_too_few_fields() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "tokyo,q1,none,119", "tokyo,q1");
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["2 fields", "expected 4"]);
}

#[test]
fn answer_with_an_unquoted_comma() {
    // an ASCII comma typed into an answer splits it into one field too many
    let b = BuiltOnce::example();
    let line = b.project.replace_line(
        ANSWERS,
        "ku-seinanbu,q6,,電話、Webカンファレンス",
        "ku-seinanbu,q6,,電話, Webカンファレンス",
    );
    b.assert_rejected(&format!("{ANSWERS}:{line}:"), &["5 fields", "expected 4"]);
}

#[test]
fn csv_line_numbers_count_comments_blank_lines_and_multi_line_answers() {
    let b = BuiltOnce::example();
    let counts = b.project.read(COUNTS);
    let (header, rest) = counts.split_once('\n').unwrap();
    b.project.write(
        COUNTS,
        &format!("{header}\n# 出典: 資料\n\n# 区西南部\n{rest}"),
    );
    let line = b.project.replace_line(
        COUNTS,
        "ku-seinanbu,q1,planned,3",
        "ku-seinanbu,q1,plannedd,3",
    );
    assert_eq!(line, b.project.line_of(COUNTS, "ku-seinanbu,q1,plannedd,3"));
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["\"plannedd\""]);

    // a quoted answer over three lines, then a bad row
    let b = BuiltOnce::example();
    let answers = b.project.read(ANSWERS);
    b.project.write(
        ANSWERS,
        &format!("{answers}ku-seinanbu,q7,,\"一行目\n二行目\n三行目\"\nosaka,q7,,回答\n"),
    );
    let line = b.project.line_of(ANSWERS, "osaka,q7,,回答");
    b.assert_rejected(&format!("{ANSWERS}:{line}:"), &["\"osaka\""]);
}

/// Rewrites a file with Windows line endings, as Excel saves CSV.
fn to_crlf(project: &Project, rel: &str) {
    let text = project
        .read(rel)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    project.write(rel, &text);
}

#[test]
fn csv_line_numbers_with_crlf_line_endings() {
    let b = BuiltOnce::example();
    to_crlf(&b.project, COUNTS);
    let line = b
        .project
        .replace_line(COUNTS, "ku-seinanbu,q2,a,2", "ku-seinanbu,q2,a,5");
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["larger than"]);
}

#[test]
fn csv_field_count_error_with_crlf_line_endings() {
    let b = BuiltOnce::example();
    to_crlf(&b.project, COUNTS);
    let line = b
        .project
        .replace_line(COUNTS, "ku-seinanbu,q1,none,9", "ku-seinanbu,q1,none,9,1");
    b.assert_rejected(&format!("{COUNTS}:{line}:"), &["5 fields"]);
}

#[test]
fn codebook_line_numbers_with_crlf_line_endings() {
    let b = BuiltOnce::example();
    to_crlf(&b.project, CODEBOOK);
    let line = b
        .project
        .replace_line(CODEBOOK, "    title: 区西南部", "    title: \"区西南部");
    b.assert_rejected(&format!("{CODEBOOK}:{line}:"), &["unclosed quote"]);
}

#[test]
fn a_count_that_is_not_a_number_is_one_problem_not_two() {
    let b = BuiltOnce::example();
    let line = b
        .project
        .replace_line(COUNTS, "tokyo,q2,a,55", "tokyo,q2,a,-55");
    let stderr = b.assert_rejected(
        &format!("{COUNTS}:{line}:"),
        &[
            "count \"-55\" is not a whole number",
            "write … for a value the source does not report",
        ],
    );
    // The row is there: no "no row for …" on top of it.
    assert!(!stderr.contains("no row for"), "{stderr}");
    assert!(!stderr.contains("problems"), "one problem only: {stderr}");
}
