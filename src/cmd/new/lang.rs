//! The interface language of a project `new --from` infers: read from the export (the share of
//! CJK characters among the letters of its headers and values), or given with `--lang`; and the
//! words `new` writes in that language (comments of report.yaml and codebook.yaml, the starter
//! commentary, the total's title, その他, the base of every respondent).

use std::collections::HashSet;

use anyhow::Result;

use super::infer::{Inferred, Role};
use crate::render::strings;

/// At least this share of the export's letters are CJK: a Japanese interface.
const CJK_SHARE_JA: f64 = 0.2;

/// How the language was chosen, for the summary.
pub(super) struct Choice {
    pub(super) words: &'static Words,
    /// CJK characters and Latin letters counted (None: given with --lang).
    pub(super) counted: Option<(u64, u64)>,
}

impl Choice {
    /// The summary's line: which language, why, and how to change it.
    pub(super) fn line(&self) -> String {
        let other = if self.words.lang == "ja" { "en" } else { "ja" };
        match self.counted {
            None => format!(
                "interface language: {} (given with --lang); report.yaml `language:` changes it (supported: {})",
                self.words.lang,
                strings::supported()
            ),
            Some((cjk, latin)) => format!(
                "interface language: {} ({} of the export's letters are Japanese/CJK: {cjk} of {}); to change it, run again with --lang {other} or set `language:` in report.yaml (supported: {})",
                self.words.lang,
                percent(cjk, cjk + latin),
                cjk + latin,
                strings::supported()
            ),
        }
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F
        | 0xAC00..=0xD7A3)
}

/// CJK characters and Latin letters of the export's headers, regions and options (the cells
/// the codebook will show).
fn count(inferred: &Inferred) -> (u64, u64) {
    let mut texts: Vec<&str> = Vec::new();
    for c in &inferred.columns {
        texts.push(&c.stats.header);
        match &c.role {
            Role::Single(o) => texts.extend(o.iter().map(|(v, _)| v.as_str())),
            Role::Multiple { options, .. } => texts.extend(options.iter().map(|(v, _)| v.as_str())),
            Role::Text => texts.extend(c.stats.order.iter().map(String::as_str)),
            _ => {}
        }
    }
    texts.extend(inferred.regions.iter().map(|(t, _, _)| t.as_str()));
    let (mut cjk, mut latin) = (0, 0);
    for c in texts.iter().flat_map(|t| t.chars()) {
        if is_cjk(c) {
            cjk += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    (cjk, latin)
}

/// `--lang` if given (one of the supported languages), else what the export is written in.
pub(super) fn choose(inferred: &Inferred, given: Option<&str>) -> Result<Choice> {
    if let Some(lang) = given {
        let words = ALL
            .iter()
            .copied()
            .find(|w| w.lang == lang)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--lang {}: no interface strings for this language (supported: {})",
                    super::text::shown(lang),
                    strings::supported()
                )
            })?;
        return Ok(Choice {
            words,
            counted: None,
        });
    }
    let (cjk, latin) = count(inferred);
    let ja = cjk + latin > 0 && cjk as f64 >= CJK_SHARE_JA * (cjk + latin) as f64;
    Ok(Choice {
        words: if ja { &JA } else { &EN },
        counted: Some((cjk, latin)),
    })
}

/// The total's title in the chosen language, unless a region is already called so.
pub(super) fn localize(inferred: &mut Inferred, words: &Words) {
    if words.lang == "ja" {
        return;
    }
    let titles: HashSet<&str> = inferred
        .regions
        .iter()
        .map(|(t, _, _)| t.as_str())
        .collect();
    let title = std::iter::once(words.total.to_string())
        .chain((2..).map(|k| format!("{} ({k})", words.total)))
        .find(|t| !titles.contains(t.as_str()))
        .unwrap_or_default();
    inferred.total.1 = title;
}

/// What `new` writes, in one language. `{…}` are filled in (see `strings::fill`).
pub(super) struct Words {
    pub(super) lang: &'static str,
    /// The starter commentary of every page.
    pub(super) draft: &'static str,
    /// report.yaml, whole: `{title}`, `{lang}`.
    pub(super) report: &'static str,
    /// The fallback title when the export's file name gives none.
    pub(super) untitled: &'static str,
    /// The all-regions total's title.
    pub(super) total: &'static str,
    /// The option for text typed into "other", and the base of every respondent.
    pub(super) other: &'static str,
    pub(super) base_all: &'static str,
    pub(super) multiple_note: &'static str,
    /// The codebook's comments.
    pub(super) cb_head: &'static str,
    pub(super) cb_unit: &'static str,
    pub(super) cb_regions: &'static str,
    pub(super) cb_no_regions: &'static str,
    /// `{n}` rows (`rows_one` for one).
    pub(super) rows_one: &'static str,
    pub(super) rows_many: &'static str,
    pub(super) cb_total: &'static str,
    pub(super) cb_bases: &'static str,
    pub(super) cb_column: &'static str,
    pub(super) single_what: &'static str,
    pub(super) multiple_what: &'static str,
    /// A multiple-response set of `{n}` variables (an SPSS file's).
    pub(super) set_what: &'static str,
    pub(super) text_what: &'static str,
    /// `{n}` values (`values_one` for one).
    pub(super) values_one: &'static str,
    pub(super) values_many: &'static str,
    pub(super) cb_short: &'static str,
    pub(super) cb_options: &'static str,
    pub(super) cb_options_coded: &'static str,
    pub(super) cb_options_set: &'static str,
    pub(super) cb_sheet: &'static str,
    pub(super) typed_one: &'static str,
    pub(super) typed_many: &'static str,
    pub(super) cb_responses: &'static str,
    pub(super) cb_file: &'static str,
    pub(super) cb_cp932: &'static str,
    pub(super) cb_encoding: &'static str,
    pub(super) cb_id: &'static str,
    pub(super) cb_dimension: &'static str,
    pub(super) cb_left_out: &'static str,
}

impl Words {
    /// `n` with the singular or plural word.
    pub(super) fn counted(&self, n: u64, one: &str, many: &str) -> String {
        let n_text = n.to_string();
        strings::fill(if n == 1 { one } else { many }, &[("n", &n_text)])
    }
}

pub(super) const JA: Words = Words {
    lang: "ja",
    draft: "---
# 解説の見出しと、このページへのリンクに添える要約（どちらも省略できます）:
# title: 見出し
# summary: 要約
---

<!-- ここに、このページの解説を Markdown で書きます。このコメントはページに表示されません。 -->
",
    report: "# レポートの設定。
title: {title}   # レポートの題名: 付け直してください
description: \"\"   # 1〜2文で: 何を、誰にたずねた調査か
source: \"\"   # 数値の出典（各ページの下に表示されます）
language: ja   # 画面の言葉の言語（ja または en）
base_url: \"\"   # 公開先の URL。Pages のワークフローが --base-url で渡します
settings:
  interactive_charts: true
  # 5未満の数を x で伏せ、回答者10未満の地域の自由記述を掲載しない:
  # suppression: { threshold: 5, min_respondents_for_text: 10 }
",
    untitled: "アンケート",
    total: "全体",
    other: "その他",
    base_all: "全回答者",
    multiple_note: "複数回答のため、合計は100%を超えることがあります。",
    cb_head: "# 調査の内容。`surveysite new --from` が {file} から推定しました。
# 公開の前に確かめてください: 設問の題（列見出しから番号を除いたもの）を付け直し、
# 選択肢を調査票の順に並べ、推定を誤った種類（type）を直します。",
    cb_unit: "unit: 件   # 回答者の数え方（「4件」）: 人, 病院, 事業所 …",
    cb_regions: "regions:   # 列 {header} の値。表示する順に並べます",
    cb_no_regions: "regions:   # 地域の列が見つかりませんでした: すべての行を1つの地域として数えます",
    rows_one: "{n}行",
    rows_many: "{n}行",
    cb_total: "すべての行から計算（{rows}）",
    cb_bases: "  # 一部の回答者だけにたずねた設問（調査票の分岐）には、その設問用の対象（base）と、
  # 設問に `base: adopted` が要ります:
  # adopted:
  #   title: 導入している回答者
  #   from: { question: q1, options: [a] }",
    cb_column: "  # {col}列目: {what}、{rows}行中{answered}行が回答",
    single_what: "単一回答、{values}",
    multiple_what: "複数回答（\"{separator}\" 区切り）、{values}",
    set_what: "複数回答セット（{n}変数）",
    text_what: "自由記述",
    values_one: "{n}種類の値",
    values_many: "{n}種類の値",
    cb_short: "    # short: 短い見出し   # ナビゲーションと図に使います（省略時は title）",
    cb_options: "    options:   # 多い順: 調査票の順に並べ替えてください",
    cb_options_coded: "    options:   # コード順: ファイルの値ラベル",
    cb_options_set: "    options:   # 複数回答セットの変数",
    cb_sheet: "   # ブックのシート",
    typed_one: "入力された記述{n}件",
    typed_many: "入力された記述{n}件",
    cb_responses: "# 回答者ごとの行（1人1行）のどこに各設問の回答があるか。",
    cb_file: "{file}   # {export} のコピー",
    cb_cp932: "  encoding: cp932   # 推定（日本の Excel）。UTF-8 で保存し直したら utf-8",
    cb_encoding: "  # encoding: auto   # UTF-8（BOM の有無を問わず）か CP932 を推定",
    cb_id: "   # 回答者の ID: それぞれ一意であること",
    cb_dimension: "  # dimension: { column: \"…\" }   # 回答者を codebook の `dimension` のグループに分ける列",
    cb_left_out: "  # 除いた列: {columns}",
};

pub(super) const EN: Words = Words {
    lang: "en",
    draft: "---
# The commentary's heading, and the summary shown beside links to this page (both optional):
# title: Heading
# summary: Summary
---

<!-- Write this page's commentary here, in Markdown. This comment is not shown on the page. -->
",
    report: "# The report's settings.
title: {title}   # the report's title: retitle it
description: \"\"   # one or two sentences: what the survey asked, and of whom
source: \"\"   # where the numbers come from (shown in every footer)
language: en   # the language of the interface's words (ja or en)
base_url: \"\"   # the published URL; the Pages workflow passes it with --base-url
settings:
  interactive_charts: true
  # Counts under 5 shown as x, free text of regions under 10 respondents withheld:
  # suppression: { threshold: 5, min_respondents_for_text: 10 }
",
    untitled: "Survey",
    total: "All regions",
    other: "Other",
    base_all: "All respondents",
    multiple_note: "Several answers were allowed, so the total may exceed 100%.",
    cb_head: "# The survey, inferred by `surveysite new --from` from {file}.
# Check it before publishing: retitle the questions (titles are the column headers without their numbering),
# put the options in the questionnaire's order, and fix any type that was guessed wrong.",
    cb_unit: "unit: respondents   # what respondents are called in headings (\"Number of respondents\"): people, hospitals …",
    cb_regions: "regions:   # the values of the column {header}, in display order",
    cb_no_regions: "regions:   # no region column was found: every row counts toward one region",
    rows_one: "{n} row",
    rows_many: "{n} rows",
    cb_total: "computed from every row ({rows})",
    cb_bases: "  # A question asked only of some respondents (a branch of the form) needs its own base,
  # and `base: adopted` on that question:
  # adopted:
  #   title: Respondents who use it
  #   from: { question: q1, options: [a] }",
    cb_column: "  # column {col}: {what}, {answered} of {rows} rows answered",
    single_what: "single choice, {values}",
    multiple_what: "multiple choice joined by \"{separator}\", {values}",
    set_what: "multiple-response set, {n} variables",
    text_what: "free text",
    values_one: "{n} value",
    values_many: "{n} values",
    cb_short: "    # short: Short title   # for navigation and charts (default: the title)",
    cb_options: "    options:   # most chosen first: reorder as in the questionnaire",
    cb_options_coded: "    options:   # in coded order: the file's value labels",
    cb_options_set: "    options:   # the variables of the multiple-response set",
    cb_sheet: "   # the workbook's sheet",
    typed_one: "{n} typed answer",
    typed_many: "{n} typed answers",
    cb_responses: "# Where each answer is in the respondent rows (one row per respondent).",
    cb_file: "{file}   # a copy of {export}",
    cb_cp932: "  encoding: cp932   # detected (Excel in Japan); utf-8 if you save it as UTF-8",
    cb_encoding: "  # encoding: auto   # UTF-8 (with or without BOM) or CP932, detected",
    cb_id: "   # respondent ids: each must be unique",
    cb_dimension: "  # dimension: { column: \"…\" }   # a column splitting respondents into the codebook's `dimension` groups",
    cb_left_out: "  # left out: {columns}",
};

const ALL: &[&Words] = &[&JA, &EN];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interface_language_has_words_for_new() {
        for t in strings::ALL {
            assert!(ALL.iter().any(|w| w.lang == t.lang), "{}", t.lang);
        }
    }

    #[test]
    fn generated_report_yaml_parses_with_its_language() {
        for w in ALL {
            let text = strings::fill(w.report, &[("title", "\"t\"")]);
            let config: crate::config::Config = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(config.language, w.lang);
        }
    }

    #[test]
    fn shares_round() {
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(0, 0), "0%");
    }
}
