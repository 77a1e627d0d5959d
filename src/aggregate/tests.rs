//! Counting and suppression, on a small survey built in code.

use super::*;
use crate::model::{
    Base, BaseFrom, ChoiceOption, Count, Data, Question, QuestionKind, Region, Survey,
};

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
        group: None,
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

/// A dimension "d" whose groups are named by their ids.
fn dimension(groups: &[&str]) -> crate::model::Dimension {
    crate::model::Dimension {
        id: "d".into(),
        title: "区分".into(),
        groups: groups
            .iter()
            .map(|g| crate::model::Group {
                id: g.to_string(),
                label: g.to_string(),
            })
            .collect(),
    }
}

#[test]
fn cross_tab_options_missing_from_the_data_are_not_hidden_ones() {
    // crosstab.csv gives only "yes" of q1: each group's "no" is absent, not hidden, so the
    // groups' "yes" (8 and 9, nothing small) stay.
    let mut s = survey();
    s.dimension = Some(dimension(&["g1", "g2"]));
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
fn a_zero_known_from_a_total_is_not_hidden_to_protect_a_small_cell() {
    // Region a: yes 26, no 10, maybe 0 (36). Group g: 17, 4 (< 5), 0; group h: 9, 6, 0.
    // a's "maybe" is shown as 0, so every group's "maybe" is 0 whether shown or not: hiding g's
    // beside its 4 would leave 21 - 17 - 0 = 4 to read. g's 17 is hidden instead, then h's 9
    // (g's and h's "yes" add up to a's 26) and h's 6 (h's row): four hidden cells, one unknown.
    let mut s = survey();
    s.questions[0] = question("q1", QuestionKind::Single, "all", &["yes", "no", "maybe"]);
    s.dimension = Some(dimension(&["g", "h"]));
    s.data.respondents.insert("a".into(), 36);
    for (o, n) in [("yes", 26), ("no", 10), ("maybe", 0)] {
        s.data
            .counts
            .insert(("a".into(), "q1".into(), o.into()), Count::Value(n));
    }
    for (g, counts) in [("g", [17, 4, 0]), ("h", [9, 6, 0])] {
        s.data
            .group_respondents
            .insert(("a".into(), g.into()), counts.iter().sum());
        for (o, n) in ["yes", "no", "maybe"].into_iter().zip(counts) {
            s.data.crosstab.insert(
                ("a".into(), "q1".into(), g.into(), o.into()),
                Count::Value(n),
            );
        }
    }
    suppress(&mut s, 5, None);
    let cross = |g: &str, o: &str| s.data.crosstab[&("a".into(), "q1".into(), g.into(), o.into())];
    let x = Count::Suppressed;
    assert_eq!(
        [cross("g", "yes"), cross("g", "no"), cross("g", "maybe")],
        [x, x, Count::Value(0)]
    );
    assert_eq!(
        [cross("h", "yes"), cross("h", "no"), cross("h", "maybe")],
        [x, x, Count::Value(0)]
    );
    for (o, n) in [("yes", 26), ("no", 10), ("maybe", 0)] {
        assert_eq!(count(&s, "a", "q1", o), Count::Value(n), "{o}");
    }
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
