//! Shortcode expansion benchmark: one commentary file with 100,000 shortcodes (one a line, and
//! all on one line), and one with 800,000 unclosed `{{`, expanded on the example's data.
//! `cargo bench --bench shortcodes`
//!
//! Figures, not assertions: timing targets live here, never in tests.

use std::path::Path;
use std::time::Instant;

use surveysite::load::content::Commentary;
use surveysite::render::shortcodes::{self, PageContext};

fn time(what: &str, body: String, survey: &surveysite::model::Survey) {
    let commentary = Commentary {
        file: "content/index.md".into(),
        page: String::new(),
        front: Default::default(),
        body,
        body_line: 1,
    };
    let started = Instant::now();
    let result = shortcodes::expand(
        &commentary,
        survey,
        PageContext::default(),
        true,
        &surveysite::render::strings::JA,
    );
    let elapsed = started.elapsed();
    let outcome = match &result {
        Ok(e) => format!("{} bytes of markdown", e.markdown.len()),
        Err(e) => format!("{} bytes of errors", format!("{e:#}").len()),
    };
    println!(
        "{what:<44} {:>9.1} ms  ({outcome})",
        elapsed.as_secs_f64() * 1000.0
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = surveysite::load::project(root).expect("loading the example");
    let survey = &project.survey;
    let call = r#"{{ count(q="q1", option="adopted", region="tokyo") }}"#;
    time(
        "100,000 shortcodes, one a line",
        format!("{call}\n").repeat(100_000),
        survey,
    );
    time(
        "100,000 shortcodes on one line",
        format!("{call} ").repeat(100_000),
        survey,
    );
    time("800,000 unclosed `{{`", "{{ ".repeat(800_000), survey);
}
