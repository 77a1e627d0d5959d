//! Respondent rows → counts per region (and the all-regions total), then small-cell suppression.
//! Only counts are kept while rows stream by: memory follows regions × questions × options, not
//! the number of rows (free-text answers, which are shown verbatim, are the exception).

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::model::{Answer, Count, Note, QuestionKind, Survey};

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

/// One respondent's answers, as codebook indexes. Reused row after row.
#[derive(Debug, Default)]
pub struct Respondent {
    /// Index into `survey.regions`.
    pub region: usize,
    /// Index into the dimension's groups.
    pub group: Option<usize>,
    /// Per question index: the chosen option indexes (no duplicates).
    pub chosen: Vec<Vec<usize>>,
    /// Free text: question index, the その他 option index (or `None` for a text question), text.
    pub texts: Vec<(usize, Option<usize>, String)>,
}

impl Respondent {
    pub fn clear(&mut self, questions: usize) {
        self.chosen.resize_with(questions, Vec::new);
        self.chosen.iter_mut().for_each(Vec::clear);
        self.texts.clear();
        self.group = None;
    }
}

#[derive(Debug, Clone)]
struct RegionTally {
    respondents: u64,
    groups: Vec<u64>,
    /// question → option
    counts: Vec<Vec<u64>>,
    /// question → group → option (empty for questions not cross-tabbed)
    crosstab: Vec<Vec<Vec<u64>>>,
}

/// Counts being built from respondent rows.
#[derive(Debug)]
pub struct Tally {
    regions: Vec<RegionTally>,
    /// The region every row also counts toward (the codebook's `total: true` region).
    total: Option<usize>,
    answers: Vec<(usize, usize, Option<usize>, String)>,
}

/// What came from respondent rows, for checks and suppression.
#[derive(Debug, Clone, Default)]
pub struct FromRows {
    /// The responses file, as shown in messages.
    pub file: String,
    /// Regions (not the total) that have rows.
    pub regions: Vec<String>,
    /// The total region, when computed from every row.
    pub total: Option<String>,
    /// Questions counted from the rows.
    pub questions: Vec<String>,
    pub rows: u64,
}

impl Tally {
    /// `options[q]`: the number of options of question q that is counted (0: not counted);
    /// `crosstab[q]`: whether q is split by the dimension's `groups` groups.
    pub fn new(
        regions: usize,
        options: &[usize],
        groups: usize,
        crosstab: &[bool],
        total: Option<usize>,
    ) -> Tally {
        let region = RegionTally {
            respondents: 0,
            groups: vec![0; groups],
            counts: options.iter().map(|&n| vec![0; n]).collect(),
            crosstab: options
                .iter()
                .zip(crosstab)
                .map(|(&n, &x)| {
                    if x {
                        vec![vec![0; n]; groups]
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
        };
        Tally {
            regions: vec![region; regions],
            total,
            answers: Vec::new(),
        }
    }

    /// Counts one respondent toward their region and the total; takes their texts.
    pub fn add(&mut self, r: &mut Respondent) {
        let targets = [Some(r.region), self.total.filter(|&t| t != r.region)];
        for t in targets.into_iter().flatten() {
            let region = &mut self.regions[t];
            region.respondents += 1;
            if let Some(g) = r.group {
                region.groups[g] += 1;
            }
            for (q, chosen) in r.chosen.iter().enumerate() {
                for &o in chosen {
                    region.counts[q][o] += 1;
                    if let (Some(g), Some(groups)) = (r.group, region.crosstab.get_mut(q))
                        && !groups.is_empty()
                    {
                        groups[g][o] += 1;
                    }
                }
            }
        }
        for (q, o, text) in r.texts.drain(..) {
            self.answers.push((r.region, q, o, text));
        }
    }

    pub fn respondents(&self, region: usize) -> u64 {
        self.regions[region].respondents
    }

    /// Writes the counts into the survey: every region that has rows, and the total.
    pub fn write(self, survey: &mut Survey, file: &str) -> FromRows {
        let mut from = FromRows {
            file: file.to_string(),
            total: self.total.map(|t| survey.regions[t].id.clone()),
            rows: self.total.map_or_else(
                || self.regions.iter().map(|r| r.respondents).sum(),
                |t| self.regions[t].respondents,
            ),
            ..FromRows::default()
        };
        let counted: Vec<usize> = self
            .regions
            .first()
            .map(|r| {
                r.counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(q, _)| q)
                    .collect()
            })
            .unwrap_or_default();
        from.questions = counted
            .iter()
            .map(|&q| survey.questions[q].id.clone())
            .collect();
        let data = &mut survey.data;
        data.rows_file = Some(file.to_string());
        for (ri, tally) in self.regions.iter().enumerate() {
            let is_total = Some(ri) == self.total;
            if tally.respondents == 0 && !is_total {
                continue;
            }
            let region = survey.regions[ri].id.clone();
            if !is_total {
                from.regions.push(region.clone());
            }
            data.respondents.insert(region.clone(), tally.respondents);
            if let Some(d) = &survey.dimension {
                for (g, n) in d.groups.iter().zip(&tally.groups) {
                    data.group_respondents
                        .insert((region.clone(), g.id.clone()), *n);
                }
            }
            for &q in &counted {
                let question = &survey.questions[q];
                for (o, n) in question.options.iter().zip(&tally.counts[q]) {
                    data.counts.insert(
                        (region.clone(), question.id.clone(), o.id.clone()),
                        Count::Value(*n),
                    );
                }
                if let Some(d) = &survey.dimension {
                    for (g, counts) in d.groups.iter().zip(&tally.crosstab[q]) {
                        for (o, n) in question.options.iter().zip(counts) {
                            data.crosstab.insert(
                                (
                                    region.clone(),
                                    question.id.clone(),
                                    g.id.clone(),
                                    o.id.clone(),
                                ),
                                Count::Value(*n),
                            );
                        }
                    }
                }
            }
        }
        let answer = |region: usize, q: usize, o: Option<usize>, text: &str| {
            let question = &survey.questions[q];
            Answer {
                region: survey.regions[region].id.clone(),
                question: question.id.clone(),
                option: o.map(|o| question.options[o].id.clone()),
                text: text.to_string(),
            }
        };
        let mut answers: Vec<Answer> = self
            .answers
            .iter()
            .map(|(r, q, o, t)| answer(*r, *q, *o, t))
            .collect();
        if let Some(t) = self.total {
            // The total lists every answer too, unless the rows already belong to it.
            answers.extend(
                self.answers
                    .iter()
                    .filter(|(r, ..)| *r != t)
                    .map(|(_, q, o, text)| answer(t, *q, *o, text)),
            );
        }
        survey.data.answers.extend(answers);
        from
    }
}

/// A cell whose value is or can be hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Count(String, String, String),
    Crosstab(String, String, String, String),
}

/// A published figure that a set of cells adds up to.
#[derive(Debug, Clone)]
enum Total {
    /// Always shown (respondents of a region or group).
    Shown,
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
    // Hiding a cell can leave another constraint with one hidden cell: repeat until stable.
    // Each round hides at least one more cell, so this ends.
    loop {
        let mut changed = false;
        for c in &constraints {
            if let Some(cell) = secondary(survey, c) {
                hide(survey, &cell);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    withhold_text(survey, s.min_respondents_for_text, rows);
}

/// The cell to hide so that the constraint's one hidden cell cannot be worked out, if any.
/// Only suppressed figures are hidden: a not-reported one (`…`, or a cell the data does not
/// give) is unknown to everyone, so a sum with such a part reveals nothing and is skipped.
fn secondary(survey: &Survey, c: &Constraint) -> Option<Cell> {
    // Every figure of the sum, and the cell that holds it (none for a base or a shown total).
    let mut figures: Vec<(Count, Option<&Cell>)> = c
        .cells
        .iter()
        .map(|cell| (get(survey, cell), Some(cell)))
        .collect();
    match &c.total {
        Total::Shown => {}
        Total::Base { region, question } => {
            let q = survey.question(question)?;
            figures.push((survey.base_count(region, q), None));
        }
        Total::Cell(cell) => figures.push((get(survey, cell), Some(cell))),
    }
    let mut hidden = 0;
    let mut candidates: Vec<(u64, &Cell)> = Vec::new();
    for (count, cell) in figures {
        match count {
            Count::Value(v) => candidates.extend(cell.map(|cell| (v, cell))),
            Count::Suppressed => hidden += 1,
            Count::NotReported => return None,
        }
    }
    if hidden != 1 {
        return None;
    }
    // The smallest other figure: the least information lost.
    candidates
        .into_iter()
        .min_by_key(|(v, _)| *v)
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
                            total: Total::Shown,
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

/// Drops free-text answers that could identify respondents, leaving a note and recording them
/// as withheld: those of regions with fewer than `min` respondents (0: no such rule), and the
/// text typed into an その他 option whose count is hidden (listing it would count them).
/// The total computed from every row lists every answer, so when only one region's answers to a
/// question are withheld, the smallest other region's are too: otherwise the total minus the
/// shown regions would be exactly the withheld answers.
fn withhold_text(survey: &mut Survey, min: u64, rows: Option<&FromRows>) {
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
                let why = if small(&r.id) {
                    format!("回答者が{min}{}未満の地域のため", survey.unit)
                } else if other_hidden(&r.id, &q.id) {
                    "「その他」の件数を秘匿しているため".to_string()
                } else {
                    "回答者の少ない他の地域の回答を特定できないようにするため".to_string()
                };
                notes.push(Note {
                    region: r.id.clone(),
                    question: q.id.clone(),
                    text: format!("{why}、自由記述の回答は掲載していません。"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Base, BaseFrom, ChoiceOption, Data, Question, Region};

    fn option(id: &str) -> ChoiceOption {
        ChoiceOption {
            id: id.into(),
            label: id.to_uppercase(),
            other: false,
        }
    }

    fn question(id: &str, kind: QuestionKind, base: &str, options: &[&str]) -> Question {
        Question {
            id: id.into(),
            title: id.into(),
            short: id.into(),
            kind,
            base: base.into(),
            key_option: None,
            options: options.iter().map(|o| option(o)).collect(),
            notes: Vec::new(),
        }
    }

    fn region(id: &str, total: bool) -> Region {
        Region {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            total,
        }
    }

    /// Regions a, b and the total t; q1 single (yes, no) of all, q2 multiple of those who said yes.
    fn survey() -> Survey {
        Survey {
            unit: "件".into(),
            dimension: None,
            regions: vec![region("a", false), region("b", false), region("t", true)],
            bases: vec![
                Base {
                    id: "all".into(),
                    title: "全員".into(),
                    from: None,
                },
                Base {
                    id: "yes".into(),
                    title: "はい".into(),
                    from: Some(BaseFrom {
                        question: "q1".into(),
                        options: vec!["yes".into()],
                    }),
                },
            ],
            questions: vec![
                question("q1", QuestionKind::Single, "all", &["yes", "no"]),
                question("q2", QuestionKind::Multiple, "yes", &["x", "y", "z"]),
                question("q3", QuestionKind::Text, "all", &[]),
            ],
            notes: Vec::new(),
            data: Data::default(),
        }
    }

    /// Rows: (region, q1 option, q2 options, q3 text).
    fn tally(survey: &mut Survey, rows: &[(usize, usize, &[usize], &str)]) -> FromRows {
        let mut t = Tally::new(3, &[2, 3, 0], 0, &[false, false, false], Some(2));
        let mut r = Respondent::default();
        for (region, q1, q2, text) in rows {
            r.clear(3);
            r.region = *region;
            r.chosen[0].push(*q1);
            r.chosen[1].extend_from_slice(q2);
            if !text.is_empty() {
                r.texts.push((2, None, text.to_string()));
            }
            t.add(&mut r);
        }
        t.write(survey, "data/responses.csv")
    }

    fn count(s: &Survey, r: &str, q: &str, o: &str) -> Count {
        s.count(r, q, o)
    }

    #[test]
    fn counts_each_region_and_the_total_from_every_row() {
        let mut s = survey();
        let from = tally(
            &mut s,
            &[
                (0, 0, &[0, 1], "よい"),
                (0, 1, &[], ""),
                (1, 0, &[1], "ふつう"),
            ],
        );
        assert_eq!(from.regions, vec!["a", "b"]);
        assert_eq!(from.total.as_deref(), Some("t"));
        assert_eq!(from.rows, 3);
        assert_eq!(s.data.respondents["a"], 2);
        assert_eq!(s.data.respondents["t"], 3);
        assert_eq!(count(&s, "a", "q1", "yes"), Count::Value(1));
        assert_eq!(count(&s, "t", "q1", "yes"), Count::Value(2));
        assert_eq!(count(&s, "t", "q2", "y"), Count::Value(2));
        assert_eq!(count(&s, "t", "q2", "z"), Count::Value(0));
        // q2's base: those who said yes.
        let q2 = s.question("q2").unwrap().clone();
        assert_eq!(s.base_count("t", &q2), Count::Value(2));
        let texts: Vec<(&str, &str)> = s
            .data
            .answers
            .iter()
            .map(|a| (a.region.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("a", "よい"),
                ("b", "ふつう"),
                ("t", "よい"),
                ("t", "ふつう")
            ]
        );
    }

    #[test]
    fn small_counts_are_hidden_and_one_hidden_cell_of_a_row_takes_another_with_it() {
        let mut s = survey();
        // a: 8 rows, 2 yes; b: 10 rows, 6 yes.
        let mut rows: Vec<(usize, usize, &[usize], &str)> = Vec::new();
        rows.extend([(0, 0, &[0][..], ""); 2]);
        rows.extend([(0, 1, &[][..], ""); 6]);
        rows.extend([(1, 0, &[0, 1][..], ""); 6]);
        rows.extend([(1, 1, &[][..], ""); 4]);
        let from = tally(&mut s, &rows);
        suppress_small_cells(
            &mut s,
            &Suppression {
                threshold: 5,
                min_respondents_for_text: 0,
            },
            Some(&from),
        );
        // a × q1: yes 2 < 5 hidden; no 6 would give it away (8 - 6): hidden too.
        assert_eq!(count(&s, "a", "q1", "yes"), Count::Suppressed);
        assert_eq!(count(&s, "a", "q1", "no"), Count::Suppressed);
        // b × q1: yes 6, no 4 < 5 hidden, so yes (10 - 4 = 6) too.
        assert_eq!(count(&s, "b", "q1", "no"), Count::Suppressed);
        assert_eq!(count(&s, "b", "q1", "yes"), Count::Suppressed);
        // t × q1: yes 8, no 10: shown; a and b are both hidden, so the total gives nothing away.
        assert_eq!(count(&s, "t", "q1", "yes"), Count::Value(8));
        assert_eq!(count(&s, "t", "q1", "no"), Count::Value(10));
        // q2 of a: x 2 hidden (primary); its base (a × yes) is hidden: no percentages.
        let q2 = s.question("q2").unwrap().clone();
        assert_eq!(count(&s, "a", "q2", "x"), Count::Suppressed);
        assert_eq!(s.base_count("a", &q2), Count::Suppressed);
        // Across regions: t × q2 × x = 8 = a (2, hidden) + b (6): b hidden as well.
        assert_eq!(count(&s, "b", "q2", "x"), Count::Suppressed);
        assert_eq!(count(&s, "t", "q2", "x"), Count::Value(8));
        // 0 stays shown.
        assert_eq!(count(&s, "a", "q2", "z"), Count::Value(0));
    }

    fn suppress(s: &mut Survey, threshold: u64, rows: Option<&FromRows>) {
        suppress_small_cells(
            s,
            &Suppression {
                threshold,
                min_respondents_for_text: 0,
            },
            rows,
        );
    }

    #[test]
    fn a_not_reported_part_is_not_a_hidden_one() {
        // Aggregated tables: a × q1 is yes 10, no … (not reported). Nothing is small, and a sum
        // with an unknown part gives nothing away: yes stays.
        let mut s = survey();
        s.data.respondents.insert("a".into(), 20);
        let key = |o: &str| ("a".to_string(), "q1".to_string(), o.to_string());
        s.data.counts.insert(key("yes"), Count::Value(10));
        s.data.counts.insert(key("no"), Count::NotReported);
        suppress(&mut s, 5, None);
        assert_eq!(count(&s, "a", "q1", "yes"), Count::Value(10));

        // One small count beside a not-reported one: only the small one is hidden, since
        // 20 - 10 = 12 + … tells nothing about it.
        let mut s = survey();
        s.questions.push(question(
            "q4",
            QuestionKind::Single,
            "all",
            &["x", "y", "z"],
        ));
        s.data.respondents.insert("a".into(), 20);
        let key = |o: &str| ("a".to_string(), "q4".to_string(), o.to_string());
        s.data.counts.insert(key("x"), Count::Value(2));
        s.data.counts.insert(key("y"), Count::NotReported);
        s.data.counts.insert(key("z"), Count::Value(10));
        suppress(&mut s, 5, None);
        assert_eq!(count(&s, "a", "q4", "x"), Count::Suppressed);
        assert_eq!(count(&s, "a", "q4", "z"), Count::Value(10));
    }

    #[test]
    fn cross_tab_options_missing_from_the_data_are_not_hidden_ones() {
        // crosstab.csv gives only "yes" of q1: each group's "no" is absent, not hidden, so the
        // groups' "yes" (8 and 9, nothing small) stay.
        let mut s = survey();
        s.dimension = Some(crate::model::Dimension {
            id: "d".into(),
            title: "区分".into(),
            groups: ["g1", "g2"]
                .iter()
                .map(|g| crate::model::Group {
                    id: g.to_string(),
                    label: g.to_string(),
                })
                .collect(),
        });
        s.data.respondents.insert("a".into(), 30);
        s.data
            .counts
            .insert(("a".into(), "q1".into(), "yes".into()), Count::Value(17));
        s.data
            .counts
            .insert(("a".into(), "q1".into(), "no".into()), Count::Value(13));
        for (g, n) in [("g1", 8), ("g2", 9)] {
            s.data.crosstab.insert(
                ("a".into(), "q1".into(), g.into(), "yes".into()),
                Count::Value(n),
            );
        }
        suppress(&mut s, 5, None);
        let cross = |g: &str| s.data.crosstab[&("a".into(), "q1".into(), g.into(), "yes".into())];
        assert_eq!(
            (cross("g1"), cross("g2")),
            (Count::Value(8), Count::Value(9))
        );
        assert_eq!(count(&s, "a", "q1", "no"), Count::Value(13));
    }

    #[test]
    fn text_typed_into_a_hidden_other_option_is_withheld() {
        // q2's z is その他. a: 5 chose x, 1 chose z and typed "aの工夫". b: 2 chose x, 4 chose
        // z, one of whom typed "bの工夫". t: x 7, z 5.
        let mut s = survey();
        s.questions[1].options[2].other = true;
        let mut t = Tally::new(3, &[2, 3, 0], 0, &[false, false, false], Some(2));
        let mut r = Respondent::default();
        let rows: [(usize, usize, &str, usize); 5] = [
            (0, 0, "", 5),
            (0, 2, "aの工夫", 1),
            (1, 2, "bの工夫", 1),
            (1, 2, "", 3),
            (1, 0, "", 2),
        ];
        for (region, option, text, times) in rows {
            for _ in 0..times {
                r.clear(3);
                r.region = region;
                r.chosen[0].push(0);
                r.chosen[1].push(option);
                if !text.is_empty() {
                    r.texts.push((1, Some(option), text.to_string()));
                }
                t.add(&mut r);
            }
        }
        let from = t.write(&mut s, "data/responses.csv");
        suppress(&mut s, 3, Some(&from));
        // a × z (1) is hidden, and so b × z (4), or t - a would give it (5 - 4 = 1).
        assert_eq!(count(&s, "a", "q2", "z"), Count::Suppressed);
        assert_eq!(count(&s, "b", "q2", "z"), Count::Suppressed);
        assert_eq!(count(&s, "t", "q2", "z"), Count::Value(5));
        // Their texts would show that someone chose it, and how many: withheld, with a note.
        // The total's 5 stay listed: they name no region.
        let left: Vec<(&str, &str)> = s
            .data
            .answers
            .iter()
            .map(|a| (a.region.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(left, [("t", "aの工夫"), ("t", "bの工夫")]);
        assert!(s.answers_withheld("a", "q2") && s.answers_withheld("b", "q2"));
        assert!(!s.answers_withheld("t", "q2"));
        let notes: Vec<(&str, &str)> = s
            .notes
            .iter()
            .map(|n| (n.region.as_str(), n.text.as_str()))
            .collect();
        let why = "「その他」の件数を秘匿しているため、自由記述の回答は掲載していません。";
        assert_eq!(notes, [("a", why), ("b", why)]);
    }

    #[test]
    fn text_of_small_regions_is_withheld_with_a_note() {
        let mut s = survey();
        let from = tally(&mut s, &[(0, 0, &[], "ひとこと"), (1, 1, &[], "別の意見")]);
        s.data.respondents.insert("b".into(), 20); // as if b were large
        suppress_small_cells(
            &mut s,
            &Suppression {
                threshold: 1,
                min_respondents_for_text: 10,
            },
            Some(&from),
        );
        let left: Vec<(&str, &str)> = s
            .data
            .answers
            .iter()
            .map(|a| (a.region.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(left, [("b", "別の意見")]);
        assert_eq!(s.notes.len(), 2, "a and t: {:?}", s.notes);
        assert!(s.notes[0].text.contains("10件未満"));
    }

    #[test]
    fn withholding_one_regions_text_withholds_the_next_smallest_too() {
        let mut s = survey();
        // a: 1 respondent, b: 2; the total t lists every answer.
        let from = tally(
            &mut s,
            &[
                (0, 0, &[], "aの意見"),
                (1, 1, &[], "bの意見"),
                (1, 1, &[], ""),
            ],
        );
        suppress_small_cells(
            &mut s,
            &Suppression {
                threshold: 1,
                min_respondents_for_text: 2,
            },
            Some(&from),
        );
        // a (1 < 2) is withheld; t minus b would then be a's answer, so b is withheld too.
        let left: Vec<(&str, &str)> = s
            .data
            .answers
            .iter()
            .map(|a| (a.region.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(left, [("t", "aの意見"), ("t", "bの意見")]);
        let notes: Vec<(&str, &str)> = s
            .notes
            .iter()
            .map(|n| (n.region.as_str(), n.text.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                (
                    "a",
                    "回答者が2件未満の地域のため、自由記述の回答は掲載していません。"
                ),
                (
                    "b",
                    "回答者の少ない他の地域の回答を特定できないようにするため、自由記述の回答は掲載していません。"
                )
            ]
        );
    }
}
