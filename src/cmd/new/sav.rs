//! What an SPSS file's dictionary says beyond the cells: variable labels become question titles,
//! value labels the options in their coded order (cells hold the codes, mapped with `values:`),
//! user-missing values are no answer (said in the question's notes), and a multiple-response set
//! of dichotomies becomes one multiple-choice question read from one column per option.

use std::collections::HashMap;

use super::infer::{Inferred, Role, region_ids};
use crate::load::responses::sav::{ResponseSet, Variable};

/// Past this many values without a label, a labelled variable is read as the cells say (an age
/// with a label only for 「無回答」 is no choice question).
const MAX_UNLABELLED: usize = 30;

pub(super) fn apply(inferred: &mut Inferred, variables: &[Variable], sets: &[ResponseSet]) {
    let index: HashMap<String, usize> = inferred
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.stats.header.clone(), i))
        .collect();
    let by_name: HashMap<&str, &Variable> =
        variables.iter().map(|v| (v.name.as_str(), v)).collect();

    for c in &mut inferred.columns {
        let Some(v) = by_name.get(c.stats.header.as_str()) else {
            continue;
        };
        if !v.label.is_empty() {
            c.title = Some(v.label.clone());
        }
        if v.has_missing {
            c.notes.push(missing_note(v));
        }
        let skipped = matches!(c.role, Role::Skip(_) | Role::Id | Role::Region);
        if skipped || v.labels.is_empty() {
            continue;
        }
        let Some((options, codes)) = coded_options(v, &c.stats.values, &c.stats.order) else {
            continue;
        };
        c.role = Role::Single(options);
        c.codes = Some(codes);
    }

    // The region column: its value labels are the regions' titles, in coded order.
    if let Some(ri) = inferred.columns.iter().position(|c| c.role == Role::Region)
        && let Some(v) = by_name.get(inferred.columns[ri].stats.header.as_str())
        && !v.labels.is_empty()
    {
        let s = &inferred.columns[ri].stats;
        if let Some((options, codes)) = coded_options(v, &s.values, &s.order) {
            // Only regions with respondents: a region without any would stop the build.
            let seen: Vec<(String, u64, String)> = options
                .into_iter()
                .zip(codes)
                .filter(|((_, n), _)| *n > 0)
                .map(|((t, n), code)| (t, n, code))
                .collect();
            let titles: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
            let (ids, total) = region_ids(&titles);
            inferred.regions = seen
                .iter()
                .zip(ids)
                .map(|((t, n, _), id)| (t.clone(), id, *n))
                .collect();
            inferred.total = total;
            inferred.region_codes = Some(seen.into_iter().map(|s| s.2).collect());
        }
    }

    for set in sets {
        let members: Option<Vec<usize>> = set
            .variables
            .iter()
            .map(|v| index.get(v.as_str()).copied())
            .collect();
        let Some(members) = members.filter(|m| !m.is_empty()) else {
            continue;
        };
        match set.counted.as_deref() {
            Some("1") => {}
            Some(other) => {
                inferred.checks.push(format!(
                    "multiple-response set ${} counts the value {other}, not 1: its variables are read as separate questions (recode them to 1 = chosen to read them as one)",
                    set.name
                ));
                continue;
            }
            None => {
                inferred.checks.push(format!(
                    "multiple-response set ${} is a category set: its variables are read as separate questions",
                    set.name
                ));
                continue;
            }
        }
        let options: Vec<(String, u64)> = members
            .iter()
            .map(|&i| {
                let c = &inferred.columns[i];
                let v = by_name.get(c.stats.header.as_str());
                let label = v
                    .map(|v| option_label(v, &set.label))
                    .unwrap_or_else(|| c.stats.header.clone());
                (label, c.stats.values.get("1").copied().unwrap_or(0))
            })
            .collect();
        let names: Vec<String> = members
            .iter()
            .map(|&i| inferred.columns[i].stats.header.clone())
            .collect();
        for &i in &members[1..] {
            let c = &mut inferred.columns[i];
            c.role = Role::Skip("an option of a multiple-response set");
            c.notes.clear();
        }
        let first = &mut inferred.columns[members[0]];
        first.role = Role::Multiple {
            options,
            others: Vec::new(),
            separator: "",
        };
        first.members = names;
        first.codes = None;
        first.notes.clear();
        first.title = Some(if set.label.is_empty() {
            set.name.clone()
        } else {
            set.label.clone()
        });
    }

    // Question ids again, in column order, now that roles changed.
    let mut n = 0;
    for c in &mut inferred.columns {
        c.question = match c.role {
            Role::Single(_) | Role::Multiple { .. } | Role::Text => {
                n += 1;
                Some(format!("q{n}"))
            }
            _ => None,
        };
    }
}

/// The options of a labelled variable: its value labels in coded order, then the values the
/// cells hold without a label (labelled with the code), each with its count; and their codes.
#[allow(clippy::type_complexity)]
fn coded_options(
    v: &Variable,
    values: &HashMap<String, u64>,
    order: &[String],
) -> Option<(Vec<(String, u64)>, Vec<String>)> {
    let mut options = Vec::new();
    let mut codes = Vec::new();
    for (code, label) in &v.labels {
        options.push((label.clone(), values.get(code).copied().unwrap_or(0)));
        codes.push(code.clone());
    }
    let unlabelled: Vec<&String> = order
        .iter()
        .filter(|c| !v.labels.iter().any(|(code, _)| code == *c))
        .collect();
    if unlabelled.len() > MAX_UNLABELLED {
        return None;
    }
    for code in unlabelled {
        options.push((code.clone(), values.get(code).copied().unwrap_or(0)));
        codes.push(code.clone());
    }
    // Two codes with one label would be one option twice.
    let mut seen = std::collections::HashSet::new();
    for (label, _) in &mut options {
        let mut l = label.clone();
        let mut k = 2;
        while !seen.insert(l.clone()) {
            l = format!("{label} ({k})");
            k += 1;
        }
        *label = l;
    }
    Some((options, codes))
}

/// The option a dichotomy stands for: its variable label without the set's own label in front
/// (「導入のメリット：情報共有」 → 「情報共有」), else the counted value's label, else its name.
fn option_label(v: &Variable, set_label: &str) -> String {
    let label = v.label.trim();
    if !label.is_empty() {
        let rest = label
            .strip_prefix(set_label)
            .map(|r| r.trim_start_matches([':', '：', ' ', '　', '-', '－', '_']))
            .filter(|r| !r.is_empty() && !set_label.is_empty());
        return rest.unwrap_or(label).to_string();
    }
    v.labels
        .iter()
        .find(|(code, _)| code == "1")
        .map_or_else(|| v.name.clone(), |(_, l)| l.clone())
}

/// 「無回答」（9）は回答に数えていません（SPSS の欠損値）。
fn missing_note(v: &Variable) -> String {
    if v.missing_labels.is_empty() {
        return "SPSS ファイルで欠損値とされた値は、回答に数えていません（回答者には含みます）。"
            .into();
    }
    let named: Vec<String> = v
        .missing_labels
        .iter()
        .map(|(code, label)| format!("「{label}」（{code}）"))
        .collect();
    format!(
        "{}は SPSS ファイルで欠損値とされているため、回答に数えていません（回答者には含みます）。",
        named.join("")
    )
}
