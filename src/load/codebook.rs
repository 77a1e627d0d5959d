//! data/codebook.yaml → the survey's structure (regions, questions, options, bases, notes).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{
    clean_text, did_you_mean, is_slug, located, not_in_codebook, parse_yaml, quote_cell, read_text,
};
use crate::model::{
    Base, BaseFrom, ChoiceOption, Data, Design, Dimension, Group, Note, Question, QuestionKind,
    Region, Survey,
};

pub const FILE: &str = "data/codebook.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    dimension: Option<RawDimension>,
    regions: Vec<RawRegion>,
    #[serde(default)]
    bases: BTreeMap<String, RawBase>,
    questions: Vec<RawQuestion>,
    #[serde(default)]
    notes: Vec<RawNote>,
    /// The sample design: weight, strata, cluster and fpc columns of the respondent rows.
    #[serde(default)]
    design: Option<RawDesign>,
    /// Respondent rows: read by load/responses.rs.
    #[serde(default)]
    responses: Option<serde::de::IgnoredAny>,
    /// The map of the regions: read by load/geo.rs.
    #[serde(default)]
    #[allow(dead_code)]
    map: Option<serde::de::IgnoredAny>,
    /// The survey's editions: read by load/editions.rs.
    #[serde(default)]
    #[allow(dead_code)]
    editions: Option<serde::de::IgnoredAny>,
}

/// `design:` names columns of the respondent export (checked against its header when it is read;
/// `new --edition` reads it too, src/cmd/new/edition.rs).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDesign {
    pub(crate) weight: Spanned<String>,
    #[serde(default)]
    pub(crate) strata: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) cluster: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) fpc: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: Spanned<String>,
    title: String,
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    total: bool,
    #[serde(default)]
    group: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBase {
    title: String,
    #[serde(default)]
    from: Option<RawBaseFrom>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseFrom {
    question: Spanned<String>,
    options: Vec<Spanned<String>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Single,
    Multiple,
    Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    short: Option<String>,
    #[serde(rename = "type")]
    kind: RawKind,
    base: Spanned<String>,
    #[serde(default)]
    key_option: Option<Spanned<String>>,
    #[serde(default)]
    options: Vec<RawOption>,
    #[serde(default)]
    notes: Vec<String>,
    /// The editions that asked it, and its wording in others: read by load/editions.rs.
    #[serde(default)]
    #[allow(dead_code)]
    editions: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    wording: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    other: bool,
    /// The editions that offered it: read by load/editions.rs.
    #[serde(default)]
    #[allow(dead_code)]
    editions: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    region: Spanned<String>,
    question: Spanned<String>,
    text: String,
}

fn at<T>(s: &Spanned<T>, message: impl std::fmt::Display) -> anyhow::Error {
    located(
        FILE,
        s.referenced.line(),
        Some(s.referenced.column()),
        message,
    )
}

/// Checks an id is a slug and not seen before in `seen`.
fn new_id<'a>(id: &'a Spanned<String>, what: &str, seen: &mut HashSet<&'a str>) -> Result<()> {
    if !is_slug(&id.value) {
        return Err(at(
            id,
            format!(
                "{what} id {} must be an ASCII slug (a-z, 0-9, single -), as it is used in URLs",
                quote_cell(&id.value)
            ),
        ));
    }
    if !seen.insert(id.value.as_str()) {
        return Err(at(
            id,
            format!("{what} id \"{}\" is defined twice", id.value),
        ));
    }
    Ok(())
}

pub fn load(root: &Path) -> Result<Survey> {
    let text = read_text(&root.join(FILE), FILE)?;
    let raw: RawCodebook = parse_yaml(&text, FILE, 0)?;
    build(raw)
}

fn build(raw: RawCodebook) -> Result<Survey> {
    let design = raw.design.as_ref().map(design).transpose()?;
    if let (Some(d), false) = (&raw.design, raw.responses.is_some()) {
        return Err(at(
            &d.weight,
            "`design:` names columns of the respondent rows, and there is no `responses:` block to read them from",
        ));
    }
    let dimension = match raw.dimension {
        None => None,
        Some(d) => {
            let mut seen = HashSet::new();
            new_id(&d.id, "dimension", &mut HashSet::new())?;
            for g in &d.groups {
                new_id(&g.id, "group", &mut seen)?;
            }
            Some(Dimension {
                id: d.id.value.clone(),
                title: clean_text(&d.title),
                groups: d
                    .groups
                    .into_iter()
                    .map(|g| Group {
                        id: g.id.value,
                        label: clean_text(&g.label),
                    })
                    .collect(),
            })
        }
    };

    let mut seen = HashSet::new();
    for r in &raw.regions {
        new_id(&r.id, "region", &mut seen)?;
    }
    if let Some(second) = raw.regions.iter().filter(|r| r.total).nth(1) {
        return Err(at(
            &second.id,
            format!(
                "region \"{}\" is the second with `total: true`: only one region holds the all-regions figures",
                second.id.value
            ),
        ));
    }
    if raw.regions.is_empty() {
        anyhow::bail!("{FILE}: `regions` is empty: a report needs at least one region");
    }
    let mut seen = HashSet::new();
    for q in &raw.questions {
        new_id(&q.id, "question", &mut seen)?;
        let mut seen_options = HashSet::new();
        for o in &q.options {
            new_id(&o.id, "option", &mut seen_options)?;
        }
        match q.kind {
            RawKind::Text if !q.options.is_empty() => {
                return Err(at(
                    &q.id,
                    format!(
                        "question \"{}\" is free text (type: text) but lists options",
                        q.id.value
                    ),
                ));
            }
            RawKind::Single | RawKind::Multiple if q.options.is_empty() => {
                return Err(at(
                    &q.id,
                    format!(
                        "question \"{}\" is a choice question but has no options",
                        q.id.value
                    ),
                ));
            }
            _ => {}
        }
        if !raw.bases.contains_key(&q.base.value) && q.base.value != "all" {
            return Err(at(
                &q.base,
                format!(
                    "base \"{}\" is not defined under `bases`{}",
                    q.base.value,
                    did_you_mean(&q.base.value, raw.bases.keys().map(String::as_str))
                ),
            ));
        }
        if let Some(key) = &q.key_option
            && !q.options.iter().any(|o| o.id.value == key.value)
        {
            return Err(at(key, unknown_option(&key.value, &q.id.value, &q.options)));
        }
    }
    if raw.questions.is_empty() {
        anyhow::bail!("{FILE}: `questions` is empty: a report needs at least one question");
    }

    let question = |id: &Spanned<String>| {
        raw.questions
            .iter()
            .find(|q| q.id.value == id.value)
            .ok_or_else(|| {
                at(
                    id,
                    not_in_codebook(
                        "question",
                        &id.value,
                        raw.questions.iter().map(|q| q.id.value.as_str()),
                    ),
                )
            })
    };

    let mut bases = Vec::new();
    if !raw.bases.contains_key("all") {
        bases.push(Base {
            id: "all".into(),
            title: "全回答者".into(),
            from: None,
        });
    }
    for (id, b) in &raw.bases {
        let from = match &b.from {
            None => None,
            Some(f) => {
                let q = question(&f.question)?;
                if !matches!(q.kind, RawKind::Single) {
                    return Err(at(
                        &f.question,
                        format!(
                            "base \"{id}\" must come from a single-choice question, and \"{}\" is not one",
                            q.id.value
                        ),
                    ));
                }
                for o in &f.options {
                    if !q.options.iter().any(|x| x.id.value == o.value) {
                        return Err(at(o, unknown_option(&o.value, &q.id.value, &q.options)));
                    }
                }
                Some(BaseFrom {
                    question: f.question.value.clone(),
                    options: f.options.iter().map(|o| o.value.clone()).collect(),
                })
            }
        };
        bases.push(Base {
            id: id.clone(),
            title: clean_text(&b.title),
            from,
        });
    }

    let mut notes = Vec::new();
    for n in &raw.notes {
        if !raw.regions.iter().any(|r| r.id.value == n.region.value) {
            return Err(at(
                &n.region,
                not_in_codebook(
                    "region",
                    &n.region.value,
                    raw.regions.iter().map(|r| r.id.value.as_str()),
                ),
            ));
        }
        question(&n.question)?;
        notes.push(Note {
            region: n.region.value.clone(),
            question: n.question.value.clone(),
            text: clean_text(&n.text),
        });
    }

    let questions = raw
        .questions
        .into_iter()
        .map(|q| Question {
            short: clean_text(q.short.as_deref().unwrap_or(&q.title)),
            id: q.id.value,
            title: clean_text(&q.title),
            kind: match q.kind {
                RawKind::Single => QuestionKind::Single,
                RawKind::Multiple => QuestionKind::Multiple,
                RawKind::Text => QuestionKind::Text,
            },
            base: q.base.value,
            key_option: q.key_option.map(|k| k.value),
            options: q
                .options
                .into_iter()
                .map(|o| ChoiceOption {
                    id: o.id.value,
                    label: clean_text(&o.label),
                    other: o.other,
                })
                .collect(),
            notes: q.notes,
        })
        .collect();

    Ok(Survey {
        unit: raw.unit.unwrap_or_else(|| "件".into()),
        dimension,
        regions: raw
            .regions
            .into_iter()
            .map(|r| Region {
                id: r.id.value,
                title: clean_text(&r.title),
                description: clean_text(&r.description),
                total: r.total,
                group: r.group.map(|g| clean_text(&g)).filter(|g| !g.is_empty()),
            })
            .collect(),
        bases,
        questions,
        notes,
        data: Data {
            design,
            ..Data::default()
        },
    })
}

/// The design's columns, each with the codebook line it was written on.
fn design(d: &RawDesign) -> Result<Design> {
    let column = |s: &Spanned<String>, what: &str| -> Result<(String, u64)> {
        let name = s.value.trim();
        if name.is_empty() {
            return Err(at(
                s,
                format!(
                    "`design: {what}:` is empty: write the name of a column of the respondent rows"
                ),
            ));
        }
        Ok((name.to_string(), s.referenced.line()))
    };
    let optional =
        |s: &Option<Spanned<String>>, what: &str| s.as_ref().map(|s| column(s, what)).transpose();
    let design = Design {
        weight: column(&d.weight, "weight")?,
        strata: optional(&d.strata, "strata")?,
        cluster: optional(&d.cluster, "cluster")?,
        fpc: optional(&d.fpc, "fpc")?,
    };
    let mut seen: Vec<&str> = Vec::new();
    for (c, s) in [
        Some(&d.weight),
        d.strata.as_ref(),
        d.cluster.as_ref(),
        d.fpc.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| (s.value.trim(), s))
    {
        if seen.contains(&c) {
            return Err(at(
                s,
                format!("column \"{c}\" is named twice under `design:`"),
            ));
        }
        seen.push(c);
    }
    Ok(design)
}

fn unknown_option(wanted: &str, question: &str, options: &[RawOption]) -> String {
    format!(
        "option \"{wanted}\" is not an option of question \"{question}\"{}",
        did_you_mean(wanted, options.iter().map(|o| o.id.value.as_str()))
    )
}
