//! Small-cell suppression: counts under the threshold are shown as `x`, then enough other cells
//! that no hidden count can be worked out from a published total.

use std::collections::HashMap;

use serde::Deserialize;

use super::FromRows;
use super::withhold::withhold_text;
use crate::model::{Count, QuestionKind, Survey};

/// `settings.suppression` in report.yaml: off unless given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Counts from 1 to `threshold - 1` are shown as `x`. A 0 stays: it describes nobody.
    pub threshold: u64,
    /// Free-text answers of a region with fewer respondents than this are withheld (0: never).
    #[serde(default)]
    pub min_respondents_for_text: u64,
}

/// A cell whose value is or can be hidden.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cell {
    Count(String, String, String),
    Crosstab(String, String, String, String),
}

/// A published figure that a set of cells adds up to.
#[derive(Debug, Clone)]
enum Total {
    /// Always shown (respondents of a region).
    Shown,
    /// A group's respondents in a region: always shown.
    Group {
        region: String,
        group: String,
    },
    /// A question's base made from other counts: hidden when any of them is.
    Base {
        region: String,
        question: String,
    },
    Cell(Cell),
}

/// `cells` add up to `total`: with only one of them hidden, it could be worked out.
#[derive(Debug, Clone)]
struct Constraint {
    cells: Vec<Cell>,
    total: Total,
}

fn get(survey: &Survey, cell: &Cell) -> Count {
    let found = match cell {
        Cell::Count(r, q, o) => survey.data.counts.get(&(r.clone(), q.clone(), o.clone())),
        Cell::Crosstab(r, q, g, o) => {
            survey
                .data
                .crosstab
                .get(&(r.clone(), q.clone(), g.clone(), o.clone()))
        }
    };
    found.copied().unwrap_or(Count::NotReported)
}

fn hide(survey: &mut Survey, cell: &Cell) {
    let slot = match cell {
        Cell::Count(r, q, o) => survey
            .data
            .counts
            .get_mut(&(r.clone(), q.clone(), o.clone())),
        Cell::Crosstab(r, q, g, o) => {
            survey
                .data
                .crosstab
                .get_mut(&(r.clone(), q.clone(), g.clone(), o.clone()))
        }
    };
    if let Some(c) = slot {
        *c = Count::Suppressed;
    }
}

/// Hides small counts (primary suppression), then enough other cells that no hidden count can
/// be worked out from a total (secondary), then free text of small regions. `rows` says which
/// regions add up to a computed total.
pub fn suppress_small_cells(survey: &mut Survey, s: &Suppression, rows: Option<&FromRows>) {
    suppress_small_cells_in(survey, s, rows, &crate::render::strings::JA);
}

/// `suppress_small_cells`, its notes in the words of `t` (report.yaml's language).
pub fn suppress_small_cells_in(
    survey: &mut Survey,
    s: &Suppression,
    rows: Option<&FromRows>,
    t: &crate::render::strings::Strings,
) {
    let small = |c: &mut Count| {
        if let Count::Value(v) = *c
            && v > 0
            && v < s.threshold
        {
            *c = Count::Suppressed;
        }
    };
    survey.data.counts.values_mut().for_each(small);
    survey.data.crosstab.values_mut().for_each(small);

    let constraints = constraints(survey, rows);
    let zeros = Zeros::of(survey, &constraints);
    // Hiding a cell can leave another constraint with one hidden cell: repeat until stable.
    // Each round hides at least one more cell, so this ends.
    loop {
        let mut changed = false;
        for c in &constraints {
            if let Some(cell) = secondary(survey, c, &zeros) {
                hide(survey, &cell);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    withhold_text(survey, s.min_respondents_for_text, rows, t);
}

/// The figure a constraint's cells add up to (`None`: a shown total, respondents).
fn total(survey: &Survey, c: &Constraint) -> Option<Count> {
    match &c.total {
        Total::Shown => None,
        Total::Group { region, group } => Some(survey.group_respondents(region, group)),
        Total::Base { region, question } => {
            let q = survey.question(question)?;
            Some(survey.base_count(region, q))
        }
        Total::Cell(cell) => Some(get(survey, cell)),
    }
}

/// The cells that are 0, each with the constraints it is a part of: while one of those totals
/// is shown as 0, the cell is known to be 0 whether shown or not (counts are never negative),
/// and hiding it protects nothing.
struct Zeros<'a> {
    constraints: &'a [Constraint],
    parts: HashMap<&'a Cell, Vec<usize>>,
}

impl<'a> Zeros<'a> {
    fn of(survey: &Survey, constraints: &'a [Constraint]) -> Zeros<'a> {
        let mut parts: HashMap<&Cell, Vec<usize>> = HashMap::new();
        for (i, c) in constraints.iter().enumerate() {
            for cell in &c.cells {
                if get(survey, cell) == Count::Value(0) {
                    parts.entry(cell).or_default().push(i);
                }
            }
        }
        Zeros { constraints, parts }
    }

    fn known(&self, survey: &Survey, cell: &Cell) -> bool {
        self.parts.get(cell).is_some_and(|list| {
            list.iter()
                .any(|&i| total(survey, &self.constraints[i]) == Some(Count::Value(0)))
        })
    }
}

/// The cell to hide so that the constraint's one hidden cell cannot be worked out, if any.
/// Only suppressed figures are hidden: a not-reported one (`…`, or a cell the data does not
/// give) is unknown to everyone, so a sum with such a part reveals nothing and is skipped.
/// A cell known to be 0 (`Zeros`) is chosen only when no other can be.
fn secondary(survey: &Survey, c: &Constraint, zeros: &Zeros) -> Option<Cell> {
    // Every figure of the sum, and the cell that holds it (none for a base or a shown total).
    let mut figures: Vec<(Count, Option<&Cell>)> = c
        .cells
        .iter()
        .map(|cell| (get(survey, cell), Some(cell)))
        .collect();
    match &c.total {
        Total::Shown | Total::Group { .. } => {}
        Total::Base { .. } => figures.push((total(survey, c)?, None)),
        Total::Cell(cell) => figures.push((get(survey, cell), Some(cell))),
    }
    let mut hidden = 0;
    let mut candidates: Vec<(u64, &Cell)> = Vec::new();
    for (count, cell) in figures {
        match count {
            Count::Value(v) => candidates.extend(cell.map(|cell| (v, cell))),
            // A hidden cell known to be 0 tells as much as a shown 0.
            Count::Suppressed if cell.is_some_and(|cell| zeros.known(survey, cell)) => {}
            Count::Suppressed => hidden += 1,
            Count::NotReported => return None,
        }
    }
    if hidden != 1 {
        return None;
    }
    // The smallest other figure: the least information lost; not one known to be 0.
    candidates
        .into_iter()
        .min_by_key(|(v, cell)| (*v == 0 && zeros.known(survey, cell), *v))
        .map(|(_, cell)| cell.clone())
}

/// Every additive relation between published figures.
fn constraints(survey: &Survey, rows: Option<&FromRows>) -> Vec<Constraint> {
    let mut out = Vec::new();
    let groups: Vec<String> = survey
        .dimension
        .as_ref()
        .map(|d| d.groups.iter().map(|g| g.id.clone()).collect())
        .unwrap_or_default();
    let crosstabbed = |q: &str| {
        survey
            .data
            .crosstab
            .keys()
            .any(|(_, question, _, _)| question == q)
    };
    for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
        let x = crosstabbed(&q.id);
        for r in &survey.regions {
            let count = |o: &str| Cell::Count(r.id.clone(), q.id.clone(), o.to_string());
            let cross = |g: &str, o: &str| {
                Cell::Crosstab(r.id.clone(), q.id.clone(), g.to_string(), o.to_string())
            };
            if q.kind == QuestionKind::Single {
                // The options add up to the base (those who left it blank aside).
                let base_is_derived = survey.base(&q.base).is_some_and(|b| b.from.is_some());
                out.push(Constraint {
                    cells: q.options.iter().map(|o| count(&o.id)).collect(),
                    total: if base_is_derived {
                        Total::Base {
                            region: r.id.clone(),
                            question: q.id.clone(),
                        }
                    } else {
                        Total::Shown
                    },
                });
                if x {
                    // Within a group, the options add up to the group's size.
                    for g in &groups {
                        out.push(Constraint {
                            cells: q.options.iter().map(|o| cross(g, &o.id)).collect(),
                            total: Total::Group {
                                region: r.id.clone(),
                                group: g.clone(),
                            },
                        });
                    }
                }
            }
            if x {
                // The groups add up to the region's count of the option.
                for o in &q.options {
                    out.push(Constraint {
                        cells: groups.iter().map(|g| cross(g, &o.id)).collect(),
                        total: Total::Cell(count(&o.id)),
                    });
                }
            }
        }
        // The regions add up to the total computed from every row.
        if let Some(rows) = rows
            && let Some(total) = &rows.total
            && rows.questions.contains(&q.id)
        {
            for o in &q.options {
                out.push(Constraint {
                    cells: rows
                        .regions
                        .iter()
                        .map(|r| Cell::Count(r.clone(), q.id.clone(), o.id.clone()))
                        .collect(),
                    total: Total::Cell(Cell::Count(total.clone(), q.id.clone(), o.id.clone())),
                });
                if x {
                    for g in &groups {
                        out.push(Constraint {
                            cells: rows
                                .regions
                                .iter()
                                .map(|r| {
                                    Cell::Crosstab(r.clone(), q.id.clone(), g.clone(), o.id.clone())
                                })
                                .collect(),
                            total: Total::Cell(Cell::Crosstab(
                                total.clone(),
                                q.id.clone(),
                                g.clone(),
                                o.id.clone(),
                            )),
                        });
                    }
                }
            }
        }
    }
    out
}
