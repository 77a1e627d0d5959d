//! Free text that could identify respondents is withheld, with a note saying so.

use std::collections::BTreeSet;

use super::FromRows;
use crate::model::{Count, Note, Survey};
use crate::render::strings::{Strings, fill};

/// Drops free-text answers that could identify respondents, leaving a note and recording them
/// as withheld: those of regions with fewer than `min` respondents (0: no such rule), and the
/// text typed into an その他 option whose count is hidden (listing it would count them).
/// The total computed from every row lists every answer, so when only one region's answers to a
/// question are withheld, the smallest other region's are too: otherwise the total minus the
/// shown regions would be exactly the withheld answers.
pub(super) fn withhold_text(survey: &mut Survey, min: u64, rows: Option<&FromRows>, t: &Strings) {
    let size = |r: &str| survey.respondents(r).value().unwrap_or(0);
    let small = |r: &str| min > 0 && size(r) < min;
    let has_answers = |r: &str, q: &str| survey.answers_for(r, q).next().is_some();
    let other_hidden = |r: &str, q: &str| {
        survey.answers_for(r, q).any(|a| {
            a.option
                .as_ref()
                .is_some_and(|o| survey.count(r, q, o) == Count::Suppressed)
        })
    };
    let mut withheld: BTreeSet<(String, String)> = BTreeSet::new();
    for q in &survey.questions {
        let mut regions: Vec<&str> = survey
            .regions
            .iter()
            .map(|r| r.id.as_str())
            .filter(|r| has_answers(r, &q.id) && (small(r) || other_hidden(r, &q.id)))
            .collect();
        if let Some(rows) = rows
            && let Some(total) = &rows.total
            && !regions.contains(&total.as_str())
            && regions
                .iter()
                .filter(|r| rows.regions.iter().any(|x| x == *r))
                .count()
                == 1
            && let Some(next) = rows
                .regions
                .iter()
                .filter(|r| !regions.contains(&r.as_str()) && has_answers(r, &q.id))
                .min_by_key(|r| size(r))
        {
            regions.push(next);
        }
        withheld.extend(regions.into_iter().map(|r| (r.to_string(), q.id.clone())));
    }
    // In codebook order, so the notes read in the order of the pages.
    let mut notes = Vec::new();
    for r in &survey.regions {
        for q in &survey.questions {
            if withheld.contains(&(r.id.clone(), q.id.clone())) {
                let text = if small(&r.id) {
                    fill(
                        t.withheld_note_small,
                        &[("n", &min.to_string()), ("unit", &survey.unit)],
                    )
                } else if other_hidden(&r.id, &q.id) {
                    t.withheld_note_other.to_string()
                } else {
                    t.withheld_note_protect.to_string()
                };
                notes.push(Note {
                    region: r.id.clone(),
                    question: q.id.clone(),
                    text,
                });
            }
        }
    }
    survey
        .data
        .answers
        .retain(|a| !withheld.contains(&(a.region.clone(), a.question.clone())));
    survey.data.withheld.extend(withheld);
    survey.notes.extend(notes);
}
