//! The numbers a reader sees: counts and % of base per option on region × question pages and
//! question pages, not-reported cells, the Q1 cross-tab. Expected values are the ones in
//! /work/shared/source/READING.md, written out here (not recomputed), percentages to one decimal.

use crate::common::*;

#[derive(Debug, Clone, Copy)]
pub enum Want {
    /// count, % of base
    Num(&'static str, &'static str),
    NotReported,
}
use Want::{NotReported as NR, Num};

pub struct RegionWant {
    pub id: &'static str,
    pub title: &'static str,
    pub base: &'static str,
    pub figures: &'static [Want],
}

pub struct QuestionWant {
    pub id: &'static str,
    pub label: &'static str,
    pub title: &'static str,
    pub options: &'static [&'static str],
    pub regions: [RegionWant; 2],
}

impl QuestionWant {
    /// What the results tables are captioned with: "Q1 地域医療連携システムの導入状況".
    pub fn heading(&self) -> String {
        format!("{} {}", self.label, self.title)
    }
}

pub const KU: &str = "区西南部";
pub const TOKYO: &str = "都全域";

pub const CHOICE_QUESTIONS: &[QuestionWant] = &[
    QuestionWant {
        id: "q1",
        label: "Q1",
        title: "地域医療連携システムの導入状況",
        options: &[
            "地域医療連携に関するシステムを導入している",
            "今後導入する予定がある",
            "導入予定なし",
        ],
        regions: [
            RegionWant {
                id: "ku-seinanbu",
                title: KU,
                base: "16",
                figures: &[Num("4", "25.0%"), Num("3", "18.8%"), Num("9", "56.3%")],
            },
            RegionWant {
                id: "tokyo",
                title: TOKYO,
                base: "250",
                figures: &[Num("80", "32.0%"), Num("51", "20.4%"), Num("119", "47.6%")],
            },
        ],
    },
    QuestionWant {
        id: "q2",
        label: "Q2",
        title: "システム導入によって得られたメリット",
        options: &[
            "医療機関間での患者情報の共有が円滑・効率的に行えるようになった",
            "二重検査や重複処方の防止など、患者の負担軽減につながった",
            "患者の状態に応じた質の高い医療の提供が可能となった",
            "患者の病状経過をより正確に把握できるようになった",
            "その他",
        ],
        regions: [
            RegionWant {
                id: "ku-seinanbu",
                title: KU,
                base: "4",
                figures: &[
                    Num("2", "50.0%"),
                    NR,
                    NR,
                    Num("1", "25.0%"),
                    Num("1", "25.0%"),
                ],
            },
            RegionWant {
                id: "tokyo",
                title: TOKYO,
                base: "80",
                figures: &[
                    Num("55", "68.8%"),
                    Num("10", "12.5%"),
                    Num("9", "11.3%"),
                    Num("15", "18.8%"),
                    NR,
                ],
            },
        ],
    },
    QuestionWant {
        id: "q3",
        label: "Q3",
        title: "導入や運用面での課題",
        options: &[
            "患者・家族の同意取得に係る業務負担が大きい",
            "地域医療連携ネットワークに参加している医療機関が少なく、利用機会が限られている",
            "連携先医療機関のネットワーク参加状況に応じて、紙とシステムを使い分けることになり、業務が煩雑化してしまう",
            "システム導入・維持に要するコストが高い",
            "システムの利用方法やメリットへの理解が院内で進んでいない",
            "利用できる職員や端末が限られている",
            "その他",
        ],
        regions: [
            RegionWant {
                id: "ku-seinanbu",
                title: KU,
                base: "4",
                figures: &[
                    Num("1", "25.0%"),
                    Num("3", "75.0%"),
                    Num("1", "25.0%"),
                    NR,
                    NR,
                    NR,
                    Num("1", "25.0%"),
                ],
            },
            RegionWant {
                id: "tokyo",
                title: TOKYO,
                base: "80",
                figures: &[NR, NR, NR, NR, NR, NR, NR],
            },
        ],
    },
    QuestionWant {
        id: "q4",
        label: "Q4",
        title: "導入していない理由",
        options: &[
            "必要性を感じない",
            "コスト面",
            "医師（職員）が操作に不慣れ・使える人材が少ない",
            "電子カルテ未導入又は導入している電子カルテが地域医療連携システムに対応していない",
            "その他",
        ],
        regions: [
            RegionWant {
                id: "ku-seinanbu",
                title: KU,
                base: "12",
                figures: &[
                    Num("4", "33.3%"),
                    Num("8", "66.7%"),
                    Num("4", "33.3%"),
                    Num("5", "41.7%"),
                    Num("4", "33.3%"),
                ],
            },
            RegionWant {
                id: "tokyo",
                title: TOKYO,
                base: "170",
                figures: &[NR, NR, NR, NR, NR],
            },
        ],
    },
];

/// The label of the row that gives a table's base.
const BASE_ROW: &str = "対象（n）";

/// Checks one option's figures as read from a row or cell; `place` names it in failures.
fn check_figure(place: &str, cells: &[String], want: Want) {
    let shown = cells.join(" ");
    let got = figure(&shown);
    match want {
        Num(count, percent) => {
            assert_eq!(
                got.count.as_deref(),
                Some(count),
                "{place}: count in {shown:?}"
            );
            assert_eq!(
                got.percent.as_deref(),
                Some(percent),
                "{place}: % in {shown:?}"
            );
        }
        NR => {
            assert_eq!(
                got.count.as_deref(),
                Some("…"),
                "{place}: not reported must show …: {shown:?}"
            );
            assert!(
                !shown.contains('%'),
                "{place}: a not-reported value has no %: {shown:?}"
            );
            assert!(
                !shown
                    .split_whitespace()
                    .any(|t| t.trim_matches(['(', ')']) == "0"),
                "{place}: a not-reported value must never show 0: {shown:?}"
            );
        }
    }
}

#[test]
fn region_question_pages_show_count_and_percent_of_base_for_every_option() {
    let site = Project::example().build();
    for q in CHOICE_QUESTIONS {
        for r in &q.regions {
            let page = site.page(&format!("regions/{}/{}/", r.id, q.id));
            let table = table_captioned(&page, &q.heading());
            for (option, want) in q.options.iter().zip(r.figures) {
                let row = table.row(option);
                check_figure(&format!("{} {} {option}", r.id, q.id), &row.td, *want);
            }
        }
    }
}

#[test]
fn region_question_pages_show_the_base() {
    let site = Project::example().build();
    for q in CHOICE_QUESTIONS {
        for r in &q.regions {
            let page = site.page(&format!("regions/{}/{}/", r.id, q.id));
            let table = table_captioned(&page, &q.heading());
            let base = table.row(BASE_ROW);
            assert_eq!(
                figure(&base.td.join(" ")).count.as_deref(),
                Some(r.base),
                "{} {}: base row {:?}",
                r.id,
                q.id,
                base.td
            );
            assert!(
                text(&page).contains(&format!("n={}", r.base)),
                "{} {}: the page should say n={}",
                r.id,
                q.id,
                r.base
            );
        }
    }
}

#[test]
fn not_reported_rows_show_an_ellipsis_without_percent_or_bar() {
    let site = Project::example().build();
    let mut seen = 0;
    for q in CHOICE_QUESTIONS {
        for r in &q.regions {
            let page = site.page(&format!("regions/{}/{}/", r.id, q.id));
            let table = table_captioned(&page, &q.heading());
            for (option, want) in q.options.iter().zip(r.figures) {
                if let NR = want {
                    seen += 1;
                    let row = table.row(option);
                    check_figure(&format!("{} {} {option}", r.id, q.id), &row.td, NR);
                    assert!(
                        !row.html.contains("class=\"bar\""),
                        "{} {} {option}: a not-reported row has no bar: {}",
                        r.id,
                        q.id,
                        row.html
                    );
                }
            }
        }
    }
    // ku-seinanbu q2 ×2, q3 ×3; tokyo q2 ×1, q3 ×7, q4 ×5
    assert_eq!(
        seen, 18,
        "the example should have 18 not-reported option cells"
    );
}

#[test]
fn a_zero_count_is_shown_as_zero_not_as_not_reported() {
    let project = Project::example();
    project.replace_line(
        "data/counts.csv",
        "ku-seinanbu,q3,d,…",
        "ku-seinanbu,q3,d,0",
    );
    let site = project.build();
    let q3 = &CHOICE_QUESTIONS[2];
    let page = site.page("regions/ku-seinanbu/q3/");
    let row = table_captioned(&page, &q3.heading())
        .row(q3.options[3])
        .clone();
    check_figure("ku-seinanbu q3 d = 0", &row.td, Num("0", "0.0%"));
    assert!(!row.td.join(" ").contains('…'), "{:?}", row.td);
}

#[test]
fn question_pages_show_both_regions_side_by_side() {
    let site = Project::example().build();
    for q in CHOICE_QUESTIONS {
        let page = site.page(&format!("questions/{}/", q.id));
        let table = table_captioned(&page, &q.heading());
        let header = &table.rows[0];
        assert_eq!(
            header.th[1..],
            [q.regions[0].title, q.regions[1].title],
            "{}: the columns are the regions in codebook order",
            q.id
        );
        for (i, option) in q.options.iter().enumerate() {
            let row = table.row(option);
            assert_eq!(
                row.td.len(),
                2,
                "{} {option}: one cell per region: {:?}",
                q.id,
                row.td
            );
            for (cell, r) in row.td.iter().zip(&q.regions) {
                check_figure(
                    &format!("questions/{} {} {option}", q.id, r.id),
                    std::slice::from_ref(cell),
                    r.figures[i],
                );
            }
        }
        let base = table.row(BASE_ROW);
        assert_eq!(
            base.td,
            [q.regions[0].base, q.regions[1].base],
            "{} bases",
            q.id
        );
    }
}

/// (function, 区西南部 hospitals, adopted, 都全域 hospitals, adopted)
const CROSSTAB: &[(&str, &str, &str, &str, &str)] = &[
    ("高度急性期", "1", "0", "36", "19"),
    ("急性期/サブアキュート", "8", "2", "79", "27"),
    ("回復期/ポストアキュート", "1", "1", "15", "4"),
    ("慢性期", "2", "0", "34", "6"),
    ("ケアミックス（急性期・回復期）", "1", "1", "33", "13"),
    ("ケアミックス（回復期・慢性期）", "1", "0", "18", "6"),
    ("その他", "2", "0", "35", "5"),
    ("計", "16", "4", "250", "80"),
];

#[test]
fn q1_cross_tab_by_main_function() {
    let site = Project::example().build();
    for (region, title, pick) in [("ku-seinanbu", KU, 0), ("tokyo", TOKYO, 1)] {
        let page = site.page(&format!("regions/{region}/q1/"));
        let table = table_captioned(&page, &format!("{title}: 病院としての主な機能別"));
        for row_want in CROSSTAB {
            let (hospitals, adopted) = if pick == 0 {
                (row_want.1, row_want.2)
            } else {
                (row_want.3, row_want.4)
            };
            let row = table.row(row_want.0);
            assert_eq!(row.td.len(), 2, "{region} {}: {:?}", row_want.0, row.td);
            assert_eq!(
                figure(&row.td[0]).count.as_deref(),
                Some(hospitals),
                "{region} {}: hospitals in {:?}",
                row_want.0,
                row.td
            );
            assert_eq!(
                figure(&row.td[1]).count.as_deref(),
                Some(adopted),
                "{region} {}: うち導入 in {:?}",
                row_want.0,
                row.td
            );
        }
        // 計's share is Q1's: 4/16 and 80/250
        let total = figure(&table.row("計").td[1]);
        let want = if pick == 0 { "25.0%" } else { "32.0%" };
        assert_eq!(total.percent.as_deref(), Some(want), "{region} 計");
    }
}
