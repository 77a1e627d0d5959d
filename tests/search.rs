//! The search index (issue 17): built from what the pages show, so a reader finds the example's
//! words on their pages, and never a draft or a withheld その他 text; the box is in every page.

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use common::{Project, Site};

/// Every indexed page of the site: its URL → (metadata, indexed text), read from Pagefind's
/// fragment files (gzip of "pagefind_dcd" + JSON).
fn indexed(site: &Site) -> BTreeMap<String, (BTreeMap<String, String>, String)> {
    let mut pages = BTreeMap::new();
    for (path, bytes) in site.files() {
        if !path.starts_with("pagefind/fragment/") {
            continue;
        }
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("{path}: not gzip: {e}"));
        let json = raw
            .strip_prefix(b"pagefind_dcd")
            .unwrap_or_else(|| panic!("{path}: no pagefind_dcd signature"));
        let v: serde_json::Value = serde_json::from_slice(json).expect("fragment JSON");
        let meta = v["meta"]
            .as_object()
            .expect("meta")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        // Pagefind puts a zero-width space between the words it segmented.
        let content = v["content"]
            .as_str()
            .unwrap_or_default()
            .replace('\u{200b}', "");
        pages.insert(v["url"].as_str().expect("url").to_string(), (meta, content));
    }
    pages
}

fn pages_with(
    index: &BTreeMap<String, (BTreeMap<String, String>, String)>,
    word: &str,
) -> Vec<String> {
    index
        .iter()
        .filter(|(_, (_, content))| content.contains(word))
        .map(|(url, _)| url.clone())
        .collect()
}

#[test]
fn the_example_words_are_indexed_on_their_pages_with_region_and_question() {
    let site = Project::example().build();
    let index = indexed(&site);
    // Every page a reader can land on, but not the two lists of every name, nor the 404 page.
    assert_eq!(index.len(), 1 + 2 + 2 * 8 + 8, "{:?}", index.keys());
    assert!(!index.contains_key("/regions/") && !index.contains_key("/questions/"));
    let (meta, _) = &index["/regions/ku-seinanbu/q8/"];
    assert_eq!(meta["title"], "Q8 地域医療構想に関する意見");
    assert_eq!(meta["region"], "区西南部");
    assert_eq!(meta["question"], "Q8 地域医療構想に関する意見");
    assert_eq!(index["/regions/ku-seinanbu/"].0["region"], "区西南部");
    // A question's page is told apart from its region × question pages in the results.
    assert_eq!(index["/questions/q8/"].0["scope"], "全地域の比較");
    assert!(
        !index["/questions/q8/"].1.contains("全地域の比較"),
        "shown, not searched"
    );
    for (word, page) in [
        ("画像", "/regions/ku-seinanbu/q8/"),
        ("マイナポータル", "/regions/ku-seinanbu/q7/"),
        ("電子カルテ", "/regions/ku-seinanbu/q5/"),
        ("ケアミックス", "/regions/ku-seinanbu/q1/"),
        ("サブアキュート", "/regions/tokyo/q1/"),
    ] {
        assert!(
            pages_with(&index, word).contains(&page.to_string()),
            "{word} on {page}"
        );
    }
    // Only the page's main content: not the header, the question list or the footer.
    let (_, home) = &index["/"];
    assert!(
        !home.contains("本文へ移動") && !home.contains("未報告"),
        "{home}"
    );
}

#[test]
fn every_page_has_the_search_box_hidden_until_its_script_runs() {
    let site = Project::example().build();
    for path in ["", "regions/ku-seinanbu/q8/", "404.html"] {
        let page = site.page(path);
        assert!(
            page.contains("<div class=\"site-search\" data-search") && page.contains(" hidden>"),
            "{path}"
        );
        assert!(
            page.contains("<main id=\"main\" data-pagefind-body>"),
            "{path}"
        );
        assert!(
            page.contains("assets/search.js\" defer></script>"),
            "{path}"
        );
    }
    let page = site.page("regions/ku-seinanbu/q8/");
    assert!(
        page.contains("data-pagefind-js=\"../../../pagefind/pagefind.js\""),
        "a relative path: works under a sub-path"
    );
    let files = site.files();
    for needed in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.unknown.pagefind",
        "assets/search.js",
    ] {
        assert!(files.contains_key(needed), "{needed}");
    }
    // Pagefind's own UI bundles are not shipped: the site has its own box.
    assert!(
        !files
            .keys()
            .any(|f| f.contains("pagefind-ui") || f.contains("playground"))
    );
}

#[test]
fn a_draft_is_not_indexed() {
    let project = Project::example();
    let draft = "---\ntitle: 下書き\ndraft: true\n---\n未公開の検索語ナガレボシ\n";
    project.write("content/regions/tokyo/q3.md", draft);
    let index = indexed(&project.build());
    assert!(pages_with(&index, "ナガレボシ").is_empty());
    // Published, it is found.
    project.write(
        "content/regions/tokyo/q3.md",
        &draft.replace("draft: true\n", ""),
    );
    let index = indexed(&project.build_into(&project.path("site2"), &[]));
    assert_eq!(pages_with(&index, "ナガレボシ"), ["/regions/tokyo/q3/"]);
}

#[test]
fn a_withheld_other_text_is_not_indexed() {
    // responses-forms: 北部 q2 その他 is 1 answer, "紹介状の統計が取れる"; threshold 3 hides it.
    let project = Project::example_with(&[]);
    project.overlay("responses-forms");
    let index = indexed(&project.build());
    assert!(
        !pages_with(&index, "紹介状の統計").is_empty(),
        "shown without suppression"
    );
    let yaml = project.read("report.yaml");
    project.write(
        "report.yaml",
        &yaml.replace(
            "base_url: \"\"\n",
            "base_url: \"\"\nsettings:\n  suppression: { threshold: 3 }\n",
        ),
    );
    let index = indexed(&project.build_into(&project.path("site2"), &[]));
    assert!(pages_with(&index, "紹介状の統計").is_empty());
}

#[test]
fn the_index_is_the_same_bytes_on_every_build() {
    let project = Project::example();
    let one = project.build().files();
    let two = project.build_into(&project.path("site2"), &[]).files();
    let index = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("pagefind/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    assert!(index(&one).len() > 20);
    assert!(
        index(&one) == index(&two),
        "the search index differs between two builds"
    );
}
