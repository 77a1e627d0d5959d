//! Integration tests of `surveysite build`: the real binary builds a copy of the example report
//! (or a fixture) in a temp folder, and the tests read the pages as a reader would.

#[path = "../common/mod.rs"]
mod common;

/// SYNTHETIC projects of many regions (made-up respondents), for the tests at scale.
#[allow(dead_code)]
#[path = "../../benches/support/synth.rs"]
mod synth;

mod charts;
mod errors;
mod links;
mod navigation;
mod numbers;
mod output;
mod pages;
mod project;
mod publish;
mod templates;
mod text_answers;
