//! Free-text answers: listed verbatim (and escaped) on the pages of their region × question,
//! その他 text on the choice questions' pages, and an explicit "not in the source" where the
//! source has none.

use crate::common::*;

/// The answers of one region × question in answers.csv, in file order.
fn answers_of(region: &str, question: &str, option_is_empty: bool) -> Vec<String> {
    example_answers()
        .into_iter()
        .filter(|[r, q, o, _]| r == region && q == question && o.is_empty() == option_is_empty)
        .map(|[_, _, _, a]| a)
        .collect()
}

#[test]
fn text_question_pages_of_ku_seinanbu_list_every_answer() {
    let site = Project::example().build();
    for (question, count) in [("q5", 6), ("q6", 4), ("q7", 9), ("q8", 5)] {
        let want = answers_of("ku-seinanbu", question, true);
        assert_eq!(
            want.len(),
            count,
            "data/answers.csv should hold {count} answers to {question} (READING.md)"
        );
        let page = site.page(&format!("regions/ku-seinanbu/{question}/"));
        assert_eq!(answer_items(&page), want, "regions/ku-seinanbu/{question}/");
        assert!(
            text(&page).contains(&format!("{count}件")),
            "{question}: the page should say how many answers there are ({count}件)"
        );
        // the question page lists them too, under 区西南部
        let page = site.page(&format!("questions/{question}/"));
        assert_eq!(answer_items(&page), want, "questions/{question}/");
    }
}

#[test]
fn other_answers_are_listed_on_choice_question_pages() {
    let site = Project::example().build();
    for (question, count) in [("q2", 1), ("q3", 1), ("q4", 3)] {
        let want = answers_of("ku-seinanbu", question, false);
        assert_eq!(
            want.len(),
            count,
            "その他 answers to {question} in data/answers.csv"
        );
        let page = site.page(&format!("regions/ku-seinanbu/{question}/"));
        assert_eq!(answer_items(&page), want, "regions/ku-seinanbu/{question}/");
        assert!(text(&page).contains("その他"), "{question}");
        let page = site.page(&format!("questions/{question}/"));
        let items = answer_items(&page);
        assert_eq!(items.len(), count, "questions/{question}/: {items:?}");
        for (item, answer) in items.iter().zip(&want) {
            assert!(
                item.ends_with(answer.as_str()),
                "questions/{question}/: {item:?}"
            );
        }
    }
}

#[test]
fn tokyo_text_pages_show_no_answers_and_say_the_source_has_none() {
    let site = Project::example().build();
    for question in ["q5", "q6", "q7", "q8"] {
        let page = site.page(&format!("regions/tokyo/{question}/"));
        assert_eq!(
            answer_items(&page),
            Vec::<String>::new(),
            "regions/tokyo/{question}/"
        );
        let shown = text(&page);
        assert!(
            shown.contains("資料に掲載されていません"),
            "regions/tokyo/{question}/ should say the answers are not in the source"
        );
        // the codebook's note on why
        assert!(
            shown.contains("区西南部の分しか掲載されていない"),
            "regions/tokyo/{question}/ should show the note"
        );
        // no answer of another region leaks in
        for answer in answers_of("ku-seinanbu", question, true) {
            assert!(!shown.contains(&answer), "{question}: {answer}");
        }
    }
}

/// The hostile strings of tests/fixtures/escaping/.
const SCRIPT: &str = "<script>alert(1)</script>";
const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

#[test]
fn untrusted_text_is_escaped() {
    let project = Project::example();
    project.overlay("escaping");
    let site = project.build();

    for page in ["regions/ku-seinanbu/q7/", "questions/q7/"] {
        let html = site.page(page);
        assert!(
            html.contains(SCRIPT_ESCAPED),
            "{page}: the answer should be shown, escaped"
        );
        assert!(
            html.contains("研究&amp;開発 &lt;b&gt;太字&lt;/b&gt;"),
            "{page}: & and tags in an answer are escaped"
        );
        // and the reader sees the text exactly as typed
        assert!(
            answer_items(&html)
                .iter()
                .any(|a| a == "<script>alert(1)</script> です"),
            "{page}"
        );
    }
    for page in ["regions/ku-seinanbu/q2/", "questions/q2/"] {
        let html = site.page(page);
        assert!(
            html.contains("A &amp; B &lt;img src=x onerror=alert(2)&gt;"),
            "{page}: その他 text is escaped"
        );
    }
    // front matter is text, not HTML: title and summary are escaped wherever they appear
    let region = site.page("regions/tokyo/");
    assert!(
        region.contains("見出し &lt;script&gt;alert(3)&lt;/script&gt; &amp; 注"),
        "commentary title"
    );
    let home = site.page("");
    assert!(
        home.contains("要約 &lt;script&gt;alert(4)&lt;/script&gt;"),
        "summary on the home page"
    );

    // (the CSV downloads hold the data as it is; pages and SVG must not)
    for (file, bytes) in site
        .files()
        .into_iter()
        .filter(|(f, _)| f.ends_with(".html") || f.ends_with(".svg"))
    {
        let html = String::from_utf8_lossy(&bytes);
        for raw in [
            SCRIPT,
            "<script>alert(3)",
            "<script>alert(4)",
            "<img src=x",
            "<b>太字",
            "A & B",
            "研究&開発",
            "\" onmouseover=\"",
        ] {
            assert!(!html.contains(raw), "{file} holds the raw text {raw:?}");
        }
    }
}
