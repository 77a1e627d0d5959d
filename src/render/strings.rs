//! The interface's words, one table per language: every word the tool itself puts on a page
//! (navigation, headings, table headers, notes, chart captions and aria text, CSV headers), as
//! against the data's own labels. report.yaml's `language:` picks the table; templates get it as
//! `t` (`{{ t.home }}`), the chart and page code in Rust as `&Strings`.
//!
//! To translate: copy `EN` below, give it a new `lang`, translate every string and add it to
//! `ALL`. Placeholders in braces are filled in: `{unit}` (the codebook's word for a respondent,
//! e.g. 病院), `{n}` (a number), `{region}`, `{question}`, `{option}`, `{base}`, `{dimension}` and
//! the others named beside each field. A string may leave a placeholder out, never add one.

use serde::Serialize;

use crate::model::{QuestionKind, Survey};

/// Every interface string of one language.
#[derive(Debug, Serialize)]
pub struct Strings {
    /// The `lang` of the pages (and report.yaml's `language:` value).
    pub lang: &'static str,

    // The frame of every page (base.html).
    pub skip_link: &'static str,
    pub site_nav_label: &'static str,
    pub home: &'static str,
    pub regions: &'static str,
    pub questions: &'static str,
    pub search_form_label: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_more: &'static str,
    /// Shown beside a question's page in search results (its region × question pages look alike).
    pub search_scope_question: &'static str,
    pub breadcrumbs_label: &'static str,
    /// The sidebar's label and heading.
    pub sidebar: &'static str,
    /// Before report.yaml's `source` in the footer.
    pub source_prefix: &'static str,
    pub footer_not_reported: &'static str,
    pub footer_suppressed: &'static str,

    // Words used on several pages.
    /// Before a base's title: 「対象: 全回答病院」.
    pub base_prefix: &'static str,
    /// After a base's title in an eyebrow, `{n}` the base.
    pub base_n: &'static str,
    pub results_by_region: &'static str,
    /// 「回答病院数」: `{unit}`.
    pub respondents_label: &'static str,
    /// 「病院数」 (a group's size): `{unit}`.
    pub group_size: &'static str,
    /// The total row of a table.
    pub total_row: &'static str,
    pub region_col: &'static str,
    pub question_col: &'static str,
    pub option_col: &'static str,
    pub count_col: &'static str,
    pub base_col: &'static str,
    pub base_n_col: &'static str,
    pub percent_col: &'static str,
    pub bar_col: &'static str,
    pub free_text_answers: &'static str,
    pub other_answers: &'static str,
    /// After a heading: the number of answers, `{n}`.
    pub answers_count: &'static str,
    /// A number of answers in a list or a table cell, `{n}`.
    pub answers_n: &'static str,
    pub not_reported_title: &'static str,
    pub suppressed_title: &'static str,
    pub withheld_title: &'static str,
    pub withheld_text: &'static str,
    pub withheld_other: &'static str,
    pub region_answers_not_reported: &'static str,
    pub data_notes: &'static str,
    /// A caption's `（件数と対象に対する%）`, and the same with 地域別.
    pub counts_and_percent: &'static str,
    pub counts_and_percent_by_region: &'static str,
    pub multiple_note: &'static str,
    pub sort_hint: &'static str,
    /// Ends a caption's sentence before `sort_hint`.
    pub sentence_end: &'static str,
    /// `（{dimension}別）` after a caption.
    pub by_dimension: &'static str,
    pub prev_region: &'static str,
    pub next_region: &'static str,
    pub region_pager_label: &'static str,
    pub to_regions: &'static str,
    /// Between listed items (「A、B」).
    pub list_separator: &'static str,

    // The home page.
    /// `{n}` regions (shown when the regions are too many for cards); `regions` links after it.
    pub home_many_regions_before: &'static str,
    pub home_many_regions_after: &'static str,
    pub all_data_csv: &'static str,

    // The regions and questions indexes.
    pub regions_lead: &'static str,
    pub regions_heading: &'static str,
    pub respondents_by_region: &'static str,
    /// The regions index's list of groups (when the codebook groups regions).
    pub region_groups_label: &'static str,
    /// Before a group's table caption: `{group}`.
    pub in_group: &'static str,
    /// After a group's name in that list: how many regions (`{n}`).
    pub group_count: &'static str,
    pub questions_lead: &'static str,

    // A region's page.
    pub key_results: &'static str,
    /// `{region}`.
    pub key_results_caption: &'static str,
    pub key_figure_col: &'static str,
    pub most_of_reported: &'static str,
    pub most: &'static str,

    // A question's page.
    /// `{n}`: the number of answers in all.
    pub answers_elsewhere: &'static str,
    pub answers_elsewhere_some: &'static str,
    pub withheld_short: &'static str,

    // A region × question page.
    pub results: &'static str,
    pub answered_row: &'static str,
    /// The cross-tab's heading: `{dimension}`.
    pub crosstab_heading: &'static str,
    /// `{region}`, `{dimension}`, `{question}`, `{unit}`.
    pub crosstab_caption: &'static str,
    /// `crosstab_caption` of a weighted sample, and where the office gives the estimates.
    pub crosstab_caption_weighted: &'static str,
    pub crosstab_caption_given: &'static str,
    /// A cross-tab column: `{option}`.
    pub crosstab_column: &'static str,
    pub answers_on_region_pages_before: &'static str,
    pub answers_on_region_pages_link: &'static str,
    pub answers_on_region_pages_after: &'static str,
    pub question_pager_label: &'static str,
    /// `{region}`.
    pub to_region: &'static str,
    pub to_question: &'static str,

    // Commentary, charts, 404.
    pub commentary: &'static str,
    /// A shortcode's chart that cannot be drawn: withheld, base unknown, base 0 (`{unit}`).
    pub chart_none_withheld: &'static str,
    pub chart_none_base_unknown: &'static str,
    pub chart_none_base_zero: &'static str,
    /// After `…` where the `answers(…)` shortcode has no answers to show.
    pub answers_not_reported: &'static str,
    /// In a bar chart whose options are all not reported.
    pub chart_no_bars: &'static str,
    /// The row of a ranked chart standing for the regions not drawn: `{n}`.
    pub ranked_between: &'static str,
    pub chart_omitted: &'static str,
    pub chart_csv: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub not_found_home: &'static str,

    // What the Rust code writes: page titles, question kinds, charts, CSV headers.
    pub single: &'static str,
    pub multiple: &'static str,
    pub text: &'static str,
    /// `{n}` and `{unit}`: a count in chart labels and aria text.
    pub count_unit: &'static str,
    /// `{count}` and `{percent}`.
    pub count_percent: &'static str,
    /// A bar's label: `{count}` (with the unit) and `{percent}`.
    pub bar_label: &'static str,
    pub not_reported_text: &'static str,
    pub suppressed_text: &'static str,
    /// A legend entry: `{option}` and its numbers `{count}`.
    pub legend_entry: &'static str,
    /// `{region}`, `{question}` (label and short title), `{base}`, `{n}`.
    pub region_question_caption: &'static str,
    /// `{question}`, `{base}`.
    pub question_caption: &'static str,
    /// A name with its base: `{name}`, `{n}`.
    pub name_n: &'static str,
    /// A group with its size: `{name}`, `{n}`.
    pub group_n: &'static str,
    /// An option left out of a chart: `{option}` of `{region}`.
    pub omitted_item: &'static str,
    /// Between sentences of aria text.
    pub sentence_separator: &'static str,
    /// A cross-tab's aria: `{group}`, `{n}` (with unit), `{option}`, `{count}`.
    pub crosstab_aria: &'static str,
    /// The rest of a group in a cross-tab chart.
    pub rest: &'static str,
    /// `{region}`, `{dimension}`, `{options}` (joined by `option_joiner`), `{unit}`.
    pub crosstab_chart_caption: &'static str,
    /// The cross-tab chart of a weighted sample: bars of estimated % per group.
    pub crosstab_chart_caption_weighted: &'static str,
    pub option_joiner: &'static str,
    /// The figure over all regions (no total region in the codebook).
    pub all_regions: &'static str,
    /// Ranked charts (many regions): `{option}`, `{each}`, `{bottom}`, `{regions}`, `{base}`.
    pub ranked_caption: &'static str,
    /// `{option}`, `{which}` (ranked_which or ranked_all), `{rows}`, `{total}`, `{n}`.
    pub ranked_aria: &'static str,
    pub ranked_which: &'static str,
    pub ranked_all: &'static str,
    /// The total's part of ranked_aria: `{name}`, `{percent}`.
    pub ranked_total: &'static str,
    /// The CSV headers (data.csv, then the charts' CSV files).
    pub csv_question_number: &'static str,
    pub csv_question: &'static str,
    pub csv_kind: &'static str,
    pub csv_percent: &'static str,
    pub csv_base_title: &'static str,
    pub csv_base: &'static str,
    /// A page's title: `{heading}` and the report's `{title}`.
    pub page_title: &'static str,
    /// A region × question page's title: `{heading}`, `{region}` and `{title}`.
    pub region_question_title: &'static str,

    /// Notes on free text withheld by suppression (report.yaml `settings.suppression`): a region
    /// with fewer than `{n}` `{unit}`; その他 whose count is hidden; protecting another region.
    pub withheld_note_small: &'static str,
    pub withheld_note_other: &'static str,
    pub withheld_note_protect: &'static str,

    /// The scripts' messages (assets/search.js, assets/charts.js): each Japanese one is a string
    /// literal of the script as shipped, replaced by the translation when the site is built.
    /// Search: `js_search_open` + query + `js_search_found` + count + `js_search_count`, or
    /// `js_search_open` + query + `js_search_none`.
    pub js_search_open: &'static str,
    pub js_search_found: &'static str,
    pub js_search_count: &'static str,
    pub js_search_none: &'static str,
    pub js_search_offline: &'static str,
    pub js_search_failed: &'static str,
    /// The interactive chart's download button.
    pub js_save_image: &'static str,

    // The codebook's defaults, when it does not name them.
    pub default_unit: &'static str,
    pub default_base: &'static str,

    // Maps (templates/map.html, src/render/maps.rs, src/render/svg/map.rs).
    /// A value class of the legend: the last `{lo}` and up, the others `{lo}` to under `{hi}`.
    pub map_class_from: &'static str,
    pub map_class_range: &'static str,
    /// `{label}` (the question's number), `{short}` (its short title), `{option}`.
    pub map_title: &'static str,
    /// The map's accessible name: `{title}`.
    pub map_aria: &'static str,
    /// Before the title in the map's caption.
    pub map_caption_prefix: &'static str,
    pub map_legend_label: &'static str,
    /// After a legend entry: how many regions it has, `{n}` (one and more than one).
    pub map_region_count_one: &'static str,
    pub map_region_count: &'static str,
    /// The legend's pattern entries.
    pub map_legend_not_reported: &'static str,
    pub map_legend_suppressed: &'static str,
    pub map_not_in_survey: &'static str,
    /// The legend's entry for the page's own region: `{region}`.
    pub map_legend_current: &'static str,
    /// A region page's heading over its map.
    pub map_heading: &'static str,
    /// After the total region's name under the map.
    pub map_total_suffix: &'static str,
    /// The map table's column: `{option}`.
    pub map_share_col: &'static str,
    /// An area's value (its accessible name, the map table) when there is no number.
    pub map_area_not_reported: &'static str,
    pub map_area_suppressed: &'static str,
    /// A tile's short text for an area outside the survey.
    pub map_tile_not_in_survey: &'static str,
    /// After the area's name in its accessible name when it is the page's region.
    pub map_this_region: &'static str,

    // Weighted samples (a `design:` section in the codebook).
    /// The 95% confidence interval's column header, and its two CSV columns.
    pub ci_col: &'static str,
    pub csv_ci_low: &'static str,
    pub csv_ci_high: &'static str,
    /// Around an interval in a table cell (［12.3%–45.6%］).
    pub ci_open: &'static str,
    pub ci_close: &'static str,
    /// The tooltip of `—` where there is no interval.
    pub ci_none_title: &'static str,
    /// After the estimate note: where the tables show intervals in brackets (a question's page,
    /// a region's page).
    pub ci_in_table: &'static str,
    pub ci_in_brackets: &'static str,
    /// The ▲/▼ marks' tooltips and their legend.
    pub mark_higher: &'static str,
    pub mark_lower: &'static str,
    pub mark_legend: &'static str,
    /// The estimate note: `{weight}` the weight column, `{design}` the design (empty when there
    /// is none, else `estimate_design` with `{parts}`: each part `{column}`, joined by
    /// `estimate_design_joiner`).
    pub estimate_note: &'static str,
    pub estimate_design: &'static str,
    pub estimate_design_joiner: &'static str,
    pub estimate_strata: &'static str,
    pub estimate_cluster: &'static str,
    pub estimate_fpc: &'static str,
    /// Between an interval's bounds (45.6〜76.8%).
    pub ci_separator: &'static str,

    // Editions (codebook `editions:`, docs/editions.md).
    /// The editions switcher's label (every page of a project with `editions:`).
    pub editions_label: &'static str,
    /// On an earlier edition's pages: `{edition}` its label.
    pub edition_earlier_note: &'static str,
    /// The link from an earlier edition to the latest: `{edition}` the latest's label.
    pub edition_latest_link: &'static str,
    /// The change column's header (percentage points since the previous edition).
    pub change_col: &'static str,
    /// A change: `{value}` signed, one decimal (+3.2, −1.0).
    pub change_points: &'static str,
    /// The change column's explanation: `{edition}` the previous edition's label.
    pub change_caption: &'static str,
    /// The mark beside a significant change (weighted samples).
    pub change_significant: &'static str,
    /// The trend chart's heading.
    pub trend_heading: &'static str,
    /// The trend chart's aria-label: `{region}`, `{question}`.
    pub trend_label: &'static str,
    /// In the trend's description: an option an edition did not ask.
    pub trend_not_asked: &'static str,
    /// The trend CSV's first column.
    pub trend_csv_edition: &'static str,
    /// A question worded otherwise in an edition: `{edition}`, `{wording}`.
    pub wording_note: &'static str,
    /// Between the sentences of the trend chart's accessible name (after its title, between
    /// editions).
    pub trend_sentence_separator: &'static str,
    /// The page note of a project whose count tables give the office's estimates (no design).
    pub estimate_note_given: &'static str,
    /// The title of `—` where the office gave an estimate without its interval.
    pub ci_not_given_title: &'static str,
    /// `crosstab_chart_caption` where the office gives the estimates.
    pub crosstab_chart_caption_given: &'static str,
}

pub const JA: Strings = Strings {
    lang: "ja",
    skip_link: "本文へ移動",
    site_nav_label: "サイト内",
    home: "ホーム",
    regions: "地域一覧",
    questions: "設問一覧",
    search_form_label: "サイト内検索",
    search_label: "検索",
    search_placeholder: "地域名・設問・回答の言葉",
    search_more: "さらに表示",
    search_scope_question: "全地域の比較",
    breadcrumbs_label: "パンくずリスト",
    sidebar: "設問",
    source_prefix: "出典: ",
    footer_not_reported: "「…」は資料に数値の記載がないこと（未報告）を示します。0 とは異なります。",
    footer_suppressed: "「x」は回答者が少ないため、個人が特定されないよう数値を伏せていることを示します。",

    base_prefix: "対象: ",
    base_n: "（n={n}）",
    results_by_region: "地域別の結果",
    respondents_label: "回答{unit}数",
    group_size: "{unit}数",
    total_row: "計",
    region_col: "地域",
    question_col: "設問",
    option_col: "選択肢",
    count_col: "件数",
    base_col: "対象",
    base_n_col: "対象（n）",
    percent_col: "%",
    bar_col: "割合のグラフ",
    free_text_answers: "自由記述の回答",
    other_answers: "「その他」の記述",
    answers_count: "（{n}件）",
    answers_n: "{n}件",
    not_reported_title: "資料に記載なし",
    suppressed_title: "回答者が少ないため秘匿",
    withheld_title: "回答者が少ないため掲載していません",
    withheld_text: "回答者が少ないため、この地域の自由記述は掲載していません。",
    withheld_other: "回答者が少ないため、この地域の「その他」の記述は掲載していません。",
    region_answers_not_reported: "この地域の回答は資料に掲載されていません。",
    data_notes: "データについての注",
    counts_and_percent: "（件数と対象に対する%）",
    counts_and_percent_by_region: "（地域別、件数と対象に対する%）",
    multiple_note: "　複数回答のため合計は100%を超えることがあります。",
    sort_hint: "列の見出しを選ぶと並べ替えられます。",
    sentence_end: "。",
    by_dimension: "（{dimension}別）",
    prev_region: "← 前の地域: ",
    next_region: "次の地域: ",
    region_pager_label: "地域の移動",
    to_regions: "地域一覧へ",
    list_separator: "、",

    home_many_regions_before: "{n}地域の結果があります。",
    home_many_regions_after: "から地域を選んでください。",
    all_data_csv: "報告書の全数値（CSV）",

    regions_lead: "{n}地域の結果があります。地域名を選ぶと、その地域の結果を設問ごとに見られます。",
    regions_heading: "地域と回答{unit}数",
    respondents_by_region: "地域別の回答{unit}数",
    region_groups_label: "地域の区分",
    in_group: "{group}の",
    group_count: "（{n}）",
    questions_lead: "設問を選ぶと、地域ごとの結果を比べられます。",

    key_results: "設問ごとの主な結果",
    key_results_caption: "{region}の設問ごとの主な数値（% は各設問の対象に対する割合）",
    key_figure_col: "主な数値",
    most_of_reported: "（記載のある選択肢で最多）",
    most: "（最多）",

    answers_elsewhere: "記述は全部で{n}件あります。各地域のページに掲載しています。",
    answers_elsewhere_some: "記述のない地域は省いています。",
    withheld_short: "掲載していません（回答者が少ないため）",

    results: "結果",
    answered_row: "回答計",
    crosstab_heading: "{dimension}別",
    crosstab_caption: "{region}: {dimension}別の{question}（% は各区分の{unit}数に対する割合）",
    crosstab_caption_weighted: "{region}: {dimension}別の{question}（% は重みを用いた各区分の推計値。件数は実際の回答数）",
    crosstab_caption_given: "{region}: {dimension}別の{question}（% は実施機関による各区分の推計値。件数は実際の回答数）",
    crosstab_column: "うち{option}",
    answers_on_region_pages_before: "記述は各地域のページに掲載しています。",
    answers_on_region_pages_link: "地域ごとの件数と各地域のページへのリンク",
    answers_on_region_pages_after: "は、この設問の地域比較のページにあります。",
    question_pager_label: "設問の移動",
    to_region: "{region}の一覧へ",
    to_question: "この設問の地域比較",

    commentary: "解説",
    chart_none_withheld: "回答者が少ないため、この図は掲載していません。",
    chart_none_base_unknown: "対象の数が資料にないため、図はありません。",
    chart_none_base_zero: "対象が0{unit}のため、図はありません。",
    answers_not_reported: "資料に回答の記載がありません。",
    chart_no_bars: "資料に数値の記載がないため、描ける棒がありません",
    ranked_between: "…（ほか{n}地域）",
    chart_omitted: "資料に数値の記載がないため図から除いた項目: ",
    chart_csv: "この図の数値（CSV）",
    not_found: "ページが見つかりません",
    not_found_text: "お探しのページは見つかりませんでした。URL が変わったか、削除された可能性があります。",
    not_found_home: "ホームへ戻る",

    single: "単一回答",
    multiple: "複数回答",
    text: "自由記述",
    count_unit: "{n}{unit}",
    count_percent: "{count} ({percent})",
    bar_label: "{count}（{percent}）",
    not_reported_text: "…（記載なし）",
    suppressed_text: "x（秘匿）",
    legend_entry: "{option}：{count}",
    region_question_caption: "{region}: {question}（対象: {base}、n={n}）",
    question_caption: "{question}（地域別、「{base}」に対する%）",
    name_n: "{name}（n={n}）",
    group_n: "{name}（{n}）",
    omitted_item: "{region}の「{option}」",
    sentence_separator: "。",
    crosstab_aria: "{group} {n}のうち{option} {count}",
    rest: "それ以外",
    crosstab_chart_caption: "{region}: {dimension}別の{options}（{unit}数）",
    crosstab_chart_caption_weighted: "{region}: {dimension}別の{options}（%、重みを用いた推計値）",
    option_joiner: "・",
    all_regions: "全地域",
    ranked_caption: "{question}: 「{option}」の割合が高い{each}地域と低い{bottom}地域（全{regions}地域は表に。「{base}」に対する%）",
    ranked_aria: "「{option}」の割合{which}: {rows}。{total}ほか{n}地域の数値は表にあります",
    ranked_which: "が高い{each}地域と低い{bottom}地域",
    ranked_all: "（地域別、高い順）",
    ranked_total: "{name} {percent}。",
    csv_question_number: "設問番号",
    csv_question: "設問",
    csv_kind: "種類",
    csv_percent: "割合(%)",
    csv_base_title: "対象",
    csv_base: "対象(n)",
    page_title: "{heading} | {title}",
    region_question_title: "{heading}（{region}） | {title}",

    withheld_note_small: "回答者が{n}{unit}未満の地域のため、自由記述の回答は掲載していません。",
    withheld_note_other: "「その他」の件数を秘匿しているため、自由記述の回答は掲載していません。",
    withheld_note_protect: "回答者の少ない他の地域の回答を特定できないようにするため、自由記述の回答は掲載していません。",

    js_search_open: "「",
    js_search_found: "」の検索結果: ",
    js_search_count: " 件",
    js_search_none: "」に一致するページはありません",
    js_search_offline: "検索はウェブサーバーで公開したサイト（または surveysite serve）で使えます。",
    js_search_failed: "検索の索引を読み込めませんでした。",
    js_save_image: "画像として保存",

    default_unit: "件",
    default_base: "全回答者",

    map_class_from: "{lo}以上",
    map_class_range: "{lo}以上{hi}未満",
    map_title: "{label} {short}：「{option}」の割合（地域別）",
    map_aria: "地図 {title}",
    map_caption_prefix: "地図: ",
    map_legend_label: "地図の凡例",
    map_region_count_one: "（{n}地域）",
    map_region_count: "（{n}地域）",
    map_legend_not_reported: "資料に記載なし（…）",
    map_legend_suppressed: "回答者が少ないため秘匿（x）",
    map_not_in_survey: "調査対象外",
    map_legend_current: "太枠: {region}（このページの地域）",
    map_heading: "地図で見る",
    map_total_suffix: "（地図には含みません）",
    map_share_col: "「{option}」の割合",
    map_area_not_reported: "…（資料に記載なし）",
    map_area_suppressed: "x（回答者が少ないため秘匿）",
    map_tile_not_in_survey: "対象外",
    map_this_region: "（この地域）",

    ci_col: "95%信頼区間",
    csv_ci_low: "95%信頼区間下限(%)",
    csv_ci_high: "95%信頼区間上限(%)",
    ci_open: "［",
    ci_close: "］",
    ci_none_title: "推計値が0%・100%か、回答が少ないため算出できません",
    ci_in_table: "　表の［　］内は95%信頼区間です。",
    ci_in_brackets: "　［　］内は95%信頼区間です。",
    mark_higher: "ほかの地域と比べて統計的に有意に高い（5%水準）",
    mark_lower: "ほかの地域と比べて統計的に有意に低い（5%水準）",
    mark_legend: "▲・▼：その地域の割合が、ほかの地域を合わせた割合と比べて統計的に有意に高い（▲）・低い（▼）ことを示します（5%水準の検定。偶然の差とは考えにくいという意味です）。回答が少なく検定できない地域・秘匿した数値には付けていません。",
    estimate_note: "この調査は標本調査です。%は回答者ごとの重み（列「{weight}」）を用いた推計値で、件数は重みを付けない実際の回答数です。95%信頼区間は推計値の誤差の幅で、{design}標本の設計を考慮して計算しています（ロジット変換による区間。推計値が0%・100%のときや回答が少なく自由度が足りないときは「—」）。",
    estimate_design: "{parts}という",
    estimate_design_joiner: "・",
    estimate_strata: "層（列「{column}」）",
    estimate_cluster: "抽出単位（列「{column}」）",
    estimate_fpc: "有限母集団修正（列「{column}」）",
    ci_separator: "〜",
    editions_label: "調査年度",
    edition_earlier_note: "この頁は{edition}の結果です。",
    edition_latest_link: "最新の{edition}を見る",
    change_col: "前回からの変化",
    change_points: "{value}ポイント",
    change_caption: "前回（{edition}）からの変化（ポイント）",
    change_significant: "統計的に有意な変化（5%水準）",
    trend_heading: "調査年度ごとの推移",
    trend_label: "{region}の{question}：調査年度ごとの推移",
    trend_not_asked: "{edition}では尋ねていません",
    trend_csv_edition: "調査年度",
    wording_note: "{edition}では設問文が異なります：{wording}",
    trend_sentence_separator: "。",
    estimate_note_given: "%と95%信頼区間は、調査の実施機関が算出して公表した推計値をそのまま載せたものです（このサイトでは計算していません）。件数は重みを付けない実際の回答数です。区間だけからは地域間の差を検定できないため、有意差の印（▲・▼）は付けていません。区間が示されていない数値は「—」です。",
    ci_not_given_title: "実施機関が信頼区間を示していません",
    crosstab_chart_caption_given: "{region}: {dimension}別の{options}（%、実施機関による推計値）",
};

pub const EN: Strings = Strings {
    lang: "en",
    skip_link: "Skip to content",
    site_nav_label: "Site",
    home: "Home",
    regions: "Regions",
    questions: "Questions",
    search_form_label: "Search this site",
    search_label: "Search",
    search_placeholder: "Region, question or words of an answer",
    search_more: "Show more",
    search_scope_question: "All regions compared",
    breadcrumbs_label: "Breadcrumbs",
    sidebar: "Questions",
    source_prefix: "Source: ",
    footer_not_reported: "“…” means the source gives no number (not reported). It is not 0.",
    footer_suppressed: "“x” means a number is withheld because there are too few respondents to keep them anonymous.",

    base_prefix: "Base: ",
    base_n: " (n={n})",
    results_by_region: "Results by region",
    respondents_label: "Number of {unit}",
    group_size: "Number of {unit}",
    total_row: "Total",
    region_col: "Region",
    question_col: "Question",
    option_col: "Answer",
    count_col: "Count",
    base_col: "Base",
    base_n_col: "Base (n)",
    percent_col: "%",
    bar_col: "Share as a bar",
    free_text_answers: "Free-text answers",
    other_answers: "Answers under “Other”",
    answers_count: " ({n})",
    answers_n: "{n}",
    not_reported_title: "Not reported",
    suppressed_title: "Withheld: too few respondents",
    withheld_title: "Not shown: too few respondents",
    withheld_text: "Too few respondents: this region’s free-text answers are not shown.",
    withheld_other: "Too few respondents: this region’s answers under “Other” are not shown.",
    region_answers_not_reported: "The source gives no answers for this region.",
    data_notes: "Notes on the data",
    counts_and_percent: " (count and % of the base)",
    counts_and_percent_by_region: " (by region: count and % of the base)",
    multiple_note: " Several answers were allowed, so the total may exceed 100%.",
    sort_hint: " Select a column heading to sort.",
    sentence_end: ".",
    by_dimension: " (by {dimension})",
    prev_region: "← Previous region: ",
    next_region: "Next region: ",
    region_pager_label: "Other regions",
    to_regions: "List of regions",
    list_separator: ", ",

    home_many_regions_before: "Results for {n} regions. Choose a region from the ",
    home_many_regions_after: ".",
    all_data_csv: "Every number of the report (CSV)",

    regions_lead: "Results for {n} regions. Choose a region to see its results question by question.",
    regions_heading: "Regions and number of {unit}",
    respondents_by_region: "Number of {unit} by region",
    region_groups_label: "Groups of regions",
    in_group: "{group}: ",
    group_count: " ({n})",
    questions_lead: "Choose a question to compare the regions’ results.",

    key_results: "Main results by question",
    key_results_caption: "{region}: the main figure of each question (% of each question’s base)",
    key_figure_col: "Main figure",
    most_of_reported: " (most chosen of those reported)",
    most: " (most chosen)",

    answers_elsewhere: "{n} answers in all, listed on each region’s page.",
    answers_elsewhere_some: " Regions without answers are left out.",
    withheld_short: "Not shown (too few respondents)",

    results: "Results",
    answered_row: "Answered",
    crosstab_heading: "By {dimension}",
    crosstab_caption: "{region}: {question} by {dimension} (% of the number of {unit} in each group)",
    crosstab_caption_weighted: "{region}: {question} by {dimension} (% are weighted estimates for each group; counts are actual answers)",
    crosstab_caption_given: "{region}: {question} by {dimension} (% are the survey office’s estimates for each group; counts are actual answers)",
    crosstab_column: "{option}",
    answers_on_region_pages_before: "The answers are listed on each region’s page. ",
    answers_on_region_pages_link: "The number of answers of each region, with links to their pages,",
    answers_on_region_pages_after: " is on this question’s comparison page.",
    question_pager_label: "Other questions",
    to_region: "All questions of {region}",
    to_question: "This question in every region",

    commentary: "Commentary",
    chart_none_withheld: "Too few respondents: this chart is not shown.",
    chart_none_base_unknown: "The source gives no base for this chart, so there is none.",
    chart_none_base_zero: "The base is 0 {unit}, so there is no chart.",
    answers_not_reported: "The source gives no answers here.",
    chart_no_bars: "The source gives no number to draw a bar for",
    ranked_between: "… (and {n} more)",
    chart_omitted: "Left out of the chart because the source gives no number: ",
    chart_csv: "The numbers of this chart (CSV)",
    not_found: "Page not found",
    not_found_text: "The page you are looking for is not here. Its address may have changed, or it may have been removed.",
    not_found_home: "Back to the home page",

    single: "Single choice",
    multiple: "Multiple choice",
    text: "Free text",
    count_unit: "{n}",
    count_percent: "{count} ({percent})",
    bar_label: "{count} ({percent})",
    not_reported_text: "… (not reported)",
    suppressed_text: "x (withheld)",
    legend_entry: "{option}: {count}",
    region_question_caption: "{region}: {question} (base: {base}, n={n})",
    question_caption: "{question} (by region, % of “{base}”)",
    name_n: "{name} (n={n})",
    group_n: "{name} ({n})",
    omitted_item: "“{option}” in {region}",
    sentence_separator: ". ",
    crosstab_aria: "{group}, {n} in all: {option} {count}",
    rest: "Others",
    crosstab_chart_caption: "{region}: {options} by {dimension} (number of {unit})",
    crosstab_chart_caption_weighted: "{region}: {options} by {dimension} (%, weighted estimates)",
    option_joiner: " / ",
    all_regions: "All regions",
    ranked_caption: "{question}: the {each} regions with the highest and the {bottom} with the lowest share of “{option}” (all {regions} regions are in the table; % of “{base}”)",
    ranked_aria: "Share of “{option}”{which}: {rows}. {total}The numbers of the other {n} regions are in the table",
    ranked_which: ", the {each} highest and the {bottom} lowest regions",
    ranked_all: " by region, highest first",
    ranked_total: "{name} {percent}. ",
    csv_question_number: "Question number",
    csv_question: "Question",
    csv_kind: "Kind",
    csv_percent: "Percent",
    csv_base_title: "Base",
    csv_base: "Base (n)",
    page_title: "{heading} | {title}",
    region_question_title: "{heading} ({region}) | {title}",

    withheld_note_small: "Free-text answers are not shown: the region has fewer than {n} {unit}.",
    withheld_note_other: "Free-text answers are not shown: the count of “Other” is withheld.",
    withheld_note_protect: "Free-text answers are not shown, so that those of a region with few respondents cannot be worked out.",

    js_search_open: "“",
    js_search_found: "”: pages found: ",
    js_search_count: "",
    js_search_none: "” matches no page",
    js_search_offline: "Search works on the published site (or under surveysite serve), not on files opened from disk.",
    js_search_failed: "The search index could not be loaded.",
    js_save_image: "Save as image",

    default_unit: "respondents",
    default_base: "All respondents",

    map_class_from: "{lo} and over",
    map_class_range: "{lo} to under {hi}",
    map_title: "{label} {short}: share of “{option}” by region",
    map_aria: "Map: {title}",
    map_caption_prefix: "Map: ",
    map_legend_label: "Map legend",
    map_region_count_one: "({n} region)",
    map_region_count: "({n} regions)",
    map_legend_not_reported: "Not reported (…)",
    map_legend_suppressed: "Withheld: too few respondents (x)",
    map_not_in_survey: "Not in the survey",
    map_legend_current: "Thick outline: {region} (this page’s region)",
    map_heading: "On a map",
    map_total_suffix: " (not on the map)",
    map_share_col: "Share of “{option}”",
    map_area_not_reported: "… (not reported)",
    map_area_suppressed: "x (withheld: too few respondents)",
    map_tile_not_in_survey: "Not surveyed",
    map_this_region: " (this region)",

    ci_col: "95% confidence interval",
    csv_ci_low: "95% CI lower (%)",
    csv_ci_high: "95% CI upper (%)",
    ci_open: "[",
    ci_close: "]",
    ci_none_title: "Not computed: the estimate is 0% or 100%, or there are too few answers",
    ci_in_table: " The figures in [ ] in the table are 95% confidence intervals.",
    ci_in_brackets: " The figures in [ ] are 95% confidence intervals.",
    mark_higher: "Significantly higher than the other regions together (5% level)",
    mark_lower: "Significantly lower than the other regions together (5% level)",
    mark_legend: "▲ / ▼: the region’s share is significantly higher (▲) or lower (▼) than that of the other regions together (a test at the 5% level: the difference is unlikely to be chance). Regions with too few answers to test, and withheld numbers, have no mark.",
    estimate_note: "This survey is a sample survey. Percentages are estimates using each respondent’s weight (column “{weight}”); counts are the actual, unweighted numbers of answers. The 95% confidence interval is an estimate’s margin of error, computed taking the sample’s design into account{design} (logit intervals; “—” where the estimate is 0% or 100% or there are too few answers for the degrees of freedom).",
    estimate_design: " ({parts})",
    estimate_design_joiner: "; ",
    estimate_strata: "strata from column “{column}”",
    estimate_cluster: "sampling units from column “{column}”",
    estimate_fpc: "finite population correction from column “{column}”",
    ci_separator: "–",
    editions_label: "Survey edition",
    edition_earlier_note: "This page shows the results of {edition}.",
    edition_latest_link: "See the latest, {edition}",
    change_col: "Change since last time",
    change_points: "{value} pts",
    change_caption: "Change since {edition} (percentage points)",
    change_significant: "A statistically significant change (5% level)",
    trend_heading: "Over the editions",
    trend_label: "{question} in {region}, edition by edition",
    trend_not_asked: "not asked in {edition}",
    trend_csv_edition: "edition",
    wording_note: "In {edition} the question read: {wording}",
    trend_sentence_separator: ". ",
    estimate_note_given: "Percentages and their 95% confidence intervals are the estimates computed and published by the survey office, shown as given (surveysite does not compute them). Counts are the actual, unweighted numbers of answers. Intervals alone allow no test of the differences between regions, so there are no significance marks (▲ / ▼). “—” where the office gives no interval.",
    ci_not_given_title: "The survey office gives no confidence interval",
    crosstab_chart_caption_given: "{region}: {options} by {dimension} (%, the survey office’s estimates)",
};

/// Every language there is a table for.
pub const ALL: &[&Strings] = &[&JA, &EN];

/// The table of a language (report.yaml's `language:`), if there is one.
pub fn for_language(language: &str) -> Option<&'static Strings> {
    ALL.iter().copied().find(|s| s.lang == language)
}

/// The table of a language, Japanese for one the loader would have refused.
pub fn of(language: &str) -> &'static Strings {
    for_language(language).unwrap_or(&JA)
}

/// The supported languages, for error messages: `ja, en`.
pub fn supported() -> String {
    ALL.iter().map(|s| s.lang).collect::<Vec<_>>().join(", ")
}

/// `template` with each `{name}` replaced by its value, in one pass: a value holding braces
/// (a region called `{n}`) stays as it is. An unknown `{…}` is kept.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Strings {
    pub fn kind(&self, kind: QuestionKind) -> &'static str {
        match kind {
            QuestionKind::Single => self.single,
            QuestionKind::Multiple => self.multiple,
            QuestionKind::Text => self.text,
        }
    }

    /// The table as the templates' `t`: `{unit}` already filled in with the survey's unit.
    pub fn template_value(&self, unit: &str) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut value {
            for v in map.values_mut() {
                if let serde_json::Value::String(s) = v
                    && s.contains("{unit}")
                {
                    *s = s.replace("{unit}", unit);
                }
            }
        }
        value
    }
}

/// The script messages of the table, Japanese first.
fn script_messages(t: &Strings) -> [&'static str; 7] {
    [
        t.js_search_open,
        t.js_search_found,
        t.js_search_count,
        t.js_search_none,
        t.js_search_offline,
        t.js_search_failed,
        t.js_save_image,
    ]
}

/// A script of the site (assets/search.js, assets/charts.js) with its messages in the report's
/// language: each Japanese message, a string literal in the script, becomes the translation's
/// (a JSON string, valid JavaScript). A Japanese report's script is left as it is.
pub fn localize_script(script: Vec<u8>, language: &str) -> Vec<u8> {
    let t = of(language);
    if t.lang == JA.lang {
        return script;
    }
    let Ok(mut text) = String::from_utf8(script.clone()) else {
        return script;
    };
    for (ja, translated) in script_messages(&JA).iter().zip(script_messages(t)) {
        let to = serde_json::to_string(translated).unwrap_or_default();
        for quote in ['"', '\x27'] {
            text = text.replace(&format!("{quote}{ja}{quote}"), &to);
        }
    }
    text.into_bytes()
}

/// The codebook's defaults (unit 件, the base 全回答者) in the report's language, when the
/// codebook leaves them out: they are interface words, not the data's.
pub fn localize_defaults(language: &str, survey: &mut Survey) {
    let t = of(language);
    if t.lang == JA.lang {
        return;
    }
    if survey.unit == JA.default_unit {
        survey.unit = t.default_unit.to_string();
    }
    for b in &mut survey.bases {
        if b.id == "all" && b.title == JA.default_base {
            b.title = t.default_base.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every placeholder a translation uses is one the Japanese string has (code fills only those).
    #[test]
    fn translations_use_only_known_placeholders() {
        let ja = serde_json::to_value(&JA).unwrap();
        for s in ALL {
            let v = serde_json::to_value(s).unwrap();
            for (key, text) in v.as_object().unwrap() {
                let text = text.as_str().unwrap();
                let original = ja[key].as_str().unwrap();
                let mut rest = text;
                while let Some(start) = rest.find('{') {
                    let Some(end) = rest[start..].find('}') else {
                        break;
                    };
                    let name = &rest[start..start + end + 1];
                    assert!(
                        original.contains(name),
                        "{}: {key} uses {name}, which the code does not fill in",
                        s.lang
                    );
                    rest = &rest[start + end + 1..];
                }
            }
        }
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            fill("{a} and {b}, {a}", &[("a", "x"), ("b", "y")]),
            "x and y, x"
        );
        // A value is never read as a template; unknown names stay.
        assert_eq!(fill("{a}: {b}", &[("a", "{b}"), ("b", "y")]), "{b}: y");
        assert_eq!(fill("{c} {", &[("a", "x")]), "{c} {");
    }

    #[test]
    fn every_script_message_is_a_literal_of_the_scripts() {
        let scripts = [
            super::super::search::SEARCH_JS,
            super::super::templates::CHARTS_JS,
        ]
        .concat();
        for m in script_messages(&JA) {
            assert!(
                scripts.contains(&format!("\"{m}\"")) || scripts.contains(&format!("'{m}'")),
                "{m:?} is not a string literal of search.js or charts.js"
            );
        }
        let en = String::from_utf8(localize_script(scripts.clone().into_bytes(), "en")).unwrap();
        assert!(en.contains("\"Save as image\""));
        assert!(!en.contains("検索") && !en.contains("画像"));
        assert_eq!(
            localize_script(scripts.clone().into_bytes(), "ja"),
            scripts.into_bytes()
        );
    }

    #[test]
    fn no_japanese_in_the_english_table() {
        let v = serde_json::to_value(&EN).unwrap();
        for (key, text) in v.as_object().unwrap() {
            let text = text.as_str().unwrap();
            assert!(
                !text
                    .chars()
                    .any(|c| c as u32 >= 0x3000 && c as u32 <= 0x9FFF
                        || ('\u{FF00}'..='\u{FFEF}').contains(&c)),
                "en.{key}: {text}"
            );
        }
    }
}
