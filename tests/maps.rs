//! Maps of the regions (issue 16, docs/maps.md): what a reader sees on them — each area's value
//! in its accessible name, the legend, the table beside the map, the links to each region's page
//! — on the 47-prefecture fixture (tests/fixtures/map-japan, boundaries from japanmap) and the
//! tile-map fixture (tests/fixtures/map-tiles); page weight, determinism and located errors.

mod common;

use std::process::Command;

use common::{
    Project, Site, attr_values, decode_entities, elements, open_tag_attr, resolve_link, tables,
    text, title,
};

fn japan() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("map-japan");
    // make.py and the README are no part of a project
    std::fs::remove_file(p.path("make.py")).unwrap();
    std::fs::remove_file(p.path("README.md")).unwrap();
    p
}

fn tiles() -> Project {
    let p = Project::example_with(&[]);
    p.overlay("map-tiles");
    std::fs::remove_file(p.path("README.md")).unwrap();
    p
}

/// The page's map figure (panics without one).
fn map_of(html: &str) -> String {
    elements(html, "figure")
        .into_iter()
        .find(|f| open_tag_attr(f, "figure", "class").as_deref() == Some("map"))
        .unwrap_or_else(|| panic!("no map figure in the page"))
        .to_string()
}

/// Every area of a map as a reader's screen reader names it: (accessible name, link or none).
fn areas(map: &str) -> Vec<(String, Option<String>)> {
    let svg = &map[map.find("<svg").unwrap()..map.find("</svg>").unwrap()];
    let mut out = Vec::new();
    for a in elements(svg, "a") {
        let open = &a[..a.find('>').unwrap() + 1];
        out.push((
            attr_values(open, "aria-label").remove(0),
            Some(attr_values(open, "href").remove(0)),
        ));
    }
    for g in svg.split("<g role=\"img\" aria-label=\"").skip(1) {
        let label = decode_entities(&g[..g.find('"').unwrap()]);
        out.push((label, None));
    }
    out
}

fn label_of<'a>(
    areas: &'a [(String, Option<String>)],
    prefix: &str,
) -> &'a (String, Option<String>) {
    let found: Vec<_> = areas
        .iter()
        .filter(|(l, _)| l.starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "one area named {prefix}…: {areas:?}");
    found[0]
}

/// The legend as read: each item's text.
fn legend(map: &str) -> Vec<String> {
    let ul = elements(map, "ul")
        .into_iter()
        .find(|u| u.contains("map-legend"))
        .expect("a legend");
    elements(ul, "li").into_iter().map(text).collect()
}

#[test]
fn a_question_map_names_every_prefectures_value_and_links_to_its_page() {
    let project = japan();
    let site = project.build();
    let page = site.page("questions/q1/");
    let map = map_of(&page);
    assert!(text(&map).contains("地図: Q1 導入状況：「導入している」の割合（地域別）"));
    let areas = areas(&map);
    // 46 prefectures of the survey (links) and 佐賀県, which is not in it (no link).
    assert_eq!(areas.len(), 47, "{areas:?}");
    assert_eq!(areas.iter().filter(|(_, h)| h.is_some()).count(), 46);
    // 北海道: 11 of 27 → 40.7%; 東京都: 17 of 49 → 34.7% (make.py's made-up numbers)
    assert_eq!(label_of(&areas, "北海道").0, "北海道: 40.7%");
    assert_eq!(label_of(&areas, "東京都").0, "東京都: 34.7%");
    // not reported, suppressed (a count of 1 under the threshold of 3), not in the survey
    assert_eq!(label_of(&areas, "島根県").0, "島根県: …（資料に記載なし）");
    assert_eq!(
        label_of(&areas, "鳥取県").0,
        "鳥取県: x（回答者が少ないため秘匿）"
    );
    assert_eq!(
        label_of(&areas, "佐賀県"),
        &("佐賀県: 調査対象外".to_string(), None)
    );

    // Every link reaches the region × question page of its region.
    for (label, href) in &areas {
        let Some(href) = href else { continue };
        let file = resolve_link("questions/q1/index.html", href, "/")
            .unwrap()
            .unwrap();
        let target = std::fs::read_to_string(site.dir.join(&file))
            .unwrap_or_else(|e| panic!("{label}: link {href} → {file}: {e}"));
        let region = label.split(':').next().unwrap();
        assert!(
            title(&target).contains(&format!("（{region}）")),
            "{label} → {file}: {}",
            title(&target)
        );
    }
}

#[test]
fn the_legend_and_the_table_beside_the_map_carry_the_same_numbers() {
    let site = japan().build();
    let page = site.page("questions/q1/");
    let map = map_of(&page);
    let legend = legend(&map);
    // Five classes of 20 points (values from 6.7% to 93.5%), then the three patterns.
    assert_eq!(
        legend
            .iter()
            .take(5)
            .map(|l| l.split('（').next().unwrap().trim().to_string())
            .collect::<Vec<_>>(),
        [
            "0%以上20%未満",
            "20%以上40%未満",
            "40%以上60%未満",
            "60%以上80%未満",
            "80%以上"
        ]
    );
    assert!(
        legend.contains(&"資料に記載なし（…） （1地域）".to_string()),
        "{legend:?}"
    );
    assert!(
        legend.contains(&"調査対象外 （1地域）".to_string()),
        "{legend:?}"
    );
    let suppressed = legend
        .iter()
        .find(|l| l.starts_with("回答者が少ないため秘匿（x）"))
        .expect("a legend entry for suppressed values");
    // 鳥取県, and the region whose cell secondary suppression hid with it
    let n: usize = suppressed
        .rsplit('（')
        .next()
        .unwrap()
        .trim_end_matches("地域）")
        .parse()
        .unwrap();
    // The classes and patterns count every area once.
    let total: usize = legend
        .iter()
        .map(|l| {
            l.rsplit('（')
                .next()
                .unwrap()
                .trim_end_matches("地域）")
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, 47, "{legend:?}");

    // The question's table right above the map: each region's key figure as its area names it
    // (the first option column is the key option).
    let areas = areas(&map);
    let table = tables(&page)
        .into_iter()
        .find(|t| t.caption.contains("地域別、件数と対象に対する%"))
        .expect("the question's table");
    for (label, href) in &areas {
        let (region, value) = label.split_once(": ").unwrap();
        if href.is_none() {
            assert_eq!(value, "調査対象外");
            assert!(table.rows.iter().all(|r| r.label() != region), "{region}");
            continue;
        }
        let cell = &table.row(region).td[1];
        match value {
            "…（資料に記載なし）" => assert_eq!(cell, "…", "{label}"),
            "x（回答者が少ないため秘匿）" => assert_eq!(cell, "x", "{label}"),
            pct => assert!(cell.ends_with(&format!("({pct})")), "{label}: {cell}"),
        }
    }
    // A region page's map has its own table: a row per area with the value of its accessible
    // name (佐賀県 too).
    let region_page = site.page("regions/tokyo/");
    let region_map = map_of(&region_page);
    let table = tables(&region_map).remove(0);
    assert_eq!(table.rows.len(), 1 + 47);
    for (label, _) in &self::areas(&region_map) {
        let (region, value) = label.split_once(": ").unwrap();
        let region = region.trim_end_matches("（この地域）");
        assert_eq!(table.row(region).td, [value.to_string()], "{label}");
    }
    assert_eq!(
        areas.iter().filter(|(l, _)| l.contains('x')).count(),
        n,
        "the legend counts the suppressed areas"
    );
    // The total is named beside the map, not drawn on it: 全国 47.6%.
    assert!(
        text(&map).contains("全国（地図には含みません）: 47.6%"),
        "{}",
        text(&map)
    );
}

#[test]
fn a_region_page_maps_the_lead_question_with_its_region_outlined() {
    let site = japan().build();
    let page = site.page("regions/tokyo/");
    let map = map_of(&page);
    let areas = areas(&map);
    let (label, href) = label_of(&areas, "東京都");
    assert_eq!(label, "東京都（この地域）: 34.7%");
    assert!(map.contains("aria-current=\"page\""));
    assert!(
        legend(&map)
            .iter()
            .any(|l| l == "太枠: 東京都（このページの地域）")
    );
    // On a region page, areas link to the other regions' pages.
    for (label, href) in areas.iter().filter_map(|(l, h)| h.as_ref().map(|h| (l, h))) {
        let file = resolve_link("regions/tokyo/index.html", href, "/")
            .unwrap()
            .unwrap();
        assert!(
            file.starts_with("regions/") && file.matches('/').count() == 2,
            "{label}: {file}"
        );
        assert!(site.dir.join(&file).is_file(), "{label}: {file}");
    }
    assert_eq!(href.as_deref(), Some("../../regions/tokyo/"));
    // A question without a key option has no map (src/render/maps.rs).
    assert!(!site.page("questions/q2/").contains("class=\"map\""));
    // Region × question pages have none.
    assert!(!site.page("regions/tokyo/q1/").contains("class=\"map\""));
}

#[test]
fn a_page_with_a_map_of_47_prefectures_stays_light() {
    let site = japan().build();
    for page in ["questions/q1/", "regions/tokyo/", "regions/zenkoku/"] {
        let html = site.page(page);
        let svg = &html[html
            .find("<svg xmlns=\"http://www.w3.org/2000/svg\" aria-label=\"地図")
            .unwrap()..];
        let svg = &svg[..svg.find("</svg>").unwrap()];
        assert!(
            svg.len() < 100_000,
            "{page}: the map is {} bytes",
            svg.len()
        );
        assert!(html.len() < 150_000, "{page}: {} bytes", html.len());
    }
}

#[test]
fn maps_are_the_same_on_every_build_with_or_without_the_cache() {
    let project = japan();
    let first = project.build().files();
    let cache = project.path(".surveysite-cache/maps");
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        1,
        "one cached set of shapes"
    );
    let second = project.build_into(&project.path("site2"), &[]).files();
    std::fs::remove_dir_all(&cache).unwrap();
    let third = project.build_into(&project.path("site3"), &[]).files();
    assert!(first == second && second == third, "rebuilds differ");
}

#[test]
fn a_tile_map_of_two_regions() {
    let site: Site = tiles().build();
    let page = site.page("questions/q1/");
    let map = map_of(&page);
    let areas = areas(&map);
    assert_eq!(
        areas.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["東部医療圏: 25.0%", "西部医療圏: …（資料に記載なし）"]
    );
    // Each tile writes its name and value: not by colour alone.
    let svg_text = text(&map[map.find("<svg").unwrap()..map.find("</svg>").unwrap()]);
    assert!(
        svg_text.contains("東部医療圏") && svg_text.contains("25.0%") && svg_text.contains('…'),
        "{svg_text}"
    );
    assert!(text(&map).contains("全域（地図には含みません）: 39.3%"));
    for (label, href) in &areas {
        let file = resolve_link("questions/q1/index.html", href.as_ref().unwrap(), "/")
            .unwrap()
            .unwrap();
        assert!(site.dir.join(&file).is_file(), "{label}: {file}");
    }
    let region = site.page("regions/west/");
    assert_eq!(
        label_of(&self::areas(&map_of(&region)), "西部").0,
        "西部医療圏（この地域）: …（資料に記載なし）"
    );
}

#[test]
fn the_example_report_has_no_map() {
    let site = Project::example().build();
    for page in ["questions/q1/", "regions/ku-seinanbu/"] {
        assert!(!site.page(page).contains("map-svg"), "{page}");
    }
}

fn build_error(project: &Project) -> String {
    let out = project.run_build(&project.path("site"), &[]);
    assert!(!out.status.success(), "the build should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_region_without_a_feature_is_an_error_naming_the_codebook_line() {
    let project = japan();
    let line = project.line_of("data/codebook.yaml", "  boundaries: data/japan.geojson");
    let geo = project.read("data/japan.geojson");
    project.write(
        "data/japan.geojson",
        &geo.replacen("\"id\":\"tokyo\"", "\"id\":\"tokio\"", 1),
    );
    let err = build_error(&project);
    assert!(
        err.contains(&format!("data/codebook.yaml:{line}:"))
            && err.contains("region \"tokyo\" (東京都) has no feature in data/japan.geojson whose property \"id\" is \"tokyo\" (did you mean \"tokio\"?)"),
        "{err}"
    );
    // Left off the map on purpose, it builds; the feature is drawn as outside the survey.
    project.replace_line(
        "data/codebook.yaml",
        "  name_property: name",
        "  name_property: name\n  not_on_map: [tokyo]",
    );
    let site = project.build();
    let areas = areas(&map_of(&site.page("questions/q1/")));
    assert_eq!(label_of(&areas, "東京都").0, "東京都: 調査対象外");
}

#[test]
fn broken_boundary_files_are_errors_naming_the_file_and_the_feature() {
    let project = japan();
    let geo = project.read("data/japan.geojson");
    project.write(
        "data/japan.geojson",
        &geo.replacen("\"Polygon\"", "\"Point\"", 1),
    );
    let err = build_error(&project);
    assert!(
        err.contains("data/japan.geojson: feature 0 (id \"hokkaido\"): geometry type \"Point\" is not drawn: expected Polygon or MultiPolygon"),
        "{err}"
    );
    project.write("data/japan.geojson", &geo.replacen("]]]}}", "]]}}", 1));
    let err = build_error(&project);
    assert!(
        err.contains("data/japan.geojson:2:") && err.contains("not valid GeoJSON"),
        "{err}"
    );
    project.write(
        "data/japan.geojson",
        &geo.replacen("\"id\":\"hokkaido\"", "\"pref\":\"hokkaido\"", 1),
    );
    let err = build_error(&project);
    assert!(
        err.contains("data/japan.geojson: feature 0 has no property \"id\" holding a region id (text or number); its properties: code, name, pref"),
        "{err}"
    );
    // projected metres, not WGS84 degrees
    project.write(
        "data/japan.geojson",
        &geo.replacen("[140.47134,43.08303]", "[512000.5,4770000.1]", 1),
    );
    let err = build_error(&project);
    assert!(err.contains("is not WGS84 longitude/latitude"), "{err}");
}

#[test]
fn tile_layout_errors_name_their_line() {
    let project = tiles();
    let line = project.line_of(
        "data/codebook.yaml",
        "    - { region: west, row: 1, column: 2 }",
    );
    project.replace_line(
        "data/codebook.yaml",
        "    - { region: west, row: 1, column: 2 }",
        "    - { region: west, row: 1, column: 1 }",
    );
    let err = build_error(&project);
    assert!(
        err.contains(&format!("data/codebook.yaml:{line}:"))
            && err.contains(
                "region \"west\" is at row 1, column 1, where region \"east\" already is"
            ),
        "{err}"
    );
    project.replace_line(
        "data/codebook.yaml",
        "    - { region: west, row: 1, column: 1 }",
        "    - { region: wset, row: 1, column: 2 }",
    );
    let err = build_error(&project);
    assert!(
        err.contains("region \"wset\" is not in the codebook (did you mean \"west\"?)"),
        "{err}"
    );
}

#[test]
fn check_lists_the_features_outside_the_survey() {
    let project = japan();
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(["check", "--root"])
        .arg(project.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: data/japan.geojson: feature 40 (id \"saga\") is no region of the survey: drawn as 調査対象外"),
        "{stderr}"
    );
}

#[test]
fn a_new_project_starts_with_a_tile_layout_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .arg("new")
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codebook = std::fs::read_to_string(root.join("data/codebook.yaml")).unwrap();
    assert!(
        codebook.ends_with(
            "map:\n  tiles:\n    - { region: east, row: 1, column: 1 }\n    - { region: west, row: 1, column: 2 }\n    - { region: south, row: 2, column: 1 }\n"
        ),
        "{codebook}"
    );
    // With a key option, the starter's first question shows the tiles.
    let with_key = codebook.replacen(
        "    base: all\n",
        "    base: all\n    key_option: weekly\n",
        1,
    );
    std::fs::write(root.join("data/codebook.yaml"), with_key).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(root.join("site/questions/q1/index.html")).unwrap();
    let labels: Vec<String> = areas(&map_of(&page)).into_iter().map(|(l, _)| l).collect();
    assert_eq!(labels, ["東地区: 50.0%", "西地区: 0.0%", "南地区: 33.3%"]);
}

/// The indexed text of each page of the site's search index (Pagefind fragments: gzip of
/// "pagefind_dcd" + JSON), by URL.
fn indexed(site: &Site) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut pages = std::collections::BTreeMap::new();
    for (path, bytes) in site.files() {
        if !path.starts_with("pagefind/fragment/") {
            continue;
        }
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(raw.strip_prefix(b"pagefind_dcd").unwrap()).unwrap();
        let content = v["content"]
            .as_str()
            .unwrap_or_default()
            .replace('\u{200b}', "");
        pages.insert(v["url"].as_str().unwrap().to_string(), content);
    }
    pages
}

#[test]
fn a_map_does_not_make_every_region_page_a_search_hit_for_every_region() {
    let site = tiles().build();
    let index = indexed(&site);
    let east = index
        .iter()
        .find(|(url, _)| url.ends_with("regions/east/"))
        .map(|(_, c)| c)
        .expect("the east page is indexed");
    assert!(east.contains("東部医療圏"), "{east}");
    // 西部医療圏 is on east's map and in its table, which the index leaves out.
    assert!(!east.contains("西部医療圏"), "{east}");
}
