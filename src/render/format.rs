//! How values are shown: counts, not-reported and suppressed marks, question labels. Every page,
//! chart and shortcode formats numbers through here, so they read the same everywhere.

use crate::model::{Count, Question, Survey};

/// The shown form of a value the source does not give.
pub const NOT_REPORTED: &str = "…";

pub fn format_count(count: Count) -> String {
    match count {
        Count::Value(v) => v.to_string(),
        Count::NotReported => NOT_REPORTED.into(),
        Count::Suppressed => crate::model::SUPPRESSED.into(),
    }
}

/// "Q1", "Q2" …: how a question is named in headings and links (its place in the codebook).
pub fn question_label(survey: &Survey, question: &Question) -> String {
    let n = survey
        .questions
        .iter()
        .position(|q| q.id == question.id)
        .unwrap_or(0)
        + 1;
    format!("Q{n}")
}

/// The title of the question's base (「全回答病院」), or "" when the codebook names none.
pub fn base_title(survey: &Survey, q: &Question) -> String {
    survey
        .base(&q.base)
        .map(|b| b.title.clone())
        .unwrap_or_default()
}
