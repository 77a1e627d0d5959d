//! Finding one's way: the header, the regions and questions indexes, previous / next region —
//! with the example's 2 regions and with a synthetic report of hundreds of regions, where no page
//! but the indexes may list them all.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;

use crate::synth;

/// The links of the header's navigation: (text, output file it leads to).
fn header_links(site_page_file: &str, html: &str) -> Vec<(String, String)> {
    let header = elements(html, "header")[0];
    elements(header, "a")
        .into_iter()
        .skip(1) // the site title
        .map(|a| {
            let href = open_tag_attr(a, "a", "href").unwrap();
            let to = resolve_link(site_page_file, &decode_entities(&href), "/")
                .unwrap()
                .unwrap();
            (text(a), to)
        })
        .collect()
}

#[test]
fn every_page_has_the_same_short_header_home_regions_questions() {
    let site = Project::example().build();
    for (file, bytes) in site.files() {
        if !file.ends_with(".html") || file == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        // Declaring no icon keeps browsers from asking for /favicon.ico (a 404 and a console
        // error on every page).
        assert!(
            html.contains(r#"<link rel="icon" href="data:,">"#),
            "{file}: no icon declared"
        );
        let links = header_links(&file, &html);
        assert_eq!(
            links,
            [
                ("ホーム".to_string(), "index.html".to_string()),
                ("地域一覧".into(), "regions/index.html".into()),
                ("設問一覧".into(), "questions/index.html".into()),
            ],
            "{file}"
        );
    }
}

#[test]
fn the_regions_index_lists_each_region_with_its_respondents() {
    let site = Project::example().build();
    let page = site.page("regions/");
    assert_eq!(
        title(&page),
        "地域一覧 | 地域医療連携システムに関する事前アンケート"
    );
    let table = table_captioned(&page, "地域別の回答病院数");
    assert_eq!(table.row("区西南部").td[0], "16");
    assert_eq!(table.row("都全域").td[0], "250");
    // The dimension's groups follow: 区西南部 has 8 急性期/サブアキュート hospitals of 16.
    assert_eq!(table.row("区西南部").td[2], "8 (50.0%)");
    let questions = site.page("questions/");
    for (n, q) in QUESTIONS.iter().enumerate() {
        assert!(
            questions.contains(&format!(
                "href=\"../questions/{q}/\"><span class=\"qlabel\">Q{}</span>",
                n + 1
            )),
            "questions/ lists {q}"
        );
    }
}

#[test]
fn region_question_pages_link_the_previous_and_next_region_and_the_comparison() {
    let site = Project::example().build();
    let first = site.page("regions/ku-seinanbu/q1/");
    let last = site.page("regions/tokyo/q1/");
    let pager = |html: &str| -> String {
        elements(html, "nav")
            .into_iter()
            .find(|n| open_tag_attr(n, "nav", "aria-label").as_deref() == Some("地域の移動"))
            .map(str::to_string)
            .expect("a 地域の移動 navigation")
    };
    let (a, b) = (pager(&first), pager(&last));
    assert!(
        a.contains(r#"<a href="../../../regions/tokyo/q1/">次の地域: 都全域 →</a>"#),
        "{a}"
    );
    assert!(!a.contains("前の地域"), "{a}");
    assert!(
        b.contains(r#"<a href="../../../regions/ku-seinanbu/q1/">← 前の地域: 区西南部</a>"#),
        "{b}"
    );
    assert!(!b.contains("次の地域"), "{b}");
    for p in [&a, &b] {
        assert!(
            p.contains(r#"<a href="../../../questions/q1/">この設問の地域比較</a>"#),
            "{p}"
        );
    }
}

/// A synthetic project (made-up respondents, benches/support/synth.rs) of `regions` regions.
fn synthetic(regions: usize, per_region: usize) -> Project {
    synthetic_with(regions, per_region, 0.05)
}

fn synthetic_with(regions: usize, per_region: usize, other_text_rate: f64) -> Project {
    let project = Project::example_with(&[]);
    synth::write_project(
        project.root(),
        &synth::Synth {
            regions,
            per_region,
            with_id: false,
            other_text_rate,
        },
    )
    .unwrap();
    project
}

/// Q1 answers per region title, tallied straight from the synthetic responses.csv.
fn tally_q1(project: &Project) -> BTreeMap<String, BTreeMap<String, u64>> {
    let rows = parse_csv(&project.read("data/responses.csv"));
    let header = &rows[0];
    let region = header.iter().position(|h| h == "地域").unwrap();
    let q1 = header.iter().position(|h| h == "Q1 導入状況").unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for row in &rows[1..] {
        *out.entry(row[region].clone())
            .or_default()
            .entry(row[q1].clone())
            .or_default() += 1;
    }
    out
}

#[test]
fn hundreds_of_regions_no_page_but_the_indexes_lists_them_all() {
    const N: usize = 330;
    let project = synthetic(N, 12);
    let site = project.build();
    let tally = tally_q1(&project);
    let region_title = |i: usize| format!("地域{i:03}");
    let region_id = |i: usize| format!("r{i:03}");

    // The regions index, grouped as the codebook groups regions (seven to a 県 here): the
    // total first, then one table a group, every region once, in codebook order.
    let index = site.page("regions/");
    let tables = tables(&index);
    let captions: Vec<&str> = tables.iter().map(|t| t.caption.as_str()).collect();
    assert_eq!(tables.len(), 1 + N.div_ceil(7), "{captions:?}");
    assert!(
        captions[0].starts_with("地域別の回答病院数"),
        "{captions:?}"
    );
    assert_eq!(tables[0].row("全体").td[0], (N * 12).to_string());
    assert!(
        captions[2].starts_with("県02の地域別の回答病院数"),
        "{captions:?}"
    );
    let in_group_2: Vec<&str> = tables[2].rows[1..].iter().map(Row::label).collect();
    assert_eq!(in_group_2, (8..=14).map(region_title).collect::<Vec<_>>());
    let listed: Vec<&str> = tables[1..]
        .iter()
        .flat_map(|t| t.rows[1..].iter().map(Row::label))
        .collect();
    assert_eq!(listed, (1..=N).map(region_title).collect::<Vec<_>>());
    assert_eq!(tables[1].row(&region_title(7)).td[0], "12");
    // A list of the groups leads to each group's table.
    let nav = elements(&index, "nav")
        .into_iter()
        .find(|n| n.contains("地域の区分"))
        .expect("the groups' list");
    assert!(nav.contains(r##"<a href="#g2">県02</a>（7）"##), "{nav}");
    assert!(nav.contains(r##"<a href="#g48">県48</a>（1）"##), "{nav}");
    assert!(index.contains(r#"<h3 id="g2">県02</h3>"#));

    // The home page links to the index instead of listing 330 regions.
    let home = site.page("");
    assert!(home.contains("331地域の結果があります"), "home");
    assert!(!home.contains("regions/r001/"), "home lists regions");

    // A region × question page links to its own region, the previous and the next one only.
    let page = site.page("regions/r150/q1/");
    let linked: BTreeSet<String> = links(&page)
        .into_iter()
        .filter_map(|href| {
            let to = resolve_link("regions/r150/q1/index.html", &href, "/")?.ok()?;
            let region = to.strip_prefix("regions/")?.split('/').next()?.to_string();
            (region != "index.html").then_some(region)
        })
        .collect();
    assert_eq!(
        linked,
        BTreeSet::from([region_id(149), region_id(150), region_id(151)]),
        "regions linked from regions/r150/q1/"
    );

    // The question page: a row per region, numbers as tallied from the respondents.
    let q1 = site.page("questions/q1/");
    let table = table_captioned(&q1, "Q1 導入状況（地域別");
    assert!(q1.contains(r#"class="results by-region sortable""#));
    assert!(q1.contains("assets/sort.js"));
    assert_eq!(
        table.rows.len(),
        1 + N + 1,
        "header, a row a region, the total"
    );
    for i in [1, 7, 330] {
        let counts = &tally[&region_title(i)];
        let row = table.row(&region_title(i));
        let n: u64 = counts.values().sum();
        assert_eq!(row.td[0], n.to_string(), "{} n", region_title(i));
        let adopted = counts.get("導入している").copied().unwrap_or(0);
        let tenths = (adopted * 2000 + n) / (2 * n);
        assert_eq!(
            row.td[1],
            format!("{adopted} ({}.{}%)", tenths / 10, tenths % 10),
            "{} 導入している",
            region_title(i)
        );
    }

    // Pages stay light whatever the number of regions.
    let size = |p: &str| site.page(p).len();
    assert!(
        size("404.html") < 6_000,
        "404.html: {} bytes",
        size("404.html")
    );
    assert!(
        size("regions/r150/") < 30_000,
        "region page: {}",
        size("regions/r150/")
    );
}

#[test]
fn the_total_s_many_answers_are_counted_and_linked_not_repeated() {
    // 40 regions × 60 respondents, half the adopters typing into その他: about 400 answers,
    // every one also on its own region's page.
    let project = synthetic_with(40, 60, 0.5);
    let site = project.build();
    let rows = parse_csv(&project.read("data/responses.csv"));
    let q2 = rows[0].iter().position(|h| h == "Q2 メリット").unwrap();
    let typed = rows[1..]
        .iter()
        .filter(|r| {
            // The synthetic その他 texts (benches/support/synth.rs).
            [
                "地域の会議で活用",
                "画像データ",
                "マイナポータル",
                "電子カルテ",
            ]
            .iter()
            .any(|t| r[q2].contains(t))
        })
        .count();
    assert!(
        typed > 300,
        "only {typed} answers: the fixture must exceed the inline limit"
    );

    let total = site.page("regions/all/q2/");
    assert!(
        total.contains(&format!("「その他」の記述（{typed}件）")),
        "the total's count"
    );
    assert!(
        !total.contains("<li>地域の会議で活用している</li>"),
        "answers repeated"
    );
    assert!(total.contains(r#"<a href="../../../questions/q2/#h-answers">"#));
    assert!(
        total.len() < 30_000,
        "regions/all/q2/: {} bytes",
        total.len()
    );
    // A region's own page still lists its answers.
    let one = site.page("regions/r001/q2/");
    assert!(one.contains("<li>地域の会議で活用している</li>"));
}
