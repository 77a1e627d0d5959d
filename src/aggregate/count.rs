//! Respondent rows → counts per region, per group and for the all-regions total, kept as counts
//! while the rows stream by (src/load/responses.rs feeds it one `Respondent` at a time).

use crate::model::{Answer, Count, Survey};

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
    /// The row's weight, stratum and cluster (weighted projects).
    pub design: Option<super::RowDesign>,
}

impl Respondent {
    pub fn clear(&mut self, questions: usize) {
        self.chosen.resize_with(questions, Vec::new);
        self.chosen.iter_mut().for_each(Vec::clear);
        self.texts.clear();
        self.group = None;
        self.design = None;
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RegionTally {
    respondents: u64,
    groups: Vec<u64>,
    /// question → option
    counts: Vec<Vec<u64>>,
    /// question → group → option (empty for questions not cross-tabbed)
    crosstab: Vec<Vec<Vec<u64>>>,
}

/// Counts being built from respondent rows (kept between builds by load/responses/cache.rs).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    regions: Vec<RegionTally>,
    /// The region every row also counts toward (the codebook's `total: true` region).
    total: Option<usize>,
    answers: Vec<(usize, usize, Option<usize>, String)>,
    /// The design-based side of a weighted sample (`None`: a census).
    #[serde(default)]
    weighted: Option<super::Weighted>,
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
            weighted: None,
        }
    }

    /// Makes the tally weighted: it keeps design-based sums beside the counts.
    pub fn weigh(&mut self, weighted: super::Weighted) {
        self.weighted = Some(weighted);
    }

    pub fn weighted_mut(&mut self) -> Option<&mut super::Weighted> {
        self.weighted.as_mut()
    }

    /// Counts one respondent toward their region and the total; takes their texts.
    pub fn add(&mut self, r: &mut Respondent) {
        if let (Some(w), Some(d)) = (&mut self.weighted, r.design) {
            w.add(r, d, self.total);
        }
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

    /// Does this tally fit a codebook of `regions` regions? (A cached tally is checked.)
    pub fn has_regions(&self, regions: usize) -> bool {
        self.regions.len() == regions && self.total.is_none_or(|t| t < regions)
    }

    pub fn respondents(&self, region: usize) -> u64 {
        self.regions[region].respondents
    }

    /// Writes the counts into the survey: every region that has rows, and the total.
    pub fn write(&self, survey: &mut Survey, file: &str) -> FromRows {
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
        if let Some(w) = &self.weighted {
            let with_rows: Vec<usize> = (0..self.regions.len())
                .filter(|&r| self.regions[r].respondents > 0)
                .collect();
            for (r, q, o, e) in w.estimates(&with_rows, self.total) {
                let question = &survey.questions[q];
                survey.data.estimates.insert(
                    (
                        survey.regions[r].id.clone(),
                        question.id.clone(),
                        question.options[o].id.clone(),
                    ),
                    e,
                );
            }
            let group_id = |g: Option<usize>| {
                let d = survey.dimension.as_ref()?;
                Some(d.groups.get(g?)?.id.clone())
            };
            for (r, q, g, o, e) in w.crosstab_estimates(&with_rows, self.total) {
                if g.is_some() && group_id(g).is_none() {
                    continue;
                }
                let question = &survey.questions[q];
                survey.data.crosstab_estimates.insert(
                    (
                        survey.regions[r].id.clone(),
                        question.id.clone(),
                        group_id(g),
                        question.options[o].id.clone(),
                    ),
                    e,
                );
            }
            if self.total.is_none() {
                for (q, o, e) in w.pooled_estimates() {
                    let question = &survey.questions[q];
                    survey
                        .data
                        .pooled
                        .insert((question.id.clone(), question.options[o].id.clone()), e);
                }
            }
        }
        from
    }
}
